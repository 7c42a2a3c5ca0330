import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expiresIn, makeBackend, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, testClock, type Json, type TestServer } from '../../helpers/server.ts';

// /v1/forward-auth as nginx auth_request, Traefik forwardAuth and Envoy ext_authz call it: the
// token in the request's own headers, the original method and URI in X-Original-* or
// X-Forwarded-* headers.

let s: TestServer;
let proxied: TestServer;
let viewer: Json;
let editor: Json;
const PREFIX = '/shop';
before(async () => {
  [s, proxied] = await Promise.all([startTestServer(), startTestServer({ trustedProxies: ['127.0.0.0/8', '::1/128'] })]);
  for (const server of [s, proxied]) await seedCatalog(server);
  viewer = await makeRole(s, { name: 'Viewer', actions: ['GetClients'] });
  editor = await makeRole(s, { name: 'Editor', actions: ['AddClient'] });
  await makeBackend(s, {
    frontendPrefix: PREFIX,
    requiredRoles: [viewer.id],
    subSettings: [{ method: 'POST', pathRegex: `^${PREFIX}/orders`, requiredRoles: [editor.id] }],
  });
});
after(async () => {
  await s?.close();
  await proxied?.close();
});

function forward(
  server: TestServer,
  token: string | null,
  method: string,
  uri: string,
  extra: Record<string, string> = {},
  style: 'original' | 'forwarded' = 'original',
) {
  const headers: Record<string, string> =
    style === 'original'
      ? { 'x-original-method': method, 'x-original-uri': uri }
      : { 'x-forwarded-method': method, 'x-forwarded-uri': uri };
  return server.request('GET', '/v1/forward-auth', { token, headers: { ...headers, ...extra } });
}

test('an allowed request gets 200 with X-Api-Roles and X-Credential-Id', async () => {
  const { credential, secret } = await makeCredential(s, { roles: [viewer.id, editor.id] });
  const res = await forward(s, secret, 'GET', `${PREFIX}/items?page=2`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('x-credential-id'), credential.id);
  assert.deepEqual(res.headers.get('x-api-roles')!.split(',').sort(), ['Editor', 'Viewer']);
});

test('the token may come as X-Api-Key and the request as X-Forwarded-Method / X-Forwarded-Uri (Traefik)', async () => {
  const { secret } = await makeCredential(s, { roles: [viewer.id] });
  const res = await forward(s, null, 'GET', `${PREFIX}/items`, { 'x-api-key': secret }, 'forwarded');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('x-api-roles'), 'Viewer');
});

test('Envoy ext_authz style: the original method and the path after /v1/forward-auth decide', async () => {
  const viewerOnly = await makeCredential(s, { roles: [viewer.id] });
  const both = await makeCredential(s, { roles: [viewer.id, editor.id] });
  assert.equal((await s.request('GET', `/v1/forward-auth${PREFIX}/items`, { token: viewerOnly.secret })).status, 200);
  assert.equal((await s.request('POST', `/v1/forward-auth${PREFIX}/orders?x=1`, { token: viewerOnly.secret, body: '{}' })).status, 403);
  const ok = await s.request('POST', `/v1/forward-auth${PREFIX}/orders`, { token: both.secret, body: '{}' });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.headers.get('x-api-roles')!.split(',').sort(), ['Editor', 'Viewer']);
});

test('a missing or unknown token gets 401 and a credential lacking required roles gets 403', async () => {
  assert.equal((await forward(s, null, 'GET', `${PREFIX}/items`)).status, 401);
  assert.equal((await forward(s, 'kw_nope', 'GET', `${PREFIX}/items`)).status, 401);
  const viewerOnly = await makeCredential(s, { roles: [viewer.id] });
  const res = await forward(s, viewerOnly.secret, 'POST', `${PREFIX}/orders`);
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('x-api-roles'), null, 'a denied request carries no roles header');
  assert.equal((await forward(s, viewerOnly.secret, 'POST', `${PREFIX}/other`)).status, 200);
  const nobody = await makeCredential(s, { roles: [editor.id] });
  assert.equal((await forward(s, nobody.secret, 'GET', `${PREFIX}/items`)).status, 403);
  assert.equal((await forward(s, viewerOnly.secret, 'GET', '/unrouted/x')).status, 403, 'a path no backend serves is refused');
});

test('revoked and disabled tokens get 401 at forward-auth', async () => {
  const revoked = await makeCredential(s, { roles: [viewer.id] });
  await s.request('POST', `/v1/credentials/${revoked.credential.id}/revoke`);
  const disabled = await makeCredential(s, { roles: [viewer.id] });
  await s.request('POST', `/v1/credentials/${disabled.credential.id}/disable`);
  assert.equal((await forward(s, revoked.secret, 'GET', `${PREFIX}/items`)).status, 401);
  assert.equal((await forward(s, disabled.secret, 'GET', `${PREFIX}/items`)).status, 401);
});

