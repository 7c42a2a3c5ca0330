import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { TOKEN_PATTERN } from '../../../shared/domain/token.ts';
import { seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// The whole desktop flow against a real backend and the real keychain: the admin token and every
// issued secret stay out of the profile store, the cache, the logs and exported drafts.

// One backend for the file; each test has its own app (user-data folder, keychain entry).
let server: TestServer;
before(async () => {
  server = await startTestServer({ sqlite: true });
  await seedCatalog(server);
});
after(() => server?.close());

function freshApp(t: TestContext): TestApp {
  const app = startTestApp();
  t.after(() => app.close());
  return app;
}

/** A fresh app with a profile for the backend, connected. */
async function connectedApp(t: TestContext): Promise<TestApp> {
  const app = freshApp(t);
  const profile = await app.api.profiles.add({ name: 'Local test', url: server.url, token: server.token });
  assert.equal((await app.api.session.connect({ profileId: profile.id })).state, 'online');
  return app;
}

test('a profile keeps its admin token in the keychain and nowhere in the profile store', async (t) => {
  const app = freshApp(t);
  const profile = await app.api.profiles.add({ name: 'Local test', url: server.url, token: server.token });
  assert.equal(profile.hasToken, true);
  assert.equal(profile.fingerprint, null);
  assert.equal(await app.impl.services.profiles.token(profile.id), server.token);
  const listed = await app.api.profiles.list();
  assert.deepEqual(
    listed.map((p) => p.name),
    ['Local test'],
  );
  assert.ok(!app.diskText().includes(server.token), 'the admin token is on disk');
  const status = await app.api.session.connect({ profileId: profile.id });
  assert.equal(status.state, 'online');
});

test('a created credential reaches the renderer only as a masked handle; reveal and copy happen on request', async (t) => {
  const app = await connectedApp(t);
  const role = await app.api.roles.create({ name: 'Clients reader', actions: ['GetClients'] });
  const issued = await app.api.credentials.create({ name: 'ci-bot', roles: [role.id] });
  assert.equal(JSON.stringify(issued).includes('"secret"'), false);
  assert.match(issued.secretHandle.masked, /^kw_[0-9A-Za-z]{6}•+$/);
  const { secret } = await app.api.secrets.reveal({ handle: issued.secretHandle.id });
  assert.match(secret, TOKEN_PATTERN);
  assert.ok(secret.startsWith(issued.credential.prefix));

  const copy = await app.api.secrets.copy({ handle: issued.secretHandle.id, format: 'header' });
  assert.equal(await app.clipboard.readText(), `Authorization: Bearer ${secret}`);
  assert.ok(copy.clearsAt && Date.parse(copy.clearsAt) > Date.now());
  await app.api.secrets.copy({ handle: issued.secretHandle.id, format: 'env' });
  assert.equal(await app.clipboard.readText(), `KEYWARD_TOKEN=${secret}`);
  await app.api.secrets.copy({ handle: issued.secretHandle.id, format: 'curl' });
  assert.match(await app.clipboard.readText(), new RegExp(`^curl .*Authorization: Bearer ${secret}`));

  await app.api.secrets.discard({ handle: issued.secretHandle.id });
  const gone = await rejection(app.api.secrets.reveal({ handle: issued.secretHandle.id }));
  assert.equal(gone.code, 'secret_expired');

  // The secret works against the backend (proving it was the real one) ...
  const decision = await server.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients' } });
  assert.equal(decision.json.allowed, true);

  // ... and after a full flow (roll, drafts, export, hygiene, access check) it is in no file, log or export.
  const rolled = await app.api.credentials.roll({ id: issued.credential.id });
  const { secret: rolledSecret } = await app.api.secrets.reveal({ handle: rolled.secretHandle.id });
  await app.api.drafts.saveRole({
    roleId: role.id,
    role: { name: 'Clients reader', description: 'drafted', actions: ['GetClients', 'AddClient'] },
  });
  const exported = await app.api.drafts.export({ format: 'yaml' });
  const json = await app.api.drafts.export({ format: 'json' });
  await app.api.hygiene.report();
  const check = await app.api.access.check({ credentialId: issued.credential.id, action: 'GetClients' });
  assert.equal(check.allowed, true);
  assert.deepEqual(check.grantedBy, ['Clients reader']);
  await app.api.secrets.copy({ handle: rolled.secretHandle.id, format: 'token' });

  const places = {
    disk: app.diskText(),
    appLogs: app.logs.join('\n'),
    serverLogs: server.logs.join('\n'),
    exports: exported.content + json.content,
    events: JSON.stringify(app.events),
  };
  for (const [where, text] of Object.entries(places)) {
    for (const s of [secret, rolledSecret, server.token]) assert.ok(!text.includes(s), `a secret reached ${where}`);
  }
  assert.ok(places.exports.includes('Clients reader'));
});

test('a wrong or missing argument is rejected in main with a clear invalid_argument error and nothing runs', async (t) => {
  const app = await connectedApp(t);
  const before = (await app.api.roles.list()).length;
  const api = app.api as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>;
  const bad = await rejection(api['roles']!['create']!({ name: '', actions: 'GetClients', extra: 1 }));
  assert.equal(bad.code, 'invalid_argument');
  assert.match(bad.message, /roles\.create/);
  assert.match(bad.message, /name/);
  assert.match(bad.message, /unknown field\(s\) "extra"/);
  assert.equal((await app.api.roles.list()).length, before);

  const copy = await rejection(api['secrets']!['copy']!({ handle: 'x', format: 'html' }));
  assert.equal(copy.code, 'invalid_argument');
  const missing = await rejection(api['roles']!['get']!(undefined));
  assert.equal(missing.code, 'invalid_argument');
  const unknown = await app.impl.dispatch('fs.readFile', { path: '/etc/passwd' });
  assert.deepEqual(unknown.ok ? null : unknown.error.code, 'unknown_method');
  const proto = await app.impl.dispatch('roles.__proto__', {});
  assert.equal(proto.ok ? null : proto.error.code, 'unknown_method');
});

test('server errors come back as values with the server code and a sentence to act on', async (t) => {
  const app = await connectedApp(t);
  await app.api.roles.create({ name: 'Errors reader', actions: ['GetClients'] });
  const taken = await rejection(app.api.roles.create({ name: 'errors READER', actions: [] }));
  assert.equal(taken.code, 'name_taken');
  assert.ok(taken.message.length > 10);
  const missing = await rejection(app.api.roles.get({ id: 'no-such-role' }));
  assert.equal(missing.code, 'not_found');
});

test('when the server goes away the session turns offline and reads come from the cache', async (t) => {
  const app = await connectedApp(t);
  const roles = await app.api.roles.list();
  const secondServer = await startTestServer({ sqlite: true });
  const profile = await app.api.profiles.add({ name: 'Short-lived', url: secondServer.url, token: secondServer.token });
  await app.api.session.connect({ profileId: profile.id });
  const catalog = await app.api.catalog.get();
  await secondServer.close();
  const cachedCatalog = await app.api.catalog.get();
  assert.deepEqual(cachedCatalog, catalog);
  const status = await app.api.session.status();
  assert.equal(status.state, 'offline');
  assert.equal(status.error?.code, 'offline');
  assert.ok(app.events.some((e) => e.event === 'session.connectivityChanged' && (e.payload as { state: string }).state === 'offline'));
  await app.api.profiles.remove({ id: profile.id });
  assert.ok(roles.length > 0);
});
