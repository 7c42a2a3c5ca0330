// What changed, told after a commit so every authorization cache (in this process and, with
// PostgreSQL, in every other instance) reloads exactly the affected entries.

import type { Queryable } from './rows.ts';

export type ChangeEvent = { kind: 'credential'; id: string } | { kind: 'role'; id: string } | { kind: 'backends' } | { kind: 'all' };

export type ChangeHandler = (events: ChangeEvent[]) => void | Promise<void>;

export interface ChangeFeed {
  /**
   * Optional, called inside the write's transaction before COMMIT: PostgreSQL queues a NOTIFY
   * there, so other instances hear of exactly the writes that committed, even if this process
   * dies right after the commit.
   */
  announce?(tx: Queryable, events: ChangeEvent[]): Promise<void>;
  /** Delivers to local subscribers (awaited) and to other instances. */
  publish(events: ChangeEvent[]): Promise<void>;
  subscribe(handler: ChangeHandler): void;
  /**
   * Optional (feeds that can lose contact): `listener(true, now)` once this instance hears every
   * other instance's changes again and has caught up; `listener(false, since)` when it stopped
   * hearing them at `since` (epoch ms), or when applying a committed write to this instance's
   * own cache failed (the cache is behind until a reload succeeds). A feed without it is always
   * in sync.
   */
  watch?(listener: FeedStatusListener): void;
  close(): Promise<void>;
}

/** `how` says how a feed that is in sync again caught up (for the log). */
export type FeedStatusListener = (inSync: boolean, sinceMs: number, how?: string) => void;

/**
 * A feed's subscribers, called one delivery at a time in order, so a full reload never overtakes
 * a targeted one; a failed delivery does not stop the next.
 */
export class SerialHandlers {
  #handlers: ChangeHandler[] = [];
  #delivery: Promise<unknown> = Promise.resolve();

  add(handler: ChangeHandler): void {
    this.#handlers.push(handler);
  }

  /** Calls every handler after the deliveries before it; rejects if a handler failed. */
  deliver(events: ChangeEvent[]): Promise<void> {
    const run = async () => {
      for (const handler of this.#handlers) await handler(events);
    };
    const next = this.#delivery.then(run, run);
    this.#delivery = next.catch(() => undefined);
    return next;
  }

  /** Resolves once the deliveries under way have ended, whatever their outcome. */
  idle(): Promise<void> {
    return this.#delivery.then(() => undefined);
  }

  async close(): Promise<void> {
    await this.idle();
    this.#handlers = [];
  }
}

/** Delay before the n-th retry of a failed reload: 50 ms doubling to at most 2 s. */
function resyncDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2000);
}

/**
 * Single-instance feed: delivery is a direct call, one at a time (a full reload never overtakes
 * a targeted one). A delivery that fails after its write committed (the database became
 * unreadable) leaves the cache behind the database: the feed reports itself out of sync and
 * retries a full reload with backoff until it succeeds.
 */
export class LocalChangeFeed implements ChangeFeed {
  readonly #handlers = new SerialHandlers();
  #watchers: FeedStatusListener[] = [];
  #behind = false;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #now: () => number;

  /** `now`: the server's clock, which the listeners' `since` is read against. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  publish(events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.#handlers.deliver(events).catch((error: unknown) => {
      this.#resync();
      throw error;
    });
  }

  subscribe(handler: ChangeHandler): void {
    this.#handlers.add(handler);
  }

  watch(listener: FeedStatusListener): void {
    this.#watchers.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    await this.#handlers.close();
  }

  #resync(attempt = 0): void {
    if (this.#closed || (this.#behind && attempt === 0)) return;
    if (!this.#behind) {
      this.#behind = true;
      const at = this.#now();
      for (const listener of this.#watchers) listener(false, at);
    }
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#handlers.deliver([{ kind: 'all' }]).then(
        () => {
          this.#behind = false;
          const at = this.#now();
          for (const listener of this.#watchers) listener(true, at, 'reloaded everything');
        },
        () => this.#resync(attempt + 1),
      );
    }, resyncDelayMs(attempt));
    this.#retry.unref();
  }
}
