import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../../../server/index.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { startPostgres } from '../../helpers/postgres.ts';
import { makeRequest } from '../../helpers/server.ts';

test('three instances started at the same moment on an empty database migrate and bootstrap it once', async () => {
  const cluster = await startPostgres();
  const database = await createTestDatabase(cluster.url);
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-race-'));
  const tokenFile = join(dir, 'bootstrap.token');
  const results = await Promise.allSettled(
    [0, 1, 2].map(() =>
      startServer({
        port: 0,
        databaseUrl: database.databaseUrl!,
        bootstrapTokenFile: tokenFile,
        logLevel: 'warn',
        logStream: { write: () => {} },
      }),
    ),
  );
  try {
    for (const r of results) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String((r.reason as Error).stack) : '');
    const token = readFileSync(tokenFile, 'utf8').trim();
    for (const r of results) {
      const server = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof startServer>>>).value;
      const roles = await makeRequest(server.url, token)('GET', '/v1/roles');
      assert.equal(roles.status, 200);
      assert.equal(roles.json.items.filter((x: { name: string }) => x.name === 'Administrator').length, 1);
    }
  } finally {
    await Promise.allSettled(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
