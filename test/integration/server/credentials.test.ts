import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hasValidChecksum, TOKEN_PATTERN } from '../../../shared/domain/token.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { authorize, expiresIn, makeCaller, makeCredential, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, testClock, type Json, type TestClock, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
let reader: Json;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  reader = await makeRole(s, { actions: ['GetClients'] });
});
after(() => s?.close());

const get = (id: string) => s.request('GET', `/v1/credentials/${id}`);

/** A server of the test's own whose clock the test moves on (a moved clock would skew the shared one). */
async function serverWithClock(t: { after(fn: () => Promise<void>): void }): Promise<{ own: TestServer; clock: TestClock; role: Json }> {
  const clock = testClock();
  const own = await startTestServer({ clock });
  t.after(() => own.close());
  await seedCatalog(own);
  return { own, clock, role: await makeRole(own, { actions: ['GetClients'] }) };
}

test('issuing a credential answers 201 with the credential and a kw_ secret shown only then', async () => {
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  const res = await s.request('POST', '/v1/credentials', {
    body: { name: unique('CI deploy'), description: 'deploys', roles: [reader.id], expiresAt, allowedCidrs: ['10.0.0.0/8'] },
  });
  assertStatus(res, 201);
  const { credential, secret } = res.json;
  assert.match(secret, TOKEN_PATTERN);
  assert.ok(hasValidChecksum(secret), 'the secret carries a valid CRC32 checksum');
  assert.equal(credential.status, 'active');
  assert.equal(credential.description, 'deploys');
  assert.deepEqual(credential.roles, [reader.id]);
  assert.deepEqual(credential.allowedCidrs, ['10.0.0.0/8']);
  assert.equal(Date.parse(credential.expiresAt), Date.parse(expiresAt));
  assert.equal(credential.ownerId, null);
  assert.equal(credential.lastUsedAt, null);
  assert.ok(
    secret.startsWith(credential.prefix) && credential.prefix.length >= 4 && credential.prefix.length < secret.length / 2,
    'prefix is a short start of the secret',
  );
  const got = await get(credential.id);
  assertStatus(got, 200);
  assert.ok(!got.text.includes(secret), 'GET never returns the secret');
  assert.deepEqual(got.json, credential);
  const list = await s.request('GET', '/v1/credentials?limit=1000');
  assert.ok(!list.text.includes(secret), 'the list never returns the secret');
});

test('a credential created with only a name gets empty defaults', async () => {
  const { credential } = await makeCredential(s, { name: unique('Bare') });
  assert.deepEqual(credential.roles, []);
  assert.deepEqual(credential.allowedCidrs, []);
  assert.equal(credential.expiresAt, null);
  assert.equal(credential.description, '');
});

test('creating or editing a credential with unknown roles, owners or bad CIDRs is refused with the fitting code', async () => {
  assertError(await s.request('POST', '/v1/credentials', { body: { name: unique('C'), roles: ['no-such-role'] } }), 400, 'unknown_role');
  assertError(await s.request('POST', '/v1/credentials', { body: { name: unique('C'), ownerId: 'no-such-user' } }), 400, 'unknown_user');
  const bad = await s.request('POST', '/v1/credentials', { body: { name: unique('C'), allowedCidrs: ['10.0.0.0/33'] } });
  assertError(bad, 400, 'invalid_cidr');
  assert.ok(bad.json.error.message.includes('10.0.0.0/33') || JSON.stringify(bad.json.error.details ?? {}).includes('10.0.0.0/33'));
  assertError(
    await s.request('POST', '/v1/credentials', { body: { name: unique('C'), allowedCidrs: ['not-an-ip'] } }),
    400,
    'invalid_cidr',
  );
  const { credential } = await makeCredential(s);
  assertError(await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { roles: ['no-such-role'] } }), 400, 'unknown_role');
  assertError(await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { allowedCidrs: ['300.1.1.1'] } }), 400, 'invalid_cidr');
  assertError(await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { ownerId: 'ghost' } }), 400, 'unknown_user');
});

