import { useState } from 'react';
import { mayObtainKey } from '../../shared/domain/policy.ts';
import type { Credential, Group, IssuancePolicy, User } from '../../shared/domain/types.ts';
import { useAllCredentials } from '../app/data.ts';
import { ListFilter, ListToolbar, useListView } from '../common/list-view.tsx';
import { ListResults } from '../common/list-results.tsx';
import { EmptyState } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { DirectorySection } from './directory-section.tsx';
import { useUserActions } from './use-user-actions.ts';
import { userColumns } from './user-columns.tsx';

type StatusFilter = 'any' | 'may' | 'excluded' | 'tokens' | 'no-tokens';
/** 'any', 'none' (in no group), or a group's id. */
type GroupFilter = string;

/** The Users table: search, sort by every column, filter by group and by what the user may do. */
export function UsersList({ users, groups, policy }: { users: User[]; groups: Group[]; policy: IssuancePolicy | undefined }) {
  const { openDialog } = useDialogs();
  const credentials = useAllCredentials();
  const [group, setGroup] = useState<GroupFilter>('any');
  const [status, setStatus] = useState<StatusFilter>('any');

  // Tokens a user owns that still work or could again (not revoked): what "Invalidate" revokes.
  const liveByOwner = new Map<string, Credential[]>();
  for (const c of credentials.data ?? []) {
    if (c.ownerId && c.status !== 'revoked') liveByOwner.set(c.ownerId, [...(liveByOwner.get(c.ownerId) ?? []), c]);
  }
  const liveTokens = (u: User) => liveByOwner.get(u.id) ?? [];
  const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? id;
  const may = (u: User) => (policy ? mayObtainKey(u.groups, policy) : null);
  const { invalidate, remove } = useUserActions(liveTokens);

  const columns = userColumns({
    groupName,
    may,
    tokenCount: credentials.data ? (u) => liveTokens(u).length : null,
    onEdit: (u) => openDialog({ type: 'user', userId: u.id }),
    onInvalidate: invalidate,
    onDelete: remove,
  });
  const list = useListView({
    rows: users,
    columns,
    text: (u) => [u.name, u.email, ...u.groups.map(groupName)],
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
    <DirectorySection title="Users" newLabel="New user" onNew={() => openDialog({ type: 'user', userId: null })}>
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
            <UserFilters groups={groups} group={group} onGroup={setGroup} status={status} onStatus={setStatus} />
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
    </DirectorySection>
  );
}

function UserFilters(p: {
  groups: Group[];
  group: GroupFilter;
  onGroup: (g: GroupFilter) => void;
  status: StatusFilter;
  onStatus: (s: StatusFilter) => void;
}) {
  return (
    <>
      <ListFilter
        label="Group"
        value={p.group}
        onChange={p.onGroup}
        options={[
          { value: 'any', label: 'Any group' },
          { value: 'none', label: 'In no group' },
          ...p.groups.map((g) => ({ value: g.id, label: g.name })),
        ]}
      />
      <ListFilter<StatusFilter>
        label="Status"
        value={p.status}
        onChange={p.onStatus}
        width={240}
        options={[
          { value: 'any', label: 'Any status' },
          { value: 'may', label: 'May obtain keys' },
          { value: 'excluded', label: 'Excluded by the policy' },
          { value: 'tokens', label: 'Owns working tokens' },
          { value: 'no-tokens', label: 'Owns no working token' },
        ]}
      />
    </>
  );
}
