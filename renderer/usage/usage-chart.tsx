import { Box, Table, TableBody, TableCell, TableHead, TableRow, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { BarChart } from '@mui/x-charts/BarChart';
import { useMemo, useState } from 'react';
import type { UsageBucket, UsagePoint } from '../../shared/domain/lifecycle.ts';
import type { DecisionReason } from '../../shared/domain/types.ts';

// Allowed and denied requests over time, denied stacked by reason, with the same numbers as a
// table for screen readers and for anyone who prefers reading them.

export const RANGES = [
  { id: '24h', label: '24 h', ms: 86_400_000, bucket: 'hour' },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000, bucket: 'hour' },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000, bucket: 'day' },
] as const satisfies readonly { id: string; label: string; ms: number; bucket: UsageBucket }[];
export type RangeId = (typeof RANGES)[number]['id'];

// Keyed by string: reasons newer than this list still show, by their code.
export const REASON_LABELS: Record<string, string> = {
  unknown_token: 'Unknown token',
  disabled: 'Disabled',
  revoked: 'Revoked',
  expired: 'Expired',
  ip_not_allowed: 'Address not allowed',
  no_roles: 'No roles',
  not_permitted: 'Not permitted',
  missing_roles: 'Missing roles',
  no_route: 'No backend',
  invalid_path: 'Invalid path',
  stale_cache: 'Stale cache',
};

/** The query range of a choice, ending now. */
export function rangeQuery(id: RangeId): { from: string; to: string; bucket: UsageBucket } {
  const range = RANGES.find((r) => r.id === id)!;
  const to = Date.now();
  return { from: new Date(to - range.ms).toISOString(), to: new Date(to).toISOString(), bucket: range.bucket };
}

export function RangePicker({ value, onChange }: { value: RangeId; onChange: (id: RangeId) => void }) {
  return (
    <ToggleButtonGroup size="small" exclusive value={value} onChange={(_, v: RangeId | null) => v && onChange(v)} aria-label="Time range">
      {RANGES.map((r) => (
        <ToggleButton key={r.id} value={r.id}>
          {r.label}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}

function label(at: string, bucket: UsageBucket): string {
  const d = new Date(at);
  return bucket === 'day'
    ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: bucket === 'minute' ? '2-digit' : undefined });
}

export function UsageChart({
  series,
  bucket,
  title,
  summary = null,
}: {
  series: UsagePoint[];
  bucket: UsageBucket;
  title: string;
  /** Shown beside the title (the totals). */
  summary?: React.ReactNode;
}) {
  const theme = useTheme();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const reasons = useMemo(() => {
    const seen = new Set<DecisionReason>();
    for (const p of series) for (const r of Object.keys(p.byReason) as DecisionReason[]) seen.add(r);
    return [...seen];
  }, [series]);
  const deniedColors = [
    theme.palette.error.main,
    theme.palette.warning.main,
    theme.palette.secondary.main,
    theme.palette.info.main,
    theme.palette.error.dark,
  ];
  const chartSeries = [
    { id: 'allowed', label: 'Allowed', data: series.map((p) => p.allowed), stack: 'requests', color: theme.palette.success.main },
    ...reasons.map((r, i) => ({
      id: r,
      label: `Denied: ${REASON_LABELS[r] ?? r}`,
      data: series.map((p) => p.byReason[r] ?? 0),
      stack: 'requests',
      color: deniedColors[i % deniedColors.length]!,
    })),
  ];
  const labels = series.map((p) => label(p.at, bucket));
  const empty = series.every((p) => p.allowed === 0 && p.denied === 0);
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mb: 1 }}>
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2 }}>
          <Typography variant="h2" component="h2">
            {title}
          </Typography>
          {summary}
        </Box>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={view}
          onChange={(_, v: 'chart' | 'table' | null) => v && setView(v)}
          aria-label="Show as"
        >
          <ToggleButton value="chart">Chart</ToggleButton>
          <ToggleButton value="table">Table</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      {empty && (
        <Typography color="text.secondary" sx={{ mb: 1 }} data-testid="usage-empty">
          No requests in this range.
        </Typography>
      )}
      {view === 'chart' ? (
        <Box role="img" aria-label={`${title}: bar chart, see the table view for the numbers`} data-testid="usage-chart">
          <BarChart
            height={260}
            series={chartSeries}
            xAxis={[{ data: labels, scaleType: 'band', tickLabelStyle: { fontSize: 11 } }]}
            // With no request at all the axis would span 0 to 0 and show one cut-off "0.0…" tick.
            yAxis={[{ tickMinStep: 1, ...(empty ? { max: 1 } : {}) }]}
            margin={{ left: 8, right: 24, top: 8, bottom: 8 }}
            slotProps={{ legend: { position: { vertical: 'bottom', horizontal: 'center' } } }}
          />
        </Box>
      ) : (
        // Focusable, so the keyboard can scroll the table (axe: scrollable-region-focusable).
        <Box sx={{ maxHeight: 320, overflow: 'auto' }} tabIndex={0} role="region" aria-label={`${title}, as a table`}>
          <Table size="small" aria-label={title} data-testid="usage-table">
            <TableHead>
              <TableRow>
                <TableCell>From</TableCell>
                <TableCell align="right">Allowed</TableCell>
                <TableCell align="right">Denied</TableCell>
                <TableCell>Denied because</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {series.map((p, i) => (
                <TableRow key={p.at}>
                  <TableCell>{labels[i]}</TableCell>
                  <TableCell align="right">{p.allowed.toLocaleString()}</TableCell>
                  <TableCell align="right">{p.denied.toLocaleString()}</TableCell>
                  <TableCell>
                    {Object.entries(p.byReason)
                      .map(([r, n]) => `${REASON_LABELS[r] ?? r} ${n}`)
                      .join(', ')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Box>
  );
}