test('editing a credential changes its fields and roles at once', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [] });
  assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).reason, 'no_roles');
  const owner = await makeUser(s);
  const res = await s.request('PATCH', `/v1/credentials/${credential.id}`, {
    body: { name: `${credential.name} x`, description: 'd', roles: [reader.id], ownerId: owner.id },
  });
  assertStatus(res, 200);
  assert.equal(res.json.name, `${credential.name} x`);
  assert.equal(res.json.ownerId, owner.id);
  assert.deepEqual(res.json.roles, [reader.id]);
  assert.ok(res.json.version > credential.version);
  assert.ok(!res.text.includes(secret));
  assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).allowed, true);
});

test('disable and enable suspend a credential temporarily; a disabled one is denied with reason disabled', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [reader.id] });
  const disabled = await s.request('POST', `/v1/credentials/${credential.id}/disable`);
  assertStatus(disabled, 200);
  assert.equal(disabled.json.status, 'disabled');
  const decision = await authorize(s, { token: secret, action: 'GetClients' });
  assert.equal(decision.allowed, false);
  assert.equal(decision.reason, 'disabled');
  assert.equal(decision.credentialId, credential.id);
  const enabled = await s.request('POST', `/v1/credentials/${credential.id}/enable`);
  assertStatus(enabled, 200);
  assert.equal(enabled.json.status, 'active');
  assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).allowed, true);
});

test('revoking is final and idempotent; a revoked credential cannot be enabled, disabled or rolled', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [reader.id] });
  const first = await s.request('POST', `/v1/credentials/${credential.id}/revoke`);
  assertStatus(first, 200);
  assert.equal(first.json.status, 'revoked');
  const second = await s.request('POST', `/v1/credentials/${credential.id}/revoke`);
  assertStatus(second, 200);
  assert.equal(second.json.status, 'revoked');
  assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).reason, 'revoked');
  assertError(await s.request('POST', `/v1/credentials/${credential.id}/enable`), 409, 'credential_revoked');
  assertError(await s.request('POST', `/v1/credentials/${credential.id}/disable`), 409, 'credential_revoked');
  assertError(await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {} }), 409, 'credential_revoked');
  assertError(await s.request('PATCH', `/v1/credentials/${credential.id}`, { body: { roles: [] } }), 409, 'credential_revoked');
  assert.equal((await get(credential.id)).json.status, 'revoked');
});

test('rolling issues a new secret and the old one stops at once', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [reader.id] });
  const res = await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {} });
  assertStatus(res, 200);
  assert.match(res.json.secret, TOKEN_PATTERN);
  assert.notEqual(res.json.secret, secret);
  assert.equal(res.json.credential.id, credential.id);
  assert.ok(res.json.secret.startsWith(res.json.credential.prefix), 'the prefix follows the new secret');
  assert.equal((await authorize(s, { token: res.json.secret, action: 'GetClients' })).allowed, true);
  const old = await authorize(s, { token: secret, action: 'GetClients' });
  assert.equal(old.allowed, false);
  assert.equal(old.reason, 'unknown_token');
});

test('roll with grace keeps the old secret working until the grace ends', async (t) => {
  const { own, clock, role } = await serverWithClock(t);
  const { credential, secret } = await makeCredential(own, { roles: [role.id] });
  const res = await own.request('POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: 600 } });
  assertStatus(res, 200);
  const rolledAt = clock.now();
  const until = Date.parse(res.json.credential.previousSecretValidUntil);
  assert.ok(
    Math.abs(until - (rolledAt + 600_000)) < 2000,
    `the answer says until when the old secret works: ${res.json.credential.previousSecretValidUntil}`,
  );
  assert.equal(
    (await own.request('GET', `/v1/credentials/${credential.id}`)).json.previousSecretValidUntil,
    res.json.credential.previousSecretValidUntil,
    'and so does the credential afterwards',
  );
  assert.equal((await authorize(own, { token: secret, action: 'GetClients' })).allowed, true, 'old secret works during the grace');
  assert.equal((await authorize(own, { token: res.json.secret, action: 'GetClients' })).allowed, true, 'new secret works at once');
  clock.advance(until - 1000 - clock.now());
  assert.equal((await authorize(own, { token: secret, action: 'GetClients' })).allowed, true, 'old secret works until the last second');
  clock.advancePast(until);
  assert.equal((await authorize(own, { token: secret, action: 'GetClients' })).allowed, false, 'old secret stops after the grace');
  assert.equal((await authorize(own, { token: res.json.secret, action: 'GetClients' })).allowed, true);
  assert.equal(
    (await own.request('GET', `/v1/credentials/${credential.id}`)).json.previousSecretValidUntil,
    null,
    'once the grace is over the credential says so',
  );
});

test('a roll grace longer than 24 hours or negative is a 400', async () => {
  const { credential } = await makeCredential(s);
  assertError(await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: 86401 } }), 400, 'invalid_request');
  assertError(await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: -1 } }), 400, 'invalid_request');
  assertStatus(await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: 86400 } }), 200);
});

