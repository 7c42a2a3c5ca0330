import { Button, Chip, MenuItem, Paper, Stack, TextField, Tooltip } from '@mui/material';
import HistoryIcon from '@mui/icons-material/History';
import { DataGrid, type GridColDef, type GridPaginationModel, type GridRowSelectionModel, type GridSortModel } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import type { CredentialSortKey } from '../../shared/api/schemas.ts';
import type { Credential, CredentialStatus } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useNavigation } from '../app/navigation.ts';
import { useRoles, useUsers } from '../app/data.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { useGridColumnPrefs } from '../common/column-prefs.ts';
import { SearchField } from '../common/list-view.tsx';
import { EmptyState, ErrorState, Page } from '../common/states.tsx';
import { abandonOnAbort, useDebouncedValue } from '../common/use-debounced-value.ts';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { CredentialBulkBar } from './credential-bulk.tsx';
import { CredentialRowActions } from './credential-row-actions.tsx';
import { formatDate, formatDateTime, STATUS_COLOR } from './format.ts';

/** How long the search field waits for typing to pause before it asks the server. */
export const SEARCH_DEBOUNCE_MS = 250;

/** The top bar, the page's padding, title and search row: what the grid leaves of the window. */
const GRID_CHROME_PX = 250;
/** The selection bar over the grid, while rows are selected. */
const SELECTION_BAR_PX = 48;

/** Columns that start hidden, until the admin shows them in a header's menu. */
const HIDDEN_AT_FIRST = ['prefix', 'createdAt'];

/** The columns GET /v1/credentials sorts by (the grid's field names are the API's sort keys). */
const SERVER_SORT: ReadonlySet<string> = new Set<CredentialSortKey>(['name', 'status', 'prefix', 'createdAt', 'expiresAt', 'lastUsedAt']);

/**
 * Credentials as a server-paged grid: the backend pages by cursor, so we remember each page's.
 * The search asks the server once typing pauses, and an older search still in flight is dropped.
 */
