import { mkdtempSync, rmSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
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
  /** Starts the backend again on the same port and database file (with another certificate if given). */
  restartServer(opts?: { tls?: TlsFiles }): Promise<void>;
  close(): Promise<void>;
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** `tls` serves the backend over HTTPS with that certificate (see helpers/tls.ts). */
export async function startStack(opts: { demo?: boolean; tls?: TlsFiles } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-e2e-'));
  const dbPath = join(dir, 'server.sqlite');
  let tls = opts.tls;
  let server: RunningServer | null = await startServer({
    dbPath,
    port: 0,
    demo: opts.demo ?? false,
    logStream: { write: () => undefined },
    ...(tls ? { tls } : {}),
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
  await page.goto(host.launchUrl());

  const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers = { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // fetch cannot be told to trust one self-signed certificate, so HTTPS goes through node:https.
    const { status, text } = tls
      ? await httpsText(`${server!.url}${path}`, { method, headers, ca: tls.cert }, payload)
      : await fetch(`${server!.url}${path}`, { method, headers, body: payload }).then(async (r) => ({
          status: r.status,
          text: await r.text(),
        }));
    if (status < 200 || status > 299) throw new Error(`${method} ${path} → ${status} ${text}`);
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
    async restartServer(restart = {}) {
      tls = restart.tls ?? tls;
      server = await startServer({ dbPath, port, logStream: { write: () => undefined }, ...(tls ? { tls } : {}) });
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

function httpsText(url: string, options: RequestOptions, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
