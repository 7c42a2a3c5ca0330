import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { test, type TestContext } from 'node:test';
import { startServer } from '../../../server/index.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';
import { selfSignedCertificate } from '../../helpers/tls.ts';

// Certificate pinning against a real HTTPS backend with self-signed certificates made by the
// openssl CLI: trust on first use shows the fingerprint, a changed certificate is refused
// before the token is sent, and plain HTTP is refused off loopback unless opted in.

const certs = ['one', 'two'].map((name) => selfSignedCertificate(`keyward-${name}`));
const quiet = { write: () => {} };

/** One test's world: an HTTPS backend with certificate one on its own database, and an app. */
interface World {
  server: Awaited<ReturnType<typeof startServer>>;
  token: string;
  app: TestApp;
  /** Restarts the backend on the same port and database with certificate `which`. */
  restart(which: 0 | 1): Promise<void>;
  /** Stops the backend (its port is free for an impostor). */
  stop(): Promise<void>;
}

async function world(t: TestContext): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pin-'));
  const dbPath = join(dir, 'keyward.sqlite');
  const start = (which: 0 | 1, port = 0) =>
    startServer({ port, dbPath, tls: { cert: certs[which]!.cert, key: certs[which]!.key }, logStream: quiet });
  let running: World['server'] | null = await start(0);
  const w: World = {
    server: running,
    token: running.bootstrapToken!,
    app: startTestApp(),
    async restart(which) {
      const port = Number(new URL(w.server.url).port);
      await w.stop();
      running = w.server = await start(which, port);
    },
    async stop() {
      await running?.close();
      running = null;
    },
  };
  t.after(async () => {
    await w.app.close();
    await w.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return w;
}

/** A profile pinned to certificate one and connected. */
async function pinnedProfile({ app, server, token }: World) {
  const profile = await app.api.profiles.add({ name: 'TLS', url: server.url, token, fingerprint: certs[0]!.fingerprint });
  assert.equal((await app.api.session.connect({ profileId: profile.id })).state, 'online');
  return profile;
}

test('the first connection shows the certificate fingerprint for confirmation and sends no token', async (t) => {
  const { app, server, token } = await world(t);
  assert.match(server.url, /^https:/);
  const result = await app.api.profiles.test({ url: server.url, token });
  assert.equal(result.error, null);
  assert.equal(result.reachable, true);
  assert.equal(result.pin, 'unpinned');
  assert.equal(result.certificate!.fingerprint, certs[0]!.fingerprint);
  assert.match(result.certificate!.subject, /keyward-one/);
  assert.equal(result.authenticated, null);
  const unconfirmed = await rejection(app.api.profiles.add({ name: 'TLS', url: server.url, token }));
  assert.equal(unconfirmed.code, 'certificate_unconfirmed');
});

test('a confirmed fingerprint is pinned and the connection works', async (t) => {
  const { app, server, token } = await world(t);
  const profile = await app.api.profiles.add({ name: 'TLS', url: server.url, token, fingerprint: certs[0]!.fingerprint });
  assert.equal(profile.fingerprint, certs[0]!.fingerprint);
  const status = await app.api.session.connect({ profileId: profile.id });
  assert.equal(status.state, 'online');
  const test1 = await app.api.profiles.test({ id: profile.id });
  assert.equal(test1.pin, 'match');
  assert.equal(test1.authenticated, true);
});

test('a call in a connected session that meets a changed certificate puts the session offline with the reason', async (t) => {
  const w = await world(t);
  const { app } = w;
  const profile = await pinnedProfile(w);
  await w.restart(1);
  const eventsBefore = app.events.length;
  try {
    const refused = await rejection(app.api.roles.list());
    assert.equal(refused.code, 'certificate_changed');
    const status = await app.api.session.status();
    assert.equal(status.profileId, profile.id);
    assert.equal(status.state, 'offline');
    assert.equal(status.error!.code, 'certificate_changed');
    const changes = app.events.slice(eventsBefore).filter((e) => e.event === 'session.connectivityChanged');
    assert.equal((changes.at(-1)!.payload as { state: string }).state, 'offline');
  } finally {
    await w.restart(0);
  }
  // Back to the pinned certificate: the next call succeeds and the session is online again.
  await app.api.roles.list();
  assert.deepEqual(
    { state: (await app.api.session.status()).state, error: (await app.api.session.status()).error },
    { state: 'online', error: null },
  );
});

test('a changed certificate is refused and the token never reaches the impostor', async (t) => {
  const w = await world(t);
  const { app } = w;
  const profile = await pinnedProfile(w);
  const port = new URL(w.server.url).port;
  await w.stop();
  const received: Buffer[] = [];
  const closed: Promise<void>[] = [];
  const impostor = tls.createServer({ cert: certs[1]!.cert, key: certs[1]!.key }, (socket) =>
    socket.on('data', (d: Buffer) => received.push(d)),
  );
  // Every TCP connection, from its accept (before the handshake the client answers with a hang-up).
  impostor.on('connection', (socket: Socket) => closed.push(new Promise((resolve) => socket.on('close', () => resolve()))));
  await new Promise<void>((resolve) => impostor.listen(Number(port), '127.0.0.1', resolve));
  try {
    const refused = await rejection(app.api.session.connect({ profileId: profile.id }));
    assert.equal(refused.code, 'certificate_changed');
    assert.equal(refused.details!['expected'], certs[0]!.fingerprint);
    assert.equal(refused.details!['actual'], certs[1]!.fingerprint);
    const tested = await app.api.profiles.test({ id: profile.id });
    assert.equal(tested.pin, 'mismatch');
    assert.equal(tested.error!.code, 'certificate_changed');
    // The client hangs up once it has seen the certificate; after every connection has closed
    // nothing more can arrive.
    await Promise.all(closed);
    assert.equal(Buffer.concat(received).length, 0, 'bytes were sent to a server with the wrong certificate');
  } finally {
    await new Promise((resolve) => impostor.close(resolve));
  }
});

test('after a deliberate re-pin of the renewed certificate the profile connects again', async (t) => {
  const w = await world(t);
  const { app } = w;
  const profile = await pinnedProfile(w);
  await w.restart(1);
  const wrong = await rejection(app.api.profiles.confirmCertificate({ id: profile.id, fingerprint: certs[0]!.fingerprint }));
  assert.equal(wrong.code, 'certificate_changed');
  await app.api.profiles.confirmCertificate({ id: profile.id, fingerprint: certs[1]!.fingerprint });
  assert.equal((await app.api.session.connect({ profileId: profile.id })).state, 'online');
});

test('plain http is refused off loopback unless the profile opts in', async (t) => {
  const { app } = await world(t);
  const refused = await rejection(app.api.profiles.add({ name: 'Plain', url: 'http://keyward.internal.example:7700', token: 'kw_x' }));
  assert.equal(refused.code, 'insecure_url');
  assert.match(refused.message, /unencrypted/);
  const allowed = await app.api.profiles.add({
    name: 'Plain',
    url: 'http://keyward.internal.example:7700',
    token: 'kw_x',
    allowInsecureHttp: true,
  });
  assert.equal(allowed.allowInsecureHttp, true);
  const loopback = await app.api.profiles.add({ name: 'Loopback', url: 'http://127.0.0.1:7700', token: 'kw_x' });
  assert.equal(loopback.allowInsecureHttp, false);
});
