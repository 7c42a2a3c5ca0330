import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedCatalog } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { startReceiver, type Receiver } from '../lifecycle/webhook-receiver.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// The lifecycle methods of the IPC contract (usage, lifetime policy, webhooks) through main's
// validating dispatch against a real backend and the real keychain: a webhook's signing secret
// stays in main like a token, and lifetime refusals keep the server's field details.

let server: TestServer;
let app: TestApp;
let receiver: Receiver;
before(async () => {
  server = await startTestServer({ sqlite: true, lifecycle: { usageFlushMs: 200, webhookPollMs: 100 } });
  await seedCatalog(server);
  receiver = await startReceiver();
  app = startTestApp();
  const profile = await app.api.profiles.add({ name: 'Lifecycle', url: server.url, token: server.token });
  await app.api.session.connect({ profileId: profile.id });
});
after(async () => {
  await app?.close();
  await server?.close();
  await receiver?.close();
});

test('the lifetime policy is read and set through the app, and a refused expiry names its field and latest date', async () => {
  assert.deepEqual(await app.api.policy.getLifetime(), { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  await app.api.policy.setLifetime({ maxLifetimeDays: 30, requireExpiry: true, warnBeforeDays: 7 });
  const refused = await rejection(app.api.credentials.create({ name: 'forever' }));
  assert.equal(refused.code, 'lifetime_exceeded');
  assert.equal(refused.details?.['field'], 'expiresAt');
  assert.ok(typeof refused.details?.['latestAllowed'] === 'string');
  await app.api.policy.setLifetime({ maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
});

test('a credential usage series and the overview come through the app', async () => {
  const role = await app.api.roles.create({ name: 'Usage reader', actions: ['GetClients'] });
  const issued = await app.api.credentials.create({ name: 'usage-bot', roles: [role.id] });
  const { secret } = await app.api.secrets.reveal({ handle: issued.secretHandle.id });
  for (let i = 0; i < 5; i += 1) await server.request('POST', '/v1/authorize', { body: { token: secret, action: 'GetClients' } });
  const usage = await app.api.usage.credential({ id: issued.credential.id, bucket: 'hour' });
  assert.equal(usage.totals.allowed, 5);
  const overview = await app.api.usage.overview({ limit: 5 });
  assert.ok(overview.top.some((t) => t.credentialId === issued.credential.id));
  const bad = await rejection(app.api.usage.credential({ id: issued.credential.id, bucket: 'fortnight' as 'day' }));
  assert.equal(bad.code, 'invalid_argument');
});

test('a created webhook answers a handle, not its secret; the secret is revealed once on request and never stored', async () => {
  const issued = await app.api.webhooks.create({ name: 'Ops', url: receiver.url, events: ['role.changed'] });
  assert.ok(!JSON.stringify(issued).includes('whsec_'), 'the answer holds no secret');
  assert.match(issued.secretHandle.masked, /•/);
  const { secret } = await app.api.secrets.reveal({ handle: issued.secretHandle.id });
  assert.match(secret, /^whsec_/);
  assert.ok(!app.diskText().includes(secret), 'the signing secret is not on disk');
  assert.ok(!app.logs.join('\n').includes(secret));

  await app.api.roles.create({ name: 'Triggers a webhook', actions: [] });
  await receiver.waitFor(1, (r) => r.json.type === 'role.changed');
  const deliveries = await app.api.webhooks.deliveries({ id: issued.webhook.id });
  assert.ok(deliveries.length >= 1);
  const list = await app.api.webhooks.list();
  const off = await app.api.webhooks.update({ id: issued.webhook.id, expectedVersion: list[0]!.version, set: { enabled: false } });
  assert.equal(off.enabled, false);
  const invalid = await rejection(app.api.webhooks.create({ name: 'Bad', url: 'http://example.com/x', events: ['role.changed'] }));
  assert.equal(invalid.code, 'invalid_url');
  await app.api.webhooks.delete({ id: issued.webhook.id });
  assert.deepEqual(await app.api.webhooks.list(), []);
});
