import { Chip, Stack, Tooltip } from '@mui/material';
import HistoryIcon from '@mui/icons-material/History';
import type { GridColDef } from '@mui/x-data-grid';
import { useMemo } from 'react';
import type { Credential } from '../../shared/domain/types.ts';
import { useRoles, useUsers } from '../app/data.ts';
import { CredentialRowActions } from './credential-row-actions.tsx';
import { formatDate, formatDateTime, STATUS_COLOR } from './format.ts';

/** Two chips fit the column; the rest are "+N" with their names in a tooltip. */
function RolesCell({ row, roleName }: { row: Credential; roleName: ReadonlyMap<string, string> }) {
  const names = row.roles.map((id) => roleName.get(id) ?? id);
  const rest = names.slice(2);
  return (
    <Stack direction="row" spacing={0.5} sx={{ overflow: 'hidden', alignItems: 'center', height: '100%' }}>
      {names.length === 0 ? (
        <Chip size="small" variant="outlined" color="warning" label="No roles" />
      ) : (
        names.slice(0, 2).map((n, i) => <Chip key={row.roles[i]} size="small" label={n} sx={{ maxWidth: 120 }} title={n} />)
      )}
      {rest.length > 0 && (
        <Tooltip title={rest.join(', ')}>
          <Chip size="small" variant="outlined" label={`+${rest.length}`} aria-label={`and ${rest.join(', ')}`} tabIndex={0} />
        </Tooltip>
      )}
    </Stack>
  );
}

/** The status chip (or "leaked"), and a clock while a rolled credential's previous secret still works. */
function StatusCell({ row }: { row: Credential }) {
  const graceUntil = row.previousSecretValidUntil ? formatDateTime(Date.parse(row.previousSecretValidUntil)) : null;
  return (
    <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center', height: '100%' }}>
      {row.leakedAt ? (
        <Tooltip title={`Reported as leaked on ${formatDateTime(Date.parse(row.leakedAt))} and revoked at once.`}>
          <Chip size="small" color="error" label="leaked" data-testid="leaked-chip" />
        </Tooltip>
      ) : (
        <Chip size="small" variant="outlined" color={STATUS_COLOR[row.status]} label={row.status} />
      )}
      {graceUntil ? (
        // Rolled with a grace period: the old secret still works for a while.
        <Tooltip title={`Rolled with a grace period: the previous secret keeps working until ${graceUntil}.`}>
          <HistoryIcon fontSize="small" color="warning" role="img" aria-label={`previous secret works until ${graceUntil}`} />
        </Tooltip>
      ) : null}
    </Stack>
  );
}

/** The credentials grid's columns, owners and roles shown by name from the directory and role lists. */
export function useCredentialColumns(): GridColDef<Credential>[] {
  const roles = useRoles();
  const users = useUsers();
  const roleName = useMemo(() => new Map((roles.data ?? []).map((r) => [r.id, r.name])), [roles.data]);
  const userName = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])), [users.data]);
  return useMemo<GridColDef<Credential>[]>(
    () => [
      { field: 'name', headerName: 'Name', flex: 1.2, minWidth: 110, hideable: false },
      {
        field: 'ownerId',
        headerName: 'Owner',
        // Owners are names from the directory, the list sorts on the server: not sortable.
        sortable: false,
        flex: 0.8,
        minWidth: 90,
        valueGetter: (_v, row) => (row.ownerId ? (userName.get(row.ownerId) ?? row.ownerId) : '—'),
      },
      {
        field: 'roles',
        headerName: 'Roles',
        flex: 1.5,
        minWidth: 110,
        sortable: false,
        renderCell: ({ row }) => <RolesCell row={row} roleName={roleName} />,
      },
      { field: 'status', headerName: 'Status', width: 110, renderCell: ({ row }) => <StatusCell row={row} /> },
      { field: 'prefix', headerName: 'Prefix', width: 100, renderCell: ({ row }) => <code>{row.prefix}</code> },
      { field: 'createdAt', headerName: 'Created', width: 110, valueFormatter: (v: string) => formatDate(v) },
      { field: 'expiresAt', headerName: 'Expires', width: 110, valueFormatter: (v: string | null) => formatDate(v) },
      { field: 'lastUsedAt', headerName: 'Last used', width: 110, valueFormatter: (v: string | null) => formatDate(v) },
      {
        field: 'ops',
        headerName: 'Operations',
        // Five compact buttons: usage, edit, disable/enable, roll, revoke.
        width: 165,
        sortable: false,
        hideable: false,
        resizable: false,
        disableColumnMenu: true,
        renderCell: ({ row }) => <CredentialRowActions credential={row} />,
      },
    ],
    [roleName, userName],
  );
}
