import { parseCidr, type ParsedCidr } from '../../../shared/domain/cidr.ts';
import type { BackendView, CredentialView, RoleView, SubSettingView } from '../../../shared/domain/authorize.ts';
import type { HttpMethod } from '../../../shared/domain/types.ts';

// Small builders for the precomputed views that shared/domain/authorize.ts decides on, so each
// test states only what matters to it.

export const NOW = Date.parse('2026-11-23T12:00:00.000Z');
export const DAY = 86_400_000;

export function role(name: string, actions: string[] = [], id = `role-${name}`): RoleView {
  return { id, name, actions: new Set(actions) };
}

export function credential(overrides: Partial<Omit<CredentialView, 'cidrs'>> & { cidrs?: string[] | null } = {}): CredentialView {
  const { cidrs = null, ...rest } = overrides;
  return {
    id: 'cred-1',
    status: 'active',
    expiresAtMs: null,
    roles: [],
    ...rest,
    cidrs: cidrs === null ? null : cidrs.map((c) => parseCidr(c) as ParsedCidr),
  };
}

export function subSetting(method: HttpMethod | 'ANY', pathRegex: string, requiredRoleIds: string[], override = false): SubSettingView {
  return { method, regex: new RegExp(pathRegex), requiredRoleIds, override };
}

export function backend(
  frontendPrefix: string,
  requiredRoleIds: string[],
  subSettings: SubSettingView[] = [],
  name = frontendPrefix,
): BackendView {
  return { id: `backend-${name}`, name, frontendPrefix, requiredRoleIds, caseSensitive: true, subSettings };
}

/** A roleName lookup over the given roles, as the server builds it from its cache. */
export function namesOf(...roles: RoleView[]): (id: string) => string {
  const byId = new Map(roles.map((r) => [r.id, r.name]));
  return (id) => byId.get(id) ?? id;
}
