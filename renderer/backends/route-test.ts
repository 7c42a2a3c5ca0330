import { requiredRolesFor, type BackendView } from '../../shared/domain/authorize.ts';
import { compilePathRegex } from '../../shared/domain/path-regex.ts';
import { regexProblem } from '../../shared/domain/policy.ts';
import type { SubSetting } from '../../shared/domain/types.ts';

/**
 * Which sub-URL setting of an edited (unsaved) backend a request would match, using the shared
 * decision code and the server's pattern engine (RE2), so the answer is the one the server gives.
 */
export function testRoute(prefix: string, requiredRoles: string[], settings: SubSetting[], method: string, path: string) {
  if (!prefix.startsWith('/') || settings.some((s) => regexProblem(s.pathRegex))) return null;
  const view: BackendView = {
    id: 'edited',
    name: 'edited',
    frontendPrefix: prefix,
    requiredRoleIds: requiredRoles,
    subSettings: settings.map((s) => ({
      method: s.method,
      regex: compilePathRegex(s.pathRegex),
      requiredRoleIds: s.requiredRoles,
      override: s.override,
    })),
  };
  return requiredRolesFor([view], method, path);
}
