import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import {
  authorize,
  eventually,
  makeBackend,
  makeCaller,
  makeCredential,
  makeRole,
  seedCatalog,
  unique,
  expiresIn,
} from '../../helpers/builders.ts';
import { startTestServer, testClock, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
let reader: Json;
let writer: Json;
let empty: Json;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  reader = await makeRole(s, { actions: ['GetClients', 'GetInvoices'] });
  writer = await makeRole(s, { actions: ['AddClient', 'GetClients'] });
  empty = await makeRole(s, { actions: [] });
});
after(() => s?.close());

test('an action is allowed when at least one role permits it, and the decision names the roles', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [reader.id, writer.id] });
  const both = await authorize(s, { token: secret, action: 'GetClients' });
  assert.deepEqual(both, {
    allowed: true,
    reason: 'granted',
    credentialId: credential.id,
    roles: both.roles,
    grantedBy: both.grantedBy,
    missingRoles: [],
  });
  assert.deepEqual([...both.roles].sort(), [reader.name, writer.name].sort());
  assert.deepEqual([...both.grantedBy].sort(), [reader.name, writer.name].sort());
  const one = await authorize(s, { token: secret, action: 'AddClient' });
  assert.equal(one.allowed, true);
  assert.deepEqual(one.grantedBy, [writer.name]);
  const none = await authorize(s, { token: secret, action: 'DeleteClient' });
  assert.equal(none.allowed, false);
  assert.equal(none.reason, 'not_permitted');
  assert.deepEqual(none.grantedBy, []);
});

test('a credential with no roles is denied everything with no_roles; roles without actions give not_permitted', async () => {
  const bare = await makeCredential(s, { roles: [] });
  const decision = await authorize(s, { token: bare.secret, action: 'GetClients' });
  assert.equal(decision.allowed, false);
  assert.equal(decision.reason, 'no_roles');
  assert.equal(decision.credentialId, bare.credential.id);
  assert.deepEqual(decision.roles, []);
  const hollow = await makeCredential(s, { roles: [empty.id] });
  const d2 = await authorize(s, { token: hollow.secret, action: 'GetClients' });
  assert.equal(d2.reason, 'not_permitted');
  assert.deepEqual(d2.roles, [empty.name]);
});

test('an unknown, mistyped or empty-ish token is denied unknown_token with a 200 decision', async () => {
  for (const token of ['kw_0000000000000000000000000000000000000', 'not-a-token', 'kw_' + 'A'.repeat(38)]) {
    const d = await authorize(s, { token, action: 'GetClients' });
    assert.equal(d.allowed, false);
    assert.equal(d.reason, 'unknown_token');
    assert.equal(d.credentialId, null);
  }
});

test('a CIDR-bound credential asked about without ip is denied ip_not_allowed', async () => {
  const { secret } = await makeCredential(s, { roles: [reader.id], allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
  assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).reason, 'ip_not_allowed');
  assert.equal((await authorize(s, { token: secret, action: 'GetClients', ip: '198.51.100.1' })).reason, 'ip_not_allowed');
  assert.equal((await authorize(s, { token: secret, action: 'GetClients', ip: '203.0.113.77' })).allowed, true);
  assert.equal((await authorize(s, { token: secret, action: 'GetClients', ip: '2001:db8::1' })).allowed, true);
  assertError(
    await s.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients', ip: 'garbage' } }),
    400,
    'invalid_request',
  );
});

test('disabled, revoked and expired credentials are denied with their reason before any role check', async (t) => {
  // A server of its own: the test moves its clock past the expiry.
  const clock = testClock();
  const own = await startTestServer({ clock });
  t.after(() => own.close());
  await seedCatalog(own);
  const role = await makeRole(own, { actions: ['GetClients'] });
  const disabled = await makeCredential(own, { roles: [role.id] });
  await own.request('POST', `/v1/credentials/${disabled.credential.id}/disable`);
  const revoked = await makeCredential(own, { roles: [role.id] });
  await own.request('POST', `/v1/credentials/${revoked.credential.id}/revoke`);
  const expiring = await makeCredential(own, { roles: [role.id], expiresAt: expiresIn(3_600_000) });
  assert.equal((await authorize(own, { token: disabled.secret, action: 'GetClients' })).reason, 'disabled');
  assert.equal((await authorize(own, { token: revoked.secret, action: 'GetClients' })).reason, 'revoked');
  assert.equal((await authorize(own, { token: expiring.secret, action: 'GetClients' })).allowed, true);
  clock.advancePast(expiring.credential.expiresAt);
  assert.equal((await authorize(own, { token: expiring.secret, action: 'GetClients' })).reason, 'expired');
});

