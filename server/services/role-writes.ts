import { ApiError } from '../../shared/api/errors.ts';
import type { RoleCreateBody, RolePatchBody } from '../../shared/api/schemas.ts';
import type { Role } from '../../shared/domain/types.ts';
import type { ChangeEvent } from '../storage/change-feed.ts';
import { newId, parseJson, roleFromRow, type Queryable } from '../storage/rows.ts';
import type { RolesTable } from '../storage/schema.ts';
import { guardFor, holdsAdminActions, type AdministratorGuard } from './administrators.ts';
import type { Actor, AuditDraft, ServiceContext } from './context.ts';
import { checkedName } from './names.ts';
import { checkActions, checkMayChange, checkName, type RoleSet } from './role-rules.ts';

// The steps of a role write inside its transaction, shared by the single writes (role-service.ts)
// and change sets (role-changes.ts): each checks its rules, writes, updates the RoleSet and adds
// its audit rows, so a step of a change set sees the state the steps before it left.

/** Rows per multi-row INSERT: 8 columns each stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 500;

/**
 * New role rows of a change set, written together: one INSERT per chunk instead of one round
 * trip per role (on PostgreSQL each is a network round trip). Flushed before any update or
 * delete of the set and at its end, so the database sees the changes in the set's order.
 */
export class PendingInserts {
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

/** Creates a role (added to `pending` when given, to be inserted with its neighbours). */
export async function createIn(
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
    id: newId('role', Date.parse(now)),
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

/** Updates a role the caller may change; the name and new actions are checked against `set`. */
export async function updateIn(
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

/** Deletes a role no backend requires, unassigning it from credentials and groups' defaults. */
export async function deleteIn(
  tx: Queryable,
  set: RoleSet,
  actor: Actor,
  row: RolesTable,
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
}

/** Only edits and deletes of roles holding administration actions can take an administrator away. */
export async function guardIfAdminRole(
  tx: Queryable,
  actor: Actor,
  ctx: ServiceContext,
  rows: readonly RolesTable[],
): Promise<AdministratorGuard | null> {
  if (!rows.some((r) => holdsAdminActions(parseJson<string[]>(r.actions, [])))) return null;
  return guardFor(tx, actor, ctx.now());
}
