import { openSqlite } from './sqlite/open.ts';
import type { DatabaseOptions, OpenDatabase } from './types.ts';

/** Opens (and migrates) the configured database: PostgreSQL when a URL is given, else SQLite. */
export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres/open.ts');
    return openPostgres(options.databaseUrl, {
      ...(options.onBackgroundError ? { onBackgroundError: options.onBackgroundError } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }
  return openSqlite(options.dbPath ?? ':memory:', options.now);
}
