import { Box, Button, Chip, CircularProgress, IconButton, Paper, Stack, Tooltip, Typography } from '@mui/material';
import FilterIcon from '@mui/icons-material/FilterAltOutlined';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntry } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials, useBackends, useGroups, useRoles, useUsers } from '../app/data.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { useGridColumnPrefs } from '../common/column-prefs.ts';
import { EmptyState, ErrorState, Page } from '../common/states.tsx';
import { abandonOnAbort } from '../common/use-debounced-value.ts';
import { auditDiff } from './audit-diff.ts';
import { collectAudit, ExportCancelled, EXPORT_TYPES, exportText, type ExportFormat } from './audit-export.ts';
import { AuditFilterBar, type ActorOption } from './audit-filter-bar.tsx';
import { auditQuery, hasFilters, NO_FILTERS, SYSTEM_ACTOR, type AuditFilters } from './audit-filters.ts';
import { entryName } from './audit-names.ts';

export const AUDIT_PAGE_SIZE = 50;

/** Every write on the server, newest first, paged by cursor and filtered by action, target, actor and time. */
export function AuditScreen() {
  const api = useApi();
  const session = useSession();
  const names = useNames();
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const filter = auditQuery(filters);
  const page = useQuery({
    queryKey: qk.audit(session.profileId, { ...filter, cursor: cursor ?? null }),
    queryFn: ({ signal }) => abandonOnAbort(api.audit.list({ limit: AUDIT_PAGE_SIZE, ...filter, ...(cursor ? { cursor } : {}) }), signal),
    placeholderData: keepPreviousData,
    enabled: session.state === 'online',
  });
  const exporter = useExport(filter);
  useKnownActors(page.data?.items, names);
  // Any change of filter starts again from the newest entry.
  const refilter = (next: AuditFilters | ((old: AuditFilters) => AuditFilters)) => {
    setFilters(next);
    setCursors([undefined]);
  };

  const columns = useMemo<GridColDef<AuditEntry>[]>(
    () => [
      { field: 'at', headerName: 'When', width: 215, hideable: false, valueFormatter: (v: string) => new Date(v).toLocaleString() },
      { field: 'action', headerName: 'Action', flex: 0.8, minWidth: 170 },
      {
        field: 'actorId',
        headerName: 'Actor',
        flex: 0.7,
        minWidth: 150,
        valueGetter: (_v, row) => actorLabel(row.actorId, names),
        renderCell: ({ row }) => {
          const label = actorLabel(row.actorId, names);
          return (
            <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center', height: '100%', minWidth: 0 }}>
              <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }} title={row.actorId ?? undefined}>
                {label}
              </Box>
              <Tooltip title="Only this actor">
                <IconButton
                  size="small"
                  aria-label={`Only entries by ${label}`}
                  onClick={() => refilter((f) => ({ ...f, actor: row.actorId ? { id: row.actorId, label } : SYSTEM_ACTOR }))}
                >
                  <FilterIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            </Stack>
          );
        },
      },
      {
        field: 'target',
        headerName: 'Target',
        flex: 1.4,
        minWidth: 260,
        sortable: false,
        valueGetter: (_v, row) => `${row.target.type} ${entryName(row, names) ?? row.target.id ?? ''}`.trim(),
        renderCell: ({ row }) => {
          const label = entryName(row, names);
          return (
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', height: '100%', minWidth: 0 }}>
              <Chip size="small" variant="outlined" label={row.target.type} />
              <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }} title={row.target.id ?? undefined}>
                {label ?? row.target.id ?? ''}
              </Box>
              {row.target.id && (
                <Tooltip title="Only this target">
                  <IconButton
                    size="small"
                    aria-label={`Only entries about ${row.target.type} ${label ?? row.target.id}`}
                    onClick={() =>
                      refilter((f) => ({ ...f, target: { type: row.target.type, id: row.target.id!, label: label ?? row.target.id! } }))
                    }
                  >
                    <FilterIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              )}
            </Stack>
          );
        },
      },
      {
        field: 'change',
        headerName: 'Change',
        width: 120,
        sortable: false,
        renderCell: ({ row }) => {
          const n = auditDiff(row.before, row.after).length;
          return n === 0 ? (
            <Typography variant="body2" color="text.secondary" sx={{ lineHeight: 'inherit' }}>
              —
            </Typography>
          ) : (
            // The accessible name starts with the visible text (axe label-content-name-mismatch).
            <Button
              size="small"
              onClick={() => setOpenedId(row.id)}
              aria-label={`${n} change${n === 1 ? '' : 's'}: show the change of ${row.action} at ${row.at}`}
            >
              {n} change{n === 1 ? '' : 's'}
            </Button>
          );
        },
      },
    ],
    [names],
  );
  const grid = useGridColumnPrefs('audit', columns);

  if (session.state !== 'online') {
    return (
      <Page title="Audit log">
        <EmptyState title="Offline" hint="The audit log lives on the server and is not cached. Reconnect to read it." />
      </Page>
    );
  }
  const first = (cursors.length - 1) * AUDIT_PAGE_SIZE + 1;
  const shown = page.data?.items.length ?? 0;
  const opened = page.data?.items.find((e) => e.id === openedId) ?? null;
  const filtered = hasFilters(filters);
  // Said outside the grid (an empty grid holding a button is not a valid ARIA grid).
  const noMatch = filtered && shown === 0 && page.isSuccess && !page.isFetching;
  const actors: ActorOption[] = [
    SYSTEM_ACTOR,
    ...names.credentials.map((c) => ({ id: c.id, label: c.name, detail: c.prefix })).sort((a, b) => a.label.localeCompare(b.label)),
  ];
  const exporting = exporter.state !== null;
  return (
    <Page title="Audit log" intro="Every change made on the server, by whom and to what. Secrets never appear here.">
      <AuditFilterBar filters={filters} onChange={refilter} actors={actors} onOpenActors={() => names.refreshCredentials(30_000)} />
      {page.error ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : (
        <>
          {noMatch ? (
            <EmptyState
              title="No audit entry matches these filters."
              hint="Widen the time range, pick another actor or action, or clear the filters to see every entry."
              action={
                <Button variant="outlined" onClick={() => refilter(NO_FILTERS)}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <Paper variant="outlined" sx={{ height: 560 }}>
              <DataGrid
                aria-label="Audit log"
                rows={page.data?.items ?? []}
                columns={grid.columns}
                // A header's menu chooses the columns ("Manage columns"); edges resize; both are kept.
                columnVisibilityModel={grid.columnVisibilityModel}
                onColumnVisibilityModelChange={grid.onColumnVisibilityModelChange}
                onColumnWidthChange={grid.onColumnWidthChange}
                // Skeletons while the rows are not yet the answer to the filters; a refresh keeps them.
                loading={page.isPending || page.isPlaceholderData}
                hideFooter
                density="compact"
                disableRowSelectionOnClick
                disableColumnFilter
                // The server orders by time; sorting one page locally would only mislead.
                disableColumnSorting
                localeText={{ noRowsLabel: 'No audit entries yet.' }}
                slotProps={{ loadingOverlay: { variant: 'skeleton', noRowsVariant: 'skeleton' } }}
              />
            </Paper>
          )}
          {opened && <ChangePanel entry={opened} onClose={() => setOpenedId(null)} />}
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }} component="nav" aria-label="Audit log pages">
            <Button onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length === 1}>
              Newer
            </Button>
            <Typography variant="body2" data-testid="audit-page">
              Page {cursors.length}
              {shown > 0 && ` · entries ${first}–${first + shown - 1}`}
            </Typography>
            <Button
              onClick={() => setCursors([...cursors, page.data!.nextCursor!])}
              disabled={!page.data?.nextCursor || page.isPlaceholderData}
            >
              Older
            </Button>
            <Box sx={{ flex: 1 }} />
            <ExportControls exporter={exporter} disabled={!shown || exporting} filtered={filtered} />
          </Stack>
        </>
      )}
    </Page>
  );
}

