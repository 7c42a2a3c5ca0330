import Type, { type Static, type TSchema } from 'typebox';
import { MAX_ROLL_GRACE_SECONDS } from '../domain/policy.ts';

// One set of schemas for the HTTP API (DESIGN §4): the server validates every body and query
// with them, the OpenAPI 3.1 document is generated from them, and the desktop app validates
// imported files with them. Objects reject unknown properties so a typo is a 400, not a no-op.

const strict = { additionalProperties: false } as const;

export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: '1–100 characters, not blank' });
export const Description = Type.String({ maxLength: 1000 });
export const Id = Type.String({ minLength: 1, maxLength: 200 });
export const Timestamp = Type.String({ format: 'date-time' });
export const Version = Type.Integer({ minimum: 1 });
export const ActionId = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:\\-/]+$' });
// Spelled out (HTTP_METHODS and 'ANY'): a Union over `HTTP_METHODS.map(Type.Literal)` has the static type `never`.
export const Method = Type.Union([
  Type.Literal('GET'),
  Type.Literal('HEAD'),
  Type.Literal('POST'),
  Type.Literal('PUT'),
  Type.Literal('PATCH'),
  Type.Literal('DELETE'),
  Type.Literal('OPTIONS'),
  Type.Literal('ANY'),
]);

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

// Catalog
export const ActionRoute = Type.Object({ method: Method, path: Type.String({ minLength: 1, maxLength: 2000 }) }, strict);
export const CatalogAction = Type.Object(
  { id: ActionId, description: Type.Optional(Description), routes: Type.Optional(Type.Array(ActionRoute, { maxItems: 100 })) },
  strict,
);
export const CatalogGroup = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.\\-]+$' }),
    name: Name,
    description: Type.Optional(Description),
    actions: Type.Array(CatalogAction, { maxItems: 50000 }),
  },
  strict,
);
export const CatalogBody = Type.Object({ groups: Type.Array(CatalogGroup, { maxItems: 5000 }) }, strict);
export const CatalogOut = Type.Object({
  version: Type.Integer(),
  groups: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      description: Type.String(),
      actions: Type.Array(Type.Object({ id: Type.String(), description: Type.String(), routes: Type.Array(ActionRoute) })),
    }),
  ),
});
export const CatalogPutQuery = Type.Object({ prune: Type.Optional(Type.Boolean()) }, strict);
export const OpenApiDocument = Type.Object(
  { openapi: Type.String({ pattern: '^3\\.' }), paths: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: true },
);

// Roles
export const Role = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  actions: Type.Array(Type.String()),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const RoleCreate = Type.Object(
  { name: Name, description: Type.Optional(Description), actions: Type.Array(ActionId, { maxItems: 100000 }) },
  strict,
);
export const RolePatch = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    actions: Type.Optional(Type.Array(ActionId, { maxItems: 100000 })),
  },
  strict,
);
export const RoleList = Type.Object({ items: Type.Array(Role) });
export const RoleChange = Type.Union([
  Type.Object({ op: Type.Literal('create'), role: RoleCreate }, strict),
  Type.Object({ op: Type.Literal('update'), id: Id, expectedVersion: Version, set: RolePatch }, strict),
  Type.Object({ op: Type.Literal('delete'), id: Id, expectedVersion: Version }, strict),
]);
export const RoleChanges = Type.Object({ changes: Type.Array(RoleChange, { minItems: 1, maxItems: 10000 }) }, strict);
export const RoleChangesResult = Type.Object({
  items: Type.Array(Type.Union([Role, Type.Object({ id: Id, deleted: Type.Literal(true) })])),
});
export const RoleConflict = Type.Object({
  index: Type.Integer(),
  id: Type.Union([Id, Type.Null()]),
  expectedVersion: Type.Union([Type.Integer(), Type.Null()]),
  actualVersion: Type.Union([Type.Integer(), Type.Null()]),
  current: Type.Union([Role, Type.Null()]),
});

