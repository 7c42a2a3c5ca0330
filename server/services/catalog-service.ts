import { ApiError } from '../../shared/api/errors.ts';
import type { CatalogPutBody } from '../../shared/api/schemas.ts';
import { ADMIN_GROUP_ID, adminGroup, isAdminAction } from '../../shared/domain/admin-actions.ts';
import type { ActionRoute, Catalog, CatalogGroup } from '../../shared/domain/types.ts';
import type { ChangeEvent } from '../storage/change-feed.ts';
import { parseJson, type Queryable } from '../storage/rows.ts';
import { guardFor, holdsAdminActions } from './administrators.ts';
import { checkVersion, type Actor, type ServiceContext } from './context.ts';
import { groupsFromOpenApi } from './openapi-import.ts';

// The action catalog (DESIGN §3.1). The `keyward` group is built in and never stored: it is
// always exactly the backend's own administration actions.

export async function readCatalogVersion(q: Queryable): Promise<number> {
  const row = await q.selectFrom('settings').select('value').where('key', '=', 'catalog_version').executeTakeFirst();
  return row ? Number(row.value) : 1;
}

export async function readCatalog(q: Queryable): Promise<Catalog> {
  const [version, groups, actions] = await Promise.all([
    readCatalogVersion(q),
    q.selectFrom('catalog_groups').selectAll().orderBy('position').execute(),
    q.selectFrom('catalog_actions').selectAll().orderBy('group_id').orderBy('position').execute(),
  ]);
  const byGroup = new Map<string, CatalogGroup>(
    groups.map((g) => [g.id, { id: g.id, name: g.name, description: g.description, actions: [] }]),
  );
  for (const a of actions)
    byGroup.get(a.group_id)?.actions.push({ id: a.id, description: a.description, routes: parseJson<ActionRoute[]>(a.routes, []) });
  return { version, groups: [adminGroup(), ...byGroup.values()] };
}

/** Every action id in the catalog, administration actions included. */
export async function catalogActionIds(q: Queryable): Promise<Set<string>> {
  const rows = await q.selectFrom('catalog_actions').select('id').execute();
  const ids = new Set(rows.map((r) => r.id));
  for (const a of adminGroup().actions) ids.add(a.id);
  return ids;
}

function validateGroups(groups: CatalogGroup[]): void {
  const groupIds = new Set<string>();
  const actionIds = new Map<string, string>();
  for (const group of groups) {
    if (group.id === ADMIN_GROUP_ID)
      throw new ApiError('invalid_request', `The group id "${ADMIN_GROUP_ID}" is reserved for Keyward's own administration actions.`, {
        groupId: group.id,
      });
    if (groupIds.has(group.id)) throw new ApiError('invalid_request', `The group id "${group.id}" appears twice.`, { groupId: group.id });
    groupIds.add(group.id);
    for (const action of group.actions) {
      if (isAdminAction(action.id) || action.id.startsWith('keyward.')) {
        throw new ApiError(
          'invalid_request',
          `The action id "${action.id}" is reserved: ids starting with "keyward." belong to the built-in administration group.`,
          { actionId: action.id },
        );
      }
      const other = actionIds.get(action.id);
      if (other !== undefined)
        throw new ApiError(
          'invalid_request',
          `The action id "${action.id}" appears in both "${other}" and "${group.id}"; an action belongs to exactly one group.`,
          { actionId: action.id },
        );
      actionIds.set(action.id, group.id);
    }
  }
}

function normalise(body: CatalogPutBody): CatalogGroup[] {
  return body.groups.map((g) => ({
    id: g.id,
    name: g.name.trim(),
    description: g.description ?? '',
    actions: g.actions.map((a) => ({ id: a.id, description: a.description ?? '', routes: a.routes ?? [] })),
  }));
}

async function writeCatalog(tx: Queryable, groups: CatalogGroup[], nextVersion: number): Promise<void> {
  await tx.deleteFrom('catalog_actions').execute();
  await tx.deleteFrom('catalog_groups').execute();
  const groupRows = groups.map((g, i) => ({ id: g.id, name: g.name, description: g.description, position: i }));
  for (let i = 0; i < groupRows.length; i += 200)
    await tx
      .insertInto('catalog_groups')
      .values(groupRows.slice(i, i + 200))
      .execute();
  const actionRows = groups.flatMap((g) =>
    g.actions.map((a, i) => ({ id: a.id, group_id: g.id, description: a.description, routes: JSON.stringify(a.routes), position: i })),
  );
  for (let i = 0; i < actionRows.length; i += 150)
    await tx
      .insertInto('catalog_actions')
      .values(actionRows.slice(i, i + 150))
      .execute();
  await setSetting(tx, 'catalog_version', String(nextVersion));
}

