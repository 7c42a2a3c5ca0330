import { Button, Chip, Stack, Typography } from '@mui/material';
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
import { ListFilter, ListToolbar, RowAction, textMatches, useListView, type ListColumn } from '../common/list-view.tsx';
import { ListResults } from '../common/list-results.tsx';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { RoleBulkBar } from './role-bulk.tsx';

type RoleFilter = 'all' | 'unused' | 'used' | 'draft';

/** Roles with their action counts and usage, searchable and sortable; the entry to the role dialog. */
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

  const [chosen, setShow] = useState<RoleFilter>('all');
  // Offline there is no usage: a usage filter chosen online falls back to every role.
  const show: RoleFilter = usage.data || chosen === 'draft' ? chosen : 'all';
  const held = (r: Role) => usage.data?.[r.id] ?? 0;
  const columns: ListColumn<Role>[] = [
    {
      id: 'name',
      label: 'Name',
      sortValue: (r) => r.name,
      render: (r, query) => {
        const draft = draftFor.get(r.id);
        // Found by an action id only: say which, or the row looks like a wrong match.
        const byAction = query && !textMatches([r.name, r.description], query) ? r.actions.find((a) => textMatches([a], query)) : undefined;
        return (
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <Typography variant="body2" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
              {r.name}
            </Typography>
            {draft && <Chip size="small" color="warning" label={draft.op === 'delete' ? 'Draft: delete' : 'Draft'} />}
            {byAction && (
              <Typography variant="caption" color="text.secondary">
                has <code>{byAction}</code>
              </Typography>
            )}
          </Stack>
        );
      },
    },
    {
      id: 'description',
      label: 'Description',
      sortValue: (r) => r.description,
      cellSx: { maxWidth: 420 },
      render: (r) => (
        <Typography variant="body2" noWrap title={r.description}>
          {r.description || <span style={{ opacity: 0.75 }}>—</span>}
        </Typography>
      ),
    },
    { id: 'actions', label: 'Actions', align: 'right', sortValue: (r) => r.actions.length, render: (r) => r.actions.length },
    {
      id: 'credentials',
      label: 'Credentials',
      align: 'right',
      // Usage comes from the server only when online.
      ...(usage.data ? { sortValue: held } : {}),
      render: (r) => (usage.data ? held(r) : '—'),
    },
    {
      id: 'ops',
      label: 'Operations',
      align: 'right',
      hiddenLabel: true,
      cellSx: { whiteSpace: 'nowrap' },
      render: (r) => {
        const draft = draftFor.get(r.id);
        return (
          <>
            <RowAction
              label="Edit"
              name={`Edit role ${r.name}`}
              icon={<EditIcon fontSize="small" />}
              onClick={() =>
                openDialog(
                  draft && draft.op === 'update' ? { type: 'role', roleId: r.id, draftId: draft.draftId } : { type: 'role', roleId: r.id },
                )
              }
            />
            <RowAction
              label="Duplicate"
              name={`Duplicate role ${r.name}`}
              icon={<ContentCopyIcon fontSize="small" />}
              onClick={() => openDialog({ type: 'role', roleId: null, copyOfRoleId: r.id })}
            />
            <RowAction
              label="Delete"
              name={`Delete role ${r.name}`}
              icon={<DeleteIcon fontSize="small" />}
              onClick={() => void confirmDelete(r)}
            />
          </>
        );
      },
    },
  ];
  const list = useListView({
    rows: roles.data ?? [],
    columns,
    text: (r) => [r.name, r.description, ...r.actions],
    filter: (r) => show === 'all' || (show === 'draft' ? draftFor.has(r.id) : (held(r) === 0) === (show === 'unused')),
    initialSort: { column: 'name', direction: 'asc' },
  });
  // Bulk actions: the ticked roles (ids of roles since deleted drop out on their own).
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const selectedRoles = (roles.data ?? []).filter((r) => picked.has(r.id));
  const shownDrafts = newDrafts.filter(
    (d) =>
      (show === 'all' || show === 'draft') &&
      textMatches([d.draft?.name ?? '', d.draft?.description ?? '', ...(d.draft?.actions ?? [])], list.query),
  );
  const clear = () => {
    list.setTyped('');
    setShow('all');
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
          <ListToolbar
            label="Search roles"
            placeholder="Name, description or action id"
            value={list.typed}
            onChange={list.setTyped}
            shown={list.shown.length + shownDrafts.length}
            total={roles.data.length + newDrafts.length}
            noun="roles"
          >
            <ListFilter<RoleFilter>
              label="Show"
              value={show}
              onChange={setShow}
              width={260}
              options={[
                { value: 'all', label: 'All roles' },
                // Which credentials hold a role is known online only.
                ...(usage.data
                  ? [
                      { value: 'unused' as const, label: 'Unused: no credential holds it' },
                      { value: 'used' as const, label: 'Held by a credential' },
                    ]
                  : []),
                { value: 'draft', label: 'With a draft' },
              ]}
            />
          </ListToolbar>
          <ListResults
            noun="role"
            hint="The search looks in role names, descriptions and action ids."
            onClear={clear}
            empty={list.shown.length === 0 && shownDrafts.length === 0}
            tableId="roles"
            label="Roles"
            columns={columns}
            view={list}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ 'data-testid': `role-row-${r.name}` })}
            selection={{ picked, onChange: setPicked, rowLabel: (r) => `Select role ${r.name}`, allLabel: 'Select all roles shown' }}
            leading={shownDrafts.map((d) => ({
              key: d.draftId,
              cells: {
                name: (
                  <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                    <span>{d.draft?.name}</span>
                    <Chip size="small" color="warning" label="New draft" />
                  </Stack>
                ),
                description: d.draft?.description,
                actions: d.draft?.actions.length ?? 0,
                credentials: '—',
                ops: (
                  <RowAction
                    label="Edit draft"
                    name={`Edit draft ${d.draft?.name}`}
                    icon={<EditIcon fontSize="small" />}
                    onClick={() => openDialog({ type: 'role', roleId: null, draftId: d.draftId })}
                  />
                ),
              },
            }))}
          />
        </>
      )}
    </Page>
  );
}
