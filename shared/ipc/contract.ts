import Type, { type Static, type TSchema } from 'typebox';
import * as L from '../api/lifecycle-schemas.ts';
import * as S from '../api/schemas.ts';
import type { CredentialUsage, LifetimePolicy, UsageOverview, Webhook, WebhookDelivery } from '../domain/lifecycle.ts';
import type { AuditEntry, Backend, Catalog, Credential, Group, Id, IssuancePolicy, Role, User } from '../domain/types.ts';
import type {
  AccessCheck,
  AppInfo,
  AppSettings,
  ApplyResult,
  ConnectionTest,
  CopyResult,
  DraftFile,
  DraftRole,
  DraftSet,
  HygieneReport,
  IssuedCredential,
  KeywardEvents,
  KeywardEventName,
  LocalServerStatus,
  Plan,
  Profile,
  SecretHandle,
  SessionStatus,
  IssuedWebhook,
} from './types.ts';
import type { ConflictKind, CopyFormat } from './types.ts';

// The one IPC contract (DESIGN §5): every method the renderer may call, grouped by domain, with
// the schema its argument is validated against in main and the type it resolves to. The preload
// (Electron) and the browser bridge (browser host) expose exactly this as `KeywardApi`, and the
// main process implements it. Every method takes at most one argument, a plain object, and
// rejects with an IpcError value ({ code, message, details? }, see types.ts).

const strict = { additionalProperties: false } as const;

/** A method: the schema of its single argument (null: takes none) and, as a type only, its result. */
export interface MethodSpec<Arg, Result> {
  readonly args: TSchema | null;
  /** Phantom fields carrying the types; never set at runtime. */
  readonly _arg?: Arg;
  readonly _result?: Result;
}

/** A method taking one argument object validated by `schema`. */
function takes<A extends TSchema>(schema: A) {
  return { returns: <R>(): MethodSpec<Static<A>, R> => ({ args: schema }) };
}
/** A method taking no argument. */
function none<R>(): MethodSpec<void, R> {
  return { args: null };
}

// Argument schemas specific to the desktop app (server bodies are reused from shared/api).
export const Url = Type.String({
  minLength: 8,
  maxLength: 2000,
  pattern: '^https?://[^\\s]+$',
  description: 'http(s)://host[:port][/path]',
});
export const AdminToken = Type.String({ minLength: 1, maxLength: 1000 });
export const Fingerprint = Type.String({
  pattern: '^([0-9A-F]{2}:){31}[0-9A-F]{2}$',
  description: 'SHA-256, upper-case hex pairs separated by ":"',
});
const ById = Type.Object({ id: S.Id }, strict);
const ExpectedVersion = Type.Optional(S.Version);

