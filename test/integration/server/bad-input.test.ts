import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { assertClientError, assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeBackend, makeCredential, makeGroup, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

// Malformed input of every kind gets a 4xx with a message that says what is wrong, never a 5xx
// (DESIGN §4).

let s: TestServer;
let role: Json;
let credential: Json;
let user: Json;
let group: Json;
let backend: Json;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
  role = await makeRole(s, { actions: ['GetClients'] });
  credential = (await makeCredential(s, { roles: [role.id] })).credential;
  user = await makeUser(s);
  group = await makeGroup(s);
  backend = await makeBackend(s);
});
after(() => s?.close());

/** Every endpoint that takes a body, with the path of an existing object where it needs one. */
const writes = (): Array<[string, string]> => [
  ['PUT', '/v1/catalog'],
  ['POST', '/v1/catalog/openapi'],
  ['POST', '/v1/roles'],
  ['PATCH', `/v1/roles/${role.id}`],
  ['POST', '/v1/roles/changes'],
  ['POST', '/v1/credentials'],
  ['PATCH', `/v1/credentials/${credential.id}`],
  ['POST', `/v1/credentials/${credential.id}/roll`],
  ['POST', '/v1/credentials/import'],
  ['POST', '/v1/users'],
  ['PATCH', `/v1/users/${user.id}`],
  ['POST', '/v1/groups'],
  ['PATCH', `/v1/groups/${group.id}`],
  ['PUT', '/v1/policy/issuance'],
  ['POST', '/v1/backends'],
  ['PATCH', `/v1/backends/${backend.id}`],
  ['POST', '/v1/authorize'],
  ['POST', '/v1/explain'],
];

test('malformed JSON gets 400 invalid_request on every endpoint that takes a body', async () => {
  for (const [method, path] of writes()) {
    for (const body of ['{', '{"name": }', "{'name': 'x'}", '[1,2', 'nul']) {
      const res = await s.request(method, path, { body });
      assertError(res, 400, 'invalid_request');
      assert.ok(
        /json/i.test(res.json.error.message),
        `${method} ${path}: the message says the JSON is malformed: ${res.json.error.message}`,
      );
    }
  }
});

test('a body of the wrong JSON type (array, string, number, null) is a 400', async () => {
  for (const [method, path] of writes()) {
    for (const body of ['[]', '"text"', '42', 'null', 'true'])
      assertClientError(await s.request(method, path, { body }), `${method} ${path} ${body}`);
  }
});

test('a missing body where one is required is a 400', async () => {
  const wrong: string[] = [];
  for (const [method, path] of writes()) {
    if (path.endsWith('/roll')) continue; // every roll field is optional
    for (const headers of [{ 'content-type': 'application/json' }, {}]) {
      const res = await s.request(method, path, { headers: headers as Record<string, string> });
      if (res.status < 400 || res.status >= 500 || typeof res.json?.error?.message !== 'string')
        wrong.push(`${method} ${path} (${JSON.stringify(headers)}) → ${res.status}`);
    }
  }
  assert.deepEqual(wrong, [], 'every body-taking endpoint refuses a missing body');
});

