import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { authorizeAction, authorizeRoute, explain, type BackendView, type CredentialView } from '../../../shared/domain/authorize.ts';
import { parseCidr, type ParsedCidr } from '../../../shared/domain/cidr.ts';
import type { Decision, DecisionReason, HttpMethod } from '../../../shared/domain/types.ts';
import { DAY, NOW } from './views.ts';

// Random catalogs, roles, credentials and backends: the decisions of shared/domain/authorize.ts
// must equal those of the plain reference model below, written from DESIGN §3.3–§3.4 alone.

// ---- The world, as plain data ---------------------------------------------------------------

interface World {
  roles: { id: string; name: string; actions: string[] }[];
  credential: {
    status: 'active' | 'disabled' | 'revoked';
    expiresAtMs: number | null;
    cidrs: string[] | null;
    roleIds: string[];
  } | null;
  backends: {
    prefix: string;
    requiredRoleIds: string[];
    subSettings: { method: HttpMethod | 'ANY'; pathRegex: string; requiredRoleIds: string[]; override: boolean }[];
  }[];
  ip: string | undefined;
}

// ---- Reference model --------------------------------------------------------------------------

/** An address as a family and a BigInt; IPv4-mapped IPv6 counts as the IPv4 address it carries. */
function refAddress(text: string): { family: 4 | 6; value: bigint } {
  const v4 = (dotted: string) => dotted.split('.').reduce((acc, octet) => acc * 256n + BigInt(Number(octet)), 0n);
  if (text.startsWith('::ffff:')) return { family: 4, value: v4(text.slice(7)) };
  if (text.includes(':'))
    return { family: 6, value: text.split(':').reduce((acc, group) => acc * 65536n + BigInt(parseInt(group, 16)), 0n) };
  return { family: 4, value: v4(text) };
}

function refInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/') as [string, string];
  const address = refAddress(ip);
  const network = refAddress(base);
  // A mapped range ::ffff:a.b.c.d/n covers the IPv4 range a.b.c.d/(n - 96).
  const bits = Number(bitsText) - (base.startsWith('::ffff:') ? 96 : 0);
  if (address.family !== network.family) return false;
  const hostBits = BigInt((address.family === 4 ? 32 : 128) - bits);
  return address.value >> hostBits === network.value >> hostBits;
}

type RefDecision = { allowed: boolean; reason: DecisionReason; grantedBy: string[]; missingRoles: string[] };
const refDeny = (reason: DecisionReason, missingRoles: string[] = []): RefDecision => ({
  allowed: false,
  reason,
  grantedBy: [],
  missingRoles,
});

/** The checks on the credential itself, in the order DESIGN and the API document them. */
function refCredentialProblem(world: World): DecisionReason | null {
  const c = world.credential;
  if (c === null) return 'unknown_token';
  if (c.status === 'revoked') return 'revoked';
  if (c.expiresAtMs !== null && NOW >= c.expiresAtMs) return 'expired';
  if (c.status === 'disabled') return 'disabled';
  if (c.cidrs !== null) {
    const ip = world.ip;
    if (ip === undefined || !c.cidrs.some((cidr) => refInCidr(ip, cidr))) return 'ip_not_allowed';
  }
  if (c.roleIds.length === 0) return 'no_roles';
  return null;
}

const heldRoles = (world: World) => world.roles.filter((r) => world.credential!.roleIds.includes(r.id));
const nameOf = (world: World, id: string) => world.roles.find((r) => r.id === id)!.name;

function refAuthorizeAction(world: World, action: string): RefDecision {
  const problem = refCredentialProblem(world);
  if (problem) return refDeny(problem);
  const granting = heldRoles(world).filter((r) => r.actions.includes(action));
  if (granting.length === 0) return refDeny('not_permitted');
  return { allowed: true, reason: 'granted', grantedBy: granting.map((r) => r.name), missingRoles: [] };
}

