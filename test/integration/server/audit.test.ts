import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeBackend, makeCaller, makeCredential, makeGroup, makeRole, makeUser, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';
import { PETSTORE_OPENAPI } from '../../fixtures/catalog.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

async function allEntries(): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await s.request('GET', `/v1/audit?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assertStatus(res, 200);
    out.push(...res.json.items);
    cursor = res.json.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('audit paging did not end');
}

const entriesFor = async (id: string) => (await allEntries()).filter((e) => e.target?.id === id);

test('every write is audited with actor, action, target, before and after', async () => {
  const bootstrapId = (await s.request('GET', '/v1/credentials?q=bootstrap')).json.items[0].id;
  const role = await makeRole(s, { actions: ['GetClients'] });
  await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: 'changed' } });
  await s.request('DELETE', `/v1/roles/${role.id}`);
  const entries = await entriesFor(role.id);
  assert.equal(entries.length, 3, `create, update, delete: ${JSON.stringify(entries.map((e) => e.action))}`);
  const [del, upd, create] = entries; // newest first
  for (const e of entries) {
    assert.equal(typeof e.id, 'string');
    assert.ok(!Number.isNaN(Date.parse(e.at)));
    assert.equal(e.actorId, bootstrapId, 'the actor is the calling credential');
    assert.equal(typeof e.action, 'string');
    assert.equal(e.target.id, role.id);
    assert.equal(typeof e.target.type, 'string');
  }
  assert.ok(Date.parse(create.at) <= Date.parse(upd.at) && Date.parse(upd.at) <= Date.parse(del.at), 'newest first');
  assert.ok(create.before === null || create.before === undefined);
  assert.equal(create.after.name, role.name);
  assert.equal(upd.before.description, '');
  assert.equal(upd.after.description, 'changed');
  assert.equal(del.before.id, role.id);
});

test('writes of every kind leave an audit entry', async () => {
  const role = await makeRole(s);
  const { credential } = await makeCredential(s, { roles: [role.id] });
  await s.request('POST', `/v1/credentials/${credential.id}/disable`);
  await s.request('POST', `/v1/credentials/${credential.id}/enable`);
  await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {} });
  await s.request('POST', `/v1/credentials/${credential.id}/revoke`);
  const user = await makeUser(s);
  const group = await makeGroup(s);
  const backend = await makeBackend(s);
  await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: [group.id] } });
  await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
  await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`);
  const imported = await s.request('POST', '/v1/credentials/import', {
    body: { items: [{ name: 'audited import', secret: `legacy-audit-${Date.now()}` }] },
  });
  const changed = await makeRole(s);
  await s.request('POST', '/v1/roles/changes', {
    body: { changes: [{ op: 'update', id: changed.id, expectedVersion: changed.version, set: { description: 'via changes' } }] },
  });
  const before = (await allEntries()).length;
  await s.request('POST', '/v1/catalog/openapi', { body: PETSTORE_OPENAPI });
  const all = await allEntries();
  assert.equal(all.length, before + 1, 'the OpenAPI import is one audited write');
  assert.ok(all.filter((e) => e.target.id === credential.id).length >= 5, 'create, disable, enable, roll, revoke');
  assert.ok(all.filter((e) => e.target.id === user.id).length >= 2, 'user create and invalidate-tokens');
  assert.ok(
    all.some((e) => e.target.id === imported.json.items[0].id),
    'the import',
  );
  assert.ok(
    all.some((e) => e.target.id === changed.id && e.after?.description === 'via changes'),
    'the change set',
  );
  for (const id of [user.id, group.id, backend.id])
    assert.ok(
      all.some((e) => e.target.id === id),
      `an entry for ${id}`,
    );
  assert.ok(
    all.some((e) => JSON.stringify(e).includes(group.id) && e.target.type !== 'group'),
    'the policy change is audited',
  );
  assert.ok(
    all.some((e) => e.target.type && /catalog/i.test(e.target.type + e.action)),
    'the catalog write is audited',
  );
});

test('the audit log pages with limit and nextCursor without gaps or repeats', async () => {
  for (let i = 0; i < 5; i++) await makeRole(s);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await s.request('GET', `/v1/audit?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assertStatus(res, 200);
    assert.ok(res.json.items.length <= 3);
    seen.push(...res.json.items.map((e: Json) => e.id));
    cursor = res.json.nextCursor;
  } while (cursor);
  assert.equal(new Set(seen).size, seen.length);
  const whole = await allEntries();
  assert.equal(seen.length, whole.length);
});

test('the audit log filters by target and action', async () => {
  const role = await makeRole(s);
  await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: 'filtered' } });
  const byTarget = await s.request('GET', `/v1/audit?targetId=${role.id}`);
  assertStatus(byTarget, 200);
  assert.equal(byTarget.json.items.length, 2);
  assert.ok(byTarget.json.items.every((e: Json) => e.target.id === role.id));
  const action = byTarget.json.items[0].action;
  const byAction = await s.request('GET', `/v1/audit?action=${encodeURIComponent(action)}&limit=1000`);
  assert.ok(byAction.json.items.length >= 1 && byAction.json.items.every((e: Json) => e.action === action));
});

test('a forged audit cursor is 400 invalid_cursor and a negative limit 400', async () => {
  assertError(await s.request('GET', '/v1/audit?cursor=forged'), 400, 'invalid_cursor');
  assertError(await s.request('GET', '/v1/audit?limit=-5'), 400, 'invalid_request');
  assertError(await s.request('GET', '/v1/audit?limit=ten'), 400, 'invalid_request');
});

test('the audit log needs keyward.audit.read', async () => {
  const outsider = await makeCaller(s, ['keyward.roles.read']);
  assertError(await s.request('GET', '/v1/audit', { token: outsider.token }), 403, 'forbidden');
  const auditor = await makeCaller(s, ['keyward.audit.read']);
  assertStatus(await s.request('GET', '/v1/audit', { token: auditor.token }), 200);
});
