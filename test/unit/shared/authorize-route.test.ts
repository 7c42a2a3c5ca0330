import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorizeRoute, forwardAuthStatus, requiredRolesFor } from '../../../shared/domain/authorize.ts';
import { canonicalPath } from '../../../shared/domain/canonical-path.ts';
import { backend, credential, namesOf, NOW, role, subSetting } from './views.ts';

// DESIGN §3.4: the longest frontend prefix picks the backend; the first matching sub-URL setting
// (method or ANY, regex on the full path without the query) adds required roles, or replaces the
// backend's list when marked override; the credential must hold all required roles.

const ctx = { nowMs: NOW };
const reader = role('Billing reader', [], 'r-read');
const writer = role('Billing writer', [], 'r-write');
const admin = role('Billing admin', [], 'r-admin');
const names = namesOf(reader, writer, admin);

test('the backend with the longest matching frontend prefix decides', () => {
  const backends = [backend('/api', ['r-read']), backend('/api/billing', ['r-admin'])];
  const c = credential({ roles: [reader] });
  assert.equal(authorizeRoute(c, 'GET', '/api/clients', backends, names, ctx).reason, 'granted');
  const decision = authorizeRoute(c, 'GET', '/api/billing/invoices', backends, names, ctx);
  assert.equal(decision.reason, 'missing_roles');
  assert.deepEqual(decision.missingRoles, ['Billing admin']);
});

test('a prefix matches whole path segments only', () => {
  const backends = [backend('/billing-api', ['r-read'])];
  const c = credential({ roles: [reader] });
  assert.equal(authorizeRoute(c, 'GET', '/billing-api', backends, names, ctx).reason, 'granted');
  assert.equal(authorizeRoute(c, 'GET', '/billing-api/invoices', backends, names, ctx).reason, 'granted');
  assert.equal(authorizeRoute(c, 'GET', '/billing-apix/invoices', backends, names, ctx).reason, 'no_route');
});

test('a request under no backend is denied no_route', () => {
  const decision = authorizeRoute(credential({ roles: [reader] }), 'GET', '/other/path', [backend('/api', [])], names, ctx);
  assert.equal(decision.allowed, false);
  assert.equal(decision.reason, 'no_route');
  assert.deepEqual(decision.roles, ['Billing reader']);
});

test('the credential must hold all required roles, and the answer lists the missing ones by name', () => {
  const backends = [backend('/api', ['r-read', 'r-write', 'r-admin'])];
  const decision = authorizeRoute(credential({ roles: [writer] }), 'GET', '/api/x', backends, names, ctx);
  assert.deepEqual(decision, {
    allowed: false,
    reason: 'missing_roles',
    credentialId: 'cred-1',
    roles: ['Billing writer'],
    grantedBy: [],
    missingRoles: ['Billing reader', 'Billing admin'],
  });
  const all = authorizeRoute(credential({ roles: [admin, reader, writer] }), 'GET', '/api/x', backends, names, ctx);
  assert.equal(all.allowed, true);
  assert.deepEqual(all.grantedBy, ['Billing reader', 'Billing writer', 'Billing admin']);
});

test('a backend that requires no roles lets any usable credential with a role through', () => {
  const decision = authorizeRoute(credential({ roles: [reader] }), 'DELETE', '/open/x', [backend('/open', [])], names, ctx);
  assert.equal(decision.allowed, true);
  assert.deepEqual(decision.grantedBy, []);
});

test('a matching sub-URL setting adds its roles to the backend list', () => {
  const backends = [backend('/api', ['r-read'], [subSetting('POST', '^/api/invoices', ['r-write'])])];
  const d = authorizeRoute(credential({ roles: [reader] }), 'POST', '/api/invoices/1', backends, names, ctx);
  assert.deepEqual(d.missingRoles, ['Billing writer']);
  assert.equal(authorizeRoute(credential({ roles: [reader, writer] }), 'POST', '/api/invoices/1', backends, names, ctx).allowed, true);
  assert.equal(authorizeRoute(credential({ roles: [writer] }), 'POST', '/api/invoices/1', backends, names, ctx).reason, 'missing_roles');
});

