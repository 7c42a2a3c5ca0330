import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError } from '../../helpers/assert-api.ts';
import { expiresIn, makeCredential, makeGroup, makeRole, makeUser, unique } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

// The credential lifetime policy (DESIGN §3.12) on every path that sets an expiry: create,
// self-service, import, edit and roll; a lowered maximum leaves existing credentials alone.

const DAY = 86_400_000;
let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

async function setPolicy(policy: { maxLifetimeDays: number | null; requireExpiry: boolean; warnBeforeDays: number }) {
  const res = await s.request('PUT', '/v1/policy/lifetime', { body: policy });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('the lifetime policy starts with no maximum, no required expiry and a 14-day warning', async () => {
  await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  const res = await s.request('GET', '/v1/policy/lifetime');
  assert.deepEqual(res.json, { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
});

test('under a maximum lifetime a credential without expiry or beyond it is refused, naming the latest allowed date', async () => {
  await setPolicy({ maxLifetimeDays: 30, requireExpiry: false, warnBeforeDays: 7 });
  try {
    const none = await s.request('POST', '/v1/credentials', { body: { name: unique('C') } });
    assertError(none, 400, 'lifetime_exceeded');
    const latest = Date.parse(none.json.error.details.latestAllowed);
    assert.ok(Math.abs(latest - (Date.now() + 30 * DAY)) < 60_000, none.text);
    assert.match(none.json.error.message, /at most 30 days/);
    assert.match(none.json.error.message, new RegExp(none.json.error.details.latestAllowed.slice(0, 10)));

    const far = await s.request('POST', '/v1/credentials', { body: { name: unique('C'), expiresAt: expiresIn(31 * DAY) } });
    assertError(far, 400, 'lifetime_exceeded');
    assert.equal(far.json.error.details.field, 'expiresAt');

    const ok = await s.request('POST', '/v1/credentials', { body: { name: unique('C'), expiresAt: expiresIn(29 * DAY) } });
    assert.equal(ok.status, 201, ok.text);
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('requiring an expiry refuses credentials that never expire', async () => {
  await setPolicy({ maxLifetimeDays: null, requireExpiry: true, warnBeforeDays: 14 });
  try {
    assertError(await s.request('POST', '/v1/credentials', { body: { name: unique('C') } }), 400, 'lifetime_exceeded');
    assert.equal(
      (await s.request('POST', '/v1/credentials', { body: { name: unique('C'), expiresAt: expiresIn(400 * DAY) } })).status,
      201,
    );
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('an import is refused as a whole when one item breaks the lifetime policy, naming the item', async () => {
  await setPolicy({ maxLifetimeDays: 10, requireExpiry: false, warnBeforeDays: 3 });
  try {
    const name = unique('Imported');
    const res = await s.request('POST', '/v1/credentials/import', {
      body: {
        items: [
          { name, secret: `legacy-lifetime-${Date.now()}-a`, expiresAt: expiresIn(5 * DAY) },
          { name: unique('Imported'), secret: `legacy-lifetime-${Date.now()}-b` },
        ],
      },
    });
    assertError(res, 400, 'lifetime_exceeded');
    assert.equal(res.json.error.details.index, 1);
    assert.match(res.json.error.message, /Item 1/);
    const list = await s.request('GET', `/v1/credentials?q=${encodeURIComponent(name)}`);
    assert.equal(list.json.items.length, 0, 'nothing was imported');
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('a lowered maximum keeps existing credentials working and editable, but a new expiry must fit it', async () => {
  const { credential } = await makeCredential(s, { expiresAt: expiresIn(90 * DAY) });
  await setPolicy({ maxLifetimeDays: 30, requireExpiry: false, warnBeforeDays: 14 });
  try {
    const renamed = await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { name: unique('Renamed') } });
    assert.equal(renamed.status, 200, 'an edit that leaves the expiry alone is not refused');
    assertError(
      await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: expiresIn(60 * DAY) } }),
      400,
      'lifetime_exceeded',
    );
    assertError(await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: null } }), 400, 'lifetime_exceeded');
    assert.equal((await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: expiresIn(20 * DAY) } })).status, 200);
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('rolling a credential whose expiry breaks the current policy is refused until its expiry is set within it', async () => {
  const { credential } = await makeCredential(s);
  await setPolicy({ maxLifetimeDays: 30, requireExpiry: false, warnBeforeDays: 14 });
  try {
    const refused = await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {} });
    assertError(refused, 400, 'lifetime_exceeded');
    const edited = await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: expiresIn(10 * DAY) } });
    assert.equal(edited.status, 200);
    assert.equal((await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {} })).status, 200);
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('a self-issued key gets the longest allowed expiry under a maximum, and a longer chosen one is refused', async () => {
  const role = await makeRole(s);
  const group = await makeGroup(s, { defaultRoles: [role.id] });
  const password = 'self service password';
  const user = await makeUser(s, { groups: [group.id], password });
  const basic = { authorization: `Basic ${Buffer.from(`${user.name}:${password}`).toString('base64')}` };
  await setPolicy({ maxLifetimeDays: 7, requireExpiry: false, warnBeforeDays: 2 });
  try {
    const res = await s.request('POST', '/v1/self/credentials', { token: null, headers: basic, body: { name: 'mine' } });
    assert.equal(res.status, 201, res.text);
    assert.ok(Math.abs(Date.parse(res.json.credential.expiresAt) - (Date.now() + 7 * DAY)) < 60_000);
    const longer = await s.request('POST', '/v1/self/credentials', {
      token: null,
      headers: basic,
      body: { name: 'mine 2', expiresAt: expiresIn(8 * DAY) },
    });
    assertError(longer, 400, 'lifetime_exceeded');
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('every write path refuses an expiry beyond the maximum with 400 lifetime_exceeded naming the latest allowed date', async () => {
  const role = await makeRole(s);
  const group = await makeGroup(s, { defaultRoles: [role.id] });
  const password = 'self service password';
  const user = await makeUser(s, { groups: [group.id], password });
  const basic = { authorization: `Basic ${Buffer.from(`${user.name}:${password}`).toString('base64')}` };
  const { credential: old } = await makeCredential(s, { expiresAt: expiresIn(90 * DAY) });
  await setPolicy({ maxLifetimeDays: 30, requireExpiry: false, warnBeforeDays: 7 });
  try {
    const far = expiresIn(45 * DAY);
    const refusals: Array<[string, Promise<Awaited<ReturnType<typeof s.request>>>]> = [
      ['create', s.request('POST', '/v1/credentials', { body: { name: unique('C'), expiresAt: far } })],
      [
        'self-service',
        s.request('POST', '/v1/self/credentials', { token: null, headers: basic, body: { name: unique('S'), expiresAt: far } }),
      ],
      [
        'import',
        s.request('POST', '/v1/credentials/import', {
          body: { items: [{ name: unique('I'), secret: `legacy-lifetime-every-path-${Date.now()}`, expiresAt: far }] },
        }),
      ],
      ['edit', s.request('PATCH', `/v1/credentials/${old.id}`, { body: { expiresAt: far } })],
      // Issued under the old maximum, 90 days ahead: a roll is a new issue and must fit the new one.
      ['roll', s.request('POST', `/v1/credentials/${old.id}/roll`, { body: {} })],
    ];
    for (const [path, pending] of refusals) {
      const res = await pending;
      assertError(res, 400, 'lifetime_exceeded');
      const { details, message } = res.json.error;
      assert.equal(details.field, 'expiresAt', path);
      assert.equal(details.maxLifetimeDays, 30, path);
      const latest = Date.parse(details.latestAllowed);
      assert.ok(Math.abs(latest - (Date.now() + 30 * DAY)) < 60_000, `${path}: ${res.text}`);
      assert.ok(message.includes(details.latestAllowed), `${path}: the message names the date: ${message}`);
    }
    assert.equal((await s.request('GET', `/v1/credentials/${old.id}`)).json.expiresAt, old.expiresAt, 'the refused edit changed nothing');
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('requiring an expiry refuses "never" on self-service, import and edit too', async () => {
  const role = await makeRole(s);
  const group = await makeGroup(s, { defaultRoles: [role.id] });
  const password = 'self service password';
  const user = await makeUser(s, { groups: [group.id], password });
  const basic = { authorization: `Basic ${Buffer.from(`${user.name}:${password}`).toString('base64')}` };
  const { credential } = await makeCredential(s, { expiresAt: expiresIn(5 * DAY) });
  await setPolicy({ maxLifetimeDays: null, requireExpiry: true, warnBeforeDays: 14 });
  try {
    for (const res of [
      await s.request('POST', '/v1/self/credentials', { token: null, headers: basic, body: { name: unique('S') } }),
      await s.request('POST', '/v1/credentials/import', { body: { items: [{ name: unique('I'), secret: `legacy-never-${Date.now()}` }] } }),
      await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: null } }),
    ]) {
      assertError(res, 400, 'lifetime_exceeded');
      assert.equal(res.json.error.details.requireExpiry, true);
      assert.equal(res.json.error.details.latestAllowed, null, 'no maximum, so no latest date');
    }
  } finally {
    await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  }
});

test('changing the lifetime policy is audited with before and after, and bad values are a clear 400', async () => {
  await setPolicy({ maxLifetimeDays: 90, requireExpiry: true, warnBeforeDays: 10 });
  await setPolicy({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  const audit = await s.request('GET', '/v1/audit?action=policy.lifetime.update&limit=2');
  assert.equal(audit.json.items[1].after.maxLifetimeDays, 90);
  assert.equal(audit.json.items[0].before.maxLifetimeDays, 90);
  for (const body of [
    { maxLifetimeDays: 0, requireExpiry: false, warnBeforeDays: 1 },
    { maxLifetimeDays: 5, requireExpiry: 'yes', warnBeforeDays: 1 },
    { maxLifetimeDays: 5 },
  ]) {
    assertError(await s.request('PUT', '/v1/policy/lifetime', { body }), 400, 'invalid_request');
  }
});
