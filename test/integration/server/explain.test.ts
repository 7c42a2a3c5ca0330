import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeBackend, makeCaller, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
let reader: Json;
let writer: Json;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  reader = await makeRole(s, { actions: ['GetClients'] });
  writer = await makeRole(s, { actions: ['AddClient'] });
});
after(() => s?.close());

const explain = (body: unknown, token?: string) => s.request('POST', '/v1/explain', { body, ...(token ? { token } : {}) });

test('explain shows which role grants an action, role by role', async () => {
  const { credential } = await makeCredential(s, { roles: [reader.id, writer.id] });
  const res = await explain({ credentialId: credential.id, action: 'AddClient' });
  assertStatus(res, 200);
  assert.equal(res.json.allowed, true);
  assert.equal(res.json.reason, 'granted');
  assert.equal(res.json.credentialId, credential.id);
  assert.deepEqual(res.json.grantedBy, [writer.name]);
  assert.equal(res.json.route, null);
  const byId = Object.fromEntries(res.json.breakdown.map((b: Json) => [b.roleId, b]));
  assert.equal(byId[reader.id].includesAction, false);
  assert.equal(byId[reader.id].name, reader.name);
  assert.equal(byId[writer.id].includesAction, true);
});

test('explain of a route names the backend, the deciding sub-URL setting and the missing roles', async () => {
  const backend = await makeBackend(s, {
    frontendPrefix: '/explained',
    requiredRoles: [reader.id],
    subSettings: [{ method: 'DELETE', pathRegex: '^/explained/clients/', requiredRoles: [writer.id] }],
  });
  const { credential } = await makeCredential(s, { roles: [reader.id] });
  const res = await explain({ credentialId: credential.id, method: 'DELETE', path: '/explained/clients/42' });
  assertStatus(res, 200);
  assert.equal(res.json.allowed, false);
  assert.equal(res.json.reason, 'missing_roles');
  assert.deepEqual(res.json.missingRoles, [writer.name]);
  assert.equal(res.json.route.backendId, backend.id);
  assert.equal(res.json.route.backendName, backend.name);
  assert.equal(res.json.route.subSettingIndex, 0);
  assert.deepEqual([...res.json.route.requiredRoles].sort(), [reader.name, writer.name].sort());
  assert.deepEqual(res.json.breakdown, [{ roleId: reader.id, name: reader.name, includesAction: null, required: true }]);
  const plain = await explain({ credentialId: credential.id, method: 'GET', path: '/explained/clients/42' });
  assert.equal(plain.json.allowed, true);
  assert.equal(plain.json.route.subSettingIndex, null);
});

test('explain judges a route as forward-auth does: spellings upstreams read differently are invalid_path, and case is ignored unless the backend is case-sensitive', async () => {
  await makeBackend(s, {
    frontendPrefix: '/explain-case',
    requiredRoles: [reader.id],
    subSettings: [{ method: 'ANY', pathRegex: '^/explain-case/admin', requiredRoles: [writer.id] }],
  });
  const { credential } = await makeCredential(s, { roles: [reader.id] });
  for (const path of ['/explain-case/x/..;/admin', '/explain-case\\admin', '/explain-case/%2e%2e/admin', '/explain-case/a%2fadmin']) {
    const res = await explain({ credentialId: credential.id, method: 'GET', path });
    assertStatus(res, 200);
    assert.equal(res.json.allowed, false, path);
    assert.equal(res.json.reason, 'invalid_path', path);
  }
  // The stricter sub-URL rule catches the path in any case, as the upstream (Express, IIS) routes it.
  const folded = await explain({ credentialId: credential.id, method: 'GET', path: '/EXPLAIN-CASE/Admin/users' });
  assert.equal(folded.json.reason, 'missing_roles');
  assert.deepEqual(folded.json.missingRoles, [writer.name]);
  await makeBackend(s, { frontendPrefix: '/Explain-Exact', requiredRoles: [reader.id], caseSensitive: true });
  assert.equal((await explain({ credentialId: credential.id, method: 'GET', path: '/Explain-Exact/x' })).json.allowed, true);
  assert.equal((await explain({ credentialId: credential.id, method: 'GET', path: '/explain-exact/x' })).json.reason, 'no_route');
});

test('explain reports the credential state: disabled, revoked, no roles', async () => {
  const bare = await makeCredential(s, { roles: [] });
  assert.equal((await explain({ credentialId: bare.credential.id, action: 'GetClients' })).json.reason, 'no_roles');
  const off = await makeCredential(s, { roles: [reader.id] });
  await s.request('POST', `/v1/credentials/${off.credential.id}/disable`);
  assert.equal((await explain({ credentialId: off.credential.id, action: 'GetClients' })).json.reason, 'disabled');
  await s.request('POST', `/v1/credentials/${off.credential.id}/revoke`);
  assert.equal((await explain({ credentialId: off.credential.id, action: 'GetClients' })).json.reason, 'revoked');
});

test('explain takes the address into account for a CIDR-bound credential', async () => {
  const { credential } = await makeCredential(s, { roles: [reader.id], allowedCidrs: ['198.51.100.0/24'] });
  assert.equal((await explain({ credentialId: credential.id, action: 'GetClients' })).json.reason, 'ip_not_allowed');
  assert.equal((await explain({ credentialId: credential.id, action: 'GetClients', ip: '198.51.100.9' })).json.allowed, true);
  assert.equal((await explain({ credentialId: credential.id, action: 'GetClients', ip: '192.0.2.1' })).json.reason, 'ip_not_allowed');
});

test('explain of an unknown credential is a 404 and of a malformed body a 400', async () => {
  assertError(await explain({ credentialId: 'ghost', action: 'GetClients' }), 404, 'not_found');
  assertError(await explain({ credentialId: 'ghost' }), 400, 'invalid_request');
  assertError(await explain({ token: 'x', action: 'GetClients' }), 400, 'invalid_request');
});

test('explain needs keyward.credentials.read', async () => {
  const { credential } = await makeCredential(s, { roles: [reader.id] });
  const outsider = await makeCaller(s, ['keyward.authorize']);
  assertError(await explain({ credentialId: credential.id, action: 'GetClients' }, outsider.token), 403, 'forbidden');
  const viewer = await makeCaller(s, ['keyward.credentials.read']);
  assertStatus(await explain({ credentialId: credential.id, action: 'GetClients' }, viewer.token), 200);
});
