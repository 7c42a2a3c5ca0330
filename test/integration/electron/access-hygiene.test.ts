import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { startTestApp, type TestApp } from './app-harness.ts';

// The access checker and the hygiene report computed in the app with shared/'s rules: they agree
// with the server's own /v1/explain, and keep working from the cache when the server is gone.

let server: TestServer;
let app: TestApp;
let reader: { id: string; name: string };
let credentialId: string;
before(async () => {
  server = await startTestServer({ sqlite: true });
  await seedCatalog(server);
  reader = await makeRole(server, { actions: ['GetClients'] });
  const writer = await makeRole(server, { actions: ['AddClient'] });
  await makeBackend(server, { frontendPrefix: '/api/billing', requiredRoles: [writer.id] });
  credentialId = (await makeCredential(server, { roles: [reader.id] })).credential.id;
  app = startTestApp();
  const profile = await app.api.profiles.add({ name: 'Checks', url: server.url, token: server.token });
  await app.api.session.connect({ profileId: profile.id });
});
after(async () => {
  await app?.close();
  await server?.close();
});

test('the access checker agrees with the server for actions and routes, and names the roles', async () => {
  for (const request of [
    { action: 'GetClients' },
    { action: 'AddClient' },
    { method: 'GET', path: '/api/billing/invoices' },
    { method: 'GET', path: '/nowhere' },
    { method: 'GET', path: '/API/Billing/invoices' },
    { method: 'GET', path: '/api/public/../billing/invoices' },
    { method: 'GET', path: '/api/billing;x=1/invoices' },
  ]) {
    const local = await app.api.access.check({ credentialId, ...request });
    const remote = (await server.request('POST', '/v1/explain', { body: { credentialId, ...request } })).json;
    assert.deepEqual(
      { allowed: local.allowed, reason: local.reason, grantedBy: local.grantedBy, missingRoles: local.missingRoles },
      { allowed: remote.allowed, reason: remote.reason, grantedBy: remote.grantedBy, missingRoles: remote.missingRoles },
      JSON.stringify(request),
    );
  }
  const granted = await app.api.access.check({ credentialId, action: 'GetClients' });
  assert.deepEqual(
    granted.breakdown.map((b) => [b.name, b.includesAction]),
    [[reader.name, true]],
  );
  assert.equal(granted.basis, 'server');
});

test('offline, the checker and the hygiene report work from the cached state and say so', async () => {
  const report = await app.api.hygiene.report();
  assert.ok(report.credentials.some((c) => c.credential.id === credentialId && c.flags.noExpiry));
  assert.ok(report.adminHolders.some((h) => h.adminActions.includes('keyward.roles.write')));
  await server.close();
  // Let the freshness window pass so the app has to try the server, and fall back to the cache.
  const original = Date.now;
  Date.now = () => original() + 60_000;
  try {
    const check = await app.api.access.check({ credentialId, action: 'GetClients' });
    assert.equal(check.allowed, true);
    assert.equal(check.basis, 'cache');
    const offlineReport = await app.api.hygiene.report();
    assert.equal(offlineReport.basis, 'cache');
    assert.equal((await app.api.session.status()).state, 'offline');
  } finally {
    Date.now = original;
  }
});
