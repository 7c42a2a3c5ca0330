import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../../server/index.ts';
import { INTERIM_BRIDGE_SCRIPT, startInterimHost } from './interim-host.ts';
import { launchBrowser } from './browser.ts';

// One end-to-end world per test file: a real backend on a temp SQLite file, the real browser host
// (IPC contract over loopback HTTP, profiles in a temp user-data folder, tokens in the test
// session's gnome-keyring) serving the built renderer, and Chromium on it.

export const RENDERER_DIR = join(import.meta.dirname, '..', '..', '..', 'dist', 'renderer');

export interface Host {
  url: string;
  close(): Promise<void>;
  /** The clipboard the host writes copies to, when it is not the system's. */
  clipboard?: { readText(): Promise<string> };
}

const BROWSER_HOST = join(import.meta.dirname, '..', '..', '..', 'electron', 'browser-host', 'index.ts');

async function startHost(userDataDir: string, extra: Record<string, unknown> = {}): Promise<{ host: Host; initScript: string | null }> {
  if (existsSync(BROWSER_HOST)) {
    const mod = (await import(pathToFileURL(BROWSER_HOST).href)) as { startBrowserHost: (o: Record<string, unknown>) => Promise<Host> };
    return { host: await mod.startBrowserHost({ userDataDir, rendererDir: RENDERER_DIR, ...extra }), initScript: null };
  }
  return { host: await startInterimHost({ userDataDir, rendererDir: RENDERER_DIR }), initScript: INTERIM_BRIDGE_SCRIPT };
}

export interface Stack {
  dir: string;
  serverUrl: string;
  adminToken: string;
  page: Page;
  context: BrowserContext;
  browser: Browser;
  host: Host;
  /** Calls the backend's REST API directly, as another admin would. */
  rest: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  stopServer(): Promise<void>;
  /** Starts the backend again on the same port and database file. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: { demo?: boolean; hostOptions?: Record<string, unknown> } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-e2e-'));
  const dbPath = join(dir, 'server.sqlite');
  let server: RunningServer | null = await startServer({ dbPath, port: 0, demo: opts.demo ?? false, logStream: { write: () => undefined } });
  const port = server.port;
  const adminToken = server.bootstrapToken!;
  const { host, initScript } = await startHost(join(dir, 'user-data'), opts.hostOptions);
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  if (initScript) await context.addInitScript(initScript);
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
      await page.screenshot({ path: join(import.meta.dirname, '..', '..', '..', 'test-results', `last-${process.pid}.png`) }).catch(() => undefined);
      await browser.close().catch(() => undefined);
      await host.close().catch(() => undefined);
      await server?.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
