import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { encodeRolesHeader, forwardAuthStatus } from '../../shared/domain/authorize.ts';
import { canonicalPath, isInvalidPath } from '../../shared/domain/canonical-path.ts';
import { ipInRanges, parseIp, type ParsedCidr } from '../../shared/domain/cidr.ts';
import type { Decision } from '../../shared/domain/types.ts';
import { serialiseAnswer, type CachedAnswer } from '../authz/cache.ts';
import { decideFor, resolveToken } from '../services/authorization-service.ts';
import type { ServiceContext } from '../services/context.ts';
import { RETRY_AFTER_SECONDS } from '../storage/unavailable.ts';
import { presentedToken } from './authenticate.ts';

// /v1/forward-auth for nginx auth_request, Traefik forwardAuth and Envoy ext_authz. The token
// comes from the request's own headers; the original method and URI from X-Original-* or
// X-Forwarded-* headers, or (Envoy, with path_prefix) from the request itself after the prefix.

export const FORWARD_AUTH_PATH = '/v1/forward-auth';

declare module 'fastify' {
  interface FastifyInstance {
    trustedProxies: readonly ParsedCidr[];
  }
}

/** What forward-auth reads of a request: fastify's request and node's IncomingMessage both fit. */
export interface RawRequest {
  headers: IncomingHttpHeaders;
  url: string;
  method: string;
  remoteAddress: string;
}

function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The client's address: forwarded headers count only when the peer is a trusted proxy. */
export function clientAddress(request: RawRequest, trusted: readonly ParsedCidr[]): string {
  const peer = request.remoteAddress;
  if (trusted.length === 0 || !ipInRanges(peer, trusted)) return peer;
  const forwarded = header(request, 'x-forwarded-for');
  if (forwarded) {
    // Walk from the right: the first address that is not itself a trusted proxy is the client.
    const hops = forwarded
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = hops[i]!;
      if (parseIp(hop) === null) break;
      if (!ipInRanges(hop, trusted) || i === 0) return hop;
    }
  }
  const real = header(request, 'x-real-ip')?.trim();
  if (real && parseIp(real)) return real;
  return peer;
}

function originalRequest(request: RawRequest): { method: string; uri: string } {
  const method = header(request, 'x-original-method') ?? header(request, 'x-forwarded-method') ?? request.method;
  let uri = header(request, 'x-original-uri') ?? header(request, 'x-forwarded-uri');
  if (uri === undefined) {
    // Envoy's form, /v1/forward-auth/<path>; anything else names no path, which is refused
    // (invalid_path) rather than judged as "/": a proxy that forgot the header must not pass.
    const rest = request.url.slice(FORWARD_AUTH_PATH.length);
    uri = rest.startsWith('/') ? rest : '';
  }
  return { method: method.toUpperCase(), uri };
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
  const { method, uri } = originalRequest(request);
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

function answerParts(decision: Decision, uri: string): { status: number; headers: Record<string, string>; body: unknown } {
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
        message: DENIAL_MESSAGES[decision.reason] ?? 'Access denied.',
        details: { reason: decision.reason, missingRoles: decision.missingRoles, ...pathDetails(decision, uri) },
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

const DENIAL_MESSAGES: Record<string, string> = {
  unknown_token: 'No valid API token was presented.',
  revoked: 'The API token has been revoked.',
  expired: 'The API token has expired.',
  disabled: 'The API token is disabled.',
  ip_not_allowed: 'The API token may not be used from this address.',
  no_roles: 'The API token holds no roles.',
  missing_roles: 'The API token lacks roles this URL requires.',
  no_route: 'No API backend serves this URL.',
  invalid_path: 'The URL path is refused because servers could read it as a different route.',
};

/** For an invalid_path denial, which rule refused the path, so whoever reads the 403 can fix the request or the proxy. */
function pathDetails(decision: Decision, uri: string): { pathProblem?: string } {
  if (decision.reason !== 'invalid_path') return {};
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
      message: 'This instance has lost contact with the database for too long to trust its cached permissions.',
      details: { reason: 'stale_cache' },
    },
  },
);
