import type { Kysely } from 'kysely';
import type { ChangeFeed } from './change-feed.ts';
import type { Database } from './schema.ts';

// What every storage backend hands the server; the openers (sqlite/open.ts, postgres/open.ts)
// and the choice between them (database.ts) import these, never each other.

export type Dialect = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Tells this and (for PostgreSQL) every other instance what changed after a commit. */
  feed: ChangeFeed;
  /**
   * Optional: the caller has finished its first-start work (HMAC key, bootstrap). PostgreSQL
   * holds a startup lock until then, so instances started together bootstrap the database once.
   */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  dbPath?: string | undefined;
  databaseUrl?: string | undefined;
  /** Problems in background work that repairs itself (PostgreSQL change feed reconnects). */
  onBackgroundError?: ((error: unknown, what: string) => void) | undefined;
  /** The server's clock: the change feed stamps when it fell out of sync with it (default Date.now). */
  now?: (() => number) | undefined;
}
