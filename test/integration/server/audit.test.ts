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

// ---- Time range and actor filters (issue 12) ----

const query = (params: Record<string, string>) => `/v1/audit?${new URLSearchParams(params).toString()}`;

/** Every entry matching the filters, following nextCursor with small pages. */
async function allMatching(params: Record<string, string>, limit = 2): Promise<Json[]> {
  const out: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const res = await s.request('GET', query({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) }));
    assertStatus(res, 200);
    assert.ok(res.json.items.length <= limit);
    out.push(...res.json.items);
    cursor = res.json.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('audit paging did not end');
}

/** A write by the given caller whose audit entry is stamped strictly after every earlier one. */
async function writeAfterClockMoves(token: string): Promise<void> {
  const start = Date.now();
  // A condition, not a sleep: wait for the next millisecond so entries have distinct times.
  while (Date.now() <= start) await new Promise((resolve) => setImmediate(resolve));
  await makeRole(s, {}, { token });
}

/** The same instant written with a +01:00 offset instead of Z. */
function withOffset(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 3_600_000).toISOString();
  return shifted.replace('Z', '+01:00');
}

test('the audit log keeps the entries from `from` (inclusive) up to `to` (exclusive), whatever the offset', async () => {
  const writer = await makeCaller(s, ['keyward.roles.write']);
  for (let i = 0; i < 4; i++) await writeAfterClockMoves(writer.token);
  const mine = await allMatching({ actorId: writer.credential.id }, 1000);
  assert.equal(mine.length, 4);
  const [e3, e2, e1] = mine; // newest first
  const range = await s.request('GET', query({ actorId: writer.credential.id, from: e1.at, to: e3.at }));
  assertStatus(range, 200);
  assert.deepEqual(
    range.json.items.map((e: Json) => e.id),
    [e2.id, e1.id],
    'from is inclusive and to exclusive',
  );
  const offset = await s.request('GET', query({ actorId: writer.credential.id, from: withOffset(e1.at), to: withOffset(e3.at) }));
  assert.deepEqual(
    offset.json.items.map((e: Json) => e.id),
    [e2.id, e1.id],
    'an offset names the same instant as Z',
  );
  const onlyFrom = await s.request('GET', query({ actorId: writer.credential.id, from: e2.at }));
  assert.deepEqual(
    onlyFrom.json.items.map((e: Json) => e.id),
    [e3.id, e2.id],
  );
  const onlyTo = await s.request('GET', query({ actorId: writer.credential.id, to: e2.at }));
  assert.deepEqual(
    onlyTo.json.items.map((e: Json) => e.id),
    [e1.id, mine[3].id],
  );
});

test('a time range that is not a date-time, or ends before it starts, is 400 invalid_request naming the field', async () => {
  const fieldsOf = (res: Json) => (res.json.error.details?.problems ?? []).map((p: Json) => p.field);
  const badFrom = await s.request('GET', query({ from: 'yesterday' }));
  assertError(badFrom, 400, 'invalid_request');
  assert.deepEqual(fieldsOf(badFrom), ['query.from']);
  assert.match(badFrom.json.error.message, /query\.from/);
  const badTo = await s.request('GET', query({ from: '2026-01-01T00:00:00Z', to: '2026-01-01' }));
  assertError(badTo, 400, 'invalid_request');
  assert.deepEqual(fieldsOf(badTo), ['query.to']);
  const leapSecond = await s.request('GET', query({ to: '2026-06-30T23:59:60Z' }));
  assertError(leapSecond, 400, 'invalid_request');
  assert.deepEqual(fieldsOf(leapSecond), ['query.to']);
  for (const [from, to] of [
    ['2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00Z'], // the same instant: an empty range
  ]) {
    const reversed = await s.request('GET', query({ from: from!, to: to! }));
    assertError(reversed, 400, 'invalid_request');
    assert.equal(reversed.json.error.details.field, 'from');
    assert.match(reversed.json.error.message, /earlier than its end/);
  }
});

test('actor, time range and paging combine: the cursor walks exactly the entries matching all filters', async () => {
  const alice = await makeCaller(s, ['keyward.roles.write']);
  const bob = await makeCaller(s, ['keyward.roles.write']);
  for (let i = 0; i < 6; i++) {
    await writeAfterClockMoves(alice.token);
    await writeAfterClockMoves(bob.token);
  }
  const all = await allEntries();
  const aliceEntries = all.filter((e) => e.actorId === alice.credential.id);
  assert.equal(aliceEntries.length, 6);
  // A window holding Alice's 2nd to 5th write and Bob's writes in between.
  const from = aliceEntries[4].at;
  const to = aliceEntries[0].at;
  const expected = all.filter((e) => e.actorId === alice.credential.id && e.at >= from && e.at < to).map((e) => e.id);
  assert.equal(expected.length, 4);
  const paged = await allMatching({ actorId: alice.credential.id, from, to }, 3);
  assert.deepEqual(
    paged.map((e) => e.id),
    expected,
    'newest first, nothing skipped or repeated',
  );
  const withAction = await allMatching({ actorId: bob.credential.id, action: 'role.create', from, to }, 1);
  assert.deepEqual(
    withAction.map((e) => e.id),
    all.filter((e) => e.actorId === bob.credential.id && e.action === 'role.create' && e.at >= from && e.at < to).map((e) => e.id),
  );
  assert.ok(withAction.length >= 3);
});

test('actorId=system keeps the entries no credential made', async () => {
  const system = await allMatching({ actorId: 'system' }, 1000);
  const expected = (await allEntries()).filter((e) => e.actorId === null).map((e) => e.id);
  assert.ok(expected.length >= 1, 'bootstrap writes without an acting credential');
  assert.deepEqual(
    system.map((e) => e.id),
    expected,
  );
  assert.ok(system.some((e) => e.action === 'server.bootstrap'));
});