test('a body that is not JSON is refused with a 4xx', async () => {
  const res = await s.request('POST', '/v1/roles', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertClientError(res, 'form body');
  assert.ok(res.status === 400 || res.status === 415, `${res.status}`);
  assertClientError(await s.request('POST', '/v1/roles', { body: '<role/>', headers: { 'content-type': 'text/xml' } }), 'xml body');
});

test('fields of the wrong type are a 400 naming the field', async () => {
  const cases: Array<[string, string, unknown, string]> = [
    ['POST', '/v1/roles', { name: 42, actions: [] }, 'name'],
    ['POST', '/v1/roles', { name: 'x', actions: 'AddClient' }, 'actions'],
    ['POST', '/v1/roles', { name: 'x', actions: [1, 2] }, 'actions'],
    ['POST', '/v1/credentials', { name: 'x', roles: role.id }, 'roles'],
    ['POST', '/v1/credentials', { name: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
    ['POST', '/v1/credentials', { name: 'x', allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs'],
    ['POST', `/v1/credentials/${credential.id}/roll`, { graceSeconds: 'soon' }, 'graceSeconds'],
    ['POST', '/v1/users', { name: 'x', groups: {} }, 'groups'],
    ['POST', '/v1/backends', { name: 'x', frontendPrefix: 5 }, 'frontendPrefix'],
    [
      'POST',
      '/v1/backends',
      { name: 'x', frontendPrefix: '/t', subSettings: [{ method: 'GET', pathRegex: 'x', requiredRoles: [], override: 'yes' }] },
      'override',
    ],
    ['PUT', '/v1/policy/issuance', { allowedGroups: [1] }, 'allowedGroups'],
  ];
  for (const [method, path, body, field] of cases) {
    const res = await s.request(method, path, { body });
    assertError(res, 400, 'invalid_request');
    assert.ok(res.text.includes(field), `${method} ${path}: the answer names "${field}": ${res.text}`);
  }
});

test('names must be 1–100 characters and not blank; descriptions at most 1,000', async () => {
  for (const name of ['', '   ', '\t\n', 'x'.repeat(101)]) {
    assertError(await s.request('POST', '/v1/roles', { body: { name, actions: [] } }), 400, 'invalid_request');
    assertError(await s.request('POST', '/v1/credentials', { body: { name } }), 400, 'invalid_request');
    assertError(await s.request('POST', '/v1/groups', { body: { name } }), 400, 'invalid_request');
    assertError(await s.request('POST', '/v1/users', { body: { name } }), 400, 'invalid_request');
    assertError(await s.request('POST', '/v1/backends', { body: { name, frontendPrefix: '/n' } }), 400, 'invalid_request');
    assertError(await s.request('PATCH', `/v1/roles/${role.id}`, { body: { name } }), 400, 'invalid_request');
  }
  const longest = `${unique('L')} ${'x'.repeat(100)}`.slice(-100);
  assertStatus(await s.request('POST', '/v1/roles', { body: { name: longest, actions: [] } }), 201);
  const tooLong = await s.request('POST', '/v1/roles', { body: { name: 'y'.repeat(101), actions: [] } });
  assert.ok(
    /name/.test(tooLong.text) && /100/.test(tooLong.json.error.message + JSON.stringify(tooLong.json.error.details ?? {})),
    `says which limit: ${tooLong.text}`,
  );
  for (const [method, path] of [
    ['POST', '/v1/roles'],
    ['POST', '/v1/groups'],
    ['POST', '/v1/credentials'],
  ] as const) {
    const body: Record<string, unknown> = { name: unique('D'), description: 'd'.repeat(1001) };
    if (path === '/v1/roles') body.actions = [];
    assertError(await s.request(method, path, { body }), 400, 'invalid_request');
    body.description = 'd'.repeat(1000);
    assertStatus(await s.request(method, path, { body }), 201);
  }
});

test('unknown fields are a 400 naming the field, not a silent no-op', async () => {
  const cases: Array<[string, string, unknown]> = [
    ['POST', '/v1/roles', { name: unique('R'), actions: [], colour: 'red' }],
    ['PATCH', `/v1/roles/${role.id}`, { nmae: 'typo' }],
    ['POST', '/v1/credentials', { name: unique('C'), secret: 'choose-my-own' }],
    ['PATCH', `/v1/credentials/${credential.id}`, { status: 'active' }],
    ['POST', '/v1/users', { name: unique('u').replace(/\s/g, ''), isAdmin: true }],
    ['POST', '/v1/groups', { name: unique('G'), members: [] }],
    ['POST', '/v1/backends', { name: unique('B'), frontendPrefix: '/uf', upstream: 'http://x' }],
    ['PUT', '/v1/policy/issuance', { allowedGroups: null, mode: 'all' }],
  ];
  for (const [method, path, body] of cases) {
    const res = await s.request(method, path, { body });
    assertError(res, 400, 'invalid_request');
    const field = Object.keys(body as object).at(-1)!;
    assert.ok(res.text.includes(field), `${method} ${path}: names "${field}": ${res.text}`);
  }
});

test('invalid regexes and CIDRs get their own codes', async () => {
  for (const pathRegex of ['(', '[z-a]', '(?<n>x)(?<n>y)', 'a{2,1}']) {
    const res = await s.request('POST', '/v1/backends', {
      body: { name: unique('B'), frontendPrefix: `/re-${Math.random()}`, subSettings: [{ method: 'GET', pathRegex, requiredRoles: [] }] },
    });
    assertError(res, 400, 'invalid_regex');
  }
  for (const cidr of ['10.0.0.0/33', '256.0.0.1', '10.0.0.0/-1', 'fe80::/129', '', ' ', 'localhost']) {
    assertError(await s.request('POST', '/v1/credentials', { body: { name: unique('C'), allowedCidrs: [cidr] } }), 400, [
      'invalid_cidr',
      'invalid_request',
    ]);
  }
});

test('ids that name no object get 404, references to unknown objects their unknown_* code', async () => {
  for (const path of ['/v1/roles/x', '/v1/credentials/x', '/v1/users/x', '/v1/groups/x', '/v1/backends/x']) {
    assertError(await s.request('GET', path), 404, 'not_found');
  }
  assertClientError(await s.request('GET', `/v1/roles/${'x'.repeat(300)}`), 'a 300-character id');
  assertError(await s.request('POST', '/v1/roles', { body: { name: unique('R'), actions: ['Ghost'] } }), 400, 'unknown_action');
  assertError(await s.request('POST', '/v1/credentials', { body: { name: unique('C'), roles: ['ghost'] } }), 400, 'unknown_role');
  assertError(await s.request('POST', '/v1/credentials', { body: { name: unique('C'), ownerId: 'ghost' } }), 400, 'unknown_user');
  assertError(
    await s.request('POST', '/v1/users', { body: { name: unique('u').replace(/\s/g, ''), groups: ['ghost'] } }),
    400,
    'unknown_group',
  );
  assertError(await s.request('GET', '/v1/no-such-endpoint'), 404, 'not_found');
});

test('query parameters of the wrong kind are a 400', async () => {
  for (const q of ['limit=-1', 'limit=0', 'limit=x', 'cursor=%ZZ', 'status=gone', 'unknown=1']) {
    assertClientError(await s.request('GET', `/v1/credentials?${q}`), q);
  }
  for (const q of ['limit=-1', 'cursor=abc', 'limit=1e9']) assertClientError(await s.request('GET', `/v1/audit?${q}`), q);
  assertClientError(await s.request('PUT', '/v1/catalog?prune=perhaps', { body: { groups: [] } }), 'prune=perhaps');
});

test('unsupported methods on known paths are a 4xx', async () => {
  for (const [method, path] of [
    ['DELETE', '/v1/catalog'],
    ['PUT', '/v1/roles'],
    ['POST', `/v1/roles/${role.id}`],
    ['PATCH', '/v1/audit'],
  ]) {
    const res = await s.request(method!, path!, { body: method === 'DELETE' ? undefined : {} });
    assertClientError(res, `${method} ${path}`);
  }
});

// Property-based: whatever JSON arrives, the answer is never a 5xx and always has the error shape.
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const roleish = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 120 }), jsonValue),
    description: fc.oneof(fc.string(), jsonValue),
    actions: fc.oneof(fc.array(fc.string()), jsonValue),
    extra: jsonValue,
  },
  { requiredKeys: [] },
);
const credentialish = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 120 }), jsonValue),
    roles: fc.oneof(fc.array(fc.string()), jsonValue),
    allowedCidrs: fc.oneof(fc.array(fc.string()), jsonValue),
    expiresAt: fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      jsonValue,
    ),
    ownerId: jsonValue,
  },
  { requiredKeys: [] },
);
const backendish = fc.record(
  {
    name: fc.string({ maxLength: 120 }),
    frontendPrefix: fc.oneof(
      fc.string(),
      fc.string().map((x) => `/${x}`),
    ),
    requiredRoles: fc.oneof(fc.array(fc.string()), jsonValue),
    subSettings: fc.oneof(
      fc.array(
        fc.record(
          {
            method: fc.constantFrom('GET', 'ANY', 'get', 'X'),
            pathRegex: fc.string(),
            requiredRoles: fc.array(fc.string()),
            override: fc.oneof(fc.boolean(), jsonValue),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      jsonValue,
    ),
  },
  { requiredKeys: [] },
);
const authorizeish = fc.record(
  {
    token: fc.oneof(fc.string(), jsonValue),
    action: fc.oneof(fc.string(), jsonValue),
    method: fc.oneof(fc.string(), jsonValue),
    path: fc.oneof(fc.string(), jsonValue),
    ip: fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), jsonValue),
  },
  { requiredKeys: [] },
);

async function neverServerError(method: string, path: string, body: unknown): Promise<boolean> {
  const res = await s.request(method, path, { body: JSON.stringify(body) });
  assert.ok(res.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
  if (res.status >= 400)
    assert.ok(typeof res.json?.error?.code === 'string' && typeof res.json.error.message === 'string', `error shape: ${res.text}`);
  return true;
}

test('fuzzed bodies never get a 5xx (roles, credentials, backends, authorize, explain, changes, catalog)', async () => {
  const run = { numRuns: 60 };
  await fc.assert(
    fc.asyncProperty(roleish, (b) => neverServerError('POST', '/v1/roles', b)),
    run,
  );
  await fc.assert(
    fc.asyncProperty(roleish, (b) => neverServerError('PATCH', `/v1/roles/${role.id}`, b)),
    run,
  );
  await fc.assert(
    fc.asyncProperty(credentialish, (b) => neverServerError('POST', '/v1/credentials', b)),
    run,
  );
  await fc.assert(
    fc.asyncProperty(credentialish, (b) => neverServerError('PATCH', `/v1/credentials/${credential.id}`, b)),
    run,
  );
  await fc.assert(
    fc.asyncProperty(backendish, (b) => neverServerError('POST', '/v1/backends', b)),
    run,
  );
  await fc.assert(
    fc.asyncProperty(authorizeish, (b) => neverServerError('POST', '/v1/authorize', b)),
    run,
  );
  await fc.assert(
    fc.asyncProperty(
      authorizeish.map((b) => ({ ...b, credentialId: credential.id, token: undefined })),
      (b) => neverServerError('POST', '/v1/explain', b),
    ),
    run,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          jsonValue,
          fc.record(
            {
              op: fc.constantFrom('create', 'update', 'delete'),
              id: fc.constantFrom(role.id, 'ghost'),
              expectedVersion: fc.oneof(fc.integer(), jsonValue),
              role: roleish,
              set: roleish,
            },
            { requiredKeys: ['op'] },
          ),
        ),
        { maxLength: 4 },
      ),
      (changes) => neverServerError('POST', '/v1/roles/changes', { changes }),
    ),
    run,
  );
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        groups: fc.oneof(
          jsonValue,
          fc.array(
            fc.record(
              {
                id: fc.string(),
                name: fc.string(),
                actions: fc.oneof(jsonValue, fc.array(fc.record({ id: fc.string(), routes: jsonValue }, { requiredKeys: ['id'] }))),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
        ),
      }),
      (b) => neverServerError('PUT', '/v1/catalog?prune=true', b),
    ),
    { numRuns: 30 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.record(
        {
          openapi: fc.constantFrom('3.0.0', '3.1.0', '2.0'),
          paths: fc.oneof(
            jsonValue,
            fc.dictionary(
              fc.string(),
              fc.dictionary(
                fc.constantFrom('get', 'post', 'x'),
                fc.oneof(
                  jsonValue,
                  fc.record({ operationId: fc.string(), tags: fc.oneof(fc.array(fc.string()), jsonValue) }, { requiredKeys: [] }),
                ),
              ),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
      (b) => neverServerError('POST', '/v1/catalog/openapi', b),
    ),
    { numRuns: 40 },
  );
});

test('fuzzed raw bodies and query strings never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 200 }), async (raw) => {
      const res = await s.request('POST', '/v1/roles', { body: raw });
      assert.ok(res.status < 500, `${JSON.stringify(raw)} → ${res.status} ${res.text}`);
    }),
    { numRuns: 60 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.constantFrom('q', 'status', 'role', 'owner', 'limit', 'cursor', 'x'), fc.string({ maxLength: 50 })),
      async (query) => {
        const res = await s.request('GET', `/v1/credentials?${new URLSearchParams(query).toString()}`);
        assert.ok(res.status < 500, `${JSON.stringify(query)} → ${res.status} ${res.text}`);
        const audit = await s.request('GET', `/v1/audit?${new URLSearchParams(query).toString()}`);
        assert.ok(audit.status < 500, `${JSON.stringify(query)} → ${audit.status} ${audit.text}`);
      },
    ),
    { numRuns: 60 },
  );
});
