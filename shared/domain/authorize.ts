import { canonicalPath } from './canonical-path.ts';
import { ipInRanges, type ParsedCidr } from './cidr.ts';
import type { Decision, DecisionReason, Explanation, HttpMethod, Id, RoleBreakdown } from './types.ts';
import type { PathMatcher } from './path-regex.ts';

// The authorization decision (DESIGN §3.3–§3.4), written against a precomputed view of the
// state so the same code runs on the server's hot path (from its in-memory cache) and in the
// desktop app's offline access checker (from cached server state).

export interface RoleView {
  id: Id;
  name: string;
  actions: ReadonlySet<string>;
}

export interface CredentialView {
  id: Id;
  /** Stored status; "expired" is derived from expiresAtMs at decision time. */
  status: 'active' | 'disabled' | 'revoked';
  expiresAtMs: number | null;
  /** Parsed allowlist, or null when the credential may be used from anywhere. */
  cidrs: readonly ParsedCidr[] | null;
  roles: readonly RoleView[];
}

export interface SubSettingView {
  method: HttpMethod | 'ANY';
  regex: PathMatcher;
  requiredRoleIds: readonly Id[];
  override: boolean;
}

export interface BackendView {
  id: Id;
  name: string;
  frontendPrefix: string;
  requiredRoleIds: readonly Id[];
  /** Off by default: the prefix matches without regard to case, and the settings' regexes are compiled case-insensitive. */
  caseSensitive: boolean;
  subSettings: readonly SubSettingView[];
}

export interface RequestContext {
  ip?: string | undefined;
  nowMs: number;
}

/** A refusal for this reason, with the credential's roles so the answer shows what it holds. */
export function deny(reason: DecisionReason, credential: CredentialView | null, missingRoles: string[] = []): Decision {
  return {
    allowed: false,
    reason,
    credentialId: credential?.id ?? null,
    roles: credential ? credential.roles.map((r) => r.name) : [],
    grantedBy: [],
    missingRoles,
  };
}

/** Checks that do not depend on the request: revoked, expired, disabled, address, no roles. */
export function credentialProblem(credential: CredentialView | null, ctx: RequestContext): DecisionReason | null {
  if (!credential) return 'unknown_token';
  if (credential.status === 'revoked') return 'revoked';
  if (credential.expiresAtMs !== null && credential.expiresAtMs <= ctx.nowMs) return 'expired';
  if (credential.status === 'disabled') return 'disabled';
  if (credential.cidrs && (!ctx.ip || !ipInRanges(ctx.ip, credential.cidrs))) return 'ip_not_allowed';
  if (credential.roles.length === 0) return 'no_roles';
  return null;
}

/** Action authorization: allowed iff the credential is usable and at least one role includes the action. */
export function authorizeAction(credential: CredentialView | null, action: string, ctx: RequestContext): Decision {
  const problem = credentialProblem(credential, ctx);
  if (problem) return deny(problem, credential);
  const roles = credential!.roles;
  const grantedBy: string[] = [];
  for (const role of roles) if (role.actions.has(action)) grantedBy.push(role.name);
  if (grantedBy.length === 0) return deny('not_permitted', credential);
  return { allowed: true, reason: 'granted', credentialId: credential!.id, roles: roles.map((r) => r.name), grantedBy, missingRoles: [] };
}

/** Whether path starts with prefix, ASCII letters compared without case (a canonical path is ASCII). */
export function startsWithIgnoringCase(path: string, prefix: string): boolean {
  if (path.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i += 1) {
    const a = path.charCodeAt(i);
    const b = prefix.charCodeAt(i);
    if (a === b) continue;
    // Only letters fold ("@" and "`" differ by the same bit, and are not letters).
    const folded = a | 0x20;
    if (folded !== (b | 0x20) || folded < 0x61 || folded > 0x7a) return false;
  }
  return true;
}

function prefixMatches(backend: BackendView, path: string): boolean {
  const prefix = backend.frontendPrefix;
  if (backend.caseSensitive ? !path.startsWith(prefix) : !startsWithIgnoringCase(path, prefix)) return false;
  return prefix.endsWith('/') || path.length === prefix.length || path[prefix.length] === '/';
}

