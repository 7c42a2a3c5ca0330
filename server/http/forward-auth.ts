import type { FastifyReply, FastifyRequest } from 'fastify';
import { credentialProblem, deny, encodeRolesHeader, forwardAuthStatus, type CredentialView } from '../../shared/domain/authorize.ts';
import { canonicalPath, isInvalidPath, type PathProblem } from '../../shared/domain/canonical-path.ts';
import type { ParsedCidr } from '../../shared/domain/cidr.ts';
import type { Decision } from '../../shared/domain/types.ts';
import { serialiseAnswer, type CachedAnswer } from '../authz/cache.ts';
import { decideFor, resolveToken } from '../services/authorization-service.ts';
import type { ServiceContext } from '../services/context.ts';
import { RETRY_AFTER_SECONDS } from '../storage/unavailable.ts';
import { DECISION_MESSAGES } from './denial-messages.ts';
import { clientAddress, header, presentedToken, type RawRequest } from './request-parts.ts';

// /v1/forward-auth for nginx auth_request, Traefik forwardAuth and Envoy ext_authz. The token
// comes from the request's own headers; the original method and URI from X-Original-* or
// X-Forwarded-* headers, or (Envoy, with path_prefix) from the request itself after the prefix.

export const FORWARD_AUTH_PATH = '/v1/forward-auth';

declare module 'fastify' {
  interface FastifyInstance {
    trustedProxies: readonly ParsedCidr[];
  }
}

/**
 * The request the proxy asks about. nginx, Traefik and Caddy name it in headers; Envoy sends the
 * check to /v1/forward-auth/<path> with the original method as the check's own. A check that names
 * its URI in a header but no method has `method: null`: the check's own method (nginx sends what
 * `proxy_method` says) is not the original's, so it is refused rather than guessed.
 */
function originalRequest(request: RawRequest): { method: string | null; uri: string } {
  const named = header(request, 'x-original-method') ?? header(request, 'x-forwarded-method');
  const uri = header(request, 'x-original-uri') ?? header(request, 'x-forwarded-uri');
  if (uri !== undefined) return { method: named?.toUpperCase() ?? null, uri };
  // Envoy's form; anything else names no path, which is refused (invalid_path) rather than
  // judged as "/": a proxy that forgot the header must not pass.
  const rest = request.url.slice(FORWARD_AUTH_PATH.length);
  return { method: (named ?? request.method).toUpperCase(), uri: rest.startsWith('/') ? rest : '' };
}

const OVERRIDE_HEADERS = ['x-http-method-override', 'x-method-override', 'x-http-method'] as const;

/**
 * Methods named by method-override headers, which frameworks (Express method-override, ASP.NET,
 * Rails) let stand in for the real one: a request must be allowed for each of them too.
 */
function overrideMethods(request: RawRequest, method: string): string[] | null {
  let methods: string[] | null = null;
  for (const name of OVERRIDE_HEADERS) {
    const value = request.headers[name];
    if (value === undefined) continue;
    for (const item of (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','))) {
      const other = item.trim().toUpperCase();
      if (other !== '' && other !== method && !methods?.includes(other)) (methods ??= []).push(other);
    }
  }
  return methods;
}

/**
 * The answer to a forward-auth request, as bytes. An answer about a known credential is kept
 * (server/authz/cache.ts, by credential id and original method and URI) and sent again for the
 * same request until anything changes; the token is still resolved, its use recorded and the
 * decision counted each time. Requests with method-override headers are decided afresh.
 */
export function forwardAuthAnswer(ctx: ServiceContext, request: RawRequest, trusted: readonly ParsedCidr[]): CachedAnswer {
  const nowMs = ctx.now();
  // Not a permission problem: a 503 makes the proxy fail the request (nginx answers 500) without
  // telling the client its token is bad, and the proxy's own retry or the next instance may pass.
  if (!ctx.cacheTrusted(nowMs)) {
    ctx.usage.count(null, 'stale_cache', nowMs);
    return STALE;
  }
  const token = presentedToken(request.headers);
  const view = token ? resolveToken(ctx, token, nowMs) : null;
  if (!view) {
    ctx.usage.count(null, 'unknown_token', nowMs);
    return UNKNOWN_TOKEN;
  }
  ctx.lastUsed.touch(view.id, nowMs);
  const original = originalRequest(request);
  const uri = original.uri;
  // With no method named, a path refused as it is keeps its own reason; any other is refused for the method.
  if (original.method === null && !isInvalidPath(canonicalPath(uri))) return noMethodAnswer(ctx, view, request, trusted, nowMs);
  const method = original.method ?? 'GET';
  const others = overrideMethods(request, method);
  const key = `${method} ${uri}`;
  if (!others) {
    const cached = ctx.cache.answers.get(view, key, nowMs);
    if (cached) {
      ctx.usage.count(cached.credentialId, cached.reason, nowMs);
      return cached;
    }
  }
  const ip = clientAddress(request, trusted);
  let decision = decideFor(ctx, view, { method, path: uri }, ip, nowMs);
  if (others) for (const other of others) if (decision.allowed) decision = decideFor(ctx, view, { method: other, path: uri }, ip, nowMs);
  ctx.usage.count(decision.credentialId, decision.reason, nowMs);
  const { status, headers, body } = answerParts(decision, uri);
  return others ? serialiseAnswer(status, headers, body) : ctx.cache.answers.put(view, key, nowMs, status, headers, body, decision);
}

