import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { assertError } from '../../helpers/assert-api.ts';
import { eventually, expiresIn, makeCredential, makeRole, unique } from '../../helpers/builders.ts';
import { startTestServer, testClock, type Json, type TestClock, type TestServer } from '../../helpers/server.ts';
import { startReceiver, type Receiver } from './webhook-receiver.ts';

// Webhooks (DESIGN §3.15) against a real local receiver: Standard Webhooks signatures that the
// library verifies, retries after a failure and across a restart, the delivery log, resend, the
// expiry events, target rules, and no secret in any payload.

const FAST = { webhookBackoffMs: [300, 600], webhookPollMs: 100, expiryCheckMs: 200 };
let s: TestServer;
let receiver: Receiver;
before(async () => {
  s = await startTestServer({ sqlite: true, lifecycle: FAST });
  receiver = await startReceiver();
});
after(async () => {
  await s?.close();
  await receiver?.close();
});

async function hook(events: string[], url = receiver.url): Promise<{ webhook: Json; secret: string }> {
  const res = await s.request('POST', '/v1/webhooks', { body: { name: unique('Hook'), url, events } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test('a revoke reaches the receiver signed so that the Standard Webhooks library verifies it', async () => {
  const { webhook, secret } = await hook(['credential.revoked']);
  assert.match(secret, /^whsec_/);
  const { credential, secret: token } = await makeCredential(s);
  await s.request('POST', `/v1/credentials/${credential.id}/revoke`);
  const [delivery] = await receiver.waitFor(
    1,
    (r) => r.json.type === 'credential.revoked' && (r.json.data.credential as Json).id === credential.id,
  );
  const verified = new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>) as Json;
  assert.equal(verified.type, 'credential.revoked');
  assert.equal(verified.data.credential.name, credential.name);
  assert.ok(!delivery!.body.includes(token), 'the payload never holds the token');
  assert.ok(!delivery!.body.includes(secret), 'nor the signing secret');
  assert.throws(() =>
    new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(delivery!.body, delivery!.headers as Record<string, string>),
  );
  await s.request('DELETE', `/v1/webhooks/${webhook.id}`);
});

test('a leak report reaches the receiver as credential.leak_reported, verified by the library and holding neither the token nor its hash', async () => {
  const { webhook, secret } = await hook(['credential.leak_reported', 'credential.revoked']);
  const { credential, secret: token } = await makeCredential(s);
  const url = `https://github.com/acme/app/blob/main/.env#L3?leaked=${token}`;
  const reported = await s.request('POST', '/v1/leaks', { token: null, body: { token, source: `scanner ${token}`, url } });
  assert.equal(reported.status, 202);
  const mine = (type: string) => (r: { json: { type: string; data: Json } }) =>
    r.json.type === type && r.json.data.credential.id === credential.id;
  const [leak] = await receiver.waitFor(1, mine('credential.leak_reported'));
  const [revoked] = await receiver.waitFor(1, mine('credential.revoked'));

  const verified = new Webhook(secret).verify(leak!.body, leak!.headers as Record<string, string>) as Json;
  assert.equal(verified.type, 'credential.leak_reported');
  assert.equal(verified.data.credential.name, credential.name);
  assert.equal(verified.data.credential.status, 'revoked');
  assert.ok(verified.data.credential.leakedAt, 'the payload says when it was reported');
  assert.equal(verified.data.report.url, 'https://github.com/acme/app/blob/main/.env#L3?leaked=[redacted]');
  assert.equal(verified.data.report.source, 'scanner [redacted]');
  assert.equal(revoked!.json.data.cause, 'leak_reported');

  const db = new Database(s.dbPath, { readonly: true });
  const { secret_hash: hash } = db.prepare('select secret_hash from credentials where id = ?').get(credential.id) as {
    secret_hash: string;
  };
  db.close();
  for (const delivery of [leak!, revoked!]) {
    assert.ok(!delivery.body.includes(token), 'the payload never holds the token');
    assert.doesNotMatch(delivery.body, /kw_[0-9A-Za-z]{38}/, 'nor any other kw_ token');
    assert.ok(!delivery.body.includes(hash), 'nor its hash');
    const keys = JSON.stringify(delivery.json, (key, value: unknown) => (key === '' || typeof value === 'object' ? value : key));
    assert.doesNotMatch(keys, /hash|secret|token/i, 'nor a field that could hold one');
    assert.ok(!delivery.body.includes(secret), 'nor the signing secret');
  }
  await s.request('DELETE', `/v1/webhooks/${webhook.id}`);
});

test('the signing secret is answered once: never in the list, a read or the audit log', async () => {
  const { webhook, secret } = await hook(['role.changed']);
  const list = await s.request('GET', '/v1/webhooks');
  const one = await s.request('GET', `/v1/webhooks/${webhook.id}`);
  const audit = await s.request('GET', `/v1/audit?targetId=${webhook.id}`);
  for (const res of [list, one, audit]) assert.ok(!res.text.includes(secret), res.text.slice(0, 200));
  assert.ok(!s.logs.join('\n').includes(secret));
  await s.request('DELETE', `/v1/webhooks/${webhook.id}`);
});

test('a receiver that answers 500 gets the same message again, and the log shows each status', async () => {
  const { webhook } = await hook(['role.changed']);
  receiver.answers.push(500);
  const role = await makeRole(s);
  const hits = await receiver.waitFor(2, (r) => r.json.type === 'role.changed' && (r.json.data.role as Json).id === role.id);
  assert.equal(hits[0]!.headers['webhook-id'], hits[1]!.headers['webhook-id'], 'a retry carries the same webhook-id');
  const log = await eventually(
    async () => (await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json.items[0]?.status === 'delivered',
    5000,
  );
  assert.ok(log);
  const [entry] = (await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json.items;
  assert.equal(entry.attempts, 2);
  assert.equal(entry.lastStatus, 204);
  assert.equal(entry.payload.data.role.name, role.name);
  // Each attempt with its status code, oldest first.
  const attempts = await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries/${entry.id}/attempts`);
  assert.equal(attempts.status, 200, attempts.text);
  assert.deepEqual(
    attempts.json.items.map((a: Json) => [a.deliveryId, a.statusCode, a.error]),
    [
      [entry.id, 500, 'The receiver answered 500.'],
      [entry.id, 204, null],
    ],
  );
  assert.ok(attempts.json.items.every((a: Json) => Number.isInteger(a.durationMs) && !Number.isNaN(Date.parse(a.at))));
  const other = await hook(['role.changed']);
  assertError(await s.request('GET', `/v1/webhooks/${other.webhook.id}/deliveries/${entry.id}/attempts`), 404, 'not_found');
  assertError(await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries/msg_none/attempts`), 404, 'not_found');
  await s.request('DELETE', `/v1/webhooks/${other.webhook.id}`);

  const resent = await s.request('POST', `/v1/webhooks/${webhook.id}/deliveries/${entry.id}/resend`);
  assert.equal(resent.status, 200);
  await receiver.waitFor(3, (r) => r.headers['webhook-id'] === entry.id);
  await s.request('DELETE', `/v1/webhooks/${webhook.id}`);
});

test('a message queued while the receiver is down survives a server restart and is delivered after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-webhook-restart-'));
  const dbPath = join(dir, 'keyward.sqlite');
  const down = await startReceiver();
  const port = Number(new URL(down.url).port);
  await down.close();
  const first = await startTestServer({ sqlite: true, dbPath, lifecycle: FAST });
  let again: TestServer | null = null;
  const back = { receiver: null as Receiver | null };
  try {
    const created = await first.request('POST', '/v1/webhooks', {
      body: { name: 'restart', url: `http://127.0.0.1:${port}/hook`, events: ['policy.changed'] },
    });
    const id = created.json.webhook.id as string;
    await first.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
    const deliveries = async (server: TestServer) => (await server.request('GET', `/v1/webhooks/${id}/deliveries`)).json.items;
    assert.ok(await eventually(async () => (await deliveries(first))[0]?.attempts >= 1, 5000), 'a first attempt failed');
    const pending = (await deliveries(first))[0];
    assert.equal(pending.status, 'pending');
    assert.match(pending.lastError, /ECONNREFUSED|connect/);
    await first.close();

    back.receiver = await startReceiver(port);
    again = await startTestServer({ sqlite: true, dbPath, adminToken: first.token, lifecycle: FAST });
    const [delivery] = await back.receiver.waitFor(1, (r) => r.json.type === 'policy.changed');
    assert.equal(delivery!.headers['webhook-id'], pending.id, 'the same message, not a new one');
  } finally {
    await first.close();
    await again?.close();
    await back.receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a private address literal allowed under --webhook-allow-private is not contacted after a restart without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-webhook-private-'));
  const dbPath = join(dir, 'keyward.sqlite');
  const port = Number(new URL(receiver.url).port);
  const first = await startTestServer({ sqlite: true, dbPath, lifecycle: { ...FAST, webhookAllowPrivate: true } });
  let again: TestServer | null = null;
  try {
    // https to a loopback literal: private, so only --webhook-allow-private admits it.
    const created = await first.request('POST', '/v1/webhooks', {
      body: { name: 'private', url: `https://127.0.0.1:${port}/private`, events: ['policy.changed'] },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.webhook.id as string;
    await first.close();

    again = await startTestServer({ sqlite: true, dbPath, adminToken: first.token, lifecycle: FAST });
    const server = again;
    await server.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
    const deliveries = async () => (await server.request('GET', `/v1/webhooks/${id}/deliveries`)).json.items;
    assert.ok(await eventually(async () => (await deliveries())[0]?.attempts >= 1, 5000), 'an attempt was made');
    const [attempt] = await deliveries();
    assert.equal(attempt.status, 'pending');
    assert.match(attempt.lastError, /may not reach/, 'refused by the target rules, not a TLS or connection error');
  } finally {
    await first.close();
    await again?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a receiver that trickles its answer and never finishes it is cut off at the 10 s deadline, and the message retried', async () => {
  const trickles = new Set<NodeJS.Timeout>();
  const slow = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('.'), 300);
    trickles.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      trickles.delete(timer);
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = slow.address() as AddressInfo;
    const { webhook } = await hook(['policy.changed'], `http://127.0.0.1:${port}/slow`);
    await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
    const first = async () => (await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json.items[0];
    assert.ok(await eventually(async () => (await first())?.attempts >= 1, 20_000), 'the attempt ended although the answer never did');
    const attempt = await first();
    assert.notEqual(attempt.status, 'delivered', 'an unfinished answer is no delivery');
    assert.match(attempt.lastError, /within 10 s/);
    await s.request('PATCH', `/v1/webhooks/${webhook.id}`, { body: { enabled: false }, headers: { 'if-match': `"${webhook.version}"` } });
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
    for (const timer of trickles) clearInterval(timer);
  }
});

test('a redirect is not followed: a 302 counts as a failed attempt, is retried, and its Location is never called', async () => {
  const target = await startReceiver();
  let redirects = 0;
  const redirecting = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      redirects += 1;
      res.writeHead(302, { location: target.url });
      res.end();
    });
  });
  await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = redirecting.address() as AddressInfo;
    const { webhook } = await hook(['policy.changed'], `http://127.0.0.1:${port}/moved`);
    await s.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
    const first = async () => (await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json.items[0];
    assert.ok(await eventually(async () => (await first())?.attempts >= 2, 5000), 'the 302 was retried');
    const entry = await first();
    assert.equal(entry.status, 'pending', 'a redirect is no delivery');
    assert.equal(entry.lastStatus, 302);
    assert.match(entry.lastError, /Redirects are not followed/);
    assert.ok(redirects >= 2);
    assert.equal(target.received.length, 0, 'the Location target was never called');
    await s.request('PATCH', `/v1/webhooks/${webhook.id}`, { body: { enabled: false } });
  } finally {
    await new Promise((resolve) => redirecting.close(resolve));
    await target.close();
  }
});

