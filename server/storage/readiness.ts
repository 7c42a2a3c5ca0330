import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

// GET /v1/ready (DESIGN §4): whether this instance should get traffic. Not ready while its
// database cannot be reached (a `select 1`, run at most once a second however often load
// balancers ask, answers within 2 s) or while its change feed is out of sync (it cannot hear
// revocations made through other instances). /v1/health stays liveness: the process is up.

export type ReadinessResult = { ready: true } | { ready: false; reason: 'database_unavailable' | 'change_feed_down' };

export interface ReadinessOptions {
  db: Kysely<Database>;
  /** Whether the change feed is in sync (always true for SQLite's in-process feed). */
  feedInSync: () => boolean;
  /** Minimum time between two database probes (default 1 s); answers in between are cached. */
  cacheMs?: number;
  /** A probe that has not answered within this is a failure (default 2 s). */
  timeoutMs?: number;
}

export class Readiness {
  readonly #db: Kysely<Database>;
  readonly #feedInSync: () => boolean;
  readonly #cacheMs: number;
  readonly #timeoutMs: number;
  #checkedAt = -Infinity;
  #reachable = true;
  #probing: Promise<boolean> | null = null;

  constructor(options: ReadinessOptions) {
    this.#db = options.db;
    this.#feedInSync = options.feedInSync;
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  async check(): Promise<ReadinessResult> {
    const reachable = await this.#databaseReachable();
    if (!reachable) return { ready: false, reason: 'database_unavailable' };
    if (!this.#feedInSync()) return { ready: false, reason: 'change_feed_down' };
    return { ready: true };
  }

  #databaseReachable(): Promise<boolean> {
    if (Date.now() - this.#checkedAt < this.#cacheMs) return Promise.resolve(this.#reachable);
    // Callers during a probe share it: a burst of health checks is one query.
    this.#probing ??= this.#probe().then((reachable) => {
      this.#reachable = reachable;
      this.#checkedAt = Date.now();
      this.#probing = null;
      return reachable;
    });
    return this.#probing;
  }

  async #probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#timeoutMs);
    });
    try {
      return await Promise.race([
        sql`select 1`.execute(this.#db).then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
