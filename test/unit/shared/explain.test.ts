import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../../shared/domain/authorize.ts';
import { backend, credential, namesOf, NOW, role, subSetting } from './views.ts';

// The explainer (POST /v1/explain and the desktop access checker) gives the same decision as
// authorization plus a per-role breakdown, so an admin sees which role granted or is missing.

const ctx = { nowMs: NOW };
const billing = role('Billing read-only', ['GetInvoices'], 'r-billing');
const support = role('Support agent', ['OpenTicket', 'GetInvoices'], 'r-support');
const admin = role('Billing admin', [], 'r-admin');
const names = namesOf(billing, support, admin);

test('an action explanation marks, per role of the credential, whether it includes the action', () => {
  const explanation = explain(credential({ roles: [billing, support] }), { action: 'OpenTicket' }, [], names, ctx);
  assert.equal(explanation.allowed, true);
  assert.deepEqual(explanation.grantedBy, ['Support agent']);
  assert.deepEqual(explanation.breakdown, [
    { roleId: 'r-billing', name: 'Billing read-only', includesAction: false, required: null },
    { roleId: 'r-support', name: 'Support agent', includesAction: true, required: null },
  ]);
  assert.equal(explanation.route, null);
});

test('a route explanation names the backend, the deciding sub-URL setting and the required roles', () => {
  const backends = [backend('/billing-api', ['r-billing'], [subSetting('POST', '^/billing-api/invoices', ['r-admin'])], 'Billing API')];
  const explanation = explain(
    credential({ roles: [billing, support] }),
    { method: 'POST', path: '/billing-api/invoices?x=1' },
    backends,
    names,
    ctx,
  );
  assert.equal(explanation.reason, 'missing_roles');
  assert.deepEqual(explanation.missingRoles, ['Billing admin']);
  assert.deepEqual(explanation.route, {
    backendId: 'backend-Billing API',
    backendName: 'Billing API',
    subSettingIndex: 0,
    requiredRoles: ['Billing read-only', 'Billing admin'],
  });
  assert.deepEqual(
    explanation.breakdown.map((b) => [b.name, b.required]),
    [
      ['Billing read-only', true],
      ['Support agent', false],
    ],
  );
});

test('a route explanation without a matching backend has no route and says no_route', () => {
  const explanation = explain(
    credential({ roles: [billing] }),
    { method: 'GET', path: '/elsewhere' },
    [backend('/billing-api', [])],
    names,
    ctx,
  );
  assert.equal(explanation.reason, 'no_route');
  assert.equal(explanation.route, null);
});

test('an explanation of an unusable credential still lists its roles so the admin sees what it holds', () => {
  const explanation = explain(credential({ status: 'disabled', roles: [billing] }), { action: 'GetInvoices' }, [], names, ctx);
  assert.equal(explanation.reason, 'disabled');
  assert.deepEqual(explanation.roles, ['Billing read-only']);
  assert.equal(explanation.breakdown[0]?.includesAction, true);
});
