import type { Kysely } from 'kysely';
import type { UsageCounter } from './authz/usage-counter.ts';
import type { Database } from './storage/schema.ts';

// Background pruning (DESIGN §3.13, §3.15): usage minute rows after 2 days and hour rows after
// 400 days (UsageCounter.prune), and webhook messages that are done — delivered, or given up
// after 24 h — together with their attempts, 30 days after they were queued. The first run comes
// soon after start, not an interval later: a server restarted every few minutes (a deploy loop, a
// desktop app) would otherwise never prune. Several instances may prune at once; the deletes are
// idempotent.

export const PRUNE_FIRST_MS = 30_000;
export const PRUNE_EVERY_MS = 3_600_000;
/** Delivered and given-up messages stay in the delivery log this long. */
export const DONE_DELIVERIES_KEPT_MS = 30 * 86_400_000;
const BATCH = 500;

/** Deletes delivered and failed messages queued before `nowMs - DONE_DELIVERIES_KEPT_MS`, with their attempts. */
export async function pruneOutbox(db: Kysely<Database>, nowMs: number): Promise<number> {
  const cutoff = new Date(nowMs - DONE_DELIVERIES_KEPT_MS).toISOString();
  let pruned = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('webhook_outbox')
        .select('id')
        .where('status', 'in', ['delivered', 'failed'])
        .where('created_at', '<', cutoff)
        .limit(BATCH)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) return pruned;
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('webhook_attempts').where('outbox_id', 'in', ids).execute();
      // Re-checked: a message resent meanwhile is pending again and stays.
      const deleted = await tx
        .deleteFrom('webhook_outbox')
        .where('id', 'in', ids)
        .where('status', 'in', ['delivered', 'failed'])
        .where('created_at', '<', cutoff)
        .executeTakeFirst();
      pruned += Number(deleted.numDeletedRows);
    });
    if (ids.length < BATCH) return pruned;
  }
}

export interface HousekeepingOptions {
  db: Kysely<Database>;
  usage: UsageCounter;
  onError: (error: unknown) => void;
  firstMs?: number;
  everyMs?: number;
  now?: () => number;
}

/** Prunes `firstMs` after start and every `everyMs` after that, until stopped. */
export function startHousekeeping(options: HousekeepingOptions): { stop(): Promise<void> } {
  const now = options.now ?? Date.now;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout;
  const run = () => {
    running = running
      .then(async () => {
        if (stopped) return;
        await options.usage.prune(now());
        await pruneOutbox(options.db, now());
      })
      .catch(options.onError)
      .finally(schedule);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(run, options.everyMs ?? PRUNE_EVERY_MS);
    timer.unref();
  };
  timer = setTimeout(run, options.firstMs ?? PRUNE_FIRST_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
