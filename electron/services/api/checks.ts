import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import { checkAccess, hygieneReport } from '../access-checker.ts';
import { KeywardError } from '../errors.ts';
import type { ApiContext } from './context.ts';
import { lifetimeApi, usageApi } from './lifecycle.ts';

// access.* and hygiene.*: computed in the app from the server's state, or from the offline
// cache when the server cannot be reached (the answer says which).

const STATE_FRESH_MS = 30_000;
const DAY_MS = 86_400_000;
/** Errors that mean "the server is out of reach": checks fall back to the cached state. */
const UNREACHABLE = ['offline', 'timeout', 'tls_error', 'unavailable', 'not_connected'];

export function checksApi(ctx: ApiContext): Pick<KeywardApi, 'access' | 'hygiene'> {
  const { session, clock } = ctx;
  const lifetime = lifetimeApi(ctx);
  const usage = usageApi(ctx);

  /** Fresh state for the access checker and hygiene: refetched when online and stale, else the cache. */
  const state = async (): Promise<{ basis: 'server' | 'cache' }> => {
    const cached = session.cached();
    const fresh = cached.syncedAt !== null && clock.now() - Date.parse(cached.syncedAt) < STATE_FRESH_MS;
    if (session.status().state === 'online' && fresh) return { basis: 'server' };
    try {
      await session.sync();
      return { basis: 'server' };
    } catch (error) {
      if (error instanceof KeywardError && UNREACHABLE.includes(error.code) && session.status().profileId) return { basis: 'cache' };
      throw error;
    }
  };

  return {
    access: {
      check: async (arg) => {
        const { basis } = await state();
        return checkAccess(session.cached(), arg, basis, clock.now());
      },
    },
    hygiene: {
      report: async () => {
        const { basis } = await state();
        const now = clock.now();
        if (basis !== 'server') return hygieneReport(session.cached(), basis, now);
        // The lifetime policy and 90 days of request counts, where the server has them (an older
        // server, or one the token may not read them from, leaves the cached-state flags).
        const [policy, counts] = await Promise.all([
          lifetime.getLifetime().catch(() => null),
          usage
            .overview({ from: new Date(now - 90 * DAY_MS).toISOString(), to: new Date(now).toISOString(), bucket: 'day', limit: 100 })
            .catch(() => null),
        ]);
        const usedIn90Days = counts
          ? new Set(
              [...counts.top, ...counts.mostDenied]
                .filter((t) => t.credentialId !== null && t.allowed + t.denied > 0)
                .map((t) => t.credentialId!),
            )
          : null;
        return hygieneReport(session.cached(), basis, now, { lifetime: policy, usedIn90Days });
      },
    },
  };
}
