import type { Credential } from '../../../shared/domain/types.ts';
import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { IssuedCredential } from '../../../shared/ipc/types.ts';
import type { ApiContext } from './context.ts';

// credentials.*: the server's credentials, mirrored into the offline cache. A new or rolled
// secret never reaches the renderer in the answer: it goes into the one-time vault, and the
// renderer gets a handle for secrets.*.

export function credentialsApi({ session, vault }: ApiContext): KeywardApi['credentials'] {
  const keep = (credential: Credential): Credential => {
    session.remember('credentials', credential);
    return credential;
  };
  const issue = (answer: { credential: Credential; secret: string }): IssuedCredential => {
    const secretHandle = vault.hold(answer.secret);
    keep(answer.credential);
    return { credential: answer.credential, secretHandle };
  };
  return {
    list: (query) => session.call('listCredentials', { query }),
    get: async ({ id }) => keep(await session.call('getCredential', { params: { id } })),
    create: async (body) => issue(await session.call('createCredential', { body })),
    update: async ({ id, expectedVersion, set }) =>
      keep(await session.call('updateCredential', { params: { id }, body: set, ifMatch: expectedVersion })),
    revoke: async ({ id }) => keep(await session.call('revokeCredential', { params: { id } })),
    disable: async ({ id }) => keep(await session.call('disableCredential', { params: { id } })),
    enable: async ({ id }) => keep(await session.call('enableCredential', { params: { id } })),
    roll: async ({ id, graceSeconds }) =>
      issue(await session.call('rollCredential', { params: { id }, body: graceSeconds === undefined ? {} : { graceSeconds } })),
    delete: async ({ id, expectedVersion }) => {
      await session.call('deleteCredential', { params: { id }, ifMatch: expectedVersion });
      session.remember('credentials', { id }, true);
    },
  };
}
