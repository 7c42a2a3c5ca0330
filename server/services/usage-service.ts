import { ApiError } from '../../shared/api/errors.ts';
import type { UsageOverviewParams, UsageParams } from '../../shared/api/lifecycle-schemas.ts';
import {
  BUCKET_MS,
  MAX_USAGE_POINTS,
  type CredentialUsage,
  type UsageBucket,
  type UsageOverview,
  type UsagePoint,
  type UsageTop,
} from '../../shared/domain/lifecycle.ts';
import type { DecisionReason } from '../../shared/domain/types.ts';
import type { UsageCounter, UsageRow } from '../authz/usage-counter.ts';
import { notFound, type ServiceContext } from './context.ts';

// Usage answers (DESIGN §4): dense series of allowed / denied (by reason) per minute, hour or
// day, from the database rows plus this instance's counts not yet written.

const DAY_MS = BUCKET_MS.day;

interface Range {
  fromMs: number;
  toMs: number;
  bucket: UsageBucket;
}

/** The instant of a date-time the schema admitted; 400 for one no clock has (a leap second :60). */
function instant(text: string, field: 'from' | 'to'): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new ApiError('invalid_request', `"${field}" (${text.slice(0, 40)}) is not a date-time the server can place.`, { field });
  return ms;
}

/** Validates the range: from < to, at most MAX_USAGE_POINTS buckets; defaults to the last 24 hours. */
export function usageRange(params: UsageParams, nowMs: number): Range {
  const toMs = params.to ? instant(params.to, 'to') : nowMs;
  const span = params.from ? toMs - instant(params.from, 'from') : DAY_MS;
  const bucket: UsageBucket = params.bucket ?? (span <= 6 * 3_600_000 ? 'minute' : span <= 14 * DAY_MS ? 'hour' : 'day');
  const size = BUCKET_MS[bucket];
  const fromMs = Math.floor((toMs - span) / size) * size;
  if (!(span > 0))
    throw new ApiError('invalid_request', 'The start of the range (from) must be earlier than its end (to).', { field: 'from' });
  const points = Math.ceil((toMs - fromMs) / size);
  if (points > MAX_USAGE_POINTS) {
    throw new ApiError(
      'invalid_request',
      `That range holds ${points} ${bucket}s; one answer holds at most ${MAX_USAGE_POINTS} points. Choose a shorter range or a larger bucket.`,
      { field: 'bucket', points, maxPoints: MAX_USAGE_POINTS },
    );
  }
  return { fromMs, toMs, bucket };
}

interface Count {
  credentialId: string;
  atMs: number;
  reason: string;
  count: number;
}

async function counts(ctx: ServiceContext, counter: UsageCounter | null, range: Range, credentialId: string | null): Promise<Count[]> {
  const minuteTable = range.bucket === 'minute';
  const unit = minuteTable ? 60_000 : 3_600_000;
  const from = Math.floor(range.fromMs / unit);
  const to = Math.floor((range.toMs - 1) / unit);
  let query = ctx.db
    .selectFrom(minuteTable ? 'usage_minute' : 'usage_hour')
    .select(['credential_id', 'bucket', 'reason', 'count'])
    .where('bucket', '>=', from)
    .where('bucket', '<=', to);
  if (credentialId !== null) query = query.where('credential_id', '=', credentialId);
  const rows: Count[] = (await query.execute()).map((r) => ({
    credentialId: r.credential_id,
    atMs: Number(r.bucket) * unit,
    reason: r.reason,
    count: Number(r.count),
  }));
  const pending: UsageRow[] = counter?.pending() ?? [];
  for (const p of pending) {
    if (credentialId !== null && p.credentialId !== credentialId) continue;
    const atMs = p.minute * 60_000;
    if (atMs < range.fromMs || atMs >= range.toMs) continue;
    rows.push({ credentialId: p.credentialId, atMs: Math.floor(atMs / unit) * unit, reason: p.reason, count: p.count });
  }
  return rows;
}

function series(range: Range, rows: Count[]): { series: UsagePoint[]; totals: { allowed: number; denied: number } } {
  const size = BUCKET_MS[range.bucket];
  const points: UsagePoint[] = [];
  for (let at = range.fromMs; at < range.toMs; at += size)
    points.push({ at: new Date(at).toISOString(), allowed: 0, denied: 0, byReason: {} });
  const totals = { allowed: 0, denied: 0 };
  for (const row of rows) {
    const index = Math.floor((row.atMs - range.fromMs) / size);
    const point = points[index];
    if (!point) continue;
    if (row.reason === 'granted') {
      point.allowed += row.count;
      totals.allowed += row.count;
    } else {
      point.denied += row.count;
      totals.denied += row.count;
      const reason = row.reason as DecisionReason;
      point.byReason[reason] = (point.byReason[reason] ?? 0) + row.count;
    }
  }
  return { series: points, totals };
}

export async function credentialUsage(
  ctx: ServiceContext,
  counter: UsageCounter | null,
  id: string,
  params: UsageParams,
): Promise<CredentialUsage> {
  const exists = await ctx.db.selectFrom('credentials').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw notFound('credential', id);
  const range = usageRange(params, ctx.now());
  return { credentialId: id, bucket: range.bucket, ...series(range, await counts(ctx, counter, range, id)) };
}

/** Totals over every credential, with the busiest and the most denied ones. */
export async function usageOverview(
  ctx: ServiceContext,
  counter: UsageCounter | null,
  params: UsageOverviewParams,
): Promise<UsageOverview> {
  const range = usageRange(params, ctx.now());
  const rows = await counts(ctx, counter, range, null);
  const per = new Map<string, { allowed: number; denied: number }>();
  for (const row of rows) {
    const entry = per.get(row.credentialId) ?? { allowed: 0, denied: 0 };
    if (row.reason === 'granted') entry.allowed += row.count;
    else entry.denied += row.count;
    per.set(row.credentialId, entry);
  }
  const ids = [...per.keys()].filter((id) => id !== '');
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const found = await ctx.db
      .selectFrom('credentials')
      .select(['id', 'name'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const f of found) names.set(f.id, f.name);
  }
  const entries: UsageTop[] = [...per].map(([id, c]) => ({
    credentialId: id === '' ? null : id,
    name: id === '' ? 'Unknown tokens' : (names.get(id) ?? 'Deleted credential'),
    ...c,
  }));
  const limit = params.limit ?? 10;
  const top = entries
    .filter((e) => e.credentialId !== null && e.allowed > 0)
    .sort((a, b) => b.allowed - a.allowed)
    .slice(0, limit);
  const mostDenied = entries
    .filter((e) => e.denied > 0)
    .sort((a, b) => b.denied - a.denied)
    .slice(0, limit);
  return { bucket: range.bucket, ...series(range, rows), top, mostDenied };
}
