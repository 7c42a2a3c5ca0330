import type { Role } from '../../../shared/domain/types.ts';
import type { KeywardApi } from '../../../shared/ipc/contract.ts';
import type { ApiContext } from './context.ts';

// roles.*: the server's roles; every write is mirrored into the offline cache, and the list
// falls back to the cache when the server cannot be reached.

export function rolesApi({ session }: ApiContext): KeywardApi['roles'] {
  const keep = (role: Role): Role => {
    session.remember('roles', role);
    return role;
  };
  const get: KeywardApi['roles']['get'] = async ({ id }) => keep(await session.call('getRole', { params: { id } }));
  const create: KeywardApi['roles']['create'] = async (body) => keep(await session.call('createRole', { body }));
  return {
    list: () =>
      session.readThrough(
        async () => {
          const { items } = await session.call('listRoles');
          session.saveCache({ roles: items });
          return items;
        },
        (c) => (c.syncedAt ? c.roles : null),
      ),
    get,
    create,
    update: async ({ id, expectedVersion, set }) =>
      keep(await session.call('updateRole', { params: { id }, body: set, ifMatch: expectedVersion })),
    delete: async ({ id, expectedVersion }) => {
      await session.call('deleteRole', { params: { id }, ifMatch: expectedVersion });
      session.remember('roles', { id }, true);
    },
    deleteMany: async ({ items }) => {
      await session.call('applyRoleChanges', { body: { changes: items.map((r) => ({ op: 'delete' as const, ...r })) } });
      for (const { id } of items) session.remember('roles', { id }, true);
    },
    duplicate: async ({ id, name }) => {
      const role = await get({ id });
      return create({ name: name ?? `${role.name.slice(0, 93)} (copy)`, description: role.description, actions: role.actions });
    },
    usage: async () => {
      const credentials = await session.readThrough(
        () => session.allCredentials(),
        (c) => (c.syncedAt ? c.credentials : null),
      );
      const counts: Record<string, number> = {};
      for (const c of credentials) if (c.status !== 'revoked') for (const r of c.roles) counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    },
  };
}
