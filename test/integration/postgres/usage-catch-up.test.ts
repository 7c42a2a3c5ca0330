import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { eventually, expectStatus, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startInstances, startPostgres, type Instance, type InstanceGroup, type PostgresCluster } from '../../helpers/postgres.ts';

// Issue 15: usage counts (DESIGN §3.13) are added to the database in batches off the hot path.
// A batch the database refuses is kept and merged with newer counts, and a slow batch is never
// written twice by an overlapping flush: after a PostgreSQL crash, or a flush held up by a lock,
// the stored count equals the number of decisions made — not fewer, not more.

let cluster: PostgresCluster;
const groups: InstanceGroup[] = [];
before(async () => {
  cluster = await startPostgres();
  // PostgreSQL is crashed on purpose here: a commit must be on disk before it is acknowledged,
  // as in production (the shared test cluster runs with synchronous_commit=off).
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query('alter role postgres set synchronous_commit = on');
  } finally {
    await admin.end();
  }
});
after(async () => {
  await Promise.allSettled(groups.map((g) => g.close()));
});

const FLUSH_MS = 200;

async function setUp(): Promise<{ instance: Instance; credentialId: string; secret: string; connect(): Promise<pg.Client> }> {
  const group = await startInstances(1, { server: { usageFlushMs: FLUSH_MS } });
  groups.push(group);
  const instance = group.instances[0]!;
  await seedCatalog(instance);
  const role = await makeRole(instance, { actions: ['GetClients'] });
  const { credential, secret } = await makeCredential(instance, { roles: [role.id] });
  const connect = async () => {
    const db = new pg.Client({ connectionString: group.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    return db;
  };
  return { instance, credentialId: credential.id as string, secret, connect };
}

async function authorize(instance: Instance, secret: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    const decision = expectStatus(
      await instance.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients' } }),
      200,
      'authorize',
    );
    assert.equal(decision.allowed, true);
  }
}

/** What the database holds for the credential: [minute rows' sum, hour rows' sum]. */
async function stored(db: pg.Client, credentialId: string): Promise<[number, number]> {
  const sum = async (table: string) =>
    Number(
      (
        await db.query<{ n: string | null }>(`select sum(count) as n from ${table} where credential_id = $1 and reason = 'granted'`, [
          credentialId,
        ])
      ).rows[0]!.n ?? 0,
    );
  return [await sum('usage_minute'), await sum('usage_hour')];
}

async function storedExactly(db: pg.Client, credentialId: string, expected: number, what: string): Promise<void> {
  let last: [number, number] = [0, 0];
  const reached = await eventually(
    async () => {
      last = await stored(db, credentialId);
      assert.ok(last[0] <= expected && last[1] <= expected, `${what}: more stored than counted: ${last.join(', ')} > ${expected}`);
      return last[0] === expected && last[1] === expected;
    },
    15_000,
    100,
  );
  assert.ok(reached, `${what}: stored ${last.join(' / ')} of ${expected}`);
}

/**
 * Nothing already stored is written again later, shown by a positive signal instead of a wait:
 * one more decision, then the flush that carries it. Every flush writes all that is waiting, so
 * a batch kept for a second write would arrive with it (storedExactly fails on any excess).
 */
async function storedOnceMore(instance: Instance, secret: string, db: pg.Client, credentialId: string, stored: number): Promise<void> {
  await authorize(instance, secret, 1);
  await storedExactly(db, credentialId, stored + 1, 'the next flush, with nothing written twice');
}

/**
 * Until PostgreSQL shows the server's flush waiting on the lock, and waiting for `ms` of its own
 * clock: the timer has then asked for further flushes meanwhile (every FLUSH_MS), which must
 * queue behind the held one, not overtake it. Polled: no event tells when a lock wait starts.
 */
async function flushHeldUp(db: pg.Client, ms: number): Promise<void> {
  const held = await eventually(
    async () =>
      (
        await db.query(
          `select 1 from pg_stat_activity
            where application_name = 'keyward' and wait_event_type = 'Lock'
              and clock_timestamp() - query_start >= $1 * interval '1 millisecond'`,
          [ms],
        )
      ).rowCount! > 0,
    15_000,
    50,
  );
  assert.ok(held, `no flush was seen waiting on the lock for ${ms} ms`);
}

test(
  'usage counted while PostgreSQL is down reaches the database after it returns, exactly once per decision',
  { timeout: 90_000 },
  async () => {
    const { instance, credentialId, secret, connect } = await setUp();
    await authorize(instance, secret, 20);
    let db = await connect();
    await storedExactly(db, credentialId, 20, 'before the outage');
    await db.end();

    cluster.pause('immediate');
    try {
      await authorize(instance, secret, 30); // answered from the cache
      assert.ok(
        await eventually(async () => instance.logs.some((line) => line.includes('writing usage counts failed')), 10_000, 50),
        'the flush failed while the database was down',
      );
      const usage = expectStatus(await instance.request('GET', `/v1/credentials/${credentialId}/usage`), 503, 'usage needs the database');
      assert.equal(usage.error.code, 'database_unavailable');
    } finally {
      cluster.resume();
    }
    await authorize(instance, secret, 10);
    db = await connect();
    try {
      await storedExactly(db, credentialId, 60, 'after recovery');
      await storedOnceMore(instance, secret, db, credentialId, 60);
      const usage = expectStatus(await instance.request('GET', `/v1/credentials/${credentialId}/usage`), 200, 'usage');
      assert.equal(usage.totals.allowed, 61);
    } finally {
      await db.end();
    }
  },
);

test(
  'a flush held up by a lock is not overtaken by the next ones: the counts arrive once, and usage answers count them meanwhile',
  { timeout: 60_000 },
  async () => {
    const { instance, credentialId, secret, connect } = await setUp();
    const db = await connect();
    try {
      await authorize(instance, secret, 5);
      await storedExactly(db, credentialId, 5, 'before the lock');
      // Another session holds the usage table: the next flush waits on it for as long as it lasts,
      // while the 200 ms timer keeps asking for more flushes.
      await db.query('begin');
      await db.query('lock table usage_minute in exclusive mode');
      try {
        await authorize(instance, secret, 25);
        await flushHeldUp(db, 5 * FLUSH_MS);
        await authorize(instance, secret, 10);
        const usage = expectStatus(await instance.request('GET', `/v1/credentials/${credentialId}/usage`), 200, 'usage');
        assert.equal(usage.totals.allowed, 40, 'counts being written, waiting or new are all in the answer');
      } finally {
        await db.query('rollback');
      }
      await storedExactly(db, credentialId, 40, 'after the lock');
      await storedOnceMore(instance, secret, db, credentialId, 40);
    } finally {
      await db.end();
    }
  },
);
