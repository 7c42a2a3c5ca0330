import {
  Button,
  Checkbox,
  Chip,
  IconButton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Paper,
  Tooltip,
  Typography,
} from '@mui/material';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Role } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useDrafts, useRoleUsage, useRoles } from '../app/data.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { RoleBulkBar } from './role-bulk.tsx';

/** Roles with their action counts and usage; the entry to the role dialog. */
export function RolesScreen() {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const roles = useRoles();
  const usage = useRoleUsage();
  const own = useOwnCredential();
  const drafts = useDrafts();
  const online = session.state === 'online';
  const draftFor = new Map((drafts.data?.roles ?? []).filter((d) => d.roleId).map((d) => [d.roleId!, d]));
  const newDrafts = (drafts.data?.roles ?? []).filter((d) => d.op === 'create');
  // Bulk actions: the ticked roles (ids of roles since deleted drop out on their own).
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const selectedRoles = (roles.data ?? []).filter((r) => picked.has(r.id));
  const allPicked = selectedRoles.length > 0 && selectedRoles.length === roles.data?.length;
  const pick = (id: string, on: boolean) =>
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  // The count in the confirmation must be current, so it is fetched fresh rather than read from the cache.
  const confirmDelete = async (role: Role) => {
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

  const newButton = (
    <Button variant="contained" onClick={() => openDialog({ type: 'role', roleId: null })}>
      New role
    </Button>
  );

  return (
    <Page
      title="Roles"
      intro="A role is a set of permitted API actions. Every credential holding it gets the change at once."
      actions={newButton}
    >
      {roles.isPending ? (
        <LoadingRows />
      ) : roles.error ? (
        <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
      ) : roles.data.length === 0 && newDrafts.length === 0 ? (
        <EmptyState
          title="No roles yet"
          hint="Create a role, pick the actions it permits, then assign it to credentials."
          action={newButton}
        />
      ) : (
        <>
          {selectedRoles.length > 0 && <RoleBulkBar selected={selectedRoles} onDone={(keep) => setPicked(new Set(keep))} />}
          <TableContainer component={Paper} variant="outlined">
            <Table size="small" aria-label="Roles">
              <TableHead>
                <TableRow>
                  <TableCell padding="checkbox">
                    <Checkbox
                      size="small"
                      checked={allPicked}
                      indeterminate={selectedRoles.length > 0 && !allPicked}
                      onChange={(e) => setPicked(new Set(e.target.checked ? roles.data?.map((r) => r.id) : []))}
                      slotProps={{ input: { 'aria-label': 'Select all roles' } }}
                    />
                  </TableCell>
                  <TableCell>Name</TableCell>
                  <TableCell>Description</TableCell>
                  <TableCell align="right">Actions</TableCell>
                  <TableCell align="right">Credentials</TableCell>
                  <TableCell align="right">
                    <span className="visually-hidden">Operations</span>
                  </TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {newDrafts.map((d) => (
                  <TableRow key={d.draftId} hover>
                    <TableCell padding="checkbox" />
                    <TableCell>
                      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                        <span>{d.draft?.name}</span>
                        <Chip size="small" color="warning" label="New draft" />
                      </Stack>
                    </TableCell>
                    <TableCell>{d.draft?.description}</TableCell>
                    <TableCell align="right">{d.draft?.actions.length ?? 0}</TableCell>
                    <TableCell align="right">—</TableCell>
                    <TableCell align="right">
                      <Tooltip title="Edit draft">
                        <IconButton
                          size="small"
                          aria-label={`Edit draft ${d.draft?.name}`}
                          onClick={() => openDialog({ type: 'role', roleId: null, draftId: d.draftId })}
                        >
                          <EditIcon fontSize="small" />
                        </IconButton>
                      </Tooltip>
                    </TableCell>
                  </TableRow>
                ))}
                {roles.data.map((r) => {
                  const draft = draftFor.get(r.id);
                  return (
                    <TableRow key={r.id} hover data-testid={`role-row-${r.name}`} selected={picked.has(r.id)}>
                      <TableCell padding="checkbox">
                        <Checkbox
                          size="small"
                          checked={picked.has(r.id)}
                          onChange={(e) => pick(r.id, e.target.checked)}
                          slotProps={{ input: { 'aria-label': `Select role ${r.name}` } }}
                        />
                      </TableCell>
                      <TableCell>
                        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                          <Typography variant="body2" sx={{ fontWeight: 600 }}>
                            {r.name}
                          </Typography>
                          {draft && <Chip size="small" color="warning" label={draft.op === 'delete' ? 'Draft: delete' : 'Draft'} />}
                        </Stack>
                      </TableCell>
                      <TableCell sx={{ maxWidth: 420 }}>
                        <Typography variant="body2" noWrap title={r.description}>
                          {r.description || <span style={{ opacity: 0.75 }}>—</span>}
                        </Typography>
                      </TableCell>
                      <TableCell align="right">{r.actions.length}</TableCell>
                      <TableCell align="right">{usage.data ? (usage.data[r.id] ?? 0) : '—'}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Tooltip title="Edit">
                          <IconButton
                            size="small"
                            aria-label={`Edit role ${r.name}`}
                            onClick={() =>
                              openDialog(
                                draft && draft.op === 'update'
                                  ? { type: 'role', roleId: r.id, draftId: draft.draftId }
                                  : { type: 'role', roleId: r.id },
                              )
                            }
                          >
                            <EditIcon fontSize="small" />
                          </IconButton>
                        </Tooltip>
                        <Tooltip title="Duplicate">
                          <IconButton
                            size="small"
                            aria-label={`Duplicate role ${r.name}`}
                            onClick={() => openDialog({ type: 'role', roleId: null, copyOfRoleId: r.id })}
                          >
                            <ContentCopyIcon fontSize="small" />
                          </IconButton>
                        </Tooltip>
                        <Tooltip title="Delete">
                          <IconButton size="small" aria-label={`Delete role ${r.name}`} onClick={() => void confirmDelete(r)}>
                            <DeleteIcon fontSize="small" />
                          </IconButton>
                        </Tooltip>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </TableContainer>
        </>
      )}
    </Page>
  );
}
