import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testRoute } from '../../../renderer/backends/route-test.ts';
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
