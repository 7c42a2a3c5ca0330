import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../../helpers/postgres.ts';

// The backend's whole integration suite, once more against PostgreSQL: the server test helper
// gives every test server a fresh database on KEYWARD_TEST_DATABASE_URL, so the very same
// files that run on SQLite run here unchanged. Their output streams through (dot reporter,
// failures listed at the end); this test fails unless all of them pass.
//   node --test test/integration/postgres/server-suite.test.ts
// KEYWARD_PG_SUITE_FILES narrows the files (a glob relative to the project root).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FILES = process.env.KEYWARD_PG_SUITE_FILES || 'test/integration/server/*.test.ts';

test('the whole server integration suite passes against PostgreSQL', { timeout: 20 * 60_000 }, async () => {
  const cluster = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-suite-'));
  const tap = join(dir, 'results.tap');
  // NODE_TEST_CONTEXT marks a process started by a test runner; left in place, the inner
  // `node --test` would refuse to run files and pass vacuously.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const reporters = [
    '--test-reporter=dot',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
  ];
  const child = spawn(process.execPath, ['--test', ...reporters, '--test-concurrency=2', '--test-timeout=300000', FILES], {
    cwd: ROOT,
    env: { ...env, KEYWARD_TEST_DATABASE_URL: cluster.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
    to.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
  child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
  const code = await new Promise<number | string>((resolve) => child.once('exit', (c, signal) => resolve(c ?? signal ?? 'unknown')));
  const results = readFileSync(tap, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(results)?.[1] ?? NaN);
  const failed = tail.slice(tail.lastIndexOf('Failed tests:'));
  assert.equal(code, 0, `the server suite failed on PostgreSQL:\n${tail.includes('Failed tests:') ? failed : tail.slice(-4000)}`);
  assert.equal(count('fail'), 0);
  // Guards against a vacuous pass (no files found, runner refusing to run).
  assert.ok(count('pass') >= 50, `only ${count('pass')} tests ran`);
});
