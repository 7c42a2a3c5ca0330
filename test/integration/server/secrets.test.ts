import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertStatus } from '../../helpers/assert-api.ts';
import { authorize, makeBackend, makeCredential, makeGroup, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type Json, type TestServer } from '../../helpers/server.ts';

// DESIGN §3.10 and §6: the secret of a credential exists only in the create/roll answer. After
// a full create / roll / revoke / import / self-service flow, no secret (raw, base64, base64url,
// hex, or the random part of a kw_ token) is in the SQLite file and its -wal/-shm companions,
// the captured logs at the most verbose level, or the audit log. This test reads the SQLite
// file itself, so it always runs on SQLite.

function forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = [
    secret,
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ];
  const random = /^kw_([0-9A-Za-z]{32})[0-9A-Za-z]{6}$/.exec(secret)?.[1];
  if (random) out.push(random, Buffer.from(random).toString('base64').replace(/=+$/, ''), Buffer.from(random).toString('hex'));
  return out;
}

function findLeaks(haystack: Buffer | string, secrets: Map<string, string>, where: string): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  const utf16 = typeof haystack === 'string' ? '' : haystack.toString('utf16le');
  const leaks: string[] = [];
  for (const [label, secret] of secrets) {
    for (const form of forms(secret)) {
      if (text.includes(form) || (utf16 && utf16.includes(form)))
        leaks.push(`${label} (${form === secret ? 'raw' : 'encoded'}) in ${where}`);
    }
  }
  return leaks;
}

function databaseFiles(dbPath: string): Array<[string, Buffer]> {
  return ['', '-wal', '-shm', '-journal']
    .filter((suffix) => existsSync(dbPath + suffix))
    .map((suffix) => [`sqlite${suffix || ' file'}`, readFileSync(dbPath + suffix)]);
}

