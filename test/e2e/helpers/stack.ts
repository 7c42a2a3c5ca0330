import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../../server/index.ts';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/index.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';
import { launchBrowser } from './browser.ts';

// One end-to-end world per test file: a real backend on a temp SQLite file, the real browser host
// (IPC contract over loopback HTTP, profiles in a temp user-data folder, tokens in the test
// session's gnome-keyring) serving the built renderer, and Chromium on it.

export const RENDERER_DIR = join(import.meta.dirname, '..', '..', '..', 'dist', 'renderer');

export interface Stack {
  dir: string;
  serverUrl: string;
  adminToken: string;
  page: Page;
  context: BrowserContext;
  browser: Browser;
  host: BrowserHost;
  /** Calls the backend's REST API directly, as another admin would. */
  rest: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  stopServer(): Promise<void>;
  /** Starts the backend again on the same port and database file. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: { demo?: boolean } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-e2e-'));
  const dbPath = join(dir, 'server.sqlite');
  let server: RunningServer | null = await startServer({
    dbPath,
    port: 0,
    demo: opts.demo ?? false,
    logStream: { write: () => undefined },
  });
  const port = server.port;
  const adminToken = server.bootstrapToken!;
  // An in-process clipboard, so the test can read what a paste would give without a display.
  const host = await startBrowserHost({
    userDataDir: join(dir, 'user-data'),
    rendererDir: RENDERER_DIR,
    clipboard: createMemoryClipboard(),
  });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  await page.goto(host.url);

  const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  return {
    dir,
    serverUrl: server.url,
    adminToken,
    page,
    context,
    browser,
    host,
    rest,
    async stopServer() {
      await server?.close();
      server = null;
    },
    async restartServer() {
      server = await startServer({ dbPath, port, logStream: { write: () => undefined } });
    },
    async close() {
      // The last view, for diagnosing a failed run (test-results/ is not committed).
      await page
        .screenshot({ path: join(import.meta.dirname, '..', '..', '..', 'test-results', `last-${process.pid}.png`) })
        .catch(() => undefined);
      await browser.close().catch(() => undefined);
      await host.close().catch(() => undefined);
      await server?.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
