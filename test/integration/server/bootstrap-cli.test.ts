import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { ADMIN_ACTION_IDS } from '../../../shared/domain/admin-actions.ts';
import { hasValidChecksum } from '../../../shared/domain/token.ts';
import { spawnCli, type CliServer } from '../../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { makeRequest, type Json } from '../../helpers/server.ts';

// The server CLI as an operator runs it: bootstrap on an empty database, the token file, a
// second start that must not bootstrap again, --demo, and a clean stop on SIGTERM.

const dirs: string[] = [];
const databases: TestDatabase[] = [];
const running: CliServer[] = [];
after(async () => {
  for (const server of running) await server.stop('SIGKILL');
  for (const db of databases) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh data location: a SQLite file, or a fresh PostgreSQL database in the PostgreSQL run. */
async function freshStore(): Promise<{ dir: string; args: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-cli-'));
  dirs.push(dir);
  const db = await createTestDatabase();
  databases.push(db);
  return { dir, args: db.databaseUrl ? ['--database-url', db.databaseUrl] : ['--db', join(dir, 'keyward.sqlite')] };
}

async function start(args: string[]): Promise<CliServer> {
  const server = await spawnCli(args);
  running.push(server);
  return server;
}

test('an empty database gets the role "Administrator" with every keyward action and a "bootstrap" credential; the token file is 0600', async () => {
  const { dir, args } = await freshStore();
  const tokenFile = join(dir, 'admin.token');
  const server = await start([...args, '--bootstrap-token-file', tokenFile]);
  const token = readFileSync(tokenFile, 'utf8').trim();
  assert.ok(hasValidChecksum(token), 'the file holds a kw_ token');
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600, 'only the owner may read the token file');
  assert.ok(!server.stdout().includes(token) && !server.stderr().includes(token), 'with a token file the token is not printed');
  const request = makeRequest(server.url, token);
  const roles = (await request('GET', '/v1/roles')).json.items;
  assert.equal(roles.length, 1);
  assert.equal(roles[0].name, 'Administrator');
  assert.deepEqual([...roles[0].actions].sort(), [...ADMIN_ACTION_IDS].sort());
  const credentials = (await request('GET', '/v1/credentials')).json.items;
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].name, 'bootstrap');
  assert.deepEqual(credentials[0].roles, [roles[0].id]);
  assert.ok(token.startsWith(credentials[0].prefix));
  assert.equal(await server.stop('SIGTERM'), 0, 'SIGTERM stops the server cleanly');

  const before = readFileSync(tokenFile, 'utf8');
  const again = await start([...args, '--bootstrap-token-file', tokenFile]);
  assert.equal(readFileSync(tokenFile, 'utf8'), before, 'a second start leaves the token file alone');
  const request2 = makeRequest(again.url, token);
  const roles2 = (await request2('GET', '/v1/roles')).json.items;
  assert.deepEqual(
    roles2.map((r: Json) => r.id),
    [roles[0].id],
    'no second Administrator',
  );
  const credentials2 = (await request2('GET', '/v1/credentials')).json.items;
  assert.deepEqual(
    credentials2.map((c: Json) => c.id),
    [credentials[0].id],
    'no second bootstrap credential',
  );
  assert.ok(!/kw_[0-9A-Za-z]{38}/.test(again.stdout()), 'nothing secret is printed on a second start');
  await again.stop('SIGTERM');
});

test('without a token file the bootstrap token is printed once on standard output', async () => {
  const { args } = await freshStore();
  const server = await start(args);
  const printed = /kw_[0-9A-Za-z]{38}/.exec(server.stdout())?.[0] ?? (await waitForToken(server));
  assert.ok(hasValidChecksum(printed));
  assert.ok(!server.stderr().includes(printed), 'the token is not in the logs');
  assert.equal((await makeRequest(server.url, printed)('GET', '/v1/roles')).status, 200);
  await server.stop('SIGTERM');
  const again = await start(args);
  assert.ok(!/kw_[0-9A-Za-z]{38}/.test(again.stdout()), 'a second start prints no token');
  assert.equal((await makeRequest(again.url, printed)('GET', '/v1/roles')).status, 200, 'the first token keeps working');
  assert.equal(await again.stop('SIGINT'), 0, 'SIGINT stops the server cleanly too');
});

