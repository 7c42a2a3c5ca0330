import { isAdminAction } from './admin-actions.ts';
import type { Credential, CredentialStatus, Id, IssuancePolicy, Timestamp } from './types.ts';
import { pathRegexProblem } from './path-regex.ts';

/** Key issuance (DESIGN §3.5): null → everyone, [] → nobody, [groups] → members of any listed group. */
export function mayObtainKey(userGroups: readonly Id[], policy: IssuancePolicy): boolean {
  if (policy.allowedGroups === null) return true;
  const allowed = new Set(policy.allowedGroups);
  return userGroups.some((g) => allowed.has(g));
}

/**
 * Whether a policy change lets more people obtain keys. The app confirms such changes; callers
 * pass each group's member ids so "more people" is judged by membership, not group count.
 */
export function policyWidens(before: IssuancePolicy, after: IssuancePolicy): boolean {
  if (after.allowedGroups === null) return before.allowedGroups !== null;
  if (before.allowedGroups === null) return false;
  const old = new Set(before.allowedGroups);
  return after.allowedGroups.some((g) => !old.has(g));
}

/**
 * No escalation (DESIGN §3.8): the administration actions among `granted` that the caller's own
 * roles do not permit. A non-empty answer means 403 `escalation`.
 */
export function escalatingActions(granted: Iterable<string>, callerPermits: (action: string) => boolean): string[] {
  const out = new Set<string>();
  for (const action of granted) if (isAdminAction(action) && !callerPermits(action)) out.add(action);
  return [...out].sort();
}

/** The status a client sees: the stored one, or "expired" once expiresAt has passed. */
export function effectiveStatus(stored: 'active' | 'disabled' | 'revoked', expiresAt: Timestamp | null, nowMs: number): CredentialStatus {
  if (stored === 'revoked') return 'revoked';
  if (expiresAt !== null && Date.parse(expiresAt) <= nowMs) return 'expired';
  return stored;
}

/** Grace for a roll is at most 24 hours (DESIGN §3.9). */
export const MAX_ROLL_GRACE_SECONDS = 24 * 60 * 60;

/** Imported legacy secrets must be at least this long: shorter ones can be guessed through the proxy (DESIGN §3.10). */
export const MIN_LEGACY_SECRET_LENGTH = 16;

export const COMPATIBILITY_ROLE_NAME = 'Compatibility (all actions)';
export const ADMINISTRATOR_ROLE_NAME = 'Administrator';
export const BOOTSTRAP_CREDENTIAL_NAME = 'bootstrap';

/** Role names are unique case-insensitively (DESIGN §3.2). */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** Why a sub-URL regex is unusable, or null when it compiles (RE2 syntax, see path-regex.ts). */
export function regexProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'The pattern is empty.';
  if (pattern.length > 1000) return 'The pattern is longer than 1,000 characters.';
  return pathRegexProblem(pattern);
}

export function hygieneFlags(
  credential: Pick<Credential, 'expiresAt' | 'lastUsedAt' | 'createdAt' | 'roles' | 'status'>,
  nowMs: number,
): { noExpiry: boolean; expiringSoon: boolean; unused90Days: boolean; noRoles: boolean } {
  const day = 86_400_000;
  const live = credential.status === 'active' || credential.status === 'disabled';
  const expires = credential.expiresAt ? Date.parse(credential.expiresAt) : null;
  const lastSeen = Date.parse(credential.lastUsedAt ?? credential.createdAt);
  return {
    noExpiry: live && expires === null,
    expiringSoon: live && expires !== null && expires > nowMs && expires - nowMs <= 14 * day,
    unused90Days: live && nowMs - lastSeen >= 90 * day,
    noRoles: live && credential.roles.length === 0,
  };
}
