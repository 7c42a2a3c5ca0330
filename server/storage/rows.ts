import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Backend, Credential, Group, Role, SubSetting, User } from '../../shared/domain/types.ts';
import { effectiveStatus } from '../../shared/domain/policy.ts';
import type { BackendsTable, CredentialsTable, Database, GroupsTable, RolesTable, UsersTable } from './schema.ts';

/** A connection or an open transaction: repositories work on either. */
export type Queryable = Kysely<Database> | Transaction<Database>;

/**
 * Opaque, time-ordered ids ("role_" + base36 milliseconds and a counter + 10 random chars), so
 * audit and list ordering by id follows creation time and ids never collide across instances.
 */
export function newId(prefix: string, nowMs = Date.now()): string {
  // A per-millisecond counter keeps ids made in the same millisecond in creation order.
  if (nowMs === lastMs) {
    sequence += 1;
  } else {
    lastMs = nowMs;
    sequence = 0;
  }
  const time = nowMs.toString(36).padStart(9, '0') + sequence.toString(36).padStart(3, '0');
  const random = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 10);
  return `${prefix}_${time}${random}`;
}
let lastMs = 0;
let sequence = 0;

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  return JSON.parse(text) as T;
}

export function roleFromRow(row: RolesTable): Role {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    actions: parseJson<string[]>(row.actions, []),
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function credentialFromRow(row: CredentialsTable, roles: string[], nowMs: number, lastUsedOverlay?: string): Credential {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ownerId: row.owner_id,
    roles,
    status: effectiveStatus(row.status, row.expires_at, nowMs),
    prefix: row.prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: lastUsedOverlay && (!row.last_used_at || lastUsedOverlay > row.last_used_at) ? lastUsedOverlay : row.last_used_at,
    allowedCidrs: parseJson<string[]>(row.allowed_cidrs, []),
    previousSecretValidUntil:
      row.status !== 'revoked' && row.previous_hash && row.previous_valid_until && Date.parse(row.previous_valid_until) > nowMs
        ? row.previous_valid_until
        : null,
    leakedAt: row.leaked_at ?? null,
    version: Number(row.version),
  };
}

export function userFromRow(row: UsersTable): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    groups: parseJson<string[]>(row.groups, []),
    createdAt: row.created_at,
    version: Number(row.version),
  };
}

export function groupFromRow(row: GroupsTable): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    defaultRoles: parseJson<string[]>(row.default_roles, []),
    version: Number(row.version),
  };
}

export function backendFromRow(row: BackendsTable): Backend {
  return {
    id: row.id,
    name: row.name,
    frontendPrefix: row.frontend_prefix,
    requiredRoles: parseJson<string[]>(row.required_roles, []),
    subSettings: parseJson<SubSetting[]>(row.sub_settings, []),
    caseSensitive: Number(row.case_sensitive) === 1,
    version: Number(row.version),
  };
}
