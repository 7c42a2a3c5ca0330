import { Autocomplete, Box, Button, Chip, IconButton, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import CancelIcon from '@mui/icons-material/Cancel';
import FilterIcon from '@mui/icons-material/FilterAltOutlined';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { AuditEntry } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { useAllCredentials, useBackends, useGroups, useRoles, useUsers } from '../app/data.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, Page } from '../common/states.tsx';
import { abandonOnAbort } from '../common/use-debounced-value.ts';
import { auditCsv, auditDiff } from './audit-diff.ts';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, entryName } from './audit-names.ts';

export const AUDIT_PAGE_SIZE = 50;

interface TargetFilter {
  type: string;
  id: string;
  label: string;
}

/** Every write on the server, newest first, paged by cursor and filtered by action and target. */
export function AuditScreen() {
  const api = useApi();
  const session = useSession();
  const names = useNames();
  const [action, setAction] = useState('');
  const [targetType, setTargetType] = useState('');
  const [target, setTarget] = useState<TargetFilter | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const filter = {
    ...(action ? { action } : {}),
    ...(target ? { targetType: target.type, targetId: target.id } : targetType ? { targetType } : {}),
  };
  const page = useQuery({
    queryKey: qk.audit(session.profileId, { ...filter, cursor: cursor ?? null }),
    queryFn: ({ signal }) => abandonOnAbort(api.audit.list({ limit: AUDIT_PAGE_SIZE, ...filter, ...(cursor ? { cursor } : {}) }), signal),
    placeholderData: keepPreviousData,
    enabled: session.state === 'online',
  });
  // Any change of filter starts again from the newest entry.
  const refilter = (change: () => void) => {
    change();
    setCursors([undefined]);
  };

  const columns = useMemo<GridColDef<AuditEntry>[]>(
    () => [
      { field: 'at', headerName: 'When', width: 200, valueFormatter: (v: string) => new Date(v).toLocaleString() },
      { field: 'action', headerName: 'Action', flex: 0.8, minWidth: 170 },
      {
        field: 'actorId',
        headerName: 'Actor',
        flex: 0.7,
        minWidth: 150,
        valueGetter: (_v, row) => (row.actorId ? (names.credential(row.actorId) ?? row.actorId) : 'system'),
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
                    onClick={() => refilter(() => setTarget({ type: row.target.type, id: row.target.id!, label: label ?? row.target.id! }))}
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
  const filtered = Boolean(action || targetType || target);
  return (
    <Page title="Audit log" intro="Every change made on the server, by whom and to what. Secrets never appear here.">
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <Autocomplete
          freeSolo
          options={AUDIT_ACTIONS}
          value={action || null}
          // Applied when picked from the list or confirmed with Enter, not on every keystroke.
          onChange={(_, v) => refilter(() => setAction((v ?? '').trim()))}
          sx={{ width: 280 }}
          renderInput={(p) => (
            <TextField
              {...p}
              label="Action"
              placeholder="Any action"
              slotProps={{ ...p.slotProps, inputLabel: { ...p.slotProps.inputLabel, shrink: true } }}
            />
          )}
        />
        {target ? (
          <Chip
            label={`Target: ${target.type} ${target.label}`}
            onDelete={() => refilter(() => setTarget(null))}
            deleteIcon={<CancelIcon titleAccess="Remove the target filter" />}
            slotProps={{ root: { 'data-testid': 'audit-target-filter' } as object }}
          />
        ) : (
          <TextField
            select
            label="Target type"
            value={targetType}
            onChange={(e) => refilter(() => setTargetType(e.target.value))}
            sx={{ width: 200 }}
            slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
          >
            <MenuItem value="">Any target</MenuItem>
            {AUDIT_TARGET_TYPES.map((t) => (
              <MenuItem key={t} value={t}>
                {t}
              </MenuItem>
            ))}
          </TextField>
        )}
        {filtered && (
          <Button
            onClick={() =>
              refilter(() => {
                setAction('');
                setTargetType('');
                setTarget(null);
              })
            }
          >
            Clear filters
          </Button>
        )}
      </Stack>
      {page.error ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : (
        <>
          <Paper variant="outlined" sx={{ height: 560 }}>
            <DataGrid
              aria-label="Audit log"
              rows={page.data?.items ?? []}
              columns={columns}
              loading={page.isFetching}
              hideFooter
              density="compact"
              disableRowSelectionOnClick
              disableColumnFilter
              // The server orders by time; sorting one page locally would only mislead.
              disableColumnSorting
              disableColumnMenu
              localeText={{ noRowsLabel: filtered ? 'No audit entry matches these filters.' : 'No audit entries yet.' }}
              slotProps={{ loadingOverlay: { variant: 'skeleton', noRowsVariant: 'skeleton' } }}
            />
          </Paper>
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
            <Button onClick={() => download('audit.csv', 'text/csv', auditCsv(page.data?.items ?? []))} disabled={!shown}>
              Export CSV
            </Button>
            <Button
              onClick={() => download('audit.json', 'application/json', JSON.stringify(page.data?.items ?? [], null, 2))}
              disabled={!shown}
            >
              Export JSON
            </Button>
          </Stack>
        </>
      )}
    </Page>
  );
}

/** Names for ids, from the lists other screens load anyway; an id not found stays an id. */
function useNames() {
  const roles = useRoles().data;
  const users = useUsers().data;
  const groups = useGroups().data;
  const backends = useBackends().data;
  const credentials = useAllCredentials().data;
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
    };
  }, [roles, users, groups, backends, credentials]);
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