test('deleting a credential answers 204 and its secret stops working', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [reader.id] });
  const res = await s.request('DELETE', `/v1/credentials/${credential.id}`);
  assertStatus(res, 204);
  assertError(await get(credential.id), 404, 'not_found');
  const decision = await authorize(s, { token: secret, action: 'GetClients' });
  assert.equal(decision.allowed, false);
  assert.equal(decision.reason, 'unknown_token');
});

test('unknown credential ids get 404 on every per-credential endpoint', async () => {
  assertError(await get('nope'), 404, 'not_found');
  assertError(await s.request('PATCH', '/v1/credentials/nope', { body: { description: 'x' } }), 404, 'not_found');
  assertError(await s.request('DELETE', '/v1/credentials/nope'), 404, 'not_found');
  for (const op of ['revoke', 'disable', 'enable']) assertError(await s.request('POST', `/v1/credentials/nope/${op}`), 404, 'not_found');
  assertError(await s.request('POST', '/v1/credentials/nope/roll', { body: {} }), 404, 'not_found');
});

test('an expired credential shows status expired and is denied with reason expired', async (t) => {
  const { own, clock, role } = await serverWithClock(t);
  const { credential, secret } = await makeCredential(own, { roles: [role.id], expiresAt: expiresIn(3_600_000) });
  assert.equal(credential.status, 'active');
  assert.equal((await authorize(own, { token: secret, action: 'GetClients' })).allowed, true);
  clock.advancePast(credential.expiresAt);
  assert.equal((await authorize(own, { token: secret, action: 'GetClients' })).reason, 'expired');
  assert.equal((await own.request('GET', `/v1/credentials/${credential.id}`)).json.status, 'expired');
  const listed = await own.request('GET', `/v1/credentials?status=expired&q=${encodeURIComponent(credential.name)}`);
  assert.deepEqual(
    listed.json.items.map((c: Json) => c.id),
    [credential.id],
    'the status filter sees expiry',
  );
  const active = await own.request('GET', `/v1/credentials?status=active&q=${encodeURIComponent(credential.name)}`);
  assert.deepEqual(active.json.items, []);
});

test('the credential list filters by text, status, role and owner', async () => {
  const tag = unique('filterme').replace(/\s/g, '-');
  const role = await makeRole(s);
  const owner = await makeUser(s);
  const a = await makeCredential(s, { name: `${tag} alpha`, roles: [role.id], ownerId: owner.id });
  const b = await makeCredential(s, { name: `${tag} beta`, roles: [role.id] });
  const c = await makeCredential(s, { name: `${tag} gamma` });
  assertStatus(await s.request('POST', `/v1/credentials/${b.credential.id}/disable`), 200);
  const ids = async (query: string) => {
    const res = await s.request('GET', `/v1/credentials?${query}`);
    assertStatus(res, 200);
    return res.json.items.map((x: Json) => x.id).sort();
  };
  const q = encodeURIComponent(tag);
  assert.deepEqual(await ids(`q=${q}`), [a, b, c].map((x) => x.credential.id).sort());
  assert.deepEqual(await ids(`q=${q}&status=disabled`), [b.credential.id]);
  assert.deepEqual(await ids(`q=${q}&status=active`), [a, c].map((x) => x.credential.id).sort());
  assert.deepEqual(await ids(`role=${role.id}`), [a, b].map((x) => x.credential.id).sort());
  assert.deepEqual(await ids(`owner=${owner.id}`), [a.credential.id]);
  assert.deepEqual(await ids(`q=${encodeURIComponent(`${tag} GAMMA`)}`), [c.credential.id], 'search ignores case');
});

