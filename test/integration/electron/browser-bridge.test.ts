import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../helpers/chromium.ts';
import { build } from 'rolldown';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/index.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';

// The browser bridge in real Chromium against the real browser host: the one-time code leaves
// the address bar at once and is exchanged for an HttpOnly, SameSite=Strict cookie, calls and
// events work, the same link opens nothing a second time, and a page of another origin in the
// same browser cannot use the API even when it knows the port.

const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-'));
const rendererDir = join(dir, 'renderer');
let host: BrowserHost;
let browser: Browser;
let foreign: http.Server;
let foreignUrl: string;

before(async () => {
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(
    join(dir, 'entry.ts'),
    `import { createBrowserBridge } from ${JSON.stringify(fileURLToPath(new URL('../../../renderer/bridge/browser-bridge.ts', import.meta.url)))};\n(globalThis as any).keywardApi = createBrowserBridge();\n`,
  );
  await build({
    input: join(dir, 'entry.ts'),
    platform: 'browser',
    logLevel: 'silent',
    output: { file: join(rendererDir, 'bridge.js'), format: 'esm' },
  });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>bridge</title><script type="module" src="./bridge.js"></script>');
  host = await startBrowserHost({ userDataDir: join(dir, 'user-data'), rendererDir, clipboard: createMemoryClipboard() });
  foreign = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'),
  );
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS],
  });
});
after(async () => {
  await browser?.close();
  await host?.close();
  await new Promise<void>((r) => (foreign ? foreign.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

test('the page strips the one-time code from the address bar, gets a session cookie and calls the API through the bridge', async () => {
  const page = await browser.newPage();
  await page.goto(host.url);
  await page.waitForFunction(() => 'keywardApi' in globalThis);
  assert.equal(new URL(page.url()).hash, '');
  const info = await page.evaluate(() =>
    (globalThis as unknown as { keywardApi: { app: { info(): Promise<{ host: string }> } } }).keywardApi.app.info(),
  );
  assert.equal(info.host, 'browser');
  const cookies = await page.context().cookies();
  assert.equal(cookies.length, 1);
  assert.equal(cookies[0]!.name, `keyward-session-${host.port}`);
  assert.equal(cookies[0]!.domain, '127.0.0.1');
  assert.equal(cookies[0]!.path, '/');
  assert.equal(cookies[0]!.httpOnly, true);
  assert.equal(cookies[0]!.sameSite, 'Strict');
  assert.equal(cookies[0]!.expires, -1, 'a session cookie, gone with the browser');
  assert.equal(await page.evaluate('document.cookie'), '', 'the page script cannot read the cookie');
  assert.ok(!JSON.stringify(await page.evaluate(() => ({ ...sessionStorage }))).includes(host.secret));
  // A reload keeps the session.
  await page.reload();
  await page.waitForFunction(() => 'keywardApi' in globalThis);
  assert.equal(
    (
      await page.evaluate(() =>
        (globalThis as unknown as { keywardApi: { app: { info(): Promise<{ host: string }> } } }).keywardApi.app.info(),
      )
    ).host,
    'browser',
  );
  const error = await page.evaluate(async () => {
    try {
      await (globalThis as unknown as { keywardApi: { roles: { get(a: unknown): Promise<unknown> } } }).keywardApi.roles.get({ id: 7 });
      return null;
    } catch (e) {
      return e as { code: string };
    }
  });
  assert.equal(error?.code, 'invalid_argument');

  // The subscription opens the page's event stream; once its answer has arrived the host has
  // registered it, so the event below cannot be sent before anyone listens.
  const streamOpen = page.waitForResponse((r) => new URL(r.url()).pathname === '/events');
  const event = page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const api = (
          globalThis as unknown as { keywardApi: { on(e: string, f: (p: { clipboardClearSeconds: number }) => void): () => void } }
        ).keywardApi;
        api.on('app.settingsChanged', (p) => resolve(p.clipboardClearSeconds));
      }),
  );
  await streamOpen;
  await page.evaluate(() =>
    (globalThis as unknown as { keywardApi: { app: { updateSettings(a: unknown): Promise<unknown> } } }).keywardApi.app.updateSettings({
      clipboardClearSeconds: 20,
    }),
  );
  assert.equal(await event, 20);
  await page.close();
});

test('a link already used opens nothing: another browser that replays it from history or a command line is refused', async () => {
  const link = host.launchUrl();
  const first = await browser.newContext();
  const page = await first.newPage();
  await page.goto(link);
  await page.waitForFunction(() => 'keywardApi' in globalThis);
  await page.evaluate(() => (globalThis as unknown as { keywardApi: { app: { info(): Promise<unknown> } } }).keywardApi.app.info());

  const replay = await browser.newContext();
  const again = await replay.newPage();
  await again.goto(link);
  await again.waitForFunction(() => 'keywardApi' in globalThis);
  const refused = await again.evaluate(async () => {
    try {
      await (globalThis as unknown as { keywardApi: { profiles: { list(): Promise<unknown> } } }).keywardApi.profiles.list();
      return null;
    } catch (e) {
      return e as { code: string; message: string };
    }
  });
  assert.equal(refused?.code, 'forbidden_sender');
  assert.match(refused!.message, /already used or has expired/);
  assert.deepEqual(await replay.cookies(), []);
  await first.close();
  await replay.close();
});

test('a page of another origin cannot call the API, even with the secret', async () => {
  const page = await browser.newPage();
  await page.goto(foreignUrl);
  const outcome = await page.evaluate(
    async ({ origin, secret }) => {
      try {
        const res = await fetch(`${origin}/rpc/profiles.list`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'x-keyward-secret': secret },
          body: 'null',
        });
        return `status ${res.status}`;
      } catch {
        return 'blocked';
      }
    },
    { origin: host.origin, secret: host.secret },
  );
  assert.equal(outcome, 'blocked');
  // A "simple" no-cors POST does reach the host; it must be refused there and change nothing.
  const before = (await host.impl.api.app.info()).settings.clipboardClearSeconds;
  await page.evaluate(async (origin) => {
    await fetch(`${origin}/rpc/app.updateSettings`, { method: 'POST', mode: 'no-cors', body: '{"clipboardClearSeconds":5}' }).catch(
      () => undefined,
    );
  }, host.origin);
  // The fetch settles with the host's (opaque) answer: by then the host has refused it.
  assert.equal((await host.impl.api.app.info()).settings.clipboardClearSeconds, before);
  assert.notEqual(before, 5);
  await page.close();
});
