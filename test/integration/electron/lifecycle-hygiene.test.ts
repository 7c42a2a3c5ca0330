import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { expectStatus, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { startTestApp, type TestApp } from './app-harness.ts';

// Hygiene with what the server knows about a credential's life: "unused for 90 days" also asks
// the server's request counts (a credential used through another instance, whose last-used time
// is stale, is not unused), and the lifetime policy decides the warning window and lists the
// credentials issued before a lower maximum.

const DAY = 86_400_000;
let server: TestServer;
let app: TestApp;
const ids: Record<'counted' | 'idle' | 'tooLong' | 'fits', string> = { counted: '', idle: '', tooLong: '', fits: '' };

const dir = mkdtempSync(join(tmpdir(), 'keyward-hygiene-'));
const dbPath = join(dir, 'keyward.sqlite');

before(async () => {
  const first = await startTestServer({ sqlite: true, dbPath });
  await seedCatalog(first);
  const reader = await makeRole(first, { actions: ['GetClients'] });
  const counted = await makeCredential(first, { name: 'counted', roles: [reader.id] });
  ids.counted = counted.credential.id;
  ids.idle = (await makeCredential(first, { name: 'idle', roles: [reader.id] })).credential.id;
  ids.tooLong = (
    await makeCredential(first, { name: 'too long', roles: [reader.id], expiresAt: new Date(Date.now() + 60 * DAY).toISOString() })
  ).credential.id;
  ids.fits = (
    await makeCredential(first, { name: 'fits', roles: [reader.id], expiresAt: new Date(Date.now() + 20 * DAY).toISOString() })
  ).credential.id;
  for (let i = 0; i < 3; i++) {
    const res = await first.request('POST', '/v1/authorize', { body: { token: counted.secret, action: 'GetClients' } });
    assert.equal(expectStatus(res, 200, 'authorize').allowed, true);
  }
  // Closing writes the counts and last-used times. Then the two credentials are made 100 days old
  // and last seen 100 days ago, as if their recent traffic had gone through another instance
  // whose last-used write was lost: only the counts remember it.
  await first.close();
  const db = new SQLite(dbPath);
  const old = new Date(Date.now() - 100 * DAY).toISOString();
  db.prepare('UPDATE credentials SET created_at = ?, last_used_at = ? WHERE id IN (?, ?)').run(old, old, ids.counted, ids.idle);
  db.close();

  server = await startTestServer({ sqlite: true, dbPath, adminToken: first.token });
  expectStatus(
    await server.request('PUT', '/v1/policy/lifetime', { body: { maxLifetimeDays: 30, requireExpiry: true, warnBeforeDays: 25 } }),
    200,
    'PUT /v1/policy/lifetime',
  );
  app = startTestApp();
  const profile = await app.api.profiles.add({ name: 'Hygiene', url: server.url, token: server.token });
  await app.api.session.connect({ profileId: profile.id });
});
after(async () => {
  await app?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const flagsOf = async () => {
  const report = await app.api.hygiene.report();
  return { report, flags: new Map(report.credentials.map((c) => [c.credential.id, c.flags])) };
};

test('a credential with counted requests in the last 90 days is not unused, even when its last-used time is older', async () => {
  const { report, flags } = await flagsOf();
  assert.equal(report.usageCounted, true);
  assert.equal(flags.get(ids.counted)!.unused90Days, false);
  assert.equal(flags.get(ids.idle)!.unused90Days, true);
});

test('hygiene lists credentials that live longer than the lifetime policy allows, and warns within its window', async () => {
  const { report, flags } = await flagsOf();
  assert.deepEqual(report.lifetime, { maxLifetimeDays: 30, requireExpiry: true, warnBeforeDays: 25 });
  assert.equal(flags.get(ids.tooLong)!.exceedsLifetime, true, '60 days under a 30-day maximum');
  assert.equal(flags.get(ids.fits)!.exceedsLifetime, false, '20 days fits');
  assert.equal(flags.get(ids.counted)!.exceedsLifetime, true, 'no expiry under a maximum');
  // 20 days left: inside the policy's 25-day window, outside the old fixed 14 days.
  assert.equal(flags.get(ids.fits)!.expiringSoon, true);
  assert.equal(flags.get(ids.tooLong)!.expiringSoon, false);
});

test('offline, hygiene falls back to the cached state without the policy or the counts', async () => {
  await server.close();
  const original = Date.now;
  Date.now = () => original() + 60_000;
  try {
    const { report, flags } = await flagsOf();
    assert.equal(report.basis, 'cache');
    assert.equal(report.usageCounted, false);
    assert.equal(report.lifetime, null);
    assert.equal(flags.get(ids.counted)!.unused90Days, true, 'without counts, the last-used time decides');
  } finally {
    Date.now = original;
  }
});
