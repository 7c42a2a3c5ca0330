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
import type { VerificationGate } from '../services/passwords.ts';
import { clientAddress, presentedToken } from './request-parts.ts';
import { DECISION_MESSAGES } from './denial-messages.ts';
import { RETRY_AFTER_SECONDS } from '../storage/unavailable.ts';
import type { ParsedCidr } from '../../shared/domain/cidr.ts';
import type { DecisionReason } from '../../shared/domain/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    selfUser: UsersTable | null;
  }
}

/** The token problems answered 401 (and counted as failed authentications). */
const TOKEN_FAILURES: ReadonlySet<DecisionReason> = new Set(['unknown_token', 'revoked', 'expired', 'disabled', 'ip_not_allowed']);

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
  if (wait > 0) throw tooManyFailures(wait, out);
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
    // resolveToken is synchronous: nothing can run between the check above and this count, so
    // parallel bad tokens are counted exactly as a reservation made before the lookup would
    // count them (Basic passwords, checked asynchronously, do reserve first), and the hot path
    // pays nothing for good tokens.
    limiter.reserve(ip, nowMs);
    out['WWW-Authenticate'] = 'Bearer realm="keyward", error="invalid_token"';
    throw new ApiError('unauthorized', DECISION_MESSAGES[problem]);
  }
  ctx.lastUsed.touch(view!.id, nowMs);
  if (permission && !AuthzCache.permits(view!, permission)) {
    throw new ApiError('forbidden', `This token's roles do not include the permission "${permission}".`, { permission });
  }
  return view!;
}

/** The 429 for an address locked out by failed authentications; fills Retry-After into `out`. */
function tooManyFailures(waitMs: number, out: AuthHeaders): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  out['Retry-After'] = String(seconds);
  return new ApiError('too_many_requests', `Too many failed authentications from this address; try again in ${seconds} s.`);
}

/**
 * The admin API checks its caller against the same cache as authorization, so it keeps the same
 * bound (--max-stale-seconds): once the change feed has been down longer, a credential revoked or
 * stripped of its keyward.* roles through another instance might still pass here, so every
 * caller gets 503 database_unavailable (reason stale_cache) until the feed is back. The
 * authorization endpoints are exempt: they answer the stale_cache decision themselves.
 */
function refuseStaleCache(ctx: ServiceContext, out: AuthHeaders): void {
  if (ctx.cacheTrusted(ctx.now())) return;
  out['Retry-After'] = String(RETRY_AFTER_SECONDS);
  throw new ApiError('database_unavailable', DECISION_MESSAGES.stale_cache, { reason: 'stale_cache' });
}

/** An onRequest hook: authenticates before the body is read, so rejected callers cost little. */
export function makeAuthenticator(
  ctx: ServiceContext,
  limiter: FailedAuthLimiter,
  auth: EndpointAuth,
  trusted: readonly ParsedCidr[],
  passwords: VerificationGate,
) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (auth.kind === 'none') return;
    // Behind a trusted proxy the client is the forwarded address: limits and CIDR checks apply to it.
    const ip = clientAddress(
      { headers: request.headers, url: request.url, method: request.method, remoteAddress: request.socket.remoteAddress ?? request.ip },
      trusted,
    );
    const headers: AuthHeaders = {};
    try {
      if (auth.kind === 'basic') request.selfUser = await basicUser(ctx, limiter, passwords, request, ip, headers);
      else {
        if (auth.permission !== 'keyward.authorize') refuseStaleCache(ctx, headers);
        request.actor = credentialActor(authenticateToken(ctx, limiter, request.headers, ip, auth.permission, headers), ip);
      }
    } finally {
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    }
  };
}

/**
 * HTTP Basic (self-service). The attempt is counted as a failure before scrypt runs and given
 * back on success, so parallel guesses cannot all slip under the limit while the first hash is
 * computed; concurrent checks are capped per address (429) and for the server (503).
 */
async function basicUser(
  ctx: ServiceContext,
  limiter: FailedAuthLimiter,
  passwords: VerificationGate,
  request: FastifyRequest,
  ip: string,
  out: AuthHeaders,
): Promise<UsersTable> {
  const nowMs = ctx.now();
  const wait = limiter.blockedFor(ip, nowMs);
  if (wait > 0) throw tooManyFailures(wait, out);
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  const challenge = 'Basic realm="keyward", charset="UTF-8"';
  if (!match) {
    out['WWW-Authenticate'] = challenge;
    throw new ApiError('unauthorized', 'Sign in with HTTP Basic authentication (your user name and password).');
  }
  const key = limiter.keyOf(ip);
  const entered = passwords.enter(key);
  if (entered !== 'ok') {
    out['Retry-After'] = '1';
    throw entered === 'key_busy'
      ? new ApiError('too_many_requests', `Too many sign-ins from this address at once (at most ${passwords.perKey}); try again in 1 s.`)
      : new ApiError('server_busy', 'The server is checking too many passwords at once; try again in 1 s.');
  }
  try {
    const { blockedMs, slot } = limiter.reserve(ip, nowMs);
    if (!slot) throw tooManyFailures(blockedMs, out);
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    let user: UsersTable | null;
    try {
      user = colon > 0 ? await authenticateUser(ctx.db, decoded.slice(0, colon), decoded.slice(colon + 1)) : null;
    } catch (error) {
      // The check never ran (the database failed): that was no failed authentication.
      limiter.release(slot);
      throw error;
    }
    if (!user) {
      out['WWW-Authenticate'] = challenge;
      throw new ApiError('unauthorized', 'The user name or password is wrong.');
    }
    limiter.release(slot);
    return user;
  } finally {
    passwords.leave(key);
  }
}