function actorLabel(actorId: string | null, names: { credential: (id: string) => string | undefined }): string {
  return actorId ? (names.credential(actorId) ?? actorId) : 'system';
}

interface ExportState {
  format: ExportFormat;
  count: number;
}

/** Export of every entry the filters match: one at a time, with a count while it runs and a way to stop it. */
function useExport(filter: ReturnType<typeof auditQuery>) {
  const api = useApi();
  const [state, setState] = useState<ExportState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const start = async (format: ExportFormat) => {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setState({ format, count: 0 });
    try {
      const entries = await collectAudit(api.audit.list, filter, (count) => setState({ format, count }), controller.signal);
      download(`audit.${format}`, EXPORT_TYPES[format], exportText(format, entries));
    } catch (e) {
      if (!(e instanceof ExportCancelled)) setError(`The export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      abort.current = null;
      setState(null);
    }
  };
  return { state, error, start, cancel: () => abort.current?.abort() };
}

function ExportControls({
  exporter,
  disabled,
  filtered,
}: {
  exporter: ReturnType<typeof useExport>;
  disabled: boolean;
  filtered: boolean;
}) {
  const { state, error } = exporter;
  const what = filtered ? 'every entry matching the filters' : 'every entry';
  return (
    <>
      {state && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} role="status" data-testid="audit-export-progress">
          <CircularProgress size={16} aria-hidden />
          <Typography variant="body2">
            Exporting {state.format.toUpperCase()}… {state.count.toLocaleString()} entries
          </Typography>
          <Button size="small" onClick={exporter.cancel}>
            Cancel export
          </Button>
        </Stack>
      )}
      {error && (
        <Typography variant="body2" color="error" role="alert">
          {error}
        </Typography>
      )}
      <Tooltip title={`Saves ${what}, not only this page`} describeChild>
        <span>
          <Button onClick={() => void exporter.start('csv')} disabled={disabled}>
            Export CSV
          </Button>
        </span>
      </Tooltip>
      <Tooltip title={`Saves ${what}, not only this page`} describeChild>
        <span>
          <Button onClick={() => void exporter.start('json')} disabled={disabled}>
            Export JSON
          </Button>
        </span>
      </Tooltip>
    </>
  );
}

/** Names for ids, from the lists other screens load anyway; an id not found stays an id. */
function useNames() {
  const roles = useRoles().data;
  const users = useUsers().data;
  const groups = useGroups().data;
  const backends = useBackends().data;
  const credentialList = useAllCredentials();
  const credentials = credentialList.data;
  const { refetch, dataUpdatedAt } = credentialList;
  return useMemo(() => {
    const index = (list: { id: string; name: string }[] | undefined) => new Map((list ?? []).map((x) => [x.id, x.name]));
    const byType: Record<string, Map<string, string>> = {
      role: index(roles),
      user: index(users),
      group: index(groups),
      backend: index(backends),
      credential: index(credentials),
    };
    return {
      of: (type: string, id: string) => byType[type]?.get(id),
      credential: (id: string) => byType.credential!.get(id),
      credentials: credentials ?? [],
      /** Loads the credentials again if the list is older than `maxAgeMs`: another admin may have made some since. */
      refreshCredentials: (maxAgeMs = 0) => {
        if (Date.now() - dataUpdatedAt >= maxAgeMs) void refetch();
      },
    };
  }, [roles, users, groups, backends, credentials, refetch, dataUpdatedAt]);
}

/** Asks for the credential list again once when a page names an actor it does not know (made since it was cached). */
function useKnownActors(entries: readonly AuditEntry[] | undefined, names: ReturnType<typeof useNames>) {
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const unknown = (entries ?? []).map((e) => e.actorId).filter((id): id is string => id !== null && !names.credential(id));
    if (unknown.length === 0 || unknown.every((id) => asked.current.has(id))) return;
    for (const id of unknown) asked.current.add(id);
    names.refreshCredentials();
  }, [entries, names]);
}

/** Saves text as a file through the browser (no Node in the renderer). */
function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

const KIND_COLOR = { added: 'success.main', removed: 'error.main', changed: 'text.primary' } as const;

/** The change one entry records: items added and removed, fields old → new. */
function ChangePanel({ entry, onClose }: { entry: AuditEntry; onClose: () => void }) {
  const lines = auditDiff(entry.before, entry.after);
  return (
    <Paper variant="outlined" sx={{ mt: 1, p: 2 }} data-testid="audit-change" component="section" aria-label="Change of the chosen entry">
      <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center', mb: 1 }}>
        <Typography variant="subtitle2" component="h2">
          {entry.action} · {new Date(entry.at).toLocaleString()}
        </Typography>
        <Button size="small" onClick={onClose}>
          Hide change
        </Button>
      </Stack>
      <Box component="ul" sx={{ m: 0, pl: 2.5, fontFamily: 'monospace', fontSize: 14 }}>
        {lines.map((l, i) => (
          <Box component="li" key={i} sx={{ color: KIND_COLOR[l.kind] }}>
            {l.text}
          </Box>
        ))}
      </Box>
    </Paper>
  );
}
