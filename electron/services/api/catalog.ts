import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// catalog.*: the action catalog; a read falls back to the offline cache.

export function catalogApi({ session }: ApiContext): KeywardApi['catalog'] {
  return {
    get: () =>
      session.readThrough(
        async () => {
          const catalog = await session.call('getCatalog');
          session.saveCache({ catalog });
          return catalog;
        },
        (c) => c.catalog,
      ),
    replace: ({ groups, prune }) => session.call('putCatalog', { body: { groups }, query: { prune } }),
    importOpenApi: ({ document }) => session.call('importOpenApi', { body: document }),
  };
}