test('no secret reaches the database file, the logs or the audit log after a full credential flow', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-secrets-'));
  const dbPath = join(dataDir, 'keyward.sqlite');
  let s: TestServer | null = await startTestServer({ dbPath, sqlite: true, logLevel: 'trace' });
  try {
    const secrets = new Map<string, string>([['bootstrap token', s.token]]);
    await seedCatalog(s);
    const role = await makeRole(s, { actions: ['GetClients', 'AddClient'] });
    await makeBackend(s, { frontendPrefix: '/svc', requiredRoles: [role.id] });

    const created = await makeCredential(s, { roles: [role.id] });
    secrets.set('created secret', created.secret);
    const rolled = await s.request('POST', `/v1/credentials/${created.credential.id}/roll`, { body: {} });
    assertStatus(rolled, 200);
    secrets.set('rolled secret', rolled.json.secret);
    const graced = await s.request('POST', `/v1/credentials/${created.credential.id}/roll`, { body: { graceSeconds: 3600 } });
    assertStatus(graced, 200);
    secrets.set('graced secret', graced.json.secret);
    for (const secret of [rolled.json.secret, graced.json.secret]) {
      assert.equal((await authorize(s, { token: secret, action: 'GetClients', ip: '127.0.0.1' })).allowed, true);
      assertStatus(
        await s.request('GET', '/v1/forward-auth', { token: secret, headers: { 'x-original-method': 'GET', 'x-original-uri': '/svc/a' } }),
        200,
      );
      assertStatus(
        await s.request('GET', '/v1/forward-auth', {
          token: null,
          headers: { 'x-api-key': secret, 'x-original-method': 'GET', 'x-original-uri': '/svc/a' },
        }),
        200,
      );
    }
    assertStatus(await s.request('POST', `/v1/credentials/${created.credential.id}/revoke`), 200);

    const legacyA = `legacy-${unique('a').replace(/\W/g, '')}-S3cr3tValue`;
    const legacyB = `sk_live_${unique('b').replace(/\W/g, '')}_abcdef0123456789`;
    secrets.set('legacy secret A', legacyA);
    secrets.set('legacy secret B', legacyB);
    const imported = await s.request('POST', '/v1/credentials/import', {
      body: {
        items: [
          { name: unique('Imported A'), secret: legacyA, fullAccess: true },
          { name: unique('Imported B'), secret: legacyB, roles: [role.id] },
        ],
      },
    });
    assertStatus(imported, 201);
    assert.equal((await authorize(s, { token: legacyA, action: 'GetClients' })).allowed, true);
    assert.equal((await authorize(s, { token: legacyB, action: 'AddClient' })).allowed, true);

    const password = `pw-${unique('p').replace(/\W/g, '')}-Tr0ub4dor`;
    secrets.set('user password', password);
    const group = await makeGroup(s, { defaultRoles: [role.id] });
    const user = await makeUser(s, { name: unique('selfie').replace(/\s/g, '-'), password, groups: [group.id] });
    const basic = `Basic ${Buffer.from(`${user.name}:${password}`).toString('base64')}`;
    const self = await s.request('POST', '/v1/self/credentials', {
      token: null,
      headers: { authorization: basic },
      body: { name: 'mine' },
    });
    assertStatus(self, 201);
    secrets.set('self-service secret', self.json.secret);
    const newPassword = `pw2-${unique('p').replace(/\W/g, '')}-C0rrectHorse`;
    secrets.set('changed password', newPassword);
    assertStatus(await s.request('PATCH', `/v1/users/${user.id}`, { body: { password: newPassword } }), 200);
    // A wrong password and a wrong token are attempts to log too; they must not leak the real ones.
    await s.request('POST', '/v1/self/credentials', {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`${user.name}:${password}x`).toString('base64')}` },
      body: { name: 'x' },
    });
    const admin = await makeCredential(s, { roles: [] });
    secrets.set('another secret', admin.secret);
    await s.request('GET', '/v1/roles', { token: admin.secret });
    await s.request('GET', '/v1/roles', { token: `${admin.secret}x` });
    const explicit = await s.request('POST', '/v1/credentials', { body: { name: unique('C'), roles: [role.id] } });
    secrets.set('issued secret', explicit.json.secret);
    await s.request('POST', `/v1/users/${user.id}/invalidate-tokens`);
    await s.request('DELETE', `/v1/credentials/${explicit.json.credential.id}`);

    // The audit log, every page.
    const audit: Json[] = [];
    let cursor: string | null = null;
    do {
      const page = await s.request('GET', `/v1/audit?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assertStatus(page, 200);
      audit.push(...page.json.items);
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.ok(audit.length >= 15, 'the flow was audited');
    const leaks = findLeaks(JSON.stringify(audit), secrets, 'GET /v1/audit');

    // The database while the server runs (WAL not yet checkpointed) …
    for (const [name, bytes] of databaseFiles(dbPath)) leaks.push(...findLeaks(bytes, secrets, `${name} (running)`));
    assert.ok(s.logs.length > 10, 'logs were captured');
    const logs = s.logs.join('\n');
    await s.close();
    s = null;
    // … and after shutdown, when the WAL has been folded into the main file.
    for (const [name, bytes] of databaseFiles(dbPath)) leaks.push(...findLeaks(bytes, secrets, `${name} (stopped)`));
    leaks.push(...findLeaks(logs, secrets, 'the logs'));
    assert.deepEqual(leaks, []);
    // Guards against a vacuous pass: the detector finds a planted secret, and the bytes read
    // are the real store (they hold the role's name).
    assert.ok(findLeaks(`x${Buffer.from(legacyA).toString('base64')}x`, secrets, 'probe').length > 0);
    assert.ok(
      databaseFiles(dbPath).some(([, bytes]) => bytes.includes(Buffer.from(role.name))),
      'the database files hold the data',
    );
  } finally {
    await s?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('error answers and logs never echo a secret or password from a rejected body', async () => {
  const s = await startTestServer({ logLevel: 'trace' });
  try {
    const secret = `legacy-${unique('s').replace(/\W/g, '')}-Sup3rSecretValue`;
    const password = `pw-${unique('p').replace(/\W/g, '')}-Sup3rSecretPass`;
    const token = s.token;
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/v1/credentials/import', { items: [{ name: 'first', secret }] }],
      ['POST', '/v1/credentials/import', { items: [{ name: 'again', secret }] }],
      ['POST', '/v1/credentials/import', { items: [{ name: '', secret }] }],
      ['POST', '/v1/credentials/import', { items: [{ name: 'long', secret: secret + 'x'.repeat(600) }] }],
      ['POST', '/v1/credentials/import', { items: [{ name: 'extra', secret, bogus: 1 }] }],
      ['POST', '/v1/authorize', { token: secret, action: 'not valid!' }],
      ['POST', '/v1/authorize', { token, action: 'A', ip: 'nope' }],
      ['POST', '/v1/authorize', { token: secret + 'x'.repeat(1200), action: 'A' }],
      ['POST', '/v1/users', { name: unique('u').replace(/\s/g, ''), password, bogus: true }],
      ['POST', '/v1/users', { name: '', password }],
      ['POST', '/v1/users', { name: unique('u').replace(/\s/g, ''), password: password.slice(0, 7) }],
    ];
    const secrets = new Map([
      ['legacy secret', secret],
      ['password', password],
      ['admin token', token],
    ]);
    const leaks: string[] = [];
    for (const [method, path, body] of cases) {
      const res = await s.request(method, path, { body });
      leaks.push(...findLeaks(res.text, secrets, `${method} ${path} → ${res.status}`));
    }
    await s.request('GET', '/v1/roles', { token: `${token}x` });
    leaks.push(...findLeaks(s.logs.join('\n'), secrets, 'the logs'));
    assert.deepEqual(leaks, []);
  } finally {
    await s.close();
  }
});
