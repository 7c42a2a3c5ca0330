import type { Static, TSchema } from 'typebox';
import type { AdminAction } from '../domain/admin-actions.ts';
import type { ErrorCode } from './errors.ts';
import * as A from './authorization-schemas.ts';
import * as L from './lifecycle-schemas.ts';
import * as S from './schemas.ts';

// The table of every endpoint of the HTTP API (DESIGN §4). The server registers its routes from
// it (schemas, permission) and the OpenAPI document is generated from it, so the two cannot drift.
// It is declared `as const`, so each entry's operationId, method, path and schemas are known to
// the type checker: the types at the end (BodyOf<'updateRole'>, ResponseOf<'getRole'>, ...) type
// the server's handler map (server/http/handlers.ts) and the app's REST client
// (electron/services/rest-client.ts) from this one table.

/** How a caller is authenticated: a bearer/X-Api-Key credential holding `permission`, HTTP Basic, or nobody. */
export type EndpointAuth = { kind: 'none' } | { kind: 'basic' } | { kind: 'token'; permission: AdminAction | null };

export interface Endpoint {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  /** Fastify-style path: `/v1/roles/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: EndpointAuth;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** Success status and body schema (null body for 204). */
  response: { status: number; schema: TSchema | null; description?: string };
  errors: readonly ErrorCode[];
  /** Answers other than success and the error shape (readiness's 503 body). */
  otherResponses?: readonly { status: number; schema: TSchema; description: string }[];
  /** Whether the write accepts `If-Match` and the object carries an ETag. */
  versioned?: boolean;
}

const token = (permission: AdminAction | null): EndpointAuth => ({ kind: 'token', permission });
const common: ErrorCode[] = ['invalid_request', 'unauthorized', 'forbidden', 'too_many_requests'];
const withId = { params: S.IdParams };

