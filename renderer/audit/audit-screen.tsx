import { Button, Paper, Stack, TextField, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditEntry } from '../../shared/domain/types.ts';
import { useApi } from '../app/api.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { EmptyState, ErrorState, Page } from '../common/states.tsx';

const PAGE = 50;
const columns: GridColDef<AuditEntry>[] = [
  { field: 'at', headerName: 'When', width: 190, valueFormatter: (v: string) => new Date(v).toLocaleString() },
  { field: 'action', headerName: 'Action', flex: 1, minWidth: 180 },
  { field: 'actorId', headerName: 'Actor', width: 200, valueFormatter: (v: string | null) => v ?? 'system' },
  {
    field: 'target',
    headerName: 'Target',
    flex: 1,
    minWidth: 200,
    valueGetter: (_v, row) => `${row.target.type}${row.target.id ? ` ${row.target.id}` : ''}`,
  },
];

/** Every write on the server, newest first, filterable by action and target. */
export function AuditScreen() {
  const api = useApi();
  const session = useSession();
  const [action, setAction] = useState('');
  const [targetType, setTargetType] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const filter = { ...(action ? { action } : {}), ...(targetType ? { targetType } : {}) };
  const page = useQuery({
    queryKey: qk.audit(session.profileId, { ...filter, cursor: cursor ?? null }),
    queryFn: () => api.audit.list({ limit: PAGE, ...filter, ...(cursor ? { cursor } : {}) }),
    placeholderData: keepPreviousData,
    enabled: session.state === 'online',
  });
  const resetPaging = () => setCursors([undefined]);
  if (session.state !== 'online') {
    return (
      <Page title="Audit log">
        <EmptyState title="Offline" hint="The audit log lives on the server. Reconnect to read it." />
      </Page>
    );
  }
  return (
    <Page title="Audit log" intro="Every change made on the server, by whom and to what. Secrets never appear here.">
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField
          label="Action"
          placeholder="e.g. role.update"
          value={action}
          onChange={(e) => {
            setAction(e.target.value);
            resetPaging();
          }}
        />
        <TextField
          label="Target type"
          placeholder="e.g. credential"
          value={targetType}
          onChange={(e) => {
            setTargetType(e.target.value);
            resetPaging();
          }}
        />
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
              localeText={{ noRowsLabel: 'No audit entries match.' }}
              slotProps={{ loadingOverlay: { variant: 'skeleton', noRowsVariant: 'skeleton' } }}
            />
          </Paper>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }}>
            <Button onClick={() => setCursors(cursors.slice(0, -1))} disabled={cursors.length === 1}>
              Newer
            </Button>
            <Typography variant="body2">Page {cursors.length}</Typography>
            <Button onClick={() => setCursors([...cursors, page.data!.nextCursor!])} disabled={!page.data?.nextCursor}>
              Older
            </Button>
          </Stack>
        </>
      )}
    </Page>
  );
}
