import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkIpcArgument } from '../../../shared/ipc/validate.ts';
import { placeErrors, problemInWords } from '../../../renderer/common/field-errors.ts';
import { ownLoss } from '../../../renderer/app/own-loss.ts';
import { auditCsv, auditDiff } from '../../../renderer/audit/audit-diff.ts';
import type { Credential, Role } from '../../../shared/domain/types.ts';

const LABELS = {
  name: 'Name',
  description: 'Description',
  expiresAt: 'Expiry',
  allowedCidrs: 'Allowed networks',
  ownerId: 'Owner',
  roles: 'Access Roles',
};

test('an IPC validation error lands on its field in words: "Name: at most 100 characters"', () => {
  const error = checkIpcArgument('credentials.create', { name: 'x'.repeat(101), roles: [], expiresAt: 'soon' });
  const placed = placeErrors(error, LABELS);
  assert.equal(placed.byField['name'], 'Name: at most 100 characters');
  assert.equal(placed.byField['expiresAt'], 'Expiry: not a valid date');
  assert.equal(placed.other, null);
});

test('an edit’s nested argument (set.name) lands on the same field as a create’s', () => {
  const error = checkIpcArgument('credentials.update', { id: 'c1', expectedVersion: 1, set: { name: '' } });
  assert.equal(placeErrors(error, LABELS).byField['name'], 'Name: must not be empty');
});

test('the server’s HTTP problems and its coded refusals land on their fields; the rest stays for the dialog', () => {
  const http = {
    code: 'invalid_request',
    message: 'Invalid request: …',
    details: { problems: [{ field: 'body.description', problem: 'must not have more than 1000 characters' }] },
  };
  assert.equal(placeErrors(http, LABELS).byField['description'], 'Description: at most 1000 characters');
  const future = { code: 'invalid_request', message: 'expiresAt must be in the future.', details: { expiresAt: '2020-01-01T00:00:00Z' } };
  assert.equal(placeErrors(future, LABELS).byField['expiresAt'], 'Expiry: must be in the future');
  const cidr = {
    code: 'invalid_cidr',
    message: '"10.0.0.0/33" is not a valid address range: prefix too long',
    details: { cidr: '10.0.0.0/33' },
  };
  assert.match(placeErrors(cidr, LABELS).byField['allowedCidrs']!, /^Allowed networks: "10\.0\.0\.0\/33"/);
  const stale = { code: 'version_mismatch', message: 'Someone else changed it.' };
  assert.deepEqual(placeErrors(stale, LABELS), { byField: {}, other: 'Someone else changed it.' });
});

test('schema wording becomes plain words', () => {
  assert.equal(problemInWords('must not have fewer than 8 characters'), 'at least 8 characters');
  assert.equal(problemInWords('must not be blank'), 'must not be empty');
});

const role = (id: string, actions: string[]): Role => ({
  id,
  name: id,
  description: '',
  actions,
  version: 1,
  createdAt: '',
  updatedAt: '',
});
const me = { id: 'me', roles: ['admin', 'side'], status: 'active' } as Credential;
const roles = [role('admin', ['keyward.roles.read', 'keyward.roles.write']), role('side', ['GetClients', 'keyward.roles.read'])];

test('the console’s own token loses only what no other of its roles still grants', () => {
  assert.deepEqual(ownLoss(me, roles, { kind: 'delete-role', roleId: 'side' }), { lost: ['GetClients'], admin: [] });
  assert.deepEqual(ownLoss(me, roles, { kind: 'edit-role', roleId: 'admin', actions: ['keyward.roles.read'] }), {
    lost: ['keyward.roles.write'],
    admin: ['keyward.roles.write'],
  });
  assert.equal(ownLoss(me, roles, { kind: 'edit-role', roleId: 'side', actions: ['GetClients'] }), null);
  assert.equal(ownLoss(me, roles, { kind: 'stop', credentialId: 'someone else' }), null);
  assert.equal(ownLoss(me, roles, { kind: 'stop', credentialId: 'me' })?.lost, 'all');
  assert.equal(ownLoss(me, roles, { kind: 're-role', credentialId: 'me', roles: ['admin'] })?.lost.length, 1);
});

test('an audit entry’s change reads as actions added and removed and fields old → new, without bookkeeping', () => {
  const lines = auditDiff(
    { name: 'Ops', actions: ['GetClients', 'DeleteClient'], version: 1 },
    { name: 'Operations', actions: ['GetClients', 'AddClient'], version: 2 },
  ).map((l) => l.text);
  assert.deepEqual(lines, ['actions: + AddClient', 'actions: − DeleteClient', 'name: “Ops” → “Operations”']);
  assert.deepEqual(
    auditDiff(null, { name: 'New' }).map((l) => l.text),
    ['name: — → “New”'],
  );
});

test('the audit CSV quotes what needs quoting and carries the readable change', () => {
  const csv = auditCsv([
    {
      id: 'a1',
      at: '2026-01-01T00:00:00Z',
      actorId: 'c1',
      action: 'role.update',
      target: { type: 'role', id: 'r1' },
      before: { name: 'a,b' },
      after: { name: 'c' },
    },
  ]);
  assert.equal(csv, 'at,actorId,action,targetType,targetId,change\n2026-01-01T00:00:00Z,c1,role.update,role,r1,"name: “a,b” → “c”"\n');
});
