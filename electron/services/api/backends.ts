import type { Backend } from '../../../shared/domain/types.ts';
import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// backends.*: the API backends and their sub-URL settings, mirrored into the offline cache
// (the access checker decides routes from it).

export function backendsApi({ session }: ApiContext): KeywardApi['backends'] {
  const keep = (backend: Backend): Backend => {
    session.remember('backends', backend);
    return backend;
  };
  return {
    list: async () => (await session.call('listBackends')).items,
    get: async ({ id }) => keep(await session.call('getBackend', { params: { id } })),
    create: async (body) => keep(await session.call('createBackend', { body })),
    update: async ({ id, expectedVersion, set }) =>
      keep(await session.call('updateBackend', { params: { id }, body: set, ifMatch: expectedVersion })),
    delete: async ({ id, expectedVersion }) => {
      await session.call('deleteBackend', { params: { id }, ifMatch: expectedVersion });
      session.remember('backends', { id }, true);
    },
  };
}
