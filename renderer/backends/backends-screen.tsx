import { Button, Chip, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import type { Backend } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useBackends, useRoles } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

/** API backends behind the proxy and the roles each (and each sub-URL) requires. */
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
  return (
    <Page title="Backends" intro="Route authorization: a request under a backend's prefix needs every required role." actions={newButton}>
      {backends.isPending ? (
        <LoadingRows />
      ) : backends.error ? (
        <ErrorState error={backends.error} onRetry={() => void backends.refetch()} />
      ) : backends.data.length === 0 ? (
        <EmptyState
          title="No backends"
          hint="Add a backend with its frontend prefix and the roles a request must hold; the proxy then asks Keyward before passing requests on."
          action={newButton}
        />
      ) : (
        <TableContainer component={Paper} variant="outlined">
          <Table size="small" aria-label="Backends">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Prefix</TableCell>
                <TableCell>Required roles</TableCell>
                <TableCell align="right">Sub-URL settings</TableCell>
                <TableCell align="right">Operations</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {backends.data.map((b) => (
                <TableRow key={b.id} hover>
                  <TableCell>{b.name}</TableCell>
                  <TableCell>
                    <code>{b.frontendPrefix}</code>
                  </TableCell>
                  <TableCell>
                    {b.requiredRoles.length === 0
                      ? '—'
                      : b.requiredRoles.map((r) => <Chip key={r} size="small" label={roleName(r)} sx={{ mr: 0.5 }} />)}
                  </TableCell>
                  <TableCell align="right">{b.subSettings.length}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    <Button
                      size="small"
                      onClick={() => openDialog({ type: 'backend', backendId: b.id })}
                      disabled={!online}
                      aria-label={`Edit backend ${b.name}`}
                    >
                      Edit
                    </Button>
                    <Button size="small" color="error" onClick={() => remove(b)} disabled={!online} aria-label={`Delete backend ${b.name}`}>
                      Delete
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Page>
  );
}
