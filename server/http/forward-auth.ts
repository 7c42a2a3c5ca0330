import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { encodeRolesHeader, forwardAuthStatus } from '../../shared/domain/authorize.ts';
import { ipInRanges, parseIp, type ParsedCidr } from '../../shared/domain/cidr.ts';
import type { Decision } from '../../shared/domain/types.ts';
import { serialiseAnswer, type CachedAnswer } from '../authz/cache.ts';
import { decideFor, resolveToken } from '../services/authorization-service.ts';
import type { ServiceContext } from '../services/context.ts';
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
    const rest = request.url.slice(FORWARD_AUTH_PATH.length);
    uri = rest.startsWith('/') ? rest : '/';
  }
  return { method: method.toUpperCase(), uri };
}

/**
 * The answer to a forward-auth request, as bytes. An answer about a known credential is kept
 * (server/authz/cache.ts, by credential id and original method and URI) and sent again for the
 * same request until anything changes; the token is still resolved and its use recorded each time.
 */
export function forwardAuthAnswer(ctx: ServiceContext, request: RawRequest, trusted: readonly ParsedCidr[]): CachedAnswer {
  const token = presentedToken(request.headers);
  const { method, uri } = originalRequest(request);
  const ip = clientAddress(request, trusted);
  if (!token) return UNKNOWN_TOKEN;
  const nowMs = ctx.now();
  const view = resolveToken(ctx, token, nowMs);
  if (!view) return UNKNOWN_TOKEN;
  ctx.lastUsed.touch(view.id, nowMs);
  const key = `${method} ${uri}`;
  const cached = ctx.cache.answers.get(view, key, nowMs);
  if (cached) return cached;
  const decision = decideFor(ctx, view, { method, path: uri }, ip, nowMs);
  const { status, headers, body } = answerParts(decision);
  return ctx.cache.answers.put(view, key, nowMs, status, headers, body);
}

function answerParts(decision: Decision): { status: number; headers: Record<string, string>; body: unknown } {
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
        details: { reason: decision.reason, missingRoles: decision.missingRoles },
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
};

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
  const { status, headers, body } = answerParts(UNKNOWN_DECISION);
  return serialiseAnswer(status, headers, body);
})();
