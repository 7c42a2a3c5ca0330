import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// A connected session whose admin token the server stops accepting: every call would fail, so the
// session must not keep saying "online" — it goes offline with the server's reason, as connect()
// does, and the renderer's banner shows it.

let server: TestServer;
let app: TestApp;
before(async () => {
  server = await startTestServer({ sqlite: true });
  app = startTestApp();
});
after(async () => {
  await app?.close();
  await server?.close();
});

test('a rejected admin token during a connected session puts the session offline with the reason', async () => {
  const administrator = (await server.request('GET', '/v1/roles')).json.items.find((r: { name: string }) => r.name === 'Administrator');
  const issued = (await server.request('POST', '/v1/credentials', { body: { name: 'desktop admin', roles: [administrator.id] } })).json;
  const profile = await app.api.profiles.add({ name: 'Session', url: server.url, token: issued.secret });
  assert.equal((await app.api.session.connect({ profileId: profile.id })).state, 'online');

  const revoked = await server.request('POST', `/v1/credentials/${issued.credential.id}/revoke`);
  assert.equal(revoked.status, 200);
  const eventsBefore = app.events.length;
  const refused = await rejection(app.api.roles.list());
  assert.equal(refused.code, 'unauthorized');

  const status = await app.api.session.status();
  assert.equal(status.profileId, profile.id);
  assert.equal(status.state, 'offline');
  assert.equal(status.error!.code, 'unauthorized');
  assert.equal(status.error!.message, refused.message);
  const changes = app.events.slice(eventsBefore).filter((e) => e.event === 'session.connectivityChanged');
  assert.equal((changes.at(-1)!.payload as { state: string }).state, 'offline');
  assert.ok(!JSON.stringify(app.events).includes(issued.secret), 'the token reached an event');

  // Reconnecting is refused the same way and leaves the same state.
  const again = await rejection(app.api.session.connect({ profileId: profile.id }));
  assert.equal(again.code, 'unauthorized');
  assert.equal((await app.api.session.status()).state, 'offline');
});
