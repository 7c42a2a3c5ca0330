import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Kysely, SqliteDialect } from 'kysely';
import { startServer } from '../../../server/index.ts';
import { migrateTo } from '../../../server/storage/migrations.ts';
import { assertError, assertStatus } from '../../helpers/assert-api.ts';
import { makeBackend, makeCredential, makeGroup, makeRole, makeUser, unique } from '../../helpers/builders.ts';
import { makeRequest, startTestServer, type TestServer } from '../../helpers/server.ts';

// Names over the real API (DESIGN §4): no control or invisible formatting characters, stored in
// NFC, and a role name that looks like an existing one (Unicode confusables) is taken.

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(() => s?.close());

const RLO = '\u202E';
const ZWSP = '\u200B';

test('a name holding a bidi override or a zero-width character is refused for every kind of object', async () => {
  const role = await makeRole(s);
  const credential = (await makeCredential(s)).credential;
  const user = await makeUser(s);
  const group = await makeGroup(s);
  const backend = await makeBackend(s);
  for (const bad of [`Pay${RLO}lortnoc`, `Admin${ZWSP}istrator`, 'two\nlines']) {
    const attempts: [string, string, unknown][] = [
      ['POST', '/v1/roles', { name: bad, actions: [] }],
      ['PATCH', `/v1/roles/${role.id}`, { name: bad }],
      ['POST', '/v1/roles/changes', { changes: [{ op: 'create', role: { name: bad, actions: [] } }] }],
      ['POST', '/v1/credentials', { name: bad }],
      ['PATCH', `/v1/credentials/${credential.id}`, { name: bad }],
      ['POST', '/v1/credentials/import', { items: [{ name: bad, secret: 'a-legacy-secret-long-enough' }] }],
      ['POST', '/v1/users', { name: bad }],
      ['PATCH', `/v1/users/${user.id}`, { name: bad }],
      ['POST', '/v1/groups', { name: bad }],
      ['PATCH', `/v1/groups/${group.id}`, { name: bad }],
      ['POST', '/v1/backends', { name: bad, frontendPrefix: `/n-${unique('p').replace(/\W/g, '')}` }],
      ['PATCH', `/v1/backends/${backend.id}`, { name: bad }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await s.request(method, path, { body });
      const what = `${method} ${path} ${JSON.stringify(bad)}`;
      assert.equal(res.status, 400, `${what}: ${res.text}`);
      assert.equal(res.json.error.code, 'invalid_request', what);
      assert.match(res.json.error.message, /invisible or control character \(U\+[0-9A-F]{4}\)/, what);
    }
  }
});

test('names are stored in NFC, so the decomposed and composed spellings are one name', async () => {
  const decomposed = `Zoe\u0308 ${unique('team')}`;
  const role = await makeRole(s, { name: decomposed });
  assert.equal(role.name, decomposed.normalize('NFC'));
  assertError(await s.request('POST', '/v1/roles', { body: { name: decomposed.normalize('NFC'), actions: [] } }), 409, 'name_taken');
  const user = await makeUser(s, { name: `Jose\u0301-${unique('u').replace(/\W/g, '')}`, password: 'a long enough password' });
  assert.equal(user.name, user.name.normalize('NFC'));
  // The user signs in with the other spelling of their name.
  const basic = Buffer.from(`${user.name.normalize('NFD')}:a long enough password`).toString('base64');
  const issued = await s.request('POST', '/v1/self/credentials', {
    token: null,
    headers: { authorization: `Basic ${basic}` },
    body: { name: 'k' },
  });
  assertStatus(issued, 201);
});

test('a role name that looks like an existing one is 409 name_taken, saying which role it looks like', async () => {
  const roles = (await s.request('GET', '/v1/roles')).json.items as { id: string; name: string }[];
  const admin = roles.find((r) => r.name === 'Administrator')!;
  for (const lookalike of ['\u0410dministrator', 'Adm\u0456nistrator', '\uFF21dministrator', 'ADMINISTRATOR']) {
    const res = await s.request('POST', '/v1/roles', { body: { name: lookalike, actions: [] } });
    assertError(res, 409, 'name_taken');
    assert.equal(res.json.error.details.roleId, admin.id, lookalike);
    assert.match(res.json.error.message, /Administrator/);
  }
  const billing = await makeRole(s, { name: `Billing ${unique('x').replace(/\W/g, '')}` });
  const spoof = billing.name.replace('ll', 'II');
  const created = await s.request('POST', '/v1/roles', { body: { name: spoof, actions: [] } });
  assertError(created, 409, 'name_taken');
  assert.equal(created.json.error.details.looksLike, billing.name);
  // Renaming another role to the look-alike, or creating it in a change set, is refused the same way.
  const other = await makeRole(s);
  assertError(await s.request('PATCH', `/v1/roles/${other.id}`, { body: { name: spoof } }), 409, 'name_taken');
  const changes = await s.request('POST', '/v1/roles/changes', {
    body: {
      changes: [
        { op: 'create', role: { name: unique('Fine'), actions: [] } },
        { op: 'create', role: { name: spoof, actions: [] } },
      ],
    },
  });
  assertError(changes, 409, 'name_taken');
  assert.equal(changes.json.error.details.index, 1);
  // A role may still change the case of its own name, or be edited without renaming.
  assertStatus(await s.request('PATCH', `/v1/roles/${billing.id}`, { body: { name: billing.name.toUpperCase() } }), 200);
  assertStatus(await s.request('PATCH', `/v1/roles/${billing.id}`, { body: { description: 'still mine' } }), 200);
  // Deleting the original frees its look-alike.
  assertStatus(await s.request('DELETE', `/v1/roles/${billing.id}`), 204);
  assertStatus(await s.request('POST', '/v1/roles', { body: { name: spoof, actions: [] } }), 201);
});

test('the skeleton migration fills in the skeletons of roles created before it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-names-'));
  const dbPath = join(dir, 'keyward.sqlite');
  const options = { host: '127.0.0.1', port: 0, dbPath, bootstrapTokenFile: join(dir, 'token'), logStream: { write() {} } };
  try {
    const first = await startServer(options);
    const token = readFileSync(options.bootstrapTokenFile, 'utf8').trim();
    const created = await makeRequest(first.url, token)('POST', '/v1/roles', { body: { name: 'Payroll team', actions: [] } });
    assertStatus(created, 201);
    await first.close();
    // Back to a database from before 0003 (every later migration undone too): no skeleton column.
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(dbPath) }) });
    await migrateTo(db, '0002_backend_case_sensitive');
    await db.destroy();
    const second = await startServer(options);
    try {
      const res = await makeRequest(second.url, token)('POST', '/v1/roles', { body: { name: 'P\u0430yroll team', actions: [] } });
      assertError(res, 409, 'name_taken');
      assert.equal(res.json.error.details.roleId, created.json.id);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