// One endpoint per line, a table to read down: kept as written (prettier-ignore).
// prettier-ignore
export const ENDPOINTS = [
  { operationId: 'health', method: 'GET', path: '/v1/health', tag: 'meta', summary: 'Liveness and version', auth: { kind: 'none' }, response: { status: 200, schema: S.Health }, errors: [] },
  { operationId: 'ready', method: 'GET', path: '/v1/ready', tag: 'meta', summary: 'Readiness for load balancers: 503 while the database or the change feed is down', auth: { kind: 'none' }, response: { status: 200, schema: S.Ready }, otherResponses: [{ status: 503, schema: S.NotReady, description: 'The database or the change feed is down (with Retry-After)' }], errors: [] },
  { operationId: 'openapi', method: 'GET', path: '/v1/openapi.json', tag: 'meta', summary: 'This API as an OpenAPI 3.1 document', auth: { kind: 'none' }, response: { status: 200, schema: null, description: 'OpenAPI 3.1 document' }, errors: [] },

  { operationId: 'getCatalog', method: 'GET', path: '/v1/catalog', tag: 'catalog', summary: 'The action catalog, grouped', auth: token('keyward.catalog.read'), response: { status: 200, schema: S.CatalogOut }, errors: common, versioned: true },
  { operationId: 'putCatalog', method: 'PUT', path: '/v1/catalog', tag: 'catalog', summary: 'Replace every group but `keyward`; 409 catalog_in_use unless ?prune=true', auth: token('keyward.catalog.write'), query: S.CatalogPutQuery, body: S.CatalogBody, response: { status: 200, schema: S.CatalogOut }, errors: [...common, 'catalog_in_use', 'version_mismatch', 'last_administrator'], versioned: true },
  { operationId: 'importOpenApi', method: 'POST', path: '/v1/catalog/openapi', tag: 'catalog', summary: 'Merge the operations of an OpenAPI 3 document into the catalog (group = first tag, id = operationId)', auth: token('keyward.catalog.write'), body: S.OpenApiDocument, response: { status: 200, schema: S.CatalogOut }, errors: [...common, 'invalid_openapi', 'version_mismatch'], versioned: true },

  { operationId: 'listRoles', method: 'GET', path: '/v1/roles', tag: 'roles', summary: 'Every role', auth: token('keyward.roles.read'), response: { status: 200, schema: S.RoleList }, errors: common },
  { operationId: 'createRole', method: 'POST', path: '/v1/roles', tag: 'roles', summary: 'Create a role', auth: token('keyward.roles.write'), body: S.RoleCreate, response: { status: 201, schema: S.Role }, errors: [...common, 'name_taken', 'unknown_action', 'escalation'] },
  { operationId: 'applyRoleChanges', method: 'POST', path: '/v1/roles/changes', tag: 'roles', summary: 'Apply creates, updates and deletes in one transaction, or none with 409 conflict', auth: token('keyward.roles.write'), body: S.RoleChanges, response: { status: 200, schema: S.RoleChangesResult }, errors: [...common, 'conflict', 'name_taken', 'unknown_action', 'role_in_use', 'escalation', 'not_found', 'last_administrator'] },
  { operationId: 'getRole', method: 'GET', path: '/v1/roles/:id', tag: 'roles', summary: 'One role', auth: token('keyward.roles.read'), ...withId, response: { status: 200, schema: S.Role }, errors: [...common, 'not_found'], versioned: true },
  { operationId: 'updateRole', method: 'PATCH', path: '/v1/roles/:id', tag: 'roles', summary: 'Edit a role; every credential holding it inherits the change at once', auth: token('keyward.roles.write'), ...withId, body: S.RolePatch, response: { status: 200, schema: S.Role }, errors: [...common, 'not_found', 'name_taken', 'unknown_action', 'escalation', 'version_mismatch', 'last_administrator'], versioned: true },
  { operationId: 'deleteRole', method: 'DELETE', path: '/v1/roles/:id', tag: 'roles', summary: 'Unassign a role everywhere and delete it; 409 role_in_use if a backend requires it', auth: token('keyward.roles.write'), ...withId, response: { status: 204, schema: null }, errors: [...common, 'not_found', 'role_in_use', 'version_mismatch', 'escalation', 'last_administrator'], versioned: true },

  { operationId: 'listCredentials', method: 'GET', path: '/v1/credentials', tag: 'credentials', summary: 'Search and page credentials', auth: token('keyward.credentials.read'), query: S.CredentialListQuery, response: { status: 200, schema: S.CredentialList }, errors: [...common, 'invalid_cursor'] },
  { operationId: 'createCredential', method: 'POST', path: '/v1/credentials', tag: 'credentials', summary: 'Issue a credential; the secret is in this answer only', auth: token('keyward.credentials.write'), body: S.CredentialCreate, response: { status: 201, schema: S.CredentialWithSecret }, errors: [...common, 'unknown_role', 'unknown_user', 'invalid_cidr', 'issuance_not_allowed', 'escalation', 'lifetime_exceeded'] },
  { operationId: 'importCredentials', method: 'POST', path: '/v1/credentials/import', tag: 'credentials', summary: 'Import credentials with their existing secrets; fullAccess ones get the compatibility role', auth: token('keyward.credentials.write'), body: S.CredentialImport, response: { status: 201, schema: S.CredentialImportResult }, errors: [...common, 'unknown_role', 'unknown_user', 'invalid_cidr', 'secret_taken', 'issuance_not_allowed', 'escalation', 'lifetime_exceeded'] },
  { operationId: 'getCredential', method: 'GET', path: '/v1/credentials/:id', tag: 'credentials', summary: 'One credential (never its secret)', auth: token('keyward.credentials.read'), ...withId, response: { status: 200, schema: S.Credential }, errors: [...common, 'not_found'], versioned: true },
  { operationId: 'updateCredential', method: 'PATCH', path: '/v1/credentials/:id', tag: 'credentials', summary: 'Edit a credential', auth: token('keyward.credentials.write'), ...withId, body: S.CredentialPatch, response: { status: 200, schema: S.Credential }, errors: [...common, 'not_found', 'unknown_role', 'unknown_user', 'invalid_cidr', 'issuance_not_allowed', 'escalation', 'version_mismatch', 'credential_revoked', 'last_administrator', 'lifetime_exceeded'], versioned: true },
  { operationId: 'deleteCredential', method: 'DELETE', path: '/v1/credentials/:id', tag: 'credentials', summary: 'Delete a credential; its secret stops working at once', auth: token('keyward.credentials.write'), ...withId, response: { status: 204, schema: null }, errors: [...common, 'not_found', 'version_mismatch', 'last_administrator'], versioned: true },
  { operationId: 'revokeCredential', method: 'POST', path: '/v1/credentials/:id/revoke', tag: 'credentials', summary: 'Revoke for good (idempotent)', auth: token('keyward.credentials.write'), ...withId, response: { status: 200, schema: S.Credential }, errors: [...common, 'not_found', 'version_mismatch', 'last_administrator'], versioned: true },
  { operationId: 'disableCredential', method: 'POST', path: '/v1/credentials/:id/disable', tag: 'credentials', summary: 'Suspend; denied with reason disabled until enabled', auth: token('keyward.credentials.write'), ...withId, response: { status: 200, schema: S.Credential }, errors: [...common, 'not_found', 'credential_revoked', 'version_mismatch', 'last_administrator'], versioned: true },
  { operationId: 'enableCredential', method: 'POST', path: '/v1/credentials/:id/enable', tag: 'credentials', summary: 'Lift a suspension', auth: token('keyward.credentials.write'), ...withId, response: { status: 200, schema: S.Credential }, errors: [...common, 'not_found', 'credential_revoked', 'version_mismatch'], versioned: true },
  { operationId: 'rollCredential', method: 'POST', path: '/v1/credentials/:id/roll', tag: 'credentials', summary: 'Issue a new secret; the old one stops at once or after graceSeconds (≤ 86400)', auth: token('keyward.credentials.write'), ...withId, body: S.RollBody, response: { status: 200, schema: S.CredentialWithSecret }, errors: [...common, 'not_found', 'credential_revoked', 'version_mismatch', 'escalation', 'last_administrator', 'lifetime_exceeded'], versioned: true },

  { operationId: 'listUsers', method: 'GET', path: '/v1/users', tag: 'directory', summary: 'Every user', auth: token('keyward.directory.read'), response: { status: 200, schema: S.UserList }, errors: common },
  { operationId: 'createUser', method: 'POST', path: '/v1/users', tag: 'directory', summary: 'Create a user', auth: token('keyward.directory.write'), body: S.UserCreate, response: { status: 201, schema: S.User }, errors: [...common, 'name_taken', 'unknown_group'] },
  { operationId: 'getUser', method: 'GET', path: '/v1/users/:id', tag: 'directory', summary: 'One user', auth: token('keyward.directory.read'), ...withId, response: { status: 200, schema: S.User }, errors: [...common, 'not_found'], versioned: true },
  { operationId: 'updateUser', method: 'PATCH', path: '/v1/users/:id', tag: 'directory', summary: 'Edit a user (password may be set, never read)', auth: token('keyward.directory.write'), ...withId, body: S.UserPatch, response: { status: 200, schema: S.User }, errors: [...common, 'not_found', 'name_taken', 'unknown_group', 'version_mismatch'], versioned: true },
  { operationId: 'deleteUser', method: 'DELETE', path: '/v1/users/:id', tag: 'directory', summary: 'Delete a user; their credentials are revoked and lose their owner', auth: token('keyward.directory.write'), ...withId, response: { status: 204, schema: null }, errors: [...common, 'not_found', 'version_mismatch', 'last_administrator'], versioned: true },
  { operationId: 'invalidateUserTokens', method: 'POST', path: '/v1/users/:id/invalidate-tokens', tag: 'directory', summary: "Revoke every credential the user owns that is not revoked yet", auth: token('keyward.credentials.write'), ...withId, response: { status: 200, schema: S.InvalidateResult }, errors: [...common, 'not_found', 'last_administrator'] },
  { operationId: 'listGroups', method: 'GET', path: '/v1/groups', tag: 'directory', summary: 'Every group', auth: token('keyward.directory.read'), response: { status: 200, schema: S.GroupList }, errors: common },
  { operationId: 'createGroup', method: 'POST', path: '/v1/groups', tag: 'directory', summary: 'Create a group', auth: token('keyward.directory.write'), body: S.GroupCreate, response: { status: 201, schema: S.Group }, errors: [...common, 'name_taken', 'unknown_role', 'escalation'] },
  { operationId: 'getGroup', method: 'GET', path: '/v1/groups/:id', tag: 'directory', summary: 'One group', auth: token('keyward.directory.read'), ...withId, response: { status: 200, schema: S.Group }, errors: [...common, 'not_found'], versioned: true },
  { operationId: 'updateGroup', method: 'PATCH', path: '/v1/groups/:id', tag: 'directory', summary: 'Edit a group', auth: token('keyward.directory.write'), ...withId, body: S.GroupPatch, response: { status: 200, schema: S.Group }, errors: [...common, 'not_found', 'name_taken', 'unknown_role', 'escalation', 'version_mismatch'], versioned: true },
  { operationId: 'deleteGroup', method: 'DELETE', path: '/v1/groups/:id', tag: 'directory', summary: 'Delete a group; it leaves every user and the issuance policy', auth: token('keyward.directory.write'), ...withId, response: { status: 204, schema: null }, errors: [...common, 'not_found', 'version_mismatch'], versioned: true },
  { operationId: 'getIssuancePolicy', method: 'GET', path: '/v1/policy/issuance', tag: 'directory', summary: 'Who may obtain keys', auth: token('keyward.directory.read'), response: { status: 200, schema: S.IssuancePolicy }, errors: common },
  { operationId: 'putIssuancePolicy', method: 'PUT', path: '/v1/policy/issuance', tag: 'directory', summary: 'null = everyone, [] = nobody, [groupIds] = members of these groups', auth: token('keyward.directory.write'), body: S.IssuancePolicy, response: { status: 200, schema: S.IssuancePolicy }, errors: [...common, 'unknown_group'] },
  { operationId: 'createSelfCredential', method: 'POST', path: '/v1/self/credentials', tag: 'directory', summary: "Self-service: a user obtains a key with their groups' default roles", auth: { kind: 'basic' }, body: S.SelfCredentialCreate, response: { status: 201, schema: S.CredentialWithSecret }, errors: [...common, 'issuance_not_allowed', 'lifetime_exceeded'] },

  { operationId: 'listBackends', method: 'GET', path: '/v1/backends', tag: 'backends', summary: 'Every API backend', auth: token('keyward.backends.read'), response: { status: 200, schema: S.BackendList }, errors: common },
  { operationId: 'createBackend', method: 'POST', path: '/v1/backends', tag: 'backends', summary: 'Create an API backend', auth: token('keyward.backends.write'), body: S.BackendCreate, response: { status: 201, schema: S.Backend }, errors: [...common, 'name_taken', 'prefix_taken', 'unknown_role', 'invalid_regex'] },
  { operationId: 'getBackend', method: 'GET', path: '/v1/backends/:id', tag: 'backends', summary: 'One API backend', auth: token('keyward.backends.read'), ...withId, response: { status: 200, schema: S.Backend }, errors: [...common, 'not_found'], versioned: true },
  { operationId: 'updateBackend', method: 'PATCH', path: '/v1/backends/:id', tag: 'backends', summary: 'Edit an API backend', auth: token('keyward.backends.write'), ...withId, body: S.BackendPatch, response: { status: 200, schema: S.Backend }, errors: [...common, 'not_found', 'name_taken', 'prefix_taken', 'unknown_role', 'invalid_regex', 'version_mismatch'], versioned: true },
  { operationId: 'deleteBackend', method: 'DELETE', path: '/v1/backends/:id', tag: 'backends', summary: 'Delete an API backend', auth: token('keyward.backends.write'), ...withId, response: { status: 204, schema: null }, errors: [...common, 'not_found', 'version_mismatch'], versioned: true },

  { operationId: 'authorize', method: 'POST', path: '/v1/authorize', tag: 'authorization', summary: 'May this token do this action or request?', auth: token('keyward.authorize'), body: A.AuthorizeBody, response: { status: 200, schema: A.Decision }, errors: common },
  { operationId: 'forwardAuth', method: 'ANY', path: '/v1/forward-auth', tag: 'authorization', summary: 'For nginx auth_request, Traefik forwardAuth and Envoy ext_authz: 200 with X-Api-Roles, or 401 / 403', auth: { kind: 'none' }, response: { status: 200, schema: A.Decision }, errors: ['unauthorized', 'forbidden'] },
  { operationId: 'explain', method: 'POST', path: '/v1/explain', tag: 'authorization', summary: 'The decision for a credential with a per-role breakdown', auth: token('keyward.credentials.read'), body: A.ExplainBody, response: { status: 200, schema: A.Explanation }, errors: [...common, 'not_found'] },

  { operationId: 'getCredentialUsage', method: 'GET', path: '/v1/credentials/:id/usage', tag: 'usage', summary: 'Allowed and denied requests of one credential over time, denied by reason', auth: token('keyward.credentials.read'), ...withId, query: L.UsageQuery, response: { status: 200, schema: L.CredentialUsage }, errors: [...common, 'not_found'] },
  { operationId: 'getUsage', method: 'GET', path: '/v1/usage', tag: 'usage', summary: 'Requests over every credential, with the busiest and the most denied', auth: token('keyward.credentials.read'), query: L.UsageOverviewQuery, response: { status: 200, schema: L.UsageOverview }, errors: common },
  { operationId: 'getLifetimePolicy', method: 'GET', path: '/v1/policy/lifetime', tag: 'directory', summary: 'How long credentials may live', auth: token('keyward.directory.read'), response: { status: 200, schema: L.LifetimePolicy }, errors: common },
  { operationId: 'putLifetimePolicy', method: 'PUT', path: '/v1/policy/lifetime', tag: 'directory', summary: 'Set the maximum lifetime, whether an expiry is required, and the warning window', auth: token('keyward.directory.write'), body: L.LifetimePolicy, response: { status: 200, schema: L.LifetimePolicy }, errors: common },
  { operationId: 'reportLeak', method: 'POST', path: '/v1/leaks', tag: 'leaks', summary: 'Report a token found in public (no authentication): an active one is revoked at once; the answer is always the same', auth: { kind: 'none' }, body: L.LeakReport, response: { status: 202, schema: L.LeakReceived }, errors: ['invalid_request', 'too_many_requests'] },
  { operationId: 'listWebhooks', method: 'GET', path: '/v1/webhooks', tag: 'webhooks', summary: 'Every webhook (never its secret)', auth: token('keyward.directory.read'), response: { status: 200, schema: L.WebhookList }, errors: common },
  { operationId: 'createWebhook', method: 'POST', path: '/v1/webhooks', tag: 'webhooks', summary: 'Register a webhook; its signing secret is in this answer only', auth: token('keyward.directory.write'), body: L.WebhookCreate, response: { status: 201, schema: L.WebhookCreated }, errors: [...common, 'invalid_url'] },
  { operationId: 'getWebhook', method: 'GET', path: '/v1/webhooks/:id', tag: 'webhooks', summary: 'One webhook', auth: token('keyward.directory.read'), ...withId, response: { status: 200, schema: L.Webhook }, errors: [...common, 'not_found'], versioned: true },
  { operationId: 'updateWebhook', method: 'PATCH', path: '/v1/webhooks/:id', tag: 'webhooks', summary: 'Edit a webhook: URL, events, enabled', auth: token('keyward.directory.write'), ...withId, body: L.WebhookPatch, response: { status: 200, schema: L.Webhook }, errors: [...common, 'not_found', 'invalid_url', 'version_mismatch'], versioned: true },
  { operationId: 'deleteWebhook', method: 'DELETE', path: '/v1/webhooks/:id', tag: 'webhooks', summary: 'Delete a webhook and its pending deliveries', auth: token('keyward.directory.write'), ...withId, response: { status: 204, schema: null }, errors: [...common, 'not_found', 'version_mismatch'], versioned: true },
  { operationId: 'listWebhookDeliveries', method: 'GET', path: '/v1/webhooks/:id/deliveries', tag: 'webhooks', summary: 'The delivery log of a webhook, newest first', auth: token('keyward.directory.read'), ...withId, response: { status: 200, schema: L.WebhookDeliveryList }, errors: [...common, 'not_found'] },
  { operationId: 'listWebhookDeliveryAttempts', method: 'GET', path: '/v1/webhooks/:id/deliveries/:deliveryId/attempts', tag: 'webhooks', summary: 'Every attempt to deliver one message, oldest first: status code or error, and duration', auth: token('keyward.directory.read'), params: L.DeliveryParams, response: { status: 200, schema: L.WebhookAttemptList }, errors: [...common, 'not_found'] },
  { operationId: 'resendWebhookDelivery', method: 'POST', path: '/v1/webhooks/:id/deliveries/:deliveryId/resend', tag: 'webhooks', summary: 'Send a delivered or failed message again (same webhook-id)', auth: token('keyward.directory.write'), params: L.DeliveryParams, response: { status: 200, schema: L.WebhookDelivery }, errors: [...common, 'not_found'] },

  { operationId: 'listAudit', method: 'GET', path: '/v1/audit', tag: 'audit', summary: 'The audit log, newest first', auth: token('keyward.audit.read'), query: S.AuditQuery, response: { status: 200, schema: S.AuditList }, errors: [...common, 'invalid_cursor'] },
] as const satisfies readonly Endpoint[];

