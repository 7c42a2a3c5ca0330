import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorizeAction } from '../../../shared/domain/authorize.ts';
import { DAY, NOW, credential, role } from './views.ts';

// DESIGN §3.3: allowed iff the credential is active (not revoked, not expired, request IP inside
// its CIDRs if any) and at least one of its roles includes the action.

const ctx = { nowMs: NOW };
const billing = role('Billing read-only', ['GetInvoices', 'GetTransactions']);
const support = role('Support agent', ['OpenTicket', 'GetInvoices']);
const empty = role('Empty');

test('a credential is allowed an action when any one of its roles includes it', () => {
  const decision = authorizeAction(credential({ roles: [empty, billing] }), 'GetTransactions', ctx);
  assert.deepEqual(decision, {
    allowed: true,
    reason: 'granted',
    credentialId: 'cred-1',
    roles: ['Empty', 'Billing read-only'],
    grantedBy: ['Billing read-only'],
    missingRoles: [],
  });
});

test('the decision names every role that grants the action', () => {
  const decision = authorizeAction(credential({ roles: [billing, support] }), 'GetInvoices', ctx);
  assert.equal(decision.allowed, true);
  assert.deepEqual(decision.grantedBy, ['Billing read-only', 'Support agent']);
});

test('an action that none of the roles include is denied not_permitted', () => {
  const decision = authorizeAction(credential({ roles: [billing, support] }), 'DeleteClient', ctx);
  assert.deepEqual(decision, {
    allowed: false,
    reason: 'not_permitted',
    credentialId: 'cred-1',
    roles: ['Billing read-only', 'Support agent'],
    grantedBy: [],
    missingRoles: [],
  });
});

test('a credential with no roles is denied every action with no_roles', () => {
  const decision = authorizeAction(credential({ roles: [] }), 'GetInvoices', ctx);
  assert.equal(decision.allowed, false);
  assert.equal(decision.reason, 'no_roles');
});

test('a credential whose roles have no actions is denied not_permitted', () => {
  const decision = authorizeAction(credential({ roles: [empty, role('Also empty')] }), 'GetInvoices', ctx);
  assert.equal(decision.reason, 'not_permitted');
});

test('an unknown token is denied unknown_token without a credential id', () => {
  assert.deepEqual(authorizeAction(null, 'GetInvoices', ctx), {
    allowed: false,
    reason: 'unknown_token',
    credentialId: null,
    roles: [],
    grantedBy: [],
    missingRoles: [],
  });
});

test('a revoked credential is denied revoked even when it is also expired, disabled or out of range', () => {
  const c = credential({ status: 'revoked', expiresAtMs: NOW - DAY, cidrs: ['10.0.0.0/8'], roles: [billing] });
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '192.0.2.1' }).reason, 'revoked');
});

test('an expired credential is denied expired before disabled is considered', () => {
  const c = credential({ status: 'disabled', expiresAtMs: NOW - 1, roles: [billing] });
  assert.equal(authorizeAction(c, 'GetInvoices', ctx).reason, 'expired');
});

test('a credential expires at the instant of its expiry', () => {
  assert.equal(authorizeAction(credential({ expiresAtMs: NOW, roles: [billing] }), 'GetInvoices', ctx).reason, 'expired');
  assert.equal(authorizeAction(credential({ expiresAtMs: NOW + 1, roles: [billing] }), 'GetInvoices', ctx).reason, 'granted');
});

test('a disabled credential is denied disabled and allowed again once enabled', () => {
  assert.equal(authorizeAction(credential({ status: 'disabled', roles: [billing] }), 'GetInvoices', ctx).reason, 'disabled');
  assert.equal(authorizeAction(credential({ status: 'active', roles: [billing] }), 'GetInvoices', ctx).reason, 'granted');
});

test('a CIDR-bound credential asked about without an ip is denied ip_not_allowed', () => {
  const c = credential({ cidrs: ['10.0.0.0/8'], roles: [billing] });
  assert.equal(authorizeAction(c, 'GetInvoices', ctx).reason, 'ip_not_allowed');
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '' }).reason, 'ip_not_allowed');
});

test('a CIDR-bound credential is allowed only from inside its ranges', () => {
  const c = credential({ cidrs: ['10.0.0.0/8', '2001:db8::/32'], roles: [billing] });
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '10.1.2.3' }).reason, 'granted');
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '::ffff:10.1.2.3' }).reason, 'granted');
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '2001:db8::7' }).reason, 'granted');
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '192.0.2.1' }).reason, 'ip_not_allowed');
});

test('the address check comes before the role check, so an outsider learns nothing about roles', () => {
  const c = credential({ cidrs: ['10.0.0.0/8'], roles: [] });
  assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip: '192.0.2.1' }).reason, 'ip_not_allowed');
});

test('a credential without CIDRs is allowed from any address', () => {
  const c = credential({ roles: [billing] });
  for (const ip of ['192.0.2.1', '2001:db8::1', undefined]) {
    assert.equal(authorizeAction(c, 'GetInvoices', { nowMs: NOW, ip }).reason, 'granted');
  }
});

test('action ids are matched exactly, not by case or prefix', () => {
  const c = credential({ roles: [billing] });
  for (const action of ['getinvoices', 'GetInvoice', 'GetInvoices ', '']) {
    assert.equal(authorizeAction(c, action, ctx).reason, 'not_permitted', JSON.stringify(action));
  }
});
