import { useQueryClient } from '@tanstack/react-query';
import type { Credential, User } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { useSession } from '../app/session.ts';
import { useToast } from '../app/toasts.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

/**
 * The Users table's destructive row actions, each behind a confirmation: revoke every token a user
 * owns (`liveTokens`: the ones not revoked yet), and delete the user.
 */
export function useUserActions(liveTokens: (u: User) => Credential[]) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const own = useOwnCredential();
  const toast = useToast();
  const refresh = () => client.invalidateQueries({ queryKey: [session.profileId] });

  const invalidate = (u: User) => {
    const live = liveTokens(u);
    const mine =
      own.own && live.some((c) => c.id === own.own!.id) ? ownLoss(own.own, own.roles, { kind: 'stop', credentialId: own.own.id }) : null;
    openDialog({
      type: 'confirm',
      title: `Invalidate every token of ${u.name}?`,
      body: `${live.length === 0 ? 'This user owns no token that works.' : `${live.length} token${live.length === 1 ? '' : 's'} this user owns (disabled ones too) ${live.length === 1 ? 'is' : 'are'} revoked now: ${live.map((c) => c.name).join(', ')}.`} This cannot be undone. It does not stop them from obtaining a new key — change the issuance policy or their groups for that.`,
      confirmLabel: live.length ? `Revoke ${live.length} token${live.length === 1 ? '' : 's'}` : 'Revoke their tokens',
      destructive: true,
      ...(mine ? { warning: `Your own access: ${lossSentence(mine)}`, typeToConfirm: u.name } : {}),
      onConfirm: async () => {
        const result = await api.users.invalidateTokens({ id: u.id });
        toast({ message: `Revoked ${result.revoked} token${result.revoked === 1 ? '' : 's'} of ${u.name}.`, severity: 'success' });
        await refresh();
      },
    });
  };
  const remove = (u: User) =>
    openDialog({
      type: 'confirm',
      title: `Delete user ${u.name}?`,
      body: 'The user can no longer obtain keys. Their credentials stay until you revoke them.',
      confirmLabel: 'Delete user',
      destructive: true,
      onConfirm: async () => {
        await api.users.delete({ id: u.id, expectedVersion: u.version });
        await refresh();
      },
    });
  return { invalidate, remove };
}
