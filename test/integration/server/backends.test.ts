import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeBackend, makeCaller, makeCredential, makeRole, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
let roleA: Json;
let roleB: Json;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  roleA = await makeRole(s, { actions: ['GetClients'] });
  roleB = await makeRole(s, { actions: ['AddClient'] });
});
after(() => s?.close());

test('a backend is created with its prefix, required roles and sub-URL settings', async () => {
  const name = unique('Billing API');
  const body = {
    name,
    frontendPrefix: `/billing-${Date.now()}`,
    requiredRoles: [roleA.id],
    subSettings: [
      { method: 'POST', pathRegex: '^/billing-\\d+/invoices', requiredRoles: [roleB.id] },
      { method: 'ANY', pathRegex: '/admin', requiredRoles: [roleB.id], override: true },
    ],
  };
  const res = await s.request('POST', '/v1/backends', { body });
  assertStatus(res, 201);
  const backend = res.json;
  assert.equal(typeof backend.id, 'string');
  assert.equal(backend.name, name);
  assert.equal(backend.frontendPrefix, body.frontendPrefix);
  assert.deepEqual(backend.requiredRoles, [roleA.id]);
  assert.deepEqual(backend.subSettings, [
    { method: 'POST', pathRegex: '^/billing-\\d+/invoices', requiredRoles: [roleB.id], override: false },
    { method: 'ANY', pathRegex: '/admin', requiredRoles: [roleB.id], override: true },
  ]);
  assert.equal(typeof backend.version, 'number');
  assert.deepEqual((await s.request('GET', `/v1/backends/${backend.id}`)).json, backend);
  assert.ok((await s.request('GET', '/v1/backends')).json.items.some((b: Json) => b.id === backend.id));
});

test('a backend left without required roles and settings gets empty lists', async () => {
  const backend = await makeBackend(s, {});
  assert.deepEqual(backend.requiredRoles, []);
  assert.deepEqual(backend.subSettings, []);
});

test('a backend is edited and deleted', async () => {
  const backend = await makeBackend(s, { requiredRoles: [roleA.id] });
  const res = await s.request('PATCH', `/v1/backends/${backend.id}`, {
    body: { requiredRoles: [roleA.id, roleB.id], subSettings: [{ method: 'GET', pathRegex: '.*', requiredRoles: [] }] },
  });
  assertStatus(res, 200);
  assert.deepEqual(res.json.requiredRoles, [roleA.id, roleB.id]);
  assert.equal(res.json.subSettings.length, 1);
  assert.equal(res.json.name, backend.name, 'fields left out stay');
  assert.ok(res.json.version > backend.version);
  assertStatus(await s.request('DELETE', `/v1/backends/${backend.id}`), 204);
  assertError(await s.request('GET', `/v1/backends/${backend.id}`), 404, 'not_found');
});

test('backend names and prefixes are unique (name_taken, prefix_taken)', async () => {
  const backend = await makeBackend(s);
  assertError(
    await s.request('POST', '/v1/backends', { body: { name: backend.name.toUpperCase(), frontendPrefix: '/somewhere-else-1' } }),
    409,
    'name_taken',
  );
  assertError(
    await s.request('POST', '/v1/backends', { body: { name: unique('B'), frontendPrefix: backend.frontendPrefix } }),
    409,
    'prefix_taken',
  );
  const other = await makeBackend(s);
  assertError(
    await s.request('PATCH', `/v1/backends/${other.id}`, { body: { frontendPrefix: backend.frontendPrefix } }),
    409,
    'prefix_taken',
  );
  assertError(await s.request('PATCH', `/v1/backends/${other.id}`, { body: { name: backend.name } }), 409, 'name_taken');
});

test('an invalid sub-URL regex is refused with invalid_regex naming the problem', async () => {
  const res = await s.request('POST', '/v1/backends', {
    body: { name: unique('B'), frontendPrefix: '/rx', subSettings: [{ method: 'GET', pathRegex: '([a-z', requiredRoles: [] }] },
  });
  assertError(res, 400, 'invalid_regex');
  const backend = await makeBackend(s);
  assertError(
    await s.request('PATCH', `/v1/backends/${backend.id}`, {
      body: { subSettings: [{ method: 'ANY', pathRegex: '*oops', requiredRoles: [] }] },
    }),
    400,
    'invalid_regex',
  );
});

