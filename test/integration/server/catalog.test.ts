import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_ACTION_IDS } from '../../../shared/domain/admin-actions.ts';
import { assertClientError, assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeCaller, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';
import { PETSTORE_OPENAPI, TEST_CATALOG } from '../../fixtures/catalog.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

const actionIds = (catalog: Json): string[] => catalog.groups.flatMap((g: Json) => g.actions.map((a: Json) => a.id));

test('a fresh backend has the built-in keyward group with every administration action', async () => {
  const res = await s.request('GET', '/v1/catalog');
  assertStatus(res, 200);
  assert.equal(typeof res.json.version, 'number');
  const keyward = res.json.groups.find((g: Json) => g.id === 'keyward');
  assert.ok(keyward, 'keyward group present');
  assert.deepEqual(keyward.actions.map((a: Json) => a.id).sort(), [...ADMIN_ACTION_IDS].sort());
});

test('PUT /v1/catalog replaces the business groups, keeps keyward and fills empty defaults', async () => {
  const catalog = await seedCatalog(s);
  const ids = actionIds(catalog);
  for (const id of ['AddClient', 'GetInvoices', 'OpenTicket', ...ADMIN_ACTION_IDS]) assert.ok(ids.includes(id), id);
  const support = catalog.groups.find((g: Json) => g.id === 'support');
  assert.equal(support.name, 'Support');
  assert.equal(support.description, '', 'a left-out description defaults to empty');
  const deleteClient = catalog.groups.find((g: Json) => g.id === 'clients').actions.find((a: Json) => a.id === 'DeleteClient');
  assert.deepEqual(deleteClient.routes, [], 'a left-out routes list defaults to empty');
  assert.equal(deleteClient.description, '');
  const add = catalog.groups.find((g: Json) => g.id === 'clients').actions.find((a: Json) => a.id === 'AddClient');
  assert.deepEqual(add.routes, [{ method: 'POST', path: '/api/clients' }]);

  const smaller = { groups: [TEST_CATALOG.groups[0], { id: 'extra', name: 'Extra', actions: [{ id: 'ExtraThing' }] }] };
  const replaced = await s.request('PUT', '/v1/catalog', { body: smaller });
  assertStatus(replaced, 200);
  const after = actionIds(replaced.json);
  assert.ok(after.includes('ExtraThing'));
  assert.ok(!after.includes('OpenTicket'), 'groups left out of the body are removed');
  assert.ok(
    ADMIN_ACTION_IDS.every((id) => after.includes(id)),
    'keyward survives a replace',
  );
  assert.ok(replaced.json.version > catalog.version, 'the catalog version grows on every write');
  await seedCatalog(s);
});

test('removing catalog actions that roles use is refused with catalog_in_use unless prune=true', async () => {
  await seedCatalog(s);
  const role = await makeRole(s, { actions: ['OpenTicket', 'AddClient'] });
  const { secret } = await makeCredential(s, { roles: [role.id] });
  assert.equal((await s.request('POST', '/v1/authorize', { body: { token: secret, action: 'OpenTicket' } })).json.allowed, true);
  const withoutSupport = { groups: TEST_CATALOG.groups.filter((g) => g.id !== 'support') };
  const refused = await s.request('PUT', '/v1/catalog', { body: withoutSupport });
  assertError(refused, 409, 'catalog_in_use');
  const still = await s.request('GET', '/v1/catalog');
  assert.ok(actionIds(still.json).includes('OpenTicket'), 'nothing changed on refusal');

  const pruned = await s.request('PUT', '/v1/catalog?prune=true', { body: withoutSupport });
  assertStatus(pruned, 200);
  assert.ok(!actionIds(pruned.json).includes('OpenTicket'));
  const roleAfter = await s.request('GET', `/v1/roles/${role.id}`);
  assert.deepEqual(roleAfter.json.actions, ['AddClient'], 'prune removes the dropped actions from roles');
  const decision = await s.request('POST', '/v1/authorize', { body: { token: secret, action: 'OpenTicket' } });
  assert.equal(decision.json.allowed, false, 'credentials lose the pruned action at once');
  assert.equal((await s.request('POST', '/v1/authorize', { body: { token: secret, action: 'AddClient' } })).json.allowed, true);
  await seedCatalog(s);
});

test('importing an OpenAPI document merges its operations: group = first tag, id = operationId, routes = method+path', async () => {
  await seedCatalog(s);
  const res = await s.request('POST', '/v1/catalog/openapi', { body: PETSTORE_OPENAPI });
  assertStatus(res, 200);
  const ids = actionIds(res.json);
  for (const id of ['ListPets', 'CreatePet', 'ShowPetById', 'PlaceOrder']) assert.ok(ids.includes(id), id);
  assert.ok(ids.includes('AddClient'), 'merge keeps the existing catalog');
  const groupOf = (id: string) => res.json.groups.find((g: Json) => g.actions.some((a: Json) => a.id === id));
  assert.equal(groupOf('ListPets').name, 'Pets', 'the first tag names the group');
  assert.equal(groupOf('ShowPetById'), groupOf('ListPets'));
  assert.equal(groupOf('PlaceOrder').name, 'Store');
  const listPets = groupOf('ListPets').actions.find((a: Json) => a.id === 'ListPets');
  assert.deepEqual(listPets.routes, [{ method: 'GET', path: '/pets' }]);
  const again = await s.request('POST', '/v1/catalog/openapi', { body: PETSTORE_OPENAPI });
  assertStatus(again, 200);
  assert.deepEqual(actionIds(again.json).sort(), ids.sort(), 'importing the same document again adds nothing');
  const missingId = { openapi: '3.1.0', paths: { '/x': { get: { tags: ['X'] } } } };
  assertError(await s.request('POST', '/v1/catalog/openapi', { body: missingId }), 400, 'invalid_openapi');
});

test('a document that is not OpenAPI 3 is refused with a 400', async () => {
  assertError(await s.request('POST', '/v1/catalog/openapi', { body: { swagger: '2.0', paths: {} } }), 400, [
    'invalid_request',
    'invalid_openapi',
  ]);
  assertError(await s.request('POST', '/v1/catalog/openapi', { body: { openapi: '2.0', paths: {} } }), 400, [
    'invalid_request',
    'invalid_openapi',
  ]);
});

test('catalog writes and reads need keyward.catalog.write and keyward.catalog.read', async () => {
  await seedCatalog(s); // the role of the caller without catalog rights holds one of its actions
  const reader = await makeCaller(s, ['keyward.catalog.read']);
  assertStatus(await s.request('GET', '/v1/catalog', { token: reader.token }), 200);
  assertError(await s.request('PUT', '/v1/catalog', { token: reader.token, body: TEST_CATALOG }), 403, 'forbidden');
  assertError(await s.request('POST', '/v1/catalog/openapi', { token: reader.token, body: PETSTORE_OPENAPI }), 403, 'forbidden');
  const nobody = await makeCaller(s, ['AddClient']);
  assertError(await s.request('GET', '/v1/catalog', { token: nobody.token }), 403, 'forbidden');
});

test('a catalog body with an action in two groups or a malformed group is a 400', async () => {
  const bad = { groups: [{ id: 'g one', name: 'G', actions: [] }] };
  assertError(await s.request('PUT', '/v1/catalog', { body: bad }), 400);
  const noName = { groups: [{ id: 'g1', actions: [] }] };
  assertError(await s.request('PUT', '/v1/catalog', { body: noName }), 400);
  const duplicate = {
    groups: [
      { id: 'a', name: 'A', actions: [{ id: 'Same' }] },
      { id: 'b', name: 'B', actions: [{ id: 'Same' }] },
    ],
  };
  assertClientError(await s.request('PUT', '/v1/catalog', { body: duplicate }), 'an action in two groups');
});

test('nobody can add actions to the keyward group or reuse its ids, by PUT or by OpenAPI import', async () => {
  await seedCatalog(s);
  const asGroup = { groups: [...TEST_CATALOG.groups, { id: 'keyward', name: 'Mine', actions: [{ id: 'keyward.superpower' }] }] };
  assertError(await s.request('PUT', '/v1/catalog', { body: asGroup }), 400);
  const asAction = { groups: [...TEST_CATALOG.groups, { id: 'x', name: 'X', actions: [{ id: 'keyward.roles.read' }] }] };
  assertError(await s.request('PUT', '/v1/catalog', { body: asAction }), 400);
  const doc = { openapi: '3.0.0', paths: { '/a': { get: { operationId: 'keyward.audit.read', tags: ['A'] } } } };
  assertClientError(await s.request('POST', '/v1/catalog/openapi', { body: doc }), 'an OpenAPI operation named like an admin action');
  const keyward = (await s.request('GET', '/v1/catalog')).json.groups.find((g: Json) => g.id === 'keyward');
  assert.deepEqual(keyward.actions.map((a: Json) => a.id).sort(), [...ADMIN_ACTION_IDS].sort());
});