test('--recover-admin brings an administrator back when a leak report revoked the last one, and does nothing while one is left', async () => {
  const { dir, args } = await freshStore();
  const tokenFile = join(dir, 'admin.token');
  const server = await start([...args, '--bootstrap-token-file', tokenFile]);
  const token = readFileSync(tokenFile, 'utf8').trim();
  // An administrator that stops working within the hour does not count, as for the write guard.
  const admin = makeRequest(server.url, token);
  const roleId = (await admin('GET', '/v1/roles')).json.items.find((r: Json) => r.name === 'Administrator').id;
  const soon = new Date(Date.now() + 10 * 60_000).toISOString();
  assert.equal(
    (await admin('POST', '/v1/credentials', { body: { name: 'expiring admin', roles: [roleId], expiresAt: soon } })).status,
    201,
  );
  // The bootstrap token is published; the scanner's report revokes it, the last administrator.
  const reported = await makeRequest(server.url, null)('POST', '/v1/leaks', { body: { token, source: 'test scanner' } });
  assert.equal(reported.status, 202);
  assert.equal((await makeRequest(server.url, token)('GET', '/v1/roles')).status, 401, 'the leaked token is dead');
  await server.stop('SIGTERM');

  const recovering = await start([...args, '--recover-admin']);
  const printed = /kw_[0-9A-Za-z]{38}/.exec(recovering.stdout())?.[0] ?? (await waitForToken(recovering));
  assert.ok(hasValidChecksum(printed));
  assert.ok(!recovering.stderr().includes(printed), 'the recovery token is not in the logs');
  const request = makeRequest(recovering.url, printed);
  const roles = (await request('GET', '/v1/roles')).json.items;
  const recovery = roles.find((r: Json) => r.name.startsWith('Recovery administrator'));
  assert.deepEqual([...recovery.actions].sort(), [...ADMIN_ACTION_IDS].sort());
  const audit = (await request('GET', '/v1/audit?limit=200')).json.items;
  assert.ok(
    audit.some((e: Json) => e.action === 'server.recover_admin'),
    'the recovery is in the audit log',
  );
  assert.ok(!JSON.stringify(audit).includes(printed), 'the audit log holds no secret');
  await recovering.stop('SIGTERM');

  // With an administrator left, --recover-admin issues nothing.
  const again = await start([...args, '--recover-admin']);
  assert.ok(!/kw_[0-9A-Za-z]{38}/.test(again.stdout()), 'no second recovery token');
  assert.match(again.stderr(), /administrator is still active/);
  const credentials = (await makeRequest(again.url, printed)('GET', '/v1/credentials')).json.items;
  assert.equal(credentials.filter((c: Json) => c.name.startsWith('recovery ')).length, 1);
  await again.stop('SIGTERM');
});

/** The token the process prints, as soon as it prints it. */
async function waitForToken(server: CliServer): Promise<string> {
  return (await server.untilStdout(/kw_[0-9A-Za-z]{38}/))[0];
}

