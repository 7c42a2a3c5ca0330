import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'rolldown';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/index.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';

// The browser bridge in real Chromium against the real browser host: the launch secret leaves
// the address bar at once, calls and events work, and a page of another origin in the same
// browser cannot use the API even when it knows the port.

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
    executablePath: process.env['KEYWARD_CHROMIUM'] ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
after(async () => {
  await browser?.close();
  await host?.close();
  await new Promise<void>((r) => (foreign ? foreign.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

test('the page strips the launch secret from the address bar and calls the API through the bridge', async () => {
  const page = await browser.newPage();
  await page.goto(host.url);
  await page.waitForFunction(() => 'keywardApi' in globalThis);
  assert.equal(new URL(page.url()).hash, '');
  const info = await page.evaluate(() =>
    (globalThis as unknown as { keywardApi: { app: { info(): Promise<{ host: string }> } } }).keywardApi.app.info(),
  );
  assert.equal(info.host, 'browser');
  const error = await page.evaluate(async () => {
    try {
      await (globalThis as unknown as { keywardApi: { roles: { get(a: unknown): Promise<unknown> } } }).keywardApi.roles.get({ id: 7 });
      return null;
    } catch (e) {
      return e as { code: string };
    }
  });
  assert.equal(error?.code, 'invalid_argument');

  const event = page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const api = (
          globalThis as unknown as { keywardApi: { on(e: string, f: (p: { clipboardClearSeconds: number }) => void): () => void } }
        ).keywardApi;
        api.on('app.settingsChanged', (p) => resolve(p.clipboardClearSeconds));
      }),
  );
  await page.waitForTimeout(300);
  await page.evaluate(() =>
    (globalThis as unknown as { keywardApi: { app: { updateSettings(a: unknown): Promise<unknown> } } }).keywardApi.app.updateSettings({
      clipboardClearSeconds: 20,
    }),
  );
  assert.equal(await event, 20);
  await page.close();
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
  await page.waitForTimeout(200);
  assert.equal((await host.impl.api.app.info()).settings.clipboardClearSeconds, before);
  assert.notEqual(before, 5);
  await page.close();
});
