import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  authorizeRoute,
  BackendIndex,
  explain,
  matchBackend,
  requiredRolesFor,
  type BackendView,
} from '../../../shared/domain/authorize.ts';
import { canonicalPath } from '../../../shared/domain/canonical-path.ts';
import { compilePathRegex } from '../../../shared/domain/path-regex.ts';
import { credential, namesOf, NOW, role } from './views.ts';

// The server indexes its backends by the first segment of their prefix (BackendIndex) so a
// decision does not scan every backend. The index must pick the same backend as the plain scan
// of the list for every path an attacker can send: here it is compared with that scan over
// generated backends (mixed case, trailing slashes, "/", overlapping prefixes, both case modes)
// and generated paths, then on the tricky cases by name.

const reader = role('Reader', [], 'r-read');
const admin = role('Admin', [], 'r-admin');
const names = namesOf(reader, admin);
const ctx = { nowMs: NOW };

function view(frontendPrefix: string, caseSensitive: boolean, id: string, requiredRoleIds: string[] = ['r-read']): BackendView {
  return { id, name: id, frontendPrefix, requiredRoleIds, caseSensitive, subSettings: [] };
}

/** Which backend each lookup picks, by id, so a failure shows the two answers side by side. */
function both(list: readonly BackendView[], path: string): { scan: string | null; index: string | null } {
  return { scan: matchBackend(list, path)?.id ?? null, index: matchBackend(new BackendIndex(list), path)?.id ?? null };
}

function assertSame(list: readonly BackendView[], path: string): void {
  const { scan, index } = both(list, path);
  assert.equal(index, scan, `path ${JSON.stringify(path)} with prefixes ${JSON.stringify(list.map((b) => b.frontendPrefix))}`);
}

// ---- Generators ---------------------------------------------------------------------------

// Segments that overlap (api, api2, ap), differ only in case, are percent-encoded or are dot
// segments, plus non-ASCII letters that String.prototype.toLowerCase folds but the decision does
// not (Kelvin sign, dotted I, long s): an index keyed by the wrong folding would lose or invent a match.
const SEGMENT = fc.constantFrom(
  'api',
  'API',
  'Api',
  'api2',
  'ap',
  'v1',
  'V1',
  'v10',
  'billing-api',
  'Billing-API',
  '%41pi',
  '%2e',
  '.',
  '..',
  '',
  'a',
  'k',
  '\u212a',
  '\u0130',
  'i',
  's',
  '\u017f',
  '@',
  '`',
);

const prefix = fc.oneof(
  { arbitrary: fc.array(SEGMENT, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}`), weight: 6 },
  { arbitrary: fc.array(SEGMENT, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}/`), weight: 3 },
  // What the index cannot place: the root, nothing, no leading slash, an empty first segment.
  { arbitrary: fc.constantFrom('/', '', 'api', '//api', '/api//v1'), weight: 1 },
);

const backends = fc
  .array(fc.record({ prefix, caseSensitive: fc.boolean() }), { maxLength: 8 })
  // Duplicates of an earlier prefix in another case or case mode: a tie that list order decides.
  .chain((list) =>
    fc
      .subarray(list)
      .map((copies) =>
        [...list, ...copies.map((c) => ({ prefix: c.prefix.toUpperCase(), caseSensitive: !c.caseSensitive }))].map((b, i) =>
          view(b.prefix, b.caseSensitive, `b${i}`),
        ),
      ),
  );

const rawPath = fc.oneof(
  fc.tuple(fc.array(SEGMENT, { maxLength: 4 }), fc.boolean()).map(([segments, trailing]) => `/${segments.join('/')}${trailing ? '/' : ''}`),
  fc.string({
    unit: fc.constantFrom('/', 'a', 'A', 'p', 'P', 'i', 'I', '2', 'v', '1', '%', '.', '\u212a', '\u0130', '\u017f'),
    maxLength: 12,
  }),
);

// What authorizeRoute matches: the canonical form of a request target, when it has one.
const canonical = rawPath.map((uri) => canonicalPath(uri)).filter((p): p is string => typeof p === 'string');

// ---- Properties -------------------------------------------------------------------------

test('the index picks the same backend as the plain scan, for raw and canonical paths', () => {
  fc.assert(
    fc.property(backends, fc.oneof(rawPath, canonical), (list, path) => assertSame(list, path)),
    { numRuns: 5000 },
  );
});

test('route decisions and explanations through the index equal those over the plain list', () => {
  const withSettings = backends.map((list) =>
    list.map((b, i) => ({
      ...b,
      requiredRoleIds: i % 3 === 0 ? ['r-admin'] : ['r-read'],
      subSettings: [
        {
          method: 'ANY' as const,
          regex: compilePathRegex(`^${b.frontendPrefix.replace(/[^A-Za-z0-9/]/g, '.')}/?admin`, { caseSensitive: b.caseSensitive }),
          requiredRoleIds: ['r-admin'],
          override: i % 2 === 0,
        },
      ],
    })),
  );
  const uri = fc.tuple(rawPath, fc.constantFrom('', '/admin', '/ADMIN/x', '?q=/admin')).map(([p, tail]) => `${p}${tail}`);
  const c = credential({ roles: [reader] });
  fc.assert(
    fc.property(withSettings, uri, fc.constantFrom('GET', 'POST', 'head'), (list, u, method) => {
      const index = new BackendIndex(list);
      assert.deepEqual(authorizeRoute(c, method, u, index, names, ctx), authorizeRoute(c, method, u, list, names, ctx));
      assert.deepEqual(explain(c, { method, path: u }, index, names, ctx), explain(c, { method, path: u }, list, names, ctx));
    }),
    { numRuns: 2000 },
  );
});

