import { Chip } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import KeyOffIcon from '@mui/icons-material/KeyOff';
import type { User } from '../../shared/domain/types.ts';
import { RowAction, type ListColumn } from '../common/list-view.tsx';

interface UserColumnsInput {
  groupName: (id: string) => string;
  /** Whether the issuance policy lets the user obtain keys; null while the policy is unknown. */
  may: (u: User) => boolean | null;
  /** Working tokens the user owns; null while the credentials are not loaded. */
  tokenCount: ((u: User) => number) | null;
  onEdit: (u: User) => void;
  onInvalidate: (u: User) => void;
  onDelete: (u: User) => void;
}

/** The columns of the Users table: name, email, groups, key issuance, tokens and operations. */
export function userColumns({ groupName, may, tokenCount, onEdit, onInvalidate, onDelete }: UserColumnsInput): ListColumn<User>[] {
  return [
    { id: 'name', label: 'Name', sortValue: (u) => u.name, render: (u) => u.name },
    { id: 'email', label: 'Email', sortValue: (u) => u.email, render: (u) => u.email || '—' },
    {
      id: 'groups',
      label: 'Groups',
      sortValue: (u) => u.groups.map(groupName).sort().join(', '),
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
      ...(tokenCount ? { sortValue: tokenCount } : {}),
      render: (u) => (tokenCount ? tokenCount(u) : '—'),
    },
    {
      id: 'ops',
      label: 'Operations',
      align: 'right',
      hiddenLabel: true,
      cellSx: { whiteSpace: 'nowrap' },
      render: (u) => (
        <>
          <RowAction label="Edit" name={`Edit user ${u.name}`} icon={<EditIcon fontSize="small" />} onClick={() => onEdit(u)} />
          <RowAction
            // Nothing to revoke is said before the click, not by a destructive dialog that does nothing.
            label={tokenCount && tokenCount(u) === 0 ? 'Invalidate tokens: none works (Sync to check again)' : 'Invalidate tokens'}
            name={`Invalidate tokens of ${u.name}`}
            icon={<KeyOffIcon fontSize="small" />}
            onClick={() => onInvalidate(u)}
            disabled={tokenCount ? tokenCount(u) === 0 : false}
          />
          <RowAction label="Delete" name={`Delete user ${u.name}`} icon={<DeleteIcon fontSize="small" />} onClick={() => onDelete(u)} />
        </>
      ),
    },
  ];
}
