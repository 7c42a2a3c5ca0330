import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { expiresIn, makeBackend, makeCaller, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

// /v1/authorize and /v1/forward-auth are answered over a real socket by the raw hot path
// (server/http/fast-path.ts) in front of fastify, and through light-my-request by the fastify
// routes that document them. For random bodies and headers both must give the same status,
// body and authorization headers — also when the hot path answers from its answer cache (each
// request is sent twice over the socket), and right after an edit the cache must forget.

let s: TestServer;
let authorizer: string;
let noPermission: string;
const tokens: string[] = [];
const PREFIX = '/fp';

before(async () => {
  // A high limit: the failed-auth counter is shared by both paths, so a limit crossed between
  // the two requests of a pair would make them differ for a reason that is not under test.
  s = await startTestServer({ failedAuthLimit: 1_000_000 });
  await seedCatalog(s);
  const viewer = await makeRole(s, { name: 'FP Viewer', actions: ['GetClients', 'AddClient'] });
  const editor = await makeRole(s, { name: 'FP Editor, billing', actions: ['billing.invoices.write'] });
  await makeBackend(s, {
    frontendPrefix: PREFIX,
    requiredRoles: [viewer.id],
    subSettings: [
      { method: 'POST', pathRegex: `^${PREFIX}/orders`, requiredRoles: [editor.id] },
      { method: 'ANY', pathRegex: `^${PREFIX}/public/`, requiredRoles: [], override: true },
    ],
  });
  authorizer = (await makeCaller(s, ['keyward.authorize'])).token;
  noPermission = (await makeCaller(s, ['GetClients'])).token;
  const fields = [
    { roles: [viewer.id] },
    { roles: [viewer.id, editor.id] },
    { roles: [editor.id] },
    { roles: [] },
    { roles: [viewer.id], allowedCidrs: ['127.0.0.1/32'] },
    { roles: [viewer.id], allowedCidrs: ['10.0.0.0/8'] },
    { roles: [viewer.id], expiresAt: expiresIn(3_600_000) },
  ];
  for (const f of fields) tokens.push((await makeCredential(s, f)).secret);
  const revoked = await makeCredential(s, { roles: [viewer.id] });
  const revokedRes = await s.request('POST', `/v1/credentials/${revoked.credential.id}/revoke`);
  assert.equal(revokedRes.status, 200, revokedRes.text);
  tokens.push(revoked.secret);
});
after(async () => {
  await s?.close();
});

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

interface Seen {
  status: number;
  body: Json;
  headers: Record<string, string | undefined>;
}

/** The headers whose values a proxy or client acts on. */
const COMPARED = ['content-type', 'cache-control', 'x-api-roles', 'x-credential-id', 'www-authenticate', 'retry-after'];

function parse(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function overSocket(r: Sent): Promise<Seen> {
  const res = await fetch(s.url + r.url, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    body: parse(text),
    headers: Object.fromEntries(COMPARED.map((h) => [h, res.headers.get(h) ?? undefined])),
  };
}

async function throughFastify(r: Sent): Promise<Seen> {
  const res = await s.inject({
    method: r.method as 'GET',
    url: r.url,
    headers: r.headers,
    ...(r.body !== undefined ? { payload: r.body } : {}),
    remoteAddress: '127.0.0.1',
  });
  const value = (h: string) => {
    const v = res.headers[h];
    return v === undefined ? undefined : String(v);
  };
  return { status: res.statusCode, body: parse(res.body), headers: Object.fromEntries(COMPARED.map((h) => [h, value(h)])) };
}

/**
 * A rejected request body (400, 413) is compared by status and error code: the hot path names
 * the problem in its own words (e.g. "Send the body as JSON…" for a text/plain body, where
 * fastify's generic parser reports "body must be object"). Every other answer is compared whole.
 */
function comparable(seen: Seen): Seen {
  if (seen.status !== 400 && seen.status !== 413) return seen;
  return { ...seen, body: { error: { code: (seen.body as { error?: { code?: string } })?.error?.code } } };
}

async function assertSame(r: Sent): Promise<void> {
  const expected = comparable(await throughFastify(r));
  const first = comparable(await overSocket(r));
  const again = comparable(await overSocket(r));
  assert.ok(expected.status < 500, `the fastify route answered ${expected.status}: ${JSON.stringify(expected.body)}`);
  assert.deepEqual(first, expected, `first answer over the socket differs for ${JSON.stringify(r)}`);
  assert.deepEqual(again, expected, `repeated (cached) answer over the socket differs for ${JSON.stringify(r)}`);
}

const tokenArb = fc.oneof(
  fc.constantFrom(...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => () => tokens[i]!)).map((f) => f()),
  fc.constant('kw_notavalidtokenatallxxxxxxxxxxxxxxxxxx'),
  fc.string({ minLength: 1, maxLength: 20 }).filter((t) => /^[\x21-\x7e]+$/.test(t)),
);
const actionArb = fc.constantFrom(
  'GetClients',
  'AddClient',
  'billing.invoices.write',
  'DeleteClient',
  'Unknown.Action',
  'keyward.authorize',
);
const pathArb = fc.oneof(
  fc.constantFrom(
    `${PREFIX}/items`,
    `${PREFIX}/orders/1`,
    `${PREFIX}/public/x`,
    `${PREFIX}/public/../orders`,
    `${PREFIX}//orders`,
    `${PREFIX}/%6frders`,
    '/elsewhere',
    `${PREFIX}`,
  ),
  fc
    .tuple(fc.constantFrom(`${PREFIX}/`, `${PREFIX}/orders/`, '/'), fc.webSegment(), fc.option(fc.webQueryParameters(), { nil: undefined }))
    .map(([base, seg, q]) => `${base}${seg}${q ? `?${q}` : ''}`),
);
const methodArb = fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'put', 'PATCH');
const ipArb = fc.option(fc.constantFrom('127.0.0.1', '10.1.2.3', '::1', 'not-an-ip'), { nil: undefined });

const authorizeBodyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ token: tokenArb, action: actionArb, ip: ipArb }).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.record({ token: tokenArb, method: methodArb, path: pathArb, ip: ipArb }).map((b) => JSON.stringify(b)) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        '{',
        'null',
        '[]',
        '{"token":1}',
        '{"token":"x","action":""}',
        '{"token":"x","action":"GetClients","extra":1}',
      ),
      fc.json(),
    ),
  },
);
const callerArb = fc.constantFrom<() => Record<string, string>>(
  () => ({ authorization: `Bearer ${authorizer}` }),
  () => ({ 'x-api-key': authorizer }),
  () => ({ authorization: `Bearer ${noPermission}` }),
  () => ({ authorization: 'Bearer kw_wrong' }),
  () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
  () => ({}),
);
const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'text/plain',
  undefined,
);

test('/v1/authorize answers the same over the raw hot path (twice) as through the fastify route, for random bodies and callers', async () => {
  await fc.assert(
    fc.asyncProperty(authorizeBodyArb, callerArb, contentTypeArb, async (body, caller, type) => {
      const headers: Record<string, string> = { ...caller(), ...(type ? { 'content-type': type } : {}) };
      await assertSame({ method: 'POST', url: '/v1/authorize', headers, body });
    }),
    { numRuns: 150 },
  );
});

const forwardHeadersArb = fc.record(
  {
    token: fc.option(tokenArb, { nil: undefined }),
    asKey: fc.boolean(),
    style: fc.constantFrom('original', 'forwarded'),
    method: methodArb,
    uri: pathArb,
    xff: fc.option(fc.constantFrom('10.1.2.3', '127.0.0.1, 10.9.9.9', 'junk'), { nil: undefined }),
  },
  { requiredKeys: ['asKey', 'style', 'method', 'uri'] },
);

test('/v1/forward-auth answers the same over the raw hot path (twice) as through the fastify route, for random headers', async () => {
  await fc.assert(
    fc.asyncProperty(
      forwardHeadersArb,
      fc.constantFrom('GET', 'POST', 'HEAD'),
      fc.constantFrom('', '/fp/items', '/x?y=1'),
      async (h, verb, suffix) => {
        const headers: Record<string, string> = {};
        if (h.token !== undefined) headers[h.asKey ? 'x-api-key' : 'authorization'] = h.asKey ? h.token : `Bearer ${h.token}`;
        headers[h.style === 'original' ? 'x-original-method' : 'x-forwarded-method'] = h.method;
        headers[h.style === 'original' ? 'x-original-uri' : 'x-forwarded-uri'] = h.uri;
        if (h.xff !== undefined) headers['x-forwarded-for'] = h.xff;
        await assertSame({ method: verb, url: `/v1/forward-auth${suffix}`, headers });
      },
    ),
    { numRuns: 150 },
  );
});

test('a cached allowed answer is dropped at once when the credential is revoked or its role loses the action', async () => {
  const role = await makeRole(s, { actions: ['GetClients'] });
  const { credential, secret } = await makeCredential(s, { roles: [role.id] });
  const ask = () =>
    overSocket({
      method: 'POST',
      url: '/v1/authorize',
      headers: { authorization: `Bearer ${authorizer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret, action: 'GetClients' }),
    });
  const forward = () =>
    overSocket({
      method: 'GET',
      url: '/v1/forward-auth',
      headers: { authorization: `Bearer ${secret}`, 'x-original-method': 'GET', 'x-original-uri': '/elsewhere' },
    });
  assert.equal((await ask()).body.allowed, true);
  assert.equal((await ask()).body.allowed, true);
  await forward();
  const edited = await s.request('PATCH', `/v1/roles/${role.id}`, {
    body: { actions: ['AddClient'] },
    headers: { 'if-match': `"${role.version}"` },
  });
  assert.equal(edited.status, 200, edited.text);
  const afterEdit = await ask();
  assert.equal(afterEdit.body.allowed, false);
  assert.equal(afterEdit.body.reason, 'not_permitted');
  const revoke = await s.request('POST', `/v1/credentials/${credential.id}/revoke`);
  assert.equal(revoke.status, 200, revoke.text);
  assert.equal((await ask()).body.reason, 'revoked');
  assert.equal((await forward()).status, 401);
});

test('an address allowlist is checked on every request, also right after an allowed answer for the same action', async () => {
  const allowlisted = tokens[5]!; // 10.0.0.0/8
  const ask = (ip: string | undefined) =>
    overSocket({
      method: 'POST',
      url: '/v1/authorize',
      headers: { authorization: `Bearer ${authorizer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token: allowlisted, action: 'GetClients', ...(ip ? { ip } : {}) }),
    });
  assert.equal((await ask('10.1.2.3')).body.allowed, true);
  assert.equal((await ask('10.1.2.3')).body.allowed, true);
  assert.equal((await ask('192.0.2.1')).body.reason, 'ip_not_allowed');
  assert.equal((await ask(undefined)).body.reason, 'ip_not_allowed');
});
