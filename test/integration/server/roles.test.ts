import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { authorize, makeBackend, makeCaller, makeCredential, makeGroup, makeRole, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

test('creating a role answers 201 with the whole role', async () => {
  const name = unique('Support');
  const res = await s.request('POST', '/v1/roles', {
    body: { name, description: 'Handles tickets', actions: ['OpenTicket', 'CloseTicket'] },
  });
  assertStatus(res, 201);
  const role = res.json;
  assert.equal(typeof role.id, 'string');
  assert.equal(role.name, name);
  assert.equal(role.description, 'Handles tickets');
  assert.deepEqual([...role.actions].sort(), ['CloseTicket', 'OpenTicket']);
  assert.equal(typeof role.version, 'number');
  assert.ok(!Number.isNaN(Date.parse(role.createdAt)) && !Number.isNaN(Date.parse(role.updatedAt)));
  const got = await s.request('GET', `/v1/roles/${role.id}`);
  assertStatus(got, 200);
  assert.deepEqual(got.json, role);
  const list = await s.request('GET', '/v1/roles');
  assertStatus(list, 200);
  assert.ok(list.json.items.some((r: Json) => r.id === role.id));
});

test('a role left without description gets an empty one', async () => {
  const role = await makeRole(s, { actions: [] });
  assert.equal(role.description, '');
  assert.deepEqual(role.actions, []);
});

test('role names are unique case-insensitively (409 name_taken)', async () => {
  const name = unique('Billing Clerk');
  await makeRole(s, { name });
  assertError(await s.request('POST', '/v1/roles', { body: { name: name.toUpperCase(), actions: [] } }), 409, 'name_taken');
  const other = await makeRole(s);
  assertError(await s.request('PATCH', `/v1/roles/${other.id}`, { body: { name: name.toLowerCase() } }), 409, 'name_taken');
  const own = await s.request('PATCH', `/v1/roles/${other.id}`, { body: { name: other.name.toUpperCase() } });
  assertStatus(own, 200);
  assert.equal(own.json.name, other.name.toUpperCase(), 'a role may change the case of its own name');
});

test('a role with an action outside the catalog is refused with unknown_action', async () => {
  const res = await s.request('POST', '/v1/roles', { body: { name: unique('R'), actions: ['AddClient', 'NoSuchAction'] } });
  assertError(res, 400, 'unknown_action');
  assert.ok(
    res.json.error.message.includes('NoSuchAction') || JSON.stringify(res.json.error.details ?? {}).includes('NoSuchAction'),
    'names the unknown action',
  );
  const role = await makeRole(s);
  assertError(await s.request('PATCH', `/v1/roles/${role.id}`, { body: { actions: ['NoSuchAction'] } }), 400, 'unknown_action');
});

test('name, description and actions of a role can be edited; the version grows', async () => {
  const role = await makeRole(s, { actions: ['AddClient'] });
  const res = await s.request('PATCH', `/v1/roles/${role.id}`, {
    body: { name: `${role.name} renamed`, description: 'new', actions: ['GetClients'] },
  });
  assertStatus(res, 200);
  assert.equal(res.json.name, `${role.name} renamed`);
  assert.equal(res.json.description, 'new');
  assert.deepEqual(res.json.actions, ['GetClients']);
  assert.ok(res.json.version > role.version);
  assert.equal(res.json.createdAt, role.createdAt);
  const partial = await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: 'only this' } });
  assert.equal(partial.json.name, `${role.name} renamed`, 'fields left out stay as they are');
  assert.deepEqual(partial.json.actions, ['GetClients']);
});

test('a role edit reaches every credential holding it at once', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const a = await makeCredential(s, { roles: [role.id] });
  const b = await makeCredential(s, { roles: [role.id] });
  for (const c of [a, b]) assert.equal((await authorize(s, { token: c.secret, action: 'AddClient' })).reason, 'not_permitted');
  assertStatus(await s.request('PATCH', `/v1/roles/${role.id}`, { body: { actions: ['GetClients', 'AddClient'] } }), 200);
  for (const c of [a, b]) {
    const decision = await authorize(s, { token: c.secret, action: 'AddClient' });
    assert.equal(decision.allowed, true);
    assert.deepEqual(decision.grantedBy, [role.name]);
  }
  const renamed = `${role.name} v2`;
  assertStatus(await s.request('PATCH', `/v1/roles/${role.id}`, { body: { name: renamed, actions: [] } }), 200);
  const decision = await authorize(s, { token: a.secret, action: 'AddClient' });
  assert.equal(decision.allowed, false);
  assert.equal(decision.reason, 'not_permitted', 'a role without actions gives not_permitted');
  assert.deepEqual(decision.roles, [renamed], 'the new name is seen at once');
});

