import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { expiresIn, makeBackend, makeCaller, makeCredential, makeRole, makeUser, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, testClock, type TestServer } from '../../helpers/server.ts';

// Authentication (401), permission (403), the failed-authentication limit (429) and the body
// limit (413). The 429 tests each use their own server: the limit is per client address and
// every test client here is 127.0.0.1.

let s: TestServer;
const extra: TestServer[] = [];
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(async () => {
  await s?.close();
  await Promise.all(extra.map((x) => x.close()));
});

async function freshServer(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(opts);
  extra.push(server);
  return server;
}

const BAD = 'kw_0000000000000000000000000000000000000';

test('a request without credentials gets 401 unauthorized', async () => {
  assertError(await s.request('GET', '/v1/roles', { token: null }), 401, 'unauthorized');
  assertError(await s.request('POST', '/v1/roles', { token: null, body: { name: 'x', actions: [] } }), 401, 'unauthorized');
});

test('an invalid bearer token or X-Api-Key gets 401 unauthorized', async () => {
  assertError(await s.request('GET', '/v1/roles', { token: BAD }), 401, 'unauthorized');
  assertError(await s.request('GET', '/v1/roles', { token: null, headers: { 'x-api-key': 'nonsense' } }), 401, 'unauthorized');
  assertError(await s.request('GET', '/v1/roles', { token: null, headers: { authorization: 'Token abc' } }), 401, 'unauthorized');
  assertError(await s.request('GET', '/v1/roles', { token: null, headers: { authorization: 'Bearer' } }), 401, 'unauthorized');
});

test('a valid token works as Bearer and as X-Api-Key', async () => {
  assertStatus(await s.request('GET', '/v1/roles'), 200);
  assertStatus(await s.request('GET', '/v1/roles', { token: null, headers: { 'x-api-key': s.token } }), 200);
  // The auth scheme is case-insensitive (RFC 9110 §11.1).
  assertStatus(await s.request('GET', '/v1/roles', { token: null, headers: { authorization: `bearer ${s.token}` } }), 200);
});

test('a disabled or revoked admin credential is refused with 401', async () => {
  const admin = await makeCaller(s, ['keyward.roles.read']);
  assertStatus(await s.request('GET', '/v1/roles', { token: admin.token }), 200);
  assertStatus(await s.request('POST', `/v1/credentials/${admin.credential.id}/disable`), 200);
  assertError(await s.request('GET', '/v1/roles', { token: admin.token }), 401, 'unauthorized');
  assertStatus(await s.request('POST', `/v1/credentials/${admin.credential.id}/revoke`), 200);
  assertError(await s.request('GET', '/v1/roles', { token: admin.token }), 401, 'unauthorized');
});

test('an admin credential past its expiry is refused with 401', async () => {
  const clock = testClock();
  const own = await freshServer({ clock });
  const role = await makeRole(own, { actions: ['keyward.roles.read'] });
  const expiring = await makeCredential(own, { roles: [role.id], expiresAt: expiresIn(3_600_000) });
  assertStatus(await own.request('GET', '/v1/roles', { token: expiring.secret }), 200);
  clock.advancePast(expiring.credential.expiresAt);
  assertError(await own.request('GET', '/v1/roles', { token: expiring.secret }), 401, 'unauthorized');
});

test('an admin credential bound to other addresses is refused', async () => {
  const role = await makeRole(s, { actions: ['keyward.roles.read'] });
  const far = await makeCredential(s, { roles: [role.id], allowedCidrs: ['203.0.113.0/24'] });
  const res = await s.request('GET', '/v1/roles', { token: far.secret });
  assert.ok(res.status === 401 || res.status === 403, `${res.status} ${res.text}`);
  const near = await makeCredential(s, { roles: [role.id], allowedCidrs: ['127.0.0.0/8', '::1/128'] });
  assertStatus(await s.request('GET', '/v1/roles', { token: near.secret }), 200);
});

test('a valid credential lacking the permission gets 403 forbidden', async () => {
  const business = await makeCaller(s, ['GetClients', 'AddClient']);
  const res = await s.request('GET', '/v1/roles', { token: business.token });
  assertError(res, 403, 'forbidden');
  assert.ok(/keyward\.roles\.read/.test(res.text), 'the answer names the missing permission');
  const none = await makeCredential(s, { roles: [] });
  assertError(await s.request('GET', '/v1/catalog', { token: none.secret }), 403, 'forbidden');
});

test('health and openapi.json need no authentication', async () => {
  const health = await s.request('GET', '/v1/health', { token: null });
  assertStatus(health, 200);
  assert.equal(health.json.status, 'ok');
  assert.equal(typeof health.json.version, 'string');
  assertStatus(await s.request('GET', '/v1/openapi.json', { token: null }), 200);
});

test('more than 20 failed authentications a minute from one address make every authenticated request get 429', async () => {
  const server = await freshServer();
  for (let i = 1; i <= 20; i++) assertError(await server.request('GET', '/v1/roles', { token: `${BAD}${i}` }), 401, 'unauthorized');
  const twentyFirst = await server.request('GET', '/v1/roles', { token: BAD });
  assert.ok(twentyFirst.status === 401 || twentyFirst.status === 429, `${twentyFirst.status}`);
  const blocked = await server.request('GET', '/v1/roles');
  assertError(blocked, 429, 'too_many_requests');
  assert.ok(Number(blocked.headers.get('retry-after')) > 0, 'Retry-After says when to come back');
  assertError(
    await server.request('GET', '/v1/catalog', { token: null, headers: { 'x-api-key': server.token } }),
    429,
    'too_many_requests',
  );
  assertStatus(await server.request('GET', '/v1/health', { token: null }), 200);
  assertError(
    await server.request('POST', '/v1/authorize', { body: { token: BAD, action: 'keyward.roles.read' } }),
    429,
    'too_many_requests',
  );
});

