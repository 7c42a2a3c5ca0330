import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { expectStatus, makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';
import { startNginx, type RunningNginx } from './nginx-runner.ts';
import { rawRequest } from './upstream-models.ts';

// A real nginx with auth_request to Keyward's /v1/forward-auth in front of a small API backend
// that records what reaches it: the configuration docs/operations.md gives, proven end to end.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let keyward: TestServer;
let nginx: RunningNginx;
let upstream: Server;
const received: Received[] = [];
let viewer: Json;
let editor: Json;

before(async () => {
  upstream = createServer((request, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"from":"upstream"}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  keyward = await startTestServer({ trustedProxies: ['127.0.0.1/32'] });
  await seedCatalog(keyward);
  viewer = await makeRole(keyward, { name: 'Viewer', actions: ['GetClients'] });
  editor = await makeRole(keyward, { name: 'Billing, Editor', actions: ['AddClient'] });
  await makeBackend(keyward, {
    name: 'API',
    frontendPrefix: '/api',
    requiredRoles: [viewer.id],
    subSettings: [
      { method: 'POST', pathRegex: '^/api/orders(/|$)', requiredRoles: [editor.id] },
      { method: 'ANY', pathRegex: '^/api/public/', requiredRoles: [], override: true },
    ],
  });
  const upstreamAddress = upstream.address();
  nginx = await startNginx({
    keywardPort: Number(new URL(keyward.url).port),
    upstreamPort: typeof upstreamAddress === 'object' && upstreamAddress ? upstreamAddress.port : 0,
  });
});

after(async () => {
  await nginx?.stop();
  await keyward?.close();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  received.length = 0;
});

function viaNginx(path: string, init: { method?: string; token?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers };
  return fetch(nginx.url + path, { method: init.method ?? 'GET', headers });
}

test('an allowed request reaches the upstream carrying X-Api-Roles and X-Credential-Id', async () => {
  const { credential, secret } = await makeCredential(keyward, { roles: [viewer.id, editor.id] });
  const response = await viaNginx('/api/clients/42?expand=owner', { token: secret });
  assert.equal(response.status, 200, await response.clone().text());
  assert.deepEqual(await response.json(), { from: 'upstream' });
  assert.equal(received.length, 1);
  assert.equal(received[0]!.url, '/api/clients/42?expand=owner');
  // Role names are comma-separated; a name holding a comma is percent-encoded.
  assert.deepEqual(String(received[0]!.headers['x-api-roles']).split(',').sort(), ['Billing%2C%20Editor', 'Viewer']);
  assert.equal(received[0]!.headers['x-credential-id'], credential.id);
});

test('a sub-URL rule applies through nginx: POST /api/orders needs the extra role', async () => {
  const both = await makeCredential(keyward, { roles: [viewer.id, editor.id] });
  const response = await viaNginx('/api/orders', { method: 'POST', token: both.secret });
  assert.equal(response.status, 200);
  assert.equal(received.length, 1);
  assert.equal(received[0]!.method, 'POST');
});

test('a request lacking a required role gets 403 and never reaches the upstream', async () => {
  const viewerOnly = await makeCredential(keyward, { roles: [viewer.id] });
  assert.equal((await viaNginx('/api/orders', { method: 'POST', token: viewerOnly.secret })).status, 403);
  const editorOnly = await makeCredential(keyward, { roles: [editor.id] });
  assert.equal((await viaNginx('/api/clients', { token: editorOnly.secret })).status, 403);
  assert.equal(received.length, 0);
});

test('a revoked token gets 401 and never reaches the upstream', async () => {
  const { credential, secret } = await makeCredential(keyward, { roles: [viewer.id] });
  assert.equal((await viaNginx('/api/clients', { token: secret })).status, 200);
  expectStatus(await keyward.request('POST', `/v1/credentials/${credential.id}/revoke`), 200, 'revoke');
  received.length = 0;
  const response = await viaNginx('/api/clients', { token: secret });
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /Bearer/);
  assert.equal(received.length, 0);
});

test('a request without a token, or with an unknown one, gets 401 and never reaches the upstream', async () => {
  assert.equal((await viaNginx('/api/clients')).status, 401);
  assert.equal((await viaNginx('/api/clients', { token: 'kw_not-a-real-token' })).status, 401);
  assert.equal((await viaNginx('/api/clients', { headers: { 'x-api-key': 'legacy-unknown-key' } })).status, 401);
  assert.equal(received.length, 0);
});

test('the token may come as X-Api-Key through nginx', async () => {
  const { secret } = await makeCredential(keyward, { roles: [viewer.id] });
  assert.equal((await viaNginx('/api/clients', { headers: { 'x-api-key': secret } })).status, 200);
  assert.equal(received[0]!.headers['x-api-roles'], 'Viewer');
});

test('a client can forge neither X-Api-Roles nor its address through nginx', async () => {
  const { secret } = await makeCredential(keyward, { roles: [viewer.id] });
  await viaNginx('/api/clients', { token: secret, headers: { 'x-api-roles': 'Administrator', 'x-credential-id': 'someone-else' } });
  assert.equal(received.length, 1);
  assert.equal(received[0]!.headers['x-api-roles'], 'Viewer');
  assert.notEqual(received[0]!.headers['x-credential-id'], 'someone-else');

  // A credential bound to 10.0.0.0/8: a forged X-Forwarded-For does not make 127.0.0.1 look like 10.1.2.3.
  received.length = 0;
  const bound = await makeCredential(keyward, { roles: [viewer.id], allowedCidrs: ['10.0.0.0/8'] });
  const forged = await viaNginx('/api/clients', {
    token: bound.secret,
    headers: { 'x-forwarded-for': '10.1.2.3', 'x-real-ip': '10.1.2.3' },
  });
  assert.equal(forged.status, 403);
  assert.equal(received.length, 0);
  const local = await makeCredential(keyward, { roles: [viewer.id], allowedCidrs: ['127.0.0.1/32'] });
  assert.equal((await viaNginx('/api/clients', { token: local.secret })).status, 200);
});

test('a client cannot choose the URI or method Keyward checks by sending X-Original-* or X-Forwarded-* headers', async () => {
  const editorOnly = await makeCredential(keyward, { roles: [editor.id] });
  assert.equal(
    (await viaNginx('/api/public/docs', { token: editorOnly.secret })).status,
    200,
    'the open sub-URL lets any credential with a role in',
  );
  received.length = 0;
  const forged = {
    'x-original-uri': '/api/public/docs',
    'x-original-method': 'GET',
    'x-forwarded-uri': '/api/public/docs',
    'x-forwarded-method': 'GET',
  };
  assert.equal((await viaNginx('/api/clients', { token: editorOnly.secret, headers: forged })).status, 403);
  assert.equal((await viaNginx('/api/orders', { method: 'DELETE', token: editorOnly.secret, headers: forged })).status, 403);
  assert.equal(received.length, 0);
});

test('a path nginx routes one way and an upstream another is refused: dot segments, ";" parameters, encoded slashes', async () => {
  const viewerOnly = await makeCredential(keyward, { roles: [viewer.id] });
  for (const path of ['/api/public/..;/clients', '/api/public/%2e%2e/orders', '/api/public/x%2f..%2f..%2forders', '/api/clients;x=1']) {
    const response = await viaNginxRaw(path, viewerOnly.secret);
    assert.ok(response === 403 || response === 400, `${path}: ${response}`);
  }
  assert.equal(received.length, 0);
});

test('a method-override header through nginx needs the overriding method’s roles, and never reaches the upstream', async () => {
  const viewerOnly = await makeCredential(keyward, { roles: [viewer.id] });
  const both = await makeCredential(keyward, { roles: [viewer.id, editor.id] });
  const override = { 'x-http-method-override': 'POST' };
  assert.equal((await viaNginx('/api/orders', { token: viewerOnly.secret, headers: override })).status, 403);
  assert.equal(received.length, 0);
  assert.equal((await viaNginx('/api/orders', { token: both.secret, headers: override })).status, 200);
  assert.equal(received[0]!.headers['x-http-method-override'], undefined);
});

function viaNginxRaw(path: string, token: string): Promise<number> {
  return rawRequest(nginx.port, 'GET', path, { Authorization: `Bearer ${token}` });
}
