import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createKeytarStore } from '../../../electron/services/secret-store.ts';
import { startTestApp } from './app-harness.ts';

// The embedded default: a new user starts a backend in-process (SQLite in the user-data folder)
// and works at once; its bootstrap admin token goes straight into the keychain.

const app = startTestApp();
after(() => app.close());

test('starting the local server creates a "Local server" profile, keeps its token in the keychain and connects', async () => {
  const status = await app.api.localServer.start();
  assert.equal(status.running, true);
  assert.match(status.url!, /^http:\/\/127\.0\.0\.1:\d+/);
  assert.equal(status.dataDir, join(app.dir, 'local-server'));
  const [profile] = await app.api.profiles.list();
  assert.equal(profile!.kind, 'local');
  assert.equal(profile!.name, 'Local server');
  const token = await createKeytarStore().get(profile!.id);
  assert.match(token!, /^kw_/);
  const session = await app.api.session.status();
  assert.equal(session.state, 'online');
  assert.equal(session.profileId, profile!.id);

  const role = await app.api.roles.create({ name: 'Works at once', actions: ['keyward.roles.read'] });
  assert.equal(role.name, 'Works at once');
  const dbFiles = readdirSync(status.dataDir).filter((f) => f.endsWith('.sqlite'));
  assert.deepEqual(dbFiles, ['keyward.sqlite']);
  const onDisk = app.diskText();
  assert.ok(!onDisk.includes(token!), 'the bootstrap token reached the disk');
  assert.ok(!readFileSync(join(status.dataDir, 'keyward.sqlite')).toString('latin1').includes(token!));
});

test('stopping and starting again reuses the same database and the token from the keychain', async () => {
  const stopped = await app.api.localServer.stop();
  assert.equal(stopped.running, false);
  assert.equal((await app.api.session.status()).state, 'disconnected');
  const again = await app.api.localServer.start();
  assert.equal(again.running, true);
  const roles = await app.api.roles.list();
  assert.ok(roles.some((r) => r.name === 'Works at once'));
  assert.equal((await app.api.profiles.list()).length, 1);
});