/**
 * The path rules are matched against (DESIGN §3.4), written independently of canonical-path.ts:
 * no query or fragment; refused (null) when it holds what upstreams read differently; else
 * unreserved escapes decoded, others upper-cased, slashes merged.
 */
function refPath(uri: string): string | null {
  const path = uri.split('?')[0]!.split('#')[0]!;
  if (!path.startsWith('/') || path.startsWith('//')) return null;
  // eslint-disable-next-line no-control-regex -- control characters are what the rule refuses
  if (/[\\;\x00-\x1f\x7f-\uffff]|%(?![0-9a-f]{2})|%2f|%5c|%[01][0-9a-f]|%7f/i.test(path)) return null;
  // Runs of non-ASCII escapes must be UTF-8 (decodeURIComponent throws otherwise).
  for (const run of path.match(/(%[89a-f][0-9a-f])+/gi) ?? []) {
    try {
      decodeURIComponent(run);
    } catch {
      return null;
    }
  }
  const decoded = path.replace(/%[0-9a-f]{2}/gi, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape.toUpperCase();
  });
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) return null;
  return decoded.replace(/\/{2,}/g, '/');
}

function refAuthorizeRoute(world: World, method: string, uri: string): RefDecision {
  const problem = refCredentialProblem(world);
  if (problem) return refDeny(problem);
  const path = refPath(uri);
  if (path === null) return refDeny('invalid_path');
  const under = (prefix: string) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  const candidates = world.backends.filter((b) => under(b.prefix));
  if (candidates.length === 0) return refDeny('no_route');
  const longest = Math.max(...candidates.map((b) => b.prefix.length));
  const backend = candidates.find((b) => b.prefix.length === longest)!;
  const setting = backend.subSettings.find(
    (s) =>
      (s.method === 'ANY' || s.method === method.toUpperCase() || (s.method === 'GET' && method.toUpperCase() === 'HEAD')) &&
      new RegExp(s.pathRegex).test(path),
  );
  let required = backend.requiredRoleIds;
  if (setting && setting.override) required = setting.requiredRoleIds;
  if (setting && !setting.override) required = [...new Set([...backend.requiredRoleIds, ...setting.requiredRoleIds])];
  const missing = required.filter((id) => !world.credential!.roleIds.includes(id));
  if (missing.length > 0)
    return refDeny(
      'missing_roles',
      missing.map((id) => nameOf(world, id)),
    );
  return { allowed: true, reason: 'granted', grantedBy: required.map((id) => nameOf(world, id)), missingRoles: [] };
}

// ---- The same world as the implementation's views --------------------------------------------

function credentialView(world: World): CredentialView | null {
  const c = world.credential;
  if (!c) return null;
  return {
    id: 'cred-under-test',
    status: c.status,
    expiresAtMs: c.expiresAtMs,
    cidrs: c.cidrs === null ? null : c.cidrs.map((text) => parseCidr(text) as ParsedCidr),
    roles: heldRoles(world).map((r) => ({ id: r.id, name: r.name, actions: new Set(r.actions) })),
  };
}

function backendViews(world: World): BackendView[] {
  return world.backends.map((b, i) => ({
    id: `b${i}`,
    name: `Backend ${i}`,
    frontendPrefix: b.prefix,
    requiredRoleIds: b.requiredRoleIds,
    // The reference model below compares paths exactly.
    caseSensitive: true,
    subSettings: b.subSettings.map((s) => ({
      method: s.method,
      regex: new RegExp(s.pathRegex),
      requiredRoleIds: s.requiredRoleIds,
      override: s.override,
    })),
  }));
}

function expected(world: World, ref: RefDecision): Decision {
  const sorted = (xs: string[]) => [...xs].sort();
  return {
    allowed: ref.allowed,
    reason: ref.reason,
    credentialId: world.credential ? 'cred-under-test' : null,
    roles: world.credential ? heldRoles(world).map((r) => r.name) : [],
    grantedBy: sorted(ref.grantedBy),
    missingRoles: sorted(ref.missingRoles),
  };
}

