import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { authorize, makeCaller, makeCredential, makeGroup, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

const userName = () => unique('user').replace(/\s/g, '-');

test('users are created, read, listed, edited and deleted; the password is never returned', async () => {
  const group = await makeGroup(s);
  const password = 'correct horse battery staple';
  const name = userName();
  const res = await s.request('POST', '/v1/users', { body: { name, email: 'ada@example.com', groups: [group.id], password } });
  assertStatus(res, 201);
  const user = res.json;
  assert.equal(user.name, name);
  assert.equal(user.email, 'ada@example.com');
  assert.deepEqual(user.groups, [group.id]);
  assert.equal(typeof user.version, 'number');
  assert.ok(!Number.isNaN(Date.parse(user.createdAt)));
  assert.ok(!('password' in user) && !('passwordHash' in user), 'no password field in the answer');
  assert.ok(!res.text.includes(password));
  const got = await s.request('GET', `/v1/users/${user.id}`);
  assertStatus(got, 200);
  assert.deepEqual(got.json, user);
  const list = await s.request('GET', '/v1/users');
  assertStatus(list, 200);
  assert.ok(list.json.items.some((u: Json) => u.id === user.id));
  assert.ok(!list.text.includes(password));

  const patched = await s.request('PATCH', `/v1/users/${user.id}`, {
    body: { email: 'ada@example.org', groups: [], password: 'another secret pw' },
  });
  assertStatus(patched, 200);
  assert.equal(patched.json.email, 'ada@example.org');
  assert.deepEqual(patched.json.groups, []);
  assert.ok(patched.json.version > user.version);
  assert.ok(!patched.text.includes('another secret pw'));

  assertStatus(await s.request('DELETE', `/v1/users/${user.id}`), 204);
  assertError(await s.request('GET', `/v1/users/${user.id}`), 404, 'not_found');
});

test('a user left without email and groups gets empty defaults', async () => {
  const user = await makeUser(s, {});
  assert.equal(user.email, '');
  assert.deepEqual(user.groups, []);
});

test('user names are unique and groups must exist', async () => {
  const name = userName();
  await makeUser(s, { name });
  assertError(await s.request('POST', '/v1/users', { body: { name } }), 409, 'name_taken');
  assertError(await s.request('POST', '/v1/users', { body: { name: userName(), groups: ['no-such-group'] } }), 400, 'unknown_group');
  const user = await makeUser(s);
  assertError(await s.request('PATCH', `/v1/users/${user.id}`, { body: { groups: ['no-such-group'] } }), 400, 'unknown_group');
  assertError(await s.request('PATCH', `/v1/users/${user.id}`, { body: { name } }), 409, 'name_taken');
  assertError(await s.request('POST', '/v1/users', { body: { name: userName(), email: 'not an email' } }), 400, 'invalid_request');
  assertError(await s.request('POST', '/v1/users', { body: { name: userName(), password: 'short' } }), 400, 'invalid_request');
});

test('a user name with a colon is refused, since HTTP Basic sign-in could never carry it', async () => {
  const res = await s.request('POST', '/v1/users', { body: { name: `${userName()}:x` } });
  assertError(res, 400, 'invalid_request');
  assert.match(res.json.error.message, /cannot contain ":"/);
  const user = await makeUser(s);
  assertError(await s.request('PATCH', `/v1/users/${user.id}`, { body: { name: 'a:b' } }), 400, 'invalid_request');
});

test('unknown user and group ids get 404', async () => {
  assertError(await s.request('GET', '/v1/users/ghost'), 404, 'not_found');
  assertError(await s.request('PATCH', '/v1/users/ghost', { body: { email: '' } }), 404, 'not_found');
  assertError(await s.request('DELETE', '/v1/users/ghost'), 404, 'not_found');
  assertError(await s.request('POST', '/v1/users/ghost/invalidate-tokens'), 404, 'not_found');
  assertError(await s.request('GET', '/v1/groups/ghost'), 404, 'not_found');
  assertError(await s.request('PATCH', '/v1/groups/ghost', { body: { description: '' } }), 404, 'not_found');
  assertError(await s.request('DELETE', '/v1/groups/ghost'), 404, 'not_found');
});

test('groups are created with default roles, edited and deleted', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const name = unique('Engineering');
  const res = await s.request('POST', '/v1/groups', { body: { name, description: 'Engineers', defaultRoles: [role.id] } });
  assertStatus(res, 201);
  const group = res.json;
  assert.equal(group.name, name);
  assert.equal(group.description, 'Engineers');
  assert.deepEqual(group.defaultRoles, [role.id]);
  assert.equal(typeof group.version, 'number');
  assert.deepEqual((await s.request('GET', `/v1/groups/${group.id}`)).json, group);
  assert.ok((await s.request('GET', '/v1/groups')).json.items.some((g: Json) => g.id === group.id));
  const patched = await s.request('PATCH', `/v1/groups/${group.id}`, { body: { defaultRoles: [], description: '' } });
  assertStatus(patched, 200);
  assert.deepEqual(patched.json.defaultRoles, []);
  assert.ok(patched.json.version > group.version);
  assertError(await s.request('POST', '/v1/groups', { body: { name: name.toUpperCase() } }), 409, 'name_taken');
  assertError(await s.request('POST', '/v1/groups', { body: { name: unique('G'), defaultRoles: ['ghost'] } }), 400, 'unknown_role');
  assertError(await s.request('PATCH', `/v1/groups/${group.id}`, { body: { defaultRoles: ['ghost'] } }), 400, 'unknown_role');
  assertStatus(await s.request('DELETE', `/v1/groups/${group.id}`), 204);
  assertError(await s.request('GET', `/v1/groups/${group.id}`), 404, 'not_found');
});

