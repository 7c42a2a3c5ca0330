import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LastUsedTracker } from '../../../server/authz/last-used.ts';
import { UsageCounter } from '../../../server/authz/usage-counter.ts';
import { openDatabase } from '../../../server/storage/database.ts';
import type { OpenDatabase } from '../../../server/storage/types.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { startPostgres } from '../../helpers/postgres.ts';

// lastUsedAt and usage counts reach the database in batches off the hot path (DESIGN §3.13).
// A batch can hold thousands of credentials; on SQLite every statement runs synchronously, so a
// flush written as one long run of statements would stop the event loop — and every
// authorization answered from the cache — until it ends. These tests flush thousands of entries
// into a real SQLite file and a real PostgreSQL database and check that the event loop ran while
// the flush was under way, and that every value arrived.

const dir = mkdtempSync(join(tmpdir(), 'keyward-batches-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CREDENTIALS = 3000;

async function withDatabase(kind: 'sqlite' | 'postgres', run: (database: OpenDatabase, ids: string[]) => Promise<void>) {
  const pgDatabase = kind === 'postgres' ? await createTestDatabase((await startPostgres()).url) : null;
  const database = await openDatabase(
    pgDatabase ? { databaseUrl: pgDatabase.databaseUrl } : { dbPath: join(dir, `${Math.random().toString(36).slice(2)}.db`) },
  );
  try {
    const now = new Date().toISOString();
    const ids = Array.from({ length: CREDENTIALS }, (_, i) => `cred-${String(i).padStart(5, '0')}`);
    const rows = ids.map((id) => ({
      id,
      name: id,
      description: '',
      owner_id: null,
      status: 'active' as const,
      prefix: 'kw_abcdef',
      secret_hash: `hash-${id}`,
      previous_hash: null,
      previous_valid_until: null,
      created_at: now,
      expires_at: null,
      last_used_at: null,
      allowed_cidrs: '[]',
      version: 1,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await database.db
        .insertInto('credentials')
        .values(rows.slice(i, i + 500))
        .execute();
    await run(database, ids);
  } finally {
    await database.close();
    await pgDatabase?.drop();
  }
}

/** Resolves with the flush's result and how many times the event loop came round meanwhile. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work();
  done = true;
  return { value, turns };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`a lastUsedAt flush of thousands of credentials lets the event loop run between its writes, and writes every one (${kind})`, async () => {
    await withDatabase(kind, async (database, ids) => {
      const tracker = new LastUsedTracker(database.db, 3_600_000, () => undefined);
      const usedAt = Date.parse('2026-06-01T12:00:00.000Z');
      ids.forEach((id, i) => tracker.touch(id, usedAt + i));
      const { turns } = await turnsDuring(() => tracker.flush(true));
      assert.ok(turns >= 2, `the event loop came round ${turns} times during the flush`);
      assert.equal(tracker.unwritten, 0);
      const stored = await database.db.selectFrom('credentials').select(['id', 'last_used_at']).orderBy('id').execute();
      assert.deepEqual(
        stored.map((r) => r.last_used_at),
        ids.map((_, i) => new Date(usedAt + i).toISOString()),
      );

      // An older use flushed later (another instance, a retried batch) never replaces a newer one.
      tracker.touch(ids[0]!, usedAt - 60_000);
      tracker.touch(ids[1]!, usedAt + 60_000);
      await tracker.flush(true);
      const [first, second] = await database.db
        .selectFrom('credentials')
        .select('last_used_at')
        .where('id', 'in', [ids[0]!, ids[1]!])
        .orderBy('id')
        .execute();
      assert.equal(first!.last_used_at, new Date(usedAt).toISOString());
      assert.equal(second!.last_used_at, new Date(usedAt + 60_000).toISOString());
      await tracker.close();
    });
  });

  test(`a usage flush of thousands of counts lets the event loop run between its writes, and adds every count (${kind})`, async () => {
    await withDatabase(kind, async (database, ids) => {
      const counter = new UsageCounter(database.db, 3_600_000, () => undefined);
      const at = Date.parse('2026-06-01T12:00:30.000Z');
      for (const id of ids) {
        counter.count(id, 'granted', at);
        counter.count(id, 'granted', at);
        counter.count(id, 'revoked', at);
      }
      const { turns } = await turnsDuring(() => counter.flush());
      assert.ok(turns >= 2, `the event loop came round ${turns} times during the flush`);
      const sums = async (table: 'usage_minute' | 'usage_hour') =>
        (
          await database.db
            .selectFrom(table)
            .select(['reason', (eb) => eb.fn.sum<string>('count').as('n')])
            .groupBy('reason')
            .orderBy('reason')
            .execute()
        ).map((r) => [r.reason, Number(r.n)]);
      const expected = [
        ['granted', 2 * CREDENTIALS],
        ['revoked', CREDENTIALS],
      ];
      assert.deepEqual(await sums('usage_minute'), expected);
      assert.deepEqual(await sums('usage_hour'), expected);
      await counter.close();
    });
  });
}

test('usage counts beyond the retry buffer during a long outage are dropped oldest first, and the drop is reported (sqlite)', async () => {
  await withDatabase('sqlite', async (database, ids) => {
    const dropped: { credentialMinutes: number; until: string }[] = [];
    const errors: unknown[] = [];
    const counter = new UsageCounter(database.db, 3_600_000, (error) => errors.push(error), {
      maxRetryEntries: 4,
      onDropped: (d) => dropped.push(d),
    });
    // The outage: the table the flush writes to is gone.
    await database.db.schema.alterTable('usage_minute').renameTo('usage_minute_away').execute();
    const first = Date.parse('2026-06-01T12:00:30.000Z');
    for (const id of ids.slice(0, 3)) counter.count(id, 'granted', first);
    for (const id of ids.slice(0, 3)) counter.count(id, 'granted', first + 60_000);
    await counter.flush();
    assert.equal(errors.length, 1, 'the failed write is reported');
    assert.deepEqual(dropped, [{ credentialMinutes: 3, until: '2026-06-01T12:01:00.000Z' }], 'the oldest minute went, and the log says so');
    assert.deepEqual(
      counter.pending().map((r) => r.minute),
      [first + 60_000, first + 60_000, first + 60_000].map((ms) => Math.floor(ms / 60_000)),
      'the newer minute is kept for the retry',
    );

    await database.db.schema.alterTable('usage_minute_away').renameTo('usage_minute').execute();
    await counter.flush();
    const stored = await database.db
      .selectFrom('usage_minute')
      .select((eb) => eb.fn.sum<string>('count').as('n'))
      .executeTakeFirst();
    assert.equal(Number(stored?.n), 3, 'what was kept is written once the database is back');
    assert.equal(dropped.length, 1);
    await counter.close();
  });
});
