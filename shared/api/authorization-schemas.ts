import Type, { type Static } from 'typebox';
import { ActionId, Id } from './schemas.ts';

// Schemas of the authorization endpoints (DESIGN §4: authorize, forward-auth, explain), kept
// beside schemas.ts so that file stays about the objects an admin manages.

const strict = { additionalProperties: false } as const;
const Ip = Type.String({ minLength: 1, maxLength: 64 });
export const AuthorizeBody = Type.Union([
  Type.Object({ token: Type.String({ minLength: 1, maxLength: 1000 }), action: ActionId, ip: Type.Optional(Ip) }, strict),
  Type.Object(
    {
      token: Type.String({ minLength: 1, maxLength: 1000 }),
      method: Type.String({ minLength: 1, maxLength: 20 }),
      path: Type.String({ minLength: 1, maxLength: 8000 }),
      ip: Type.Optional(Ip),
    },
    strict,
  ),
]);
export const ExplainBody = Type.Union([
  Type.Object({ credentialId: Id, action: ActionId, ip: Type.Optional(Ip) }, strict),
  Type.Object(
    {
      credentialId: Id,
      method: Type.String({ minLength: 1, maxLength: 20 }),
      path: Type.String({ minLength: 1, maxLength: 8000 }),
      ip: Type.Optional(Ip),
    },
    strict,
  ),
]);
// Spelled out (DECISION_REASONS) for the same reason as Method; test/unit/shared checks they agree.
export const DecisionReason = Type.Union([
  Type.Literal('granted'),
  Type.Literal('unknown_token'),
  Type.Literal('disabled'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
  Type.Literal('ip_not_allowed'),
  Type.Literal('no_roles'),
  Type.Literal('not_permitted'),
  Type.Literal('missing_roles'),
  Type.Literal('no_route'),
  Type.Literal('stale_cache'),
  Type.Literal('invalid_path'),
]);
export const Decision = Type.Object({
  allowed: Type.Boolean(),
  reason: DecisionReason,
  credentialId: Type.Union([Id, Type.Null()]),
  roles: Type.Array(Type.String()),
  grantedBy: Type.Array(Type.String()),
  missingRoles: Type.Array(Type.String()),
});
export const Explanation = Type.Object({
  ...Decision.properties,
  breakdown: Type.Array(
    Type.Object({
      roleId: Id,
      name: Type.String(),
      includesAction: Type.Union([Type.Boolean(), Type.Null()]),
      required: Type.Union([Type.Boolean(), Type.Null()]),
    }),
  ),
  route: Type.Union([
    Type.Object({
      backendId: Id,
      backendName: Type.String(),
      subSettingIndex: Type.Union([Type.Integer(), Type.Null()]),
      requiredRoles: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
});

export type AuthorizeRequest = Static<typeof AuthorizeBody>;
export type ExplainRequest = Static<typeof ExplainBody>;
