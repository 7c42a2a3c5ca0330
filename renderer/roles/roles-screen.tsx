import { Button } from '@mui/material';
import { ListFilter, ListToolbar } from '../common/list-view.tsx';
import { ListResults } from '../common/list-results.tsx';
import { EmptyState, ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { RoleBulkBar } from './role-bulk.tsx';
import { newDraftRows } from './role-columns.tsx';
import { useRolesView, type RoleFilter } from './use-roles-view.ts';

/** Roles with their action counts and usage, searchable and sortable; the entry to the role dialog. */
export function RolesScreen() {
  const { openDialog } = useDialogs();
  const view = useRolesView();
  const { roles, newDrafts, list, shownDrafts } = view;

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
          {view.selectedRoles.length > 0 && <RoleBulkBar selected={view.selectedRoles} onDone={(keep) => view.setPicked(new Set(keep))} />}
          <ListToolbar
            label="Search roles"
            placeholder="Name, description or action id"
            value={list.typed}
            onChange={list.setTyped}
            shown={list.shown.length + shownDrafts.length}
            total={roles.data.length + newDrafts.length}
            noun="roles"
          >
            <RoleShowFilter value={view.show} onChange={view.setShow} hasUsage={view.hasUsage} />
          </ListToolbar>
          <ListResults
            noun="role"
            hint="The search looks in role names, descriptions and action ids."
            onClear={view.clear}
            empty={list.shown.length === 0 && shownDrafts.length === 0}
            tableId="roles"
            label="Roles"
            columns={view.columns}
            view={list}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ 'data-testid': `role-row-${r.name}` })}
            selection={{
              picked: view.picked,
              onChange: view.setPicked,
              rowLabel: (r) => `Select role ${r.name}`,
              allLabel: 'Select all roles shown',
            }}
            leading={newDraftRows(shownDrafts, openDialog)}
          />
        </>
      )}
    </Page>
  );
}

function RoleShowFilter({ value, onChange, hasUsage }: { value: RoleFilter; onChange: (v: RoleFilter) => void; hasUsage: boolean }) {
  return (
    <ListFilter<RoleFilter>
      label="Show"
      value={value}
      onChange={onChange}
      width={260}
      options={[
        { value: 'all', label: 'All roles' },
        // Which credentials hold a role is known online only.
        ...(hasUsage
          ? [
              { value: 'unused' as const, label: 'Unused: no credential holds it' },
              { value: 'used' as const, label: 'Held by a credential' },
            ]
          : []),
        { value: 'draft', label: 'With a draft' },
      ]}
    />
  );
}
