import type { RoleCreateBody, RolePatchBody } from '../../shared/api/schemas.ts';
import type { Role } from '../../shared/domain/types.ts';
import type { ChangeEvent } from '../storage/change-feed.ts';
import { roleFromRow, type Queryable } from '../storage/rows.ts';
import { checkVersion, notFound, type Actor, type AuditDraft, type ServiceContext } from './context.ts';
import { RoleSet } from './role-rules.ts';
import { createIn, deleteIn, guardIfAdminRole, updateIn } from './role-writes.ts';

// Roles (DESIGN §3.2): unique case-insensitive names, sets of catalog actions. Reading them and
// writing one at a time; a change set of several writes is applyRoleChanges (role-changes.ts).

export async function listRoles(q: Queryable): Promise<Role[]> {
  const rows = await q.selectFrom('roles').selectAll().orderBy('name_key').execute();
  return rows.map(roleFromRow);
}

export async function getRole(q: Queryable, id: string): Promise<Role> {
  const row = await q.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('role', id);
  return roleFromRow(row);
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
    const { set, row, guard } = await loadForWrite(tx, ctx, actor, id, ifMatch);
    const audit: AuditDraft[] = [];
    const role = await updateIn(tx, set, actor, row, patch, ctx.nowIso(), audit);
    await guard?.check(tx);
    return { value: role, audit, events: [{ kind: 'role', id }] };
  });
}

export function deleteRole(ctx: ServiceContext, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const { set, row, guard } = await loadForWrite(tx, ctx, actor, id, ifMatch);
    const audit: AuditDraft[] = [];
    const events: ChangeEvent[] = [];
    await deleteIn(tx, set, actor, row, audit, events);
    await guard?.check(tx);
    return { value: undefined, audit, events };
  });
}

/**
 * What an edit or a delete of one role starts from: the role set, the row (404 if none, 412 if
 * `ifMatch` is stale) and the last-administrator guard when the role holds administration actions.
 */
async function loadForWrite(tx: Queryable, ctx: ServiceContext, actor: Actor, id: string, ifMatch: number | undefined) {
  const set = await RoleSet.load(tx);
  const row = set.byId.get(id);
  if (!row) throw notFound('role', id);
  checkVersion(ifMatch, Number(row.version), 'role');
  const guard = await guardIfAdminRole(tx, actor, ctx, [row]);
  return { set, row, guard };
}
