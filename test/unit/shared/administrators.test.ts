import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_ACTION_IDS } from '../../../shared/domain/admin-actions.ts';
import {
  administrators,
  isAdministrator,
  missingAdminActions,
  takesLastAdministrator,
  type AdministratorCandidate,
} from '../../../shared/domain/administrators.ts';
import { DAY, NOW } from './views.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const half = Math.ceil(ADMIN_ACTION_IDS.length / 2);
const roles = new Map<string, readonly string[]>([
  ['admin', [...ADMIN_ACTION_IDS]],
  ['first-half', ADMIN_ACTION_IDS.slice(0, half)],
  ['second-half', [...ADMIN_ACTION_IDS.slice(half), 'AddClient']],
  ['almost', ADMIN_ACTION_IDS.filter((a) => a !== 'keyward.audit.read')],
  ['business', ['AddClient', 'GetClients']],
]);
const cred = (fields: Partial<AdministratorCandidate> = {}): AdministratorCandidate => ({
  id: 'c1',
  status: 'active',
  expiresAt: null,
  roles: ['admin'],
  ...fields,
});

test('an active credential whose one role holds every keyward action is an administrator', () => {
  assert.equal(isAdministrator(cred(), roles, NOW), true);
});

test('roles together count: two halves of the administration actions make an administrator', () => {
  assert.equal(isAdministrator(cred({ roles: ['first-half', 'second-half'] }), roles, NOW), true);
  assert.equal(isAdministrator(cred({ roles: ['first-half'] }), roles, NOW), false);
});

test('one missing administration action is enough not to be an administrator, and names that action', () => {
  assert.equal(isAdministrator(cred({ roles: ['almost', 'business'] }), roles, NOW), false);
  assert.deepEqual(missingAdminActions([roles.get('almost')!, roles.get('business')!]), ['keyward.audit.read']);
  assert.deepEqual(missingAdminActions([]), ADMIN_ACTION_IDS);
});

test('revoked, disabled and expired credentials are never administrators, whatever their roles', () => {
  assert.equal(isAdministrator(cred({ status: 'revoked' }), roles, NOW), false);
  assert.equal(isAdministrator(cred({ status: 'disabled' }), roles, NOW), false);
  assert.equal(isAdministrator(cred({ expiresAt: iso(NOW) }), roles, NOW), false);
  assert.equal(isAdministrator(cred({ expiresAt: iso(NOW - 1) }), roles, NOW), false);
  assert.equal(isAdministrator(cred({ expiresAt: iso(NOW + DAY) }), roles, NOW), true);
});

test('a role id that no longer exists gives nothing, and business actions never count', () => {
  assert.equal(isAdministrator(cred({ roles: ['deleted-role'] }), roles, NOW), false);
  assert.equal(isAdministrator(cred({ roles: ['business'] }), roles, NOW), false);
  assert.equal(isAdministrator(cred({ roles: [] }), roles, NOW), false);
});

test('administrators() keeps exactly the administrators, in order', () => {
  const all = [
    cred({ id: 'a' }),
    cred({ id: 'b', status: 'disabled' }),
    cred({ id: 'c', roles: ['first-half', 'second-half'] }),
    cred({ id: 'd', roles: ['almost'] }),
  ];
  assert.deepEqual(
    administrators(all, roles, NOW).map((c) => c.id),
    ['a', 'c'],
  );
});

test('a write takes the last administrator only when there was one before and none is left after', () => {
  assert.equal(takesLastAdministrator(['a'], []), true);
  assert.equal(takesLastAdministrator(['a', 'b'], ['b']), false);
  assert.equal(takesLastAdministrator(['a'], ['c']), false, 'rights moved to another credential in the same write');
  assert.equal(takesLastAdministrator([], []), false, 'a database without administrator is not locked further');
});

test('an administrator whose secret exists only in this answer (a roll without grace) does not count as left', () => {
  assert.equal(takesLastAdministrator(['a'], ['a'], ['a']), true);
  assert.equal(takesLastAdministrator(['a', 'b'], ['a', 'b'], ['a']), false);
});
