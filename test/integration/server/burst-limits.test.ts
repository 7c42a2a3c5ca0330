import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertStatus } from '../../helpers/assert-api.ts';
import { makeUser } from '../../helpers/builders.ts';
import { startTestServer, type TestResponse, type TestServer } from '../../helpers/server.ts';

// The failed-authentication limit under bursts (DESIGN §4): an attempt counts before its password
// or token is checked, so 200 parallel guesses from one address are limited like 200 sequential
// ones, and concurrent password checks (scrypt, ~16 MB each) are capped per address and for the
// server. A wrong guess that got checked answers 401; everything refused before the check answers
// 429 or 503 — so the number of 401s is the number of guesses the attacker got to try.

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ sqlite: true, ...opts });
  servers.push(s);
  return s;
}

function basic(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

function selfIssue(s: TestServer, authorization: string, headers: Record<string, string> = {}): Promise<TestResponse> {
  return s.request('POST', '/v1/self/credentials', { token: null, headers: { authorization, ...headers }, body: { name: 'k' } });
}

function count(responses: TestResponse[]): Record<number, number> {
  const byStatus: Record<number, number> = {};
  for (const r of responses) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return byStatus;
}

test('200 parallel wrong Basic passwords from one address get at most 21 guesses checked', async () => {
  const s = await server();
  await makeUser(s, { name: 'mallory-target', password: 'a long right password' });
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => selfIssue(s, basic('mallory-target', `guess ${i}`))));
  const byStatus = count(answers);
  assert.ok((byStatus[401] ?? 0) <= 21, `at most 21 guesses were checked: ${JSON.stringify(byStatus)}`);
  assert.ok((byStatus[429] ?? 0) + (byStatus[503] ?? 0) >= 179, `the rest were refused unchecked: ${JSON.stringify(byStatus)}`);
  assert.ok(
    answers.every((r) => [401, 429, 503].includes(r.status)),
    JSON.stringify(byStatus),
  );
  for (const r of answers.filter((a) => a.status === 429 || a.status === 503))
    assert.ok(Number(r.headers.get('retry-after')) > 0, 'every refusal says when to come back');
});

test('with the concurrency caps lifted, a burst of wrong passwords still meets the failure limit', async () => {
  // Isolates the counting itself: every guess may run scrypt at once, so only counting attempts
  // before they are checked keeps the number of checked guesses at limit + 1.
  const s = await server({ passwordChecks: { global: 1000, perAddress: 1000 } });
  await makeUser(s, { name: 'trudy-target', password: 'a long right password' });
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => selfIssue(s, basic('trudy-target', `guess ${i}`))));
  const byStatus = count(answers);
  assert.ok((byStatus[401] ?? 0) <= 21, `at most 21 guesses were checked: ${JSON.stringify(byStatus)}`);
  assert.ok((byStatus[429] ?? 0) >= 179, JSON.stringify(byStatus));
  // The right password is refused too now: the address is locked out for the rest of the minute.
  const right = await selfIssue(s, basic('trudy-target', 'a long right password'));
  assert.equal(right.status, 429, right.text);
});

test('200 parallel bad bearer tokens from one address get at most 21 answers of 401', async () => {
  const s = await server();
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) => s.request('GET', '/v1/roles', { token: `kw_guess_${i}_${'x'.repeat(20)}` })),
  );
  const byStatus = count(answers);
  assert.ok((byStatus[401] ?? 0) <= 21, JSON.stringify(byStatus));
  assert.ok((byStatus[429] ?? 0) >= 179, JSON.stringify(byStatus));
  assert.equal((await s.request('GET', '/v1/roles')).status, 429, 'the admin token from that address waits out the minute too');
});

test('parallel sign-ins with the right password from one address are capped, not counted as failures', async () => {
  const s = await server({ failedAuthLimit: 3 });
  await makeUser(s, { name: 'alice', password: 'alice has a long password' });
  const answers = await Promise.all(Array.from({ length: 12 }, () => selfIssue(s, basic('alice', 'alice has a long password'))));
  const byStatus = count(answers);
  assert.equal(byStatus[401], undefined, JSON.stringify(byStatus));
  assert.ok((byStatus[201] ?? 0) >= 2, `at least two checks ran: ${JSON.stringify(byStatus)}`);
  const busy = answers.filter((r) => r.status === 429);
  assert.ok(busy.length > 0, `more than two at once are refused: ${JSON.stringify(byStatus)}`);
  for (const r of busy) {
    assert.equal(r.json.error.code, 'too_many_requests');
    assert.match(r.json.error.message, /at once/);
    assert.equal(r.headers.get('retry-after'), '1');
  }
  // Twelve successes and refusals are no failures: a limit of 3 did not lock alice out.
  assertStatus(await selfIssue(s, basic('alice', 'alice has a long password')), 201);
  assertStatus(await s.request('GET', '/v1/roles'), 200);
});

test('password checks are capped for the whole server with 503 server_busy', async () => {
  // Behind a trusted proxy every request below comes from its own client address, so only the
  // global cap (set to 2 here) can refuse them.
  const s = await server({ trustedProxies: ['127.0.0.0/8', '::1/128'], passwordChecks: { global: 2, perAddress: 2 } });
  await makeUser(s, { name: 'bob', password: 'bob has a long password' });
  const answers = await Promise.all(
    Array.from({ length: 24 }, (_, i) =>
      selfIssue(s, basic('bob', 'bob has a long password'), { 'x-forwarded-for': `198.51.100.${i + 1}` }),
    ),
  );
  const byStatus = count(answers);
  const busy = answers.filter((r) => r.status === 503);
  assert.ok(busy.length > 0, `more than two checks at once are refused: ${JSON.stringify(byStatus)}`);
  assert.equal((byStatus[201] ?? 0) + busy.length, 24, JSON.stringify(byStatus));
  for (const r of busy) {
    assert.equal(r.json.error.code, 'server_busy');
    assert.equal(r.headers.get('retry-after'), '1');
  }
});
