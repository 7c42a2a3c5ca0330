import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { RetryingBatch } from './retrying-batch.ts';

// lastUsedAt is recorded off the hot path: an authorization only sets a number in a Map. Reads
// of this instance see the in-memory value at once (overlay); a timer writes each credential
// at most about once a minute (a first use within one flush interval), in one batched
// transaction, so authorization never waits for the disk. A flush that fails (database down)
// keeps its values, merged with newer uses, and the next flush writes them (RetryingBatch).

const WRITE_EVERY_MS = 60_000;

export class LastUsedTracker {
  readonly #batch: RetryingBatch<string, number>;
  readonly #lastWritten = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(db: Kysely<Database>, flushEveryMs: number, onError: (error: unknown, kept: number) => void) {
    this.#batch = new RetryingBatch<string, number>({
      merge: (older, newer) => Math.max(older, newer),
      write: (batch) => write(db, batch),
    });
    this.#timer = setInterval(() => void this.flush(false).catch((error: unknown) => onError(error, this.#batch.size)), flushEveryMs);
    this.#timer.unref();
  }

  touch(credentialId: string, nowMs: number): void {
    this.#batch.add(credentialId, nowMs);
  }

  /** The in-memory last use, newer than what the database may hold. */
  overlay(credentialId: string): string | undefined {
    const ms = this.#batch.peek(credentialId);
    return ms === undefined ? undefined : new Date(ms).toISOString();
  }

  /** Uses recorded and not yet written (kept across failed flushes). */
  get unwritten(): number {
    return this.#batch.size;
  }

  /** Writes due entries (all of them when `all`, as at shutdown); rejects if the database refused. */
  async flush(all: boolean): Promise<void> {
    const now = Date.now();
    const written = await this.#batch.flush((id) => {
      const at = this.#lastWritten.get(id);
      return all || at === undefined || now - at >= WRITE_EVERY_MS;
    });
    for (const id of written) this.#lastWritten.set(id, now);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush(true);
  }
}

async function write(db: Kysely<Database>, batch: ReadonlyMap<string, number>): Promise<void> {
  // Several instances flush the same credentials: rows are locked in one order (no deadlock
  // between two flushes) and an older use never overwrites a newer one.
  const due = [...batch].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  await db.transaction().execute(async (tx) => {
    for (const [id, ms] of due) {
      const at = new Date(ms).toISOString();
      await tx
        .updateTable('credentials')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    }
  });
}
