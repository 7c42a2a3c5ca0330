import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { OpenDatabase } from '../types.ts';
import { migrateToLatest } from '../migrations.ts';
import type { Database } from '../schema.ts';
import { PostgresChangeFeed } from './change-feed.ts';

// PostgreSQL storage: a pg Pool behind Kysely, migrations and first-start work under a session
// advisory lock (several instances may start at once), and a LISTEN/NOTIFY change feed so
// every instance's authorization cache follows writes made through any other.

/** Advisory lock key for startup: an arbitrary constant that only Keyward uses ("kwmg"). */
export const STARTUP_LOCK_KEY = 0x6b776d67;

export interface PostgresOptions {
  /** Connections in the query pool (default 10; the change feed holds one more). */
  poolSize?: number;
  onBackgroundError?: (error: unknown, what: string) => void;
  /** The server's clock (the change feed's out-of-sync stamps); default Date.now. */
  now?: () => number;
}

/** Opens (and migrates) a PostgreSQL database given as postgres://… */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<OpenDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    keepAlive: true,
    // A blackholed database host answers 503 after this instead of holding requests for minutes.
    connectionTimeoutMillis: 5000,
    application_name: 'keyward',
  });
  // An idle client that loses its connection (server restart) emits here; without a listener
  // the process would crash. The pool drops that client and opens a fresh one on demand.
  pool.on('error', (error) => options.onBackgroundError?.(error, 'an idle PostgreSQL connection failed'));
  // A checked-out client emits 'error' on itself (pg-pool listens only while it is idle): the
  // query it runs fails with the same error (answered 503) and the pool discards the client on
  // release, so this listener only keeps the event from crashing the process.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const feed = new PostgresChangeFeed({
    url,
    ...(options.onBackgroundError ? { onError: options.onBackgroundError } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const lock = await StartupLock.acquire(url).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  try {
    await migrateToLatest(db as Kysely<unknown>);
    await feed.start();
  } catch (error) {
    await lock.release();
    await feed.close();
    await db.destroy();
    throw error;
  }
  return {
    db,
    dialect: 'postgres',
    feed,
    ready: () => lock.release(),
    async close() {
      await lock.release();
      await feed.close();
      await db.destroy();
    },
  };
}

/**
 * A session advisory lock on a connection of its own, held from before the migrations until
 * the server has finished its first-start work (HMAC key, bootstrap): instances that start
 * together take turns, so the first migrates and bootstraps and the others find it done.
 * (Kysely's own migration lock is taken only after it creates its bookkeeping tables, which
 * two concurrent CREATE TABLE IF NOT EXISTS can still collide on, and it does not cover the
 * bootstrap.)
 */
class StartupLock {
  #client: pg.Client | null;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async acquire(url: string): Promise<StartupLock> {
    const client = new pg.Client({ connectionString: url, application_name: 'keyward-startup' });
    // A dropped lock connection must not crash the process; the lock is gone with it anyway.
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return new StartupLock(client);
  }

  /** Ending the session releases the lock; idempotent. */
  async release(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }
}
