import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateTo } from '../../../server/storage/migrations.ts';
import { makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer } from '../../helpers/server.ts';

// Migration 0002_backend_case_sensitive on a database written before it: existing backends
// become case-insensitive (the new default), so an upgrade closes the letter-case bypass too.

test('a backend saved before caseSensitive existed matches without regard to case after the upgrade', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-case-migration-'));
  const dbPath = join(dataDir, 'keyward.sqlite');
  try {
    const first = await startTestServer({ dbPath, sqlite: true });
    await seedCatalog(first);
    const clerk = await makeRole(first, { name: 'Billing clerk', actions: ['AddClient'] });
    const reader = await makeRole(first, { name: 'Billing read-only', actions: ['GetClients'] });
    const backend = await makeBackend(first, {
      frontendPrefix: '/billing-api',
      requiredRoles: [reader.id],
      subSettings: [{ method: 'POST', pathRegex: '^/billing-api/invoices(/|$)', requiredRoles: [clerk.id] }],
    });
    const { secret } = await makeCredential(first, { roles: [reader.id] });
    const adminToken = first.token;
    await first.close();

    // The database as the release before 0002 left it (every later migration undone too).
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(dbPath) }) });
    await migrateTo(db, '0001_initial');
    await db.destroy();

    const second = await startTestServer({ dbPath, sqlite: true, adminToken });
    try {
      assert.equal((await second.request('GET', `/v1/backends/${backend.id}`)).json.caseSensitive, false);
      const decision = await second.request('POST', '/v1/authorize', {
        body: { token: secret, method: 'POST', path: '/Billing-API/INVOICES/7' },
      });
      assert.equal(decision.json.reason, 'missing_roles', decision.text);
      assert.deepEqual(decision.json.missingRoles, ['Billing clerk']);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
