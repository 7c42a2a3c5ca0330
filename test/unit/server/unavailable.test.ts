import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { ApiError } from '../../../shared/api/errors.ts';
import { isDatabaseUnavailable } from '../../../server/storage/unavailable.ts';

// Which errors answer 503 database_unavailable (repeat later) instead of 500 (a bug) — checked on
// errors the real drivers throw, not on hand-made objects.

function sqliteError(run: (db: SQLite.Database) => void, options: SQLite.Options = {}): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-unavail-'));
  const path = join(dir, 'x.sqlite');
  new SQLite(path).exec('create table t (a integer primary key)').close();
  const db = new SQLite(path, options);
  try {
    run(db);
  } catch (error) {
    return error;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('expected an error');
}

test('a write to a read-only SQLite database is "unavailable"; a constraint violation is not', () => {
  const readOnly = sqliteError((db) => db.exec('insert into t values (1)'), { readonly: true });
  assert.match(String((readOnly as { code: string }).code), /^SQLITE_READONLY/);
  assert.equal(isDatabaseUnavailable(readOnly), true);
  const constraint = sqliteError((db) => db.exec('insert into t values (1); insert into t values (1)'));
  assert.equal(isDatabaseUnavailable(constraint), false);
});

test('a PostgreSQL that refuses the connection is "unavailable"; API errors and plain bugs are not', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
  const client = new pg.Client({ connectionString: `postgres://nobody@127.0.0.1:${port}/none` });
  client.on('error', () => {});
  const refused = await client.connect().then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(refused);
  assert.equal(isDatabaseUnavailable(refused), true);
  assert.equal(isDatabaseUnavailable(new Error('wrapped', { cause: refused })), true, 'also as the cause of another error');
  assert.equal(isDatabaseUnavailable(new ApiError('not_found', 'No role.')), false);
  assert.equal(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')")), false);
  assert.equal(
    isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    true,
  );
});