test('paging with limit and nextCursor visits every credential exactly once', async () => {
  const tag = unique('paged').replace(/\s/g, '-');
  const made = [];
  for (let i = 0; i < 7; i++) made.push((await makeCredential(s, { name: `${tag} ${i}` })).credential.id);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `q=${encodeURIComponent(tag)}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await s.request('GET', `/v1/credentials?${query}`);
    assertStatus(res, 200);
    assert.ok(res.json.items.length <= 3);
    seen.push(...res.json.items.map((x: Json) => x.id));
    cursor = res.json.nextCursor;
    pages += 1;
    assert.ok(pages < 10, 'paging ends');
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual([...seen].sort(), [...made].sort());
  assert.equal(new Set(seen).size, seen.length, 'no credential twice');
  const last = await s.request('GET', `/v1/credentials?q=${encodeURIComponent(tag)}&limit=100`);
  assert.equal(last.json.nextCursor, null, 'a complete page has no next cursor');
});

/** Every page of a sorted, searched list, followed by cursor; each page at most `limit` long. */
async function allPages(query: string, limit: number): Promise<Json[]> {
  const seen: Json[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await s.request('GET', `/v1/credentials?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assertStatus(res, 200);
    assert.ok(res.json.items.length <= limit);
    seen.push(...res.json.items);
    cursor = res.json.nextCursor;
    pages += 1;
    assert.ok(pages < 20, 'paging ends');
  } while (cursor);
  return seen;
}

test('the credential list sorts by name, status, expiry, last use and creation, either way, paged without gaps or repeats', async () => {
  const tag = unique('sorted').replace(/\s/g, '-');
  const soon = expiresIn(3_600_000);
  const later = expiresIn(7_200_000);
  // Two "alpha"s tie on the name (and most rows tie on expiry, status and last use): the id breaks ties.
  const specs: { name: string; expiresAt?: string; then?: 'disable' | 'revoke' }[] = [
    { name: 'Delta', expiresAt: later },
    { name: 'alpha' },
    { name: 'Charlie', expiresAt: soon, then: 'disable' },
    { name: 'bravo', then: 'revoke' },
    { name: 'ALPHA', expiresAt: soon },
    { name: 'echo' },
  ];
  const made: Json[] = [];
  for (const spec of specs) {
    const { credential } = await makeCredential(s, {
      name: `${tag} ${spec.name}`,
      ...(spec.expiresAt ? { expiresAt: spec.expiresAt } : {}),
    });
    if (spec.then) assertStatus(await s.request('POST', `/v1/credentials/${credential.id}/${spec.then}`), 200);
    made.push((await get(credential.id)).json);
  }
  const byId = (a: Json, b: Json) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const keyOf: Record<string, (c: Json) => string> = {
    name: (c) => c.name.toLowerCase(),
    status: (c) => c.status,
    createdAt: (c) => c.createdAt,
    expiresAt: (c) => c.expiresAt ?? '9999',
    lastUsedAt: (c) => c.lastUsedAt ?? '',
  };
  for (const [sort, key] of Object.entries(keyOf)) {
    for (const order of ['asc', 'desc'] as const) {
      const ascending = [...made].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : byId(a, b)));
      const expected = (order === 'asc' ? ascending : ascending.reverse()).map((c) => c.name);
      for (const limit of [1, 2, 4]) {
        const got = (await allPages(`q=${encodeURIComponent(tag)}&sort=${sort}&order=${order}`, limit)).map((c) => c.name);
        assert.deepEqual(got, expected, `sort=${sort}&order=${order}, ${limit} a page`);
      }
    }
  }
  const names = (await allPages(`q=${encodeURIComponent(tag)}&sort=name`, 2)).map((c) => c.name.slice(tag.length + 1));
  assert.deepEqual(names.slice(2), ['bravo', 'Charlie', 'Delta', 'echo'], 'name sorts ignore case; asc unless order is given');
  const statuses = (await allPages(`q=${encodeURIComponent(tag)}&sort=status&order=asc`, 3)).map((c) => c.status);
  assert.deepEqual(statuses, ['active', 'active', 'active', 'active', 'disabled', 'revoked']);
  const expiries = (await allPages(`q=${encodeURIComponent(tag)}&sort=expiresAt`, 5)).map((c) => c.expiresAt);
  assert.deepEqual(expiries.slice(0, 3), [soon, soon, later].sort(), 'soonest expiry first');
  assert.deepEqual(expiries.slice(3), [null, null, null], 'never expiring last');
  const newest = (await allPages(`q=${encodeURIComponent(tag)}`, 4)).map((c) => c.name);
  const explicit = (await allPages(`q=${encodeURIComponent(tag)}&sort=createdAt&order=desc`, 4)).map((c) => c.name);
  assert.deepEqual(
    newest,
    [...made].reverse().map((c) => c.name),
    'without sort: newest first',
  );
  assert.deepEqual(explicit, newest);
});