test('--demo seeds a realistic catalog of 20+ groups and 300+ actions, with roles, users, groups and a backend', async () => {
  const { dir, args } = await freshStore();
  const tokenFile = join(dir, 'admin.token');
  const server = await start([...args, '--demo', '--bootstrap-token-file', tokenFile]);
  const request = makeRequest(server.url, readFileSync(tokenFile, 'utf8').trim());
  const catalog = (await request('GET', '/v1/catalog')).json;
  const business = catalog.groups.filter((g: Json) => g.id !== 'keyward');
  const actions = business.flatMap((g: Json) => g.actions.map((a: Json) => a.id));
  assert.ok(business.length >= 20, `${business.length} groups`);
  assert.ok(actions.length >= 300, `${actions.length} actions`);
  assert.equal(new Set(actions).size, actions.length, 'action ids are unique');
  assert.ok(
    actions.some((id: string) => /^(Add|Get|Update|Delete|Open|Close)[A-Z]/.test(id)),
    'hosting-billing style ids such as AddClient',
  );
  const roles = (await request('GET', '/v1/roles')).json.items;
  assert.ok(roles.filter((r: Json) => r.name !== 'Administrator').length >= 2, 'a few roles');
  assert.ok((await request('GET', '/v1/users')).json.items.length >= 2, 'a few users');
  assert.ok((await request('GET', '/v1/groups')).json.items.length >= 2, 'a few groups');
  assert.ok((await request('GET', '/v1/backends')).json.items.length >= 1, 'a backend');
  const counts = async (req: typeof request) => {
    const out: number[] = [];
    for (const path of ['/v1/roles', '/v1/users', '/v1/groups', '/v1/backends', '/v1/credentials'])
      out.push((await req('GET', path)).json.items.length);
    const cat = (await req('GET', '/v1/catalog')).json;
    out.push(cat.groups.reduce((n: number, g: Json) => n + g.actions.length, 0));
    return out;
  };
  const before = await counts(request);
  await server.stop('SIGTERM');
  const again = await start([...args, '--demo', '--bootstrap-token-file', tokenFile]);
  assert.deepEqual(
    await counts(makeRequest(again.url, readFileSync(tokenFile, 'utf8').trim())),
    before,
    'a second --demo start seeds nothing twice',
  );
  await again.stop('SIGTERM');
});

test('the CLI refuses unknown flags, a bad port and a bad stale bound with a usage message and exit code 2', () => {
  const cli = fileURLToPath(new URL('../../../server/cli.ts', import.meta.url));
  for (const args of [['--no-such-flag'], ['--port', 'seventy'], ['--max-stale-seconds', '0'], ['--max-stale-seconds', 'soon']]) {
    const res = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, /Usage/);
  }
});

test('--tls-cert and --tls-key serve the API over HTTPS', async () => {
  const { dir, args } = await freshStore();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, made.stderr);
  const tokenFile = join(dir, 'admin.token');
  const server = await start([...args, '--bootstrap-token-file', tokenFile, '--tls-cert', cert, '--tls-key', key]);
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const token = readFileSync(tokenFile, 'utf8').trim();
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(`${server.url}${path}`, { ca: readFileSync(cert), headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (body += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject).end();
    });
  assert.equal((await get('/v1/health')).status, 200);
  const roles = await get('/v1/roles');
  assert.equal(roles.status, 200);
  assert.equal(JSON.parse(roles.body).items[0].name, 'Administrator');
  await server.stop('SIGTERM');
});

test('a bootstrap token file that cannot be written does not lock the operator out: the next start bootstraps', async () => {
  const { dir, args } = await freshStore();
  const cli = fileURLToPath(new URL('../../../server/cli.ts', import.meta.url));
  const bad = spawnSync(
    process.execPath,
    [cli, '--port', '0', ...args, '--bootstrap-token-file', join(dir, 'no', 'such', 'dir', 'token')],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  assert.notEqual(bad.status, 0, 'the start fails');
  assert.match(bad.stderr, /token/i, `says what went wrong: ${bad.stderr}`);
  assert.ok(!/kw_[0-9A-Za-z]{38}/.test(bad.stdout + bad.stderr), 'no token printed either');
  const tokenFile = join(dir, 'admin.token');
  const server = await start([...args, '--bootstrap-token-file', tokenFile]);
  let token = '';
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch {
    assert.fail('the second start wrote no token file: the first start committed a bootstrap credential whose secret nobody has');
  }
  const roles = await makeRequest(server.url, token)('GET', '/v1/roles');
  assert.equal(roles.status, 200);
  assert.equal(roles.json.items.filter((r: Json) => r.name === 'Administrator').length, 1);
  await server.stop('SIGTERM');
});
