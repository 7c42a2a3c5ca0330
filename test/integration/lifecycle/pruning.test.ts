import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { eventually } from '../../helpers/builders.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';

// Background pruning (DESIGN §3.13, §3.15) on a real server and its SQLite file: minute rows
// older than 2 days, hour rows older than 400 days, and webhook messages delivered or given up
// more than 30 days ago (with their attempts) disappear soon after start and then on a schedule;
// recent rows, and messages still being retried, stay.

const DAY = 86_400_000;
let dir: string;
let dbPath: string;
let token: string;
let webhookId: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-pruning-'));
  dbPath = join(dir, 'keyward.sqlite');
  const first = await startTestServer({ sqlite: true, dbPath, lifecycle: { pruneFirstMs: 3_600_000 } });
  token = first.token;
  const created = await first.request('POST', '/v1/webhooks', {
    body: { name: 'pruned', url: 'http://127.0.0.1:9/hook', events: ['role.changed'] },
  });
  assert.equal(created.status, 201, created.text);
  webhookId = created.json.webhook.id;
  await first.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

let batch = 0;
/** Writes old and recent rows of every pruned kind straight into the file; answers their keys. */
function seed(): Record<string, string> {
  batch += 1;
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  const now = Date.now();
  const minute = Math.floor(now / 60_000);
  const hour = Math.floor(minute / 60);
  const ids: Record<string, string> = {};
  const usage = (table: string, key: string, bucket: number) => {
    ids[key] = `cred_prune_${batch}_${key}`;
    db.prepare(`insert into ${table} (credential_id, bucket, reason, count) values (?, ?, 'granted', 3)`).run(ids[key], bucket);
  };
  usage('usage_minute', 'oldMinute', minute - 3 * 24 * 60);
  usage('usage_minute', 'recentMinute', minute - 10);
  usage('usage_hour', 'oldHour', hour - 401 * 24);
  usage('usage_hour', 'recentHour', hour - 300 * 24);
  const message = (key: string, status: string, ageMs: number, nextInMs = -60_000) => {
    const id = `msg_prune_${batch}_${key}`;
    ids[key] = id;
    const at = new Date(now - ageMs).toISOString();
    db.prepare(
      `insert into webhook_outbox (id, webhook_id, event_type, payload, created_at, status, attempts, next_attempt_at)
       values (?, ?, 'role.changed', '{}', ?, ?, 1, ?)`,
    ).run(id, webhookId, at, status, new Date(now + nextInMs).toISOString());
    db.prepare(`insert into webhook_attempts (id, outbox_id, webhook_id, at, status_code, duration_ms) values (?, ?, ?, ?, 204, 3)`).run(
      `att_${id}`,
      id,
      webhookId,
      at,
    );
  };
  message('oldDelivered', 'delivered', 31 * DAY);
  message('oldFailed', 'failed', 31 * DAY);
  message('recentDelivered', 'delivered', 2 * DAY);
  // Still being retried (its next attempt a day away, so the worker leaves it alone): never pruned.
  message('oldPending', 'pending', 31 * DAY, DAY);
  db.close();
  return ids;
}

/** Which of the seeded rows are still in the file. */
function present(ids: Record<string, string>): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const has = (sql: string, id: string) => db.prepare(sql).get(id) !== undefined;
    return Object.entries(ids)
      .filter(([key, id]) =>
        key.endsWith('Minute')
          ? has('select 1 from usage_minute where credential_id = ?', id)
          : key.endsWith('Hour')
            ? has('select 1 from usage_hour where credential_id = ?', id)
            : has('select 1 from webhook_outbox where id = ?', id) || has('select 1 from webhook_attempts where outbox_id = ?', id),
      )
      .map(([key]) => key)
      .sort();
  } finally {
    db.close();
  }
}

const KEPT = ['oldPending', 'recentDelivered', 'recentHour', 'recentMinute'];

async function prunedTo(ids: Record<string, string>, kept: string[]): Promise<void> {
  const done = await eventually(async () => JSON.stringify(present(ids)) === JSON.stringify(kept), 10_000);
  assert.ok(done, `still present: ${present(ids).join(', ')}`);
}

test('old usage rows and done webhook messages are pruned soon after start, not an hour later; recent ones stay', async () => {
  const ids = seed();
  assert.equal(present(ids).length, 8);
  let server: TestServer | null = null;
  try {
    server = await startTestServer({ sqlite: true, dbPath, adminToken: token, lifecycle: { pruneFirstMs: 200 } });
    await prunedTo(ids, KEPT);
    // The delivery log still shows what was kept.
    const log = (await server.request('GET', `/v1/webhooks/${webhookId}/deliveries`)).json.items.map((d: { id: string }) => d.id);
    assert.ok(log.includes(ids.recentDelivered) && log.includes(ids.oldPending));
    assert.ok(!log.includes(ids.oldDelivered) && !log.includes(ids.oldFailed));
  } finally {
    await server?.close();
  }
});

test('pruning runs again on its schedule while the server runs', async () => {
  let server: TestServer | null = null;
  try {
    server = await startTestServer({ sqlite: true, dbPath, adminToken: token, lifecycle: { pruneFirstMs: 100, pruneEveryMs: 300 } });
    await prunedTo(seed(), KEPT);
    // Rows that turn up later (another instance, a clock that moved on) go at a later run.
    await prunedTo(seed(), KEPT);
  } finally {
    await server?.close();
  }
});
