// The domain's plain data shapes. These mirror the HTTP API of docs/api (DESIGN §4) one to one,
// so the server, the desktop app and the renderer all speak the same objects.

export type Id = string;
/** ISO-8601 timestamp in UTC, e.g. "2026-11-22T10:00:00.000Z". */
export type Timestamp = string;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ActionRoute {
  method: HttpMethod | 'ANY';
  path: string;
}

export interface CatalogAction {
  id: string;
  description: string;
  routes: ActionRoute[];
}

export interface CatalogGroup {
  id: string;
  name: string;
  description: string;
  actions: CatalogAction[];
}

export interface Catalog {
  version: number;
  groups: CatalogGroup[];
}

export interface Role {
  id: Id;
  name: string;
  description: string;
  actions: string[];
  version: number;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export const CREDENTIAL_STATUSES = ['active', 'disabled', 'revoked', 'expired'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export interface Credential {
  id: Id;
  name: string;
  description: string;
  ownerId: Id | null;
  roles: Id[];
  status: CredentialStatus;
  prefix: string;
  createdAt: Timestamp;
  expiresAt: Timestamp | null;
  lastUsedAt: Timestamp | null;
  allowedCidrs: string[];
  /** After a roll with a grace period: until when the previous secret still works, else null. */
  previousSecretValidUntil: Timestamp | null;
  /** When a leak report revoked it (DESIGN §3.14), else null. */
  leakedAt: Timestamp | null;
  version: number;
}

export interface User {
  id: Id;
  name: string;
  email: string;
  groups: Id[];
  createdAt: Timestamp;
  version: number;
}

export interface Group {
  id: Id;
  name: string;
  description: string;
  defaultRoles: Id[];
  version: number;
}

export interface IssuancePolicy {
  /** null: every user may obtain a key; []: nobody; [ids]: members of any listed group. */
  allowedGroups: Id[] | null;
}

export interface SubSetting {
  method: HttpMethod | 'ANY';
  pathRegex: string;
  requiredRoles: Id[];
  override: boolean;
}

export interface Backend {
  id: Id;
  name: string;
  frontendPrefix: string;
  requiredRoles: Id[];
  subSettings: SubSetting[];
  /** false (the default): the prefix and the settings' patterns match without regard to case. */
  caseSensitive: boolean;
  version: number;
}

export const DECISION_REASONS = [
  'granted',
  'unknown_token',
  'disabled',
  'revoked',
  'expired',
  'ip_not_allowed',
  'no_roles',
  'not_permitted',
  'missing_roles',
  'no_route',
  /** The instance has not heard other instances' changes for longer than its bound: it fails closed. */
  'stale_cache',
  'invalid_path',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  credentialId: Id | null;
  /** Names of all the credential's roles. */
  roles: string[];
  /** Names of the roles that granted the request (action: those that include it; route: the required ones). */
  grantedBy: string[];
  /** Names of required roles the credential lacks (route authorization only). */
  missingRoles: string[];
}

export interface RoleBreakdown {
  roleId: Id;
  name: string;
  /** Action requests: whether this role includes the action. Route requests: whether it is required. */
  includesAction: boolean | null;
  required: boolean | null;
}

export interface Explanation extends Decision {
  breakdown: RoleBreakdown[];
  /** For route requests: the backend and sub-URL setting that decided the required roles. */
  route: {
    backendId: Id;
    backendName: string;
    subSettingIndex: number | null;
    requiredRoles: string[];
  } | null;
}

/** The audit filter `actorId` value that selects the entries no credential made (actorId null: bootstrap, the demo seed, leak reports). */
export const SYSTEM_ACTOR_FILTER = 'system';

export interface AuditEntry {
  id: Id;
  at: Timestamp;
  actorId: Id | null;
  action: string;
  target: { type: string; id: Id | null };
  before: unknown;
  after: unknown;
}
