import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';
import { startCaddy, type RunningCaddy } from './caddy-runner.ts';
import { rawRequest, startRecordingUpstream, type RecordingUpstream } from './upstream-models.ts';

// A real Caddy forward_auth (the Traefik header dialect: X-Forwarded-Method / X-Forwarded-Uri)
// in front of a recording upstream: the Caddyfile docs/operations.md gives, proven end to end.

let keyward: TestServer;
let caddy: RunningCaddy;
let upstream: RecordingUpstream;
let viewer: Json;
let editor: Json;

before(async () => {
  upstream = await startRecordingUpstream();
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
  caddy = await startCaddy({ keywardPort: Number(new URL(keyward.url).port), upstreamPort: upstream.port });
});

after(async () => {
  await caddy?.stop();
  await keyward?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.received.length = 0;
});

const send = (method: string, target: string, headers: Record<string, string> = {}) => rawRequest(caddy.port, method, target, headers);

test('an allowed request reaches the upstream through Caddy carrying X-Api-Roles and X-Credential-Id', async () => {
  const { credential, secret } = await makeCredential(keyward, { roles: [viewer.id, editor.id] });
  assert.equal(await send('GET', '/api/clients/42?expand=owner', { Authorization: `Bearer ${secret}` }), 200, caddy.output());
  assert.equal(upstream.received.length, 1);
  assert.equal(upstream.received[0]!.target, '/api/clients/42?expand=owner');
  assert.deepEqual(String(upstream.received[0]!.headers['x-api-roles']).split(',').sort(), ['Billing%2C%20Editor', 'Viewer']);
  assert.equal(upstream.received[0]!.headers['x-credential-id'], credential.id);
});

test('through Caddy, a missing token is 401, a missing role 403, and neither reaches the upstream', async () => {
  assert.equal(await send('GET', '/api/clients'), 401);
  const viewerOnly = await makeCredential(keyward, { roles: [viewer.id] });
  assert.equal(await send('POST', '/api/orders', { 'X-Api-Key': viewerOnly.secret }), 403);
  assert.equal(await send('GET', '/api/clients/..%2f..%2forders', { 'X-Api-Key': viewerOnly.secret }), 403);
  assert.equal(upstream.received.length, 0);
});

test('through Caddy, a client can forge neither X-Api-Roles nor the URI and method Keyward checks', async () => {
  const editorOnly = await makeCredential(keyward, { roles: [editor.id] });
  assert.equal(await send('GET', '/api/public/docs', { Authorization: `Bearer ${editorOnly.secret}` }), 200);
  upstream.received.length = 0;
  const forged = {
    Authorization: `Bearer ${editorOnly.secret}`,
    'X-Original-URI': '/api/public/docs',
    'X-Original-Method': 'GET',
    'X-Forwarded-Uri': '/api/public/docs',
    'X-Forwarded-Method': 'GET',
  };
  assert.equal(await send('GET', '/api/clients', forged), 403);
  assert.equal(await send('DELETE', '/api/orders', forged), 403);
  assert.equal(upstream.received.length, 0);

  const viewerOnly = await makeCredential(keyward, { roles: [viewer.id] });
  await send('GET', '/api/clients', {
    Authorization: `Bearer ${viewerOnly.secret}`,
    'X-Api-Roles': 'Administrator',
    'X-Credential-Id': 'someone-else',
  });
  assert.equal(upstream.received.length, 1);
  assert.equal(upstream.received[0]!.headers['x-api-roles'], 'Viewer');
  assert.equal(upstream.received[0]!.headers['x-credential-id'], viewerOnly.credential.id);
});

test('through Caddy, a credential bound to a network is judged by the real client address, not a forged X-Forwarded-For', async () => {
  const bound = await makeCredential(keyward, { roles: [viewer.id], allowedCidrs: ['10.0.0.0/8'] });
  assert.equal(
    await send('GET', '/api/clients', { Authorization: `Bearer ${bound.secret}`, 'X-Forwarded-For': '10.1.2.3', 'X-Real-IP': '10.1.2.3' }),
    403,
  );
  const local = await makeCredential(keyward, { roles: [viewer.id], allowedCidrs: ['127.0.0.1/32'] });
  assert.equal(await send('GET', '/api/clients', { Authorization: `Bearer ${local.secret}` }), 200);
});
