import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINTS } from '../../../shared/api/endpoints.ts';
import { ERROR_STATUS } from '../../../shared/api/errors.ts';
import { buildOpenApiDocument } from '../../../shared/api/openapi.ts';

type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, unknown>;
};
const doc = buildOpenApiDocument('1.2.3') as {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
};
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

test('the OpenAPI document is version 3.1 and carries the server version', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.version, '1.2.3');
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(doc)));
});

test('every endpoint of the table appears in the OpenAPI document under its method', () => {
  for (const e of ENDPOINTS) {
    const item = doc.paths[openApiPath(e.path)];
    assert.ok(item, `${e.path} missing`);
    const methods = e.method === 'ANY' ? ['get', 'post', 'put', 'patch', 'delete', 'head'] : [e.method.toLowerCase()];
    for (const method of methods) {
      assert.ok(item[method], `${method.toUpperCase()} ${e.path} missing`);
      assert.ok(item[method].operationId.startsWith(e.operationId), `${method} ${e.path}`);
    }
  }
});

test('the OpenAPI document has no operation the endpoint table does not define', () => {
  const known = new Set(ENDPOINTS.map((e) => openApiPath(e.path)));
  for (const path of Object.keys(doc.paths)) assert.ok(known.has(path), path);
  const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('the endpoint table covers every route of the design', () => {
  const table = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`));
  const design = [
    'GET /v1/health',
    'GET /v1/ready',
    'GET /v1/openapi.json',
    'GET /v1/catalog',
    'PUT /v1/catalog',
    'POST /v1/catalog/openapi',
    'GET /v1/roles',
    'POST /v1/roles',
    'GET /v1/roles/:id',
    'PATCH /v1/roles/:id',
    'DELETE /v1/roles/:id',
    'POST /v1/roles/changes',
    'GET /v1/credentials',
    'POST /v1/credentials',
    'GET /v1/credentials/:id',
    'PATCH /v1/credentials/:id',
    'DELETE /v1/credentials/:id',
    'POST /v1/credentials/:id/revoke',
    'POST /v1/credentials/:id/disable',
    'POST /v1/credentials/:id/enable',
    'POST /v1/credentials/:id/roll',
    'POST /v1/credentials/import',
    'GET /v1/users',
    'POST /v1/users',
    'GET /v1/users/:id',
    'PATCH /v1/users/:id',
    'DELETE /v1/users/:id',
    'POST /v1/users/:id/invalidate-tokens',
    'GET /v1/groups',
    'POST /v1/groups',
    'GET /v1/groups/:id',
    'PATCH /v1/groups/:id',
    'DELETE /v1/groups/:id',
    'GET /v1/policy/issuance',
    'PUT /v1/policy/issuance',
    'POST /v1/self/credentials',
    'GET /v1/backends',
    'POST /v1/backends',
    'GET /v1/backends/:id',
    'PATCH /v1/backends/:id',
    'DELETE /v1/backends/:id',
    'POST /v1/authorize',
    'ANY /v1/forward-auth',
    'POST /v1/explain',
    'GET /v1/audit',
  ];
  for (const route of design) assert.ok(table.has(route), route);
});

test('health, the OpenAPI document and forward-auth need no admin token; self-service uses Basic', () => {
  assert.deepEqual(doc.paths['/v1/health']!.get!.security, []);
  assert.deepEqual(doc.paths['/v1/openapi.json']!.get!.security, []);
  assert.deepEqual(doc.paths['/v1/forward-auth']!.get!.security, []);
  assert.deepEqual(doc.paths['/v1/self/credentials']!.post!.security, [{ basic: [] }]);
  assert.deepEqual(doc.paths['/v1/roles']!.get!.security, [{ bearer: [] }, { apiKey: [] }]);
});

test('every documented error code maps to an HTTP status in the document', () => {
  for (const e of ENDPOINTS) {
    const op = doc.paths[openApiPath(e.path)]![e.method === 'ANY' ? 'get' : e.method.toLowerCase()]!;
    for (const code of e.errors) assert.ok(op.responses[String(ERROR_STATUS[code])], `${e.operationId}: ${code}`);
    assert.ok(op.responses[String(e.response.status)], `${e.operationId}: ${e.response.status}`);
  }
});

test('versioned writes document If-Match and path ids are path parameters', () => {
  const patch = doc.paths['/v1/roles/{id}']!.patch!;
  assert.ok(patch.parameters?.some((p) => p.name === 'If-Match' && p.in === 'header'));
  assert.ok(patch.parameters?.some((p) => p.name === 'id' && p.in === 'path'));
});

test('readiness needs no token and documents its 503 body for load balancers', () => {
  const ready = doc.paths['/v1/ready']!.get!;
  assert.deepEqual(ready.security, []);
  assert.ok(ready.responses['200']);
  const notReady = ready.responses['503'] as { content: { 'application/json': { schema: { required: string[] } } } };
  assert.deepEqual(notReady.content['application/json'].schema.required.sort(), ['reason', 'status']);
});
