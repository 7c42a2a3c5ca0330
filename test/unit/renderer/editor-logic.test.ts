import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefixProblem, testRoute } from '../../../renderer/backends/route-test.ts';
import { expiryTimestamp, initialExpiry } from '../../../renderer/credentials/expiry.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

test('expiry presets count days from now, "never" means no expiry, a date expires at its end', () => {
  assert.equal(expiryTimestamp('30', '', NOW), '2026-01-31T00:00:00.000Z');
  assert.equal(expiryTimestamp('365', '', NOW), '2027-01-01T00:00:00.000Z');
  assert.equal(expiryTimestamp('never', '2026-05-01', NOW), null);
  assert.equal(expiryTimestamp('date', '2026-05-01', NOW), '2026-05-01T23:59:59.000Z');
});

const settings = [
  { method: 'POST' as const, pathRegex: '^/billing/invoices', requiredRoles: ['clerk'], override: false },
  { method: 'ANY' as const, pathRegex: '^/billing/public', requiredRoles: [], override: true },
];
const billing = { prefix: '/billing', requiredRoles: ['reader'], settings, caseSensitive: false };
const requirement = (result: ReturnType<typeof testRoute>) => (result?.kind === 'match' ? result.requirement : null);

test('under a lifetime policy a new credential starts at the latest allowed expiry, and that day is never past it', () => {
  const policy = (maxLifetimeDays: number | null) => ({ maxLifetimeDays, requireExpiry: maxLifetimeDays !== null, warnBeforeDays: 14 });
  assert.deepEqual(initialExpiry(null, NOW), { choice: '90', date: '' });
  assert.deepEqual(initialExpiry(policy(null), NOW), { choice: '90', date: '' });
  assert.deepEqual(initialExpiry(policy(30), NOW), { choice: '30', date: '' });
  assert.deepEqual(initialExpiry(policy(45), NOW), { choice: 'date', date: '2026-02-15' });
  const latest = NOW + 45 * 86_400_000;
  // The last allowed day means the latest allowed moment, not the end of that day (which is later).
  assert.equal(expiryTimestamp('date', '2026-02-15', NOW, latest), new Date(latest).toISOString());
  assert.equal(expiryTimestamp('date', '2026-02-14', NOW, latest), '2026-02-14T23:59:59.000Z');
  // A later day stays as picked: the server refuses it and says the latest allowed date.
  assert.equal(expiryTimestamp('date', '2026-02-16', NOW, latest), '2026-02-16T23:59:59.000Z');
});

test('"test a path" shows the first matching sub-URL setting and the roles it requires', () => {
  assert.deepEqual(requirement(testRoute(billing, 'POST', '/billing/invoices/7?x=1'))?.requiredRoleIds, ['reader', 'clerk']);
  assert.equal(requirement(testRoute(billing, 'POST', '/billing/invoices/7'))?.subSettingIndex, 0);
  assert.deepEqual(requirement(testRoute(billing, 'GET', '/billing/public/x'))?.requiredRoleIds, []);
  assert.equal(requirement(testRoute(billing, 'GET', '/billing/other'))?.subSettingIndex, null);
});

test('"test a path" judges the canonical path, ignoring case unless the backend is case-sensitive', () => {
  assert.equal(requirement(testRoute(billing, 'POST', '/Billing//%49nvoices/7'))?.subSettingIndex, 0);
  assert.deepEqual(testRoute({ ...billing, caseSensitive: true }, 'POST', '/Billing/invoices'), {
    kind: 'no_route',
    path: '/Billing/invoices',
  });
});

test('"test a path" says in words why a path is refused whatever the credential', () => {
  const refused = testRoute(billing, 'POST', '/billing/public/..%2Finvoices');
  assert.equal(refused?.kind, 'invalid_path');
  assert.match(refused?.kind === 'invalid_path' ? refused.message : '', /encoded slash/);
  const dots = testRoute(billing, 'POST', '/billing/public/../invoices');
  assert.deepEqual(dots && dots.kind === 'invalid_path' ? dots.problem : null, 'dot_segment');
});

test('"test a path" answers no_route for a path outside the prefix and nothing while a regex is invalid', () => {
  assert.equal(testRoute({ ...billing, requiredRoles: [] }, 'GET', '/shop/x')?.kind, 'no_route');
  assert.equal(
    testRoute({ ...billing, settings: [{ method: 'ANY', pathRegex: '(', requiredRoles: [], override: false }] }, 'GET', '/billing/x'),
    null,
  );
});

test('the frontend prefix field explains a prefix the server would refuse', () => {
  assert.equal(prefixProblem('/billing'), null);
  assert.equal(prefixProblem('billing'), 'Must start with “/”.');
  assert.match(prefixProblem('/billing/../admin') ?? '', /“\.\.”/);
  assert.match(prefixProblem('/billing;v=1') ?? '', /path parameter/);
});