test('a cursor from one sort is refused under another with 400 invalid_cursor; an unknown sort or order is 400', async () => {
  const tag = unique('cursor-sort').replace(/\s/g, '-');
  for (const name of ['b', 'a', 'c']) await makeCredential(s, { name: `${tag} ${name}` });
  const q = `q=${encodeURIComponent(tag)}&limit=1`;
  const byName: string = (await s.request('GET', `/v1/credentials?${q}&sort=name`)).json.nextCursor;
  const newest: string = (await s.request('GET', `/v1/credentials?${q}`)).json.nextCursor;
  assert.equal(typeof byName, 'string');
  const next = await s.request('GET', `/v1/credentials?${q}&sort=name&cursor=${encodeURIComponent(byName)}`);
  assertStatus(next, 200);
  assert.equal(next.json.items[0].name, `${tag} b`);
  for (const other of ['sort=name&order=desc', 'sort=status', 'sort=createdAt', '']) {
    assertError(await s.request('GET', `/v1/credentials?${q}&${other}&cursor=${encodeURIComponent(byName)}`), 400, 'invalid_cursor');
  }
  assertError(await s.request('GET', `/v1/credentials?${q}&sort=name&cursor=${encodeURIComponent(newest)}`), 400, 'invalid_cursor');
  assertStatus(await s.request('GET', `/v1/credentials?${q}&sort=createdAt&order=desc&cursor=${encodeURIComponent(newest)}`), 200);
  assertError(await s.request('GET', '/v1/credentials?sort=secret'), 400, 'invalid_request');
  assertError(await s.request('GET', '/v1/credentials?sort=name&order=up'), 400, 'invalid_request');
});

test('a forged cursor gets 400 invalid_cursor and a bad limit gets 400', async () => {
  const wrongShape = Buffer.from('{"nonsense":true}').toString('base64url');
  for (const cursor of ['forged', wrongShape, '%00%01', 'a'.repeat(200)]) {
    assertError(await s.request('GET', `/v1/credentials?cursor=${cursor}`), 400, 'invalid_cursor');
  }
  for (const limit of ['-1', '0', 'abc', '1.5', '100000']) {
    assertError(await s.request('GET', `/v1/credentials?limit=${limit}`), 400, 'invalid_request');
  }
  assertError(await s.request('GET', '/v1/credentials?status=sleeping'), 400, 'invalid_request');
  // A real cursor, tampered with or taken to another list, is forged too.
  await makeCredential(s);
  await makeCredential(s);
  const real: string = (await s.request('GET', '/v1/credentials?limit=1')).json.nextCursor;
  assert.equal(typeof real, 'string');
  const flipped = real.slice(0, 5) + (real[5] === 'A' ? 'B' : 'A') + real.slice(6);
  assertError(await s.request('GET', `/v1/credentials?cursor=${encodeURIComponent(flipped)}`), 400, 'invalid_cursor');
  assertError(await s.request('GET', `/v1/audit?cursor=${encodeURIComponent(real)}`), 400, 'invalid_cursor');
  assertError(await s.request('GET', '/v1/credentials?colour=red'), 400, 'invalid_request');
});

