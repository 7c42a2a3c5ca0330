import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { expectStatus, seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

// Property: on random roles, credentials and backends built through the API — and after random
// edits to them — every decision of POST /v1/authorize equals a plain reference model written
// from DESIGN §3.3–§3.4 alone. This checks the server's wiring (storage, cache, invalidation),
// not just the shared decision code, which has its own unit property test.

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

const ACTIONS = ['AddClient', 'GetClients', 'UpdateClient', 'DeleteClient', 'GetInvoices', 'OpenTicket'];
const CIDRS = ['10.0.0.0/8', '192.168.1.0/24'];
const IPS = [undefined, '10.1.2.3', '192.168.1.50'];
const METHODS = ['GET', 'POST', 'DELETE'] as const;

// ---- The world as plain data, and the reference model ----------------------------------------

interface RoleSpec {
  actions: string[];
}
interface CredentialSpec {
  roles: number[];
  status: 'active' | 'disabled' | 'revoked';
  cidrs: string[];
}
interface SettingSpec {
  method: 'GET' | 'POST' | 'DELETE' | 'ANY';
  regex: number;
  roles: number[];
  override: boolean;
}
interface BackendSpec {
  roles: number[];
  settings: SettingSpec[];
}
interface World {
  roles: RoleSpec[];
  credentials: CredentialSpec[];
  backends: BackendSpec[];
}

/** Sub-URL regexes, written against a backend's prefix P. */
const REGEXES = [(p: string) => `^${p}/a`, () => '/b$', () => '.*', (p: string) => `^${p}/a/b`, () => 'zzz'];
const PATH_TAILS = ['', '/a', '/a/b', '/b', '/a?x=/b', '/c/b'];

function ipv4(text: string): number {
  return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base!) / size);
}

interface Expected {
  allowed: boolean;
  reason: string;
  grantedBy: string[];
  missingRoles: string[];
}

function credentialProblem(c: CredentialSpec, ip: string | undefined): string | null {
  if (c.status === 'revoked') return 'revoked';
  if (c.status === 'disabled') return 'disabled';
  if (c.cidrs.length > 0 && (ip === undefined || !c.cidrs.some((cidr) => inCidr(ip, cidr)))) return 'ip_not_allowed';
  if (c.roles.length === 0) return 'no_roles';
  return null;
}

function modelAction(w: World, names: string[], ci: number, action: string, ip: string | undefined): Expected {
  const c = w.credentials[ci]!;
  const problem = credentialProblem(c, ip);
  if (problem) return { allowed: false, reason: problem, grantedBy: [], missingRoles: [] };
  const grantedBy = c.roles.filter((r) => w.roles[r]!.actions.includes(action)).map((r) => names[r]!);
  return grantedBy.length
    ? { allowed: true, reason: 'granted', grantedBy, missingRoles: [] }
    : { allowed: false, reason: 'not_permitted', grantedBy: [], missingRoles: [] };
}

function modelRoute(
  w: World,
  names: string[],
  prefixes: string[],
  ci: number,
  method: string,
  uri: string,
  ip: string | undefined,
): Expected {
  const c = w.credentials[ci]!;
  const problem = credentialProblem(c, ip);
  if (problem) return { allowed: false, reason: problem, grantedBy: [], missingRoles: [] };
  const path = uri.split('?')[0]!;
  const bi = prefixes.findIndex((p) => path === p || path.startsWith(`${p}/`));
  if (bi === -1) return { allowed: false, reason: 'no_route', grantedBy: [], missingRoles: [] };
  const b = w.backends[bi]!;
  const setting = b.settings.find(
    (st) => (st.method === 'ANY' || st.method === method) && new RegExp(REGEXES[st.regex]!(prefixes[bi]!)).test(path),
  );
  const required = [...new Set(setting ? (setting.override ? setting.roles : [...b.roles, ...setting.roles]) : b.roles)];
  const missing = required.filter((r) => !c.roles.includes(r));
  if (missing.length) return { allowed: false, reason: 'missing_roles', grantedBy: [], missingRoles: missing.map((r) => names[r]!) };
  return { allowed: true, reason: 'granted', grantedBy: required.map((r) => names[r]!), missingRoles: [] };
}

// ---- Generators ---------------------------------------------------------------------------------

