import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { spawnCli, type CliServer } from '../../helpers/cli.ts';
import { makeRequest, type Json } from '../../helpers/server.ts';

// DESIGN §6: a killed server loses no acknowledged write. The server runs as the CLI in a child
// process on a real SQLite file; we stream writes, kill -9 it mid-stream, restart it on the same
// file and look for every write it acknowledged. This test is about the SQLite file itself.

const dir = mkdtempSync(join(tmpdir(), 'keyward-crash-'));
const dbPath = join(dir, 'keyward.sqlite');
const tokenFile = join(dir, 'bootstrap.token');
const running: CliServer[] = [];
after(async () => {
  for (const server of running) await server.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<CliServer> {
  const server = await spawnCli(['--db', dbPath, '--bootstrap-token-file', tokenFile]);
  running.push(server);
  return server;
}

interface Acked {
  roles: Array<{ id: string; name: string }>;
  credentials: Array<{ id: string; name: string }>;
  edits: Map<string, string>;
  /** Per role, edits sent after its last acknowledged one: committed perhaps, answer lost in the kill. */
  unacknowledgedEdits: Map<string, string[]>;
  /** Answers of 500 or above other than 503 (a stopping server may refuse new work). */
  serverErrors: string[];
}

/** Workers write until the server dies; only answers that arrived count as acknowledged. */
async function streamWrites(url: string, token: string, acked: Acked, round: number, killAfter: number, kill: () => void): Promise<void> {
  const request = makeRequest(url, token);
  let n = 0;
  let killed = false;
  const worker = async (w: number) => {
    // Each worker edits only roles it created, so acknowledgement order is commit order.
    const mine: Array<{ id: string; name: string }> = [];
    for (;;) {
      const i = n++;
      try {
        if (i % 3 === 2 && mine.length > 0) {
          const target = mine[i % mine.length]!;
          const description = `edit ${round}-${i}`;
          const pending = acked.unacknowledgedEdits.get(target.id) ?? [];
          acked.unacknowledgedEdits.set(target.id, [...pending, description]);
          const res = await request('PATCH', `/v1/roles/${target.id}`, { body: { description } });
          if (res.status === 200) {
            acked.edits.set(target.id, description);
            acked.unacknowledgedEdits.set(target.id, []);
          } else if (res.status >= 500 && res.status !== 503) acked.serverErrors.push(`${res.status} ${res.text}`);
        } else if (i % 3 === 1) {
          const name = `crash cred ${round}-${w}-${i}`;
          const res = await request('POST', '/v1/credentials', { body: { name } });
          if (res.status === 201) acked.credentials.push({ id: res.json.credential.id, name });
          else if (res.status >= 500 && res.status !== 503) acked.serverErrors.push(`${res.status} ${res.text}`);
        } else {
          const name = `crash role ${round}-${w}-${i}`;
          const res = await request('POST', '/v1/roles', { body: { name, actions: ['keyward.roles.read'] } });
          if (res.status === 201) {
            acked.roles.push({ id: res.json.id, name });
            mine.push({ id: res.json.id, name });
          } else if (res.status >= 500 && res.status !== 503) acked.serverErrors.push(`${res.status} ${res.text}`);
        }
      } catch {
        return; // the connection died with the server: this write was never acknowledged
      }
      if (!killed && i >= killAfter) {
        killed = true;
        kill();
      }
    }
  };
  await Promise.all([0, 1, 2, 3, 4, 5].map(worker));
}

/** Restarts on the same file and checks that every acknowledged write is there; stops cleanly. */
async function verifyAcknowledged(acked: Acked): Promise<void> {
  const server = await start();
  const token = readFileSync(tokenFile, 'utf8').trim();
  const request = makeRequest(server.url, token);
  const roles = await request('GET', '/v1/roles');
  assert.equal(roles.status, 200, 'the bootstrap token from the first start still works');
  const byId = new Map<string, Json>(roles.json.items.map((r: Json) => [r.id, r]));
  const lostRoles = acked.roles.filter((r) => byId.get(r.id)?.name !== r.name);
  assert.deepEqual(lostRoles, [], 'every acknowledged role is there');
  // The last acknowledged edit is there, unless a later edit of the same role was sent and
  // committed but its answer died with the server: that one may have won, never an older one.
  const lostEdits = [...acked.edits].filter(
    ([id, description]) => ![description, ...(acked.unacknowledgedEdits.get(id) ?? [])].includes(byId.get(id)?.description),
  );
  assert.deepEqual(lostEdits, [], 'every acknowledged role edit is there (the last one wins)');
  const lostCredentials: string[] = [];
  for (const c of acked.credentials) {
    const res = await request('GET', `/v1/credentials/${c.id}`);
    if (res.status !== 200 || res.json.name !== c.name) lostCredentials.push(c.id);
  }
  assert.deepEqual(lostCredentials, [], 'every acknowledged credential is there');
  assert.equal(roles.json.items.filter((r: Json) => r.name === 'Administrator').length, 1, 'restarts did not bootstrap again');
  assert.equal(await server.stop('SIGTERM'), 0);
}

test('a server killed with SIGKILL mid-stream loses no acknowledged write and keeps a consistent database', async () => {
  const acked: Acked = { roles: [], credentials: [], edits: new Map(), unacknowledgedEdits: new Map(), serverErrors: [] };
  for (let round = 0; round < 2; round++) {
    const server = await start();
    const token = readFileSync(tokenFile, 'utf8').trim();
    await streamWrites(server.url, token, acked, round, 90 + round * 30, () => server.child.kill('SIGKILL'));
    assert.equal(await server.exited, 'SIGKILL');
  }
  assert.ok(acked.roles.length >= 40, `enough writes were acknowledged (${acked.roles.length} roles)`);

  await verifyAcknowledged(acked);

  const db = new Database(dbPath, { readonly: true });
  try {
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(db.pragma('foreign_key_check'), []);
  } finally {
    db.close();
  }
});

test('a server stopped with SIGTERM mid-stream finishes cleanly: no 5xx, every acknowledged write kept', async () => {
  const acked: Acked = { roles: [], credentials: [], edits: new Map(), unacknowledgedEdits: new Map(), serverErrors: [] };
  const server = await start();
  const token = readFileSync(tokenFile, 'utf8').trim();
  await streamWrites(server.url, token, acked, 9, 60, () => server.child.kill('SIGTERM'));
  assert.equal(await server.exited, 0, 'a clean exit');
  assert.deepEqual(acked.serverErrors, []);
  assert.ok(acked.roles.length >= 10, `${acked.roles.length} roles acknowledged`);
  await verifyAcknowledged(acked);
});