test('deleting a group removes it from its users and from the issuance policy', async () => {
  const group = await makeGroup(s);
  const other = await makeGroup(s);
  const user = await makeUser(s, { groups: [group.id, other.id] });
  assertStatus(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: [group.id, other.id] } }), 200);
  assertStatus(await s.request('DELETE', `/v1/groups/${group.id}`), 204);
  assert.deepEqual((await s.request('GET', `/v1/users/${user.id}`)).json.groups, [other.id]);
  assert.deepEqual((await s.request('GET', '/v1/policy/issuance')).json, { allowedGroups: [other.id] });
  assertStatus(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } }), 200);
});

test('the issuance policy round-trips null, [] and a list of groups; unknown groups are refused', async () => {
  const group = await makeGroup(s);
  for (const allowedGroups of [[], [group.id], null]) {
    const put = await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups } });
    assertStatus(put, 200);
    assert.deepEqual(put.json, { allowedGroups });
    assert.deepEqual((await s.request('GET', '/v1/policy/issuance')).json, { allowedGroups });
  }
  assertError(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: ['ghost'] } }), 400, 'unknown_group');
  assertError(await s.request('PUT', '/v1/policy/issuance', { body: {} }), 400, 'invalid_request');
  assertError(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: 'everyone' } }), 400, 'invalid_request');
});

test('the issuance policy governs admin-issued credentials that name an owner', async () => {
  const allowed = await makeGroup(s);
  const member = await makeUser(s, { groups: [allowed.id] });
  const outsider = await makeUser(s);
  try {
    assertStatus(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: [] } }), 200);
    assertError(
      await s.request('POST', '/v1/credentials', { body: { name: unique('C'), ownerId: member.id } }),
      403,
      'issuance_not_allowed',
    );
    await makeCredential(s, {}); // without an owner the policy does not apply
    assertStatus(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: [allowed.id] } }), 200);
    await makeCredential(s, { ownerId: member.id });
    assertError(
      await s.request('POST', '/v1/credentials', { body: { name: unique('C'), ownerId: outsider.id } }),
      403,
      'issuance_not_allowed',
    );
    const { credential } = await makeCredential(s);
    assertError(
      await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { ownerId: outsider.id } }),
      403,
      'issuance_not_allowed',
    );
  } finally {
    assertStatus(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } }), 200);
  }
  await makeCredential(s, { ownerId: outsider.id });
});

test('invalidate-tokens revokes every non-revoked credential including disabled ones', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const user = await makeUser(s);
  const active = await makeCredential(s, { ownerId: user.id, roles: [role.id] });
  const disabled = await makeCredential(s, { ownerId: user.id, roles: [role.id] });
  const revoked = await makeCredential(s, { ownerId: user.id, roles: [role.id] });
  const someoneElse = await makeCredential(s, { roles: [role.id] });
  assertStatus(await s.request('POST', `/v1/credentials/${disabled.credential.id}/disable`), 200);
  assertStatus(await s.request('POST', `/v1/credentials/${revoked.credential.id}/revoke`), 200);
  const res = await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`);
  assertStatus(res, 200);
  assert.deepEqual(res.json, { revoked: 2 });
  for (const c of [active, disabled, revoked]) {
    assert.equal((await s.request('GET', `/v1/credentials/${c.credential.id}`)).json.status, 'revoked');
    assert.equal((await authorize(s, { token: c.secret, action: 'GetClients' })).reason, 'revoked');
  }
  assert.equal((await authorize(s, { token: someoneElse.secret, action: 'GetClients' })).allowed, true, 'other users keep their keys');
  assert.deepEqual((await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`)).json, { revoked: 0 });
  // It does not stop the user from obtaining a new key.
  const fresh = await makeCredential(s, { ownerId: user.id, roles: [role.id] });
  assert.equal((await authorize(s, { token: fresh.secret, action: 'GetClients' })).allowed, true);
});

test('invalidate-tokens needs keyward.credentials.write, not directory rights', async () => {
  const user = await makeUser(s);
  const directoryAdmin = await makeCaller(s, ['keyward.directory.read', 'keyward.directory.write']);
  assertError(await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`, { token: directoryAdmin.token }), 403, 'forbidden');
  const credentialAdmin = await makeCaller(s, ['keyward.credentials.write']);
  assertStatus(await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`, { token: credentialAdmin.token }), 200);
});