test('an override setting replaces the backend list instead of adding to it', () => {
  const backends = [backend('/api', ['r-read'], [subSetting('ANY', '^/api/admin(/|$)', ['r-admin'], true)])];
  assert.equal(authorizeRoute(credential({ roles: [admin] }), 'GET', '/api/admin/users', backends, names, ctx).allowed, true);
  const d = authorizeRoute(credential({ roles: [reader] }), 'GET', '/api/admin', backends, names, ctx);
  assert.deepEqual(d.missingRoles, ['Billing admin']);
  // Outside the setting's paths the backend list still applies.
  assert.deepEqual(authorizeRoute(credential({ roles: [admin] }), 'GET', '/api/clients', backends, names, ctx).missingRoles, [
    'Billing reader',
  ]);
});

test('only the first matching sub-URL setting applies', () => {
  const backends = [
    backend('/api', [], [subSetting('ANY', '/invoices', ['r-write']), subSetting('ANY', '/invoices/\\d+$', ['r-admin'], true)]),
  ];
  const requirement = requiredRolesFor(backends, 'GET', '/api/invoices/7');
  assert.equal(requirement?.subSettingIndex, 0);
  assert.deepEqual(requirement?.requiredRoleIds, ['r-write']);
});

test('a setting applies only to its HTTP method, ANY to every method, whatever the case of the request method', () => {
  const backends = [
    backend('/api', [], [subSetting('DELETE', '^/api/clients', ['r-admin']), subSetting('ANY', '^/api/tickets', ['r-write'])]),
  ];
  assert.deepEqual(requiredRolesFor(backends, 'GET', '/api/clients/1')?.requiredRoleIds, []);
  assert.deepEqual(requiredRolesFor(backends, 'DELETE', '/api/clients/1')?.requiredRoleIds, ['r-admin']);
  assert.deepEqual(requiredRolesFor(backends, 'delete', '/api/clients/1')?.requiredRoleIds, ['r-admin']);
  for (const method of ['GET', 'POST', 'PATCH', 'HEAD']) {
    assert.deepEqual(requiredRolesFor(backends, method, '/api/tickets')?.requiredRoleIds, ['r-write'], method);
  }
});

test('a GET setting also covers HEAD, which servers answer with their GET handler', () => {
  const backends = [backend('/api', [], [subSetting('GET', '^/api/export', ['r-admin']), subSetting('HEAD', '^/api/ping', ['r-read'])])];
  assert.deepEqual(requiredRolesFor(backends, 'HEAD', '/api/export')?.requiredRoleIds, ['r-admin']);
  assert.deepEqual(requiredRolesFor(backends, 'head', '/api/export')?.requiredRoleIds, ['r-admin']);
  assert.deepEqual(requiredRolesFor(backends, 'HEAD', '/api/ping')?.requiredRoleIds, ['r-read']);
  assert.deepEqual(requiredRolesFor(backends, 'GET', '/api/ping')?.requiredRoleIds, []);
  assert.deepEqual(requiredRolesFor(backends, 'POST', '/api/export')?.requiredRoleIds, []);
});

test('the setting regex sees the full path with the prefix and without the query string', () => {
  const backends = [backend('/billing-api', [], [subSetting('ANY', '^/billing-api/export$', ['r-admin'])])];
  const c = credential({ roles: [reader] });
  assert.equal(
    authorizeRoute(c, 'GET', '/billing-api/export?format=csv&x=/billing-api/export', backends, names, ctx).reason,
    'missing_roles',
  );
  assert.equal(authorizeRoute(c, 'GET', '/billing-api/export#top', backends, names, ctx).reason, 'missing_roles');
  assert.equal(authorizeRoute(c, 'GET', '/billing-api/exports', backends, names, ctx).reason, 'granted');
  assert.equal(canonicalPath('/a/b?c=d#e'), '/a/b');
});