export const ProfileAdd = Type.Object(
  {
    name: S.Name,
    url: Url,
    token: AdminToken,
    allowInsecureHttp: Type.Optional(Type.Boolean()),
    /** The fingerprint the user confirmed after profiles.test; required for https. */
    fingerprint: Type.Optional(Type.Union([Fingerprint, Type.Null()])),
  },
  strict,
);
export const ProfileUpdate = Type.Object(
  {
    id: S.Id,
    name: Type.Optional(S.Name),
    url: Type.Optional(Url),
    token: Type.Optional(AdminToken),
    allowInsecureHttp: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const ProfileTest = Type.Union([
  Type.Object({ id: S.Id }, strict),
  Type.Object({ url: Url, token: Type.Optional(AdminToken), allowInsecureHttp: Type.Optional(Type.Boolean()) }, strict),
]);
export const ConfirmCertificate = Type.Object({ id: S.Id, fingerprint: Fingerprint }, strict);

const Update = <T extends TSchema>(set: T) => Type.Object({ id: S.Id, expectedVersion: ExpectedVersion, set }, strict);
const Delete = Type.Object({ id: S.Id, expectedVersion: ExpectedVersion }, strict);

export const SecretRef = Type.Object({ handle: Type.String({ minLength: 1, maxLength: 100 }) }, strict);
export const SecretCopy = Type.Object(
  {
    handle: Type.String({ minLength: 1, maxLength: 100 }),
    format: Type.Union([Type.Literal('token'), Type.Literal('header'), Type.Literal('curl'), Type.Literal('env')]),
  },
  strict,
);

export const RoleContentSchema = Type.Object(
  { name: S.Name, description: S.Description, actions: Type.Array(S.ActionId, { maxItems: 100000 }) },
  strict,
);
export const DraftSave = Type.Object(
  {
    /** The server role to edit (update draft) — or omit both ids for a new role. */
    roleId: Type.Optional(S.Id),
    /** An existing draft to overwrite (e.g. a new role being edited again). */
    draftId: Type.Optional(S.Id),
    role: RoleContentSchema,
  },
  strict,
);
export const DraftDelete = Type.Object({ roleId: S.Id }, strict);
export const DraftDiscard = Type.Object({ draftId: Type.Optional(S.Id) }, strict);
export const ResolveConflict = Type.Object(
  {
    planId: S.Id,
    draftId: S.Id,
    kind: Type.Union([
      Type.Literal('name'),
      Type.Literal('description'),
      Type.Literal('deleted_on_server'),
      Type.Literal('edited_on_server'),
      Type.Literal('name_taken'),
      Type.Literal('unknown_actions'),
    ]),
    choice: Type.Union([Type.Literal('mine'), Type.Literal('theirs')]),
    /** name_taken: a new name for the role ("mine" with a rename). */
    name: Type.Optional(S.Name),
  },
  strict,
);
export const ApplyPlan = Type.Object({ planId: S.Id }, strict);
export const DraftExport = Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('yaml')]) }, strict);
export const DraftImport = Type.Object(
  { content: Type.String({ maxLength: 20 * 1024 * 1024 }), fileName: Type.Optional(Type.String({ maxLength: 500 })) },
  strict,
);
export const AccessCheckArgs = Type.Union([
  Type.Object({ credentialId: S.Id, action: S.ActionId, ip: Type.Optional(Type.String({ maxLength: 64 })) }, strict),
  Type.Object(
    {
      credentialId: S.Id,
      method: Type.String({ minLength: 1, maxLength: 20 }),
      path: Type.String({ minLength: 1, maxLength: 8000, pattern: '^/' }),
      ip: Type.Optional(Type.String({ maxLength: 64 })),
    },
    strict,
  ),
]);
export const Theme = Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')]);
export const SettingsUpdate = Type.Object(
  { theme: Type.Optional(Theme), clipboardClearSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })) },
  strict,
);

// The literal unions above must list exactly these (a compile-time check, no runtime cost).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const CONTRACT_LITERALS_MATCH: [
  Same<Static<typeof SecretCopy>['format'], CopyFormat>,
  Same<Static<typeof ResolveConflict>['kind'], ConflictKind>,
] = [true, true];

