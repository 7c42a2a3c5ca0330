import { ApiError } from '../../shared/api/errors.ts';
import { ADMIN_ACTION_IDS, isAdminAction } from '../../shared/domain/admin-actions.ts';
import {
  ADMINISTRATOR_HORIZON_MS,
  administrators,
  takesLastAdministrator,
  type AdministratorCandidate,
} from '../../shared/domain/administrators.ts';
import { parseJson, type Queryable } from '../storage/rows.ts';
import type { Actor } from './context.ts';

// Never lock the door from inside (DESIGN §3.11), for every write that can take administration
// rights away. Administrators are judged as they will be an hour from now
// (ADMINISTRATOR_HORIZON_MS): one set to expire in two seconds is as good as gone. The guard reads the administrators inside the write transaction before the change
// and again after it, so the answer is about the state this transaction commits. Two concurrent
// writes that would each leave one administrator cannot both pass: on SQLite writes are
// serialised in-process; on PostgreSQL both transactions (SERIALIZABLE) read every
// administrator's credential and role rows, so the second to commit fails with a serialization
// error and its re-run sees the first one's result.

interface AdministratorRow extends AdministratorCandidate {
  name: string;
  roles: string[];
}

/** Roles holding at least one administration action, with just those actions. */
async function adminRoleActions(q: Queryable): Promise<Map<string, string[]>> {
  const rows = await q.selectFrom('roles').select(['id', 'actions']).execute();
  const out = new Map<string, string[]>();
  for (const row of rows) {
    const actions = parseJson<string[]>(row.actions, []).filter(isAdminAction);
    if (actions.length > 0) out.set(row.id, actions);
  }
  return out;
}

/** The administrators as the transaction sees them, judged at `nowMs`. */
export async function loadAdministrators(q: Queryable, nowMs: number): Promise<AdministratorRow[]> {
  const roleActions = await adminRoleActions(q);
  if (roleActions.size === 0) return [];
  const ids = [...roleActions.keys()];
  const byId = new Map<string, AdministratorRow>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q
      .selectFrom('credential_roles')
      .innerJoin('credentials', 'credentials.id', 'credential_roles.credential_id')
      .select([
        'credentials.id as id',
        'credentials.name as name',
        'credentials.status as status',
        'credentials.expires_at as expires_at',
        'credential_roles.role_id as role_id',
      ])
      .where('credential_roles.role_id', 'in', ids.slice(i, i + 500))
      .where('credentials.status', '=', 'active')
      .execute();
    for (const row of rows) {
      let entry = byId.get(row.id);
      if (!entry) {
        entry = { id: row.id, name: row.name, status: row.status as AdministratorRow['status'], expiresAt: row.expires_at, roles: [] };
        byId.set(row.id, entry);
      }
      entry.roles.push(row.role_id);
    }
  }
  return administrators([...byId.values()], roleActions, nowMs);
}

/**
 * Started inside a write transaction before the change, checked after it: 409
 * `last_administrator` when the change took the last administrator away.
 */
export class AdministratorGuard {
  readonly #before: AdministratorRow[];
  readonly #nowMs: number;

  private constructor(before: AdministratorRow[], nowMs: number) {
    this.#before = before;
    this.#nowMs = nowMs;
  }

  static async start(q: Queryable, nowMs: number): Promise<AdministratorGuard> {
    const at = nowMs + ADMINISTRATOR_HORIZON_MS;
    return new AdministratorGuard(await loadAdministrators(q, at), at);
  }

  /**
   * Reads the administrators again and refuses the write when none is left. `unusable`:
   * credentials that stay administrators but whose working secret exists only in this write's
   * answer (a roll without grace): if that answer is lost, nobody could administer any more.
   */
  async check(q: Queryable, options: { unusable?: readonly string[]; message?: string } = {}): Promise<void> {
    if (this.#before.length === 0) return;
    const after = await loadAdministrators(q, this.#nowMs);
    if (
      !takesLastAdministrator(
        this.#before.map((c) => c.id),
        after.map((c) => c.id),
        options.unusable,
      )
    )
      return;
    const left = new Set(after.map((c) => c.id).filter((id) => !(options.unusable ?? []).includes(id)));
    const lost = this.#before.filter((c) => !left.has(c.id)).map((c) => ({ id: c.id, name: c.name }));
    throw new ApiError(
      'last_administrator',
      options.message ??
        'This would leave no active credential holding every administration action; give another credential the Administrator role first.',
      { adminActions: [...ADMIN_ACTION_IDS], administrators: lost },
    );
  }
}

/** Whether a role's actions include an administration action (only such roles can make administrators). */
export function holdsAdminActions(actions: readonly string[]): boolean {
  return actions.some(isAdminAction);
}

/**
 * A guard for a write that changes these credentials, or null when none of them is an
 * administrator now (then the write cannot take one away). The first test reads only these
 * credentials and their roles, so the common write (an ordinary credential) stays cheap and
 * adds no broad read that would make concurrent SERIALIZABLE writes conflict.
 */
export async function guardIfAdministrator(
  q: Queryable,
  actor: Actor,
  nowMs: number,
  credentialIds: readonly string[],
): Promise<AdministratorGuard | null> {
  if (actor.mayLeaveNoAdministrator || credentialIds.length === 0) return null;
  const candidates = new Map<string, AdministratorCandidate & { roles: string[] }>();
  const roleActions = new Map<string, string[]>();
  for (let i = 0; i < credentialIds.length; i += 500) {
    const rows = await q
      .selectFrom('credentials')
      .leftJoin('credential_roles', 'credential_roles.credential_id', 'credentials.id')
      .leftJoin('roles', 'roles.id', 'credential_roles.role_id')
      .select([
        'credentials.id as id',
        'credentials.status as status',
        'credentials.expires_at as expires_at',
        'roles.id as role_id',
        'roles.actions as actions',
      ])
      .where('credentials.id', 'in', credentialIds.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      let entry = candidates.get(row.id);
      if (!entry) {
        entry = { id: row.id, status: row.status as AdministratorCandidate['status'], expiresAt: row.expires_at, roles: [] };
        candidates.set(row.id, entry);
      }
      if (row.role_id !== null) {
        entry.roles.push(row.role_id);
        roleActions.set(row.role_id, parseJson<string[]>(row.actions, []));
      }
    }
  }
  if (administrators([...candidates.values()], roleActions, nowMs + ADMINISTRATOR_HORIZON_MS).length === 0) return null;
  return AdministratorGuard.start(q, nowMs);
}

/** A guard for this write, or null for the one actor allowed to leave no administrator. */
export function guardFor(q: Queryable, actor: Actor, nowMs: number): Promise<AdministratorGuard | null> {
  return actor.mayLeaveNoAdministrator ? Promise.resolve(null) : AdministratorGuard.start(q, nowMs);
}
