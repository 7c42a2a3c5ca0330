import './fixtures/stub-electron-hooks.ts';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IPC_METHOD_NAMES, ipcChannel } from '../../../shared/ipc/contract.ts';
import type * as Stub from './fixtures/electron-stub.ts';

// The Electron glue run under plain Node against a recording stand-in for `electron` (the real
// runtime cannot be downloaded here): it proves the wiring — window options, sender checks,
// denied permissions, navigation and requests, the app:// protocol, the preload's surface.

const dir = mkdtempSync(join(tmpdir(), 'keyward-glue-'));
let stub: typeof Stub;
let window: InstanceType<typeof Stub.BrowserWindow>;

before(async () => {
  mkdirSync(join(dir, 'app', 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>Keyward</title>');
  writeFileSync(join(dir, 'app', 'secret.txt'), 'outside the renderer');
  process.env['KEYWARD_STUB_USER_DATA'] = join(dir, 'user-data');
  process.env['KEYWARD_STUB_APP_PATH'] = join(dir, 'app');
  stub = await import('./fixtures/electron-stub.ts');
  await import('../../../electron/glue/main.ts');
  window = await stub.firstWindow();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const call = (name: string, arg: unknown, sender: unknown, frame: unknown) =>
  stub.recorded.ipcHandlers.get(ipcChannel(name))!({ sender, senderFrame: frame }, arg);

test('the window is sandboxed, context-isolated, without Node, and loads app://keyward', () => {
  const prefs = window.options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.webviewTag, false);
  assert.match(prefs.preload, /preload\.cjs$/);
  assert.equal(window.loaded, 'app://keyward/index.html');
  assert.equal(stub.recorded.sandboxEnabled, true);
  assert.deepEqual(stub.recorded.privilegedSchemes, [
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
});

test('every contract method has its own IPC channel and nothing else is handled', () => {
  assert.deepEqual([...stub.recorded.ipcHandlers.keys()].sort(), IPC_METHOD_NAMES.map(ipcChannel).sort());
});

test('IPC from our window main frame is served; from another sender, a subframe or another origin it is refused', async () => {
  const wc = window.webContents;
  const ok = await call('app.info', undefined, wc, wc.mainFrame);
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.equal(ok.value.host, 'electron');

  const other = new stub.FakeWebContents();
  const subframe = { url: 'app://keyward/index.html' };
  const evilFrame = { url: 'https://evil.example/' };
  for (const [sender, frame] of [
    [other, other.mainFrame],
    [wc, subframe],
    [wc, null],
  ] as const) {
    const refused = await call('profiles.list', undefined, sender, frame);
    assert.equal(refused.error.code, 'forbidden_sender');
  }
  const original = wc.mainFrame;
  wc.mainFrame = evilFrame;
  assert.equal((await call('profiles.list', undefined, wc, evilFrame)).error.code, 'forbidden_sender');
  wc.mainFrame = original;

  const bad = await call('roles.get', { id: 7 }, wc, wc.mainFrame);
  assert.equal(bad.error.code, 'invalid_argument');
});

test('permissions are denied and the renderer can reach nothing but app://', () => {
  let granted: boolean | null = null;
  stub.recorded.permissionRequest!(null, 'media', (g: boolean) => (granted = g));
  assert.equal(granted, false);
  assert.equal(stub.recorded.permissionCheck!(), false);
  const verdict = (url: string) => {
    let cancel: boolean | null = null;
    stub.recorded.beforeRequest!({ url }, (r: { cancel: boolean }) => (cancel = r.cancel));
    return cancel;
  };
  assert.equal(verdict('app://keyward/assets/main.js'), false);
  assert.equal(verdict('https://evil.example/x.js'), true);
  assert.equal(verdict('file:///etc/passwd'), true);
  assert.equal(verdict('http://127.0.0.1:7700/v1/roles'), true);
});

test('navigation, redirects, webviews and new windows are refused', () => {
  assert.deepEqual(stub.recorded.windowOpenHandler!({ url: 'https://evil.example/' }), { action: 'deny' });
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
    let prevented = false;
    stub.recorded.contentsListeners.get(event)!({ preventDefault: () => (prevented = true) });
    assert.equal(prevented, true, event);
  }
  let downloadPrevented = false;
  stub.recorded.sessionListeners.get('will-download')!(
    { preventDefault: () => (downloadPrevented = true) },
    { getURL: () => 'https://evil.example/x.exe' },
  );
  assert.equal(downloadPrevented, true);
});

test('app:// serves the built renderer with the CSP, and nothing outside it', async () => {
  const handler = stub.recorded.protocolHandlers.get('app')!;
  const page = (await handler(new Request('app://keyward/index.html'))) as Response;
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'none'/);
  assert.match(await page.text(), /<title>Keyward/);
  for (const url of [
    'app://keyward/../secret.txt',
    'app://keyward/%2e%2e/secret.txt',
    'app://other/index.html',
    'app://keyward/missing.js',
  ]) {
    assert.equal(((await handler(new Request(url))) as Response).status, 404, url);
  }
});

test('quitting waits for the services to shut down (clipboard check, local server) and then quits', async () => {
  const beforeQuit = stub.recorded.appListeners.get('before-quit')![0]!;
  let prevented = false;
  beforeQuit({ preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);
  await stub.quitCalled();
  assert.equal(stub.recorded.quitCalls, 1);
  let preventedAgain = false;
  beforeQuit({ preventDefault: () => (preventedAgain = true) });
  assert.equal(preventedAgain, false);
});

test('the preload exposes window.keyward as domain methods, each on its own channel', async () => {
  await import('../../../electron/preload/preload.ts');
  const api = stub.recorded.exposed.get('keyward');
  assert.ok(api && !('invoke' in api));
  await api.roles.list();
  await api.secrets.copy({ handle: 'h', format: 'env' });
  assert.deepEqual(stub.recorded.invoked, [
    { channel: 'keyward:roles.list', arg: undefined },
    { channel: 'keyward:secrets.copy', arg: { handle: 'h', format: 'env' } },
  ]);
  const seen: unknown[] = [];
  api.on('secrets.clipboardCleared', (p: unknown) => seen.push(p));
  const deliver = stub.recorded.rendererListeners.get('keyward:event')!;
  deliver({}, 'secrets.clipboardCleared', { handleId: 'h', reason: 'timeout', cleared: true });
  deliver({}, 'not.an.event', { x: 1 });
  assert.deepEqual(seen, [{ handleId: 'h', reason: 'timeout', cleared: true }]);
});

test('a copy carries the concealment marker in Electron 45’s documented raw-format spelling, in the same clipboard item as the text', async () => {
  const { concealmentMarker, electronClipboard } = await import('../../../electron/glue/ports.ts');
  assert.deepEqual(concealmentMarker('darwin', {}), {
    format: { 'electron application/osclipboard;format="org.nspasteboard.ConcealedType"': '' },
    honoured: true,
  });
  assert.deepEqual(concealmentMarker('win32', {}), {
    format: { 'electron application/osclipboard;format="ExcludeClipboardContentFromMonitorProcessing"': '' },
    honoured: true,
  });
  const port = electronClipboard('darwin', {});
  await port.writeText('kw_secret');
  assert.deepEqual(stub.recorded.clipboardWrites.at(-1), [
    { 'text/plain': 'kw_secret', 'electron application/osclipboard;format="org.nspasteboard.ConcealedType"': '' },
  ]);
});

test('on Linux concealment is claimed only under KDE, whose Klipper honours the hint; GNOME and others are told the copy is not concealed', async () => {
  {
    const { concealmentMarker, electronClipboard } = await import('../../../electron/glue/ports.ts');
    const kde = concealmentMarker('linux', { XDG_CURRENT_DESKTOP: 'KDE' });
    assert.deepEqual(kde.format, { 'electron application/osclipboard;format="x-kde-passwordManagerHint"': 'secret' });
    assert.equal(kde.honoured, true);
    assert.equal(concealmentMarker('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }).honoured, false);
    assert.equal(concealmentMarker('linux', {}).honoured, false);
    assert.equal(electronClipboard('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }).concealment, false);
    assert.equal(electronClipboard('linux', { XDG_SESSION_DESKTOP: 'plasma' }).concealment, true);
  }
});

test('the main process names the app Keyward before anything else (menus, the macOS app menu, the data folder)', () => {
  assert.equal(stub.recorded.name, 'Keyward');
});
