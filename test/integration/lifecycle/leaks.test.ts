import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateToken } from '../../../shared/domain/token.ts';
import { assertError } from '../../helpers/assert-api.ts';
import { eventually, makeBackend, makeCredential, makeRole } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

// Leaked-token reports (DESIGN §3.14): anyone may report; an active credential is revoked at
// once and marked leaked, audited with the report's source; every well-formed report gets the
// same answer, so the endpoint tells nothing about the token.

let s: TestServer;
before(async () => {
  s = await startTestServer({ trustedProxies: ['127.0.0.0/8'] });
});
after(() => s?.close());

let address = 0;
/** Each test reports from its own address (X-Forwarded-For is believed from the loopback proxy). */
function reporter() {
  address += 1;
  return { 'x-forwarded-for': `203.0.113.${address}` };
}

test('a reported active token is revoked at once, marked leaked and audited with where it was found', async () => {
  const role = await makeRole(s);
  const backend = await makeBackend(s, { requiredRoles: [role.id] });
  const { credential, secret } = await makeCredential(s, { roles: [role.id] });
  const res = await s.request('POST', '/v1/leaks', {
    token: null,
    headers: reporter(),
    body: { token: secret, source: 'github-secret-scanning', url: `https://github.com/acme/app/blob/main/.env#L3?t=${secret}` },
  });
  assert.equal(res.status, 202);
  assert.deepEqual(res.json, { received: true });

  const after = (await s.request('GET', `/v1/credentials/${credential.id}`)).json;
  assert.equal(after.status, 'revoked');
  assert.ok(after.leakedAt, 'the credential says it was leaked');
  const fa = await s.request('GET', '/v1/forward-auth', {
    token: secret,
    headers: { 'x-original-method': 'GET', 'x-original-uri': `${backend.frontendPrefix}/` },
  });
  assert.equal(fa.status, 401);
  assert.equal(fa.json.error.details.reason, 'revoked', 'the decision reason for a leaked credential stays revoked');

  const audit = (await s.request('GET', `/v1/audit?action=credential.leak_reported&targetId=${credential.id}`)).json.items;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].after.report.source, 'github-secret-scanning');
  assert.match(audit[0].after.report.url, /^https:\/\/github\.com\/acme\/app\/blob\/main\/\.env/);
  assert.ok(!JSON.stringify(audit).includes(secret), 'the audit entry never holds the token, even when the report URL did');
  assert.ok(!s.logs.join('\n').includes(secret), 'no log line holds the token');
});

test('every well-formed report gets the same answer: valid, revoked, unknown and malformed tokens', async () => {
  const active = await makeCredential(s);
  const revoked = await makeCredential(s);
  await s.request('POST', `/v1/credentials/${revoked.credential.id}/revoke`);
  const bodies = [
    { token: active.secret },
    { token: revoked.secret },
    { token: generateToken((n) => new Uint8Array(n).map(() => Math.floor(Math.random() * 248))) },
    { token: 'kw_thisisnotevenachecksummedtokenatall00' },
    { token: 'ghp_somebodyelsestoken', source: 'a scanner', url: 'https://example.com' },
  ];
  const answers = [];
  for (const body of bodies) answers.push(await s.request('POST', '/v1/leaks', { token: null, headers: reporter(), body }));
  for (const a of answers) {
    assert.equal(a.status, 202);
    assert.equal(a.text, '{"received":true}');
    assert.equal(a.headers.get('content-length'), answers[0]!.headers.get('content-length'));
  }
  const stillRevoked = (await s.request('GET', `/v1/credentials/${revoked.credential.id}`)).json;
  assert.equal(stillRevoked.leakedAt, null, 'a credential revoked before the report is not marked leaked');
});

test('a malformed report is a 400 that says what is wrong', async () => {
  assertError(await s.request('POST', '/v1/leaks', { token: null, headers: reporter(), body: '{' }), 400, 'invalid_request');
  assertError(
    await s.request('POST', '/v1/leaks', { token: null, headers: reporter(), body: { url: 'https://x' } }),
    400,
    'invalid_request',
  );
  assertError(
    await s.request('POST', '/v1/leaks', { token: null, headers: reporter(), body: { token: 'x', extra: 1 } }),
    400,
    'invalid_request',
  );
});

test('reports are limited per address: the eleventh in a minute gets 429 with Retry-After, other addresses are not affected', async () => {
  const from = reporter();
  const results = [];
  for (let i = 0; i < 12; i += 1)
    results.push(await s.request('POST', '/v1/leaks', { token: null, headers: from, body: { token: `kw_x${i}` } }));
  assert.deepEqual(
    results.map((r) => r.status),
    [...Array(10).fill(202), 429, 429],
  );
  assert.ok(Number(results[10]!.headers.get('retry-after')) > 0);
  assert.equal((await s.request('POST', '/v1/leaks', { token: null, headers: reporter(), body: { token: 'kw_y' } })).status, 202);
});

test('reports from one IPv6 /64 share one limit, whichever of its addresses they come from; the next /64 has its own', async () => {
  const statuses = [];
  for (let i = 1; i <= 11; i += 1) {
    const from = { 'x-forwarded-for': `2001:db8:64:1:${i.toString(16)}:0:0:${(i * 7).toString(16)}` };
    statuses.push((await s.request('POST', '/v1/leaks', { token: null, headers: from, body: { token: `kw_v6${i}` } })).status);
  }
  assert.deepEqual(statuses, [...Array(10).fill(202), 429]);
  const neighbour = await s.request('POST', '/v1/leaks', {
    token: null,
    headers: { 'x-forwarded-for': '2001:db8:64:2::1' },
    body: { token: 'kw_v6n' },
  });
  assert.equal(neighbour.status, 202);
});

test('the previous secret of a roll with grace, reported, revokes the credential', async () => {
  const { credential, secret } = await makeCredential(s);
  const rolled = await s.request('POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: 3600 } });
  assert.equal(rolled.status, 200);
  await s.request('POST', '/v1/leaks', { token: null, headers: reporter(), body: { token: secret } });
  const ok = await eventually(async () => (await s.request('GET', `/v1/credentials/${credential.id}`)).json.status === 'revoked', 2000);
  assert.ok(ok);
});
