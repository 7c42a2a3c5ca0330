import { ApiError } from '../../shared/api/errors.ts';
import { DEFAULT_LIFETIME_POLICY, latestAllowedExpiryMs, lifetimeProblem, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import { parseJson, type Queryable } from '../storage/rows.ts';
import { setSetting } from './catalog-service.ts';
import type { Actor, ServiceContext } from './context.ts';

// The credential lifetime policy (DESIGN §3.12): stored in settings beside the issuance policy,
// enforced on every write that sets an expiry (create, self-service, import, edit, roll).

const KEY = 'lifetime_policy';

export async function readLifetimePolicy(q: Queryable): Promise<LifetimePolicy> {
  const row = await q.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return row ? { ...DEFAULT_LIFETIME_POLICY, ...parseJson<Partial<LifetimePolicy>>(row.value, {}) } : DEFAULT_LIFETIME_POLICY;
}

export function setLifetimePolicy(ctx: ServiceContext, actor: Actor, policy: LifetimePolicy): Promise<LifetimePolicy> {
  return ctx.write(actor, async (tx) => {
    const before = await readLifetimePolicy(tx);
    const next: LifetimePolicy = {
      maxLifetimeDays: policy.maxLifetimeDays,
      requireExpiry: policy.requireExpiry,
      warnBeforeDays: policy.warnBeforeDays,
    };
    await setSetting(tx, KEY, JSON.stringify(next));
    return {
      value: next,
      audit: [{ action: 'policy.lifetime.update', target: { type: 'policy', id: 'lifetime' }, before, after: next }],
      events: [],
    };
  });
}

/**
 * 400 lifetime_exceeded when the expiry breaks the policy; the message and details name the
 * latest allowed date. `index` names the item of an import.
 */
export async function checkLifetime(q: Queryable, expiresAt: string | null, nowMs: number, index?: number): Promise<void> {
  const policy = await readLifetimePolicy(q);
  const problem = lifetimeProblem(policy, expiresAt, nowMs);
  if (!problem) return;
  const latest = latestAllowedExpiryMs(policy, nowMs);
  throw new ApiError('lifetime_exceeded', index === undefined ? problem : `Item ${index}: ${problem} Nothing was imported.`, {
    field: 'expiresAt',
    latestAllowed: latest === null ? null : new Date(latest).toISOString(),
    maxLifetimeDays: policy.maxLifetimeDays,
    requireExpiry: policy.requireExpiry,
    ...(index === undefined ? {} : { index }),
  });
}