test('credential endpoints need keyward.credentials.read / keyward.credentials.write', async () => {
  const viewer = await makeCaller(s, ['keyward.credentials.read']);
  const { credential } = await makeCredential(s);
  assertStatus(await s.request('GET', '/v1/credentials', { token: viewer.token }), 200);
  assertStatus(await s.request('GET', `/v1/credentials/${credential.id}`, { token: viewer.token }), 200);
  assertError(await s.request('POST', '/v1/credentials', { token: viewer.token, body: { name: unique('C') } }), 403, 'forbidden');
  for (const op of ['revoke', 'disable', 'enable'])
    assertError(await s.request('POST', `/v1/credentials/${credential.id}/${op}`, { token: viewer.token }), 403, 'forbidden');
  assertError(await s.request('POST', `/v1/credentials/${credential.id}/roll`, { token: viewer.token, body: {} }), 403, 'forbidden');
  assertError(await s.request('DELETE', `/v1/credentials/${credential.id}`, { token: viewer.token }), 403, 'forbidden');
  assertError(
    await s.request('POST', '/v1/credentials/import', { token: viewer.token, body: { items: [{ name: 'x', secret: 'legacy-12345678' }] } }),
    403,
    'forbidden',
  );
});

test('a delegated admin cannot give a credential a role holding administration actions it lacks (escalation)', async () => {
  const delegate = await makeCaller(s, ['keyward.credentials.read', 'keyward.credentials.write']);
  const powerful = await makeRole(s, { actions: ['keyward.backends.write', 'GetClients'] });
  const res = await s.request('POST', '/v1/credentials', { token: delegate.token, body: { name: unique('C'), roles: [powerful.id] } });
  assertError(res, 403, 'escalation');
  const { credential } = await makeCredential(s, { roles: [reader.id] }, { token: delegate.token });
  assertError(
    await s.request('PATCH', `/v1/credentials/${credential.id}`, { token: delegate.token, body: { roles: [powerful.id] } }),
    403,
    'escalation',
  );
  assertError(
    await s.request('POST', '/v1/credentials/import', {
      token: delegate.token,
      body: { items: [{ name: unique('I'), secret: `legacy-${unique('x').replace(/\s/g, '')}`, roles: [powerful.id] }] },
    }),
    403,
    'escalation',
  );
  // A role with only administration actions it holds is fine.
  const sameLevel = await makeRole(s, { actions: ['keyward.credentials.read'] });
  await makeCredential(s, { roles: [sameLevel.id] }, { token: delegate.token });
});

test('a delegated admin cannot roll a credential holding administration actions it lacks and so obtain its secret (escalation)', async () => {
  const delegate = await makeCaller(s, ['keyward.credentials.read', 'keyward.credentials.write']);
  const powerful = await makeRole(s, { actions: ['keyward.roles.write', 'GetClients'] });
  const target = await makeCredential(s, { roles: [powerful.id] });
  const res = await s.request('POST', `/v1/credentials/${target.credential.id}/roll`, { token: delegate.token, body: {} });
  assertError(res, 403, 'escalation');
  assert.equal((await authorize(s, { token: target.secret, action: 'GetClients' })).allowed, true, 'the refused roll changed nothing');
  // Rolling a credential within its own level is fine, and the full admin may roll anything.
  const plain = await makeCredential(s, { roles: [reader.id] });
  assertStatus(await s.request('POST', `/v1/credentials/${plain.credential.id}/roll`, { token: delegate.token, body: {} }), 200);
  assertStatus(await s.request('POST', `/v1/credentials/${target.credential.id}/roll`, { body: {} }), 200);
});