export const IPC_CONTRACT = {
  profiles: {
    list: none<Profile[]>(),
    add: takes(ProfileAdd).returns<Profile>(),
    update: takes(ProfileUpdate).returns<Profile>(),
    remove: takes(ById).returns<void>(),
    /** Reaches the server, reports its certificate and whether the token works; stores nothing. */
    test: takes(ProfileTest).returns<ConnectionTest>(),
    /** Pins the certificate the user confirmed (first connection, or a deliberate re-pin). */
    confirmCertificate: takes(ConfirmCertificate).returns<Profile>(),
  },
  session: {
    connect: takes(Type.Object({ profileId: S.Id }, strict)).returns<SessionStatus>(),
    disconnect: none<SessionStatus>(),
    status: none<SessionStatus>(),
    /** Refetches catalog, roles, credentials and backends into the offline cache. */
    sync: none<SessionStatus>(),
    /** "Work offline": no request reaches the server (reads come from the cache, role edits become drafts) until switched off. */
    workOffline: takes(Type.Object({ offline: Type.Boolean() }, strict)).returns<SessionStatus>(),
  },
  localServer: {
    /**
     * Starts the embedded backend (SQLite in the user-data folder) and connects to it. `demo`
     * seeds the demo catalog, roles, groups, users and backends when this start creates the
     * database; an existing database is used as it is.
     */
    start: takes(Type.Object({ demo: Type.Optional(Type.Boolean()) }, strict)).returns<LocalServerStatus>(),
    stop: none<LocalServerStatus>(),
    status: none<LocalServerStatus>(),
  },
  catalog: {
    /** Online: the server's catalog (and the cache is refreshed); offline: the cached one. */
    get: none<Catalog>(),
    replace: takes(
      Type.Object({ groups: S.CatalogBody.properties.groups, prune: Type.Optional(Type.Boolean()) }, strict),
    ).returns<Catalog>(),
    importOpenApi: takes(Type.Object({ document: S.OpenApiDocument }, strict)).returns<Catalog>(),
  },
  roles: {
    list: none<Role[]>(),
    get: takes(ById).returns<Role>(),
    create: takes(S.RoleCreate).returns<Role>(),
    update: takes(Update(S.RolePatch)).returns<Role>(),
    delete: takes(Delete).returns<void>(),
    /** Deletes several roles in one /v1/roles/changes transaction: all of them, or none and the error. */
    deleteMany: takes(
      Type.Object(
        { items: Type.Array(Type.Object({ id: S.Id, expectedVersion: S.Version }, strict), { minItems: 1, maxItems: 10000 }) },
        strict,
      ),
    ).returns<void>(),
    /** A copy named "<name> (copy)" unless a name is given. */
    duplicate: takes(Type.Object({ id: S.Id, name: Type.Optional(S.Name) }, strict)).returns<Role>(),
    /** How many credentials hold each role (role id → count). */
    usage: none<Record<Id, number>>(),
  },
  credentials: {
    list: takes(S.CredentialListQuery).returns<{ items: Credential[]; nextCursor: string | null }>(),
    get: takes(ById).returns<Credential>(),
    /** The secret stays in main: the answer carries a handle for secrets.* instead. */
    create: takes(S.CredentialCreate).returns<IssuedCredential>(),
    update: takes(Update(S.CredentialPatch)).returns<Credential>(),
    revoke: takes(ById).returns<Credential>(),
    disable: takes(ById).returns<Credential>(),
    enable: takes(ById).returns<Credential>(),
    roll: takes(Type.Object({ id: S.Id, graceSeconds: S.RollBody.properties.graceSeconds }, strict)).returns<IssuedCredential>(),
    delete: takes(Delete).returns<void>(),
  },
  secrets: {
    preview: takes(SecretRef).returns<SecretHandle>(),
    /** The one call that hands the secret itself to the renderer, on the user's explicit request. */
    reveal: takes(SecretRef).returns<{ secret: string }>(),
    copy: takes(SecretCopy).returns<CopyResult>(),
    /** Forgets the secret now (dialog closed). A pending clipboard clear keeps running: the user may still be pasting. */
    discard: takes(SecretRef).returns<void>(),
  },
  users: {
    list: none<User[]>(),
    get: takes(ById).returns<User>(),
    create: takes(S.UserCreate).returns<User>(),
    update: takes(Update(S.UserPatch)).returns<User>(),
    delete: takes(Delete).returns<void>(),
    invalidateTokens: takes(ById).returns<{ revoked: number }>(),
  },
  groups: {
    list: none<Group[]>(),
    get: takes(ById).returns<Group>(),
    create: takes(S.GroupCreate).returns<Group>(),
    update: takes(Update(S.GroupPatch)).returns<Group>(),
    delete: takes(Delete).returns<void>(),
  },
  policy: {
    get: none<IssuancePolicy>(),
    set: takes(S.IssuancePolicy).returns<IssuancePolicy>(),
    getLifetime: none<LifetimePolicy>(),
    setLifetime: takes(L.LifetimePolicy).returns<LifetimePolicy>(),
  },
  usage: {
    /** One credential's allowed / denied requests over time (DESIGN §3.13). */
    credential: takes(Type.Object({ id: S.Id, ...L.UsageQuery.properties }, strict)).returns<CredentialUsage>(),
    /** Totals over every credential, the busiest and the most denied. */
    overview: takes(L.UsageOverviewQuery).returns<UsageOverview>(),
  },
  webhooks: {
    list: none<Webhook[]>(),
    /** The signing secret stays in main like a token's: the answer carries a handle for secrets.*. */
    create: takes(L.WebhookCreate).returns<IssuedWebhook>(),
    update: takes(Update(L.WebhookPatch)).returns<Webhook>(),
    delete: takes(Delete).returns<void>(),
    deliveries: takes(ById).returns<WebhookDelivery[]>(),
    resend: takes(Type.Object({ id: S.Id, deliveryId: S.Id }, strict)).returns<WebhookDelivery>(),
  },
  backends: {
    list: none<Backend[]>(),
    get: takes(ById).returns<Backend>(),
    create: takes(S.BackendCreate).returns<Backend>(),
    update: takes(Update(S.BackendPatch)).returns<Backend>(),
    delete: takes(Delete).returns<void>(),
  },
  audit: {
    list: takes(S.AuditQuery).returns<{ items: AuditEntry[]; nextCursor: string | null }>(),
  },
  drafts: {
    list: none<DraftSet>(),
    saveRole: takes(DraftSave).returns<DraftRole>(),
    deleteRole: takes(DraftDelete).returns<DraftRole>(),
    /** Drops one draft, or all of this profile's drafts when no draftId is given. */
    discard: takes(DraftDiscard).returns<DraftSet>(),
    /** Fetches the server state and merges the drafts onto it (needs a connection). */
    plan: none<Plan>(),
    /** Settles one conflict of the last plan and answers the plan recomputed on the same server state. */
    resolveConflict: takes(ResolveConflict).returns<Plan>(),
    /** Sends the reviewed plan as one atomic /v1/roles/changes request. */
    apply: takes(ApplyPlan).returns<ApplyResult>(),
    export: takes(DraftExport).returns<DraftFile>(),
    /** Validates a JSON or YAML drafts file and adds its drafts to this profile's. */
    import: takes(DraftImport).returns<DraftSet>(),
  },
  access: {
    /** Decision and per-role explanation, computed in the app from server state or the offline cache. */
    check: takes(AccessCheckArgs).returns<AccessCheck>(),
  },
  hygiene: {
    report: none<HygieneReport>(),
  },
  app: {
    info: none<AppInfo>(),
    setTheme: takes(Type.Object({ theme: Theme }, strict)).returns<AppSettings>(),
    updateSettings: takes(SettingsUpdate).returns<AppSettings>(),
  },
} as const;

