import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { AuthzCache } from '../../../server/authz/cache.ts';
import { SecretHasher } from '../../../server/authz/hasher.ts';
import { LastUsedTracker } from '../../../server/authz/last-used.ts';
import { recoverAdministrator } from '../../../server/bootstrap.ts';
import { ServiceContext } from '../../../server/services/context.ts';
import { openDatabase } from '../../../server/storage/database.ts';
import type { OpenDatabase } from '../../../server/storage/types.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { startPostgres } from '../../helpers/postgres.ts';

// Two operators (or a supervisor restarting a crash loop) start the server with --recover-admin
// on the same database at the same moment, with no administrator left: exactly one recovery
// administrator is issued. The other start is told a recovery is under way and issues nothing.
// Several instances share a database on PostgreSQL (SQLite is one server's file), so the race is
// run there.

const dir = mkdtempSync(join(tmpdir(), 'keyward-recover-race-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function instance(target: { databaseUrl?: string | undefined; dbPath: string }) {
  const database: OpenDatabase = await openDatabase(target.databaseUrl ? { databaseUrl: target.databaseUrl } : { dbPath: target.dbPath });
  await database.ready?.();
  const lastUsed = new LastUsedTracker(database.db, 60_000, () => undefined);
  const cache = new AuthzCache(database.db);
  const ctx = new ServiceContext({
    db: database.db,
    feed: database.feed,
    cache,
    hasher: new SecretHasher(Buffer.alloc(32, 9)),
    lastUsed,
    serializable: Boolean(target.databaseUrl),
  });
  await cache.loadAll();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return {
    ctx,
    database,
    lines,
    recover: () => recoverAdministrator(ctx, { tokenFile: undefined, logger }),
    close: async () => {
      await lastUsed.close().catch(() => undefined);
      await database.close();
    },
  };
}

test('two simultaneous --recover-admin starts on one PostgreSQL database issue exactly one recovery administrator', async () => {
  const pg = await createTestDatabase((await startPostgres()).url);
  const target = { databaseUrl: pg.databaseUrl, dbPath: join(dir, 'keyward.sqlite') };
  const a = await instance(target);
  const b = await instance(target);
  try {
    const tokens = await Promise.all([a.recover(), b.recover()]);
    const issued = tokens.filter((t): t is string => t !== null);
    assert.equal(issued.length, 1, `one token, got ${issued.length}`);
    const credentials = await a.database.db.selectFrom('credentials').select('name').execute();
    assert.equal(credentials.filter((c) => c.name.startsWith('recovery ')).length, 1, 'one recovery credential in the database');
    const roles = await a.database.db.selectFrom('roles').select('name').execute();
    assert.equal(roles.filter((r) => r.name.startsWith('Recovery administrator')).length, 1, 'one recovery role');
    assert.match([...a.lines, ...b.lines].join(''), /recovery is already under way|administrator is still active/);

    // Once it is over, a later start sees the administrator it issued and does nothing.
    assert.equal(await a.recover(), null);
  } finally {
    await a.close();
    await b.close();
    await pg.drop();
  }
});

test('a recovery lock left by a start that died mid-recovery stops blocking after ten minutes', async () => {
  const pg = await createTestDatabase((await startPostgres()).url);
  const a = await instance({ databaseUrl: pg.databaseUrl, dbPath: join(dir, 'unused.sqlite') });
  try {
    const stamp = (minutesAgo: number) => `${new Date(Date.now() - minutesAgo * 60_000).toISOString()} crashed-start`;
    await a.database.db
      .insertInto('settings')
      .values({ key: 'recover_admin_lock', value: stamp(2) })
      .execute();
    assert.equal(await a.recover(), null, 'a recent lock: another recovery may still be running');
    assert.match(a.lines.join(''), /recovery is already under way/);

    await a.database.db
      .updateTable('settings')
      .set({ value: stamp(11) })
      .where('key', '=', 'recover_admin_lock')
      .execute();
    const token = await a.recover();
    assert.match(token ?? '', /^kw_/, 'a stale lock is taken over and the recovery goes ahead');
    const left = await a.database.db.selectFrom('settings').select('key').where('key', '=', 'recover_admin_lock').execute();
    assert.equal(left.length, 0, 'the lock is released afterwards');
  } finally {
    await a.close();
    await pg.drop();
  }
});