test('revoking, disabling, deleting or rolling again ends the grace of the previous secret', async () => {
  for (const end of ['revoke', 'disable', 'delete', 'roll'] as const) {
    const { credential, secret } = await makeCredential(s, { roles: [reader.id] });
    assertStatus(await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: 3600 } }), 200);
    assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).allowed, true);
    if (end === 'delete') assertStatus(await s.request('DELETE', `/v1/credentials/${credential.id}`), 204);
    else assertStatus(await s.request('POST', `/v1/credentials/${credential.id}/${end}`, end === 'roll' ? { body: {} } : {}), 200);
    assert.equal((await authorize(s, { token: secret, action: 'GetClients' })).allowed, false, `after ${end} the graced secret is refused`);
    if (end === 'revoke' || end === 'roll') {
      assert.equal(
        (await s.request('GET', `/v1/credentials/${credential.id}`)).json.previousSecretValidUntil,
        null,
        `after ${end} no previous secret is live`,
      );
    }
  }
});

test('searching for text with % or _ matches those characters literally', async () => {
  const tag = unique('lit').replace(/\W/g, '');
  const percent = await makeCredential(s, { name: `${tag} 100% done` });
  const underscore = await makeCredential(s, { name: `${tag} under_score` });
  await makeCredential(s, { name: `${tag} 1000 done` });
  await makeCredential(s, { name: `${tag} underXscore` });
  const ids = async (q: string) => (await s.request('GET', `/v1/credentials?q=${encodeURIComponent(q)}`)).json.items.map((c: Json) => c.id);
  assert.deepEqual(await ids(`${tag} 100%`), [percent.credential.id]);
  assert.deepEqual(await ids('under_s'), [underscore.credential.id]);
  assert.deepEqual(await ids(`${tag} 100% done`), [percent.credential.id]);
});

test('paging stays exact while credentials are created and deleted between pages', async () => {
  const tag = unique('stable').replace(/\s/g, '-');
  const made: string[] = [];
  for (let i = 0; i < 6; i++) made.push((await makeCredential(s, { name: `${tag} ${i}` })).credential.id);
  const first = await s.request('GET', `/v1/credentials?q=${encodeURIComponent(tag)}&limit=2`);
  const seen: string[] = first.json.items.map((c: Json) => c.id);
  // Meanwhile: two more appear, and one not yet seen disappears.
  await makeCredential(s, { name: `${tag} late a` });
  await makeCredential(s, { name: `${tag} late b` });
  const gone = made.find((id) => !seen.includes(id))!;
  assertStatus(await s.request('DELETE', `/v1/credentials/${gone}`), 204);
  let cursor: string | null = first.json.nextCursor;
  while (cursor) {
    const res = await s.request('GET', `/v1/credentials?q=${encodeURIComponent(tag)}&limit=2&cursor=${encodeURIComponent(cursor)}`);
    assertStatus(res, 200);
    seen.push(...res.json.items.map((c: Json) => c.id));
    cursor = res.json.nextCursor;
  }
  assert.equal(new Set(seen).size, seen.length, 'no credential twice');
  for (const id of made.filter((x) => x !== gone)) assert.ok(seen.includes(id), 'every credential that existed throughout is seen');
  assert.ok(!seen.includes(gone), 'a deleted one is not returned');
});

test('hideRevoked leaves revoked credentials out of the list, whatever else it filters by', async () => {
  const tag = unique('hidden').replace(/\s/g, '-');
  const kept = await makeCredential(s, { name: `${tag} kept`, roles: [reader.id] });
  const gone = await makeCredential(s, { name: `${tag} gone`, roles: [reader.id] });
  assertStatus(await s.request('POST', `/v1/credentials/${gone.credential.id}/revoke`), 200);
  const ids = async (query: string) =>
    ((await s.request('GET', `/v1/credentials?q=${encodeURIComponent(tag)}${query}`)).json.items as Json[]).map((c) => c.id).sort();
  assert.deepEqual(await ids(''), [kept.credential.id, gone.credential.id].sort());
  assert.deepEqual(await ids('&hideRevoked=true'), [kept.credential.id]);
  assert.deepEqual(await ids('&hideRevoked=false'), [kept.credential.id, gone.credential.id].sort());
});