test('unknown required roles are refused with unknown_role, in the list and in sub-URL settings', async () => {
  assertError(
    await s.request('POST', '/v1/backends', { body: { name: unique('B'), frontendPrefix: '/u1', requiredRoles: ['ghost'] } }),
    400,
    'unknown_role',
  );
  assertError(
    await s.request('POST', '/v1/backends', {
      body: { name: unique('B'), frontendPrefix: '/u2', subSettings: [{ method: 'GET', pathRegex: 'x', requiredRoles: ['ghost'] }] },
    }),
    400,
    'unknown_role',
  );
});

test('a frontend prefix must start with "/" and a method must be an HTTP method or ANY', async () => {
  assertError(await s.request('POST', '/v1/backends', { body: { name: unique('B'), frontendPrefix: 'billing' } }), 400, 'invalid_request');
  assertError(
    await s.request('POST', '/v1/backends', {
      body: { name: unique('B'), frontendPrefix: '/m', subSettings: [{ method: 'FETCH', pathRegex: 'x', requiredRoles: [] }] },
    }),
    400,
    'invalid_request',
  );
});

test('unknown backend ids get 404', async () => {
  assertError(await s.request('GET', '/v1/backends/ghost'), 404, 'not_found');
  assertError(await s.request('PATCH', '/v1/backends/ghost', { body: { name: unique('B') } }), 404, 'not_found');
  assertError(await s.request('DELETE', '/v1/backends/ghost'), 404, 'not_found');
});

test('backend endpoints need keyward.backends.read / keyward.backends.write', async () => {
  const reader = await makeCaller(s, ['keyward.backends.read']);
  const backend = await makeBackend(s);
  assertStatus(await s.request('GET', '/v1/backends', { token: reader.token }), 200);
  assertStatus(await s.request('GET', `/v1/backends/${backend.id}`, { token: reader.token }), 200);
  assertError(
    await s.request('POST', '/v1/backends', { token: reader.token, body: { name: unique('B'), frontendPrefix: '/p' } }),
    403,
    'forbidden',
  );
  assertError(
    await s.request('PATCH', `/v1/backends/${backend.id}`, { token: reader.token, body: { name: unique('B') } }),
    403,
    'forbidden',
  );
  assertError(await s.request('DELETE', `/v1/backends/${backend.id}`, { token: reader.token }), 403, 'forbidden');
  const outsider = await makeCaller(s, ['keyward.roles.read']);
  assertError(await s.request('GET', '/v1/backends', { token: outsider.token }), 403, 'forbidden');
});

test('a backend change or delete reaches route decisions at once', async () => {
  const prefix = `/live-${Date.now()}`;
  const backend = await makeBackend(s, { frontendPrefix: prefix, requiredRoles: [roleA.id] });
  const { secret } = await makeCredential(s, { roles: [roleB.id] });
  const decide = async () => (await s.request('POST', '/v1/authorize', { body: { token: secret, method: 'GET', path: `${prefix}/x` } })).json;
  assert.equal((await decide()).reason, 'missing_roles');
  assertStatus(await s.request('PATCH', `/v1/backends/${backend.id}`, { body: { requiredRoles: [roleB.id] } }), 200);
  assert.equal((await decide()).allowed, true);
  assertStatus(await s.request('PATCH', `/v1/backends/${backend.id}`, { body: { frontendPrefix: `${prefix}-moved` } }), 200);
  assert.equal((await decide()).reason, 'no_route');
  assertStatus(await s.request('DELETE', `/v1/backends/${backend.id}`), 204);
  assert.equal((await s.request('POST', '/v1/authorize', { body: { token: secret, method: 'GET', path: `${prefix}-moved/x` } })).json.reason, 'no_route');
});
