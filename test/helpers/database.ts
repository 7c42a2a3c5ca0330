import { randomBytes } from 'node:crypto';
import pg from 'pg';

// Where a test server keeps its data. By default a fresh SQLite file in the test's temp dir;
// with KEYWARD_TEST_DATABASE_URL set (the PostgreSQL run of the suite) a fresh database is
// created on that server for each test server and dropped afterwards, so files can still run
// in parallel and every server starts empty (bootstrap happens on an empty database only).

export interface TestDatabase {
  /** postgres://… of the fresh database, or undefined for SQLite. */
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  const url = process.env.KEYWARD_TEST_DATABASE_URL;
  return url && url.trim() !== '' ? url.trim() : undefined;
}

export async function createTestDatabase(baseUrl: string | undefined = testDatabaseUrl()): Promise<TestDatabase> {
  if (!baseUrl) return { databaseUrl: undefined, drop: async () => {} };
  const name = `keyward_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
