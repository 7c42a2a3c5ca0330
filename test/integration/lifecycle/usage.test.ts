import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertError } from '../../helpers/assert-api.ts';
import { eventually, makeBackend, makeCaller, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

// Usage counting (DESIGN §3.13): every decision at /v1/authorize and /v1/forward-auth is
// counted per credential and minute, allowed or denied by reason; the counts reach the database
// in batches and answer GET /v1/credentials/:id/usage and GET /v1/usage.

let s: TestServer;
before(async () => {
  // SQLite: the test reads the counts from the database file itself.
  s = await startTestServer({ sqlite: true, lifecycle: { usageFlushMs: 200 } });
  await seedCatalog(s);
});
after(() => s?.close());

/** The counts of a credential as written to the database file (minute rows). */
function stored(id: string): number {
  const db = new Database(s.dbPath, { readonly: true, fileMustExist: true });
  try {
    return Number((db.prepare('select coalesce(sum(count), 0) as n from usage_minute where credential_id = ?').get(id) as { n: number }).n);
  } finally {
    db.close();
  }
}

async function usage(id: string, query = ''): Promise<Json> {
  const res = await s.request('GET', `/v1/credentials/${id}/usage${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('concurrent authorizations are counted exactly: allowed, and denied by reason', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const { credential, secret } = await makeCredential(s, { roles: [role.id] });
  const caller = await makeCaller(s, ['keyward.authorize']);
  const ask = (action: string) => s.request('POST', '/v1/authorize', { token: caller.token, body: { token: secret, action } });
  const answers = await Promise.all([
    ...Array.from({ length: 120 }, () => ask('GetClients')),
    ...Array.from({ length: 45 }, () => ask('AddClient')),
  ]);
  assert.ok(answers.every((a) => a.status === 200));
  const ok = await eventually(async () => (await usage(credential.id)).totals.allowed === 120, 10_000);
  const answer = await usage(credential.id);
  assert.ok(ok, JSON.stringify(answer.totals));
  assert.deepEqual(answer.totals, { allowed: 120, denied: 45 });
  const denied = answer.series.reduce((n: number, p: Json) => n + (p.byReason.not_permitted ?? 0), 0);
  assert.equal(denied, 45);
  // Once the batch is in the database file, the answer is the same (no double counting with the in-memory part).
  const written = await eventually(async () => stored(credential.id) === 165, 10_000);
  assert.ok(written, `the database holds ${stored(credential.id)} counts`);
  assert.deepEqual((await usage(credential.id)).totals, { allowed: 120, denied: 45 });
});

test('forward-auth decisions are counted too, and the overview names the busiest and the most denied credentials', async () => {
  const role = await makeRole(s);
  const backend = await makeBackend(s, { requiredRoles: [role.id] });
  const busy = await makeCredential(s, { roles: [role.id] });
  const refused = await makeCredential(s);
  const fa = (token: string) =>
    s.request('GET', '/v1/forward-auth', {
      token,
      headers: { 'x-original-method': 'GET', 'x-original-uri': `${backend.frontendPrefix}/x` },
    });
  for (let i = 0; i < 30; i += 1) assert.equal((await fa(busy.secret)).status, 200);
  for (let i = 0; i < 12; i += 1) assert.equal((await fa(refused.secret)).status, 403);
  await fa('kw_unknownunknownunknownunknownunk000000');
  const ok = await eventually(async () => (await usage(busy.credential.id)).totals.allowed === 30, 10_000);
  assert.ok(ok);
  assert.deepEqual((await usage(refused.credential.id)).totals, { allowed: 0, denied: 12 });
  const overview = (await s.request('GET', '/v1/usage?limit=50')).json;
  assert.ok(overview.top.some((t: Json) => t.credentialId === busy.credential.id && t.allowed === 30 && t.name === busy.credential.name));
  const mostDenied = overview.mostDenied.find((t: Json) => t.credentialId === refused.credential.id);
  assert.equal(mostDenied.denied, 12);
  assert.ok(overview.mostDenied.some((t: Json) => t.credentialId === null && t.name === 'Unknown tokens'));
  assert.ok(overview.totals.allowed >= 30);
});

test('a usage series is dense: one point per bucket of the range, zeros where nothing happened', async () => {
  const { credential } = await makeCredential(s);
  const to = new Date();
  const from = new Date(to.getTime() - 3 * 3_600_000);
  const hourly = await usage(credential.id, `?from=${from.toISOString()}&to=${to.toISOString()}&bucket=hour`);
  assert.equal(hourly.bucket, 'hour');
  assert.ok(hourly.series.length >= 3 && hourly.series.length <= 4);
  assert.ok(hourly.series.every((p: Json) => p.allowed === 0 && p.denied === 0));
  const daily = await usage(credential.id, '?bucket=day&from=' + new Date(Date.now() - 30 * 86_400_000).toISOString());
  assert.ok(daily.series.length >= 30 && daily.series.length <= 31);
  const defaults = await usage(credential.id);
  assert.equal(defaults.bucket, 'hour', 'the last 24 hours by hour unless asked otherwise');
});

test('usage ranges are validated: from before to, at most 2,000 points, a known credential', async () => {
  const { credential } = await makeCredential(s);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  assertError(
    await s.request('GET', `/v1/credentials/${credential.id}/usage?from=${iso(now)}&to=${iso(now - 60_000)}`),
    400,
    'invalid_request',
  );
  const tooMany = await s.request(
    'GET',
    `/v1/credentials/${credential.id}/usage?from=${iso(now - 3 * 86_400_000)}&to=${iso(now)}&bucket=minute`,
  );
  assertError(tooMany, 400, 'invalid_request');
  assert.match(tooMany.json.error.message, /at most 2000 points/);
  assertError(await s.request('GET', `/v1/credentials/${credential.id}/usage?bucket=week`), 400, 'invalid_request');
  assertError(await s.request('GET', `/v1/credentials/${credential.id}/usage?from=yesterday`), 400, 'invalid_request');
  assertError(await s.request('GET', '/v1/credentials/cred_nope/usage'), 404, 'not_found');
  assertError(await s.request('GET', '/v1/usage?limit=0'), 400, 'invalid_request');
});

test('a usage range with a date-time the schema admits but no clock has (a leap second) is a clear 400, not an empty answer', async () => {
  const { credential } = await makeCredential(s);
  for (const query of ['to=2026-12-31T23:59:60Z', 'from=2026-12-31T23:59:60Z&to=2027-01-01T00:00:10Z']) {
    for (const path of [`/v1/credentials/${credential.id}/usage`, '/v1/usage']) {
      const res = await s.request('GET', `${path}?${query}`);
      assertError(res, 400, 'invalid_request');
      assert.equal(res.json.error.details.field, query.startsWith('to=') ? 'to' : 'from', res.text);
    }
  }
});

test('reading usage needs keyward.credentials.read', async () => {
  const { credential } = await makeCredential(s);
  const weak = await makeCaller(s, ['keyward.roles.read']);
  assertError(await s.request('GET', `/v1/credentials/${credential.id}/usage`, { token: weak.token }), 403, 'forbidden');
  assertError(await s.request('GET', '/v1/usage', { token: weak.token }), 403, 'forbidden');
});