const normalized = (d: Decision): Decision => ({ ...d, grantedBy: [...d.grantedBy].sort(), missingRoles: [...d.missingRoles].sort() });

// ---- Generators ---------------------------------------------------------------------------

const ACTIONS = [
  'GetClients',
  'AddClient',
  'DeleteClient',
  'GetInvoices',
  'CreateInvoice',
  'OpenTicket',
  'keyward.roles.read',
  'billing.invoices.read',
];
const ROLE_IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(fc.constantFrom(10, 192, 203), fc.constantFrom(0, 168, 255), octet, octet).map((parts) => parts.join('.'));
const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, '0'));
const ipv6 = fc
  .tuple(fc.constantFrom('2001', 'fe80'), fc.constantFrom('0db8', '0db9'), fc.array(hextet, { minLength: 6, maxLength: 6 }))
  .map(([a, b, rest]) => [a, b, ...rest].join(':'));
const ip = fc.oneof(
  ipv4,
  ipv4.map((v4) => `::ffff:${v4}`),
  ipv6,
);
const cidr = fc.oneof(
  fc.tuple(ipv4, fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 13, max: 32 }))).map(([a, n]) => `${a}/${n}`),
  fc.tuple(ipv4, fc.integer({ min: 96, max: 128 })).map(([a, n]) => `::ffff:${a}/${n}`),
  fc.tuple(ipv6, fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 21, max: 128 }))).map(([a, n]) => `${a}/${n}`),
);

const roles = fc
  .tuple(fc.subarray(ROLE_IDS), fc.array(fc.subarray(ACTIONS), { minLength: ROLE_IDS.length, maxLength: ROLE_IDS.length }))
  .map(([ids, actionSets]) => ids.map((id, i) => ({ id, name: `Role ${id.toUpperCase()}, ${i}`, actions: actionSets[i]! })));

// Weighted so that most generated credentials are usable and the role and route rules get exercised.
const expiry = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 3 * DAY }).map((offset) => NOW + offset), weight: 3 },
  { arbitrary: fc.constant(NOW), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 3 * DAY }).map((offset) => NOW - offset), weight: 1 },
);

const METHODS = ['GET', 'POST', 'DELETE', 'ANY'] as const;
const PREFIXES = ['/api', '/api/v2', '/api/', '/billing-api', '/billing-api/admin', '/support', '/'];
const REGEXES = ['^/api/v2/clients', 'invoices', '/admin(/|$)', '^/billing-api/.*/1$', '.*', '\\?', '^/support$', 'clients/\\d+', 'x#'];
// Besides plain segments: empty ones (//), dot segments and percent-encodings a proxy decodes.
const SEGMENTS = [
  'api',
  'v2',
  'billing-api',
  'billing-apix',
  'admin',
  'clients',
  'invoices',
  '1',
  'support',
  '',
  '.',
  '..',
  '%2e%2E',
  '%61dmin',
  'x%2F..',
  'caf%C3%A9',
];

function worldFrom(roleList: World['roles']) {
  const ids = roleList.map((r) => r.id);
  const roleSubset = fc.subarray(ids);
  const subSetting = fc.record({
    method: fc.constantFrom(...METHODS),
    pathRegex: fc.constantFrom(...REGEXES),
    requiredRoleIds: roleSubset,
    override: fc.boolean(),
  });
  const backend = fc.record({ requiredRoleIds: roleSubset, subSettings: fc.array(subSetting, { maxLength: 3 }) });
  return fc.record({
    roles: fc.constant(roleList),
    credential: fc.option(
      fc.record({
        status: fc.oneof(
          { arbitrary: fc.constant('active' as const), weight: 6 },
          fc.constant('disabled' as const),
          fc.constant('revoked' as const),
        ),
        expiresAtMs: expiry,
        cidrs: fc.oneof(
          { arbitrary: fc.constant(null), weight: 3 },
          { arbitrary: fc.array(cidr, { minLength: 1, maxLength: 3 }), weight: 1 },
        ),
        roleIds: roleSubset,
      }),
      { freq: 20 },
    ),
    backends: fc
      .tuple(fc.subarray(PREFIXES, { maxLength: 4 }), fc.array(backend, { minLength: 4, maxLength: 4 }))
      .map(([prefixes, bodies]) => prefixes.map((prefix, i) => ({ prefix, ...bodies[i]! }))),
    ip: fc.option(ip, { nil: undefined, freq: 4 }),
  });
}

