import { Button, MenuItem, Paper, Stack, TextField } from '@mui/material';
import { DataGrid } from '@mui/x-data-grid';
import type { Credential } from '../../shared/domain/types.ts';
import { useSession } from '../app/session.ts';
import { useGridColumnPrefs } from '../common/column-prefs.ts';
import { SearchField } from '../common/list-view.tsx';
import { EmptyState, ErrorState, Page } from '../common/states.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { useCredentialColumns } from './credential-columns.tsx';
import { CredentialBulkBar } from './credential-bulk.tsx';
import { type StatusFilter, useCredentialSelection, useCredentialsPage } from './use-credentials-page.ts';

/** The top bar, the page's padding, title and search row: what the grid leaves of the window. */
const GRID_CHROME_PX = 250;
/** The selection bar over the grid, while rows are selected. */
const SELECTION_BAR_PX = 48;

/** Columns that start hidden, until the admin shows them in a header's menu. */
const HIDDEN_AT_FIRST = ['prefix', 'createdAt'];

type CredentialsPage = ReturnType<typeof useCredentialsPage>;
type ColumnPrefs = ReturnType<typeof useGridColumnPrefs<Credential>>;
type Selection = ReturnType<typeof useCredentialSelection>;

function StatusSelect({ value, onChange }: { value: StatusFilter; onChange: (next: StatusFilter) => void }) {
  return (
    <TextField
      select
      label="Status"
      value={value}
      onChange={(e) => onChange(e.target.value as StatusFilter)}
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
  );
}

/**
 * The selection bar and the server-paged grid. A flex column parent lets the grid be as tall as
 * its rows, up to the window's height left under the bar, title and search (then it scrolls
 * inside, header and paging in view).
 */
function CredentialsGrid({ list, grid, selection }: { list: CredentialsPage; grid: ColumnPrefs; selection: Selection }) {
  const { q, status, paging, setPaging, sortModel, changeSort, page } = list;
  const { selectedRows, selectionModel, select, keepOnly } = selection;
  const rows = page.data?.items ?? [];
  // The backend pages by cursor and gives no total: unknown (-1) until the last page is reached.
  const knownCount = page.data && !page.data.nextCursor ? paging.page * paging.pageSize + page.data.items.length : -1;
  return (
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
          onSortModelChange={changeSort}
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
  );
}

/**
 * Credentials as a server-paged grid (`useCredentialsPage`), with a search, a Status filter and a
 * selection bar for bulk actions.
 */
export function CredentialsScreen() {
  const session = useSession();
  const { openDialog } = useDialogs();
  const list = useCredentialsPage();
  const { typed, setTyped, q, status, changeStatus, paging, page } = list;
  // Prefix and Created start hidden; what the admin shows, hides or resizes is kept (column-prefs.ts).
  const grid = useGridColumnPrefs('credentials', useCredentialColumns(), HIDDEN_AT_FIRST);
  const selection = useCredentialSelection(page.data?.items ?? []);

  const newButton = (
    <Button
      variant="contained"
      onClick={() => openDialog({ type: 'credential-editor', credentialId: null })}
      disabled={session.state !== 'online'}
    >
      New credential
    </Button>
  );
  const empty = page.data && page.data.items.length === 0 && paging.page === 0;

  return (
    <Page
      title="Credentials"
      intro="API tokens and the roles they hold. A token's secret is shown once, when it is created or rolled."
      actions={newButton}
    >
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <SearchField label="Search credentials" placeholder="Name, description or prefix" value={typed} onChange={setTyped} />
        <StatusSelect value={status} onChange={changeStatus} />
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
        <CredentialsGrid list={list} grid={grid} selection={selection} />
      )}
    </Page>
  );
}
