import type { Generated } from 'kysely';

// Table shapes for Kysely. Lists (role actions, group default roles, backend settings, …) are
// stored as JSON text so the same schema runs on SQLite and PostgreSQL; credential ↔ role links
// have their own table because role deletion and the role filter of the credential list query them.

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CatalogGroupsTable {
  id: string;
  name: string;
  description: string;
  position: number;
}

export interface CatalogActionsTable {
  id: string;
  group_id: string;
  description: string;
  /** JSON: ActionRoute[] */
  routes: string;
  position: number;
}

export interface RolesTable {
  id: string;
  name: string;
  name_key: string;
  /** nameSkeleton(name): roles whose names look alike share it (migration 0003) */
  name_skeleton: string;
  description: string;
  /** JSON: string[] of action ids */
  actions: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CredentialsTable {
  id: string;
  name: string;
  description: string;
  owner_id: string | null;
  status: 'active' | 'disabled' | 'revoked';
  prefix: string;
  /** HMAC-SHA-256 of the secret, hex. Never the secret. */
  secret_hash: string;
  /** After a roll with grace: the previous secret's hash and when it stops working. */
  previous_hash: string | null;
  previous_valid_until: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  /** JSON: string[] */
  allowed_cidrs: string;
  version: number;
  /** When a leak report revoked it (DESIGN §3.14). */
  leaked_at?: string | null;
  expiring_notified_at?: string | null;
  expired_notified_at?: string | null;
}

export interface CredentialRolesTable {
  credential_id: string;
  role_id: string;
  position: number;
}

export interface UsersTable {
  id: string;
  name: string;
  name_key: string;
  email: string;
  /** JSON: string[] of group ids */
  groups: string;
  password_hash: string | null;
  created_at: string;
  version: number;
}

export interface GroupsTable {
  id: string;
  name: string;
  name_key: string;
  description: string;
  /** JSON: string[] of role ids */
  default_roles: string;
  version: number;
}

export interface BackendsTable {
  id: string;
  name: string;
  name_key: string;
  frontend_prefix: string;
  /** JSON: string[] of role ids */
  required_roles: string;
  /** JSON: SubSetting[] */
  sub_settings: string;
  /** 1: prefix and patterns match case-sensitively; 0 (the default): case-insensitively */
  case_sensitive: number;
  version: number;
}

export interface AuditTable {
  /** Time-ordered id: sorting by id is sorting by time. */
  id: string;
  at: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  /** JSON or null */
  before: string | null;
  after: string | null;
}

/** PostgreSQL only: what each committed write announced, for a feed catching up after a reconnect. */
export interface ChangeEventsTable {
  /** The writing transaction's id (xid8; pg returns bigint as a string). */
  xid: string;
  at: Date | string;
  /** JSON: ChangeEvent[] */
  events: string;
}

/** usage_minute and usage_hour: requests per credential ("" = unknown token), bucket start and reason. */
export interface UsageTable {
  credential_id: string;
  /** Minutes (or hours) since the epoch. */
  bucket: number;
  /** A decision reason; "granted" is an allowed request. */
  reason: string;
  count: number;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  /** JSON: WebhookEvent[] */
  events: string;
  /** 1 or 0 (SQLite has no boolean). */
  enabled: number;
  /** The signing secret (whsec_…): needed to sign every delivery, answered once at create. */
  secret: string;
  created_at: string;
  version: number;
}

export interface WebhookOutboxTable {
  id: string;
  webhook_id: string;
  event_type: string;
  /** JSON: the event as delivered (never a secret). */
  payload: string;
  created_at: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_status: number | null;
  last_error: string | null;
}

export interface WebhookAttemptsTable {
  id: string;
  outbox_id: string;
  webhook_id: string;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Database {
  settings: SettingsTable;
  catalog_groups: CatalogGroupsTable;
  catalog_actions: CatalogActionsTable;
  roles: RolesTable;
  credentials: CredentialsTable;
  credential_roles: CredentialRolesTable;
  users: UsersTable;
  groups: GroupsTable;
  backends: BackendsTable;
  audit: AuditTable;
  change_events: ChangeEventsTable;
  usage_minute: UsageTable;
  usage_hour: UsageTable;
  webhooks: WebhooksTable;
  webhook_outbox: WebhookOutboxTable;
  webhook_attempts: WebhookAttemptsTable;
}

export type { Generated };
