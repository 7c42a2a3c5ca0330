import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../../server/index.ts';
import { openApp, ROOT, type HostKind, type OpenedApp } from './hosts.ts';
import { restClient, type TlsFiles } from './rest.ts';
import { connect } from './ui.ts';

// Per-test end-to-end fixtures (Insomnia's pattern): every test gets a fresh backend on its own
// SQLite file, a fresh app with a fresh user-data folder, on the host KEYWARD_E2E_HOST names
// (the browser host in Chromium here, the real Electron app in the desktop workflow). A trace
// (screenshots, DOM snapshots, network) and a screenshot are kept in test-results/e2e/ when the
// test fails; passing tests leave nothing behind.
//
//   test('…', (t) => withApp(t, async ({ page, api, server }) => { … }));

export interface AppWorld {
  page: Page;
  host: HostKind;
  app: OpenedApp;
  /** The backend: its URL, the bootstrap admin token and its SQLite file (for history no API call can make, such as last month's entries). */
  server: {
    url: string;
    adminToken: string;
    dbPath: string;
    stop(): Promise<void>;
    /** Starts the backend again on the same port and SQLite file (with another certificate if given). */
    restart(restartOptions?: { tls?: TlsFiles }): Promise<void>;
  };
  /** The backend's REST API called directly, as another admin would (throws on a non-2xx answer). */
  api: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  /** A scratch folder of this test (downloads, exports); removed afterwards. */
  dir: string;
  userDataDir: string;
  readClipboard(): Promise<string>;
}

export interface WorldOptions {
  /** Seed the backend with the --demo data. */
  demo?: boolean;
  /** Serve the backend over HTTPS with this certificate. */
  tls?: TlsFiles;
  /** PUT /v1/catalog before the app opens. */
  catalog?: unknown;
  /** Add the backend as a profile through the UI and connect, before the test body runs. */
  connected?: boolean;
  /** The name of that profile ("Test server" unless given). */
  profileName?: string;
  /** How long a Playwright action waits (30 s unless given): longer where axe scans load the machine. */
  actionTimeoutMs?: number;
}

export async function withApp(t: TestContext, body: (world: AppWorld) => Promise<void>, options: WorldOptions = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-e2e-'));
  const dbPath = join(dir, 'server.sqlite');
  const quiet = { write: () => undefined };
  let server: RunningServer | null = null;
  let app: OpenedApp | null = null;
  let tracing = false;
  // The certificate may change on restart, so the REST client reads it each time.
  let tls = options.tls;
  try {
    server = await startServer({
      dbPath,
      port: 0,
      demo: options.demo ?? false,
      logStream: quiet,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    const port = server.port;
    const adminToken = server.bootstrapToken!;
    const api = <T>(method: string, path: string, body?: unknown) => restClient(() => server!.url, adminToken, tls)<T>(method, path, body);
    if (options.catalog) await api('PUT', '/v1/catalog', options.catalog);
    const userDataDir = join(dir, 'user-data');
    app = await openApp({ userDataDir });
    if (options.actionTimeoutMs) app.context.setDefaultTimeout(options.actionTimeoutMs);
    // A host whose context cannot trace still gets its screenshot on failure.
    tracing = await app.context.tracing.start({ screenshots: true, snapshots: true, title: t.fullName }).then(
      () => true,
      () => false,
    );
    const world: AppWorld = {
      page: app.page,
      host: app.kind,
      app,
      server: {
        url: server.url,
        adminToken,
        dbPath,
        async stop() {
          await server?.close();
          server = null;
        },
        async restart(restartOptions = {}) {
          tls = restartOptions.tls ?? tls;
          server = await startServer({ dbPath, port, logStream: quiet, ...(tls ? { tls } : {}) });
        },
      },
      api,
      dir,
      userDataDir,
      readClipboard: () => app!.readClipboard(),
    };
    if (options.connected) await connect(app.page, server.url, adminToken, options.profileName);
    await body(world);
    if (tracing) await app.context.tracing.stop();
  } catch (error) {
    if (app) await keepEvidence(t, app, tracing);
    throw error;
  } finally {
    await app?.close();
    await server?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** test-results/e2e/<file>/<test>/{trace.zip,failure.png}: open the trace with `npx playwright show-trace`. */
async function keepEvidence(t: TestContext, app: OpenedApp, tracing: boolean): Promise<void> {
  const file = (t.filePath ?? 'e2e')
    .split(/[/\\]/)
    .pop()!
    .replace(/\.test\.ts$/, '');
  const where = join(ROOT, 'test-results', 'e2e', file, t.name.replace(/[^\w-]+/g, '-').slice(0, 80));
  mkdirSync(where, { recursive: true });
  await app.page.screenshot({ path: join(where, 'failure.png') }).catch(() => undefined);
  if (tracing) await app.context.tracing.stop({ path: join(where, 'trace.zip') }).catch(() => undefined);
  process.stderr.write(`e2e evidence of the failure kept in ${where}\n`);
}