// Credentials
export const CredentialStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('disabled'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
]);
export const Cidr = Type.String({ minLength: 1, maxLength: 64 });
export const Credential = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  ownerId: Type.Union([Id, Type.Null()]),
  roles: Type.Array(Id),
  status: CredentialStatus,
  prefix: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  allowedCidrs: Type.Array(Type.String()),
  /** After a roll with a grace period: until when the previous secret still works, else null. */
  previousSecretValidUntil: Type.Union([Timestamp, Type.Null()]),
  /** When a leak report revoked it (DESIGN §3.14), else null. */
  leakedAt: Type.Union([Timestamp, Type.Null()]),
  version: Type.Integer(),
});
export const CredentialCreate = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    ownerId: Type.Optional(Type.Union([Id, Type.Null()])),
    roles: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
    allowedCidrs: Type.Optional(Type.Array(Cidr, { maxItems: 1000 })),
  },
  strict,
);
/** Every field of a create, each optional: an edit changes what it names. */
export const CredentialPatch = Type.Partial(CredentialCreate, strict);
export const CredentialWithSecret = Type.Object({ credential: Credential, secret: Type.String() });
/** The columns the credential list sorts by on the server, each with the id as tiebreak. */
export const CredentialSort = Type.Union([
  Type.Literal('name'),
  Type.Literal('status'),
  Type.Literal('prefix'),
  Type.Literal('createdAt'),
  Type.Literal('expiresAt'),
  Type.Literal('lastUsedAt'),
]);
export const CredentialListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(CredentialStatus),
    /** Leaves revoked credentials out (the console's default view). */
    hideRevoked: Type.Optional(Type.Boolean()),
    role: Type.Optional(Id),
    owner: Type.Optional(Id),
    /** The order of the list; without it, newest first. A cursor belongs to the sort it was issued for. */
    sort: Type.Optional(CredentialSort),
    /** With sort, asc unless given; alone, it orders by createdAt (the default is createdAt desc). */
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  strict,
);
export const CredentialList = Type.Object({ items: Type.Array(Credential), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const RollBody = Type.Object({ graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ROLL_GRACE_SECONDS })) }, strict);
export const CredentialImport = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          name: Name,
          // The 16-character minimum is checked by the import itself, with a message that says why.
          secret: Type.String({ minLength: 1, maxLength: 500, description: 'the legacy secret; at least 16 characters' }),
          description: Type.Optional(Description),
          ownerId: Type.Optional(Type.Union([Id, Type.Null()])),
          roles: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
          fullAccess: Type.Optional(Type.Boolean()),
          expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
          allowedCidrs: Type.Optional(Type.Array(Cidr, { maxItems: 1000 })),
        },
        strict,
      ),
      { minItems: 1, maxItems: 10000 },
    ),
  },
  strict,
);
export const CredentialImportResult = Type.Object({ items: Type.Array(Credential), compatibilityRoleId: Type.Union([Id, Type.Null()]) });

// Directory
export const Email = Type.String({ maxLength: 320, pattern: '^$|^[^\\s@]+@[^\\s@]+$' });
export const Password = Type.String({ minLength: 8, maxLength: 1000 });
export const User = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  groups: Type.Array(Id),
  createdAt: Timestamp,
  version: Type.Integer(),
});
export const UserCreate = Type.Object(
  { name: Name, email: Type.Optional(Email), groups: Type.Optional(Type.Array(Id, { maxItems: 1000 })), password: Type.Optional(Password) },
  strict,
);
export const UserPatch = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Email),
    groups: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    password: Type.Optional(Type.Union([Password, Type.Null()])),
  },
  strict,
);
export const UserList = Type.Object({ items: Type.Array(User) });
export const Group = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  defaultRoles: Type.Array(Id),
  version: Type.Integer(),
});
export const GroupCreate = Type.Object(
  { name: Name, description: Type.Optional(Description), defaultRoles: Type.Optional(Type.Array(Id, { maxItems: 1000 })) },
  strict,
);
export const GroupPatch = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description), defaultRoles: Type.Optional(Type.Array(Id, { maxItems: 1000 })) },
  strict,
);
export const GroupList = Type.Object({ items: Type.Array(Group) });
export const IssuancePolicy = Type.Object({ allowedGroups: Type.Union([Type.Array(Id, { maxItems: 1000 }), Type.Null()]) }, strict);
export const SelfCredentialCreate = Type.Object(
  { name: Name, description: Type.Optional(Description), expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()])) },
  strict,
);
export const InvalidateResult = Type.Object({ revoked: Type.Integer() });

