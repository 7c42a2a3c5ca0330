import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorizeRoute, type BackendView } from '../../../shared/domain/authorize.ts';
import { compilePathRegex } from '../../../shared/domain/path-regex.ts';
import { credential, namesOf, NOW, role } from './views.ts';

// DESIGN §3.4: many routers (Express, ASP.NET) ignore case, so prefixes and sub-URL patterns
// match case-insensitively unless the backend says caseSensitive: true.

const ctx = { nowMs: NOW };
const reader = role('Billing read-only', [], 'r-read');
const clerk = role('Billing clerk', [], 'r-clerk');
const names = namesOf(reader, clerk);

function billing(caseSensitive: boolean): BackendView {
  return {
    id: 'billing',
    name: 'Billing API',
    frontendPrefix: '/billing-api',
    requiredRoleIds: ['r-read'],
    caseSensitive,
    subSettings: [
      {
        method: 'POST',
        regex: compilePathRegex('^/billing-api/invoices(/|$)', { caseSensitive }),
        requiredRoleIds: ['r-clerk'],
        override: false,
      },
    ],
  };
}

test('changing the case of letters does not step around a rule of a backend that ignores case', () => {
  const readOnly = credential({ roles: [reader] });
  for (const uri of ['/billing-api/invoices', '/Billing-Api/Invoices', '/BILLING-API/INVOICES/7', '/billing-api/%49nvoices']) {
    const decision = authorizeRoute(readOnly, 'POST', uri, [billing(false)], names, ctx);
    assert.equal(decision.reason, 'missing_roles', uri);
    assert.deepEqual(decision.missingRoles, ['Billing clerk'], uri);
  }
  assert.equal(
    authorizeRoute(credential({ roles: [reader, clerk] }), 'POST', '/BILLING-API/Invoices', [billing(false)], names, ctx).reason,
    'granted',
  );
});

test('a case-sensitive backend matches its prefix and patterns exactly', () => {
  const readOnly = credential({ roles: [reader] });
  assert.equal(authorizeRoute(readOnly, 'POST', '/billing-api/invoices', [billing(true)], names, ctx).reason, 'missing_roles');
  assert.equal(authorizeRoute(readOnly, 'POST', '/billing-api/Invoices', [billing(true)], names, ctx).reason, 'granted');
  assert.equal(authorizeRoute(readOnly, 'GET', '/Billing-api/x', [billing(true)], names, ctx).reason, 'no_route');
});

test('case folding applies to letters only: "@" and "`" (one bit apart, like A and a) stay distinct', () => {
  const at: BackendView = { ...billing(false), frontendPrefix: '/@team', subSettings: [] };
  const readOnly = credential({ roles: [reader] });
  assert.equal(authorizeRoute(readOnly, 'GET', '/@TEAM/x', [at], names, ctx).reason, 'granted');
  assert.equal(authorizeRoute(readOnly, 'GET', '/`team/x', [at], names, ctx).reason, 'no_route');
});
