import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ENDPOINTS, type Endpoint } from '../../../shared/api/endpoints.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');
const concretePath = (path: string) => path.replace(/:([A-Za-z]+)/g, 'some-id');
/** The table seen as plain Endpoints (the as-const entries differ in which fields they have). */
const TABLE: readonly Endpoint[] = ENDPOINTS;

test('GET /v1/health answers ok and the version without authentication', async () => {
  const res = await s.request('GET', '/v1/health', { token: null });
  assertStatus(res, 200);
  assert.equal(res.json.status, 'ok');
  assert.match(res.json.version, /^\d+\.\d+\.\d+/);
});

test('GET /v1/ready answers ready without authentication while the database answers', async () => {
  const res = await s.request('GET', '/v1/ready', { token: null });
  assertStatus(res, 200);
  assert.deepEqual(res.json, { status: 'ready' });
});

test('GET /v1/openapi.json is an OpenAPI 3.1 document listing every endpoint with its method', async () => {
  const res = await s.request('GET', '/v1/openapi.json', { token: null });
  assertStatus(res, 200);
  assert.match(res.headers.get('content-type') ?? '', /json/);
  const doc: Json = res.json;
  assert.match(doc.openapi, /^3\.1\./);
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(doc.info.version, (await s.request('GET', '/v1/health')).json.version);
  const missing: string[] = [];
  for (const e of TABLE) {
    const item = doc.paths?.[openApiPath(e.path)];
    const methods = e.method === 'ANY' ? ['get', 'post'] : [e.method.toLowerCase()];
    for (const m of methods) {
      const op = item?.[m];
      if (!op) missing.push(`${m.toUpperCase()} ${e.path}`);
      else {
        assert.ok(String(op.operationId).startsWith(e.operationId), `${m} ${e.path} has operationId ${e.operationId}`);
        assert.ok(op.responses?.[String(e.response.status)], `${m} ${e.path} documents its ${e.response.status}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  const ids = Object.values(doc.paths).flatMap((item: Json) => Object.values(item).map((op: Json) => op.operationId));
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('every endpoint of the table is served: authenticated ones answer 401 without a credential', async () => {
  const wrong: string[] = [];
  for (const e of TABLE) {
    const method = e.method === 'ANY' ? 'GET' : e.method;
    const res = await s.request(method, concretePath(e.path), { token: null, ...(e.body ? { body: {} } : {}) });
    // forward-auth judges the missing token; a leak report needs its token field (400).
    const expected = e.auth.kind === 'none' ? (e.operationId === 'forwardAuth' ? 401 : e.operationId === 'reportLeak' ? 400 : 200) : 401;
    if (res.status !== expected) wrong.push(`${method} ${e.path}: ${res.status} (expected ${expected})`);
    else if (expected === 401) assertError(res, 401, 'unauthorized');
  }
  assert.deepEqual(wrong, []);
});

test('every authenticated endpoint of the table is reachable with the admin token (no 401, 404 only for a missing id)', async () => {
  const wrong: string[] = [];
  for (const e of TABLE) {
    if (e.auth.kind !== 'token') continue;
    const res = await s.request(e.method, concretePath(e.path), e.body ? { body: {} } : {});
    const ok =
      res.status < 500 && res.status !== 401 && res.status !== 403 && res.status !== 405 && (res.status !== 404 || e.path.includes(':id'));
    if (!ok) wrong.push(`${e.method} ${e.path}: ${res.status} ${res.text.slice(0, 120)}`);
  }
  assert.deepEqual(wrong, []);
});

test('every $ref in the OpenAPI document resolves and every operation names its security', async () => {
  const doc: Json = (await s.request('GET', '/v1/openapi.json', { token: null })).json;
  const refs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') refs.push(v);
        else walk(v);
      }
    }
  };
  walk(doc);
  const unresolved = refs.filter((ref) => {
    if (!ref.startsWith('#/')) return true;
    let at: Json = doc;
    for (const part of ref.slice(2).split('/')) at = at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return at === undefined;
  });
  assert.deepEqual([...new Set(unresolved)], []);
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>))
      assert.ok(Array.isArray(op.security), `${method} ${path} states its security`);
  }
});
