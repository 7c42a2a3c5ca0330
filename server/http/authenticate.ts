import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../shared/api/errors.ts';
import type { EndpointAuth } from '../../shared/api/endpoints.ts';
import { credentialProblem, type CredentialView } from '../../shared/domain/authorize.ts';
import { AuthzCache } from '../authz/cache.ts';
import { credentialActor, type Actor, type ServiceContext } from '../services/context.ts';
import { authenticateUser } from '../services/directory-service.ts';
import { resolveToken } from '../services/authorization-service.ts';
import type { UsersTable } from '../storage/schema.ts';
import type { FailedAuthLimiter } from './rate-limit.ts';
import { clientAddress } from './forward-auth.ts';
import type { ParsedCidr } from '../../shared/domain/cidr.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    selfUser: UsersTable | null;
  }
}

/** The caller's token from `Authorization: Bearer …` or `X-Api-Key`. */
export function presentedToken(headers: FastifyRequest['headers']): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1]!;
  }
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key.trim()) return key.trim();
  return null;
}

const TOKEN_FAILURES = new Set(['unknown_token', 'revoked', 'expired', 'disabled', 'ip_not_allowed']);
const FAILURE_MESSAGES: Record<string, string> = {
  unknown_token: 'The API token is not valid.',
  revoked: 'The API token has been revoked.',
  expired: 'The API token has expired.',
  disabled: 'The API token is disabled.',
  ip_not_allowed: 'The API token may not be used from this address.',
};

/** Headers to send with an authentication failure. */
export type AuthHeaders = Record<string, string>;

/**
 * Authenticates a bearer/X-Api-Key caller for `permission` (null: any valid token). Shared by the
 * fastify hook and the raw hot path. Throws ApiError after filling `headers` for the answer.
 */
export function authenticateToken(
  ctx: ServiceContext,
  limiter: FailedAuthLimiter,
  headers: FastifyRequest['headers'],
  ip: string,
  permission: string | null,
  out: AuthHeaders,
): CredentialView {
  const nowMs = ctx.now();
  const wait = limiter.blockedFor(ip, nowMs);
  if (wait > 0) {
    out['Retry-After'] = String(Math.ceil(wait / 1000));
    throw new ApiError('too_many_requests', `Too many failed authentications from this address; try again in ${Math.ceil(wait / 1000)} s.`);
  }
  const token = presentedToken(headers);
  if (!token) {
    out['WWW-Authenticate'] = 'Bearer realm="keyward"';
    throw new ApiError('unauthorized', 'Send an API token as "Authorization: Bearer <token>" or "X-Api-Key: <token>".');
  }
  const view = resolveToken(ctx, token, nowMs);
  // Whether the token itself is usable; what it may do is checked below. (No full decision is
  // built: this runs on every hot-path request.)
  const problem = credentialProblem(view, { ip, nowMs });
  if (problem !== null && TOKEN_FAILURES.has(problem)) {
    limiter.recordFailure(ip, nowMs);
    out['WWW-Authenticate'] = 'Bearer realm="keyward", error="invalid_token"';
    throw new ApiError('unauthorized', FAILURE_MESSAGES[problem] ?? 'The API token is not valid.');
  }
  ctx.lastUsed.touch(view!.id, nowMs);
  if (permission && !AuthzCache.permits(view!, permission)) {
    throw new ApiError('forbidden', `This token's roles do not include the permission "${permission}".`, { permission });
  }
  return view!;
}

/** An onRequest hook: authenticates before the body is read, so rejected callers cost little. */
export function makeAuthenticator(ctx: ServiceContext, limiter: FailedAuthLimiter, auth: EndpointAuth, trusted: readonly ParsedCidr[]) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (auth.kind === 'none') return;
    // Behind a trusted proxy the client is the forwarded address: limits and CIDR checks apply to it.
    const ip = clientAddress(
      { headers: request.headers, url: request.url, method: request.method, remoteAddress: request.socket.remoteAddress ?? request.ip },
      trusted,
    );
    if (auth.kind === 'basic') {
      const nowMs = ctx.now();
      const wait = limiter.blockedFor(ip, nowMs);
      if (wait > 0) {
        reply.header('Retry-After', String(Math.ceil(wait / 1000)));
        throw new ApiError(
          'too_many_requests',
          `Too many failed authentications from this address; try again in ${Math.ceil(wait / 1000)} s.`,
        );
      }
      request.selfUser = await basicUser(ctx, limiter, request, reply, ip, nowMs);
      return;
    }
    const headers: AuthHeaders = {};
    try {
      request.actor = credentialActor(authenticateToken(ctx, limiter, request.headers, ip, auth.permission, headers));
    } finally {
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    }
  };
}

async function basicUser(
  ctx: ServiceContext,
  limiter: FailedAuthLimiter,
  request: FastifyRequest,
  reply: FastifyReply,
  ip: string,
  nowMs: number,
): Promise<UsersTable> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  reply.header('WWW-Authenticate', 'Basic realm="keyward", charset="UTF-8"');
  if (!match) throw new ApiError('unauthorized', 'Sign in with HTTP Basic authentication (your user name and password).');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon > 0 ? await authenticateUser(ctx.db, decoded.slice(0, colon), decoded.slice(colon + 1)) : null;
  if (!user) {
    limiter.recordFailure(ip, nowMs);
    throw new ApiError('unauthorized', 'The user name or password is wrong.');
  }
  reply.removeHeader('WWW-Authenticate');
  return user;
}