/** A check naming no original method: the credential's own problem if it has one, else invalid_path. */
function noMethodAnswer(
  ctx: ServiceContext,
  view: CredentialView,
  request: RawRequest,
  trusted: readonly ParsedCidr[],
  nowMs: number,
): CachedAnswer {
  const problem = credentialProblem(view, { ip: clientAddress(request, trusted), nowMs });
  const decision = deny(problem ?? 'invalid_path', view);
  ctx.usage.count(decision.credentialId, decision.reason, nowMs);
  const { status, headers, body } = answerParts(decision, '', 'missing_method');
  return serialiseAnswer(status, headers, body);
}

/** Why forward-auth refused a request it could not judge: the path's problem, or no method named. */
type RequestProblem = PathProblem | 'missing_method';

const MISSING_METHOD =
  'The check names the original URI but not the method: send X-Original-Method (or X-Forwarded-Method) with X-Original-URI (or X-Forwarded-Uri). Check the proxy configuration.';

function answerParts(
  decision: Decision,
  uri: string,
  pathProblem?: RequestProblem,
): { status: number; headers: Record<string, string>; body: unknown } {
  const status = forwardAuthStatus(decision);
  if (status === 200) {
    return {
      status,
      headers: { 'Cache-Control': 'no-store', 'X-Api-Roles': encodeRolesHeader(decision.roles), 'X-Credential-Id': decision.credentialId! },
      body: decision,
    };
  }
  return {
    status,
    headers:
      status === 401 ? { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="keyward"' } : { 'Cache-Control': 'no-store' },
    body: {
      error: {
        code: status === 401 ? 'unauthorized' : 'forbidden',
        message:
          decision.reason === 'invalid_path' && pathProblem === 'missing_method' ? MISSING_METHOD : DECISION_MESSAGES[decision.reason],
        details: { reason: decision.reason, missingRoles: decision.missingRoles, ...pathDetails(decision, uri, pathProblem) },
      },
    },
  };
}

export function forwardAuth(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply): unknown {
  const raw: RawRequest = {
    headers: request.headers,
    url: request.url,
    method: request.method,
    remoteAddress: request.socket.remoteAddress ?? request.ip,
  };
  const answer = forwardAuthAnswer(ctx, raw, request.server.trustedProxies);
  reply.code(answer.status).headers(answer.headers);
  return answer.body;
}

/** For an invalid_path denial, which rule refused the path, so whoever reads the 403 can fix the request or the proxy. */
function pathDetails(decision: Decision, uri: string, known?: RequestProblem): { pathProblem?: string } {
  if (decision.reason !== 'invalid_path') return {};
  if (known) return { pathProblem: known };
  const canonical = canonicalPath(uri);
  return isInvalidPath(canonical) ? { pathProblem: canonical.invalid } : {};
}
/** The answer without a known credential: the same for every such request, serialised once. */
const UNKNOWN_DECISION: Decision = {
  allowed: false,
  reason: 'unknown_token',
  credentialId: null,
  roles: [],
  grantedBy: [],
  missingRoles: [],
};
const UNKNOWN_TOKEN = (() => {
  const { status, headers, body } = answerParts(UNKNOWN_DECISION, '/');
  return serialiseAnswer(status, headers, body, undefined, UNKNOWN_DECISION);
})();

/** The instance cannot trust its cache (the change feed is down too long): 503, see above. */
const STALE = serialiseAnswer(
  503,
  { 'Cache-Control': 'no-store', 'Retry-After': String(RETRY_AFTER_SECONDS) },
  {
    error: {
      code: 'database_unavailable',
      message: DECISION_MESSAGES.stale_cache,
      details: { reason: 'stale_cache' },
    },
  },
);
