import {
  Box,
  Button,
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import type { Group, User } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials, useGroups, usePolicy, useRoles, useUsers } from '../app/data.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { useToast } from '../app/toasts.tsx';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { PolicyCard } from './policy-card.tsx';

/** Users, groups with default roles, and who may obtain a key. */
export function DirectoryScreen() {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const users = useUsers();
  const groups = useGroups();
  const policy = usePolicy();
  const roles = useRoles();
  const credentials = useAllCredentials();
  const own = useOwnCredential();
  const toast = useToast();
  // Tokens a user owns that still work or could again (not revoked): what "Invalidate" revokes.
  const liveTokens = (u: User) => (credentials.data ?? []).filter((c) => c.ownerId === u.id && c.status !== 'revoked');
  const refresh = () => client.invalidateQueries({ queryKey: [session.profileId] });
  const groupName = (id: string) => groups.data?.find((g) => g.id === id)?.name ?? id;
  const roleName = (id: string) => roles.data?.find((r) => r.id === id)?.name ?? id;

  if (session.state !== 'online') {
    return (
      <Page title="Directory">
        <EmptyState title="Offline" hint="Users, groups and the issuance policy are edited on the server. Reconnect to manage them." />
      </Page>
    );
  }

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
  const removeUser = (u: User) =>
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
  const removeGroup = (g: Group) =>
    openDialog({
      type: 'confirm',
      title: `Delete group ${g.name}?`,
      body: 'Members leave the group; if the issuance policy lists it, that entry goes too.',
      confirmLabel: 'Delete group',
      destructive: true,
      onConfirm: async () => {
        await api.groups.delete({ id: g.id, expectedVersion: g.version });
        await refresh();
      },
    });

  return (
    <Page title="Directory" intro="Users who may obtain their own keys, the groups they belong to, and the policy deciding who may.">
      <Stack spacing={3}>
        {policy.data && groups.data ? (
          <PolicyCard key={JSON.stringify(policy.data)} policy={policy.data} groups={groups.data} />
        ) : policy.error ? (
          <ErrorState error={policy.error} />
        ) : (
          <LoadingRows rows={2} />
        )}
        <Box>
          <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
            <Typography variant="h2" component="h2">
              Users
            </Typography>
            <Button variant="outlined" onClick={() => openDialog({ type: 'user', userId: null })}>
              New user
            </Button>
          </Stack>
          {users.isPending ? (
            <LoadingRows rows={3} />
          ) : users.error ? (
            <ErrorState error={users.error} />
          ) : users.data.length === 0 ? (
            <EmptyState title="No users" hint="Add users so they can obtain keys themselves, within the issuance policy." />
          ) : (
            <TableContainer component={Paper} variant="outlined">
              <Table size="small" aria-label="Users">
                <TableHead>
                  <TableRow>
                    <TableCell>Name</TableCell>
                    <TableCell>Email</TableCell>
                    <TableCell>Groups</TableCell>
                    <TableCell align="right">Tokens</TableCell>
                    <TableCell align="right">Operations</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {users.data.map((u) => (
                    <TableRow key={u.id} hover>
                      <TableCell>{u.name}</TableCell>
                      <TableCell>{u.email || '—'}</TableCell>
                      <TableCell>
                        {u.groups.map((g) => (
                          <Chip key={g} size="small" label={groupName(g)} sx={{ mr: 0.5 }} />
                        ))}
                      </TableCell>
                      <TableCell align="right">{credentials.data ? liveTokens(u).length : '—'}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Button size="small" onClick={() => openDialog({ type: 'user', userId: u.id })} aria-label={`Edit user ${u.name}`}>
                          Edit
                        </Button>
                        <Button size="small" color="warning" onClick={() => invalidate(u)} aria-label={`Invalidate tokens of ${u.name}`}>
                          Invalidate tokens
                        </Button>
                        <Button size="small" color="error" onClick={() => removeUser(u)} aria-label={`Delete user ${u.name}`}>
                          Delete
                        </Button>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </Box>
        <Box>
          <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
            <Typography variant="h2" component="h2">
              Groups
            </Typography>
            <Button variant="outlined" onClick={() => openDialog({ type: 'group', groupId: null })}>
              New group
            </Button>
          </Stack>
          {groups.isPending ? (
            <LoadingRows rows={3} />
          ) : groups.error ? (
            <ErrorState error={groups.error} />
          ) : groups.data.length === 0 ? (
            <EmptyState
              title="No groups"
              hint="Create groups to give their members default roles and to name them in the issuance policy."
            />
          ) : (
            <TableContainer component={Paper} variant="outlined">
              <Table size="small" aria-label="Groups">
                <TableHead>
                  <TableRow>
                    <TableCell>Name</TableCell>
                    <TableCell>Description</TableCell>
                    <TableCell>Default roles</TableCell>
                    <TableCell align="right">Operations</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {groups.data.map((g) => (
                    <TableRow key={g.id} hover>
                      <TableCell>{g.name}</TableCell>
                      <TableCell>{g.description || '—'}</TableCell>
                      <TableCell>
                        {g.defaultRoles.map((r) => (
                          <Chip key={r} size="small" label={roleName(r)} sx={{ mr: 0.5 }} />
                        ))}
                      </TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Button
                          size="small"
                          onClick={() => openDialog({ type: 'group', groupId: g.id })}
                          aria-label={`Edit group ${g.name}`}
                        >
                          Edit
                        </Button>
                        <Button size="small" color="error" onClick={() => removeGroup(g)} aria-label={`Delete group ${g.name}`}>
                          Delete
                        </Button>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </Box>
      </Stack>
    </Page>
  );
}