test('an invalid caller credential at /v1/authorize is a 401 and counts toward the limit', async () => {
  const server = await freshServer({ failedAuthLimit: 3 });
  for (let i = 0; i < 4; i++) {
    const res = await server.request('POST', '/v1/authorize', {
      token: `${BAD}${i}`,
      body: { token: server.token, action: 'keyward.roles.read' },
    });
    assert.ok(res.status === 401 || res.status === 429, `${res.status} ${res.text}`);
    assert.ok(typeof res.json?.error?.code === 'string', 'the error shape');
  }
  assertError(await server.request('GET', '/v1/roles'), 429, 'too_many_requests');
});

test('wrong Basic passwords count as failed authentications', async () => {
  const server = await freshServer({ failedAuthLimit: 3 });
  await makeUser(server, { name: 'carol', password: 'the right password' });
  const basic = `Basic ${Buffer.from('carol:wrong password').toString('base64')}`;
  for (let i = 0; i < 4; i++) {
    const res = await server.request('POST', '/v1/self/credentials', {
      token: null,
      headers: { authorization: basic },
      body: { name: 'k' },
    });
    assert.ok(res.status === 401 || res.status === 429, `${res.status}`);
  }
  assertError(await server.request('GET', '/v1/roles'), 429, 'too_many_requests');
});

test('the failed-authentication limit is configurable', async () => {
  const server = await freshServer({ failedAuthLimit: 2 });
  for (let i = 0; i < 3; i++) await server.request('GET', '/v1/roles', { token: BAD });
  assertError(await server.request('GET', '/v1/roles'), 429, 'too_many_requests');
});

test('a client cannot dodge the 429 by sending a different X-Forwarded-For each time', async () => {
  const server = await freshServer({ failedAuthLimit: 3 });
  for (let i = 0; i < 6; i++) {
    await server.request('GET', '/v1/roles', {
      token: BAD,
      headers: { 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}` },
    });
  }
  assertError(await server.request('GET', '/v1/roles', { headers: { 'x-forwarded-for': '198.51.100.200' } }), 429, 'too_many_requests');
});

test('behind a trusted proxy the limit counts per client address, so one bad client does not lock out the others', async () => {
  const server = await freshServer({ failedAuthLimit: 2, trustedProxies: ['127.0.0.0/8', '::1/128'] });
  for (let i = 0; i < 4; i++)
    await server.request('GET', '/v1/roles', { token: `${BAD}${i}`, headers: { 'x-forwarded-for': '198.51.100.1' } });
  assertError(await server.request('GET', '/v1/roles', { headers: { 'x-forwarded-for': '198.51.100.1' } }), 429, 'too_many_requests');
  assertStatus(await server.request('GET', '/v1/roles', { headers: { 'x-forwarded-for': '198.51.100.2' } }), 200);
});

test('requests without any credential do not count as failed authentications', async () => {
  const server = await freshServer({ failedAuthLimit: 2 });
  for (let i = 0; i < 10; i++) assertError(await server.request('GET', '/v1/roles', { token: null }), 401, 'unauthorized');
  assertStatus(await server.request('GET', '/v1/roles'), 200);
});

test('bad tokens under test at /v1/authorize or /v1/forward-auth do not count toward 429', async () => {
  const server = await freshServer({ failedAuthLimit: 3 });
  const role = await makeRole(server);
  await makeBackend(server, { frontendPrefix: '/svc', requiredRoles: [role.id] });
  for (let i = 0; i < 25; i++) {
    const res = await server.request('POST', '/v1/authorize', { body: { token: `${BAD}${i}`, action: 'keyward.roles.read' } });
    assertStatus(res, 200);
    assert.equal(res.json.reason, 'unknown_token');
  }
  for (let i = 0; i < 25; i++) {
    const res = await server.request('GET', '/v1/forward-auth', {
      token: `${BAD}${i}`,
      headers: { 'x-original-method': 'GET', 'x-original-uri': '/svc/x' },
    });
    assert.equal(res.status, 401);
  }
  assertStatus(await server.request('GET', '/v1/roles'), 200);
  const { secret } = await makeCredential(server, { roles: [role.id] });
  const ok = await server.request('GET', '/v1/forward-auth', {
    token: secret,
    headers: { 'x-original-method': 'GET', 'x-original-uri': '/svc/x' },
  });
  assertStatus(ok, 200);
});

test('bodies over 1 MiB get 413 payload_too_large; just under is accepted', async () => {
  const big = JSON.stringify({ name: 'big', description: 'x'.repeat(1024 * 1024), actions: [] });
  assertError(await s.request('POST', '/v1/roles', { body: big }), 413, 'payload_too_large');
  const bigAuthorize = JSON.stringify({ token: 'x'.repeat(1024 * 1024), action: 'GetClients' });
  assertError(await s.request('POST', '/v1/authorize', { body: bigAuthorize }), 413, 'payload_too_large');
  assertError(await s.request('POST', '/v1/explain', { body: bigAuthorize }), 413, 'payload_too_large');
  const catalog = {
    groups: [
      {
        id: 'bulk',
        name: 'Bulk',
        actions: Array.from({ length: 9000 }, (_, i) => ({ id: `Bulk.Action.${i}`, description: 'd'.repeat(60) })),
      },
    ],
  };
  const body = JSON.stringify(catalog);
  assert.ok(body.length < 1024 * 1024 && body.length > 700 * 1024, `${body.length}`);
  assertStatus(await s.request('PUT', '/v1/catalog?prune=true', { body }), 200);
  assertStatus(await s.request('PUT', '/v1/catalog?prune=true', { body: { groups: [] } }), 200);
});
