import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_ACTION_IDS, adminGroup, isAdminAction } from '../../../shared/domain/admin-actions.ts';
import {
  effectiveStatus,
  escalatingActions,
  hygieneFlags,
  mayObtainKey,
  MAX_ROLL_GRACE_SECONDS,
  nameKey,
  policyWidens,
  regexProblem,
} from '../../../shared/domain/policy.ts';
import { compilePathRegex, storedPathMatcher } from '../../../shared/domain/path-regex.ts';
import { DAY, NOW } from './views.ts';

const iso = (ms: number) => new Date(ms).toISOString();

test('issuance policy null lets every user obtain a key, even one in no group', () => {
  assert.equal(mayObtainKey([], { allowedGroups: null }), true);
  assert.equal(mayObtainKey(['g-staff'], { allowedGroups: null }), true);
});

test('issuance policy [] lets nobody obtain a key', () => {
  assert.equal(mayObtainKey([], { allowedGroups: [] }), false);
  assert.equal(mayObtainKey(['g-staff', 'g-admins'], { allowedGroups: [] }), false);
});

test('issuance policy with groups lets members of any listed group obtain a key and nobody else', () => {
  const policy = { allowedGroups: ['g-resellers', 'g-staff'] };
  assert.equal(mayObtainKey(['g-staff'], policy), true);
  assert.equal(mayObtainKey(['g-other', 'g-resellers'], policy), true);
  assert.equal(mayObtainKey(['g-other'], policy), false);
  assert.equal(mayObtainKey([], policy), false);
});

test('a policy change widens the audience when it opens to everyone or adds a group', () => {
  assert.equal(policyWidens({ allowedGroups: [] }, { allowedGroups: null }), true);
  assert.equal(policyWidens({ allowedGroups: ['a'] }, { allowedGroups: ['a', 'b'] }), true);
  assert.equal(policyWidens({ allowedGroups: ['a', 'b'] }, { allowedGroups: ['a'] }), false);
  assert.equal(policyWidens({ allowedGroups: null }, { allowedGroups: ['a'] }), false);
  assert.equal(policyWidens({ allowedGroups: null }, { allowedGroups: null }), false);
  assert.equal(policyWidens({ allowedGroups: ['a'] }, { allowedGroups: [] }), false);
});

test('granting an administration action the caller lacks is escalation; API actions never are', () => {
  const callerHas = new Set(['keyward.roles.write', 'keyward.roles.read']);
  const granted = ['AddClient', 'keyward.roles.read', 'keyward.credentials.write', 'keyward.audit.read', 'keyward.credentials.write'];
  assert.deepEqual(
    escalatingActions(granted, (a) => callerHas.has(a)),
    ['keyward.audit.read', 'keyward.credentials.write'],
  );
  assert.deepEqual(
    escalatingActions(['AddClient', 'DeleteClient'], () => false),
    [],
  );
  assert.deepEqual(
    escalatingActions(ADMIN_ACTION_IDS, () => true),
    [],
  );
});

test('only the built-in keyward actions count as administration actions', () => {
  for (const id of ADMIN_ACTION_IDS) assert.equal(isAdminAction(id), true, id);
  for (const id of ['keyward', 'keyward.', 'keyward.toString', 'Keyward.roles.write', 'AddClient', 'billing.keyward.roles.write']) {
    assert.equal(isAdminAction(id), false, id);
  }
  const group = adminGroup();
  assert.equal(group.id, 'keyward');
  assert.deepEqual(
    group.actions.map((a) => a.id),
    ADMIN_ACTION_IDS,
  );
  assert.ok(group.actions.every((a) => a.description.length > 0));
});

test('a credential past its expiry shows as expired unless it is revoked', () => {
  assert.equal(effectiveStatus('active', iso(NOW - 1), NOW), 'expired');
  assert.equal(effectiveStatus('active', iso(NOW), NOW), 'expired');
  assert.equal(effectiveStatus('disabled', iso(NOW - DAY), NOW), 'expired');
  assert.equal(effectiveStatus('revoked', iso(NOW - DAY), NOW), 'revoked');
  assert.equal(effectiveStatus('active', iso(NOW + 1000), NOW), 'active');
  assert.equal(effectiveStatus('disabled', null, NOW), 'disabled');
  assert.equal(effectiveStatus('active', null, NOW), 'active');
});

