import { sql, type Kysely } from 'kysely';
import { DECISION_REASONS, type DecisionReason } from '../../shared/domain/types.ts';
import type { Database } from '../storage/schema.ts';

// Usage counting (DESIGN §3.13). The hot path only increments a number in a typed array kept per
// credential and minute (an array is allocated the first time a credential is seen in a minute,
// never per request); a timer adds the counts to the database in batches (upserts that add, so
// several instances sum into the same rows) at most FLUSH_MS late. A batch that fails (database
// down) is merged back and retried with the next one, so an outage loses nothing; a kill -9 loses
// at most the counts of the last flush interval.

const REASON_COUNT = DECISION_REASONS.length;
const REASON_INDEX: Record<string, number> = Object.fromEntries(DECISION_REASONS.map((r, i) => [r, i]));
const MINUTE_MS = 60_000;
const MINUTE_ROWS_KEPT = 2 * 24 * 60; // 2 days of minutes
const HOUR_ROWS_KEPT = 400 * 24; // 400 days of hours
/** Retried counts are kept for at most this many credential-minutes during a long outage. */
const MAX_RETRY_ENTRIES = 500_000;

/** Counts of one minute: credential id ("" = unknown token) → count per reason index. */
type MinuteCounts = Map<string, Uint32Array>;

export interface UsageRow {
  credentialId: string;
  minute: number;
  reason: DecisionReason;
  count: number;
}

export class UsageCounter {
  readonly #db: Kysely<Database>;
  readonly #onError: (error: unknown) => void;
  readonly #onDropped: (dropped: { credentialMinutes: number; until: string }) => void;
  readonly #maxRetryEntries: number;
  readonly #timer: NodeJS.Timeout;
  #minute = -1;
  #current: MinuteCounts = new Map();
  /** Minutes that ended and counts that failed to be written, waiting for the next flush. */
  readonly #waiting = new Map<number, MinuteCounts>();
  /** Taken by the write under way: still counted by pending() until it has committed. */
  #inFlight: [number, MinuteCounts][] | null = null;
  /** Flushes run one at a time, each after the previous one ended. */
  #flushing: Promise<void> = Promise.resolve();
  /** A flush queued behind the running one and not yet started: later calls share it. */
  #queued: Promise<void> | null = null;
  #retryEntries = 0;

  constructor(
    db: Kysely<Database>,
    flushEveryMs: number,
    onError: (error: unknown) => void,
    options: { onDropped?: (dropped: { credentialMinutes: number; until: string }) => void; maxRetryEntries?: number } = {},
  ) {
    this.#db = db;
    this.#onError = onError;
    this.#onDropped = options.onDropped ?? (() => {});
    this.#maxRetryEntries = options.maxRetryEntries ?? MAX_RETRY_ENTRIES;
    this.#timer = setInterval(() => void this.flush(), flushEveryMs);
    this.#timer.unref();
  }

  /** One decision. Hot path: a division, a Map lookup and an increment. */
  count(credentialId: string | null, reason: string, nowMs: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute !== this.#minute) this.#rollTo(minute);
    const id = credentialId ?? '';
    let counts = this.#current.get(id);
    if (counts === undefined) {
      counts = new Uint32Array(REASON_COUNT);
      this.#current.set(id, counts);
    }
    counts[REASON_INDEX[reason] ?? 0]! += 1;
  }

  #rollTo(minute: number): void {
    if (this.#current.size > 0) this.#merge(this.#minute, this.#current);
    this.#minute = minute;
    this.#current = new Map();
  }

