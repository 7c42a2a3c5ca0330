import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { postgresBinDir, startPostgres } from '../../test/helpers/postgres.ts';

// A throwaway PostgreSQL for benchmarks: the test suite's cluster helper (initdb into a temp
// folder, loopback only, stopped when this process exits) and one fresh database per use. Like
// the tests' cluster it runs with fsync=off and synchronous_commit=off, so commits cost no disk
// flush: figures show Keyward's statements and round trips, not the disk.

export interface BenchDatabase extends TestDatabase {
  databaseUrl: string;
}

/** A fresh database on the bench cluster, or the reason there is none (no PostgreSQL installed). */
export async function freshPostgresDatabase(): Promise<BenchDatabase | string> {
  try {
    postgresBinDir();
  } catch (error) {
    return (error as Error).message;
  }
  const cluster = await startPostgres();
  const database = await createTestDatabase(cluster.url);
  return database as BenchDatabase;
}