test('route authorization requires all of the backend required roles; missing ones are named', async () => {
  const prefix = `/shop-${Date.now()}`;
  await makeBackend(s, { frontendPrefix: prefix, requiredRoles: [reader.id, writer.id] });
  const both = await makeCredential(s, { roles: [reader.id, writer.id] });
  const onlyReader = await makeCredential(s, { roles: [reader.id] });
  const ok = await authorize(s, { token: both.secret, method: 'GET', path: `${prefix}/items?x=1` });
  assert.equal(ok.allowed, true);
  assert.equal(ok.reason, 'granted');
  const missing = await authorize(s, { token: onlyReader.secret, method: 'GET', path: `${prefix}/items` });
  assert.equal(missing.allowed, false);
  assert.equal(missing.reason, 'missing_roles');
  assert.deepEqual(missing.missingRoles, [writer.name]);
  const elsewhere = await authorize(s, { token: both.secret, method: 'GET', path: '/no-backend-here/x' });
  assert.equal(elsewhere.reason, 'no_route');
  const nearMiss = await authorize(s, { token: both.secret, method: 'GET', path: `${prefix}extra/x` });
  assert.equal(nearMiss.reason, 'no_route', 'a prefix matches whole path segments only');
});

test('sub-URL settings add roles, override replaces them, and the first matching setting applies', async () => {
  const prefix = `/api-${Date.now()}`;
  await makeBackend(s, {
    frontendPrefix: prefix,
    requiredRoles: [reader.id],
    subSettings: [
      { method: 'POST', pathRegex: `^${prefix}/clients`, requiredRoles: [writer.id] },
      { method: 'ANY', pathRegex: `^${prefix}/public`, requiredRoles: [empty.id], override: true },
      { method: 'ANY', pathRegex: `^${prefix}/public/deep`, requiredRoles: [writer.id], override: true },
    ],
  });
  const readerOnly = await makeCredential(s, { roles: [reader.id] });
  const emptyOnly = await makeCredential(s, { roles: [empty.id] });
  const both = await makeCredential(s, { roles: [reader.id, writer.id] });
  const decide = (secret: string, method: string, path: string) => authorize(s, { token: secret, method, path });
  assert.equal((await decide(readerOnly.secret, 'GET', `${prefix}/clients`)).allowed, true, 'GET does not match the POST setting');
  const post = await decide(readerOnly.secret, 'POST', `${prefix}/clients`);
  assert.equal(post.reason, 'missing_roles');
  assert.deepEqual(post.missingRoles, [writer.name], 'the setting adds to the backend list');
  assert.equal((await decide(both.secret, 'post', `${prefix}/clients`)).allowed, true, 'methods match case-insensitively');
  assert.equal((await decide(emptyOnly.secret, 'GET', `${prefix}/public/x`)).allowed, true, 'override replaces the backend list');
  assert.equal((await decide(readerOnly.secret, 'GET', `${prefix}/public/x`)).reason, 'missing_roles');
  assert.equal(
    (await decide(emptyOnly.secret, 'GET', `${prefix}/public/deep`)).allowed,
    true,
    'the first matching setting applies, not the most specific',
  );
  assert.equal((await decide(emptyOnly.secret, 'GET', `/x${prefix}/public`)).reason, 'no_route');
});

test('the sub-URL regex sees the full path with prefix and without the query string', async () => {
  const prefix = `/rx-${Date.now()}`;
  await makeBackend(s, {
    frontendPrefix: prefix,
    requiredRoles: [],
    subSettings: [{ method: 'ANY', pathRegex: `^${prefix}/secret$`, requiredRoles: [writer.id] }],
  });
  const readerOnly = await makeCredential(s, { roles: [reader.id] });
  assert.equal((await authorize(s, { token: readerOnly.secret, method: 'GET', path: `${prefix}/secret?debug=1` })).reason, 'missing_roles');
  assert.equal((await authorize(s, { token: readerOnly.secret, method: 'GET', path: `${prefix}/secret/more` })).allowed, true);
});

