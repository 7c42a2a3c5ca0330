import { ApiError } from '../../shared/api/errors.ts';
import type { AuthorizeRequest, ExplainRequest } from '../../shared/api/schemas.ts';
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

export function decide(
  ctx: ServiceContext,
  token: string,
  request: { action: string } | { method: string; path: string },
  ip: string | undefined,
): Decision {
  const nowMs = ctx.now();
  const view = resolveToken(ctx, token, nowMs);
  if (view) ctx.lastUsed.touch(view.id, nowMs);
  return decideFor(ctx, view, request, ip, nowMs);
}

/** The decision for an already resolved (and touched) credential view. */
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

/**
 * POST /v1/authorize's answer on the hot path: the same decision as authorizeBody, serialised
 * once per credential and request and then reused (server/authz/cache.ts) until anything changes.
 */
export function authorizeAnswer(ctx: ServiceContext, body: AuthorizeRequest): CachedAnswer {
  const ip = checkIp(body.ip);
  const nowMs = ctx.now();
  const view = resolveToken(ctx, body.token, nowMs);
  if (view) ctx.lastUsed.touch(view.id, nowMs);
  const request: { action: string } | { method: string; path: string } =
    'action' in body ? { action: body.action } : { method: body.method.toUpperCase(), path: body.path };
  // Action keys are the action itself; route keys start with a NUL no action id can hold.
  const key = 'action' in request ? request.action : `\0${request.method} ${request.path}`;
  if (view) {
    const cached = ctx.cache.answers.get(view, key, nowMs);
    if (cached) return cached;
  }
  const decision = decideFor(ctx, view, request, ip, nowMs);
  return view ? ctx.cache.answers.put(view, key, nowMs, 200, {}, decision) : serialiseAnswer(200, {}, decision);
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
