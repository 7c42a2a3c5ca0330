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

test('PostgreSQL SQLSTATEs: "not available right now" answers 503, everything else stays a 500 or its own answer', () => {
  // [SQLSTATE, condition name, unavailable?]
  const table: [string, string, boolean][] = [
    ['08000', 'connection_exception', true],
    ['08003', 'connection_does_not_exist', true],
    ['08006', 'connection_failure', true],
    ['08001', 'sqlclient_unable_to_establish_sqlconnection', true],
    ['08004', 'sqlserver_rejected_establishment_of_sqlconnection', true],
    ['08P01', 'protocol_violation', true],
    ['57P01', 'admin_shutdown', true],
    ['57P02', 'crash_shutdown', true],
    ['57P03', 'cannot_connect_now', true],
    ['53300', 'too_many_connections', true],
    ['53100', 'disk_full', true],
    ['25006', 'read_only_sql_transaction', true],
    // A statement that cannot succeed in this state (currval before nextval): repeating never helps.
    ['55000', 'object_not_in_prerequisite_state', false],
    ['55P03', 'lock_not_available', false],
    // Re-run by ServiceContext itself, then answered 409 when the conflict is real.
    ['40001', 'serialization_failure', false],
    ['40P01', 'deadlock_detected', false],
    ['23505', 'unique_violation', false],
    ['42P01', 'undefined_table', false],
    ['42601', 'syntax_error', false],
    ['22P02', 'invalid_text_representation', false],
    ['57014', 'query_canceled', false],
    ['XX000', 'internal_error', false],
    // Not class 08: only the two-character class prefix counts.
    ['80800', 'not a SQLSTATE of class 08', false],
  ];
  for (const [code, name, unavailable] of table) {
    const error = Object.assign(new Error(`pg error ${name}`), { code, severity: 'ERROR' });
    assert.equal(isDatabaseUnavailable(error), unavailable, `${code} ${name}`);
    assert.equal(isDatabaseUnavailable(new Error('query failed', { cause: error })), unavailable, `${code} ${name} as a cause`);
  }
});
