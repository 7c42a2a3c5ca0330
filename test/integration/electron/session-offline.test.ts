import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { rejection, startTestApp, type TestApp } from './app-harness.ts';

// "Work offline" is the admin's choice and must hold: a request already on its way when the
// switch is flipped (a Sync, a health check, a list load) answers later, and that answer must not
// put the session back online behind the admin's back. A proxy in front of the real server holds
// requests until the test lets them through.

let server: TestServer;
let app: TestApp;
let proxy: Server;
let proxyUrl: string;
let holding = false;
const held: (() => void)[] = [];
/** Resolved when the proxy next holds a request. */
let onHeld: (() => void) | null = null;
const nextHeld = () => new Promise<void>((resolve) => (onHeld = resolve));

before(async () => {
  server = await startTestServer({ sqlite: true });
  const upstream = new URL(server.url);
  proxy = createServer((req, res) => {
    const forward = () => {
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (holding) {
      held.push(forward);
      onHeld?.();
    } else forward();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  app = startTestApp();
});
after(async () => {
  for (const release of held.splice(0)) release();
  await app?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.close();
});

test('a call that answers after "Work offline" was switched on leaves the session offline by choice', async () => {
  const profile = await app.api.profiles.add({ name: 'Held', url: proxyUrl, token: server.token });
  assert.equal((await app.api.session.connect({ profileId: profile.id })).state, 'online');

  holding = true;
  const reachedProxy = nextHeld();
  const inFlight = app.api.session.sync();
  await reachedProxy;
  const chosen = await app.api.session.workOffline({ offline: true });
  assert.equal(chosen.state, 'offline');
  assert.equal(chosen.workingOffline, true);

  holding = false;
  for (const release of held.splice(0)) release();
  await inFlight.catch(() => undefined);

  const status = await app.api.session.status();
  assert.equal(status.state, 'offline', 'the late answer put the session back online');
  assert.equal(status.workingOffline, true);
  // And calls keep being refused as offline until the admin goes online.
  assert.equal((await rejection(app.api.credentials.list({}))).code, 'offline');
  assert.equal((await app.api.session.workOffline({ offline: false })).state, 'online');
});
