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
   * hearing them at `since` (epoch ms). A feed without it is always in sync (in-process).
   */
  watch?(listener: FeedStatusListener): void;
  close(): Promise<void>;
}

/** `how` says how a feed that is in sync again caught up (for the log). */
export type FeedStatusListener = (inSync: boolean, sinceMs: number, how?: string) => void;

/** Single-instance feed: delivery is a direct call. */
export class LocalChangeFeed implements ChangeFeed {
  #handlers: ChangeHandler[] = [];

  async publish(events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const handler of this.#handlers) await handler(events);
  }

  subscribe(handler: ChangeHandler): void {
    this.#handlers.push(handler);
  }

  async close(): Promise<void> {
    this.#handlers = [];
  }
}
