import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { RetryingBatch } from './retrying-batch.ts';

// lastUsedAt is recorded off the hot path: an authorization only sets a number in a Map. Reads
// of this instance see the in-memory value at once (overlay); a timer writes each credential
// at most about once a minute (a first use within one flush interval), in batched statements
// that yield to the event loop between them, so authorization never waits for the disk. A flush that fails (database down)
// keeps its values, merged with newer uses, and the next flush writes them (RetryingBatch).

const WRITE_EVERY_MS = 60_000;

export class LastUsedTracker {
  readonly #batch: RetryingBatch<string, number>;
  readonly #lastWritten = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  readonly #now: () => number;

  /** `now` is the server's clock, the one the uses are stamped with (touch). */
  constructor(db: Kysely<Database>, flushEveryMs: number, onError: (error: unknown, kept: number) => void, now: () => number = Date.now) {
    this.#now = now;
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
    const now = this.#now();
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

/** Credentials written per statement; the event loop runs between statements. */
const CHUNK = 500;

async function write(db: Kysely<Database>, batch: ReadonlyMap<string, number>): Promise<void> {
  // Several instances flush the same credentials: rows are locked in one order (no deadlock
  // between two flushes) and an older use never overwrites a newer one. On SQLite a statement
  // runs synchronously, so thousands of single-row updates would hold the event loop (and every
  // authorization) for hundreds of milliseconds: one UPDATE … FROM per chunk, each its own
  // transaction (a re-written use is harmless: the newer time wins), with a turn of the event
  // loop between chunks.
  const due = [...batch].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  for (let i = 0; i < due.length; i += CHUNK) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const rows = due.slice(i, i + CHUNK).map(([id, ms]) => sql`(${id}, ${new Date(ms).toISOString()})`);
    await sql`
      WITH used(id, at) AS (VALUES ${sql.join(rows)})
      UPDATE credentials SET last_used_at = used.at
      FROM used
      WHERE credentials.id = used.id AND (credentials.last_used_at IS NULL OR credentials.last_used_at < used.at)
    `.execute(db);
  }
}
