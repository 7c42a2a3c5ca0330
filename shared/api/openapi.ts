import { ENDPOINTS, type Endpoint } from './endpoints.ts';
import { ERROR_STATUS } from './errors.ts';
import { ErrorBody } from './schemas.ts';

// Builds the OpenAPI 3.1 document from the endpoint table. OpenAPI 3.1 uses JSON Schema 2020-12,
// which TypeBox schemas already are, so schemas are embedded as they are.

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

function clean(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

function operation(e: Endpoint): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    [String(e.response.status)]: e.response.schema
      ? { description: e.response.description ?? 'Success', content: { 'application/json': { schema: clean(e.response.schema) } } }
      : { description: e.response.description ?? 'No content' },
  };
  for (const other of e.otherResponses ?? []) {
    responses[String(other.status)] = { description: other.description, content: { 'application/json': { schema: clean(other.schema) } } };
  }
  for (const code of new Set(e.errors)) {
    const status = String(ERROR_STATUS[code]);
    const existing = responses[status] as { description: string } | undefined;
    responses[status] = {
      description: existing ? `${existing.description}, ${code}` : code,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  if (e.errors.includes('invalid_request')) {
    responses['413'] = {
      description: 'payload_too_large',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const parameters: unknown[] = [];
  const params = e.params as { properties?: Record<string, unknown> } | undefined;
  for (const [name, schema] of Object.entries(params?.properties ?? {}))
    parameters.push({ name, in: 'path', required: true, schema: clean(schema) });
  const query = e.query as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  for (const [name, schema] of Object.entries(query?.properties ?? {})) {
    parameters.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema: clean(schema) });
  }
  if (e.versioned && e.method !== 'GET') {
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      schema: { type: 'string' },
      description: 'The object\'s version as "<version>"; a stale one gets 412 version_mismatch',
    });
  }
  const op: Record<string, unknown> = { operationId: e.operationId, summary: e.summary, tags: [e.tag], responses };
  if (parameters.length) op.parameters = parameters;
  if (e.body) op.requestBody = { required: true, content: { 'application/json': { schema: clean(e.body) } } };
  if (e.auth.kind === 'none') op.security = [];
  else if (e.auth.kind === 'basic') op.security = [{ basic: [] }];
  else {
    op.security = [{ bearer: [] }, { apiKey: [] }];
    if (e.auth.permission) op['x-keyward-permission'] = e.auth.permission;
  }
  return op;
}

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const path = (paths[toOpenApiPath(e.path)] ??= {});
    const methods = e.method === 'ANY' ? ['get', 'post', 'put', 'patch', 'delete', 'head'] : [e.method.toLowerCase()];
    for (const m of methods) path[m] = { ...operation(e), operationId: e.method === 'ANY' ? `${e.operationId}_${m}` : e.operationId };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Keyward credential backend', version, description: 'API roles, API credentials and authorization decisions.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: clean(ErrorBody) },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Keyward token: kw_ + 32 base62 + 6 base62 CRC32' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        basic: { type: 'http', scheme: 'basic', description: 'User name and password (self-service only)' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