/**
 * The backends indexed by the first segment of their prefix, built once whenever the backends
 * change (the server's cache), so a decision looks only at the backends that can serve the path
 * instead of scanning all of them. Its answers are the plain scan's, exactly: a prefix "/s…"
 * matches only paths whose first segment is s up to the case of ASCII letters (startsWithIgnoringCase
 * folds nothing else, and a prefix match ends on a segment boundary), so buckets are keyed by
 * the ASCII-lower-cased segment for both case modes and every candidate is still checked with
 * prefixMatches. A backend whose prefix has no first segment ("/", "", no leading "/", "//…") goes
 * into every bucket and the fallback list. Each list is ordered as the scan picks its winner,
 * longest prefix first and list order among equal lengths, so the first match is the scan's answer.
 */
export class BackendIndex {
  /** The backends as given (a copy: changing the caller's array later does not desynchronise the index). */
  readonly list: readonly BackendView[];
  readonly #buckets = new Map<string, BackendView[]>();
  readonly #unplaced: BackendView[] = [];

  constructor(backends: readonly BackendView[]) {
    this.list = [...backends];
    const ranked = this.list
      .map((backend, position) => ({ backend, position }))
      .sort((a, b) => b.backend.frontendPrefix.length - a.backend.frontendPrefix.length || a.position - b.position);
    for (const { backend } of ranked) {
      const key = prefixSegmentKey(backend.frontendPrefix);
      if (key === null) {
        this.#unplaced.push(backend);
        for (const bucket of this.#buckets.values()) bucket.push(backend);
      } else {
        let bucket = this.#buckets.get(key);
        // A new bucket starts with the unplaced backends ranked above this one, keeping the order.
        if (!bucket) this.#buckets.set(key, (bucket = [...this.#unplaced]));
        bucket.push(backend);
      }
    }
  }

  /** The backend the plain scan (matchBackend over list) picks for the path, or null. */
  match(path: string): BackendView | null {
    const candidates = this.#candidates(path);
    for (let i = 0; i < candidates.length; i += 1) {
      const backend = candidates[i]!;
      if (prefixMatches(backend, path)) return backend;
    }
    return null;
  }

  #candidates(path: string): readonly BackendView[] {
    if (path.charCodeAt(0) !== 0x2f || this.#buckets.size === 0) return this.#unplaced;
    const end = path.indexOf('/', 1);
    const segment = end === -1 ? path.slice(1) : path.slice(1, end);
    return (segment.length > 0 && this.#buckets.get(asciiLowerCase(segment))) || this.#unplaced;
  }
}

/** The key of a prefix "/segment" or "/segment/…" (segment not empty), or null when it has none. */
function prefixSegmentKey(prefix: string): string | null {
  if (prefix.charCodeAt(0) !== 0x2f) return null;
  const end = prefix.indexOf('/', 1);
  const segment = end === -1 ? prefix.slice(1) : prefix.slice(1, end);
  return segment.length > 0 ? asciiLowerCase(segment) : null;
}

/**
 * ASCII letters lower-cased, nothing else: the folding of startsWithIgnoringCase. (toLowerCase
 * would also fold "K" (Kelvin) and "İ", which the decision does not.) No copy when nothing changes.
 */
function asciiLowerCase(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) {
      let out = text.slice(0, i);
      for (let k = i; k < text.length; k += 1) {
        const c = text.charCodeAt(k);
        out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c | 0x20) : text[k];
      }
      return out;
    }
  }
  return text;
}

/** Backends as a plain list (scanned) or indexed once by BackendIndex; both give the same answers. */
export type Backends = readonly BackendView[] | BackendIndex;

/** The backend whose frontend prefix is the longest match for the (canonical) path, or null; the first in the list among equals. */
export function matchBackend(backends: Backends, path: string): BackendView | null {
  if (backends instanceof BackendIndex) return backends.match(path);
  let best: BackendView | null = null;
  for (const backend of backends) {
    if (prefixMatches(backend, path) && (!best || backend.frontendPrefix.length > best.frontendPrefix.length)) {
      best = backend;
    }
  }
  return best;
}

/**
 * Index of the first sub-URL setting matching method and full path, or -1. A GET setting also
 * covers HEAD, since servers answer HEAD with their GET handler (a HEAD must not dodge a GET rule).
 */
export function matchSubSetting(backend: BackendView, method: string, path: string): number {
  const upper = method.toUpperCase();
  const settings = backend.subSettings;
  for (let i = 0; i < settings.length; i += 1) {
    const s = settings[i]!;
    const methodMatches = s.method === 'ANY' || s.method === upper || (s.method === 'GET' && upper === 'HEAD');
    if (methodMatches && s.regex.test(path)) return i;
  }
  return -1;
}

export interface RouteRequirement {
  backend: BackendView;
  subSettingIndex: number | null;
  requiredRoleIds: Id[];
}

