import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AuthzCache } from '../../../server/authz/cache.ts';
import { SecretHasher } from '../../../server/authz/hasher.ts';
import { LastUsedTracker } from '../../../server/authz/last-used.ts';
import { decide } from '../../../server/services/authorization-service.ts';
import { SYSTEM_ACTOR, ServiceContext } from '../../../server/services/context.ts';
import { createCredential } from '../../../server/services/credential-issuing.ts';
import { setCredentialStatus } from '../../../server/services/credential-service.ts';
import { openDatabase } from '../../../server/storage/database.ts';
import type { OpenDatabase } from '../../../server/storage/types.ts';
import { eventually } from '../../helpers/builders.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { startPostgres } from '../../helpers/postgres.ts';

// Issue 15: a write commits, and then reloading this instance's cache fails (the database went
// away between COMMIT and the reload). The write happened — on PostgreSQL the same COMMIT also
// sent its notification to the other instances — so the answer must be the write's own result,
// not a 503 the client would answer by repeating a committed write. But the cache now misses it
// (a revoked credential would still pass here), so this instance fails closed at once, and
// answers from its cache again only after a background reload has caught up.

const dir = mkdtempSync(join(tmpdir(), 'keyward-committed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Probe {
  /** The next reload of the cache fails. */
  failNextReload(): void;
  /** What the feed reported (in sync or not), in order. */
  statuses: boolean[];
  /** Errors of committed writes the cache could not apply. */
  behind: unknown[];
}

async function withContext(kind: 'sqlite' | 'postgres', run: (ctx: ServiceContext, database: OpenDatabase, probe: Probe) => Promise<void>) {
  const pgDatabase = kind === 'postgres' ? await createTestDatabase((await startPostgres()).url) : null;
  const database = await openDatabase(
    pgDatabase ? { databaseUrl: pgDatabase.databaseUrl } : { dbPath: join(dir, `${Math.random().toString(36).slice(2)}.db`) },
  );
  const lastUsed = new LastUsedTracker(database.db, 60_000, () => undefined);
  try {
    await database.ready?.();
    const cache = new AuthzCache(database.db);
    const ctx = new ServiceContext({
      db: database.db,
      feed: database.feed,
      cache,
      hasher: new SecretHasher(Buffer.alloc(32, 7)),
      lastUsed,
      serializable: kind === 'postgres',
    });
    // The cache's reload as the server subscribes it, failing once as a reload does when the
    // database stops answering right after a commit.
    let failNext = false;
    database.feed.subscribe(async (events) => {
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
      }
      await cache.apply(events);
    });
    const statuses: boolean[] = [];
    ctx.followFeed(30_000, (inSync) => statuses.push(inSync));
    const behind: unknown[] = [];
    ctx.onCacheBehind = (error) => behind.push(error);
    await cache.loadAll();
    await run(ctx, database, { failNextReload: () => void (failNext = true), statuses, behind });
  } finally {
    await lastUsed.close().catch(() => undefined);
    await database.close();
    await pgDatabase?.drop();
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`${kind}: a revoke that committed but could not reload the cache answers the revoked credential (no error, no second write) and the instance fails closed until its cache has it`, async () => {
    await withContext(kind, async (ctx, database, probe) => {
      const { credential, secret } = await createCredential(ctx, SYSTEM_ACTOR, { name: 'Committed' });
      const ask = () => decide(ctx, secret, { action: 'GetClients' }, undefined).reason;
      assert.equal(ask(), 'no_roles', 'the cache knows the credential (active, no roles)');

      probe.failNextReload();
      const revoked = await setCredentialStatus(ctx, SYSTEM_ACTOR, credential.id, 'revoked');
      assert.equal(revoked.status, 'revoked', 'the answer is the committed write');
      assert.equal(probe.behind.length, 1, 'the failed reload was reported');

      const row = await database.db
        .selectFrom('credentials')
        .select(['status', 'version'])
        .where('id', '=', credential.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([row.status, Number(row.version)], ['revoked', credential.version + 1], 'written exactly once');
      const audits = await database.db.selectFrom('audit').select('action').where('target_id', '=', credential.id).execute();
      assert.equal(audits.filter((a) => a.action !== 'credential.create').length, 1, 'one audit entry for the revoke');

      assert.equal(ask(), 'stale_cache', 'fails closed at once: the cache does not know of the revoke yet');
      assert.ok(await eventually(async () => ask() === 'revoked', 5000, 10), 'the background reload catches up');
      assert.equal(ctx.cacheTrusted(ctx.now()), true);
      assert.deepEqual(probe.statuses.slice(-2), [false, true], 'the feed reported itself behind, then in sync');
    });
  });
}
