import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BackendClient, isLoopbackHost } from '../../../electron/services/backend-client.ts';
import { KeywardError } from '../../../electron/services/errors.ts';

// The backend client against a scripted loopback server: retries only idempotent requests,
// gives up after its timeout, and turns answers into errors a user can act on.

let calls: { method: string; path: string; auth: string | undefined; ifMatch: string | undefined }[] = [];
let script: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[] = [];
let server: http.Server;
let url: string;

before(async () => {
  server = http.createServer((req, res) => {
    calls.push({
      method: req.method!,
      path: req.url!,
      auth: req.headers.authorization,
      ifMatch: req.headers['if-match'] as string | undefined,
    });
    req.resume();
    const next = script.shift();
    if (next) return next(req, res);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const reset = (...steps: typeof script) => {
  calls = [];
  script = steps;
};
const unavailable = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(503).end();
const client = (timeoutMs = 2000) => new BackendClient({ url, allowInsecureHttp: false, fingerprint: null }, 'kw_token', { timeoutMs });

async function failure(promise: Promise<unknown>): Promise<KeywardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KeywardError);
    return error;
  }
  throw new Error('expected a failure');
}

test('an idempotent request is retried after a 503 and succeeds', async () => {
  reset(unavailable, unavailable);
  assert.deepEqual(await client().request('GET', '/v1/roles'), { ok: true });
  assert.equal(calls.length, 3);
  assert.equal(calls[0]!.auth, 'Bearer kw_token');
});

test('a POST is never retried, so a create cannot happen twice', async () => {
  reset(unavailable);
  const error = await failure(client().request('POST', '/v1/credentials', { body: { name: 'x' } }));
  assert.equal(error.code, 'unavailable');
  assert.equal(calls.length, 1);
  assert.equal(error.details?.['retryable'], undefined);
});

test('a server that does not answer in time gives a timeout error', async () => {
  reset(
    () => undefined,
    () => undefined,
    () => undefined,
  );
  const error = await failure(client(200).request('POST', '/v1/roles', { body: {} }));
  assert.equal(error.code, 'timeout');
  assert.match(error.message, /did not answer in time/);
});

test("server errors keep the server's code and sentence; 401 says to fix the profile's token", async () => {
  reset(
    (_q, res) =>
      res
        .writeHead(409, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'name_taken', message: 'A role named "x" exists.', details: { name: 'x' } } })),
    (_q, res) =>
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'unauthorized', message: 'Invalid token.' } })),
    (_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nginx</h1>'),
  );
  const taken = await failure(client().request('POST', '/v1/roles', { body: {} }));
  assert.deepEqual([taken.code, taken.message, taken.details?.['name']], ['name_taken', 'A role named "x" exists.', 'x']);
  const unauthorized = await failure(client().request('POST', '/v1/roles', { body: {} }));
  assert.equal(unauthorized.code, 'unauthorized');
  assert.match(unauthorized.message, /Edit the profile/);
  const notKeyward = await failure(client().request('POST', '/v1/roles', { body: {} }));
  assert.equal(notKeyward.code, 'bad_response');
  assert.match(notKeyward.message, /Is the profile's URL the Keyward backend/);
});

test('writes send If-Match with the expected version', async () => {
  reset();
  await client().request('PATCH', '/v1/roles/r1', { body: { name: 'y' }, ifMatch: 7 });
  assert.equal(calls[0]!.ifMatch, '"7"');
});

test('a typed call sends the operation of the endpoint table: method, percent-encoded path, query, body and If-Match', async () => {
  reset();
  await client().call('updateRole', { params: { id: 'a/b c?' }, body: { name: 'y' }, ifMatch: 4 });
  await client().call('listCredentials', { query: { q: 'billing & ops', hideRevoked: true, limit: 5 } });
  await client().call('resendWebhookDelivery', { params: { id: 'w1', deliveryId: 'd/2' } });
  assert.deepEqual(
    calls.map((c) => [c.method, c.path, c.ifMatch]),
    [
      ['PATCH', '/v1/roles/a%2Fb%20c%3F', '"4"'],
      ['GET', '/v1/credentials?q=billing+%26+ops&hideRevoked=true&limit=5', undefined],
      ['POST', '/v1/webhooks/w1/deliveries/d%2F2/resend', undefined],
    ],
  );
});

test("an error code the app does not know becomes a generic error that keeps the server's sentence", async () => {
  reset((_q, res) =>
    res
      .writeHead(409, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'quota_exceeded', message: 'This server allows 10 roles.' } })),
  );
  const error = await failure(client().call('createRole', { body: { name: 'x', actions: [] } }));
  assert.equal(error.code, 'bad_response');
  assert.match(error.message, /HTTP 409, quota_exceeded\): This server allows 10 roles\./);
  assert.deepEqual(error.details, { status: 409, serverCode: 'quota_exceeded' });
});

test('nothing listening is reported as offline with what to check', async () => {
  const dead = new BackendClient({ url: 'http://127.0.0.1:9', allowInsecureHttp: false, fingerprint: null }, null, { timeoutMs: 1000 });
  const error = await failure(dead.request('POST', '/v1/roles'));
  assert.equal(error.code, 'offline');
  assert.match(error.message, /Is the Keyward server running/);
});

test('loopback means 127.0.0.0/8, ::1 and localhost only', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '[::1]', 'localhost']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['10.0.0.1', 'localhost.evil.example', '127.0.0.1.nip.io', '0.0.0.0']) assert.equal(isLoopbackHost(host), false, host);
});
