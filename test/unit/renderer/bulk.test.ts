import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bulkSummary, nameList, runEach } from '../../../renderer/common/bulk.ts';

test('a bulk confirmation names up to four items, then the first three and how many more', () => {
  assert.equal(nameList(['a']), '“a”');
  assert.equal(nameList(['a', 'b']), '“a” and “b”');
  assert.equal(nameList(['a', 'b', 'c', 'd']), '“a”, “b”, “c” and “d”');
  assert.equal(nameList(['a', 'b', 'c', 'd', 'e', 'f']), '“a”, “b”, “c” and 3 more');
});

test('a bulk result says how many worked, and which failed and why, a refusal in words', () => {
  const noun = ['credential', 'credentials'] as const;
  assert.equal(bulkSummary('Revoked', noun, 5, []), 'Revoked 5 credentials.');
  assert.equal(bulkSummary('Revoked', noun, 1, []), 'Revoked 1 credential.');
  const refusal = { code: 'last_administrator', message: 'The last one.', status: 409 };
  const summary = bulkSummary('Revoked', noun, 3, [{ id: 'c1', name: 'admin', error: refusal }]);
  assert.match(summary, /^Revoked 2 of 3 credentials; 1 failed\. “admin”: Refused: this would leave the server without an administrator/);
});

test('a bulk run goes on past a failure, reports progress for each item and answers the failures', async () => {
  const seen: number[] = [];
  const items = [
    { id: '1', name: 'one' },
    { id: '2', name: 'two' },
    { id: '3', name: 'three' },
  ];
  const failed = await runEach(
    items,
    async (item) => {
      if (item.id === '2') throw new Error('nope');
    },
    (done) => seen.push(done),
  );
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(
    failed.map((f) => [f.id, (f.error as Error).message]),
    [['2', 'nope']],
  );
});
