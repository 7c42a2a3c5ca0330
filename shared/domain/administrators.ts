import { ADMIN_ACTION_IDS, isAdminAction, type AdminAction } from './admin-actions.ts';
import { effectiveStatus } from './policy.ts';

// Never lock the door from inside (DESIGN §3.11): an administrator is an active credential
// (not revoked, not disabled, not expired) whose roles together permit every keyward.* action.
// The server runs these rules on the state a write transaction has produced; they are pure so the
// rule itself is tested without a database.

/**
 * An administrator that would stop working within this time does not count as one left: a write
 * may not leave the last administrator expiring in two seconds (or rolled with a one-second
 * grace), which would lock the door as surely as revoking it.
 */
export const ADMINISTRATOR_HORIZON_MS = 60 * 60 * 1000;

/** A roll grace shorter than this is no grace for the last administrator (its new secret may be lost). */
export const ADMINISTRATOR_MIN_GRACE_SECONDS = 5 * 60;

/** What the rule needs to know of a credential: its stored status, expiry and role ids. */
export interface AdministratorCandidate {
  id: string;
  status: 'active' | 'disabled' | 'revoked';
  expiresAt: string | null;
  roles: readonly string[];
}

/** The administration actions that none of the given action lists permits, in catalog order. */
export function missingAdminActions(actionLists: Iterable<Iterable<string>>): AdminAction[] {
  const held = new Set<string>();
  for (const list of actionLists) for (const action of list) if (isAdminAction(action)) held.add(action);
  return ADMIN_ACTION_IDS.filter((a) => !held.has(a));
}

/** Whether the credential is an administrator at `nowMs`, given each role's actions by id. */
export function isAdministrator(
  credential: AdministratorCandidate,
  roleActions: ReadonlyMap<string, readonly string[]>,
  nowMs: number,
): boolean {
  if (effectiveStatus(credential.status, credential.expiresAt, nowMs) !== 'active') return false;
  return missingAdminActions(credential.roles.map((id) => roleActions.get(id) ?? [])).length === 0;
}

/** The administrators among the candidates, in their order. */
export function administrators<T extends AdministratorCandidate>(
  candidates: readonly T[],
  roleActions: ReadonlyMap<string, readonly string[]>,
  nowMs: number,
): T[] {
  return candidates.filter((c) => isAdministrator(c, roleActions, nowMs));
}

/**
 * Whether a write takes the last administrator away: there was one before and none is left
 * after, not counting `unusable` credentials (administrators whose only working secret exists in
 * the answer of this very write, as after a roll without grace). A database that already has no
 * administrator (the last one expired on its own) is not locked further by every later write.
 */
export function takesLastAdministrator(before: readonly string[], after: readonly string[], unusable: readonly string[] = []): boolean {
  if (before.length === 0) return false;
  const gone = new Set(unusable);
  return !after.some((id) => !gone.has(id));
}
