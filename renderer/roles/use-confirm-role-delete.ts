import { useQueryClient } from '@tanstack/react-query';
import type { Role } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useRoleUsage } from '../app/data.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';

/** The Roles screen's row Delete: a confirmation that deletes online and records a draft deletion offline. */
export function useConfirmRoleDelete(): (role: Role) => Promise<void> {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const usage = useRoleUsage();
  const own = useOwnCredential();
  const online = session.state === 'online';

  // The count in the confirmation must be current, so it is fetched fresh rather than read from the cache.
  return async (role: Role) => {
    const fresh = online
      ? await client
          .fetchQuery({ queryKey: qk.roleUsage(session.profileId), queryFn: () => api.roles.usage(), staleTime: 0 })
          .catch(() => usage.data)
      : usage.data;
    const n = fresh?.[role.id] ?? 0;
    const loss = online ? ownLoss(own.own, own.roles, { kind: 'delete-role', roleId: role.id }) : null;
    openDialog({
      type: 'confirm',
      title: `Delete role “${role.name}”?`,
      body: online
        ? `${n === 0 ? 'No credential holds this role.' : `${n} credential${n === 1 ? '' : 's'} will lose this role and every permission it alone grants.`} Re-creating a role with the same name does not give it back.`
        : 'You are offline: this records a draft deletion to review and apply when you reconnect.',
      confirmLabel: online ? 'Delete role' : 'Draft deletion',
      destructive: true,
      success: online ? `Role “${role.name}” deleted.` : `Deletion of “${role.name}” saved as a draft.`,
      ...(loss ? { warning: `Your own access: ${lossSentence(loss)}`, typeToConfirm: role.name } : {}),
      onConfirm: async () => {
        if (online) await api.roles.delete({ id: role.id, expectedVersion: role.version });
        else await api.drafts.deleteRole({ roleId: role.id });
        await client.invalidateQueries({ queryKey: [session.profileId] });
      },
    });
  };
}