test("a repeated, cached answer stops at the credential's expiry, and an old secret at the end of its roll grace", async (t) => {
  // A server of its own: the test moves its clock past the expiry and the grace.
  const clock = testClock();
  const own = await startTestServer({ clock });
  t.after(() => own.close());
  await seedCatalog(own);
  const role = await makeRole(own, { actions: ['GetClients'] });
  await makeBackend(own, { frontendPrefix: PREFIX, requiredRoles: [role.id] });
  const expiring = await makeCredential(own, { roles: [role.id], expiresAt: expiresIn(3_600_000, clock) });
  const rolled = await makeCredential(own, { roles: [role.id] });
  const roll = await own.request('POST', `/v1/credentials/${rolled.credential.id}/roll`, { body: { graceSeconds: 600 } });
  assert.equal(roll.status, 200, roll.text);
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await forward(own, expiring.secret, 'GET', `${PREFIX}/items`)).status, 200, 'answered, then from the answer cache');
    assert.equal((await forward(own, rolled.secret, 'GET', `${PREFIX}/items`)).status, 200, 'the old secret during its grace');
  }
  clock.advancePast(roll.json.credential.previousSecretValidUntil);
  assert.equal((await forward(own, rolled.secret, 'GET', `${PREFIX}/items`)).status, 401, 'the old secret after its grace');
  assert.equal((await forward(own, roll.json.secret, 'GET', `${PREFIX}/items`)).status, 200, 'the new secret');
  clock.advancePast(expiring.credential.expiresAt);
  assert.equal((await forward(own, expiring.secret, 'GET', `${PREFIX}/items`)).status, 401, 'the cached answer ended with the expiry');
});

test('forward-auth answers for any method it is called with', async () => {
  const { secret } = await makeCredential(s, { roles: [viewer.id] });
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']) {
    const res = await s.request(method, '/v1/forward-auth', {
      token: secret,
      headers: { 'x-original-method': 'GET', 'x-original-uri': `${PREFIX}/x` },
    });
    assert.equal(res.status, 200, `${method}: ${res.status} ${res.text}`);
  }
});

test('X-Api-Roles percent-encodes commas and non-ASCII', async () => {
  const names = ['Billing, EU', 'Zoë', 'plain-role', 'Read only', 'Tax 10%'];
  const roles = [];
  for (const name of names) roles.push(await makeRole(s, { name, actions: [] }));
  const prefix = '/encoded';
  await makeBackend(s, { frontendPrefix: prefix, requiredRoles: [roles[0].id] });
  const { secret } = await makeCredential(s, { roles: roles.map((r) => r.id) });
  const res = await forward(s, secret, 'GET', `${prefix}/x`);
  assert.equal(res.status, 200, res.text);
  const header = res.headers.get('x-api-roles')!;
  assert.ok(!/[^\x21-\x7e]/.test(header), `only visible ASCII: ${header}`);
  const parts = header.split(',');
  assert.equal(parts.length, 5, `one comma per role boundary: ${header}`);
  // "%" itself is encoded too, so every part decodes unambiguously.
  assert.deepEqual(parts.sort(), ['Billing%2C%20EU', 'Read%20only', 'Tax%2010%25', 'Zo%C3%AB', 'plain-role'].sort());
  assert.deepEqual(parts.map(decodeURIComponent).sort(), [...names].sort(), 'each part decodes to the role name');
});

test('forward-auth ignores X-Forwarded-For when the peer is not a trusted proxy', async () => {
  const { secret } = await makeCredential(s, { roles: [viewer.id], allowedCidrs: ['203.0.113.0/24'] });
  assert.equal((await forward(s, secret, 'GET', `${PREFIX}/x`, { 'x-forwarded-for': '203.0.113.9' })).status, 403);
  assert.equal((await forward(s, secret, 'GET', `${PREFIX}/x`, { 'x-real-ip': '203.0.113.9' })).status, 403);
  const local = await makeCredential(s, { roles: [viewer.id], allowedCidrs: ['127.0.0.0/8', '::1/128'] });
  assert.equal(
    (await forward(s, local.secret, 'GET', `${PREFIX}/x`, { 'x-forwarded-for': '203.0.113.9' })).status,
    200,
    'the peer address counts',
  );
});