test('a write that is refused (400, 403, 409) queues no event; the next one that succeeds queues exactly its own', async () => {
  const { webhook } = await hook(['role.changed', 'policy.changed', 'credential.revoked']);
  const role = await makeRole(s);
  const reader = await makeRole(s, { actions: ['keyward.audit.read'] });
  const { secret: readerToken } = await makeCredential(s, { roles: [reader.id] });
  const queued = async () => (await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json.items as Json[];
  const before = (await queued()).length;
  // 400 inside the write: a role that names an action nobody knows.
  const unknownAction = await s.request('PATCH', `/v1/roles/${role.id}`, { body: { actions: ['NoSuchAction'] } });
  assert.equal(unknownAction.status, 400, unknownAction.text);
  // 403: a caller without the administration action changes a policy.
  const forbidden = await s.request('PUT', '/v1/policy/issuance', { token: readerToken, body: { allowedGroups: null } });
  assertError(forbidden, 403, forbidden.json.error.code);
  // 409: a name already taken, and a stale version.
  const taken = await s.request('POST', '/v1/roles', { body: { name: role.name, actions: [] } });
  assert.equal(taken.status, 409, taken.text);
  const stale = await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: 'x' }, headers: { 'if-match': '"999"' } });
  assert.ok([409, 412].includes(stale.status), stale.text);
  // 409 last_administrator: refused after the revoke was written inside the transaction, so
  // only the rollback keeps its credential.revoked out of the outbox.
  const boot = (await s.request('GET', '/v1/credentials?q=bootstrap')).json.items.find((c: Json) => c.name === 'bootstrap');
  assertError(await s.request('POST', `/v1/credentials/${boot.id}/revoke`), 409, 'last_administrator');

  // No wait: events are queued in the write's own transaction, so once a write has answered the
  // outbox holds all it ever will from it.
  const afterRefusals = await queued();
  assert.equal(afterRefusals.length - before, 0, JSON.stringify(afterRefusals.map((d) => d.eventType)));
  const renamed = await s.request('PATCH', `/v1/roles/${role.id}`, { body: { description: 'now described' } });
  assert.equal(renamed.status, 200, renamed.text);
  const items = await queued();
  assert.equal(items.length - before, 1);
  assert.equal(items[0].eventType, 'role.changed');
  assert.equal(items[0].payload.data.role.id, role.id);
  await s.request('DELETE', `/v1/webhooks/${webhook.id}`);
});

