import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { eventually, expectStatus, makeCredential, makeRole, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestResponse } from '../../helpers/server.ts';

// Issue 15 on SQLite: the disk fills up, the database file becomes read-only, or another
// process holds the database's write lock.
// Writes are refused with 503 database_unavailable and Retry-After (never a 500), reads and
// authorization keep working, uses recorded meanwhile are written once there is room again,
// writes work again by themselves, and the file is never corrupted.

const cleanups: (() => void)[] = [];
after(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

function refusedProperly(res: TestResponse): boolean {
  return res.status === 503 && res.json?.error?.code === 'database_unavailable' && Number(res.headers.get('retry-after')) > 0;
}

function integrity(dbPath: string): string {
  const db = new SQLite(dbPath, { readonly: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** A small tmpfs of its own (root only, as on CI): a disk that can really run full. */
function smallDisk(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  assert.equal(mounted.status, 0, `mount a ${size} tmpfs (the test runs as root): ${mounted.stderr}`);
  cleanups.push(() => {
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the rest of the disk; answers the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return path;
}

test(
  'a full disk refuses writes with 503, keeps authorizing and reading, writes the uses it kept once there is room, and leaves an intact database',
  { timeout: 60_000 },
  async () => {
    const disk = smallDisk('4m');
    const dbPath = join(disk, 'keyward.sqlite');
    const server = await startTestServer({ sqlite: true, dbPath, lastUsedFlushMs: 200, logLevel: 'warn' });
    let closed = false;
    cleanups.push(() => void (closed || server.close()));
    await seedCatalog(server);
    const role = await makeRole(server, { actions: ['GetClients'] });
    const { credential, secret } = await makeCredential(server, { roles: [role.id] });

    const filler = fill(disk);
    const acked: string[] = [];
    let refusal: TestResponse | null = null;
    // The write-ahead log may still have room for a few writes; the first one that does not fit is refused.
    for (let i = 0; i < 500 && !refusal; i += 1) {
      const name = unique('Full disk');
      const res = await server.request('POST', '/v1/roles', { body: { name, actions: ['GetClients'] } });
      if (res.status === 201) acked.push(name);
      else refusal = res;
    }
    assert.ok(refusal, 'a write on the full disk is refused');
    assert.ok(
      refusedProperly(refusal),
      `503 database_unavailable with Retry-After, got ${refusal.status} ${refusal.text} ${server.logs.join('\n').slice(-1500)}`,
    );

    const decision = expectStatus(
      await server.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients' } }),
      200,
      'authorize',
    );
    assert.equal(decision.allowed, true, 'authorization answers from memory');
    const usedAt = Date.now();
    expectStatus(await server.request('GET', '/v1/roles'), 200, 'reads work on a full disk');
    assert.ok(
      await eventually(async () => server.logs.some((line) => line.includes('writing lastUsedAt failed')), 10_000, 50),
      'the use could not be written while the disk was full',
    );

    rmSync(filler);
    assert.ok(
      await eventually(
        async () => (await server.request('POST', '/v1/roles', { body: { name: unique('After'), actions: [] } })).status === 201,
        10_000,
        50,
      ),
      'writes work again once there is room',
    );
    const reader = new SQLite(dbPath, { readonly: true });
    try {
      assert.ok(
        await eventually(
          async () => {
            const row = reader.prepare('select last_used_at from credentials where id = ?').get(credential.id) as {
              last_used_at: string | null;
            };
            return row.last_used_at !== null && Date.parse(row.last_used_at) >= usedAt - 1000;
          },
          10_000,
          50,
        ),
        'the use kept in memory reached the database',
      );
    } finally {
      reader.close();
    }

    const names = new Set((expectStatus(await server.request('GET', '/v1/roles'), 200, 'roles').items as Json[]).map((r) => r.name));
    assert.deepEqual(
      acked.filter((n) => !names.has(n)),
      [],
      'every acknowledged write is there',
    );
    closed = true;
    await server.close().catch(() => undefined);
    assert.equal(integrity(dbPath), 'ok');
  },
);

test(
  'another process holding the write lock gets writes refused with 503 after a short wait, not a stalled server; they work again once it lets go',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-lock-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'keyward.sqlite');
    const server = await startTestServer({ sqlite: true, dbPath, logLevel: 'warn' });
    let closed = false;
    cleanups.push(() => void (closed || server.close()));
    await seedCatalog(server);
    const role = await makeRole(server, { actions: ['GetClients'] });
    const { secret } = await makeCredential(server, { roles: [role.id] });

    const locker = new SQLite(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      const started = Date.now();
      const res = await server.request('POST', '/v1/roles', { body: { name: unique('Locked'), actions: [] } });
      assert.ok(refusedProperly(res), `503 database_unavailable with Retry-After, got ${res.status} ${res.text}`);
      console.log(`a write under another process's lock was refused after ${Date.now() - started} ms`);
      const decision = expectStatus(
        await server.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients' } }),
        200,
        'authorize',
      );
      assert.equal(decision.allowed, true);
      expectStatus(await server.request('GET', '/v1/roles'), 200, 'reads work under the lock (WAL)');
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    const after = await server.request('POST', '/v1/roles', { body: { name: unique('Unlocked'), actions: [] } });
    assert.equal(after.status, 201, after.text);
    closed = true;
    await server.close();
    assert.equal(integrity(dbPath), 'ok');
  },
);

/**
 * Makes files read-only for everyone, root included (root ignores permission bits): the
 * immutable attribute, which the kernel enforces on writes through descriptors already open.
 * The shared-memory index (-shm) stays writable: SQLite maps it, and a write to a mapping of an
 * immutable file kills the process with SIGBUS rather than returning an error.
 */
function setImmutable(paths: string[], on: boolean): void {
  const result = spawnSync('chattr', [on ? '+i' : '-i', ...paths], { encoding: 'utf8' });
  assert.equal(result.status, 0, `chattr ${on ? '+i' : '-i'} (the test runs as root on a file system with attributes): ${result.stderr}`);
}

test(
  'a database file that becomes read-only refuses writes with 503, keeps authorizing and reading, writes the uses it kept once writable again, and leaves an intact database',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-readonly-'));
    const dbPath = join(dir, 'keyward.sqlite');
    const files = [dbPath, `${dbPath}-wal`];
    let immutable = false;
    cleanups.push(() => {
      if (immutable) spawnSync('chattr', ['-i', ...files]);
      rmSync(dir, { recursive: true, force: true });
    });
    const server = await startTestServer({ sqlite: true, dbPath, lastUsedFlushMs: 200, logLevel: 'warn' });
    let closed = false;
    cleanups.push(() => void (closed || server.close()));
    await seedCatalog(server);
    const role = await makeRole(server, { actions: ['GetClients'] });
    const { credential, secret } = await makeCredential(server, { roles: [role.id] });

    setImmutable(files, true);
    immutable = true;
    let usedAt = 0;
    try {
      const refused = await server.request('POST', '/v1/roles', { body: { name: unique('Read-only'), actions: ['GetClients'] } });
      assert.ok(refusedProperly(refused), `503 database_unavailable with Retry-After, got ${refused.status} ${refused.text}`);
      const revoke = await server.request('POST', `/v1/credentials/${credential.id}/revoke`);
      assert.ok(refusedProperly(revoke), `a revoke is refused the same way, got ${revoke.status} ${revoke.text}`);

      const decision = expectStatus(
        await server.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients' } }),
        200,
        'authorize',
      );
      assert.equal(decision.allowed, true, 'authorization answers from memory (the refused revoke did not happen)');
      usedAt = Date.now();
      expectStatus(await server.request('GET', '/v1/roles'), 200, 'reads work on a read-only file');
      assert.ok(
        await eventually(async () => server.logs.some((line) => line.includes('writing lastUsedAt failed')), 10_000, 50),
        'the use could not be written while the file was read-only',
      );
      assert.equal((await server.request('GET', '/v1/health', { token: null })).status, 200, 'the process stays up');
    } finally {
      setImmutable(files, false);
      immutable = false;
    }

    const name = unique('Writable again');
    assert.ok(
      await eventually(async () => (await server.request('POST', '/v1/roles', { body: { name, actions: [] } })).status === 201, 10_000, 50),
      'writes work again once the file is writable',
    );
    const reader = new SQLite(dbPath, { readonly: true });
    try {
      assert.ok(
        await eventually(
          async () => {
            const row = reader.prepare('select last_used_at from credentials where id = ?').get(credential.id) as {
              last_used_at: string | null;
            };
            return row.last_used_at !== null && Date.parse(row.last_used_at) >= usedAt - 1000;
          },
          10_000,
          50,
        ),
        'the use kept in memory reached the database',
      );
    } finally {
      reader.close();
    }
    const stillActive = expectStatus(await server.request('GET', `/v1/credentials/${credential.id}`), 200, 'credential');
    assert.equal(stillActive.status, 'active', 'the refused revoke left no trace');
    closed = true;
    await server.close();
    assert.equal(integrity(dbPath), 'ok');
  },
);