test('forward-auth trusts X-Forwarded-For only from a configured trusted proxy', async () => {
  const role = await makeRole(proxied, { name: 'Viewer', actions: ['GetClients'] });
  await makeBackend(proxied, { frontendPrefix: PREFIX, requiredRoles: [role.id] });
  const { secret } = await makeCredential(proxied, { roles: [role.id], allowedCidrs: ['203.0.113.0/24'] });
  assert.equal((await forward(proxied, secret, 'GET', `${PREFIX}/x`, { 'x-forwarded-for': '203.0.113.9' })).status, 200);
  assert.equal((await forward(proxied, secret, 'GET', `${PREFIX}/x`, { 'x-real-ip': '203.0.113.10' })).status, 200);
  assert.equal((await forward(proxied, secret, 'GET', `${PREFIX}/x`, { 'x-forwarded-for': '198.51.100.1' })).status, 403);
  assert.equal(
    (await forward(proxied, secret, 'GET', `${PREFIX}/x`)).status,
    403,
    'without a forwarded address the proxy itself is the client',
  );
  // A client that sends its own X-Forwarded-For gets the real address appended by the proxy;
  // the right-most address not of a trusted proxy is the client, whatever it claimed.
  assert.equal((await forward(proxied, secret, 'GET', `${PREFIX}/x`, { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' })).status, 403);
  assert.equal(
    (await forward(proxied, secret, 'GET', `${PREFIX}/x`, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 127.0.0.5' })).status,
    200,
  );
});

test('a malformed forward-auth request is a 4xx, never a 5xx', async () => {
  const { secret } = await makeCredential(s, { roles: [viewer.id] });
  const cases: Array<Record<string, string>> = [
    {},
    { 'x-original-uri': 'no-slash' },
    { 'x-original-method': 'GET' },
    { 'x-original-method': 'GET', 'x-original-uri': '%%%' },
  ];
  for (const headers of cases) {
    const res = await s.request('GET', '/v1/forward-auth', { token: secret, headers });
    assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(headers)}: ${res.status} ${res.text}`);
  }
});

test('dot segments, percent-encoding and doubled slashes cannot route around a stricter backend or setting', async () => {
  const admins = await makeRole(s, { name: 'Area admins', actions: [] });
  const users = await makeRole(s, { name: 'Area users', actions: [] });
  await makeBackend(s, { frontendPrefix: '/area-admin', requiredRoles: [admins.id] });
  await makeBackend(s, {
    frontendPrefix: '/area',
    requiredRoles: [users.id],
    subSettings: [{ method: 'ANY', pathRegex: '^/area/secret', requiredRoles: [admins.id] }],
  });
  const { secret } = await makeCredential(s, { roles: [users.id] });
  assert.equal((await forward(s, secret, 'GET', '/area/open')).status, 200);
  const tricks = [
    '/area/../area-admin/x',
    '/area/%2e%2e/area-admin/x',
    '/area/%2E%2E/area-admin/x',
    '/area/.%2e/area-admin/x',
    '/area/./secret/x',
    '/area//secret/x',
    '/area/%73ecret/x',
    '/area/x/../secret/y',
    '/area-admin%2fx',
    '//area-admin/x',
  ];
  for (const uri of tricks) {
    const res = await forward(s, secret, 'GET', uri);
    assert.ok(res.status === 403 || res.status === 400, `${uri}: ${res.status}`);
    const decision = await s.request('POST', '/v1/authorize', { body: { token: secret, method: 'GET', path: uri } });
    assert.ok(decision.status === 400 || decision.json.allowed === false, `${uri} at /v1/authorize: ${decision.text}`);
  }
});

test('a forward-auth request that names no original URI is refused invalid_path, not judged as "/"', async () => {
  // A backend at "/" that lets any credential with a role in: the old fallback would have let these pass.
  const anyone = await makeRole(proxied, { name: 'Anyone', actions: [] });
  await makeBackend(proxied, { frontendPrefix: '/', requiredRoles: [] });
  const { secret } = await makeCredential(proxied, { roles: [anyone.id] });
  assert.equal((await forward(proxied, secret, 'GET', '/anything')).status, 200, 'with a URI it is allowed');
  const cases: Array<Record<string, string>> = [
    {},
    { 'x-original-method': 'GET' },
    { 'x-original-uri': '' },
    { 'x-forwarded-uri': '?x=1' },
  ];
  for (const headers of cases) {
    const res = await proxied.request('GET', '/v1/forward-auth', { token: secret, headers });
    assert.equal(res.status, 403, `${JSON.stringify(headers)}: ${res.text}`);
    assert.equal(res.json.error.details.reason, 'invalid_path');
    assert.equal(res.json.error.details.pathProblem, 'missing');
  }
  assert.equal((await proxied.request('GET', '/v1/forward-auth?x=/anything', { token: secret })).status, 403);
  assert.equal((await proxied.request('GET', '/v1/forward-auth/anything', { token: secret })).status, 200, 'the Envoy form names its path');
});

test("a check that names the original URI but no original method is refused, not judged by the check request's own method", async () => {
  // A backend where reading is open to a viewer and every other method needs an editor: a proxy
  // that sends its auth check as GET (nginx with proxy_method, a hand-written config) must not
  // turn a POST into a GET.
  const viewers = await makeRole(proxied, { name: 'Method viewers', actions: [] });
  const editors = await makeRole(proxied, { name: 'Method editors', actions: [] });
  await makeBackend(proxied, {
    frontendPrefix: '/method-area',
    requiredRoles: [editors.id],
    subSettings: [{ method: 'GET', pathRegex: '^/method-area/', requiredRoles: [viewers.id], override: true }],
  });
  const { secret } = await makeCredential(proxied, { roles: [viewers.id] });
  assert.equal((await forward(proxied, secret, 'GET', '/method-area/x')).status, 200, 'a named GET is allowed');
  assert.equal((await forward(proxied, secret, 'POST', '/method-area/x')).status, 403, 'a named POST is not');
  for (const headers of [{ 'x-original-uri': '/method-area/x' }, { 'x-forwarded-uri': '/method-area/x' }] as Record<string, string>[]) {
    const res = await proxied.request('GET', '/v1/forward-auth', { token: secret, headers });
    assert.equal(res.status, 403, `${JSON.stringify(headers)}: ${res.text}`);
    assert.equal(res.json.error.details.reason, 'invalid_path');
    assert.equal(res.json.error.details.pathProblem, 'missing_method');
    assert.match(res.json.error.message, /./);
  }
  // Envoy's form carries the original method as the check's own: it still decides.
  assert.equal((await proxied.request('GET', '/v1/forward-auth/method-area/x', { token: secret })).status, 200);
  assert.equal((await proxied.request('POST', '/v1/forward-auth/method-area/x', { token: secret })).status, 403);
});

test('a path upstreams read differently is 403 invalid_path at forward-auth, saying which rule refused it', async () => {
  const { secret } = await makeCredential(s, { roles: [viewer.id, editor.id] });
  for (const [uri, problem] of [
    [`${PREFIX}\\items`, 'backslash'],
    [`${PREFIX}/items/..;/orders`, 'path_parameter'],
    [`${PREFIX}/x/%2e%2e/orders`, 'dot_segment'],
    [`${PREFIX}/a%2forders`, 'encoded_slash'],
    [`${PREFIX}/a%00`, 'control_character'],
    [`${PREFIX}/a%c3`, 'invalid_utf8'],
  ]) {
    const res = await forward(s, secret, 'GET', uri!);
    assert.equal(res.status, 403, `${uri}: ${res.text}`);
    assert.equal(res.json.error.details.reason, 'invalid_path', uri);
    assert.equal(res.json.error.details.pathProblem, problem, uri);
    assert.match(res.json.error.message, /read it as a different route/);
    const decision = await s.request('POST', '/v1/authorize', { body: { token: secret, method: 'GET', path: uri } });
    assert.equal(decision.json.reason, 'invalid_path', `${uri} at /v1/authorize`);
  }
});

test('changing the case of a path does not step around a sub-URL rule', async () => {
  const viewerOnly = await makeCredential(s, { roles: [viewer.id] });
  for (const uri of [`${PREFIX}/ORDERS`, `${PREFIX.toUpperCase()}/Orders/1`, `${PREFIX}/%4frders`]) {
    const res = await forward(s, viewerOnly.secret, 'POST', uri);
    assert.equal(res.status, 403, uri);
    assert.equal(res.json.error.details.reason, 'missing_roles', uri);
  }
});

test('a method-override header must be allowed too: GET overridden to POST needs the POST rule’s roles', async () => {
  const viewerOnly = await makeCredential(s, { roles: [viewer.id] });
  const both = await makeCredential(s, { roles: [viewer.id, editor.id] });
  for (const name of ['x-http-method-override', 'x-method-override', 'x-http-method']) {
    const res = await forward(s, viewerOnly.secret, 'GET', `${PREFIX}/orders`, { [name]: 'post' });
    assert.equal(res.status, 403, `${name}: ${res.text}`);
    assert.deepEqual(res.json.error.details.missingRoles, ['Editor'], name);
    assert.equal((await forward(s, both.secret, 'GET', `${PREFIX}/orders`, { [name]: 'POST' })).status, 200, name);
  }
  assert.equal((await forward(s, viewerOnly.secret, 'GET', `${PREFIX}/orders`)).status, 200, 'without the header GET is allowed');
  assert.equal((await forward(s, viewerOnly.secret, 'GET', `${PREFIX}/orders`, { 'x-http-method-override': 'GET, POST' })).status, 403);
  // The other way round: a POST overridden to GET still needs the POST rule's roles.
  assert.equal((await forward(s, viewerOnly.secret, 'POST', `${PREFIX}/orders`, { 'x-http-method-override': 'GET' })).status, 403);
});