test('a message that fails for 24 hours is given up and shown as failed in the delivery log', async () => {
  const clock = testClock();
  const server = await startTestServer({ sqlite: true, clock, lifecycle: FAST });
  const failing = await startReceiver();
  try {
    failing.answers.push(...Array.from({ length: 100 }, () => 500));
    const created = await server.request('POST', '/v1/webhooks', {
      body: { name: 'failing', url: failing.url, events: ['policy.changed'] },
    });
    const id = created.json.webhook.id as string;
    await server.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
    const entry = async () => (await server.request('GET', `/v1/webhooks/${id}/deliveries`)).json.items.at(-1);
    assert.ok(await eventually(async () => (await entry())?.attempts >= 2, 5000), 'retried while inside the 24 h');
    assert.equal((await entry()).status, 'pending');

    clock.advance(24 * 3_600_000 + 60_000);
    assert.ok(await eventually(async () => (await entry())?.status === 'failed', 5000), 'given up after 24 h');
    const given = await entry();
    assert.equal(given.lastStatus, 500);
    assert.equal(given.nextAttemptAt, null, 'no further attempt is planned');
    const calls = failing.received.length;
    assert.equal(calls, given.attempts, 'every attempt reached the receiver and is counted');
    // Nothing is sent after giving up, proved without waiting for time: an hour on, anything
    // still planned is due, and the worker's tick that sends a newer message to the same
    // receiver would have claimed the older one first (due messages go oldest first).
    clock.advance(3_600_000);
    await server.request('PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
    const [next] = await failing.waitFor(1, (r) => r.headers['webhook-id'] !== given.id);
    assert.deepEqual(
      failing.received.slice(calls).map((r) => r.headers['webhook-id']),
      failing.received.slice(calls).map(() => next!.headers['webhook-id']),
      'after giving up, only the newer message reached the receiver',
    );
    assert.equal((await entry()).status, 'failed');
  } finally {
    await server.close();
    await failing.close();
  }
});

/** A server of the test's own whose clock the test moves on to reach expiries. */
async function expiryServer(t: {
  after(fn: () => Promise<void>): void;
}): Promise<{ own: TestServer; clock: TestClock; webhookId: string }> {
  const clock = testClock();
  const own = await startTestServer({ sqlite: true, clock, lifecycle: FAST });
  t.after(() => own.close());
  await own.request('PUT', '/v1/policy/lifetime', { body: { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 1 } });
  const res = await own.request('POST', '/v1/webhooks', {
    body: { name: unique('Hook'), url: receiver.url, events: ['credential.expiring', 'credential.expired'] },
  });
  assert.equal(res.status, 201, res.text);
  return { own, clock, webhookId: res.json.webhook.id };
}

/**
 * Proves the expiry checker has run again since now, and the deliveries it queued have all
 * arrived: a new credential inside the warning window is warned about, and the outbox has
 * emptied. A check that would send some event a second time sends it no later than that.
 */
async function checkedAgain(own: TestServer, clock: TestClock, webhookId: string): Promise<void> {
  const { credential: marker } = await makeCredential(own, { name: unique('Marker'), expiresAt: expiresIn(3_600_000, clock) });
  await receiver.waitFor(1, (r) => r.json.type === 'credential.expiring' && (r.json.data.credential as Json).id === marker.id);
  assert.ok(
    await eventually(
      async () =>
        (await own.request('GET', `/v1/webhooks/${webhookId}/deliveries`)).json.items.every((d: Json) => d.status === 'delivered'),
      5000,
    ),
    'every queued delivery arrived',
  );
}

test('credential.expiring is sent once when a credential enters its warning window, credential.expired once when it expires', async (t) => {
  const { own, clock, webhookId } = await expiryServer(t);
  const { credential } = await makeCredential(own, { expiresAt: expiresIn(3_600_000, clock) });
  const mine = (type: string) => (r: { json: { type: string; data: Json } }) =>
    r.json.type === type && r.json.data.credential.id === credential.id;
  await receiver.waitFor(1, mine('credential.expiring'));
  assert.equal(receiver.received.filter(mine('credential.expired')).length, 0, 'not expired before its time');
  clock.advancePast(credential.expiresAt);
  await receiver.waitFor(1, mine('credential.expired'));
  await checkedAgain(own, clock, webhookId);
  assert.equal(receiver.received.filter(mine('credential.expiring')).length, 1);
  assert.equal(receiver.received.filter(mine('credential.expired')).length, 1);
});

test('a re-dated credential is warned about and reported expired again for its new date; an edit that keeps the date is not', async (t) => {
  const { own, clock, webhookId } = await expiryServer(t);
  const { credential } = await makeCredential(own, { expiresAt: expiresIn(3_600_000, clock) });
  const mine = (type: string) => (r: { json: { type: string; data: Json } }) =>
    r.json.type === type && r.json.data.credential.id === credential.id;
  await receiver.waitFor(1, mine('credential.expiring'));
  clock.advancePast(credential.expiresAt);
  await receiver.waitFor(1, mine('credential.expired'));

  // Out of the window: the marks are cleared, nothing is sent yet.
  const later = expiresIn(3 * 86_400_000, clock);
  const moved = await own.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: later } });
  assert.equal(moved.status, 200, moved.text);
  // The same instant spelt differently, and an edit of the name only, are no new date.
  await own.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: later.replace('Z', '+00:00') } });
  await own.request('PATCH', `/v1/credentials/${credential.id}`, { body: { name: unique('Renamed') } });
  await checkedAgain(own, clock, webhookId);
  assert.equal(receiver.received.filter(mine('credential.expiring')).length, 1, 'three days ahead is outside a one-day window');

  // Back into the window: a new warning with the new date, then a new expiry report.
  const soon = expiresIn(3_600_000, clock);
  await own.request('PATCH', `/v1/credentials/${credential.id}`, { body: { expiresAt: soon } });
  const warnings = await receiver.waitFor(2, mine('credential.expiring'));
  assert.equal((warnings[1]!.json.data.credential as Json).expiresAt, soon);
  clock.advancePast(soon);
  const expiries = await receiver.waitFor(2, mine('credential.expired'));
  assert.equal((expiries[1]!.json.data.credential as Json).expiresAt, soon);
  // Later checks send neither again.
  await checkedAgain(own, clock, webhookId);
  assert.equal(receiver.received.filter(mine('credential.expiring')).length, 2);
  assert.equal(receiver.received.filter(mine('credential.expired')).length, 2);

  // A roll keeps the date, so it is no reason to warn again.
  const rolled = await own.request('POST', `/v1/credentials/${credential.id}/roll`, { body: {} });
  assert.equal(rolled.status, 200, rolled.text);
  await checkedAgain(own, clock, webhookId);
  assert.equal(receiver.received.filter(mine('credential.expiring')).length, 2);
  assert.equal(receiver.received.filter(mine('credential.expired')).length, 2);
});

