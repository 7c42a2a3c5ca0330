import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';
import { lifetimeApi } from './lifecycle.ts';

// users.*, groups.* and policy.*: the directory of people and groups, and the issuance and
// lifetime policies. Not cached: offline features do not need them.

export function usersApi({ session }: ApiContext): KeywardApi['users'] {
  return {
    list: async () => (await session.call('listUsers')).items,
    get: ({ id }) => session.call('getUser', { params: { id } }),
    create: (body) => session.call('createUser', { body }),
    update: ({ id, expectedVersion, set }) => session.call('updateUser', { params: { id }, body: set, ifMatch: expectedVersion }),
    delete: async ({ id, expectedVersion }) => {
      await session.call('deleteUser', { params: { id }, ifMatch: expectedVersion });
    },
    invalidateTokens: ({ id }) => session.call('invalidateUserTokens', { params: { id } }),
  };
}

export function groupsApi({ session }: ApiContext): KeywardApi['groups'] {
  return {
    list: async () => (await session.call('listGroups')).items,
    get: ({ id }) => session.call('getGroup', { params: { id } }),
    create: (body) => session.call('createGroup', { body }),
    update: ({ id, expectedVersion, set }) => session.call('updateGroup', { params: { id }, body: set, ifMatch: expectedVersion }),
    delete: async ({ id, expectedVersion }) => {
      await session.call('deleteGroup', { params: { id }, ifMatch: expectedVersion });
    },
  };
}

export function policyApi(ctx: ApiContext): KeywardApi['policy'] {
  return {
    get: () => ctx.session.call('getIssuancePolicy'),
    set: (body) => ctx.session.call('putIssuancePolicy', { body }),
    ...lifetimeApi(ctx),
  };
}