test('deleting a role unassigns it and re-creating the name does not re-assign it', async () => {
  const name = unique('Temporary');
  const role = await makeRole(s, { name, actions: ['AddClient'] });
  const keep = await makeRole(s, { actions: ['GetClients'] });
  const { credential, secret } = await makeCredential(s, { roles: [role.id, keep.id] });
  const group = await makeGroup(s, { defaultRoles: [role.id, keep.id] });
  const del = await s.request('DELETE', `/v1/roles/${role.id}`);
  assertStatus(del, 204);
  assert.equal(del.text, '');
  assertError(await s.request('GET', `/v1/roles/${role.id}`), 404, 'not_found');
  const cred = await s.request('GET', `/v1/credentials/${credential.id}`);
  assert.deepEqual(cred.json.roles, [keep.id], 'the credential lost the deleted role');
  const grp = await s.request('GET', `/v1/groups/${group.id}`);
  assert.deepEqual(grp.json.defaultRoles, [keep.id], 'group default roles lose it too');
  assert.equal((await authorize(s, { token: secret, action: 'AddClient' })).reason, 'not_permitted');

  const again = await makeRole(s, { name, actions: ['AddClient'] });
  assert.notEqual(again.id, role.id);
  const after = await s.request('GET', `/v1/credentials/${credential.id}`);
  assert.deepEqual(after.json.roles, [keep.id], 're-created role is not re-assigned');
  assert.equal((await authorize(s, { token: secret, action: 'AddClient' })).allowed, false);
});

test('deleting a role a backend requires is refused with role_in_use listing the backends', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const direct = await makeBackend(s, { requiredRoles: [role.id] });
  const viaSetting = await makeBackend(s, { subSettings: [{ method: 'GET', pathRegex: '^/x', requiredRoles: [role.id] }] });
  const res = await s.request('DELETE', `/v1/roles/${role.id}`);
  assertError(res, 409, 'role_in_use');
  const details = JSON.stringify(res.json.error.details ?? {});
  assert.ok(details.includes(direct.id), `details list the backend requiring it: ${details}`);
  assert.ok(details.includes(viaSetting.id), `details list the backend whose sub-URL setting requires it: ${details}`);
  assertStatus(await s.request('GET', `/v1/roles/${role.id}`), 200);
  assertStatus(await s.request('DELETE', `/v1/backends/${direct.id}`), 204);
  assertStatus(await s.request('DELETE', `/v1/backends/${viaSetting.id}`), 204);
  assertStatus(await s.request('DELETE', `/v1/roles/${role.id}`), 204);
});

test('unknown role ids get 404 not_found on GET, PATCH and DELETE', async () => {
  assertError(await s.request('GET', '/v1/roles/no-such-role'), 404, 'not_found');
  assertError(await s.request('PATCH', '/v1/roles/no-such-role', { body: { description: 'x' } }), 404, 'not_found');
  assertError(await s.request('DELETE', '/v1/roles/no-such-role'), 404, 'not_found');
});

test('a delegated admin cannot grant administration actions it lacks (escalation)', async () => {
  const delegate = await makeCaller(s, ['keyward.roles.read', 'keyward.roles.write', 'keyward.catalog.read']);
  const asDelegate = { token: delegate.token };
  const res = await s.request('POST', '/v1/roles', {
    ...asDelegate,
    body: { name: unique('Sneaky'), actions: ['AddClient', 'keyward.credentials.write'] },
  });
  assertError(res, 403, 'escalation');
  assert.ok(JSON.stringify(res.json.error).includes('keyward.credentials.write'), 'names the action it may not grant');
  // Business actions and admin actions it holds itself are fine.
  const fine = await makeRole(s, { actions: ['AddClient', 'keyward.roles.read'] }, asDelegate);
  assertError(
    await s.request('PATCH', `/v1/roles/${fine.id}`, { ...asDelegate, body: { actions: ['keyward.audit.read'] } }),
    403,
    'escalation',
  );
  // It cannot make itself a bigger admin by editing its own role either.
  assertError(
    await s.request('PATCH', `/v1/roles/${delegate.role.id}`, {
      ...asDelegate,
      body: { actions: ['keyward.roles.read', 'keyward.roles.write', 'keyward.catalog.read', 'keyward.backends.write'] },
    }),
    403,
    'escalation',
  );
  const unchanged = await s.request('GET', `/v1/roles/${delegate.role.id}`);
  assert.ok(!unchanged.json.actions.includes('keyward.backends.write'));
  // The full admin may.
  assertStatus(await s.request('PATCH', `/v1/roles/${fine.id}`, { body: { actions: ['keyward.audit.read'] } }), 200);
});

test('role endpoints need keyward.roles.read / keyward.roles.write', async () => {
  const reader = await makeCaller(s, ['keyward.roles.read']);
  assertStatus(await s.request('GET', '/v1/roles', { token: reader.token }), 200);
  assertError(await s.request('POST', '/v1/roles', { token: reader.token, body: { name: unique('R'), actions: [] } }), 403, 'forbidden');
  const role = await makeRole(s);
  assertError(await s.request('PATCH', `/v1/roles/${role.id}`, { token: reader.token, body: { description: 'x' } }), 403, 'forbidden');
  assertError(await s.request('DELETE', `/v1/roles/${role.id}`, { token: reader.token }), 403, 'forbidden');
  const outsider = await makeCaller(s, ['GetClients']);
  assertError(await s.request('GET', '/v1/roles', { token: outsider.token }), 403, 'forbidden');
  assertError(await s.request('GET', `/v1/roles/${role.id}`, { token: outsider.token }), 403, 'forbidden');
});
