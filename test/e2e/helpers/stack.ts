import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../../server/index.ts';
import type { BrowserHost } from '../../../electron/browser-host/index.ts';
import { openApp, type OpenedApp } from './hosts.ts';
import { restClient, type TlsFiles } from './rest.ts';

export { RENDERER_DIR } from './hosts.ts';
export type { TlsFiles } from './rest.ts';

// One end-to-end world per test file: a real backend on a temp SQLite file and the app (the
// browser host in Chromium, or the real Electron app with KEYWARD_E2E_HOST=electron; see
// hosts.ts) on a temp user-data folder, tokens in the test session's gnome-keyring. New specs
// should use the per-test fixture withApp (fixtures.ts) instead.

export interface Stack {
  dir: string;
  serverUrl: string;
  adminToken: string;
  page: Page;
  context: BrowserContext;
  app: OpenedApp;
  /** Chromium (browser host only). */
  browser: Browser | null;
  /** The browser host (browser host only). */
  host: BrowserHost | null;
  /** Calls the backend's REST API directly, as another admin would. */
  rest: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  stopServer(): Promise<void>;
  /** Starts the backend again on the same port and database file (with another certificate if given). */
  restartServer(opts?: { tls?: TlsFiles }): Promise<void>;
  close(): Promise<void>;
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
  const app = await openApp({ userDataDir: join(dir, 'user-data') });
  const { page, context } = app;
  // The certificate may change on restart, so the client reads it each time.
  const rest = <T>(method: string, path: string, body?: unknown) => restClient(() => server!.url, adminToken, tls)<T>(method, path, body);

  return {
    dir,
    serverUrl: server.url,
    adminToken,
    page,
    context,
    app,
    browser: app.browser,
    host: app.browserHost,
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
      await app.close();
      await server?.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
