import { ApiError } from '../../shared/api/errors.ts';
import type { RoleChangeOp, RoleConflictInfo, RoleCreateBody, RolePatchBody } from '../../shared/api/schemas.ts';
import { escalatingActions, nameKey } from '../../shared/domain/policy.ts';
import type { Role } from '../../shared/domain/types.ts';
import type { ChangeEvent } from '../storage/change-feed.ts';
import { newId, parseJson, roleFromRow, type Queryable } from '../storage/rows.ts';
import type { RolesTable } from '../storage/schema.ts';
import { guardFor, holdsAdminActions, type AdministratorGuard } from './administrators.ts';
import { catalogActionIds } from './catalog-service.ts';
import { checkedName } from './names.ts';
import { nameSkeleton } from '../../shared/domain/names.ts';
import { checkVersion, notFound, unique, type Actor, type AuditDraft, type ServiceContext } from './context.ts';

// Roles (DESIGN §3.2): unique case-insensitive names, sets of catalog actions. Every check of a
// single write also runs inside /v1/roles/changes, against the state as the batch has left it.

export async function listRoles(q: Queryable): Promise<Role[]> {
  const rows = await q.selectFrom('roles').selectAll().orderBy('name_key').execute();
  return rows.map(roleFromRow);
}

export async function getRole(q: Queryable, id: string): Promise<Role> {
  const row = await q.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('role', id);
  return roleFromRow(row);
}

/** The state a batch of role writes runs against: every role by id and by name key. */
class RoleSet {
  readonly byId = new Map<string, RolesTable>();
  readonly byName = new Map<string, string>();
  /** Name skeleton → role id: names that look alike (DESIGN §4). */
  readonly bySkeleton = new Map<string, string>();
  readonly knownActions: Set<string>;

  constructor(rows: RolesTable[], knownActions: Set<string>) {
    for (const row of rows) this.put(row);
    this.knownActions = knownActions;
  }

  put(row: RolesTable): void {
    const old = this.byId.get(row.id);
    if (old) this.#forget(old);
    this.byId.set(row.id, row);
    this.byName.set(row.name_key, row.id);
    this.bySkeleton.set(row.name_skeleton, row.id);
  }

  remove(id: string): void {
    const old = this.byId.get(id);
    if (old) this.#forget(old);
    this.byId.delete(id);
  }

  #forget(row: RolesTable): void {
    this.byName.delete(row.name_key);
    if (this.bySkeleton.get(row.name_skeleton) === row.id) this.bySkeleton.delete(row.name_skeleton);
  }

  static async load(q: Queryable): Promise<RoleSet> {
    const [rows, actions] = await Promise.all([q.selectFrom('roles').selectAll().execute(), catalogActionIds(q)]);
    return new RoleSet(rows, actions);
  }
}

function checkName(set: RoleSet, name: string, selfId: string | null, index?: number): { key: string; skeleton: string } {
  const key = nameKey(name);
  const holder = set.byName.get(key);
  if (holder !== undefined && holder !== selfId) {
    throw new ApiError('name_taken', `A role named "${set.byId.get(holder)?.name}" already exists (names are case-insensitive).`, {
      name,
      roleId: holder,
      ...(index === undefined ? {} : { index }),
    });
  }
  checkLookalike(set, name, selfId, index);
  return { key, skeleton: nameSkeleton(name) };
}

/** 409 name_taken for a name that looks like another role's (Unicode confusables, DESIGN §4). */
function checkLookalike(set: RoleSet, name: string, selfId: string | null, index?: number): void {
  const skeleton = nameSkeleton(name);
  const lookalike = set.bySkeleton.get(skeleton);
  // A name whose skeleton is already this role's (a case change, or a role kept from before) is no new look-alike.
  const own = selfId === null ? undefined : set.byId.get(selfId)?.name_skeleton;
  if (lookalike === undefined || lookalike === selfId || skeleton === own) return;
  const existing = set.byId.get(lookalike)?.name;
  throw new ApiError(
    'name_taken',
    `The name "${name}" looks like the existing role "${existing}"; choose one that cannot be mistaken for it.`,
    {
      name,
      roleId: lookalike,
      looksLike: existing,
      ...(index === undefined ? {} : { index }),
    },
  );
}