/** Every endpoint as one type: a union of the table's entries. */
export type AnyEndpoint = (typeof ENDPOINTS)[number];
/** The operationId of every endpoint: 'health' | 'listRoles' | 'updateRole' | ... */
export type OperationId = AnyEndpoint['operationId'];
/** The table entry of one operation. */
export type EndpointOf<Op extends OperationId> = Extract<AnyEndpoint, { operationId: Op }>;

/** The JSON body an operation takes (validated by the server), or undefined when it takes none. */
export type BodyOf<Op extends OperationId> = EndpointOf<Op> extends { body: infer B extends TSchema } ? Static<B> : undefined;
/** The query an operation takes, or undefined when it takes none. */
export type QueryOf<Op extends OperationId> = EndpointOf<Op> extends { query: infer Q extends TSchema } ? Static<Q> : undefined;
/** The path parameters (`:id` ...) of an operation, or undefined when its path has none. */
export type ParamsOf<Op extends OperationId> = EndpointOf<Op> extends { params: infer P extends TSchema } ? Static<P> : undefined;
/** The success answer of an operation: its schema's type, void for 204, unknown where the table gives no schema. */
export type ResponseOf<Op extends OperationId> = EndpointOf<Op>['response'] extends { schema: infer R }
  ? R extends TSchema
    ? Static<R>
    : EndpointOf<Op>['response'] extends { status: 204 }
      ? void
      : unknown
  : never;
/** Answers besides success and the error shape (readiness's 503 body), or never. */
export type OtherResponseOf<Op extends OperationId> =
  EndpointOf<Op> extends { otherResponses: readonly (infer O)[] }
    ? O extends { schema: infer R extends TSchema }
      ? Static<R>
      : never
    : never;

export function endpoint<Op extends OperationId>(operationId: Op): EndpointOf<Op> {
  const found = ENDPOINTS.find((e): e is EndpointOf<Op> => e.operationId === operationId);
  if (!found) throw new Error(`No endpoint ${operationId}`);
  return found;
}
