import { Button, Chip } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import { useQueryClient } from '@tanstack/react-query';
import type { Backend } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useBackends, useRoles } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { ListToolbar, RowAction, useListView, type ListColumn } from '../common/list-view.tsx';
import { ListResults } from '../common/list-results.tsx';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

/** API backends behind the proxy and the roles each (and each sub-URL) requires; searchable and sortable. */
export function BackendsScreen() {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const backends = useBackends();
  const roles = useRoles();
  const online = session.state === 'online';
  const roleName = (id: string) => roles.data?.find((r) => r.id === id)?.name ?? id;
  const remove = (b: Backend) =>
    openDialog({
      type: 'confirm',
      title: `Delete backend ${b.name}?`,
      body: `Requests under ${b.frontendPrefix} no longer match this backend: forward-auth answers them as having no route.`,
      confirmLabel: 'Delete backend',
      destructive: true,
      onConfirm: async () => {
        await api.backends.delete({ id: b.id, expectedVersion: b.version });
        await client.invalidateQueries({ queryKey: [session.profileId] });
      },
    });
  const newButton = (
    <Button variant="contained" onClick={() => openDialog({ type: 'backend', backendId: null })} disabled={!online}>
      New backend
    </Button>
  );
  const columns: ListColumn<Backend>[] = [
    { id: 'name', label: 'Name', sortValue: (b) => b.name, render: (b) => b.name },
    { id: 'prefix', label: 'Prefix', sortValue: (b) => b.frontendPrefix, render: (b) => <code>{b.frontendPrefix}</code> },
    {
      id: 'roles',
      label: 'Required roles',
      sortValue: (b) => b.requiredRoles.map(roleName).sort().join(', '),
      render: (b) =>
        b.requiredRoles.length === 0 ? '—' : b.requiredRoles.map((r) => <Chip key={r} size="small" label={roleName(r)} sx={{ mr: 0.5 }} />),
    },
    {
      id: 'subSettings',
      label: 'Sub-URL settings',
      align: 'right',
      sortValue: (b) => b.subSettings.length,
      render: (b) => b.subSettings.length,
    },
    {
      id: 'ops',
      label: 'Operations',
      align: 'right',
      hiddenLabel: true,
      cellSx: { whiteSpace: 'nowrap' },
      render: (b) => (
        <>
          <RowAction
            label="Edit"
            name={`Edit backend ${b.name}`}
            icon={<EditIcon fontSize="small" />}
            onClick={() => openDialog({ type: 'backend', backendId: b.id })}
            disabled={!online}
          />
          <RowAction
            label="Delete"
            name={`Delete backend ${b.name}`}
            icon={<DeleteIcon fontSize="small" />}
            onClick={() => remove(b)}
            disabled={!online}
          />
        </>
      ),
    },
  ];
  const list = useListView({
    rows: backends.data ?? [],
    columns,
    text: (b) => [b.name, b.frontendPrefix, ...b.requiredRoles.map(roleName)],
    initialSort: { column: 'name', direction: 'asc' },
  });

  return (
    <Page title="Backends" intro="Route authorization: a request under a backend's prefix needs every required role." actions={newButton}>
      {backends.isPending ? (
        <LoadingRows />
      ) : backends.error && !online ? (
        // Backends are not cached: offline is a state to explain, not an error to retry.
        <EmptyState
          title="Offline"
          hint="Backends are read and edited on the server. Reconnect (or switch “Work offline” off) to manage them; the Access checker tests actions offline."
        />
      ) : backends.error ? (
        <ErrorState error={backends.error} onRetry={() => void backends.refetch()} />
      ) : backends.data.length === 0 ? (
        <EmptyState
          title="No backends"
          hint="Add a backend with its frontend prefix and the roles a request must hold; the proxy then asks Keyward before passing requests on."
          action={newButton}
        />
      ) : (
        <>
          <ListToolbar
            label="Search backends"
            placeholder="Name, prefix or required role"
            value={list.typed}
            onChange={list.setTyped}
            shown={list.shown.length}
            total={backends.data.length}
            noun="backends"
          />
          <ListResults
            noun="backend"
            hint="The search looks in backend names, frontend prefixes and required role names."
            onClear={() => list.setTyped('')}
            clearLabel="Clear search"
            tableId="backends"
            label="Backends"
            columns={columns}
            view={list}
            rowKey={(b) => b.id}
            rowProps={(b) => ({ 'data-testid': `backend-row-${b.name}` })}
          />
        </>
      )}
    </Page>
  );
}