function checkActions(set: RoleSet, actions: string[], previous: string[], actor: Actor, index?: number): string[] {
  const list = unique(actions);
  const unknown = list.filter((a) => !set.knownActions.has(a));
  if (unknown.length > 0) {
    throw new ApiError(
      'unknown_action',
      `Not in the catalog: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}.`,
      { actions: unknown, ...(index === undefined ? {} : { index }) },
    );
  }
  const before = new Set(previous);
  const escalating = escalatingActions(
    list.filter((a) => !before.has(a)),
    actor.permits,
  );
  if (escalating.length > 0) {
    throw new ApiError('escalation', `You cannot grant administration actions you do not hold yourself: ${escalating.join(', ')}.`, {
      actions: escalating,
      ...(index === undefined ? {} : { index }),
    });
  }
  return list;
}

/**
 * Taking away is escalation too (DESIGN §3.8): a role holding administration actions the caller
 * lacks cannot be edited (not even renamed: upstreams may read role names in X-Api-Roles) or
 * deleted by that caller.
 */
function checkMayChange(row: RolesTable, actor: Actor, verb: 'edit' | 'delete', index?: number): void {
  const lacking = escalatingActions(parseJson<string[]>(row.actions, []), actor.permits);
  if (lacking.length > 0) {
    throw new ApiError(
      'escalation',
      `You cannot ${verb} the role "${row.name}": it holds administration actions you do not hold yourself (${lacking.join(', ')}), and changing it could take them away from its holders.`,
      { actions: lacking, roleId: row.id, ...(index === undefined ? {} : { index }) },
    );
  }
}

/** Rows per multi-row INSERT: 8 columns each stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/**
 * New role rows of a change set, written together: one INSERT per chunk instead of one round
 * trip per role (on PostgreSQL each is a network round trip). Flushed before any update or
 * delete of the set and at its end, so the database sees the changes in the set's order.
 */
class PendingInserts {
  readonly #rows: RolesTable[] = [];

  add(row: RolesTable): void {
    this.#rows.push(row);
  }

