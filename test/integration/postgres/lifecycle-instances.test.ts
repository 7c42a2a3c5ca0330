import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { eventually, makeCredential, makeRole, seedCatalog } from '../../helpers/builders.ts';
import { startInstances, type Instance, type InstanceGroup } from '../../helpers/postgres.ts';
import { startReceiver, type Receiver } from '../lifecycle/webhook-receiver.ts';

// Two backends on one PostgreSQL database: usage counted by both adds up in the same rows, each
// webhook message is delivered once although both instances work the shared outbox, and both
// prune old rows side by side without getting in each other's way.

let group: InstanceGroup;
let a: Instance;
let b: Instance;
let receiver: Receiver;
before(async () => {
  group = await startInstances(2, {
    server: { usageFlushMs: 200, webhookPollMs: 50, webhookBackoffMs: [200], pruneFirstMs: 100, pruneEveryMs: 300 },
  });
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
  // b learns of the new credential through the change feed; until then it answers unknown_token,
  // counted against no credential. One allowed probe says it knows, and is counted.
  assert.ok(await eventually(async () => (await ask(b, 'GetClients')).json.allowed === true, 10_000), 'b learns of the new credential');
  const sent = await Promise.all([
    ...Array.from({ length: 80 }, (_, i) => ask(i % 2 ? a : b, 'GetClients')),
    ...Array.from({ length: 30 }, (_, i) => ask(i % 2 ? a : b, 'AddClient')),
  ]);
  assert.ok(sent.every((r) => r.status === 200));
  // Once both instances have flushed, either one answers the sum from the shared rows.
  const totals = async (instance: Instance) => (await instance.request('GET', `/v1/credentials/${credential.id}/usage`)).json.totals;
  const summed = await eventually(async () => JSON.stringify(await totals(b)) === JSON.stringify({ allowed: 81, denied: 30 }), 10_000);
  assert.ok(summed, JSON.stringify(await totals(b)));
  await eventually(async () => JSON.stringify(await totals(a)) === JSON.stringify({ allowed: 81, denied: 30 }), 10_000);
  assert.deepEqual(await totals(a), { allowed: 81, denied: 30 });
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

test('two instances pruning at once remove old usage rows and done webhook messages, and keep the rest', async () => {
  const created = await a.request('POST', '/v1/webhooks', {
    body: { name: 'pruned', url: 'http://127.0.0.1:9/hook', events: ['policy.changed'], enabled: false },
  });
  assert.equal(created.status, 201, created.text);
  const webhookId = created.json.webhook.id as string;
  const client = new pg.Client({ connectionString: group.databaseUrl });
  await client.connect();
  try {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const hour = Math.floor(minute / 60);
    const usage = async (table: string, id: string, bucket: number) =>
      client.query(`insert into ${table} (credential_id, bucket, reason, count) values ($1, $2, 'granted', 1)`, [id, bucket]);
    await usage('usage_minute', 'cred_old_minute', minute - 3 * 24 * 60);
    await usage('usage_minute', 'cred_new_minute', minute - 5);
    await usage('usage_hour', 'cred_old_hour', hour - 401 * 24);
    await usage('usage_hour', 'cred_new_hour', hour - 24);
    const DAY = 86_400_000;
    const messages: Array<[string, string, number]> = [];
    for (let i = 0; i < 600; i += 1) messages.push([`msg_pg_old_${i}`, i % 2 ? 'delivered' : 'failed', 31 * DAY]);
    messages.push(['msg_pg_recent', 'delivered', DAY], ['msg_pg_pending', 'pending', 31 * DAY]);
    for (const [id, status, age] of messages) {
      const at = new Date(now - age).toISOString();
      await client.query(
        `insert into webhook_outbox (id, webhook_id, event_type, payload, created_at, status, attempts, next_attempt_at)
         values ($1, $2, 'policy.changed', '{}', $3, $4, 1, $5)`,
        [id, webhookId, at, status, new Date(now + DAY).toISOString()],
      );
      await client.query(
        `insert into webhook_attempts (id, outbox_id, webhook_id, at, status_code, duration_ms) values ($1, $2, $3, $4, 204, 1)`,
        [`att_${id}`, id, webhookId, at],
      );
    }
    const left = async () => ({
      minute: (await client.query('select credential_id from usage_minute where credential_id like $1', ['cred_%_minute'])).rows.map(
        (r) => r.credential_id,
      ),
      hour: (await client.query('select credential_id from usage_hour where credential_id like $1', ['cred_%_hour'])).rows.map(
        (r) => r.credential_id,
      ),
      outbox: (await client.query('select id from webhook_outbox where webhook_id = $1 order by id', [webhookId])).rows.map((r) => r.id),
      attempts: Number((await client.query('select count(*) as n from webhook_attempts where webhook_id = $1', [webhookId])).rows[0].n),
    });
    const expected = { minute: ['cred_new_minute'], hour: ['cred_new_hour'], outbox: ['msg_pg_pending', 'msg_pg_recent'], attempts: 2 };
    const pruned = await eventually(async () => JSON.stringify(await left()) === JSON.stringify(expected), 15_000);
    assert.ok(pruned, JSON.stringify({ ...(await left()), outbox: (await left()).outbox.length }));
    for (const instance of [a, b]) assert.ok(!instance.logs.join('\n').includes('pruning'), instance.logs.join('\n').slice(0, 500));
  } finally {
    await client.end();
  }
});