const worldArb = fc.integer({ min: 2, max: 4 }).chain((nRoles) => {
  const roleIndexes = fc.uniqueArray(fc.integer({ min: 0, max: nRoles - 1 }), { maxLength: nRoles });
  return fc.record({
    roles: fc.array(fc.record({ actions: fc.subarray(ACTIONS) }), { minLength: nRoles, maxLength: nRoles }),
    credentials: fc.array(
      fc.record({
        roles: roleIndexes,
        status: fc.constantFrom('active', 'active', 'active', 'active', 'disabled', 'revoked'),
        cidrs: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.subarray(CIDRS, { minLength: 1 }), weight: 1 }),
      }),
      { minLength: 2, maxLength: 3 },
    ),
    backends: fc.array(
      fc.record({
        roles: roleIndexes,
        settings: fc.array(
          fc.record({
            method: fc.constantFrom('GET', 'POST', 'DELETE', 'ANY'),
            regex: fc.integer({ min: 0, max: REGEXES.length - 1 }),
            roles: roleIndexes,
            override: fc.boolean(),
          }),
          { maxLength: 3 },
        ),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  }) as fc.Arbitrary<World>;
});

type Edit =
  | { kind: 'roleActions'; role: number; actions: string[] }
  | { kind: 'credentialRoles'; credential: number; roles: number[] }
  | { kind: 'status'; credential: number; to: 'disable' | 'enable' | 'revoke' }
  | { kind: 'backendRoles'; backend: number; roles: number[] };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('roleActions' as const), role: fc.nat(), actions: fc.subarray(ACTIONS) }),
  fc.record({
    kind: fc.constant('credentialRoles' as const),
    credential: fc.nat(),
    roles: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    credential: fc.nat(),
    to: fc.constantFrom('disable' as const, 'enable' as const, 'revoke' as const),
  }),
  fc.record({ kind: fc.constant('backendRoles' as const), backend: fc.nat(), roles: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 3 }) }),
);

// ---- Building the world through the API and comparing ------------------------------------------

let runNo = 0;

async function build(
  w: World,
): Promise<{ roleIds: string[]; names: string[]; creds: Array<{ id: string; secret: string }>; backendIds: string[]; prefixes: string[] }> {
  runNo += 1;
  const tag = `m${runNo}-${Date.now().toString(36)}`;
  const roleIds: string[] = [];
  const names: string[] = [];
  for (const [i, r] of w.roles.entries()) {
    const role = expectStatus(
      await s.request('POST', '/v1/roles', { body: { name: `${tag} role ${i}`, actions: r.actions } }),
      201,
      'role',
    );
    roleIds.push(role.id);
    names.push(role.name);
  }
  const creds = [];
  for (const [i, c] of w.credentials.entries()) {
    const made = expectStatus(
      await s.request('POST', '/v1/credentials', {
        body: { name: `${tag} cred ${i}`, roles: c.roles.map((r) => roleIds[r]), allowedCidrs: c.cidrs },
      }),
      201,
      'credential',
    );
    if (c.status !== 'active')
      expectStatus(
        await s.request('POST', `/v1/credentials/${made.credential.id}/${c.status === 'disabled' ? 'disable' : 'revoke'}`),
        200,
        c.status,
      );
    creds.push({ id: made.credential.id, secret: made.secret });
  }
  const backendIds: string[] = [];
  const prefixes: string[] = [];
  for (const [i, b] of w.backends.entries()) {
    const prefix = `/${tag}/b${i}`;
    const body = {
      name: `${tag} backend ${i}`,
      frontendPrefix: prefix,
      requiredRoles: b.roles.map((r) => roleIds[r]),
      subSettings: b.settings.map((st) => ({
        method: st.method,
        pathRegex: REGEXES[st.regex]!(prefix),
        requiredRoles: st.roles.map((r) => roleIds[r]),
        override: st.override,
      })),
    };
    backendIds.push(expectStatus(await s.request('POST', '/v1/backends', { body }), 201, 'backend').id);
    prefixes.push(prefix);
  }
  return { roleIds, names, creds, backendIds, prefixes };
}