  #merge(minute: number, counts: MinuteCounts): void {
    let target = this.#waiting.get(minute);
    if (!target) {
      target = new Map();
      this.#waiting.set(minute, target);
    }
    for (const [id, add] of counts) {
      const have = target.get(id);
      if (!have) {
        target.set(id, add);
        this.#retryEntries += 1;
      } else for (let i = 0; i < REASON_COUNT; i += 1) have[i]! += add[i]!;
    }
  }

  /** Counts not yet in the database, as rows (this instance only): usage answers add them. */
  pending(): UsageRow[] {
    const rows: UsageRow[] = [];
    const add = (minute: number, counts: MinuteCounts) => {
      for (const [credentialId, c] of counts)
        for (let i = 0; i < REASON_COUNT; i += 1)
          if (c[i]! > 0) rows.push({ credentialId, minute, reason: DECISION_REASONS[i]!, count: c[i]! });
    };
    for (const [minute, counts] of this.#inFlight ?? []) add(minute, counts);
    for (const [minute, counts] of this.#waiting) add(minute, counts);
    add(this.#minute, this.#current);
    return rows;
  }

  /**
   * Adds every count so far to the database; failures stay queued for the next flush. Never two
   * writes at once: while one is slow (a database that hangs, a lock), timer ticks share the one
   * flush queued behind it, which takes everything counted until it starts.
   */
  flush(): Promise<void> {
    this.#queued ??= this.#flushing.then(() => {
      this.#queued = null;
      return this.#write();
    });
    this.#flushing = this.#queued;
    return this.#queued;
  }

  async #write(): Promise<void> {
    if (this.#current.size > 0) {
      this.#merge(this.#minute, this.#current);
      this.#current = new Map();
    }
    if (this.#waiting.size === 0) return;
    const batch = [...this.#waiting];
    this.#waiting.clear();
    this.#retryEntries = 0;
    this.#inFlight = batch;
    const minuteRows: { credential_id: string; bucket: number; reason: string; count: number }[] = [];
    const hours = new Map<string, { credential_id: string; bucket: number; reason: string; count: number }>();
    for (const [minute, counts] of batch) {
      const hour = Math.floor(minute / 60);
      for (const [id, c] of counts) {
        for (let i = 0; i < REASON_COUNT; i += 1) {
          if (c[i] === 0) continue;
          const reason = DECISION_REASONS[i]!;
          minuteRows.push({ credential_id: id, bucket: minute, reason, count: c[i]! });
          const key = `${id}\u0000${hour}\u0000${reason}`;
          const row = hours.get(key);
          if (row) row.count += c[i]!;
          else hours.set(key, { credential_id: id, bucket: hour, reason, count: c[i]! });
        }
      }
    }
    try {
      await this.#db.transaction().execute(async (tx) => {
        await upsertAdd(tx, 'usage_minute', minuteRows);
        await upsertAdd(tx, 'usage_hour', [...hours.values()]);
      });
      this.#inFlight = null;
    } catch (error) {
      // Kept, merged with newer counts, written by the next flush.
      this.#inFlight = null;
      for (const [minute, counts] of batch) this.#merge(minute, counts);
      this.#dropOldestBeyondCap();
      this.#onError(error);
    }
  }

  #dropOldestBeyondCap(): void {
    if (this.#retryEntries <= this.#maxRetryEntries) return;
    const minutes = [...this.#waiting.keys()].sort((a, b) => a - b);
    let dropped = 0;
    let until = 0;
    for (const minute of minutes) {
      if (this.#retryEntries <= this.#maxRetryEntries) break;
      const size = this.#waiting.get(minute)!.size;
      this.#retryEntries -= size;
      dropped += size;
      until = minute;
      this.#waiting.delete(minute);
    }
    // Said once per flush that drops, so a gap in the charts is explained in the log.
    this.#onDropped({ credentialMinutes: dropped, until: new Date((until + 1) * MINUTE_MS).toISOString() });
  }

  /** Deletes minute rows older than 2 days and hour rows older than 400 days (run by server/housekeeping.ts). */
  async prune(nowMs: number): Promise<void> {
    const minute = Math.floor(nowMs / MINUTE_MS);
    await this.#db
      .deleteFrom('usage_minute')
      .where('bucket', '<', minute - MINUTE_ROWS_KEPT)
      .execute();
    await this.#db
      .deleteFrom('usage_hour')
      .where('bucket', '<', Math.floor(minute / 60) - HOUR_ROWS_KEPT)
      .execute();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}

type Tx = Parameters<Parameters<ReturnType<Kysely<Database>['transaction']>['execute']>[0]>[0];

async function upsertAdd(
  tx: Tx,
  table: 'usage_minute' | 'usage_hour',
  rows: { credential_id: string; bucket: number; reason: string; count: number }[],
): Promise<void> {
  // Sorted so that two instances flushing at once lock rows in the same order (no deadlock).
  rows.sort((a, b) =>
    a.credential_id < b.credential_id ? -1 : a.credential_id > b.credential_id ? 1 : a.bucket - b.bucket || (a.reason < b.reason ? -1 : 1),
  );
  for (let i = 0; i < rows.length; i += 200) {
    // A SQLite statement runs synchronously: a turn of the event loop between chunks keeps a
    // large flush from holding up the authorizations answered meanwhile.
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await tx
      .insertInto(table)
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc
          .columns(['credential_id', 'bucket', 'reason'])
          .doUpdateSet({ count: sql<number>`${sql.ref(`${table}.count`)} + excluded.count` }),
      )
      .execute();
  }
}
