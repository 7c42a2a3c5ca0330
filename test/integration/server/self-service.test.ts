import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hasValidChecksum } from '../../../shared/domain/token.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { authorize, makeGroup, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
let readRole: Json;
let ticketRole: Json;
let staff: Json;
let support: Json;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  readRole = await makeRole(s, { actions: ['GetClients'] });
  ticketRole = await makeRole(s, { actions: ['OpenTicket'] });
  staff = await makeGroup(s, { defaultRoles: [readRole.id] });
  support = await makeGroup(s, { defaultRoles: [ticketRole.id, readRole.id] });
});
after(() => s?.close());

const PASSWORD = 'a long enough password';
const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const selfIssue = (name: string, password: string, body: unknown = { name: unique('My key') }) =>
  s.request('POST', '/v1/self/credentials', { token: null, headers: { authorization: basic(name, password) }, body });
const setPolicy = async (allowedGroups: string[] | null) =>
  assertStatus(await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups } }), 200);
const newUser = (groups: string[]) => makeUser(s, { name: unique('self').replace(/\s/g, '-'), password: PASSWORD, groups });

test("a user obtains their own key with their groups' default roles", async () => {
  await setPolicy(null);
  const user = await newUser([staff.id, support.id]);
  const res = await selfIssue(user.name, PASSWORD, { name: 'laptop', description: 'my laptop' });
  assertStatus(res, 201);
  const { credential, secret } = res.json;
  assert.ok(hasValidChecksum(secret));
  assert.equal(credential.ownerId, user.id);
  assert.equal(credential.name, 'laptop');
  assert.equal(credential.description, 'my laptop');
  assert.deepEqual([...credential.roles].sort(), [readRole.id, ticketRole.id].sort(), 'union of the default roles, each once');
  assert.equal((await authorize(s, { token: secret, action: 'OpenTicket' })).allowed, true);
  assert.equal((await authorize(s, { token: secret, action: 'AddClient' })).allowed, false);
});

test('allowedGroups null lets every user obtain a key, [] nobody, a list only its members', async () => {
  const member = await newUser([staff.id]);
  const outsider = await newUser([support.id]);
  const loner = await newUser([]);
  await setPolicy(null);
  assertStatus(await selfIssue(loner.name, PASSWORD), 201);
  await setPolicy([]);
  for (const u of [member, outsider, loner]) assertError(await selfIssue(u.name, PASSWORD), 403, 'issuance_not_allowed');
  await setPolicy([staff.id]);
  assertStatus(await selfIssue(member.name, PASSWORD), 201);
  assertError(await selfIssue(outsider.name, PASSWORD), 403, 'issuance_not_allowed');
  assertError(await selfIssue(loner.name, PASSWORD), 403, 'issuance_not_allowed');
  await setPolicy(null);
});

test('self-service with a wrong password, an unknown user or a user without password gets 401', async () => {
  await setPolicy(null);
  const user = await newUser([staff.id]);
  assertError(await selfIssue(user.name, 'wrong password!'), 401, 'unauthorized');
  assertError(await selfIssue('nobody-by-this-name', PASSWORD), 401, 'unauthorized');
  const noPassword = await makeUser(s, {});
  assertError(await selfIssue(noPassword.name, ''), 401, 'unauthorized');
  assertError(await s.request('POST', '/v1/self/credentials', { token: null, body: { name: 'k' } }), 401, 'unauthorized');
  assertError(
    await s.request('POST', '/v1/self/credentials', { token: null, headers: { authorization: 'Basic !!!notbase64' }, body: { name: 'k' } }),
    401,
    'unauthorized',
  );
});

test('an admin token is not a way to self-issue: the endpoint takes HTTP Basic only', async () => {
  const res = await s.request('POST', '/v1/self/credentials', { body: { name: 'k' } });
  assertError(res, 401, 'unauthorized');
});

test('a self-service body is validated like any other', async () => {
  await setPolicy(null);
  const user = await newUser([]);
  assertError(await selfIssue(user.name, PASSWORD, { name: '' }), 400, 'invalid_request');
  assertError(await selfIssue(user.name, PASSWORD, { name: 'k', roles: [readRole.id] }), 400, 'invalid_request');
});

test('after invalidate-tokens the user can still obtain a new key', async () => {
  await setPolicy(null);
  const user = await newUser([staff.id]);
  const first = (await selfIssue(user.name, PASSWORD)).json;
  assert.deepEqual((await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`)).json, { revoked: 1 });
  assert.equal((await authorize(s, { token: first.secret, action: 'GetClients' })).reason, 'revoked');
  const second = await selfIssue(user.name, PASSWORD);
  assertStatus(second, 201);
  assert.equal((await authorize(s, { token: second.json.secret, action: 'GetClients' })).allowed, true);
});

test("removing a user's password (null) ends their self-service", async () => {
  await setPolicy(null);
  const user = await newUser([staff.id]);
  assertStatus(await selfIssue(user.name, PASSWORD), 201);
  assertStatus(await s.request('PATCH', `/v1/users/${user.id}`, { body: { password: null } }), 200);
  assertError(await selfIssue(user.name, PASSWORD), 401, 'unauthorized');
});