export type IpcContract = typeof IPC_CONTRACT;
export type IpcDomain = keyof IpcContract;

type MethodOf<Spec> = Spec extends MethodSpec<infer A, infer R> ? ([A] extends [void] ? () => Promise<R> : (arg: A) => Promise<R>) : never;

export type EventListener<E extends KeywardEventName> = (payload: KeywardEvents[E]) => void;

/** The API the renderer sees as `window.keyward` (Electron) or from createBrowserBridge(). */
export type KeywardApi = { readonly [D in IpcDomain]: { readonly [M in keyof IpcContract[D]]: MethodOf<IpcContract[D][M]> } } & {
  /** Subscribes to an event from main; returns the unsubscribe function. */
  readonly on: <E extends KeywardEventName>(event: E, listener: EventListener<E>) => () => void;
};

/** Argument and result types of one method, e.g. ArgOf<'roles', 'create'>. */
export type ArgOf<D extends IpcDomain, M extends keyof IpcContract[D]> = IpcContract[D][M] extends MethodSpec<infer A, unknown> ? A : never;
export type ResultOf<D extends IpcDomain, M extends keyof IpcContract[D]> =
  IpcContract[D][M] extends MethodSpec<unknown, infer R> ? R : never;

/** "roles.create"-style names of every method, in contract order. */
export const IPC_METHOD_NAMES: readonly string[] = Object.entries(IPC_CONTRACT).flatMap(([domain, methods]) =>
  Object.keys(methods).map((method) => `${domain}.${method}`),
);

/** The spec of "domain.method", or null when the contract has no such method. */
export function methodSpec(name: string): MethodSpec<unknown, unknown> | null {
  const [domain, method, ...rest] = name.split('.');
  if (!domain || !method || rest.length > 0 || !Object.hasOwn(IPC_CONTRACT, domain)) return null;
  const methods = IPC_CONTRACT[domain as IpcDomain] as Record<string, MethodSpec<unknown, unknown>>;
  return Object.hasOwn(methods, method) ? methods[method]! : null;
}

/** Electron channel of a method; one channel per method, never a generic one. */
export const ipcChannel = (name: string): string => `keyward:${name}`;
export const IPC_EVENT_CHANNEL = 'keyward:event';
export const EVENT_NAMES: readonly KeywardEventName[] = [
  'session.connectivityChanged',
  'localServer.statusChanged',
  'secrets.clipboardCleared',
  'secrets.clipboardCountdown',
  'secrets.expired',
  'drafts.changed',
  'app.settingsChanged',
];

export type { KeywardEvents, KeywardEventName };