test('hygiene flags a live credential without expiry, expiring within 14 days, unused for 90 days or without roles', () => {
  const base = {
    createdAt: iso(NOW - 10 * DAY),
    lastUsedAt: iso(NOW - DAY),
    expiresAt: iso(NOW + 60 * DAY),
    roles: ['r1'],
    status: 'active' as const,
  };
  assert.deepEqual(hygieneFlags(base, NOW), { noExpiry: false, expiringSoon: false, unused90Days: false, noRoles: false });
  assert.equal(hygieneFlags({ ...base, expiresAt: null }, NOW).noExpiry, true);
  assert.equal(hygieneFlags({ ...base, expiresAt: iso(NOW + 13 * DAY) }, NOW).expiringSoon, true);
  assert.equal(hygieneFlags({ ...base, expiresAt: iso(NOW + 14 * DAY) }, NOW).expiringSoon, true);
  assert.equal(hygieneFlags({ ...base, expiresAt: iso(NOW + 15 * DAY) }, NOW).expiringSoon, false);
  assert.equal(hygieneFlags({ ...base, expiresAt: iso(NOW - DAY), status: 'expired' }, NOW).expiringSoon, false);
  assert.equal(hygieneFlags({ ...base, lastUsedAt: iso(NOW - 91 * DAY) }, NOW).unused90Days, true);
  assert.equal(hygieneFlags({ ...base, lastUsedAt: iso(NOW - 89 * DAY) }, NOW).unused90Days, false);
  // Never used: the creation date counts.
  assert.equal(hygieneFlags({ ...base, lastUsedAt: null, createdAt: iso(NOW - 100 * DAY) }, NOW).unused90Days, true);
  assert.equal(hygieneFlags({ ...base, lastUsedAt: null, createdAt: iso(NOW - 5 * DAY) }, NOW).unused90Days, false);
  assert.equal(hygieneFlags({ ...base, roles: [] }, NOW).noRoles, true);
  assert.equal(hygieneFlags({ ...base, status: 'disabled', expiresAt: null }, NOW).noExpiry, true);
});

test('revoked and expired credentials raise no hygiene flags, since they no longer work', () => {
  const stale = { createdAt: iso(NOW - 400 * DAY), lastUsedAt: null, expiresAt: null, roles: [], status: 'revoked' as const };
  assert.deepEqual(hygieneFlags(stale, NOW), { noExpiry: false, expiringSoon: false, unused90Days: false, noRoles: false });
  assert.deepEqual(hygieneFlags({ ...stale, status: 'expired', expiresAt: iso(NOW - DAY) }, NOW), {
    noExpiry: false,
    expiringSoon: false,
    unused90Days: false,
    noRoles: false,
  });
});

test('role names are compared without regard to case or surrounding spaces', () => {
  assert.equal(nameKey('  Billing Read-Only '), nameKey('billing read-only'));
  assert.notEqual(nameKey('Billing'), nameKey('Billing 2'));
});

test('a sub-URL pattern that does not compile is explained in a sentence', () => {
  assert.equal(regexProblem('^/api/(clients|invoices)$'), null);
  assert.equal(regexProblem(''), 'The pattern is empty.');
  assert.match(regexProblem('^/api/(') ?? '', /^Not a valid regular expression: /);
  assert.match(regexProblem('x'.repeat(1001)) ?? '', /longer than 1,000/);
});

test('a sub-URL pattern with a lookaround or backreference is refused, saying patterns are matched in linear time', () => {
  assert.match(regexProblem('^/api/(?!admin)') ?? '', /linear time .*lookarounds and backreferences/);
  assert.match(regexProblem('^/api/(?<!admin)x') ?? '', /linear time .*lookarounds/, 'lookbehinds too');
  assert.match(regexProblem('^/api/(?<=admin)x') ?? '', /linear time .*lookarounds/);
  assert.match(regexProblem('^/api/(a)\\1$') ?? '', /linear time/);
});

test('a nested-quantifier sub-URL pattern matches a long hostile path at once instead of backtracking', () => {
  for (const pattern of ['^/re/(a+)+$', '^/re/(a|aa)+$', '^/re/(\\w+/?)+$']) {
    const matcher = compilePathRegex(pattern, { caseSensitive: true });
    // A backtracking engine needs about 2^5000 steps for this path (the test would never end).
    assert.equal(matcher.test(`/re/${'a'.repeat(5_000)}!`), false, pattern);
    assert.equal(matcher.test('/re/aaaa'), true, pattern);
  }
});

test('stored patterns that no longer compile match no path instead of breaking every decision', () => {
  assert.equal(storedPathMatcher('^/api/(?!admin)', { caseSensitive: true }).test('/api/x'), false);
  assert.equal(storedPathMatcher('^/api/x$', { caseSensitive: true }).test('/api/x'), true);
});

test('a roll grace period is capped at 24 hours', () => {
  assert.equal(MAX_ROLL_GRACE_SECONDS, 86_400);
});
