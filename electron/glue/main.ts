import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, nativeTheme } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_METHOD_NAMES, ipcChannel } from '../../shared/ipc/contract.ts';
import type { AppSettings, KeywardEventName, KeywardEvents } from '../../shared/ipc/types.ts';
import { createApiImplementation, type ApiImplementation } from '../services/api-implementation.ts';
import { describeLegacyMove, moveLegacyUserData } from '../services/legacy-user-data.ts';
import { createKeytarStore } from '../services/secret-store.ts';
import { LEGACY_FOLDER_NAME, PRODUCT_NAME } from '../browser-host/user-data-dir.ts';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol.ts';
import { hardenSessions, isTrustedSender } from './hardening.ts';
import { installMenu } from './menu.ts';
import { electronClipboard, electronStore } from './ports.ts';
import { restoredBounds, trackWindowState } from './window-state.ts';

// The Electron main process: only wiring. Every decision lives in electron/services (tested
// under plain Node); this file creates the hardened window, serves the renderer from app://,
// routes each contract method's channel to ApiImplementation after checking the sender, and
// clears a copied secret at quit.

// One name everywhere (window, menus, data folder): package.json's productName says "Keyward"
// too; setting it here also covers a start from another folder. The data folder is the one the
// browser host uses (appData/Keyward), with a one-time move of what older builds wrote under
// "keyward". Tests (and admins who keep several setups) point the app at another folder. All of
// this must happen before the single-instance lock, which is per user-data folder.
app.setName(PRODUCT_NAME);
if (process.env['KEYWARD_USER_DATA_DIR']) {
  app.setPath('userData', process.env['KEYWARD_USER_DATA_DIR']);
} else {
  const shared = join(app.getPath('appData'), PRODUCT_NAME);
  const legacy = join(app.getPath('appData'), LEGACY_FOLDER_NAME);
  try {
    const note = describeLegacyMove(moveLegacyUserData(legacy, shared), legacy, shared);
    if (note) process.stdout.write(`${note}\n`);
  } catch (error) {
    process.stderr.write(`Keyward: the old data folder ${legacy} could not be moved to ${shared}: ${(error as Error).message}\n`);
  }
  app.setPath('userData', shared);
}
// An AppImage on a system without unprivileged user namespaces (Ubuntu ≥ 23.10) starts with
// --no-sandbox (electron-builder's AppRun): say so, and what keeps the sandbox on.
if (app.commandLine.hasSwitch('no-sandbox')) {
  process.stderr.write(
    "Keyward: running without Chromium's sandbox, because this system does not let the app create one (on Ubuntu 23.10 and later an AppImage cannot; the .deb installs an AppArmor profile and keeps the sandbox on).\n",
  );
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.enableSandbox();
  void start();
}

async function start(): Promise<void> {
  let window: BrowserWindow | null = null;
  const kv = electronStore('keyward');
  const applyTheme = (settings: AppSettings) => (nativeTheme.themeSource = settings.theme);
  const emit = <E extends KeywardEventName>(event: E, payload: KeywardEvents[E]) => {
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  };

  await app.whenReady();
  const impl: ApiImplementation = createApiImplementation({
    userDataDir: app.getPath('userData'),
    kv,
    cache: electronStore('cache'),
    secrets: createKeytarStore(),
    clipboard: electronClipboard(),
    emit,
    host: 'electron',
    version: app.getVersion(),
    onSettingsChanged: applyTheme,
  });
  // A secret an earlier run (killed before it could clear) left on the clipboard goes first.
  await impl.start().catch(() => undefined);
  applyTheme((await impl.api.app.info()).settings);
  // npm run demo: the embedded local server with the demo data, connected before the window
  // opens, so the renderer starts on the Roles screen (electron/demo.ts).
  if (process.env['KEYWARD_DEMO'] === '1') {
    await impl.api.localServer.start({ demo: true }).catch((error: unknown) => {
      process.stderr.write(`Keyward demo: the local server did not start: ${(error as Error).message}\n`);
    });
  }

  hardenSessions();
  serveRenderer(join(app.getAppPath(), 'dist', 'renderer'));
  installMenu();

  routeIpc(impl, () => window?.webContents.id ?? null);

  const createWindow = () => {
    const { bounds, maximized } = restoredBounds(kv);
    window = new BrowserWindow({
      ...bounds,
      minWidth: 900,
      minHeight: 600,
      show: false,
      title: 'Keyward',
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#121212' : '#ffffff',
      // Every security preference is spelled out, defaults included (allowRunningInsecureContent
      // false: no http:// script or style in the app:// page), so a changed default cannot weaken it.
      webPreferences: {
        preload: join(import.meta.dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        safeDialogs: true,
        // Middle-click must not open links in new windows (electronegativity AUXCLICK_JS_CHECK).
        disableBlinkFeatures: 'Auxclick',
      },
    });
    if (maximized) window.maximize();
    trackWindowState(window, kv);
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => (window = null));
    void window.loadURL(`${APP_ORIGIN}/index.html`);
  };

  app.on('second-instance', () => {
    if (!window) return createWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  quitCleanly(impl);
  createWindow();
}

/**
 * At quit: wipe a copied secret that is still on the clipboard, stop the local server. Signals
 * quit the same way; a bare exit still clears synchronously.
 */
function quitCleanly(impl: ApiImplementation): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());
  process.on('exit', () => impl.shutdownSync());
  let cleaned = false;
  app.on('before-quit', (event) => {
    if (cleaned) return;
    event.preventDefault();
    void impl.shutdown().finally(() => {
      cleaned = true;
      app.quit();
    });
  });
}

/** Each contract method's channel to ApiImplementation, for messages from our window's main frame only. */
function routeIpc(impl: ApiImplementation, windowContentsId: () => number | null): void {
  for (const name of IPC_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, arg: unknown) => {
      if (!isTrustedSender(event.sender, event.senderFrame, windowContentsId())) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'This message did not come from the Keyward window.' } };
      }
      return impl.dispatch(name, arg);
    });
  }
}
