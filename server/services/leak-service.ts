import { ApiError } from '../../shared/api/errors.ts';
import type { LeakReportBody } from '../../shared/api/lifecycle-schemas.ts';
import { clientKey } from '../../shared/domain/cidr.ts';
import { checksumMatches, TOKEN_PATTERN } from '../../shared/domain/token.ts';
import { credentialFromRow } from '../storage/rows.ts';
import type { Actor, ServiceContext } from './context.ts';

// Leaked-token reports (DESIGN §3.14): anyone may report a token, without authentication. A
// reported active credential is revoked at once and marked leaked; the answer is the same 202
// whatever the token (valid, revoked, unknown, malformed-but-well-formed JSON), so reporting
// reveals nothing. The only thing a report can "learn" is that a token it holds was valid, at
// the moment that token stops working. Reports are limited per client address.

const REPORTER: Actor = { id: null, permits: () => false };
const RECEIVED = { received: true as const };

/**
 * A fixed one-minute window per address, bounded in size (oldest addresses evicted first).
 * IPv6 clients are counted per /64 (clientKey), so a host with a whole /64 gets one window.
 */
export class ReportLimiter {
  readonly #windows = new Map<string, { startMs: number; count: number }>();
  readonly #limit: number;
  constructor(limit = 10) {
    this.#limit = limit;
  }
  /** Milliseconds to wait, or 0 when this report may go ahead (and is counted). */
  take(address: string, nowMs: number): number {
    const ip = clientKey(address);
    const w = this.#windows.get(ip);
    if (w && nowMs - w.startMs < 60_000) {
      if (w.count >= this.#limit) return w.startMs + 60_000 - nowMs;
      w.count += 1;
      return 0;
    }
    if (this.#windows.size >= 10_000) this.#windows.delete(this.#windows.keys().next().value!);
    this.#windows.delete(ip);
    this.#windows.set(ip, { startMs: nowMs, count: 1 });
    return 0;
  }
}

/** Replaces the reported token wherever it appears in a reporter-supplied text. */
function scrub(text: string | undefined, token: string): string | null {
  if (text === undefined) return null;
  return token.length >= 8 ? text.split(token).join('[redacted]') : text;
}

export async function reportLeak(ctx: ServiceContext, limiter: ReportLimiter, ip: string, body: LeakReportBody): Promise<typeof RECEIVED> {
  const nowMs = ctx.now();
  const wait = limiter.take(ip, nowMs);
  if (wait > 0)
    throw new ApiError('too_many_requests', `Too many leak reports from this address; try again in ${Math.ceil(wait / 1000)} s.`, {
      retryAfter: Math.ceil(wait / 1000),
    });
  const token = body.token.trim();
  // A kw_ token with a wrong checksum names no credential; nothing to look up.
  if (TOKEN_PATTERN.test(token) && !checksumMatches(token)) return RECEIVED;
  const hash = ctx.hasher.hash(token);
  const report = { source: scrub(body.source, token), url: scrub(body.url, token), reportedAt: new Date(nowMs).toISOString() };
  await ctx.write(REPORTER, async (tx) => {
    const nowIso = new Date(nowMs).toISOString();
    const row = await tx
      .selectFrom('credentials')
      .selectAll()
      .where((eb) =>
        eb.or([eb('secret_hash', '=', hash), eb.and([eb('previous_hash', '=', hash), eb('previous_valid_until', '>', nowIso)])]),
      )
      .executeTakeFirst();
    // Unknown or already revoked: nothing changes (and the answer is the same).
    if (!row || row.status === 'revoked') return { value: undefined, audit: [], events: [] };
    const roles = (
      await tx.selectFrom('credential_roles').select('role_id').where('credential_id', '=', row.id).orderBy('position').execute()
    ).map((r) => r.role_id);
    const before = credentialFromRow(row, roles, nowMs);
    const version = Number(row.version) + 1;
    // The whole credential is revoked even when the leaked secret is the previous one of a
    // roll with grace: whoever holds it may hold the new one too.
    await tx
      .updateTable('credentials')
      .set({ status: 'revoked', leaked_at: nowIso, previous_hash: null, previous_valid_until: null, version })
      .where('id', '=', row.id)
      .execute();
    const after = credentialFromRow(
      { ...row, status: 'revoked', leaked_at: nowIso, previous_hash: null, previous_valid_until: null, version },
      roles,
      nowMs,
    );
    return {
      value: undefined,
      audit: [{ action: 'credential.leak_reported', target: { type: 'credential', id: row.id }, before, after: { ...after, report } }],
      events: [{ kind: 'credential', id: row.id }],
    };
  });
  return RECEIVED;
}
