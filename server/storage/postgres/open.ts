import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { OpenDatabase } from '../database.ts';
import { migrateToLatest } from '../migrations.ts';
import type { Database } from '../schema.ts';
import { PostgresChangeFeed } from './change-feed.ts';

// PostgreSQL storage: a pg Pool behind Kysely, migrations under a session advisory lock (several
// instances may start at once), and a LISTEN/NOTIFY change feed so every instance's
// authorization cache follows writes made through any other.

/** Advisory lock key for migrations: an arbitrary constant that only Keyward uses ("kwmg"). */
export const MIGRATION_LOCK_KEY = 0x6b776d67;

export interface PostgresOptions {
  /** Connections in the query pool (default 10; the change feed holds one more). */
  poolSize?: number;
  onBackgroundError?: (error: unknown, what: string) => void;
}

/** Opens (and migrates) a PostgreSQL database given as postgres://… */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, keepAlive: true, application_name: 'keyward' });
  // An idle client that loses its connection (server restart) emits here; without a listener
  // the process would crash. The pool drops that client and opens a fresh one on demand.
  pool.on('error', (error) => options.onBackgroundError?.(error, 'an idle PostgreSQL connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const feed = new PostgresChangeFeed({ url, ...(options.onBackgroundError ? { onError: options.onBackgroundError } : {}) });
  try {
    await migrateLocked(url, db);
    await feed.start();
  } catch (error) {
    await feed.close();
    await db.destroy();
    throw error;
  }
  return {
    db,
    dialect: 'postgres',
    feed,
    async close() {
      await feed.close();
      await db.destroy();
    },
  };
}

/**
 * Migrates while holding a session advisory lock on a connection of its own, so instances that
 * start together take turns: the first migrates, the others then find nothing left to do.
 * (Kysely's own migration lock is taken only after it creates its bookkeeping tables, which
 * two concurrent CREATE TABLE IF NOT EXISTS can still collide on.)
 */
async function migrateLocked(url: string, db: Kysely<Database>): Promise<void> {
  const lock = new pg.Client({ connectionString: url, application_name: 'keyward-migrate' });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrateToLatest(db as Kysely<unknown>);
  } finally {
    // Ending the session releases the lock even if the unlock query is never sent.
    await lock.end().catch(() => undefined);
  }
}
