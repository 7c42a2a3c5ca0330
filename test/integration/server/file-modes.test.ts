import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer } from '../../../server/index.ts';
import { openSecretFile } from '../../../server/private-files.ts';
import { makeRequest } from '../../helpers/server.ts';

// Local file access (DESIGN §4): the database, its -wal/-shm files and the bootstrap token file
// are readable by the server's user only, a data folder the server creates is 0700, and the
// token's temp file is created exclusively under a random name, so a symlink planted where
// the old predictable temp name would be is never written through.

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-modes-'));
  dirs.push(dir);
  return dir;
}

const mode = (path: string) => statSync(path).mode & 0o777;

test('the database, its WAL and SHM files and the token file are 0600 and a new data folder is 0700', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data', 'keyward');
  const dbPath = join(dataDir, 'keyward.sqlite');
  const tokenFile = join(dir, 'bootstrap.token');
  // An attacker who can write the folder plants a link where the temp file used to be named.
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'original\n', { mode: 0o644 });
  symlinkSync(victim, join(dir, `.bootstrap.token.${process.pid}.tmp`));
  const server = await startServer({ host: '127.0.0.1', port: 0, dbPath, bootstrapTokenFile: tokenFile, logStream: { write() {} } });
  try {
    const token = readFileSync(tokenFile, 'utf8').trim();
    // A write, so SQLite has certainly created and used its -wal and -shm files.
    const request = makeRequest(server.url, token);
    const created = await request('POST', '/v1/roles', { body: { name: 'Written', actions: [] } });
    assert.equal(created.status, 201, created.text);
    for (const file of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) assert.equal(mode(file).toString(8), '600', file);
    assert.equal(mode(dataDir).toString(8), '700', 'the data folder the server created');
    assert.equal(mode(join(dir, 'data')).toString(8), '700', 'and its parent it created too');
    assert.ok(lstatSync(tokenFile).isFile(), 'the token file is a plain file');
    assert.equal(mode(tokenFile).toString(8), '600');
    assert.equal(readFileSync(victim, 'utf8'), 'original\n', 'the planted link was not followed');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp') && !f.includes(String(process.pid))),
      [],
      'no temp file is left behind',
    );
  } finally {
    await server.close();
  }
});

test('an existing database file is narrowed to 0600 when the server opens it', async () => {
  const dir = tempDir();
  const dbPath = join(dir, 'old.sqlite');
  writeFileSync(dbPath, '', { mode: 0o644 });
  const server = await startServer({ host: '127.0.0.1', port: 0, dbPath, bootstrapTokenFile: join(dir, 't'), logStream: { write() {} } });
  try {
    assert.equal(mode(dbPath).toString(8), '600');
  } finally {
    await server.close();
  }
});

test('a secret file is never written through a file or link already at its temp path', () => {
  const dir = tempDir();
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'original\n');
  symlinkSync(victim, join(dir, '.token.tmp'));
  assert.throws(() => openSecretFile(join(dir, 'token'), '.token.tmp'), /cannot write the token file .*EEXIST/);
  assert.equal(readFileSync(victim, 'utf8'), 'original\n');
  // A dangling link is refused too (O_EXCL): it would otherwise create the file it points to.
  symlinkSync(join(dir, 'created-by-link'), join(dir, '.dangling.tmp'));
  assert.throws(() => openSecretFile(join(dir, 'token'), '.dangling.tmp'), /EEXIST/);
  assert.throws(() => statSync(join(dir, 'created-by-link')), /ENOENT/);
});

test('a secret file replaces a link at its final path instead of writing through it', () => {
  const dir = tempDir();
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'original\n');
  symlinkSync(victim, join(dir, 'token'));
  const file = openSecretFile(join(dir, 'token'));
  file.commit('kw_secret\n');
  assert.equal(readFileSync(victim, 'utf8'), 'original\n');
  assert.ok(lstatSync(join(dir, 'token')).isFile());
  assert.equal(mode(join(dir, 'token')).toString(8), '600');
  assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'kw_secret\n');
});
