import { randomBytes } from 'node:crypto';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import type { Json, RequestFn, TestResponse } from './server.ts';

// Builders that create objects through the public API (never the database), so every
// integration test sets up its world the way an admin would. Names are unique per call so
// tests sharing one server do not collide.

export interface Api {
  request: RequestFn;
}

/** Who makes the call: the server's bootstrap admin unless a token is given. */
export interface Caller {
  token?: string;
}

let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix} ${counter}-${randomBytes(3).toString('hex')}`;
}

/** Throws with the whole answer when the status is not the expected one (setup failures read well). */
export function expectStatus(res: TestResponse, status: number, what: string): Json {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  return res.json;
}

export async function seedCatalog(api: Api, catalog: Json = TEST_CATALOG): Promise<Json> {
  return expectStatus(await api.request('PUT', '/v1/catalog', { body: catalog }), 200, 'PUT /v1/catalog');
}

export async function makeRole(
  api: Api,
  fields: { name?: string; description?: string; actions?: string[] } = {},
  caller: Caller = {},
): Promise<Json> {
  const body = {
    name: fields.name ?? unique('Role'),
    actions: fields.actions ?? [],
    ...(fields.description !== undefined ? { description: fields.description } : {}),
  };
  return expectStatus(await api.request('POST', '/v1/roles', { body, ...caller }), 201, 'POST /v1/roles');
}

export interface CredentialFields {
  name?: string;
  description?: string;
  ownerId?: string | null;
  roles?: string[];
  expiresAt?: string | null;
  allowedCidrs?: string[];
}

/** Creates a credential; answers `{credential, secret}`. */
export async function makeCredential(
  api: Api,
  fields: CredentialFields = {},
  caller: Caller = {},
): Promise<{ credential: Json; secret: string }> {
  const body = { name: fields.name ?? unique('Credential'), ...fields };
  return expectStatus(await api.request('POST', '/v1/credentials', { body, ...caller }), 201, 'POST /v1/credentials');
}

export async function makeUser(
  api: Api,
  fields: { name?: string; email?: string; groups?: string[]; password?: string } = {},
  caller: Caller = {},
): Promise<Json> {
  const body = { name: fields.name ?? unique('user').replace(/\s/g, '-'), ...fields };
  return expectStatus(await api.request('POST', '/v1/users', { body, ...caller }), 201, 'POST /v1/users');
}

export async function makeGroup(
  api: Api,
  fields: { name?: string; description?: string; defaultRoles?: string[] } = {},
  caller: Caller = {},
): Promise<Json> {
  const body = { name: fields.name ?? unique('Group'), ...fields };
  return expectStatus(await api.request('POST', '/v1/groups', { body, ...caller }), 201, 'POST /v1/groups');
}

export interface BackendFields {
  name?: string;
  frontendPrefix?: string;
  requiredRoles?: string[];
  subSettings?: Array<{ method: string; pathRegex: string; requiredRoles: string[]; override?: boolean }>;
  caseSensitive?: boolean;
}

export async function makeBackend(api: Api, fields: BackendFields = {}, caller: Caller = {}): Promise<Json> {
  const body = {
    name: fields.name ?? unique('Backend'),
    frontendPrefix: fields.frontendPrefix ?? `/svc-${randomBytes(4).toString('hex')}`,
    ...fields,
  };
  return expectStatus(await api.request('POST', '/v1/backends', { body, ...caller }), 201, 'POST /v1/backends');
}

/** A caller holding exactly these actions (through one new role): its token, role and credential. */
export async function makeCaller(api: Api, actions: string[]): Promise<{ token: string; role: Json; credential: Json }> {
  const role = await makeRole(api, { actions });
  const { credential, secret } = await makeCredential(api, { roles: [role.id] });
  return { token: secret, role, credential };
}

/** POST /v1/authorize as the bootstrap admin (or the given caller); answers the Decision. */
export async function authorize(api: Api, body: Record<string, unknown>, caller: Caller = {}): Promise<Json> {
  return expectStatus(await api.request('POST', '/v1/authorize', { body, ...caller }), 200, 'POST /v1/authorize');
}

/** Real time passing: for pacing load and polls, never to wait for an expiry (move a testClock instead). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An expiry this far ahead of the real clock (or of a test server's clock, when given). */
export const expiresIn = (ms: number, clock: { now(): number } = Date): string => new Date(clock.now() + ms).toISOString();

/** Polls until check() answers true or the time is up; answers whether it did. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
}
