import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { partialNginxConfig, startNginx, type RunningNginx } from './nginx-runner.ts';
import { rawRequest, startRecordingUpstream, type RecordingUpstream } from './upstream-models.ts';

// docs/operations.md, "To protect only part of a site": with auth_request on `location /api/`
// only, an open location to the same upstream is a way around Keyward for a servlet container,
// which reads `/public/..;/api/clients` as `/api/clients` while nginx files it under /public/.
// The documented server-level guard closes it; this proves both halves with a real nginx.

let keyward: TestServer;
let upstream: RecordingUpstream;
let open: RunningNginx;
let guarded: RunningNginx;
let token: string;

before(async () => {
  upstream = await startRecordingUpstream();
  keyward = await startTestServer({ trustedProxies: ['127.0.0.1/32'] });
  await seedCatalog(keyward);
  const reader = await makeRole(keyward, { name: 'API reader', actions: ['GetClients'] });
  await makeBackend(keyward, { name: 'API', frontendPrefix: '/api', requiredRoles: [reader.id], subSettings: [] });
  token = (await makeCredential(keyward, { roles: [reader.id] })).secret;
  const ports = { keywardPort: Number(new URL(keyward.url).port), upstreamPort: upstream.port };
  [open, guarded] = await Promise.all([
    startNginx({ ...ports, config: partialNginxConfig(false) }),
    startNginx({ ...ports, config: partialNginxConfig(true) }),
  ]);
});

after(async () => {
  await Promise.all([open?.stop(), guarded?.stop()]);
  await keyward?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.received.length = 0;
});

const servletReadAsApi = () => upstream.received.filter((r) => r.paths.servlet?.startsWith('/api/')).map((r) => r.target);

test('without the guard, an open location lets a servlet upstream serve a protected path with no token at all (why the docs warn)', async () => {
  assert.equal(await rawRequest(open.port, 'GET', '/api/clients', {}), 401, 'the protected location asks Keyward');
  assert.equal(await rawRequest(open.port, 'GET', '/public/..;/api/clients', {}), 200);
  assert.deepEqual(servletReadAsApi(), ['/public/..;/api/clients'], 'a servlet container serves /api/clients unchecked');
});

test('with the documented guard, no path parameter or encoded slash reaches the upstream, and ordinary requests still work', async () => {
  for (const target of [
    '/public/..;/api/clients',
    '/public/x;jsessionid=1/../../api/clients',
    '/public/..%2fapi/clients',
    '/public/..%5Capi%5Cclients',
  ])
    assert.equal(await rawRequest(guarded.port, 'GET', target, {}), 400, target);
  assert.equal(upstream.received.length, 0, 'nothing reached the upstream');

  assert.equal(await rawRequest(guarded.port, 'GET', '/public/page?q=a;b', {}), 200, 'a ; in the query string is not a path parameter');
  assert.equal(await rawRequest(guarded.port, 'GET', '/api/clients', {}), 401);
  assert.equal(await rawRequest(guarded.port, 'GET', '/api/clients', { authorization: `Bearer ${token}` }), 200);
  assert.deepEqual(
    upstream.received.map((r) => r.target),
    ['/public/page?q=a;b', '/api/clients'],
  );
  assert.deepEqual(servletReadAsApi(), ['/api/clients']);
});