/**
 * The roles a request needs: the backend's list, plus (or, with override, instead) the first
 * matching setting's. `path` is canonical (canonicalPath); null when no backend serves it.
 */
export function requiredRolesFor(backends: Backends, method: string, path: string): RouteRequirement | null {
  const backend = matchBackend(backends, path);
  if (!backend) return null;
  const index = matchSubSetting(backend, method, path);
  if (index === -1) return { backend, subSettingIndex: null, requiredRoleIds: [...backend.requiredRoleIds] };
  const setting = backend.subSettings[index]!;
  const required = setting.override ? [...setting.requiredRoleIds] : [...new Set([...backend.requiredRoleIds, ...setting.requiredRoleIds])];
  return { backend, subSettingIndex: index, requiredRoleIds: required };
}

/**
 * Route authorization: the credential must hold all required roles. roleName resolves ids of
 * required roles (which may not be among the credential's) to names for the answer.
 */
export function authorizeRoute(
  credential: CredentialView | null,
  method: string,
  uri: string,
  backends: Backends,
  roleName: (id: Id) => string,
  ctx: RequestContext,
): Decision {
  const problem = credentialProblem(credential, ctx);
  if (problem) return deny(problem, credential);
  const path = canonicalPath(uri);
  if (typeof path !== 'string') return deny('invalid_path', credential);
  const requirement = requiredRolesFor(backends, method, path);
  if (!requirement) return deny('no_route', credential);
  // A credential holds a handful of roles: a scan beats building a Set on every request.
  const roles = credential!.roles;
  const missing = requirement.requiredRoleIds.filter((id) => !roles.some((r) => r.id === id));
  if (missing.length > 0) return deny('missing_roles', credential, missing.map(roleName));
  return {
    allowed: true,
    reason: 'granted',
    credentialId: credential!.id,
    roles: credential!.roles.map((r) => r.name),
    grantedBy: requirement.requiredRoleIds.map(roleName),
    missingRoles: [],
  };
}

/** The decision with a per-role breakdown, for the explainer and the access checker. */
export function explain(
  credential: CredentialView | null,
  request: { action: string } | { method: string; path: string },
  backends: Backends,
  roleName: (id: Id) => string,
  ctx: RequestContext,
): Explanation {
  if ('action' in request) {
    const decision = authorizeAction(credential, request.action, ctx);
    const breakdown: RoleBreakdown[] = (credential?.roles ?? []).map((r) => ({
      roleId: r.id,
      name: r.name,
      includesAction: r.actions.has(request.action),
      required: null,
    }));
    return { ...decision, breakdown, route: null };
  }
  const decision = authorizeRoute(credential, request.method, request.path, backends, roleName, ctx);
  const path = canonicalPath(request.path);
  const requirement = typeof path === 'string' ? requiredRolesFor(backends, request.method, path) : null;
  const required = new Set(requirement?.requiredRoleIds ?? []);
  const breakdown: RoleBreakdown[] = (credential?.roles ?? []).map((r) => ({
    roleId: r.id,
    name: r.name,
    includesAction: null,
    required: required.has(r.id),
  }));
  const route = requirement
    ? {
        backendId: requirement.backend.id,
        backendName: requirement.backend.name,
        subSettingIndex: requirement.subSettingIndex,
        requiredRoles: requirement.requiredRoleIds.map(roleName),
      }
    : null;
  return { ...decision, breakdown, route };
}

/** HTTP status for a decision at /v1/forward-auth: 200, 401 for token problems, 403 otherwise. */
export function forwardAuthStatus(decision: Decision): 200 | 401 | 403 {
  if (decision.allowed) return 200;
  return TOKEN_REJECTED.has(decision.reason) ? 401 : 403;
}

/**
 * The X-Api-Roles header value: role names comma-separated, each percent-encoded where it holds
 * a comma, a "%" (so decoding stays unambiguous) or characters outside visible ASCII.
 */
export function encodeRolesHeader(names: readonly string[]): string {
  return names.map(encodeRoleName).join(',');
}

export function encodeRoleName(name: string): string {
  if (/^[\x21-\x24\x26-\x2b\x2d-\x7e]*$/.test(name)) return name;
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x21 && code <= 0x7e && ch !== ',' && ch !== '%') out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reasons that mean the token itself is not usable (401), as opposed to lacking permission (403). */
const TOKEN_REJECTED: ReadonlySet<DecisionReason> = new Set(['unknown_token', 'revoked', 'expired', 'disabled']);
