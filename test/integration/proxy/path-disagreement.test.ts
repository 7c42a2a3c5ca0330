import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import fc from 'fast-check';
import { makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { startCaddy, type RunningCaddy } from './caddy-runner.ts';
import { startNginx, type RunningNginx } from './nginx-runner.ts';
import { effectiveMethods, rawRequest, startRecordingUpstream, type RecordingUpstream, type UpstreamModel } from './upstream-models.ts';

// DESIGN §3.4, attacked through the real proxies of docs/operations.md: for request targets built
// from the pieces proxies and upstreams disagree about, a token that lacks the stricter role
// never reaches the route that role protects, however the upstream (Express-like, WHATWG URL
// parser, servlet container) reads the target. The backend is the demo's Billing API: POST to
// ^/billing-api/invoices(/|$) also needs "Billing clerk".

const PROTECTED = /^\/billing-api\/invoices(\/|$)/;

let keyward: TestServer;
let upstream: RecordingUpstream;
let nginx: RunningNginx;
let caddy: RunningCaddy;
let readOnly: string;
let clerk: string;

before(async () => {
  upstream = await startRecordingUpstream();
  keyward = await startTestServer({ trustedProxies: ['127.0.0.1/32'] });
  await seedCatalog(keyward);
  const reader = await makeRole(keyward, { name: 'Billing read-only', actions: ['GetClients'] });
  const clerkRole = await makeRole(keyward, { name: 'Billing clerk', actions: ['AddClient'] });
  const reseller = await makeRole(keyward, { name: 'Reseller', actions: ['GetClients'] });
  await makeBackend(keyward, {
    name: 'Billing API',
    frontendPrefix: '/billing-api',
    requiredRoles: [reader.id],
    subSettings: [
      { method: 'POST', pathRegex: '^/billing-api/invoices(/|$)', requiredRoles: [clerkRole.id], override: false },
      { method: 'ANY', pathRegex: '^/billing-api/storefront(/|$)', requiredRoles: [reseller.id], override: true },
    ],
  });
  readOnly = (await makeCredential(keyward, { roles: [reader.id] })).secret;
  clerk = (await makeCredential(keyward, { roles: [reader.id, clerkRole.id] })).secret;
  const ports = { keywardPort: Number(new URL(keyward.url).port), upstreamPort: upstream.port };
  [nginx, caddy] = await Promise.all([startNginx(ports), startCaddy(ports)]);
});

after(async () => {
  await Promise.all([nginx?.stop(), caddy?.stop()]);
  await keyward?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.received.length = 0;
});

/** The models that would serve the protected POST route for what reached the upstream. */
function servedProtected(): string[] {
  const hits: string[] = [];
  for (const request of upstream.received) {
    if (!effectiveMethods(request.method, request.headers).includes('POST')) continue;
    for (const [model, path] of Object.entries(request.paths) as Array<[UpstreamModel, string | null]>) {
      if (path !== null && PROTECTED.test(path)) hits.push(`${model} read ${JSON.stringify(request.target)} as ${path}`);
    }
  }
  return hits;
}

const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '\\',
  ';x=1',
  '%00',
  'billing-api',
  'Billing-API',
  'BILLING-API',
  'billing-api/invoices',
  'invoices',
  'INVOICES',
  'Invoices',
  'invoice',
  '%73',
  '%69nvoices',
  '%41',
  '%c3%a9',
  '%c5%bf',
  '%c4%b1',
  '%',
  '%zz',
  '%c3',
  'x',
  'storefront',
];

const target = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 7 })
  .map((pieces) => `/${pieces.join('')}`)
  .filter((t) => t.length < 200);
interface Sent {
  method: string;
  headers: Record<string, string>;
}
const method = fc.constantFrom<Sent>(
  { method: 'POST', headers: {} },
  { method: 'GET', headers: { 'X-HTTP-Method-Override': 'POST' } },
  { method: 'PUT', headers: { 'X-Method-Override': 'POST' } },
  { method: 'GET', headers: { 'X-HTTP-Method': 'post' } },
);

// Known ways around a path rule, tried on every run besides the random ones.
const KNOWN = [
  '/billing-api/invoices;x=1',
  '/billing-api/Invoices',
  '/BILLING-API/INVOICES/7',
  '/billing-api/%69nvoices',
  '/billing-api/x/..%2finvoices',
  '/billing-api/x/%2e%2e/invoices',
  '/billing-api/storefront/..;/invoices',
  '/billing-api\\invoices',
  '/billing-api/invoice%c5%bf',
  '/billing-api//invoices',
  '//billing-api/invoices',
].map((t): [string, Sent] => [t, { method: 'POST', headers: {} }]);

for (const proxy of ['nginx', 'caddy'] as const) {
  const port = () => (proxy === 'nginx' ? nginx.port : caddy.port);

  test(`through ${proxy}, the clerk's POST reaches the invoices route and the read-only token's GET reaches billing`, async () => {
    assert.equal(await rawRequest(port(), 'POST', '/billing-api/invoices/7', { Authorization: `Bearer ${clerk}` }), 200);
    assert.equal(servedProtected().length, 3, 'each of the three models sees the protected route when it is allowed');
    upstream.received.length = 0;
    assert.equal(await rawRequest(port(), 'GET', '/Billing-API/Invoices?page=2', { Authorization: `Bearer ${readOnly}` }), 200);
    assert.equal(await rawRequest(port(), 'POST', '/billing-api/invoices', { Authorization: `Bearer ${readOnly}` }), 403);
    assert.deepEqual(servedProtected(), []);
  });

  test(`through ${proxy}, no spelling of a path lets a token without the clerk role POST to the invoices route`, async () => {
    await fc.assert(
      fc.asyncProperty(target, method, async (path, m) => {
        upstream.received.length = 0;
        const status = await rawRequest(port(), m.method, path, { Authorization: `Bearer ${readOnly}`, ...m.headers });
        assert.deepEqual(servedProtected(), [], `${m.method} ${JSON.stringify(path)} ${JSON.stringify(m.headers)} → ${status}`);
      }),
      { numRuns: 150, examples: KNOWN },
    );
  });

  test(`through ${proxy}, the upstream never receives a method-override header`, async () => {
    const status = await rawRequest(port(), 'GET', '/billing-api/clients', {
      Authorization: `Bearer ${clerk}`,
      'X-HTTP-Method-Override': 'DELETE',
      'X-Method-Override': 'DELETE',
      'X-HTTP-Method': 'DELETE',
    });
    assert.equal(status, 200);
    assert.equal(upstream.received.length, 1);
    for (const name of ['x-http-method-override', 'x-method-override', 'x-http-method'])
      assert.equal(upstream.received[0]!.headers[name], undefined, name);
  });
}
