import { Button, Tooltip } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { useQueryClient } from '@tanstack/react-query';
import type { Role } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { listAllCredentials } from '../app/data.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { count, runEach } from '../common/bulk.ts';
import { SelectionBar } from '../common/selection-bar.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

/**
 * The bar over the roles table while roles are selected: how many, and Delete, which removes them
 * all in one /v1/roles/changes transaction (all or none) after one confirmation. Offline (the
 * server gone, or "Work offline") the same Delete records a draft deletion per role instead, which
 * the plan on Drafts shows and applies with the other drafts; nothing reaches the server.
 */
export function RoleBulkBar({ selected, onDone }: { selected: Role[]; onDone: (keepIds: string[]) => void }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const own = useOwnCredential();
  const online = session.state === 'online';

  const draftDelete = () =>
    openDialog({
      type: 'bulk',
      verb: 'Draft the deletion of',
      pastTense: 'Drafted the deletion of',
      noun: ['role', 'roles'],
      items: selected.map((r) => ({ id: r.id, name: r.name })),
      consequence: `You are offline: nothing is deleted now. ${
        selected.length === 1 ? 'It gets a draft deletion' : 'Each gets a draft deletion'
      }, listed under Drafts; Review changes there shows the plan (and any conflict with the server) before Apply deletes ${
        selected.length === 1 ? 'it' : 'them'
      } with your other drafts.`,
      destructive: true,
      run: (progress) => runEach(selected, (r) => api.drafts.deleteRole({ roleId: r.id }), progress),
      onDone,
    });

  const confirmDelete = async () => {
    if (!online) return draftDelete();
    const ids = new Set(selected.map((r) => r.id));
    // The count must be current, so the credentials are fetched fresh rather than read from the cache.
    const credentials = await client
      .fetchQuery({ queryKey: qk.credentials(session.profileId, { all: true }), queryFn: () => listAllCredentials(api), staleTime: 0 })
      .catch(() => null);
    const holders = credentials?.filter((c) => c.status !== 'revoked' && c.roles.some((r) => ids.has(r))).length;
    // Deleting them all takes from the connected token what its other roles do not also grant.
    const loss = own.own
      ? ownLoss(own.own, own.roles, { kind: 're-role', credentialId: own.own.id, roles: own.own.roles.filter((r) => !ids.has(r)) })
      : null;
    const held = selected.filter((r) => own.own?.roles.includes(r.id));
    openDialog({
      type: 'bulk',
      verb: 'Delete',
      pastTense: 'Deleted',
      noun: ['role', 'roles'],
      items: selected.map((r) => ({ id: r.id, name: r.name })),
      consequence:
        selected.length === 1
          ? `${
              holders === undefined
                ? 'Every credential holding it loses it'
                : holders === 0
                  ? 'No credential holds it'
                  : `It is unassigned from ${count(holders, ['credential', 'credentials'])}, which ${holders === 1 ? 'loses' : 'lose'} every permission only this role grants`
            }. Re-creating a role with the same name does not give it back.`
          : `${
              holders === undefined
                ? 'Every credential holding them loses them'
                : holders === 0
                  ? 'No credential holds them'
                  : `They are unassigned from ${count(holders, ['credential', 'credentials'])}, which ${holders === 1 ? 'loses' : 'lose'} every permission only these roles grant`
            }. All are deleted in one change, or none if the server refuses one. Re-creating a role with the same name does not give it back.`,
      destructive: true,
      ...(loss && held[0]
        ? {
            warning: `Your own access: ${lossSentence(loss)} It holds ${held.map((r) => `“${r.name}”`).join(', ')}.`,
            typeToConfirm: held[0].name,
          }
        : {}),
      atomic: true,
      run: async () => {
        await api.roles.deleteMany({ items: selected.map((r) => ({ id: r.id, expectedVersion: r.version })) });
        return [];
      },
      onDone,
    });
  };

  return (
    <SelectionBar label="Selected roles" count={selected.length} onClear={() => onDone([])}>
      <Tooltip title={online ? '' : 'Offline: records a draft deletion for each, to review and apply under Drafts.'}>
        <Button
          size="small"
          color="error"
          startIcon={<DeleteIcon fontSize="small" />}
          onClick={() => void confirmDelete()}
          aria-label={`${online ? 'Delete' : 'Draft deletion of'} ${selected.length} selected`}
        >
          {online ? 'Delete' : 'Draft deletion'}
        </Button>
      </Tooltip>
    </SelectionBar>
  );
}
