import { Stack } from '@mui/material';
import { useGroups, usePolicy, useRoles, useUsers } from '../app/data.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { GroupsList } from './groups-list.tsx';
import { PolicyCard } from './policy-card.tsx';
import { UsersList } from './users-list.tsx';

/** Users, groups with default roles, and who may obtain a key. */
export function DirectoryScreen() {
  const session = useSession();
  const users = useUsers();
  const groups = useGroups();
  const policy = usePolicy();
  const roles = useRoles();

  if (session.state !== 'online') {
    return (
      <Page title="Directory">
        <EmptyState title="Offline" hint="Users, groups and the issuance policy are edited on the server. Reconnect to manage them." />
      </Page>
    );
  }

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
        {users.isPending || groups.isPending ? (
          <LoadingRows rows={3} />
        ) : users.error || groups.error ? (
          <ErrorState error={users.error ?? groups.error} />
        ) : (
          <UsersList users={users.data} groups={groups.data} policy={policy.data} />
        )}
        {groups.isPending ? (
          <LoadingRows rows={3} />
        ) : groups.error ? (
          <ErrorState error={groups.error} />
        ) : (
          <GroupsList groups={groups.data} users={users.data} roles={roles.data} />
        )}
      </Stack>
    </Page>
  );
}
