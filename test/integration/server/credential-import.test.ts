import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMPATIBILITY_ROLE_NAME } from '../../../shared/domain/policy.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { authorize, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';
import { BUSINESS_ACTIONS, TEST_CATALOG } from '../../fixtures/catalog.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

const legacySecret = () => `legacy_${unique('s').replace(/\W/g, '')}_${Math.random().toString(36).slice(2)}`;
const importItems = (items: unknown[]) => s.request('POST', '/v1/credentials/import', { body: { items } });

test('imported credentials keep their legacy secrets working', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const owner = await makeUser(s);
  const secret = legacySecret();
  const res = await importItems([{ name: unique('Legacy'), secret, roles: [role.id], ownerId: owner.id }]);
  assertStatus(res, 201);
  assert.equal(res.json.items.length, 1);
  const [credential] = res.json.items;
  assert.deepEqual(credential.roles, [role.id]);
  assert.equal(credential.ownerId, owner.id);
  assert.equal(credential.status, 'active');
  assert.equal(res.json.compatibilityRoleId, null, 'no full-access item, no compatibility role');
  assert.ok(!res.text.includes(secret), 'the import answer does not echo secrets');
  const decision = await authorize(s, { token: secret, action: 'GetClients' });
  assert.equal(decision.allowed, true);
  assert.equal(decision.credentialId, credential.id);
});

test('the compatibility role is created on the first full-access import and reused unchanged', async () => {
  const first = await importItems([
    { name: unique('Old key A'), secret: legacySecret(), fullAccess: true },
    { name: unique('Old key B'), secret: legacySecret(), fullAccess: true },
  ]);
  assertStatus(first, 201);
  const compatId = first.json.compatibilityRoleId;
  assert.equal(typeof compatId, 'string');
  for (const c of first.json.items) assert.deepEqual(c.roles, [compatId]);
  const role = (await s.request('GET', `/v1/roles/${compatId}`)).json;
  assert.equal(role.name, COMPATIBILITY_ROLE_NAME);
  assert.deepEqual([...role.actions].sort(), [...BUSINESS_ACTIONS].sort(), 'every catalog action outside keyward, no admin action');

  // The catalog grows; the compatibility role does not follow, and later imports reuse it.
  const grown = { groups: [...TEST_CATALOG.groups, { id: 'later', name: 'Later', actions: [{ id: 'LaterAction' }] }] };
  assertStatus(await s.request('PUT', '/v1/catalog', { body: grown }), 200);
  const secret = legacySecret();
  const second = await importItems([{ name: unique('Old key C'), secret, fullAccess: true }]);
  assertStatus(second, 201);
  assert.equal(second.json.compatibilityRoleId, compatId, 'the same role is reused');
  const again = (await s.request('GET', `/v1/roles/${compatId}`)).json;
  assert.deepEqual(again.actions, role.actions, 'reused unchanged');
  assert.equal(again.version, role.version);
  const roles = (await s.request('GET', '/v1/roles')).json.items.filter((r: Json) => r.name === COMPATIBILITY_ROLE_NAME);
  assert.equal(roles.length, 1);
  assert.equal((await authorize(s, { token: secret, action: 'AddClient' })).allowed, true);
  assert.equal((await authorize(s, { token: secret, action: 'LaterAction' })).allowed, false);
  assert.equal(
    (await authorize(s, { token: secret, action: 'keyward.roles.read' })).allowed,
    false,
    'full access never means administration',
  );
});

test('importing a secret that is already in use is refused with secret_taken and imports nothing', async () => {
  const secret = legacySecret();
  assertStatus(await importItems([{ name: unique('Once'), secret }]), 201);
  const fresh = legacySecret();
  const name = unique('Twice');
  assertError(
    await importItems([
      { name, secret: fresh },
      { name: unique('Dup'), secret },
    ]),
    409,
    'secret_taken',
  );
  assert.equal((await authorize(s, { token: fresh, action: 'GetClients' })).reason, 'unknown_token', 'the batch applied nothing');
  const res = await s.request('GET', `/v1/credentials?q=${encodeURIComponent(name)}`);
  assert.equal(res.json.items.length, 0);
});

test('an import with unknown roles, owners or bad CIDRs is refused with the fitting code', async () => {
  assertError(await importItems([{ name: unique('I'), secret: legacySecret(), roles: ['ghost'] }]), 400, 'unknown_role');
  assertError(await importItems([{ name: unique('I'), secret: legacySecret(), ownerId: 'ghost' }]), 400, 'unknown_user');
  assertError(await importItems([{ name: unique('I'), secret: legacySecret(), allowedCidrs: ['1.2.3.4/99'] }]), 400, 'invalid_cidr');
  assertError(await importItems([]), 400, 'invalid_request');
  assertError(await importItems([{ name: unique('I'), secret: 'short' }]), 400, 'invalid_request');
});

test('an imported legacy secret that merely looks like a kw_ token (bad checksum) keeps working, or is refused at import', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const lookalike = `kw_${'Q'.repeat(32)}${Date.now().toString(36).padStart(6, 'z').slice(-6)}`;
  const res = await importItems([{ name: unique('Lookalike'), secret: lookalike, roles: [role.id] }]);
  if (res.status === 400) return assertError(res, 400); // refusing it up front, with a reason, is fine too
  assertStatus(res, 201);
  const decision = await authorize(s, { token: lookalike, action: 'GetClients' });
  assert.equal(decision.allowed, true, `DESIGN §3.10: imported secrets of any format keep working: ${JSON.stringify(decision)}`);
  assert.equal(
    (await s.request('GET', '/v1/roles', { token: lookalike })).status,
    403,
    'and it authenticates (403 for lacking permission, not 401)',
  );
});

test('an imported legacy secret shorter than 16 characters is refused, saying why, and nothing is imported', async () => {
  const before = (await s.request('GET', '/v1/credentials?limit=200')).json.items.length;
  for (const secret of ['pw12', 'legacy-12345678', '1234567890abcde']) {
    const res = await importItems([
      { name: unique('Fine'), secret: legacySecret() },
      { name: unique('Guessable'), secret },
    ]);
    assertError(res, 400, 'invalid_request');
    assert.match(res.json.error.message, /Item 1 .*at least 16.*guessed/);
    assert.equal(res.json.error.details.index, 1);
    assert.ok(!res.text.includes(secret), 'the answer does not echo the secret');
  }
  assert.equal((await s.request('GET', '/v1/credentials?limit=200')).json.items.length, before);
  // Sixteen characters are enough, and they keep working.
  const sixteen = `L${Math.random().toString(36).slice(2, 9)}-legacy-`;
  assert.equal(sixteen.length, 16);
  assertStatus(await importItems([{ name: unique('Long enough'), secret: sixteen }]), 201);
  assert.equal((await authorize(s, { token: sixteen, action: 'GetClients' })).reason, 'no_roles');
});
