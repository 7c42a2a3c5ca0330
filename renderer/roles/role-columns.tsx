import { Chip, Stack, Typography } from '@mui/material';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import type { Role } from '../../shared/domain/types.ts';
import type { DraftRole } from '../../shared/ipc/types.ts';
import type { LeadingRow } from '../common/list-table.tsx';
import { RowAction, textMatches, type ListColumn } from '../common/list-view.tsx';
import type { DialogSpec } from '../dialogs/dialog-types.ts';

// The Roles table: its columns for server roles and the rows on top for new (create) drafts.

interface RoleColumnsInput {
  /** The draft of each server role that has one, by role id. */
  draftFor: ReadonlyMap<string, DraftRole>;
  /** Credentials holding each role; only known online. */
  usage: Readonly<Record<string, number>> | undefined;
  openDialog: (spec: DialogSpec) => void;
  onDelete: (role: Role) => void;
}

/** The columns of the Roles table: name, description, action count, holders and operations. */
export function roleColumns({ draftFor, usage, openDialog, onDelete }: RoleColumnsInput): ListColumn<Role>[] {
  const held = (r: Role) => usage?.[r.id] ?? 0;
  return [
    {
      id: 'name',
      label: 'Name',
      sortValue: (r) => r.name,
      render: (r, query) => <RoleNameCell role={r} draft={draftFor.get(r.id)} query={query} />,
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
      ...(usage ? { sortValue: held } : {}),
      render: (r) => (usage ? held(r) : '—'),
    },
    {
      id: 'ops',
      label: 'Operations',
      align: 'right',
      hiddenLabel: true,
      cellSx: { whiteSpace: 'nowrap' },
      render: (r) => <RoleOps role={r} draft={draftFor.get(r.id)} openDialog={openDialog} onDelete={onDelete} />,
    },
  ];
}

function RoleNameCell({ role, draft, query }: { role: Role; draft: DraftRole | undefined; query: string }) {
  // Found by an action id only: say which, or the row looks like a wrong match.
  const byAction =
    query && !textMatches([role.name, role.description], query) ? role.actions.find((a) => textMatches([a], query)) : undefined;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Typography variant="body2" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
        {role.name}
      </Typography>
      {draft && <Chip size="small" color="warning" label={draft.op === 'delete' ? 'Draft: delete' : 'Draft'} />}
      {byAction && (
        <Typography variant="caption" color="text.secondary">
          has <code>{byAction}</code>
        </Typography>
      )}
    </Stack>
  );
}

function RoleOps({
  role,
  draft,
  openDialog,
  onDelete,
}: {
  role: Role;
  draft: DraftRole | undefined;
  openDialog: (spec: DialogSpec) => void;
  onDelete: (role: Role) => void;
}) {
  return (
    <>
      <RowAction
        label="Edit"
        name={`Edit role ${role.name}`}
        icon={<EditIcon fontSize="small" />}
        onClick={() =>
          openDialog(
            draft && draft.op === 'update' ? { type: 'role', roleId: role.id, draftId: draft.draftId } : { type: 'role', roleId: role.id },
          )
        }
      />
      <RowAction
        label="Duplicate"
        name={`Duplicate role ${role.name}`}
        icon={<ContentCopyIcon fontSize="small" />}
        onClick={() => openDialog({ type: 'role', roleId: null, copyOfRoleId: role.id })}
      />
      <RowAction label="Delete" name={`Delete role ${role.name}`} icon={<DeleteIcon fontSize="small" />} onClick={() => onDelete(role)} />
    </>
  );
}

/** Rows on top of the table for roles drafted offline that the server does not have yet. */
export function newDraftRows(drafts: readonly DraftRole[], openDialog: (spec: DialogSpec) => void): LeadingRow[] {
  return drafts.map((d) => ({
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
  }));
}