export async function setSetting(tx: Queryable, key: string, value: string): Promise<void> {
  const existing = await tx.selectFrom('settings').select('key').where('key', '=', key).executeTakeFirst();
  if (existing) await tx.updateTable('settings').set({ value }).where('key', '=', key).execute();
  else await tx.insertInto('settings').values({ key, value }).execute();
}

/** Replaces every group but `keyward`. Roles using removed actions block it (409) unless pruned. */
export async function replaceCatalog(
  ctx: ServiceContext,
  actor: Actor,
  body: CatalogPutBody,
  options: { prune: boolean; ifMatch?: number | undefined },
): Promise<Catalog> {
  const groups = normalise(body);
  validateGroups(groups);
  return ctx.write(actor, async (tx) => {
    const version = await readCatalogVersion(tx);
    checkVersion(options.ifMatch, version, 'catalog');
    const kept = new Set(groups.flatMap((g) => g.actions.map((a) => a.id)));
    const events: ChangeEvent[] = [];
    const audit = [];
    const affected = [];
    for (const role of await tx.selectFrom('roles').selectAll().execute()) {
      const actions = parseJson<string[]>(role.actions, []);
      const removed = actions.filter((a) => !isAdminAction(a) && !kept.has(a));
      if (removed.length > 0) affected.push({ role, actions, removed });
    }
    if (affected.length > 0 && !options.prune) {
      throw new ApiError(
        'catalog_in_use',
        `${affected.length} role(s) use actions this catalog removes. Remove the actions from those roles first, or replace with ?prune=true to remove them automatically.`,
        {
          roles: affected.map((a) => ({ id: a.role.id, name: a.role.name, actions: a.removed })),
        },
      );
    }
    // Pruning never removes keyward.* actions (the group is built in), so it cannot take an
    // administrator away; the guard keeps that true should the catalog rules ever change.
    const guard = affected.some((a) => holdsAdminActions(a.actions)) ? await guardFor(tx, actor, ctx.now()) : null;
    const now = ctx.nowIso();
    for (const { role, actions, removed } of affected) {
      const gone = new Set(removed);
      const next = actions.filter((a) => !gone.has(a));
      await tx
        .updateTable('roles')
        .set({ actions: JSON.stringify(next), version: Number(role.version) + 1, updated_at: now })
        .where('id', '=', role.id)
        .execute();
      audit.push({
        action: 'role.update',
        target: { type: 'role', id: role.id },
        before: { actions },
        after: { actions: next, reason: 'catalog pruned' },
      });
      events.push({ kind: 'role' as const, id: role.id });
    }
    await writeCatalog(tx, groups, version + 1);
    await guard?.check(tx);
    audit.push({
      action: 'catalog.replace',
      target: { type: 'catalog', id: null },
      before: { version },
      after: { version: version + 1, groups: groups.length, actions: kept.size },
    });
    return { value: await readCatalog(tx), audit, events };
  });
}

/** Merges an OpenAPI 3 document's operations: group = first tag, id = operationId. */
export async function importOpenApi(
  ctx: ServiceContext,
  actor: Actor,
  document: Record<string, unknown>,
  ifMatch?: number,
): Promise<Catalog> {
  const incoming = groupsFromOpenApi(document);
  return ctx.write(actor, async (tx) => {
    const current = await readCatalog(tx);
    checkVersion(ifMatch, current.version, 'catalog');
    const groups = current.groups.filter((g) => g.id !== ADMIN_GROUP_ID).map((g) => ({ ...g, actions: [...g.actions] }));
    const incomingIds = new Set(incoming.flatMap((g) => g.actions.map((a) => a.id)));
    // An imported operation moves to its tag's group; drop it from wherever it was.
    for (const group of groups) group.actions = group.actions.filter((a) => !incomingIds.has(a.id));
    for (const group of incoming) {
      const existing = groups.find((g) => g.id === group.id);
      if (existing) {
        existing.actions.push(...group.actions);
        if (group.description && !existing.description) existing.description = group.description;
      } else groups.push(group);
    }
    const merged = groups.filter((g) => g.actions.length > 0 || current.groups.some((c) => c.id === g.id));
    validateGroups(merged);
    await writeCatalog(tx, merged, current.version + 1);
    return {
      value: await readCatalog(tx),
      audit: [
        {
          action: 'catalog.import_openapi',
          target: { type: 'catalog', id: null },
          before: { version: current.version },
          after: { version: current.version + 1, imported: incomingIds.size },
        },
      ],
      events: [],
    };
  });
}
