import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeBackend, makeCredential, makeGroup, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { PETSTORE_OPENAPI, TEST_CATALOG } from '../../fixtures/catalog.ts';

// Optimistic concurrency (DESIGN §4): objects carry version, responses carry ETag, writes accept
// If-Match: "<version>" and answer 412 version_mismatch when it is stale.

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

const etag = (version: number) => `"${version}"`;

test('GET of an object carries its version as ETag', async () => {
  const role = await makeRole(s);
  const res = await s.request('GET', `/v1/roles/${role.id}`);
  assert.equal(res.headers.get('etag'), etag(role.version));
  const catalog = await s.request('GET', '/v1/catalog');
  assert.equal(catalog.headers.get('etag'), etag(catalog.json.version));
});

test('a role write with the current If-Match succeeds and answers the new ETag; a stale one gets 412', async () => {
  const role = await makeRole(s);
  const ok = await s.request('PATCH', `/v1/roles/${role.id}`, {
    body: { description: 'one' },
    headers: { 'if-match': etag(role.version) },
  });
  assertStatus(ok, 200);
  assert.equal(ok.headers.get('etag'), etag(ok.json.version));
  const stale = await s.request('PATCH', `/v1/roles/${role.id}`, {
    body: { description: 'two' },
    headers: { 'if-match': etag(role.version) },
  });
  assertError(stale, 412, 'version_mismatch');
  assert.equal((await s.request('GET', `/v1/roles/${role.id}`)).json.description, 'one', 'the stale write changed nothing');
  assertError(await s.request('DELETE', `/v1/roles/${role.id}`, { headers: { 'if-match': etag(role.version) } }), 412, 'version_mismatch');
  assertStatus(await s.request('DELETE', `/v1/roles/${role.id}`, { headers: { 'if-match': etag(ok.json.version) } }), 204);
});

test('writes without If-Match are accepted (last writer wins only when asked for)', async () => {
  const role = await makeRole(s);
  assertStatus(await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: 'x' } }), 200);
});

test('credentials, users, groups and backends answer 412 on a stale If-Match', async () => {
  const { credential } = await makeCredential(s);
  const user = await makeUser(s);
  const group = await makeGroup(s);
  const backend = await makeBackend(s);
  const cases: Array<[string, string, unknown, number]> = [
    ['PATCH', `/v1/credentials/${credential.id}`, { description: 'a' }, credential.version],
    ['PATCH', `/v1/users/${user.id}`, { email: 'a@b.c' }, user.version],
    ['PATCH', `/v1/groups/${group.id}`, { description: 'a' }, group.version],
    ['PATCH', `/v1/backends/${backend.id}`, { name: unique('B') }, backend.version],
  ];
  for (const [method, path, body, version] of cases) {
    const first = await s.request(method, path, { body, headers: { 'if-match': etag(version) } });
    assertStatus(first, 200);
    assert.equal(first.headers.get('etag'), etag(first.json.version), `${path} answers its new ETag`);
    assert.equal((await s.request('GET', path)).headers.get('etag'), etag(first.json.version), `GET ${path} carries the ETag`);
    assertError(await s.request(method, path, { body, headers: { 'if-match': etag(version) } }), 412, 'version_mismatch');
    assertError(await s.request('DELETE', path, { headers: { 'if-match': etag(version) } }), 412, 'version_mismatch');
  }
});

test('credential actions (disable, enable, revoke, roll) honour If-Match', async () => {
  const { credential } = await makeCredential(s);
  const disabled = await s.request('POST', `/v1/credentials/${credential.id}/disable`, {
    headers: { 'if-match': etag(credential.version) },
  });
  assertStatus(disabled, 200);
  assertError(
    await s.request('POST', `/v1/credentials/${credential.id}/enable`, { headers: { 'if-match': etag(credential.version) } }),
    412,
    'version_mismatch',
  );
  assertError(
    await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {}, headers: { 'if-match': etag(credential.version) } }),
    412,
    'version_mismatch',
  );
  assertError(
    await s.request('POST', `/v1/credentials/${credential.id}/revoke`, { headers: { 'if-match': etag(credential.version) } }),
    412,
    'version_mismatch',
  );
  assertStatus(
    await s.request('POST', `/v1/credentials/${credential.id}/enable`, { headers: { 'if-match': etag(disabled.json.version) } }),
    200,
  );
});

test('catalog writes honour If-Match', async () => {
  const current = await s.request('GET', '/v1/catalog');
  const ok = await s.request('PUT', '/v1/catalog', { body: TEST_CATALOG, headers: { 'if-match': etag(current.json.version) } });
  assertStatus(ok, 200);
  assert.equal(ok.headers.get('etag'), etag(ok.json.version));
  assertError(
    await s.request('PUT', '/v1/catalog', { body: TEST_CATALOG, headers: { 'if-match': etag(current.json.version) } }),
    412,
    'version_mismatch',
  );
  assertError(
    await s.request('POST', '/v1/catalog/openapi', { body: PETSTORE_OPENAPI, headers: { 'if-match': etag(current.json.version) } }),
    412,
    'version_mismatch',
  );
});

test('a malformed If-Match is a 4xx, never a silent overwrite', async () => {
  const role = await makeRole(s);
  for (const value of ['garbage', '"abc"', '"-1"']) {
    const res = await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: value }, headers: { 'if-match': value } });
    assert.ok(res.status === 400 || res.status === 412, `${value}: ${res.status} ${res.text}`);
  }
  assert.equal((await s.request('GET', `/v1/roles/${role.id}`)).json.description, '');
});

test('concurrent writes with the same If-Match: exactly one succeeds, the rest get 412', async () => {
  const role = await makeRole(s);
  const attempts = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: `writer ${i}` }, headers: { 'if-match': etag(role.version) } }),
    ),
  );
  assert.equal(attempts.filter((r) => r.status === 200).length, 1, attempts.map((r) => r.status).join(','));
  for (const r of attempts.filter((x) => x.status !== 200)) assertError(r, 412, 'version_mismatch');
});

test('the answer that creates or rolls an object carries its ETag too', async () => {
  const missing: string[] = [];
  const check = (what: string, res: { headers: Headers }, version: number) => {
    if (res.headers.get('etag') !== etag(version)) missing.push(`${what}: ${res.headers.get('etag')}`);
  };
  const role = await s.request('POST', '/v1/roles', { body: { name: unique('R'), actions: [] } });
  check('POST /v1/roles', role, role.json.version);
  const cred = await s.request('POST', '/v1/credentials', { body: { name: unique('C') } });
  check('POST /v1/credentials', cred, cred.json.credential.version);
  const rolled = await s.request('POST', `/v1/credentials/${cred.json.credential.id}/roll`, { body: {} });
  check('POST /v1/credentials/:id/roll', rolled, rolled.json.credential.version);
  const user = await s.request('POST', '/v1/users', { body: { name: unique('u').replace(/\s/g, '') } });
  check('POST /v1/users', user, user.json.version);
  const group = await s.request('POST', '/v1/groups', { body: { name: unique('G') } });
  check('POST /v1/groups', group, group.json.version);
  const backend = await s.request('POST', '/v1/backends', { body: { name: unique('B'), frontendPrefix: `/etag-${Date.now()}` } });
  check('POST /v1/backends', backend, backend.json.version);
  assert.deepEqual(missing, [], 'DESIGN §4: responses carry ETag, so the next conditional write needs no extra GET');
});