// Backends
export const SubSetting = Type.Object(
  {
    method: Method,
    pathRegex: Type.String({ minLength: 1, maxLength: 1000 }),
    requiredRoles: Type.Array(Id, { maxItems: 1000 }),
    override: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const FrontendPrefix = Type.String({ minLength: 1, maxLength: 500, pattern: '^/', description: 'starts with "/"' });
export const Backend = Type.Object({
  id: Id,
  name: Type.String(),
  frontendPrefix: Type.String(),
  requiredRoles: Type.Array(Id),
  subSettings: Type.Array(
    Type.Object({ method: Method, pathRegex: Type.String(), requiredRoles: Type.Array(Id), override: Type.Boolean() }),
  ),
  caseSensitive: Type.Boolean(),
  version: Type.Integer(),
});
export const BackendCreate = Type.Object(
  {
    name: Name,
    frontendPrefix: FrontendPrefix,
    requiredRoles: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    subSettings: Type.Optional(Type.Array(SubSetting, { maxItems: 1000 })),
    caseSensitive: Type.Optional(
      Type.Boolean({ description: 'match the prefix and patterns case-sensitively (default false: many routers ignore case)' }),
    ),
  },
  strict,
);
export const BackendPatch = Type.Object(
  {
    name: Type.Optional(Name),
    frontendPrefix: Type.Optional(FrontendPrefix),
    requiredRoles: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    subSettings: Type.Optional(Type.Array(SubSetting, { maxItems: 1000 })),
    caseSensitive: Type.Optional(
      Type.Boolean({ description: 'match the prefix and patterns case-sensitively (default false: many routers ignore case)' }),
    ),
  },
  strict,
);
export const BackendList = Type.Object({ items: Type.Array(Backend) });

// Audit and misc
export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    action: Type.Optional(Type.String({ maxLength: 200 })),
    actorId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The acting credential, or `system` for the entries no credential made' }),
    ),
    targetType: Type.Optional(Type.String({ maxLength: 50 })),
    targetId: Type.Optional(Id),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries at or after this instant (inclusive)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Only entries before this instant (exclusive); later than `from`' })),
  },
  strict,
);
export const AuditEntry = Type.Object({
  id: Id,
  at: Timestamp,
  actorId: Type.Union([Id, Type.Null()]),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.Union([Id, Type.Null()]) }),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export const AuditList = Type.Object({ items: Type.Array(AuditEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const Health = Type.Object({ status: Type.Literal('ok'), version: Type.String() });
/** Why an instance is not ready: its database cannot be reached, or it cannot hear other instances' changes. */
export const NotReadyReason = Type.Union([Type.Literal('database_unavailable'), Type.Literal('change_feed_down')]);
export const Ready = Type.Object({ status: Type.Literal('ready') });
export const NotReady = Type.Object({ status: Type.Literal('unavailable'), reason: NotReadyReason });
export const IdParams = Type.Object({ id: Id }, strict);

export type NotReadyBody = Static<typeof NotReady>;
export type RoleCreateBody = Static<typeof RoleCreate>;
export type RolePatchBody = Static<typeof RolePatch>;
export type RoleChangeOp = Static<typeof RoleChange>;
export type RoleChangesBody = Static<typeof RoleChanges>;
export type RoleConflictInfo = Static<typeof RoleConflict>;
export type CatalogPutBody = Static<typeof CatalogBody>;
export type CredentialCreateBody = Static<typeof CredentialCreate>;
export type CredentialPatchBody = Static<typeof CredentialPatch>;
export type CredentialListParams = Static<typeof CredentialListQuery>;
export type CredentialSortKey = Static<typeof CredentialSort>;
export type CredentialImportBody = Static<typeof CredentialImport>;
export type UserCreateBody = Static<typeof UserCreate>;
export type UserPatchBody = Static<typeof UserPatch>;
export type GroupCreateBody = Static<typeof GroupCreate>;
export type GroupPatchBody = Static<typeof GroupPatch>;
export type BackendCreateBody = Static<typeof BackendCreate>;
export type BackendPatchBody = Static<typeof BackendPatch>;
export type AuditListParams = Static<typeof AuditQuery>;
export type SelfCredentialCreateBody = Static<typeof SelfCredentialCreate>;
export type { Static, TSchema };
