import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { BackendClient } from '../../../electron/services/backend-client.ts';
import { KeywardError } from '../../../electron/services/errors.ts';
import { parseProfileUrl, requestUrl } from '../../../electron/services/profile-url.ts';
import { createKeytarStore, KEYCHAIN_SERVICE } from '../../../electron/services/secret-store.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// The admin token goes only where the admin pointed the profile. A URL whose path starts with
// "//" once made the client send the token to the host named in the path; a profile re-pointed at
// another listener once kept its token. Two loopback listeners: the profile's server on
// 127.0.0.1 and an attacker's on 127.0.0.2, which must never see a request.

interface Seen {
  path: string;
  auth: string | undefined;
}
const listen = async (address: string) => {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url!, auth: req.headers.authorization });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"9.9.9","groups":[]}');
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return { server, seen, port: (server.address() as AddressInfo).port };
};

let profileServer: Awaited<ReturnType<typeof listen>>;
let attacker: Awaited<ReturnType<typeof listen>>;
let app: TestApp;
const token = 'kw_profileOriginTestToken0000000000000';

before(async () => {
  profileServer = await listen('127.0.0.1');
  attacker = await listen('127.0.0.2');
  app = startTestApp();
});
after(async () => {
  await app?.close();
  for (const l of [profileServer, attacker]) await new Promise<void>((r) => (l ? l.server.close(() => r()) : r()));
});

const attackUrls = () => [
  `http://127.0.0.1:${profileServer.port}//127.0.0.2:${attacker.port}`,
  `http://127.0.0.1:${profileServer.port}//127.0.0.2:${attacker.port}/v1`,
  `http://localhost:${profileServer.port}//keyward`,
  `http://127.0.0.1:${profileServer.port}/\\127.0.0.2:${attacker.port}`,
  `http://127.0.0.1:${profileServer.port}\\\\127.0.0.2:${attacker.port}`,
  `http://admin:pw@127.0.0.1:${profileServer.port}`,
  `http://127.0.0.1:${profileServer.port}/?next=//127.0.0.2:${attacker.port}`,
  `http://127.0.0.1:${profileServer.port}/#//127.0.0.2:${attacker.port}`,
  `http://127.0.0.1:${profileServer.port}/a/../..//127.0.0.2:${attacker.port}`,
];

