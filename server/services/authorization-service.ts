import { ApiError } from '../../shared/api/errors.ts';
import type { AuthorizeRequest, ExplainRequest } from '../../shared/api/authorization-schemas.ts';
import { authorizeAction, authorizeRoute, explain, type CredentialView } from '../../shared/domain/authorize.ts';
import { parseIp } from '../../shared/domain/cidr.ts';
import { checksumMatches, TOKEN_PATTERN } from '../../shared/domain/token.ts';
import type { Decision, Explanation } from '../../shared/domain/types.ts';
import { serialiseAnswer, type CachedAnswer } from '../authz/cache.ts';
import type { ServiceContext } from './context.ts';

// The hot path: no database round trip, no slow hash, no write. A Keyward-format token with a
// bad checksum is rejected before hashing; everything else is one HMAC and one Map lookup.

export function resolveToken(ctx: ServiceContext, token: string, nowMs: number): CredentialView | null {
  if (TOKEN_PATTERN.test(token) && !checksumMatches(token)) return null;
  return ctx.cache.lookup(ctx.hasher.hash(token), nowMs);
}

export function checkIp(ip: string | undefined): string | undefined {
  if (ip !== undefined && parseIp(ip) === null) throw new ApiError('invalid_request', `"${ip}" is not an IPv4 or IPv6 address.`, { ip });
  return ip;
}

/**
 * The change feed has been out of sync for longer than --max-stale-seconds: a revocation made
 * through another instance may not have reached this cache, so every request is denied.
 */
const STALE_CACHE: Decision = Object.freeze({
  allowed: false,
  reason: 'stale_cache',
  credentialId: null,
  roles: Object.freeze([]) as unknown as string[],
  grantedBy: Object.freeze([]) as unknown as string[],
  missingRoles: Object.freeze([]) as unknown as string[],
});

export function decide(
  ctx: ServiceContext,
  token: string,
  request: { action: string } | { method: string; path: string },
  ip: string | undefined,
): Decision {
  const nowMs = ctx.now();
  if (!ctx.cacheTrusted(nowMs)) {
    ctx.usage.count(null, 'stale_cache', nowMs);
    return STALE_CACHE;
  }
  const view = resolveToken(ctx, token, nowMs);
  if (view) ctx.lastUsed.touch(view.id, nowMs);
  const decision = decideFor(ctx, view, request, ip, nowMs);
  ctx.usage.count(decision.credentialId, decision.reason, nowMs);
  return decision;
}

/** The decision for an already resolved (and touched) credential view; the caller counts it. */
export function decideFor(
  ctx: ServiceContext,
  view: CredentialView | null,
  request: { action: string } | { method: string; path: string },
  ip: string | undefined,
  nowMs: number,
): Decision {
  const context = { ip, nowMs };
  return 'action' in request
    ? authorizeAction(view, request.action, context)
    : authorizeRoute(view, request.method, request.path, ctx.cache.backends, ctx.cache.roleName, context);
}

const STALE_ANSWER = serialiseAnswer(200, {}, STALE_CACHE, undefined, STALE_CACHE);

/**
 * POST /v1/authorize's answer on the hot path: the same decision as authorizeBody, serialised
 * once per credential and request and then reused (server/authz/cache.ts) until anything changes;
 * every answer, cached or not, is counted as usage.
 */
export function authorizeAnswer(ctx: ServiceContext, body: AuthorizeRequest): CachedAnswer {
  const ip = checkIp(body.ip);
  const nowMs = ctx.now();
  if (!ctx.cacheTrusted(nowMs)) {
    ctx.usage.count(null, 'stale_cache', nowMs);
    return STALE_ANSWER;
  }
  const view = resolveToken(ctx, body.token, nowMs);
  if (view) ctx.lastUsed.touch(view.id, nowMs);
  const request: { action: string } | { method: string; path: string } =
    'action' in body ? { action: body.action } : { method: body.method.toUpperCase(), path: body.path };
  // Action keys are the action itself; route keys start with a NUL no action id can hold.
  const key = 'action' in request ? request.action : `\0${request.method} ${request.path}`;
  if (view) {
    const cached = ctx.cache.answers.get(view, key, nowMs);
    if (cached) {
      ctx.usage.count(cached.credentialId, cached.reason, nowMs);
      return cached;
    }
  }
  const decision = decideFor(ctx, view, request, ip, nowMs);
  ctx.usage.count(decision.credentialId, decision.reason, nowMs);
  return view
    ? ctx.cache.answers.put(view, key, nowMs, 200, {}, decision, decision)
    : serialiseAnswer(200, {}, decision, undefined, decision);
}

export function authorizeBody(ctx: ServiceContext, body: AuthorizeRequest): Decision {
  const ip = checkIp(body.ip);
  return 'action' in body
    ? decide(ctx, body.token, { action: body.action }, ip)
    : decide(ctx, body.token, { method: body.method.toUpperCase(), path: body.path }, ip);
}

export function explainBody(ctx: ServiceContext, body: ExplainRequest): Explanation {
  const view = ctx.cache.credential(body.credentialId);
  if (!view) throw new ApiError('not_found', `No credential with id "${body.credentialId}".`, { id: body.credentialId });
  const request = 'action' in body ? { action: body.action } : { method: body.method.toUpperCase(), path: body.path };
  return explain(view, request, ctx.cache.backends, ctx.cache.roleName, { ip: checkIp(body.ip), nowMs: ctx.now() });
}
