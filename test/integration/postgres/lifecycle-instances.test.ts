import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startInstances, type Instance, type InstanceGroup } from '../../helpers/postgres.ts';
import { startReceiver, type Receiver } from '../lifecycle/webhook-receiver.ts';

// Two backends on one PostgreSQL database: usage counted by both adds up in the same rows, and
// each webhook message is delivered once although both instances work the shared outbox.

let group: InstanceGroup;
let a: Instance;
let b: Instance;
let receiver: Receiver;
before(async () => {
  group = await startInstances(2, { server: { usageFlushMs: 200, webhookPollMs: 50, webhookBackoffMs: [200] } });
  [a, b] = group.instances as [Instance, Instance];
  await seedCatalog(a);
  receiver = await startReceiver();
});
after(async () => {
  await group?.close();
  await receiver?.close();
});

test('usage counted by two instances adds up to the number of requests sent', async () => {
  const role = await makeRole(a, { actions: ['GetClients'] });
  const { credential, secret } = await makeCredential(a, { roles: [role.id] });
  const ask = (instance: Instance, action: string) => instance.request('POST', '/v1/authorize', { body: { token: secret, action } });
  const sent = await Promise.all([
    ...Array.from({ length: 80 }, (_, i) => ask(i % 2 ? a : b, 'GetClients')),
    ...Array.from({ length: 30 }, (_, i) => ask(i % 2 ? a : b, 'AddClient')),
  ]);
  assert.ok(sent.every((r) => r.status === 200));
  // Once both instances have flushed, either one answers the sum from the shared rows.
  const totals = async (instance: Instance) => (await instance.request('GET', `/v1/credentials/${credential.id}/usage`)).json.totals;
  const summed = await eventually(async () => JSON.stringify(await totals(b)) === JSON.stringify({ allowed: 80, denied: 30 }), 10_000);
  assert.ok(summed, JSON.stringify(await totals(b)));
  await eventually(async () => JSON.stringify(await totals(a)) === JSON.stringify({ allowed: 80, denied: 30 }), 10_000);
  assert.deepEqual(await totals(a), { allowed: 80, denied: 30 });
});

test('each webhook message is delivered once although two instances work the outbox', async () => {
  const created = await a.request('POST', '/v1/webhooks', { body: { name: 'once', url: receiver.url, events: ['role.changed'] } });
  assert.equal(created.status, 201, created.text);
  const roles = [];
  for (let i = 0; i < 20; i += 1) roles.push(await makeRole(i % 2 ? a : b));
  const ids = new Set(roles.map((r) => r.id));
  const mine = (r: { json: { type: string; data: { role?: { id?: string } } } }) =>
    r.json.type === 'role.changed' && ids.has(r.json.data.role?.id ?? '');
  await receiver.waitFor(20, mine);
  // Both dispatchers keep polling; nothing arrives twice.
  const settled = await eventually(
    async () =>
      (await a.request('GET', `/v1/webhooks/${created.json.webhook.id}/deliveries`)).json.items.every(
        (d: { status: string }) => d.status === 'delivered',
      ),
    5000,
  );
  assert.ok(settled);
  const messageIds = receiver.received.filter(mine).map((r) => r.headers['webhook-id']);
  assert.equal(messageIds.length, 20);
  assert.equal(new Set(messageIds).size, 20);
});