test('the reported attack URL (a "//host" path) is refused before anything is sent', () => {
  for (const url of ['http://127.0.0.1:9//10.255.255.1:8080', 'http://localhost:8080//keyward']) {
    assert.throws(
      () => parseProfileUrl(url),
      (e: unknown) => e instanceof KeywardError && e.code === 'insecure_url' && /empty segment/.test(e.message),
      url,
    );
  }
  assert.match(
    (() => {
      try {
        parseProfileUrl('http://localhost:8080//keyward');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })(),
    /Write it as http:\/\/localhost:8080\/keyward/,
  );
});

test('a profile URL that names a second host, credentials, a query or a fragment is refused by add and test, and no listener sees a request', async () => {
  for (const url of attackUrls()) {
    const added = await rejection(app.api.profiles.add({ name: 'Attack', url, token }));
    assert.equal(added.code, 'insecure_url', url);
    const tested = await app.api.profiles.test({ url, token });
    assert.equal(tested.error?.code, 'insecure_url', url);
  }
  assert.deepEqual(await app.api.profiles.list(), []);
  assert.deepEqual(attacker.seen, []);
  assert.deepEqual(profileServer.seen, []);
});

test('a profile stored with such a URL before the fix sends its token nowhere', async () => {
  for (const url of attackUrls()) {
    const client = new BackendClient({ url, allowInsecureHttp: true, fingerprint: null }, token, { timeoutMs: 2000 });
    await assert.rejects(client.request('GET', '/v1/catalog'), (e: unknown) => e instanceof KeywardError && e.code === 'insecure_url');
  }
  const legacy = app.impl.services.profiles;
  const profile = await legacy.add({ name: 'Legacy', url: `http://127.0.0.1:${profileServer.port}`, token });
  // A URL written by an older version, straight into the store.
  const kv = (await import('../../../electron/services/conf-store.ts')).createConfStore(app.dir, 'keyward');
  kv.set(
    'profiles',
    (kv.get<{ id: string; url: string }[]>('profiles') ?? []).map((p) =>
      p.id === profile.id ? { ...p, url: `http://127.0.0.1:${profileServer.port}//127.0.0.2:${attacker.port}` } : p,
    ),
  );
  const connect = await rejection(app.api.session.connect({ profileId: profile.id }));
  assert.equal(connect.code, 'insecure_url');
  assert.deepEqual(attacker.seen, []);
  assert.deepEqual(profileServer.seen, []);
  await app.api.profiles.remove({ id: profile.id });
});

test('a request path that would leave the origin is refused by the client itself', () => {
  const base = parseProfileUrl(`http://127.0.0.1:${profileServer.port}/keyward`);
  assert.equal(requestUrl(base, '/v1/roles').href, `http://127.0.0.1:${profileServer.port}/keyward/v1/roles`);
  for (const path of [`//127.0.0.2:${attacker.port}/v1`, '\\\\127.0.0.2/v1', 'v1/roles', '/\\127.0.0.2/v1']) {
    assert.throws(
      () => requestUrl(base, path),
      (e: unknown) => e instanceof KeywardError && e.code === 'insecure_url',
      path,
    );
  }
});

test('a URL is stored normalised and its base path is kept on the same origin', async () => {
  const profile = await app.api.profiles.add({ name: 'Base path', url: `http://LOCALHOST:${profileServer.port}/Keyward/`, token });
  assert.equal(profile.url, `http://localhost:${profileServer.port}/Keyward`);
  profileServer.seen.length = 0;
  const result = await app.api.profiles.test({ id: profile.id });
  assert.equal(result.error, null);
  assert.deepEqual(
    profileServer.seen.map((s) => s.path),
    ['/Keyward/v1/health', '/Keyward/v1/catalog'],
  );
  await app.api.profiles.remove({ id: profile.id });
});

test('plain HTTP is judged by the host actually contacted: a loopback-looking path does not make a remote host loopback', () => {
  return assert.rejects(
    new BackendClient({ url: 'http://192.0.2.1/127.0.0.1', allowInsecureHttp: false, fingerprint: null }, token).request(
      'GET',
      '/v1/roles',
    ),
    (e: unknown) => e instanceof KeywardError && e.code === 'insecure_url' && /192\.0\.2\.1/.test(e.message),
  );
});

test('re-pointing a profile at another origin drops its keychain token and its pin, so the new listener never gets the token', async () => {
  const keychain = createKeytarStore(KEYCHAIN_SERVICE);
  const profile = await app.api.profiles.add({ name: 'Moved', url: `http://127.0.0.1:${profileServer.port}`, token });
  await app.impl.services.profiles.update(profile.id, { fingerprint: 'AA:'.repeat(31) + 'AA' });
  assert.equal(await keychain.get(profile.id), token);

  const moved = await app.api.profiles.update({ id: profile.id, url: `http://127.0.0.2:${attacker.port}` });
  assert.equal(moved.hasToken, false);
  assert.equal(moved.fingerprint, null);
  assert.equal(await keychain.get(profile.id), null);
  const result = await app.api.profiles.test({ id: profile.id });
  assert.equal(result.authenticated, null);
  assert.ok(
    attacker.seen.every((s) => s.auth === undefined),
    'the new listener received an Authorization header',
  );
  const connect = await rejection(app.api.session.connect({ profileId: profile.id }));
  assert.equal(connect.code, 'unauthorized');
  assert.ok(attacker.seen.every((s) => s.auth === undefined));
  assert.ok(app.logs.some((l) => l.includes('profile moved to another server')));
  assert.ok(!app.logs.join('\n').includes(token));
  await app.api.profiles.remove({ id: profile.id });
});

test('a new origin with a new token keeps the new token; a new base path on the same origin keeps the old one', async () => {
  const keychain = createKeytarStore(KEYCHAIN_SERVICE);
  const profile = await app.api.profiles.add({ name: 'Kept', url: `http://127.0.0.1:${profileServer.port}`, token });
  const samePlace = await app.api.profiles.update({ id: profile.id, url: `http://127.0.0.1:${profileServer.port}/keyward` });
  assert.equal(samePlace.hasToken, true);
  assert.equal(await keychain.get(profile.id), token);
  const newToken = `${token}-2`;
  const moved = await app.api.profiles.update({ id: profile.id, url: `http://localhost:${profileServer.port}`, token: newToken });
  assert.equal(moved.hasToken, true);
  assert.equal(await keychain.get(profile.id), newToken);
  await app.api.profiles.remove({ id: profile.id });
});