// ---- Named cases ------------------------------------------------------------------------

test('overlapping prefixes: /api, /api2 and /api/v1 each keep their own paths', () => {
  const list = [view('/api', false, 'api'), view('/api2', false, 'api2'), view('/api/v1', false, 'v1')];
  const index = new BackendIndex(list);
  const pick = (path: string) => matchBackend(index, path)?.id ?? null;
  assert.equal(pick('/api'), 'api');
  assert.equal(pick('/api/x'), 'api');
  assert.equal(pick('/api2'), 'api2');
  assert.equal(pick('/api2/x'), 'api2');
  assert.equal(pick('/api/v1'), 'v1');
  assert.equal(pick('/api/v1/x'), 'v1');
  assert.equal(pick('/api/v10'), 'api');
  assert.equal(pick('/api3'), null);
  assert.equal(pick('/ap'), null);
  for (const path of ['/api', '/api/x', '/api2', '/api/v1', '/api/v10', '/api3', '/ap', '/', '/API/V1/x']) assertSame(list, path);
});

test('a "/" backend is found for paths whose first segment no other backend holds, and loses to longer prefixes', () => {
  const list = [view('/', false, 'root'), view('/api', false, 'api')];
  const pick = (path: string) => matchBackend(new BackendIndex(list), path)?.id ?? null;
  assert.equal(pick('/'), 'root');
  assert.equal(pick('/other/x'), 'root');
  assert.equal(pick('/api2'), 'root');
  assert.equal(pick('/api/x'), 'api');
  assert.equal(pick('/API'), 'api');
});

test('a prefix with a trailing slash matches below it but not the bare segment', () => {
  const list = [view('/api/', true, 'slash')];
  const pick = (path: string) => matchBackend(new BackendIndex(list), path)?.id ?? null;
  assert.equal(pick('/api/'), 'slash');
  assert.equal(pick('/api/x'), 'slash');
  assert.equal(pick('/api'), null);
  assert.equal(pick('/api2/'), null);
});

test('case: an insensitive backend is found in any case of its segment, a sensitive one only in its own', () => {
  const list = [view('/Billing', false, 'insensitive'), view('/Reports', true, 'sensitive')];
  const pick = (path: string) => matchBackend(new BackendIndex(list), path)?.id ?? null;
  for (const path of ['/billing/x', '/BILLING', '/bIlLiNg/y']) assert.equal(pick(path), 'insensitive', path);
  assert.equal(pick('/Reports/1'), 'sensitive');
  assert.equal(pick('/reports/1'), null);
  assert.equal(pick('/REPORTS'), null);
});

test('equal prefixes in different cases: the first in the list wins, as in the scan', () => {
  const first = [view('/API', false, 'upper'), view('/api', true, 'lower')];
  assert.equal(matchBackend(new BackendIndex(first), '/api/x')?.id, 'upper');
  const second = [view('/api', true, 'lower'), view('/API', false, 'upper')];
  assert.equal(matchBackend(new BackendIndex(second), '/api/x')?.id, 'lower');
  assert.equal(matchBackend(new BackendIndex(second), '/Api/x')?.id, 'upper');
});

test('only ASCII letters fold: the Kelvin sign, dotted I and long s do not reach k, i and s backends', () => {
  const list = [view('/kit', false, 'kit'), view('/is', false, 'is')];
  for (const path of ['/\u212ait', '/\u0130s', '/i\u017f', '/KIT', '/IS']) assertSame(list, path);
  assert.equal(matchBackend(new BackendIndex(list), '/\u212ait'), null);
  assert.equal(matchBackend(new BackendIndex(list), '/KIT')?.id, 'kit');
});

test('percent-encoded and dot-segment request targets reach the same backend as without the index', () => {
  const list = [view('/api', false, 'api'), view('/admin', false, 'admin', ['r-admin']), view('/', false, 'root')];
  const index = new BackendIndex(list);
  const c = credential({ roles: [reader] });
  for (const uri of ['/%61dmin/users', '/%41PI/x', '/api//admin', '//admin', '/api/../admin', '/api/%2e%2e/admin', '/%2e/admin']) {
    assert.deepEqual(authorizeRoute(c, 'GET', uri, index, names, ctx), authorizeRoute(c, 'GET', uri, list, names, ctx), uri);
  }
  assert.equal(authorizeRoute(c, 'GET', '/%61dmin/users', index, names, ctx).reason, 'missing_roles');
  assert.equal(authorizeRoute(c, 'GET', '/api/%2e%2e/admin', index, names, ctx).reason, 'invalid_path');
});

test('backends the index cannot place (empty prefix, no leading slash, empty first segment) are still looked at', () => {
  const list = [view('', false, 'empty'), view('api', false, 'relative'), view('//api', false, 'double')];
  for (const path of ['/x', '/api', '//api', '//api/x', 'api', 'api/x', '']) assertSame(list, path);
  assert.equal(matchBackend(new BackendIndex(list), '/x')?.id, 'empty');
});

test('the index is a snapshot: changing the list afterwards does not change its answers', () => {
  const list = [view('/api', false, 'api')];
  const index = new BackendIndex(list);
  list.push(view('/api/v1', false, 'v1'));
  assert.equal(matchBackend(index, '/api/v1/x')?.id, 'api');
  assert.deepEqual(
    index.list.map((b) => b.id),
    ['api'],
  );
  assert.equal(requiredRolesFor(index, 'GET', '/api/v1')?.backend.id, 'api');
});