test('the caller must hold keyward.authorize to ask about other tokens', async () => {
  const { secret } = await makeCredential(s, { roles: [reader.id] });
  const plain = await makeCaller(s, ['keyward.credentials.read']);
  assertError(
    await s.request('POST', '/v1/authorize', { token: plain.token, body: { token: secret, action: 'GetClients' } }),
    403,
    'forbidden',
  );
  const checker = await makeCaller(s, ['keyward.authorize']);
  assertStatus(await s.request('POST', '/v1/authorize', { token: checker.token, body: { token: secret, action: 'GetClients' } }), 200);
  assertError(
    await s.request('POST', '/v1/authorize', { token: null, body: { token: secret, action: 'GetClients' } }),
    401,
    'unauthorized',
  );
});

test('an authorize body must be either {token, action} or {token, method, path}', async () => {
  assertError(await s.request('POST', '/v1/authorize', { body: { token: 'x' } }), 400, 'invalid_request');
  assertError(await s.request('POST', '/v1/authorize', { body: { token: 'x', method: 'GET' } }), 400, 'invalid_request');
  assertError(await s.request('POST', '/v1/authorize', { body: { action: 'GetClients' } }), 400, 'invalid_request');
  assertError(await s.request('POST', '/v1/authorize', { body: { token: 'x', action: 'GetClients', extra: 1 } }), 400, 'invalid_request');
});

test('lastUsedAt becomes visible within 10 seconds of a use', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [reader.id], name: unique('used') });
  const before = Date.now();
  assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).allowed, true);
  let seen: string | null = null;
  const visible = await eventually(
    async () => {
      seen = (await s.request('GET', `/v1/credentials/${credential.id}`)).json.lastUsedAt;
      return seen !== null;
    },
    10_000,
    250,
  );
  assert.ok(visible, 'lastUsedAt set within 10 s');
  assert.ok(Date.parse(seen!) >= before - 1000 && Date.parse(seen!) <= Date.now() + 1000, `a plausible time: ${seen}`);
});

test('lastUsedAt is written to the database and survives a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-lastused-'));
  const dbPath = join(dataDir, 'keyward.sqlite');
  try {
    const first = await startTestServer({ dbPath, sqlite: true, lastUsedFlushMs: 100 });
    await seedCatalog(first);
    const role = await makeRole(first, { actions: ['GetClients'] });
    const { credential, secret } = await makeCredential(first, { roles: [role.id] });
    assert.equal((await authorize(first, { token: secret, action: 'GetClients' })).allowed, true);
    const adminToken = first.token;
    await first.close();
    const second = await startTestServer({ dbPath, sqlite: true, adminToken });
    try {
      const got = (await second.request('GET', `/v1/credentials/${credential.id}`)).json;
      assert.notEqual(got.lastUsedAt, null, 'the use was persisted');
      assert.equal(
        (await authorize(second, { token: secret, action: 'GetClients' })).allowed,
        true,
        'secrets keep working after a restart',
      );
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a disabled, revoked, expired or out-of-range caller is refused with 401 at /v1/authorize', async (t) => {
  const clock = testClock();
  const own = await startTestServer({ clock });
  t.after(() => own.close());
  await seedCatalog(own);
  const body = { token: own.token, action: 'GetClients' };
  const role = await makeRole(own, { actions: ['keyward.authorize'] });
  const disabled = await makeCredential(own, { roles: [role.id] });
  assertStatus(await own.request('POST', `/v1/credentials/${disabled.credential.id}/disable`), 200);
  const revoked = await makeCredential(own, { roles: [role.id] });
  assertStatus(await own.request('POST', `/v1/credentials/${revoked.credential.id}/revoke`), 200);
  const far = await makeCredential(own, { roles: [role.id], allowedCidrs: ['203.0.113.0/24'] });
  const expiring = await makeCredential(own, { roles: [role.id], expiresAt: expiresIn(3_600_000) });
  clock.advancePast(expiring.credential.expiresAt);
  for (const caller of [disabled, revoked, far, expiring]) {
    assertError(await own.request('POST', '/v1/authorize', { token: caller.secret, body }), 401, 'unauthorized');
  }
  assertStatus(await own.request('POST', '/v1/authorize', { token: null, headers: { 'x-api-key': own.token }, body }), 200);
  const typed = await own.request('POST', '/v1/authorize', {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  assertStatus(typed, 200);
  assertError(await own.request('POST', '/v1/authorize', { body: JSON.stringify(body), headers: { 'content-type': 'text/plain' } }), 400);
});
