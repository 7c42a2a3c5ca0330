import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { LocalChangeFeed } from '../change-feed.ts';
import type { OpenDatabase } from '../database.ts';
import { migrateToLatest } from '../migrations.ts';
import type { Database } from '../schema.ts';

/** Opens (and migrates) a PostgreSQL database given as postgres://… */
export async function openPostgres(url: string): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const feed = new LocalChangeFeed();
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
