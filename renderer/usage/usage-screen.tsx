import { Alert, Button, Card, CardContent, Grid, TableCell, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { UsageTop } from '../../shared/domain/lifecycle.ts';
import { useApi } from '../app/api.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { ErrorState, LoadingRows, Page } from '../common/states.tsx';
import { TableCard } from '../common/table-card.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';
import { RangePicker, rangeQuery, UsageChart, type RangeId } from './usage-chart.tsx';

/** Requests over every credential, the busiest and the most denied ones (DESIGN §5 Usage). */
export function UsageScreen() {
  const api = useApi();
  const session = useSession();
  const [range, setRange] = useState<RangeId>('24h');
  const overview = useQuery({
    queryKey: qk.usage(session.profileId, { overview: true, range }),
    queryFn: () => api.usage.overview({ ...rangeQuery(range), limit: 10 }),
    enabled: session.state === 'online',
  });
  return (
    <Page
      title="Usage"
      intro="Requests that services and proxies asked about, allowed and denied, per credential."
      actions={<RangePicker value={range} onChange={setRange} />}
    >
      {session.state !== 'online' ? (
        <Alert severity="info">Usage is counted on the server; connect to see it.</Alert>
      ) : overview.isPending ? (
        <LoadingRows label="Loading usage" />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <>
          <Card variant="outlined" sx={{ mb: 2 }}>
            <CardContent>
              <UsageChart
                series={overview.data.series}
                bucket={overview.data.bucket}
                title="All credentials"
                summary={
                  <Typography color="text.secondary" data-testid="usage-totals">
                    {overview.data.totals.allowed.toLocaleString()} allowed · {overview.data.totals.denied.toLocaleString()} denied
                  </Typography>
                }
              />
            </CardContent>
          </Card>
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, md: 6 }}>
              <TopList title="Busiest credentials" entries={overview.data.top} value="allowed" empty="No allowed requests in this range." />
            </Grid>
            <Grid size={{ xs: 12, md: 6 }}>
              <TopList title="Most denied" entries={overview.data.mostDenied} value="denied" empty="Nothing was denied in this range." />
            </Grid>
          </Grid>
        </>
      )}
    </Page>
  );
}

function TopList({ title, entries, value, empty }: { title: string; entries: UsageTop[]; value: 'allowed' | 'denied'; empty: string }) {
  const { openDialog } = useDialogs();
  return (
    <TableCard
      title={title}
      empty={entries.length === 0 ? empty : null}
      head={
        <>
          <TableCell>Credential</TableCell>
          <TableCell align="right">Allowed</TableCell>
          <TableCell align="right">Denied</TableCell>
        </>
      }
    >
      {entries.map((e) => (
        <TableRow key={e.credentialId ?? 'unknown'} selected={false}>
          <TableCell>
            {e.credentialId ? (
              <Button
                size="small"
                sx={{ textTransform: 'none', p: 0, minWidth: 0 }}
                onClick={() => openDialog({ type: 'credential-usage', credentialId: e.credentialId!, credentialName: e.name })}
              >
                {e.name}
              </Button>
            ) : (
              <Typography component="span" variant="body2" color="text.secondary">
                {e.name}
              </Typography>
            )}
          </TableCell>
          <TableCell align="right" sx={{ fontWeight: value === 'allowed' ? 600 : 400 }}>
            {e.allowed.toLocaleString()}
          </TableCell>
          <TableCell align="right" sx={{ fontWeight: value === 'denied' ? 600 : 400 }}>
            {e.denied.toLocaleString()}
          </TableCell>
        </TableRow>
      ))}
    </TableCard>
  );
}
