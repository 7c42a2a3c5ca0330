import { Box, Button, Chip, Stack, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import KeyOffIcon from '@mui/icons-material/KeyOff';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { mayObtainKey } from '../../shared/domain/policy.ts';
import type { Credential, Group, IssuancePolicy, User } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials } from '../app/data.ts';
import { lossSentence, ownLoss, useOwnCredential } from '../app/own-access.ts';
import { useSession } from '../app/session.ts';
import { useToast } from '../app/toasts.tsx';
import { ListFilter, ListToolbar, RowAction, useListView, type ListColumn } from '../common/list-view.tsx';
import { ListResults } from '../common/list-results.tsx';
import { EmptyState } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

type StatusFilter = 'any' | 'may' | 'excluded' | 'tokens' | 'no-tokens';
/** 'any', 'none' (in no group), or a group's id. */
type GroupFilter = string;

/** The Users table: search, sort by every column, filter by group and by what the user may do. */
export function UsersList({ users, groups, policy }: { users: User[]; groups: Group[]; policy: IssuancePolicy | undefined }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const credentials = useAllCredentials();
  const own = useOwnCredential();
  const toast = useToast();
  const [group, setGroup] = useState<GroupFilter>('any');
  const [status, setStatus] = useState<StatusFilter>('any');

  // Tokens a user owns that still work or could again (not revoked): what "Invalidate" revokes.
  const liveByOwner = new Map<string, Credential[]>();
  for (const c of credentials.data ?? []) {
    if (c.ownerId && c.status !== 'revoked') liveByOwner.set(c.ownerId, [...(liveByOwner.get(c.ownerId) ?? []), c]);
  }
  const liveTokens = (u: User) => liveByOwner.get(u.id) ?? [];
  const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? id;
  const groupNames = (u: User) => u.groups.map(groupName);
  const may = (u: User) => (policy ? mayObtainKey(u.groups, policy) : null);
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

  const columns: ListColumn<User>[] = [
    { id: 'name', label: 'Name', sortValue: (u) => u.name, render: (u) => u.name },
    { id: 'email', label: 'Email', sortValue: (u) => u.email, render: (u) => u.email || '—' },
    {
      id: 'groups',
      label: 'Groups',
      sortValue: (u) => groupNames(u).sort().join(', '),
      render: (u) => u.groups.map((g) => <Chip key={g} size="small" label={groupName(g)} sx={{ mr: 0.5 }} />),
    },
    {
      id: 'issuance',
      label: 'Key issuance',
      sortValue: (u) => (may(u) ? 0 : 1),
      render: (u) =>
        may(u) === null ? (
          '—'
        ) : may(u) ? (
          'May obtain keys'
        ) : (
          <Chip size="small" variant="outlined" color="warning" label="Excluded by policy" />
        ),
    },
    {
      id: 'tokens',
      label: 'Tokens',
      align: 'right',
      ...(credentials.data ? { sortValue: (u: User) => liveTokens(u).length } : {}),
      render: (u) => (credentials.data ? liveTokens(u).length : '—'),
    },
    {
      id: 'ops',
      label: 'Operations',
      align: 'right',
      hiddenLabel: true,
      cellSx: { whiteSpace: 'nowrap' },
      render: (u) => (
        <>
          <RowAction
            label="Edit"
            name={`Edit user ${u.name}`}
            icon={<EditIcon fontSize="small" />}
            onClick={() => openDialog({ type: 'user', userId: u.id })}
          />
          <RowAction
            // Nothing to revoke is said before the click, not by a destructive dialog that does nothing.
            label={
              credentials.data && liveTokens(u).length === 0 ? 'Invalidate tokens: none works (Sync to check again)' : 'Invalidate tokens'
            }
            name={`Invalidate tokens of ${u.name}`}
            icon={<KeyOffIcon fontSize="small" />}
            onClick={() => invalidate(u)}
            disabled={Boolean(credentials.data) && liveTokens(u).length === 0}
          />
          <RowAction label="Delete" name={`Delete user ${u.name}`} icon={<DeleteIcon fontSize="small" />} onClick={() => remove(u)} />
        </>
      ),
    },
  ];
  const list = useListView({
    rows: users,
    columns,
    text: (u) => [u.name, u.email, ...groupNames(u)],
    filter: (u) =>
      (group === 'any' || (group === 'none' ? u.groups.length === 0 : u.groups.includes(group))) &&
      (status === 'any' ||
        (status === 'may' && may(u) === true) ||
        (status === 'excluded' && may(u) === false) ||
        (status === 'tokens' && liveTokens(u).length > 0) ||
        (status === 'no-tokens' && liveTokens(u).length === 0)),
    initialSort: { column: 'name', direction: 'asc' },
  });
  const clear = () => {
    list.setTyped('');
    setGroup('any');
    setStatus('any');
  };

  return (
    <Box data-search-scope="">
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
        <Typography variant="h2" component="h2">
          Users
        </Typography>
        <Button variant="outlined" onClick={() => openDialog({ type: 'user', userId: null })}>
          New user
        </Button>
      </Stack>
      {users.length === 0 ? (
        <EmptyState title="No users" hint="Add users so they can obtain keys themselves, within the issuance policy." />
      ) : (
        <>
          <ListToolbar
            label="Search users"
            placeholder="Name, email or group"
            value={list.typed}
            onChange={list.setTyped}
            shown={list.shown.length}
            total={users.length}
            noun="users"
          >
            <ListFilter
              label="Group"
              value={group}
              onChange={setGroup}
              options={[
                { value: 'any', label: 'Any group' },
                { value: 'none', label: 'In no group' },
                ...groups.map((g) => ({ value: g.id, label: g.name })),
              ]}
            />
            <ListFilter<StatusFilter>
              label="Status"
              value={status}
              onChange={setStatus}
              width={240}
              options={[
                { value: 'any', label: 'Any status' },
                { value: 'may', label: 'May obtain keys' },
                { value: 'excluded', label: 'Excluded by the policy' },
                { value: 'tokens', label: 'Owns working tokens' },
                { value: 'no-tokens', label: 'Owns no working token' },
              ]}
            />
          </ListToolbar>
          <ListResults
            noun="user"
            hint="The search looks in names, emails and group names."
            onClear={clear}
            tableId="users"
            label="Users"
            columns={columns}
            view={list}
            rowKey={(u) => u.id}
            rowProps={(u) => ({ 'data-testid': `user-row-${u.name}` })}
          />
        </>
      )}
    </Box>
  );
}