test('webhook targets are https outside private ranges, or http to loopback; others are a clear 400', async () => {
  for (const url of [
    'http://example.com/hook',
    'https://10.0.0.5/hook',
    'https://192.168.1.2/x',
    'https://[fd00::1]/x',
    // IPv4 written inside IPv6: mapped (::ffff:), IPv4-compatible (::/96), NAT64 — all refused.
    'https://[::ffff:10.0.0.1]/x',
    'https://[::127.0.0.1]/x',
    'https://[::10.0.0.1]/x',
    'https://[64:ff9b::a00:1]/x',
    'https://0x7f.1/x',
    'https://2130706433/x',
    'ftp://127.0.0.1/x',
    'https://user:pw@example.com/x',
    'not a url',
  ]) {
    const res = await s.request('POST', '/v1/webhooks', { body: { name: unique('Bad'), url, events: ['role.changed'] } });
    assertError(res, 400, 'invalid_url');
    assert.equal(res.json.error.details.field, 'url');
  }
  for (const url of ['https://hooks.example.com/keyward', 'http://127.0.0.1:9/x', 'http://[::1]:9/x', 'http://localhost:9/x']) {
    const res = await s.request('POST', '/v1/webhooks', { body: { name: unique('Good'), url, events: ['role.changed'] } });
    assert.equal(res.status, 201, `${url}: ${res.text}`);
    await s.request('DELETE', `/v1/webhooks/${res.json.webhook.id}`);
  }
  assertError(await s.request('POST', '/v1/webhooks', { body: { name: 'x', url: receiver.url, events: [] } }), 400, 'invalid_request');
  assertError(
    await s.request('POST', '/v1/webhooks', { body: { name: 'x', url: receiver.url, events: ['credential.rolled'] } }),
    400,
    'invalid_request',
  );
});

test('a disabled webhook is not sent new events', async () => {
  const { webhook } = await hook(['role.changed']);
  const disabled = await s.request('PATCH', `/v1/webhooks/${webhook.id}`, { body: { enabled: false } });
  assert.equal(disabled.json.enabled, false);
  const before = receiver.received.length;
  await makeRole(s);
  const deliveries = (await s.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json.items;
  assert.equal(deliveries.length, 0);
  assert.equal(receiver.received.filter((r) => r.json.type === 'role.changed').length <= before, true);
  await s.request('DELETE', `/v1/webhooks/${webhook.id}`);
});
