import { ApiError } from '../../shared/api/errors.ts';
import { escalatingActions, nameKey } from '../../shared/domain/policy.ts';
import { nameSkeleton } from '../../shared/domain/names.ts';
import { parseJson, type Queryable } from '../storage/rows.ts';
import type { RolesTable } from '../storage/schema.ts';
import { catalogActionIds } from './catalog-service.ts';
import { unique, type Actor } from './context.ts';

// The rules a role write must pass (DESIGN §3.2, §3.8, §4): unique and unmistakable names, known
// actions, and no escalation (granting, or taking away, administration actions the caller lacks).
// They run against a RoleSet, so a change set is checked against the state it has left so far.

/** The state a batch of role writes runs against: every role by id and by name key. */
export class RoleSet {
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

export function checkName(set: RoleSet, name: string, selfId: string | null, index?: number): { key: string; skeleton: string } {
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

export function checkActions(set: RoleSet, actions: string[], previous: string[], actor: Actor, index?: number): string[] {
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
export function checkMayChange(row: RolesTable, actor: Actor, verb: 'edit' | 'delete', index?: number): void {
  const lacking = escalatingActions(parseJson<string[]>(row.actions, []), actor.permits);
  if (lacking.length > 0) {
    throw new ApiError(
      'escalation',
      `You cannot ${verb} the role "${row.name}": it holds administration actions you do not hold yourself (${lacking.join(', ')}), and changing it could take them away from its holders.`,
      { actions: lacking, roleId: row.id, ...(index === undefined ? {} : { index }) },
    );
  }
}
