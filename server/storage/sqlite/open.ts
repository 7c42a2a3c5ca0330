import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import { preparePrivateFile, restrictSqliteFiles } from '../../private-files.ts';
import { LocalChangeFeed } from '../change-feed.ts';
import { migrateToLatest } from '../migrations.ts';
import type { Database } from '../schema.ts';
import type { OpenDatabase } from '../types.ts';

/** Opens (and migrates) a SQLite database file, or an in-memory one for ':memory:'. */
export function openSqlite(path: string, now: () => number = Date.now): OpenDatabase | Promise<OpenDatabase> {
  // The file holds every secret hash (and the HMAC key unless KEYWARD_HMAC_KEY is set): 0600.
  if (path !== ':memory:') preparePrivateFile(path);
  const sqlite = new SQLite(path);
  // WAL lets readers run during a write; synchronous=FULL makes every acknowledged commit
  // survive a power cut, not only a killed process. busy_timeout covers a second process that
  // holds a lock (a backup, a maintenance shell); better-sqlite3 waits on the event loop, so
  // the wait is short and a lock held longer answers 503 database_unavailable instead of
  // stalling authorization.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 1000');
  if (path !== ':memory:') restrictSqliteFiles(path);
  const db = new Kysely<Database>({ dialect: new SafeRollbackSqliteDialect(sqlite) });
  const feed = new LocalChangeFeed(now);
  return migrateToLatest(db as Kysely<unknown>).then(
    () => ({
      db,
      dialect: 'sqlite' as const,
      feed,
      async close() {
        await feed.close();
        await db.destroy();
      },
    }),
    async (error: unknown) => {
      await db.destroy();
      throw error;
    },
  );
}

/**
 * SQLite ends a transaction by itself on some errors (SQLITE_FULL, SQLITE_IOERR, a busy
 * deadlock); Kysely's ROLLBACK then fails with "no transaction is active" and that error
 * replaces the real one, which would turn a full disk's 503 into a 500. Roll back only when a
 * transaction is still open.
 */
class SafeRollbackSqliteDialect extends SqliteDialect {
  readonly #sqlite: SQLite.Database;

  constructor(sqlite: SQLite.Database) {
    super({ database: sqlite });
    this.#sqlite = sqlite;
  }

  override createDriver(): Driver {
    const sqlite = this.#sqlite;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (sqlite.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database: sqlite });
  }
}
