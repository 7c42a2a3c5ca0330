import { requiredRolesFor, type BackendView, type RouteRequirement } from '../../shared/domain/authorize.ts';
import { canonicalPath, PATH_PROBLEM_TEXT, type PathProblem } from '../../shared/domain/canonical-path.ts';
import { compilePathRegex } from '../../shared/domain/path-regex.ts';
import { regexProblem } from '../../shared/domain/policy.ts';
import type { SubSetting } from '../../shared/domain/types.ts';

export interface EditedBackend {
  prefix: string;
  requiredRoles: string[];
  settings: SubSetting[];
  caseSensitive: boolean;
}

/** What "test a path" found: the path is refused, is under no prefix, or needs these roles. */
export type RouteTestResult =
  | { kind: 'invalid_path'; problem: PathProblem; message: string }
  | { kind: 'no_route'; path: string }
  | { kind: 'match'; path: string; requirement: RouteRequirement };

/**
 * Which sub-URL setting of an edited (unsaved) backend a request would match, using the shared
 * canonicaliser, decision code and the server's pattern engine (RE2), so the answer is the one
 * the server gives. null while the backend itself is not valid yet.
 */
export function testRoute(backend: EditedBackend, method: string, uri: string): RouteTestResult | null {
  const { prefix, settings, caseSensitive } = backend;
  if (!prefix.startsWith('/') || settings.some((s) => regexProblem(s.pathRegex))) return null;
  const path = canonicalPath(uri);
  if (typeof path !== 'string') return { kind: 'invalid_path', problem: path.invalid, message: PATH_PROBLEM_TEXT[path.invalid] };
  // The server stores the prefix canonical and without a trailing slash.
  const storedPrefix = canonicalPath(prefix.trim());
  const view: BackendView = {
    id: 'edited',
    name: 'edited',
    frontendPrefix: typeof storedPrefix === 'string' && storedPrefix.length > 1 ? storedPrefix.replace(/\/+$/, '') || '/' : prefix,
    requiredRoleIds: backend.requiredRoles,
    caseSensitive,
    subSettings: settings.map((s) => ({
      method: s.method,
      regex: compilePathRegex(s.pathRegex, { caseSensitive }),
      requiredRoleIds: s.requiredRoles,
      override: s.override,
    })),
  };
  const requirement = requiredRolesFor([view], method, path);
  return requirement ? { kind: 'match', path, requirement } : { kind: 'no_route', path };
}

/** The problem with a frontend prefix as the server will judge it, or null when it is usable. */
export function prefixProblem(prefix: string): string | null {
  const trimmed = prefix.trim();
  if (!trimmed.startsWith('/')) return 'Must start with “/”.';
  if (/[?#\s]/.test(trimmed)) return 'No spaces, “?” or “#”.';
  const canonical = canonicalPath(trimmed);
  return typeof canonical === 'string' ? null : PATH_PROBLEM_TEXT[canonical.invalid];
}
