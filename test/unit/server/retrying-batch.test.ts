import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RetryingBatch } from '../../../server/authz/retrying-batch.ts';

// The buffer behind lastUsedAt (latest timestamp wins) and usage counters (counts add up): a
// batch the database refused is kept and merged with what arrived meanwhile, so after any mix of
// failed and successful flushes the database holds exactly what a single perfect flush would.

/** A database twin: a Map the batch writes into, failing when told to. */
function store<V>(combine: (stored: V, written: V) => V) {
  const rows = new Map<string, V>();
  let failing = false;
  return {
    rows,
    setFailing: (value: boolean) => void (failing = value),
    write: async (batch: ReadonlyMap<string, V>) => {
      await Promise.resolve();
      if (failing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      for (const [key, value] of batch) rows.set(key, rows.has(key) ? combine(rows.get(key)!, value) : value);
    },
  };
}

test('timestamps written during an outage are kept and the latest per key reaches the database once it is back', async () => {
  const db = store<number>(Math.max);
  const batch = new RetryingBatch<string, number>({ merge: Math.max, write: db.write });
  batch.add('c1', 100);
  db.setFailing(true);
  await assert.rejects(batch.flush());
  batch.add('c1', 90); // an older value arriving late never wins
  batch.add('c2', 200);
  await assert.rejects(batch.flush());
  assert.equal(batch.peek('c1'), 100, 'still visible while unwritten');
  db.setFailing(false);
  assert.deepEqual((await batch.flush()).sort(), ['c1', 'c2']);
  assert.deepEqual([...db.rows].sort(), [
    ['c1', 100],
    ['c2', 200],
  ]);
  assert.equal(batch.size, 0);
});

test('values added while a batch is being written are neither lost nor counted twice when that write fails', async () => {
  const db = store<number>((a, b) => a + b);
  const batch = new RetryingBatch<string, number>({ merge: (a, b) => a + b, write: db.write });
  batch.add('k', 3);
  db.setFailing(true);
  const flushing = batch.flush();
  batch.add('k', 4); // during the write
  assert.equal(batch.peek('k'), 7, 'peek sums the batch in flight and the new value');
  await assert.rejects(flushing);
  assert.equal(batch.peek('k'), 7);
  db.setFailing(false);
  await batch.flush();
  assert.equal(db.rows.get('k'), 7);
});

test('only the entries selected as due are written; the rest wait for a later flush', async () => {
  const db = store<number>(Math.max);
  const batch = new RetryingBatch<string, number>({ merge: Math.max, write: db.write });
  batch.add('due', 1);
  batch.add('later', 2);
  assert.deepEqual(await batch.flush((key) => key === 'due'), ['due']);
  assert.deepEqual([...db.rows], [['due', 1]]);
  assert.equal(batch.peek('later'), 2);
});

test('counts: any sequence of adds and failing or succeeding flushes ends with every count in the database exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(fc.record({ add: fc.constantFrom('a', 'b', 'c'), n: fc.integer({ min: 1, max: 5 }) }), fc.record({ flush: fc.boolean() })),
        {
          maxLength: 40,
        },
      ),
      async (steps) => {
        const db = store<number>((x, y) => x + y);
        const batch = new RetryingBatch<string, number>({ merge: (x, y) => x + y, write: db.write });
        const expected = new Map<string, number>();
        const flushes: Promise<unknown>[] = [];
        for (const step of steps) {
          if ('add' in step) {
            batch.add(step.add, step.n);
            expected.set(step.add, (expected.get(step.add) ?? 0) + step.n);
          } else {
            db.setFailing(!step.flush);
            flushes.push(batch.flush().catch(() => undefined));
          }
        }
        await Promise.all(flushes);
        db.setFailing(false);
        await batch.flush();
        assert.deepEqual(new Map([...db.rows].sort()), new Map([...expected].sort()));
      },
    ),
    { numRuns: 200 },
  );
});
