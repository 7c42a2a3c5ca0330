import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditQuery, customRange, localInstant, NO_FILTERS, presetRange, SYSTEM_ACTOR } from '../../../renderer/audit/audit-filters.ts';
import { collectAudit, EXPORT_PAGE_SIZE, ExportCancelled, exportText } from '../../../renderer/audit/audit-export.ts';
import { checkIpcArgument } from '../../../shared/ipc/validate.ts';
import type { AuditEntry } from '../../../shared/domain/types.ts';

test('the audit filters become exactly the query the server takes, and the IPC layer accepts it', () => {
  assert.deepEqual(auditQuery(NO_FILTERS), {});
  const query = auditQuery({
    action: 'role.update',
    targetType: 'user', // a chosen target wins over the type
    target: { type: 'role', id: 'role_1', label: 'Ops' },
    actor: SYSTEM_ACTOR,
    time: { from: '2026-12-01T10:00:00.000Z', to: '2026-12-02T10:00:00.000Z', label: '…' },
  });
  assert.deepEqual(query, {
    action: 'role.update',
    targetType: 'role',
    targetId: 'role_1',
    actorId: 'system',
    from: '2026-12-01T10:00:00.000Z',
    to: '2026-12-02T10:00:00.000Z',
  });
  assert.equal(checkIpcArgument('audit.list', { ...query, limit: 50 }), null);
  assert.notEqual(checkIpcArgument('audit.list', { from: 'yesterday' }), null);
});

test('a time preset is fixed when picked: from that moment back, open towards now', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  assert.deepEqual(presetRange('1h', now), { from: '2026-12-02T11:00:00.000Z', label: 'last hour' });
  assert.deepEqual(presetRange('30d', now), { from: '2026-11-02T12:00:00.000Z', label: 'last 30 days' });
});

test('a custom range needs one end at least, complete dates, and From before To, each message at its field', () => {
  assert.deepEqual(customRange('', ''), { errors: { from: 'Enter a start, an end, or both' } });
  assert.deepEqual(customRange('2026-12-02T10:00', '2026-12-02T10:00'), { errors: { to: 'Must be later than From' } });
  assert.deepEqual(customRange('2026-12-03T10:00', '2026-12-02T10:00'), { errors: { to: 'Must be later than From' } });
  assert.deepEqual(customRange('2026-12-02', ''), { errors: { from: 'Enter a complete date and time' } });
  assert.deepEqual(customRange('', '', { to: true }), { errors: { to: 'Enter a complete date and time' } });
  const both = customRange('2026-12-01T10:00', '2026-12-02T10:30');
  assert.equal(both.range?.from, new Date(localInstant('2026-12-01T10:00')!).toISOString());
  assert.equal(both.range?.to, new Date(localInstant('2026-12-02T10:30')!).toISOString());
  assert.match(both.range!.label, /–/);
  assert.deepEqual(Object.keys(customRange('2026-12-01T10:00', '').range!), ['from', 'label']);
  assert.match(customRange('', '2026-12-01T10:00').range!.label, /^before /);
});

const entry = (i: number): AuditEntry => ({
  id: `aud_${String(1e6 - i).padStart(7, '0')}`,
  at: new Date(Date.UTC(2026, 11, 2) - i * 1000).toISOString(),
  actorId: 'cred_a',
  action: 'role.update',
  target: { type: 'role', id: `role_${i}` },
  before: { description: 'a, "b"' },
  after: { description: 'c' },
});

test('an export follows the cursor to the last matching entry with the filters on every page', async () => {
  const all = Array.from({ length: 2 * EXPORT_PAGE_SIZE + 5 }, (_, i) => entry(i));
  const asked: object[] = [];
  const list = async (q: { cursor?: string; limit?: number }) => {
    asked.push(q);
    const start = q.cursor ? Number(q.cursor) : 0;
    const end = start + q.limit!;
    return { items: all.slice(start, end), nextCursor: end < all.length ? String(end) : null };
  };
  const progress: number[] = [];
  const got = await collectAudit(list, { actorId: 'cred_a', from: '2026-11-01T00:00:00Z' }, (n) => progress.push(n));
  assert.deepEqual(got, all);
  assert.deepEqual(progress, [1000, 2000, 2005]);
  assert.equal(asked.length, 3);
  for (const q of asked)
    assert.deepEqual({ ...q, cursor: undefined }, { actorId: 'cred_a', from: '2026-11-01T00:00:00Z', limit: 1000, cursor: undefined });

  const controller = new AbortController();
  await assert.rejects(
    collectAudit(list, {}, () => controller.abort(), controller.signal),
    (e) => e instanceof ExportCancelled,
  );

  const csv = exportText('csv', got.slice(0, 2)).trimEnd().split('\n');
  assert.equal(csv.length, 3);
  assert.match(csv[1]!, /"description: “a, ""b""” → “c”"$/);
  assert.deepEqual(JSON.parse(exportText('json', got.slice(0, 2))), got.slice(0, 2));
});
