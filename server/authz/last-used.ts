import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

// lastUsedAt is recorded off the hot path: an authorization only sets a number in a Map. Reads
// of this instance see the in-memory value at once (overlay); a timer writes each credential
// at most about once a minute (a first use within one flush interval), in one batched
// transaction, so authorization never waits for the disk.

const WRITE_EVERY_MS = 60_000;

export class LastUsedTracker {
  readonly #pending = new Map<string, number>();
  readonly #lastWritten = new Map<string, number>();
  readonly #db: Kysely<Database>;
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(db: Kysely<Database>, flushEveryMs: number, onError: (error: unknown) => void) {
    this.#db = db;
    this.#timer = setInterval(() => void this.flush(false).catch(onError), flushEveryMs);
    this.#timer.unref();
  }

  touch(credentialId: string, nowMs: number): void {
    this.#pending.set(credentialId, nowMs);
  }

  /** The in-memory last use, newer than what the database may hold. */
  overlay(credentialId: string): string | undefined {
    const ms = this.#pending.get(credentialId);
    return ms === undefined ? undefined : new Date(ms).toISOString();
  }

  /** Writes due entries (all of them when `all`, as at shutdown). */
  flush(all: boolean): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write(all));
    return this.#flushing;
  }

  async #write(all: boolean): Promise<void> {
    const now = Date.now();
    const due: [string, number][] = [];
    for (const [id, ms] of this.#pending) {
      const written = this.#lastWritten.get(id);
      if (all || written === undefined || now - written >= WRITE_EVERY_MS) due.push([id, ms]);
    }
    if (due.length === 0) return;
    // Several instances flush the same credentials: rows are locked in one order (no deadlock
    // between two flushes) and an older use never overwrites a newer one.
    due.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    await this.#db.transaction().execute(async (tx) => {
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
    for (const [id, ms] of due) {
      this.#lastWritten.set(id, now);
      if (this.#pending.get(id) === ms) this.#pending.delete(id);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush(true);
  }
}
