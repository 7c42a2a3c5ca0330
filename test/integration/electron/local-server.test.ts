import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createKeytarStore } from '../../../electron/services/secret-store.ts';
import { startTestApp } from './app-harness.ts';

// The embedded default: a new user starts a backend in-process (SQLite in the user-data folder)
// and works at once; its bootstrap admin token goes straight into the keychain. Each test has
// its own app and user-data folder.

function freshApp(t: TestContext): ReturnType<typeof startTestApp> {
  const app = startTestApp();
  t.after(() => app.close());
  return app;
}

test('starting the local server creates a "Local server" profile, keeps its token in the keychain and connects', async (t) => {
  const app = freshApp(t);
  const status = await app.api.localServer.start({});
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

test('stopping and starting again reuses the same database and the token from the keychain', async (t) => {
  const app = freshApp(t);
  await app.api.localServer.start({});
  await app.api.roles.create({ name: 'Works at once', actions: ['keyward.roles.read'] });
  const stopped = await app.api.localServer.stop();
  assert.equal(stopped.running, false);
  assert.equal((await app.api.session.status()).state, 'disconnected');
  const again = await app.api.localServer.start({});
  assert.equal(again.running, true);
  const roles = await app.api.roles.list();
  assert.ok(roles.some((r) => r.name === 'Works at once'));
  assert.equal((await app.api.profiles.list()).length, 1);
});

const DEMO_ROLES = ['Billing read-only', 'Billing clerk', 'Support agent', 'Provisioning', 'Reseller', 'Order desk'];

test('a local server started with demo data opens with the demo roles, groups, users and backends', async (t) => {
  const demo = freshApp(t);
  const status = await demo.api.localServer.start({ demo: true });
  assert.equal(status.running, true);
  assert.equal((await demo.api.session.status()).state, 'online');
  const names = (await demo.api.roles.list()).map((r) => r.name);
  for (const name of ['Administrator', ...DEMO_ROLES]) assert.ok(names.includes(name), `missing role ${name}`);
  assert.equal((await demo.api.catalog.get()).groups.length > 20, true);
  assert.deepEqual((await demo.api.groups.list()).map((g) => g.name).sort(), ['Finance', 'Operations', 'Resellers', 'Support']);
  assert.equal((await demo.api.users.list()).length, 6);
  assert.deepEqual((await demo.api.backends.list()).map((b) => b.name).sort(), ['Billing API', 'Provisioning API']);
});

test('demo data is seeded only into a new database: a later start with demo data keeps what the admin changed', async (t) => {
  const demo = freshApp(t);
  await demo.api.localServer.start({ demo: true });
  const agent = (await demo.api.roles.list()).find((r) => r.name === 'Support agent')!;
  await demo.api.roles.update({ id: agent.id, expectedVersion: agent.version, set: { description: 'Changed in the demo' } });
  await demo.api.roles.create({ name: 'Made in the demo', actions: ['GetInvoices'] });
  await demo.api.localServer.stop();

  await demo.api.localServer.start({ demo: true });
  const roles = await demo.api.roles.list();
  assert.ok(roles.some((r) => r.name === 'Made in the demo'));
  assert.deepEqual(
    roles.filter((r) => r.name === 'Support agent').map((r) => r.description),
    ['Changed in the demo'],
  );
  assert.equal(roles.length, 1 + DEMO_ROLES.length + 1);
});

test('a local server started without demo data has only the Administrator role', async (t) => {
  const app = freshApp(t);
  await app.api.localServer.start({});
  const names = (await app.api.roles.list()).map((r) => r.name).sort();
  assert.deepEqual(names, ['Administrator']);
});
