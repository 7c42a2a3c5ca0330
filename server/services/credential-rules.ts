import { randomBytes } from 'node:crypto';
import { ApiError } from '../../shared/api/errors.ts';
import { canonicalCidr, cidrProblem } from '../../shared/domain/cidr.ts';
import { escalatingActions, mayObtainKey } from '../../shared/domain/policy.ts';
import { generateToken } from '../../shared/domain/token.ts';
import type { IssuancePolicy } from '../../shared/domain/types.ts';
import { parseJson, type Queryable } from '../storage/rows.ts';
import { unique, type Actor } from './context.ts';

// Checks shared by admin-issued, imported and self-service credentials.

export function newSecret(): string {
  return generateToken((n) => new Uint8Array(randomBytes(n)));
}

export async function readIssuancePolicy(q: Queryable): Promise<IssuancePolicy> {
  const row = await q.selectFrom('settings').select('value').where('key', '=', 'issuance_policy').executeTakeFirst();
  return row ? parseJson<IssuancePolicy>(row.value, { allowedGroups: null }) : { allowedGroups: null };
}

/** An owner must exist and be allowed keys by the issuance policy (DESIGN §3.5). */
export async function checkOwner(q: Queryable, ownerId: string | null | undefined, index?: number): Promise<void> {
  if (ownerId === null || ownerId === undefined) return;
  const user = await q.selectFrom('users').select(['id', 'name', 'groups']).where('id', '=', ownerId).executeTakeFirst();
  if (!user) throw new ApiError('unknown_user', `No user with id "${ownerId}".`, { ownerId, ...at(index) });
  const policy = await readIssuancePolicy(q);
  if (!mayObtainKey(parseJson<string[]>(user.groups, []), policy)) {
    throw new ApiError(
      'issuance_not_allowed',
      `The issuance policy does not allow "${user.name}" to hold a key: none of their groups may obtain keys.`,
      { ownerId, ...at(index) },
    );
  }
}

/**
 * Roles must exist; newly given roles must not carry administration actions the caller lacks
 * (DESIGN §3.8). Returns the de-duplicated list.
 */
export async function checkRoles(
  q: Queryable,
  actor: Actor,
  roleIds: readonly string[],
  previous: readonly string[],
  index?: number,
): Promise<string[]> {
  const list = unique(roleIds);
  if (list.length === 0) return list;
  const rows = await q.selectFrom('roles').select(['id', 'actions']).where('id', 'in', list).execute();
  const found = new Map(rows.map((r) => [r.id, parseJson<string[]>(r.actions, [])]));
  const missing = list.filter((id) => !found.has(id));
  if (missing.length > 0)
    throw new ApiError('unknown_role', `No role with id ${missing.map((m) => `"${m}"`).join(', ')}.`, { roles: missing, ...at(index) });
  const old = new Set(previous);
  const granted = list.filter((id) => !old.has(id)).flatMap((id) => found.get(id) ?? []);
  const escalating = escalatingActions(granted, actor.permits);
  if (escalating.length > 0) {
    throw new ApiError('escalation', `You cannot grant administration actions you do not hold yourself: ${escalating.join(', ')}.`, {
      actions: escalating,
      ...at(index),
    });
  }
  return list;
}

/** Allowed CIDRs in their canonical form (DESIGN §3.3); ambiguous IPv4 spellings are refused. */
export function checkCidrs(cidrs: readonly string[] | undefined, index?: number): string[] {
  const list: string[] = [];
  for (const cidr of cidrs ?? []) {
    const problem = cidrProblem(cidr);
    if (problem) throw new ApiError('invalid_cidr', problem, { cidr, ...at(index) });
    list.push(canonicalCidr(cidr)!);
  }
  return unique(list);
}

export function checkExpiry(expiresAt: string | null | undefined, nowMs: number, requireFuture: boolean): string | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms)) throw new ApiError('invalid_request', `expiresAt "${expiresAt}" is not a valid date-time.`);
  if (requireFuture && ms <= nowMs) throw new ApiError('invalid_request', 'expiresAt must be in the future.', { expiresAt });
  return new Date(ms).toISOString();
}

function at(index: number | undefined): Record<string, number> {
  return index === undefined ? {} : { index };
}

/** The administration actions the given roles carry that the caller does not hold. */
async function lackedActions(q: Queryable, actor: Actor, roleIds: readonly string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const rows = await q.selectFrom('roles').select('actions').where('id', 'in', unique(roleIds)).execute();
  return escalatingActions(
    rows.flatMap((r) => parseJson<string[]>(r.actions, [])),
    actor.permits,
  );
}

/**
 * 403 escalation unless the caller holds every administration action that the given roles
 * carry. Used where a write hands those roles' power to someone the caller controls: rolling a
 * credential returns its secret; adding a user to a group, or setting their password, lets the
 * caller self-issue a key with the groups' default roles.
 */
export async function checkHandOver(q: Queryable, actor: Actor, roleIds: readonly string[], what: string): Promise<void> {
  const escalating = await lackedActions(q, actor, roleIds);
  if (escalating.length > 0) {
    throw new ApiError(
      'escalation',
      `You cannot ${what}: it would hand over administration actions you do not hold yourself (${escalating.join(', ')}).`,
      { actions: escalating },
    );
  }
}

/**
 * Taking away is escalation too (DESIGN §3.8): 403 unless the caller holds every administration
 * action the current roles carry, before it may change those roles (of a credential, or a group's
 * default roles), adding or removing. `what` names them: 'the roles of "ci"'.
 */
export async function checkTakeAway(
  q: Queryable,
  actor: Actor,
  currentRoleIds: readonly string[],
  what: string,
  holder = 'they hold',
): Promise<void> {
  const lacking = await lackedActions(q, actor, currentRoleIds);
  if (lacking.length > 0) {
    throw new ApiError(
      'escalation',
      `You cannot change ${what}: ${holder} administration actions you do not hold yourself (${lacking.join(', ')}), which a change could take away.`,
      { actions: lacking },
    );
  }
}

/** Whether two role lists hold the same roles (order aside). */
export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((id) => right.has(id));
}

/** The default roles of the given groups. */
export async function defaultRolesOf(q: Queryable, groupIds: readonly string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const rows = await q.selectFrom('groups').select('default_roles').where('id', 'in', unique(groupIds)).execute();
  return unique(rows.flatMap((g) => parseJson<string[]>(g.default_roles, [])));
}
