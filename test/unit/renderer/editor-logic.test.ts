import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testRoute } from '../../../renderer/backends/route-test.ts';
import { expiryTimestamp } from '../../../renderer/credentials/expiry.ts';

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

test('"test a path" shows the first matching sub-URL setting and the roles it requires', () => {
  assert.deepEqual(testRoute('/billing', ['reader'], settings, 'POST', '/billing/invoices/7?x=1')?.requiredRoleIds, ['reader', 'clerk']);
  assert.equal(testRoute('/billing', ['reader'], settings, 'POST', '/billing/invoices/7')?.subSettingIndex, 0);
  assert.deepEqual(testRoute('/billing', ['reader'], settings, 'GET', '/billing/public/x')?.requiredRoleIds, []);
  assert.equal(testRoute('/billing', ['reader'], settings, 'GET', '/billing/other')?.subSettingIndex, null);
});

test('"test a path" answers nothing for a path outside the prefix or while a regex is invalid', () => {
  assert.equal(testRoute('/billing', [], settings, 'GET', '/shop/x'), null);
  assert.equal(
    testRoute('/billing', [], [{ method: 'ANY', pathRegex: '(', requiredRoles: [], override: false }], 'GET', '/billing/x'),
    null,
  );
});