test('doubled slashes and percent-encoding cannot move a request out from under a rule; dot segments are refused', () => {
  // nginx picks its location from the normalised path but forwards $request_uri as X-Original-URI.
  const backends = [
    backend('/public', []),
    backend('/admin', ['r-admin']),
    backend('/billing-api', [], [subSetting('ANY', '^/billing-api/admin(/|$)', ['r-admin'])]),
  ];
  const c = credential({ roles: [reader] });
  for (const uri of ['/billing-api//admin/x', '/billing-api/%61dmin/x', '/billing-api/%61%64%6D%69%6E', '/admin//users']) {
    const decision = authorizeRoute(c, 'GET', uri, backends, names, ctx);
    assert.equal(decision.reason, 'missing_roles', uri);
    assert.deepEqual(decision.missingRoles, ['Billing admin'], uri);
  }
  for (const uri of [
    '/public/../admin/users',
    '/public/./../admin/users',
    '/public/%2e%2e/admin/users',
    '/public/x%2F..%2F..%2Fadmin/users',
    '/billing-api/./admin',
    '/billing-api/x/../admin?y=1',
    '/public\\..\\admin',
    '/public/..;/admin',
    '//public/admin',
  ]) {
    const decision = authorizeRoute(c, 'GET', uri, backends, names, ctx);
    assert.equal(decision.reason, 'invalid_path', uri);
    assert.equal(decision.allowed, false, uri);
  }
});

test('a path that is not origin-form, or no path at all, is refused invalid_path', () => {
  const c = credential({ roles: [reader] });
  for (const uri of ['http://x/public', '*', '', '?x=1', 'public/x']) {
    assert.equal(authorizeRoute(c, 'GET', uri, [backend('/public', []), backend('/', [])], names, ctx).reason, 'invalid_path', uri);
  }
});

test('the query string cannot pick a different backend', () => {
  const backends = [backend('/public', []), backend('/admin', ['r-admin'])];
  const d = authorizeRoute(credential({ roles: [reader] }), 'GET', '/admin/users?next=/public', backends, names, ctx);
  assert.equal(d.reason, 'missing_roles');
});

test('an unusable credential is denied before any route is looked up', () => {
  const backends = [backend('/api', [])];
  assert.equal(authorizeRoute(null, 'GET', '/api', backends, names, ctx).reason, 'unknown_token');
  assert.equal(
    authorizeRoute(credential({ status: 'revoked', roles: [reader] }), 'GET', '/nowhere', backends, names, ctx).reason,
    'revoked',
  );
  assert.equal(authorizeRoute(credential({ roles: [] }), 'GET', '/api', backends, names, ctx).reason, 'no_roles');
  assert.equal(
    authorizeRoute(credential({ cidrs: ['10.0.0.0/8'], roles: [reader] }), 'GET', '/api', backends, names, ctx).reason,
    'ip_not_allowed',
  );
});

test('forward-auth answers 200 when allowed, 401 for an unusable token and 403 for missing permission', () => {
  const base = { credentialId: null, roles: [], grantedBy: [], missingRoles: [] };
  assert.equal(forwardAuthStatus({ ...base, allowed: true, reason: 'granted' }), 200);
  for (const reason of ['unknown_token', 'revoked', 'expired', 'disabled'] as const) {
    assert.equal(forwardAuthStatus({ ...base, allowed: false, reason }), 401, reason);
  }
  for (const reason of ['ip_not_allowed', 'no_roles', 'not_permitted', 'missing_roles', 'no_route', 'invalid_path'] as const) {
    assert.equal(forwardAuthStatus({ ...base, allowed: false, reason }), 403, reason);
  }
});