export function CredentialsScreen() {
  const api = useApi();
  const session = useSession();
  const { openDialog } = useDialogs();
  const roles = useRoles();
  const users = useUsers();
  // A link from another screen (a hygiene finding) opens the list already searched.
  const { search } = useNavigation();
  const [typed, setTyped] = useState(search);
  const q = useDebouncedValue(typed.trim(), SEARCH_DEBOUNCE_MS);
  // Revoked credentials are final and mostly noise: hidden unless asked for.
  const [status, setStatus] = useState<CredentialStatus | '' | 'live'>('live');
  const [paging, setPaging] = useState<GridPaginationModel>({ page: 0, pageSize: 25 });
  // Sorted by the server (the list is paged): one column at a time; none is newest first.
  const [sortModel, setSortModel] = useState<GridSortModel>([]);
  const sorted = sortModel[0] && SERVER_SORT.has(sortModel[0].field) ? sortModel[0] : null;
  const sort = sorted ? { sort: sorted.field as CredentialSortKey, order: sorted.sort ?? 'asc' } : null;
  // Selected rows stay selected across pages, searches and sorts until acted on or cleared.
  const [selected, setSelected] = useState<ReadonlyMap<string, Credential>>(new Map());
  // A new search starts on its first page (reset when the debounced text changes, not per key).
  const [pagedFor, setPagedFor] = useState(q);
  if (pagedFor !== q) {
    setPagedFor(q);
    setPaging((p) => ({ ...p, page: 0 }));
  }
  const cursors = useRef<Record<string, (string | undefined)[]>>({});
  const filterKey = `${q}|${status}|${paging.pageSize}|${sort ? `${sort.sort}:${sort.order}` : ''}`;
  const pageCursors = (cursors.current[filterKey] ??= [undefined]);
  const cursor = pageCursors[paging.page];

  const page = useQuery({
    queryKey: qk.credentials(session.profileId, { q, status, sort, pageSize: paging.pageSize, cursor: cursor ?? null }),
    queryFn: ({ signal }) =>
      abandonOnAbort(
        api.credentials.list({
          limit: paging.pageSize,
          ...(q ? { q } : {}),
          ...(status === 'live' ? { hideRevoked: true } : status ? { status } : {}),
          ...(sort ?? {}),
          ...(cursor ? { cursor } : {}),
        }),
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  if (page.data?.nextCursor && !page.isPlaceholderData) pageCursors[paging.page + 1] = page.data.nextCursor;

  const roleName = useMemo(() => new Map((roles.data ?? []).map((r) => [r.id, r.name])), [roles.data]);
  const userName = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.name])), [users.data]);

  const columns = useMemo<GridColDef<Credential>[]>(
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
        renderCell: ({ row }) => {
          // Two chips fit the column; the rest are "+N" with their names in a tooltip.
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
        },
      },
      {
        field: 'status',
        headerName: 'Status',
        width: 110,
        renderCell: ({ row }) => {
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
        },
      },
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

  // Prefix and Created start hidden; what the admin shows, hides or resizes is kept (column-prefs.ts).
  const grid = useGridColumnPrefs('credentials', columns, HIDDEN_AT_FIRST);

  const newButton = (
    <Button
      variant="contained"
      onClick={() => openDialog({ type: 'credential-editor', credentialId: null })}
      disabled={session.state !== 'online'}
    >
      New credential
    </Button>
  );
  // The backend pages by cursor and gives no total: unknown (-1) until the last page is reached.
  const knownCount = page.data && !page.data.nextCursor ? paging.page * paging.pageSize + page.data.items.length : -1;
  const empty = page.data && page.data.items.length === 0 && paging.page === 0;
  // The selection as the grid knows it, and as current as the page shown (a row's status changes).
  const rows = page.data?.items ?? [];
  const shown = new Map(rows.map((r) => [r.id, r]));
  const selectedRows = [...selected.keys()].map((id) => shown.get(id) ?? selected.get(id)!);
  const selectionModel: GridRowSelectionModel = { type: 'include', ids: new Set(selected.keys()) };
  const select = (model: GridRowSelectionModel) => {
    const next = new Map<string, Credential>();
    // "Select all" answers an exclude model: every row of this page but those named.
    const picked =
      model.type === 'include'
        ? model.ids
        : new Set([...[...selected.keys()].filter((id) => !shown.has(id)), ...rows.filter((r) => !model.ids.has(r.id)).map((r) => r.id)]);
    for (const id of picked) {
      const row = shown.get(String(id)) ?? selected.get(String(id));
      if (row) next.set(row.id, row);
    }
    setSelected(next);
  };
  const keepOnly = (ids: string[]) => setSelected(new Map(ids.flatMap((id) => (selected.has(id) ? [[id, selected.get(id)!]] : []))));

  return (
    <Page
      title="Credentials"
      intro="API tokens and the roles they hold. A token's secret is shown once, when it is created or rolled."
      actions={newButton}
    >
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <SearchField label="Search credentials" placeholder="Name, description or prefix" value={typed} onChange={setTyped} />
        <TextField
          select
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as CredentialStatus | '' | 'live');
            setPaging((p) => ({ ...p, page: 0 }));
          }}
          sx={{ width: 230 }}
          slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
        >
          <MenuItem value="live">All but revoked</MenuItem>
          <MenuItem value="">Any status, revoked too</MenuItem>
          {(['active', 'disabled', 'expired', 'revoked'] as const).map((s) => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      {page.error && session.state !== 'online' ? (
        // The list is paged and searched by the server, so it is not cached: say so calmly.
        <EmptyState
          title="Offline"
          hint="Credentials are listed, searched and issued by the server. Reconnect (or switch “Work offline” off) to manage them; Hygiene and the Access checker work offline on the cached state."
        />
      ) : page.error ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : empty && !q && (!status || status === 'live') ? (
        <EmptyState title="No credentials yet" hint="Create a credential, give it roles, and copy its token once." action={newButton} />
      ) : (
        // A flex column parent lets the grid be as tall as its rows, up to the window's height left
        // under the bar, title and search (then it scrolls inside, header and paging in view).
        <>
          {selectedRows.length > 0 && <CredentialBulkBar selected={selectedRows} onDone={keepOnly} />}
          <Paper
            variant="outlined"
            data-testid="credentials-grid"
            sx={{
              display: 'flex',
              flexDirection: 'column',
              minHeight: 160,
              maxHeight: `calc(100vh - ${GRID_CHROME_PX + (selectedRows.length > 0 ? SELECTION_BAR_PX : 0)}px)`,
            }}
          >
            <DataGrid
              aria-label="Credentials"
              rows={rows}
              columns={grid.columns}
              columnVisibilityModel={grid.columnVisibilityModel}
              onColumnVisibilityModelChange={grid.onColumnVisibilityModelChange}
              onColumnWidthChange={grid.onColumnWidthChange}
              // Skeletons only while the rows shown are not yet the answer to what is asked (a new
              // search, page or sort); a refresh after a write keeps the rows usable.
              loading={page.isPending || page.isPlaceholderData}
              paginationMode="server"
              filterMode="server"
              sortingMode="server"
              disableColumnFilter
              sortModel={sortModel}
              onSortModelChange={(model) => {
                setSortModel(model);
                setPaging((p) => ({ ...p, page: 0 }));
              }}
              checkboxSelection
              // The selection bar above says how many.
              hideFooterSelectedRowCount
              keepNonExistentRowsSelected
              isRowSelectable={({ row }) => row.status !== 'revoked'}
              rowSelectionModel={selectionModel}
              onRowSelectionModelChange={select}
              rowCount={knownCount}
              paginationMeta={{ hasNextPage: Boolean(page.data?.nextCursor) }}
              paginationModel={paging}
              onPaginationModelChange={setPaging}
              pageSizeOptions={[25, 50, 100]}
              // Fits 1280 px without scrolling sideways (column pinning is in MUI X Pro only): Name first,
              // operations last, Prefix and Created hidden until chosen in a header's menu ("Manage
              // columns"); columns resize by dragging their edge. Both choices are kept.
              slotProps={{ loadingOverlay: { variant: 'skeleton', noRowsVariant: 'skeleton' } }}
              density="compact"
              disableRowSelectionOnClick
              localeText={{
                noRowsLabel:
                  q || (status && status !== 'live')
                    ? 'No credential matches this search. It looks in names, descriptions and token prefixes (kw_…).'
                    : 'No credentials.',
              }}
            />
          </Paper>
        </>
      )}
    </Page>
  );
}