const world: fc.Arbitrary<World> = roles.chain(worldFrom);
const action = fc.constantFrom(...ACTIONS, 'UnknownAction');
const method = fc.constantFrom('GET', 'get', 'HEAD', 'head', 'POST', 'DELETE', 'PATCH');
const uri = fc
  .tuple(
    fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 4 }),
    fc.option(fc.constantFrom('?q=/admin', '?next=/support', '?')),
    fc.option(fc.constantFrom('#x', '#/admin')),
  )
  .map(([segments, query, fragment]) => `/${segments.join('/')}${query ?? ''}${fragment ?? ''}`);

const runs = { numRuns: 2000 };

// ---- Properties -------------------------------------------------------------------------

test('action decisions equal the reference model for random roles and credentials', () => {
  fc.assert(
    fc.property(world, action, (w, a) => {
      const actual = authorizeAction(credentialView(w), a, { nowMs: NOW, ip: w.ip });
      assert.deepEqual(normalized(actual), expected(w, refAuthorizeAction(w, a)));
    }),
    runs,
  );
});

test('route decisions equal the reference model for random backends with sub-URL settings', () => {
  fc.assert(
    fc.property(world, method, uri, (w, m, u) => {
      const names = (id: string) => nameOf(w, id);
      const actual = authorizeRoute(credentialView(w), m, u, backendViews(w), names, { nowMs: NOW, ip: w.ip });
      assert.deepEqual(normalized(actual), expected(w, refAuthorizeRoute(w, m, u)));
    }),
    runs,
  );
});

test('the explainer reaches the same decision as authorization', () => {
  fc.assert(
    fc.property(world, action, method, uri, (w, a, m, u) => {
      const names = (id: string) => nameOf(w, id);
      const ctx = { nowMs: NOW, ip: w.ip };
      const c = credentialView(w);
      const { breakdown: _b1, route: _r1, ...byAction } = explain(c, { action: a }, backendViews(w), names, ctx);
      assert.deepEqual(byAction, authorizeAction(c, a, ctx));
      const { breakdown: _b2, route: _r2, ...byRoute } = explain(c, { method: m, path: u }, backendViews(w), names, ctx);
      assert.deepEqual(byRoute, authorizeRoute(c, m, u, backendViews(w), names, ctx));
    }),
    { numRuns: 500 },
  );
});

test('giving a credential one more role never turns an allowed request into a denied one', () => {
  fc.assert(
    fc.property(world, action, method, uri, fc.constantFrom(...ROLE_IDS), (w, a, m, u, extra) => {
      if (!w.credential || !w.roles.some((r) => r.id === extra) || w.credential.roleIds.includes(extra)) return;
      const more: World = { ...w, credential: { ...w.credential, roleIds: [...w.credential.roleIds, extra] } };
      const ctx = { nowMs: NOW, ip: w.ip };
      const names = (id: string) => nameOf(w, id);
      if (authorizeAction(credentialView(w), a, ctx).allowed) assert.equal(authorizeAction(credentialView(more), a, ctx).allowed, true);
      if (authorizeRoute(credentialView(w), m, u, backendViews(w), names, ctx).allowed) {
        assert.equal(authorizeRoute(credentialView(more), m, u, backendViews(more), names, ctx).allowed, true);
      }
    }),
    { numRuns: 1000 },
  );
});
