import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type Browser, type BrowserContext, type ElectronApplication, type Page } from 'playwright-core';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/index.ts';
import { findElectronBinary } from '../../../electron/electron-binary.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';
import type { ClipboardPort } from '../../../electron/services/ports.ts';
import { launchBrowser } from './browser.ts';

// The two hosts the same end-to-end specs run against (KEYWARD_E2E_HOST): the browser host in
// Chromium (`browser`, the default; these machines have no Electron runtime), or the real desktop
// app under Playwright's _electron driver (`electron`, the desktop workflow on Linux). Either way
// the app gets a fresh user-data folder and the test gets its window's page.

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const RENDERER_DIR = join(ROOT, 'dist', 'renderer');

export type HostKind = 'browser' | 'electron';

export function e2eHost(env: NodeJS.ProcessEnv = process.env): HostKind {
  const host = env['KEYWARD_E2E_HOST'] ?? 'browser';
  if (host !== 'browser' && host !== 'electron')
    throw new Error(`KEYWARD_E2E_HOST must be "browser" or "electron", not ${JSON.stringify(host)}`);
  return host;
}

export interface OpenedApp {
  kind: HostKind;
  page: Page;
  context: BrowserContext;
  /** What a paste would give right now: the browser host's in-process clipboard, or the system's for Electron. */
  readClipboard(): Promise<string>;
  /** Resolves once the clipboard is empty (a clear has run), or rejects after `timeoutMs`. */
  clipboardEmptied(timeoutMs: number): Promise<void>;
  /** The browser host (browser only). */
  browserHost: BrowserHost | null;
  /** Chromium (browser only). */
  browser: Browser | null;
  /** The Electron application (electron only): app.evaluate reaches the main process. */
  electron: ElectronApplication | null;
  close(): Promise<void>;
}

export async function openApp(options: {
  userDataDir: string;
  kind?: HostKind;
  /** null (Electron): keep the window as the app restores it. */
  viewport?: { width: number; height: number } | null;
}): Promise<OpenedApp> {
  const kind = options.kind ?? e2eHost();
  const viewport = options.viewport === undefined ? { width: 1360, height: 860 } : options.viewport;
  if (kind === 'electron') return openElectron(options.userDataDir, viewport);
  // An in-process clipboard, so the test can read what a paste would give without a display, and
  // be told when the app clears it.
  const clipboard = watchedClipboard(createMemoryClipboard());
  const host = await startBrowserHost({ userDataDir: options.userDataDir, rendererDir: RENDERER_DIR, clipboard });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: viewport ?? { width: 1360, height: 860 } });
  const page = await context.newPage();
  await page.goto(host.launchUrl());
  return {
    kind,
    page,
    context,
    readClipboard: () => host.clipboard.readText(),
    clipboardEmptied: (timeoutMs) => clipboard.emptied(timeoutMs),
    browserHost: host,
    browser,
    electron: null,
    async close() {
      await browser.close().catch(() => undefined);
      await host.close().catch(() => undefined);
    },
  };
}

async function openElectron(userDataDir: string, viewport: { width: number; height: number } | null): Promise<OpenedApp> {
  const binary = findElectronBinary();
  if (!('path' in binary)) {
    throw new Error(
      `KEYWARD_E2E_HOST=electron needs the Electron runtime, and ${binary.missing}: run npx install-electron (needs internet).`,
    );
  }
  if (!existsSync(join(ROOT, 'dist', 'electron', 'main.js'))) {
    throw new Error('KEYWARD_E2E_HOST=electron runs the built app: npm run build:electron first (test/run.sh does it).');
  }
  const electron = await _electron.launch({
    executablePath: binary.path,
    args: [ROOT],
    cwd: ROOT,
    env: { ...process.env, KEYWARD_USER_DATA_DIR: userDataDir },
    timeout: 60_000,
  });
  const page = await electron.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  if (viewport) {
    await electron.evaluate(
      ({ BrowserWindow }, size) => BrowserWindow.getAllWindows()[0]?.setContentSize(size.width, size.height),
      viewport,
    );
  }
  return {
    kind: 'electron',
    page,
    context: electron.context(),
    readClipboard: () => electron.evaluate(({ clipboard }) => clipboard.readText()),
    // The system clipboard tells nobody when it changes: asked in the main process until empty.
    clipboardEmptied: (timeoutMs) =>
      electron.evaluate(
        ({ clipboard }, ms) =>
          new Promise<void>((resolve, reject) => {
            const until = Date.now() + ms;
            const check = async () => {
              if ((await clipboard.readText()) === '') return resolve();
              if (Date.now() > until) return reject(new Error(`the clipboard was not cleared within ${ms} ms`));
              setTimeout(() => void check(), 50);
            };
            void check();
          }),
        timeoutMs,
      ),
    browserHost: null,
    browser: null,
    electron,
    async close() {
      await electron.close().catch(() => undefined);
    },
  };
}

/** A clipboard port that resolves waiters when it becomes empty (the browser host's, in tests). */
function watchedClipboard(port: ClipboardPort): ClipboardPort & { emptied(timeoutMs: number): Promise<void> } {
  const waiters = new Set<() => void>();
  const settle = async () => {
    if ((await port.readText()) === '') for (const resolve of waiters) resolve();
  };
  return {
    ...port,
    writeText: async (text) => {
      await port.writeText(text);
      await settle();
    },
    clear: async () => {
      await port.clear();
      await settle();
    },
    async emptied(timeoutMs) {
      if ((await port.readText()) === '') return;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(new Error(`the clipboard was not cleared within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(done);
      });
    },
  };
}