async function compareAll(w: World, built: Awaited<ReturnType<typeof build>>, stage: string): Promise<void> {
  const { names, creds, prefixes } = built;
  const queries: Array<{ body: Record<string, unknown>; want: Expected; label: string }> = [];
  for (const [ci, cred] of creds.entries()) {
    for (const ip of IPS) {
      const where = ip ? { ip } : {};
      for (const action of [...ACTIONS, 'CloseTicket']) {
        queries.push({
          body: { token: cred.secret, action, ...where },
          want: modelAction(w, names, ci, action, ip),
          label: `credential ${ci} action ${action} ip ${ip}`,
        });
      }
      if (ip === '192.168.1.50') continue; // addresses matter before routes do; two suffice for routes
      for (const method of METHODS) {
        for (const base of [...prefixes, '/elsewhere']) {
          for (const tail of PATH_TAILS) {
            const uri = base + tail;
            queries.push({
              body: { token: cred.secret, method, path: uri, ...where },
              want: modelRoute(w, names, prefixes, ci, method, uri, ip),
              label: `credential ${ci} ${method} ${uri} ip ${ip}`,
            });
          }
        }
      }
    }
  }
  const sort = (xs: string[]) => [...xs].sort();
  // Independent reads: sent in parallel batches to keep the property fast.
  for (let i = 0; i < queries.length; i += 64) {
    const batch = queries.slice(i, i + 64);
    const answers = await Promise.all(batch.map((q) => decide(q.body)));
    for (const [j, got] of answers.entries()) {
      const { want, label } = batch[j]!;
      assert.deepEqual(
        { allowed: got.allowed, reason: got.reason, grantedBy: sort(got.grantedBy), missingRoles: sort(got.missingRoles) },
        { ...want, grantedBy: sort(want.grantedBy), missingRoles: sort(want.missingRoles) },
        `${stage}: ${label} in ${JSON.stringify(w)}`,
      );
    }
  }
}

async function decide(body: Record<string, unknown>): Promise<Json> {
  return expectStatus(await s.request('POST', '/v1/authorize', { body }), 200, 'authorize');
}

/** Applies an edit through the API and to the model; edits the model cannot express are skipped. */
async function applyEdit(w: World, built: Awaited<ReturnType<typeof build>>, edit: Edit): Promise<void> {
  const { roleIds, creds, backendIds } = built;
  if (edit.kind === 'roleActions') {
    const r = edit.role % w.roles.length;
    expectStatus(await s.request('PATCH', `/v1/roles/${roleIds[r]}`, { body: { actions: edit.actions } }), 200, 'edit role');
    w.roles[r]!.actions = edit.actions;
  } else if (edit.kind === 'credentialRoles') {
    const c = edit.credential % creds.length;
    const roles = [...new Set(edit.roles.map((r) => r % w.roles.length))];
    const res = await s.request('PATCH', `/v1/credentials/${creds[c]!.id}`, { body: { roles: roles.map((r) => roleIds[r]) } });
    if (w.credentials[c]!.status === 'revoked')
      return void assert.ok(res.status === 200 || res.status === 409, `edit revoked: ${res.status}`);
    expectStatus(res, 200, 'edit credential');
    w.credentials[c]!.roles = roles;
  } else if (edit.kind === 'status') {
    const c = edit.credential % creds.length;
    const res = await s.request('POST', `/v1/credentials/${creds[c]!.id}/${edit.to}`);
    if (w.credentials[c]!.status === 'revoked' && edit.to !== 'revoke') return void expectStatus(res, 409, 'revoked stays revoked');
    expectStatus(res, 200, edit.to);
    w.credentials[c]!.status = edit.to === 'disable' ? 'disabled' : edit.to === 'enable' ? 'active' : 'revoked';
  } else if (w.backends.length > 0) {
    const b = edit.backend % w.backends.length;
    const roles = [...new Set(edit.roles.map((r) => r % w.roles.length))];
    expectStatus(
      await s.request('PATCH', `/v1/backends/${backendIds[b]}`, { body: { requiredRoles: roles.map((r) => roleIds[r]) } }),
      200,
      'edit backend',
    );
    w.backends[b]!.roles = roles;
  }
}

test('every /v1/authorize decision equals the reference model, before and after random edits', async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, fc.array(editArb, { minLength: 1, maxLength: 3 }), async (world, edits) => {
      const w: World = structuredClone(world);
      const built = await build(w);
      await compareAll(w, built, 'as built');
      for (const edit of edits) await applyEdit(w, built, edit);
      await compareAll(w, built, `after ${JSON.stringify(edits)}`);
      for (const id of built.backendIds) await s.request('DELETE', `/v1/backends/${id}`);
    }),
    { numRuns: Number(process.env.KEYWARD_PROPERTY_RUNS ?? 7) },
  );
});