  async flush(tx: Queryable): Promise<void> {
    for (let i = 0; i < this.#rows.length; i += INSERT_CHUNK)
      await tx
        .insertInto('roles')
        .values(this.#rows.slice(i, i + INSERT_CHUNK))
        .execute();
    this.#rows.length = 0;
  }
}

async function createIn(
  tx: Queryable,
  set: RoleSet,
  actor: Actor,
  body: RoleCreateBody,
  now: string,
  audit: AuditDraft[],
  index?: number,
  pending?: PendingInserts,
): Promise<Role> {
  const name = checkedName(body.name, 'role', index);
  const { key, skeleton } = checkName(set, name, null, index);
  const actions = checkActions(set, body.actions, [], actor, index);
  const row: RolesTable = {
    id: newId('role'),
    name,
    name_key: key,
    name_skeleton: skeleton,
    description: body.description ?? '',
    actions: JSON.stringify(actions),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  if (pending) pending.add(row);
  else await tx.insertInto('roles').values(row).execute();
  set.put(row);
  const role = roleFromRow(row);
  audit.push({ action: 'role.create', target: { type: 'role', id: role.id }, after: role });
  return role;
}

async function updateIn(
  tx: Queryable,
  set: RoleSet,
  actor: Actor,
  row: RolesTable,
  patch: RolePatchBody,
  now: string,
  audit: AuditDraft[],
  index?: number,
): Promise<Role> {
  checkMayChange(row, actor, 'edit', index);
  const before = roleFromRow(row);
  const name = patch.name === undefined ? row.name : checkedName(patch.name, 'role', index);
  const { key, skeleton } = checkName(set, name, row.id, index);
  const actions = patch.actions === undefined ? before.actions : checkActions(set, patch.actions, before.actions, actor, index);
  const next: RolesTable = {
    ...row,
    name,
    name_key: key,
    name_skeleton: skeleton,
    description: patch.description ?? row.description,
    actions: JSON.stringify(actions),
    version: Number(row.version) + 1,
    updated_at: now,
  };
  await tx
    .updateTable('roles')
    .set({
      name,
      name_key: key,
      name_skeleton: skeleton,
      description: next.description,
      actions: next.actions,
      version: next.version,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute();
  set.put(next);
  const after = roleFromRow(next);
  audit.push({ action: 'role.update', target: { type: 'role', id: row.id }, before, after });
  return after;
}

/** Backends that require the role, directly or in a sub-URL setting. */
async function backendsRequiring(tx: Queryable, roleId: string): Promise<{ id: string; name: string }[]> {
  const rows = await tx.selectFrom('backends').select(['id', 'name', 'required_roles', 'sub_settings']).execute();
  return rows
    .filter(
      (b) =>
        parseJson<string[]>(b.required_roles, []).includes(roleId) ||
        parseJson<{ requiredRoles: string[] }[]>(b.sub_settings, []).some((s) => s.requiredRoles.includes(roleId)),
    )
    .map((b) => ({ id: b.id, name: b.name }));
}

async function deleteIn(
  tx: Queryable,
  set: RoleSet,
  actor: Actor,
  row: RolesTable,
  now: string,
  audit: AuditDraft[],
  events: ChangeEvent[],
  index?: number,
): Promise<void> {
  checkMayChange(row, actor, 'delete', index);
  const backends = await backendsRequiring(tx, row.id);
  if (backends.length > 0) {
    throw new ApiError(
      'role_in_use',
      `The role "${row.name}" is required by ${backends.map((b) => `"${b.name}"`).join(', ')}. Remove the requirement first: deleting it would silently widen access.`,
      {
        backends,
        ...(index === undefined ? {} : { index }),
      },
    );
  }
  const holders = await tx.selectFrom('credential_roles').select('credential_id').where('role_id', '=', row.id).execute();
  const holderIds = holders.map((h) => h.credential_id);
  await tx.deleteFrom('credential_roles').where('role_id', '=', row.id).execute();
  for (let i = 0; i < holderIds.length; i += 500) {
    const chunk = holderIds.slice(i, i + 500);
    await tx
      .updateTable('credentials')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', 'in', chunk)
      .execute();
  }
  for (const group of await tx.selectFrom('groups').selectAll().execute()) {
    const roles = parseJson<string[]>(group.default_roles, []);
    if (roles.includes(row.id)) {
      await tx
        .updateTable('groups')
        .set({ default_roles: JSON.stringify(roles.filter((r) => r !== row.id)), version: Number(group.version) + 1 })
        .where('id', '=', group.id)
        .execute();
    }
  }
  await tx.deleteFrom('roles').where('id', '=', row.id).execute();
  set.remove(row.id);
  audit.push({
    action: 'role.delete',
    target: { type: 'role', id: row.id },
    before: roleFromRow(row),
    after: { unassignedFrom: holderIds.length },
  });
  events.push({ kind: 'role', id: row.id });
  void now;
}

/** Only edits and deletes of roles holding administration actions can take an administrator away. */
async function guardIfAdminRole(
  tx: Queryable,
  actor: Actor,
  ctx: ServiceContext,
  rows: readonly RolesTable[],
): Promise<AdministratorGuard | null> {
  if (!rows.some((r) => holdsAdminActions(parseJson<string[]>(r.actions, [])))) return null;
  return guardFor(tx, actor, ctx.now());
}

export function createRole(ctx: ServiceContext, actor: Actor, body: RoleCreateBody): Promise<Role> {
  return ctx.write(actor, async (tx) => {
    const audit: AuditDraft[] = [];
    const role = await createIn(tx, await RoleSet.load(tx), actor, body, ctx.nowIso(), audit);
    return { value: role, audit, events: [{ kind: 'role', id: role.id }] };
  });
}

export function updateRole(ctx: ServiceContext, actor: Actor, id: string, patch: RolePatchBody, ifMatch?: number): Promise<Role> {
  return ctx.write(actor, async (tx) => {
    const set = await RoleSet.load(tx);
    const row = set.byId.get(id);
    if (!row) throw notFound('role', id);
    checkVersion(ifMatch, Number(row.version), 'role');
    const guard = await guardIfAdminRole(tx, actor, ctx, [row]);
    const audit: AuditDraft[] = [];
    const role = await updateIn(tx, set, actor, row, patch, ctx.nowIso(), audit);
    await guard?.check(tx);
    return { value: role, audit, events: [{ kind: 'role', id }] };
  });
}

export function deleteRole(ctx: ServiceContext, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const set = await RoleSet.load(tx);
    const row = set.byId.get(id);
    if (!row) throw notFound('role', id);
    checkVersion(ifMatch, Number(row.version), 'role');
    const guard = await guardIfAdminRole(tx, actor, ctx, [row]);
    const audit: AuditDraft[] = [];
    const events: ChangeEvent[] = [];
    await deleteIn(tx, set, actor, row, ctx.nowIso(), audit, events);
    await guard?.check(tx);
    return { value: undefined, audit, events };
  });
}

export type RoleChangeResult = Role | { id: string; deleted: true };

/**
 * Applies a change set in one transaction (offline drafts end here). Stale versions are
 * collected for every change first, so the admin sees all conflicts at once; then the changes
 * run in order and any other error rolls the whole set back.
 */
export function applyRoleChanges(ctx: ServiceContext, actor: Actor, changes: RoleChangeOp[]): Promise<RoleChangeResult[]> {
  return ctx.write(actor, async (tx) => {
    const set = await RoleSet.load(tx);
    const conflicts: RoleConflictInfo[] = [];
    changes.forEach((change, index) => {
      if (change.op === 'create') return;
      const row = set.byId.get(change.id);
      const actual = row ? Number(row.version) : null;
      if (actual !== change.expectedVersion) {
        conflicts.push({
          index,
          id: change.id,
          expectedVersion: change.expectedVersion,
          actualVersion: actual,
          current: row ? roleFromRow(row) : null,
        });
      }
    });
    if (conflicts.length > 0) {
      throw new ApiError(
        'conflict',
        `${conflicts.length} of the changes were made against an older version of the role; nothing was applied. Review them against the current state.`,
        { conflicts },
      );
    }
    const touched = changes.flatMap((c) => {
      const row = c.op === 'create' ? undefined : set.byId.get(c.id);
      return row ? [row] : [];
    });
    const guard = await guardIfAdminRole(tx, actor, ctx, touched);
    const now = ctx.nowIso();
    const audit: AuditDraft[] = [];
    const events: ChangeEvent[] = [];
    const results: RoleChangeResult[] = [];
    const pending = new PendingInserts();
    for (const [index, change] of changes.entries()) {
      if (change.op === 'create') {
        const role = await createIn(tx, set, actor, change.role, now, audit, index, pending);
        events.push({ kind: 'role', id: role.id });
        results.push(role);
        continue;
      }
      await pending.flush(tx);
      const row = set.byId.get(change.id);
      if (!row) {
        // Deleted or updated by an earlier change of this same set.
        throw new ApiError('conflict', `Change ${index} refers to role "${change.id}", which an earlier change of this set deleted.`, {
          conflicts: [{ index, id: change.id, expectedVersion: change.expectedVersion, actualVersion: null, current: null }],
        });
      }
      if (change.op === 'update') {
        results.push(await updateIn(tx, set, actor, row, change.set, now, audit, index));
        events.push({ kind: 'role', id: row.id });
      } else {
        await deleteIn(tx, set, actor, row, now, audit, events, index);
        results.push({ id: row.id, deleted: true });
      }
    }
    await pending.flush(tx);
    await guard?.check(tx);
    return { value: results, audit, events };
  });
}