test('deleting a user revokes their credentials', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const user = await makeUser(s);
  const c = await makeCredential(s, { ownerId: user.id, roles: [role.id] });
  assertStatus(await s.request('DELETE', `/v1/users/${user.id}`), 204);
  assert.equal((await authorize(s, { token: c.secret, action: 'GetClients' })).allowed, false);
  const after = (await s.request('GET', `/v1/credentials/${c.credential.id}`)).json;
  assert.equal(after.status, 'revoked');
  assert.equal(after.ownerId, null, 'the credential loses its owner');
});

test('directory endpoints need keyward.directory.read / keyward.directory.write', async () => {
  const reader = await makeCaller(s, ['keyward.directory.read']);
  const t = { token: reader.token };
  assertStatus(await s.request('GET', '/v1/users', t), 200);
  assertStatus(await s.request('GET', '/v1/groups', t), 200);
  assertStatus(await s.request('GET', '/v1/policy/issuance', t), 200);
  assertError(await s.request('POST', '/v1/users', { ...t, body: { name: userName() } }), 403, 'forbidden');
  assertError(await s.request('POST', '/v1/groups', { ...t, body: { name: unique('G') } }), 403, 'forbidden');
  assertError(await s.request('PUT', '/v1/policy/issuance', { ...t, body: { allowedGroups: null } }), 403, 'forbidden');
  const outsider = await makeCaller(s, ['keyward.roles.read']);
  assertError(await s.request('GET', '/v1/users', { token: outsider.token }), 403, 'forbidden');
  assertError(await s.request('GET', '/v1/policy/issuance', { token: outsider.token }), 403, 'forbidden');
});

test("a delegated admin cannot put administration roles into a group's default roles (escalation)", async () => {
  const delegate = await makeCaller(s, ['keyward.directory.read', 'keyward.directory.write']);
  const admin = await makeRole(s, { actions: ['keyward.roles.write'] });
  const plain = await makeRole(s, { actions: ['GetClients'] });
  assertError(
    await s.request('POST', '/v1/groups', { token: delegate.token, body: { name: unique('G'), defaultRoles: [admin.id] } }),
    403,
    'escalation',
  );
  const group = await makeGroup(s, { defaultRoles: [plain.id] }, { token: delegate.token });
  assertError(
    await s.request('PATCH', `/v1/groups/${group.id}`, { token: delegate.token, body: { defaultRoles: [plain.id, admin.id] } }),
    403,
    'escalation',
  );
});

test('a delegated directory admin cannot make a user a member of a group whose default roles hold administration actions it lacks (escalation)', async () => {
  const adminRole = await makeRole(s, { actions: ['keyward.roles.write', 'keyward.audit.read'] });
  const adminGroup = await makeGroup(s, { defaultRoles: [adminRole.id] });
  const plainGroup = await makeGroup(s, { defaultRoles: [(await makeRole(s, { actions: ['GetClients'] })).id] });
  const delegate = await makeCaller(s, ['keyward.directory.read', 'keyward.directory.write']);
  const t = { token: delegate.token };
  // Otherwise: create a user with a password in that group, self-issue a key, and hold its admin actions.
  assertError(
    await s.request('POST', '/v1/users', { ...t, body: { name: userName(), password: 'a password of mine', groups: [adminGroup.id] } }),
    403,
    'escalation',
  );
  const user = await makeUser(s, { groups: [plainGroup.id] }, t);
  assertError(
    await s.request('PATCH', `/v1/users/${user.id}`, { ...t, body: { groups: [plainGroup.id, adminGroup.id] } }),
    403,
    'escalation',
  );
  assert.deepEqual((await s.request('GET', `/v1/users/${user.id}`)).json.groups, [plainGroup.id]);
  // The full admin may.
  assertStatus(await s.request('PATCH', `/v1/users/${user.id}`, { body: { groups: [adminGroup.id] } }), 200);
});

test('a delegated directory admin cannot set the password of a user whose groups grant administration actions it lacks (escalation)', async () => {
  const adminRole = await makeRole(s, { actions: ['keyward.backends.write'] });
  const adminGroup = await makeGroup(s, { defaultRoles: [adminRole.id] });
  const colleague = await makeUser(s, { groups: [adminGroup.id] });
  const delegate = await makeCaller(s, ['keyward.directory.read', 'keyward.directory.write']);
  // Otherwise: set the colleague's password, self-issue as them, and hold keyward.backends.write.
  assertError(
    await s.request('PATCH', `/v1/users/${colleague.id}`, { token: delegate.token, body: { password: 'now I know it' } }),
    403,
    'escalation',
  );
  assertStatus(
    await s.request('PATCH', `/v1/users/${colleague.id}`, { token: delegate.token, body: { email: 'colleague@example.com' } }),
    200,
  );
});
