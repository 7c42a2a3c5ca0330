import { explain, type BackendView, type CredentialView } from '../../shared/domain/authorize.ts';
import { parseCidr, type ParsedCidr } from '../../shared/domain/cidr.ts';
import { ADMIN_GROUP_ID, isAdminAction } from '../../shared/domain/admin-actions.ts';
import { storedPathMatcher } from '../../shared/domain/path-regex.ts';
import { exceedsLifetime, isExpiring, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import { hygieneFlags } from '../../shared/domain/policy.ts';
import type { Backend, Credential, Role } from '../../shared/domain/types.ts';
import type { AccessCheck, HygieneReport } from '../../shared/ipc/types.ts';
import { KeywardError } from './errors.ts';
import type { CachedState } from './session.ts';

// The access checker and the hygiene report, computed in the app from cached server state with
// shared/'s own decision rules — so they work offline and agree with the server.

export function credentialView(credential: Credential, roles: readonly Role[]): CredentialView {
  const byId = new Map(roles.map((r) => [r.id, r]));
  let cidrs: ParsedCidr[] | null = null;
  if (credential.allowedCidrs.length > 0) {
    cidrs = credential.allowedCidrs.map((c) => parseCidr(c)).filter((c): c is ParsedCidr => c !== null);
  }
  return {
    id: credential.id,
    status: credential.status === 'expired' ? 'active' : credential.status,
    expiresAtMs: credential.expiresAt ? Date.parse(credential.expiresAt) : null,
    cidrs,
    roles: credential.roles.flatMap((id) => {
      const role = byId.get(id);
      return role ? [{ id: role.id, name: role.name, actions: new Set(role.actions) }] : [];
    }),
  };
}

export function backendViews(backends: readonly Backend[]): BackendView[] {
  return backends.map((b) => ({
    id: b.id,
    name: b.name,
    frontendPrefix: b.frontendPrefix,
    requiredRoleIds: b.requiredRoles,
    // A cache written before backends had the field holds none: the server's default then.
    caseSensitive: b.caseSensitive ?? false,
    subSettings: b.subSettings.map((s) => ({
      method: s.method,
      regex: storedPathMatcher(s.pathRegex, { caseSensitive: b.caseSensitive ?? false }),
      requiredRoleIds: s.requiredRoles,
      override: s.override,
    })),
  }));
}

export function checkAccess(
  state: CachedState,
  request: { credentialId: string; action: string; ip?: string } | { credentialId: string; method: string; path: string; ip?: string },
  basis: 'server' | 'cache',
  nowMs: number,
): AccessCheck {
  const credential = state.credentials.find((c) => c.id === request.credentialId);
  if (!credential)
    throw new KeywardError(
      'not_found',
      basis === 'cache'
        ? 'That credential is not in the offline cache. Connect to the server to check it.'
        : 'That credential does not exist.',
      { credentialId: request.credentialId },
    );
  const names = new Map(state.roles.map((r) => [r.id, r.name]));
  const view = credentialView(credential, state.roles);
  const req = 'action' in request ? { action: request.action } : { method: request.method.toUpperCase(), path: request.path };
  const explanation = explain(view, req, backendViews(state.backends), (id) => names.get(id) ?? `(deleted role ${id})`, {
    ip: request.ip,
    nowMs,
  });
  return { ...explanation, basis, stateAt: state.syncedAt };
}

/** What the server knows beyond the cached state, when it was reachable. */
export interface HygieneLifecycle {
  lifetime: LifetimePolicy | null;
  /**
   * Credentials with at least one counted request (allowed or denied) in the last 90 days, or
   * null when the server's counts were not available or not complete.
   */
  usedIn90Days: ReadonlySet<string> | null;
}

export function hygieneReport(
  state: CachedState,
  basis: 'server' | 'cache',
  nowMs: number,
  lifecycle: HygieneLifecycle = { lifetime: null, usedIn90Days: null },
): HygieneReport {
  const { lifetime, usedIn90Days } = lifecycle;
  const used = new Set(state.credentials.filter((c) => c.status !== 'revoked').flatMap((c) => c.roles));
  const adminByRole = new Map(
    state.roles.map((r) => [r.id, r.actions.filter((a) => isAdminAction(a) || a.startsWith(`${ADMIN_GROUP_ID}.`))]),
  );
  const roleName = new Map(state.roles.map((r) => [r.id, r.name]));
  const adminHolders: HygieneReport['adminHolders'] = [];
  for (const credential of state.credentials) {
    if (credential.status === 'revoked' || credential.status === 'expired') continue;
    const adminRoles = credential.roles.filter((id) => (adminByRole.get(id)?.length ?? 0) > 0);
    if (adminRoles.length === 0) continue;
    adminHolders.push({
      credential,
      roles: adminRoles.map((id) => roleName.get(id) ?? id),
      adminActions: [...new Set(adminRoles.flatMap((id) => adminByRole.get(id) ?? []))].sort(),
    });
  }
  return {
    generatedAt: new Date(nowMs).toISOString(),
    basis,
    credentials: state.credentials.map((credential) => {
      const flags = hygieneFlags(credential, nowMs);
      const live = credential.status === 'active' || credential.status === 'disabled';
      return {
        credential,
        flags: {
          ...flags,
          expiringSoon: lifetime ? live && isExpiring(lifetime, credential.expiresAt, nowMs) : flags.expiringSoon,
          // A counted request is use even when the last-used time lags (or was never written).
          unused90Days: flags.unused90Days && !(usedIn90Days?.has(credential.id) ?? false),
          exceedsLifetime: lifetime !== null && live && exceedsLifetime(lifetime, credential.expiresAt, nowMs),
        },
      };
    }),
    lifetime,
    usageCounted: usedIn90Days !== null,
    unusedRoles: state.roles.filter((r) => !used.has(r.id)),
    adminHolders,
  };
}
