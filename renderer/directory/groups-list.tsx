import { Chip } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import { useQueryClient } from '@tanstack/react-query';
import type { Group, Role, User } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useSession } from '../app/session.ts';
import { ListToolbar, RowAction, useListView, type ListColumn } from '../common/list-view.tsx';
import { ListResults } from '../common/list-results.tsx';
import { EmptyState } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { DirectorySection } from './directory-section.tsx';

/** The Groups table: search by name, description or default role; sort by every column. */
export function GroupsList({ groups, users, roles }: { groups: Group[]; users: User[] | undefined; roles: Role[] | undefined }) {
  const api = useApi();
  const client = useQueryClient();
  const session = useSession();
  const { openDialog } = useDialogs();
  const roleName = (id: string) => roles?.find((r) => r.id === id)?.name ?? id;

  const remove = (g: Group) =>
    openDialog({
      type: 'confirm',
      title: `Delete group ${g.name}?`,
      body: 'Members leave the group; if the issuance policy lists it, that entry goes too.',
      confirmLabel: 'Delete group',
      destructive: true,
      onConfirm: async () => {
        await api.groups.delete({ id: g.id, expectedVersion: g.version });
        await client.invalidateQueries({ queryKey: [session.profileId] });
      },
    });

  const columns = groupColumns({ roleName, users, onEdit: (g) => openDialog({ type: 'group', groupId: g.id }), onDelete: remove });
  const list = useListView({
    rows: groups,
    columns,
    text: (g) => [g.name, g.description, ...g.defaultRoles.map(roleName)],
    initialSort: { column: 'name', direction: 'asc' },
  });

  return (
    <DirectorySection title="Groups" newLabel="New group" onNew={() => openDialog({ type: 'group', groupId: null })}>
      {groups.length === 0 ? (
        <EmptyState title="No groups" hint="Create groups to give their members default roles and to name them in the issuance policy." />
      ) : (
        <>
          <ListToolbar
            label="Search groups"
            placeholder="Name, description or role"
            value={list.typed}
            onChange={list.setTyped}
            shown={list.shown.length}
            total={groups.length}
            noun="groups"
          />
          <ListResults
            noun="group"
            hint="The search looks in group names, descriptions and default role names."
            onClear={() => list.setTyped('')}
            clearLabel="Clear search"
            tableId="groups"
            label="Groups"
            columns={columns}
            view={list}
            rowKey={(g) => g.id}
            rowProps={(g) => ({ 'data-testid': `group-row-${g.name}` })}
          />
        </>
      )}
    </DirectorySection>
  );
}

/** The columns of the Groups table; members are counted only once the users are loaded. */
function groupColumns({
  roleName,
  users,
  onEdit,
  onDelete,
}: {
  roleName: (id: string) => string;
  users: User[] | undefined;
  onEdit: (g: Group) => void;
  onDelete: (g: Group) => void;
}): ListColumn<Group>[] {
  const members = (g: Group) => (users ?? []).filter((u) => u.groups.includes(g.id)).length;
  return [
    { id: 'name', label: 'Name', sortValue: (g) => g.name, render: (g) => g.name },
    { id: 'description', label: 'Description', sortValue: (g) => g.description, render: (g) => g.description || '—' },
    {
      id: 'roles',
      label: 'Default roles',
      sortValue: (g) => g.defaultRoles.map(roleName).sort().join(', '),
      render: (g) => g.defaultRoles.map((r) => <Chip key={r} size="small" label={roleName(r)} sx={{ mr: 0.5 }} />),
    },
    {
      id: 'members',
      label: 'Members',
      align: 'right',
      ...(users ? { sortValue: members } : {}),
      render: (g) => (users ? members(g) : '—'),
    },
    {
      id: 'ops',
      label: 'Operations',
      align: 'right',
      hiddenLabel: true,
      cellSx: { whiteSpace: 'nowrap' },
      render: (g) => (
        <>
          <RowAction label="Edit" name={`Edit group ${g.name}`} icon={<EditIcon fontSize="small" />} onClick={() => onEdit(g)} />
          <RowAction label="Delete" name={`Delete group ${g.name}`} icon={<DeleteIcon fontSize="small" />} onClick={() => onDelete(g)} />
        </>
      ),
    },
  ];
}
