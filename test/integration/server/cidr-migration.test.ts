import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateTo } from '../../../server/storage/migrations.ts';
import { makeCredential } from '../../helpers/builders.ts';
import { startTestServer } from '../../helpers/server.ts';

// Migration 0006_canonical_cidrs on a database written before CIDRs were canonicalised: each
// stored range is shown in its one spelling, an IPv4-mapped range becomes its IPv4 range, and a
// spelling parsers disagree on stays visible but matches nothing (fail closed).

test('CIDRs saved before canonicalisation are stored and shown canonical after the upgrade, and an ambiguous one matches nothing', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-cidr-migration-'));
  const dbPath = join(dataDir, 'keyward.sqlite');
  try {
    const first = await startTestServer({ dbPath, sqlite: true });
    const { credential, secret } = await makeCredential(first, { allowedCidrs: ['10.0.0.0/8'] });
    const adminToken = first.token;
    await first.close();

    // The rows as an older release wrote them: spellings it accepted, then migrations after 0005 undone.
    const raw = new Database(dbPath);
    const old = ['10.1.2.3/8', '::FFFF:192.168.0.0/112', '2001:DB8:0:0::/32', '010.0.0.0/8', '10.1.2.3/8'];
    raw.prepare('UPDATE credentials SET allowed_cidrs = ? WHERE id = ?').run(JSON.stringify(old), credential.id);
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
    await migrateTo(db, '0005_lifecycle');
    await db.destroy();

    const second = await startTestServer({ dbPath, sqlite: true, adminToken });
    try {
      const shown = (await second.request('GET', `/v1/credentials/${credential.id}`)).json.allowedCidrs;
      assert.deepEqual(
        shown,
        ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32', '010.0.0.0/8'],
        'canonical, duplicates merged, the ambiguous one kept to be fixed',
      );
      const from = async (ip: string) =>
        (
          await second.request('POST', '/v1/authorize', {
            body: { token: secret, action: 'GetClients', ip },
          })
        ).json.reason;
      assert.notEqual(await from('192.168.4.5'), 'ip_not_allowed', 'the mapped range now matches its IPv4 addresses');
      assert.equal(await from('8.8.8.8'), 'ip_not_allowed', 'the ambiguous 010.0.0.0/8 matches nothing (it might mean 8.0.0.0/8)');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
