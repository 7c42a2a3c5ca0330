import './fixtures/stub-electron-hooks.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { IPC_METHOD_NAMES, ipcChannel } from '../../../shared/ipc/contract.ts';
import type * as Stub from './fixtures/electron-stub.ts';

// The bundles the packaged app runs: the preload needs nothing but `electron` (a sandboxed
// preload has no node_modules), and main imports only Node built-ins and runtime dependencies
// (devDependencies are not packaged). Then the built main process itself runs against the
// recording electron stand-in: what ships is what is checked, not only the sources.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = `${root}dist/electron`;

before(() => {
  const built = spawnSync(process.execPath, [`${root}build/build-electron.ts`], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(built.status, 0, built.stderr);
});

test('the sandboxed preload bundle requires only electron and exposes window.keyward', () => {
  const code = readFileSync(`${out}/preload.cjs`, 'utf8');
  const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
  assert.deepEqual([...required], ['electron']);
  const exposed = new Map<string, Record<string, unknown>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
    ipcRenderer: { invoke: async () => ({ ok: true, value: null }), on: () => {} },
  };
  const fakeRequire = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`the preload asked for ${id}`);
  };
  new Function('require', 'module', 'exports', code)(fakeRequire, { exports: {} }, {});
  const api = exposed.get('keyward')!;
  assert.equal(typeof (api['roles'] as Record<string, unknown>)['list'], 'function');
});

test('the main bundle imports only Node built-ins, electron and runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
  const allowed = new Set([...Object.keys(pkg.dependencies), 'electron']);
  const builtins = new Set(builtinModules);
  for (const file of readdirSync(out).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(`${out}/${file}`, 'utf8');
    for (const [, spec] of code.matchAll(/(?:\bfrom\s+|\bimport\()"([^".][^"]*)"/g)) {
      const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
      if (spec!.startsWith('node:') || builtins.has(name)) continue;
      assert.ok(allowed.has(name), `${file} imports ${spec}, which is not a runtime dependency`);
    }
  }
});

test('the built main process, run against the electron stand-in, is "Keyward", moves the old data folder and serves its window', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bundle-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'app', 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>Keyward</title>');
  mkdirSync(join(dir, 'app-data', 'keyward'), { recursive: true });
  writeFileSync(join(dir, 'app-data', 'keyward', 'keyward.json'), '{"profiles":[]}');
  process.env['KEYWARD_STUB_APP_DATA'] = join(dir, 'app-data');
  process.env['KEYWARD_STUB_APP_PATH'] = join(dir, 'app');
  delete process.env['KEYWARD_STUB_USER_DATA'];
  delete process.env['KEYWARD_USER_DATA_DIR'];
  const stub: typeof Stub = await import('./fixtures/electron-stub.ts');
  await import(pathToFileURL(`${out}/main.js`).href);
  const window = await stub.firstWindow();

  assert.equal(stub.recorded.name, 'Keyward');
  assert.equal(stub.recorded.paths.get('userData'), join(dir, 'app-data', 'Keyward'), 'the folder the browser host uses');
  assert.equal(readFileSync(join(dir, 'app-data', 'Keyward', 'keyward.json'), 'utf8'), '{"profiles":[]}');
  assert.equal(existsSync(join(dir, 'app-data', 'keyward')), false, 'the old folder is gone after the move');

  assert.equal(window.options.title, 'Keyward');
  assert.equal(window.options.webPreferences.preload, `${out}/preload.cjs`);
  assert.ok(existsSync(window.options.webPreferences.preload), 'the preload the window names was built next to main.js');
  assert.equal(window.loaded, 'app://keyward/index.html');
  assert.deepEqual([...stub.recorded.ipcHandlers.keys()].sort(), IPC_METHOD_NAMES.map(ipcChannel).sort());
  const wc = window.webContents;
  const info = await stub.recorded.ipcHandlers.get(ipcChannel('app.info'))!({ sender: wc, senderFrame: wc.mainFrame }, undefined);
  assert.equal(info.ok, true, JSON.stringify(info));
  assert.equal(info.value.host, 'electron');
  const stranger = new stub.FakeWebContents();
  const refused = await stub.recorded.ipcHandlers.get(ipcChannel('profiles.list'))!(
    { sender: stranger, senderFrame: stranger.mainFrame },
    undefined,
  );
  assert.equal(refused.error.code, 'forbidden_sender');

  const serve = stub.recorded.protocolHandlers.get('app')!;
  assert.equal(((await serve(new Request('app://keyward/index.html'))) as Response).status, 200);
  for (const url of ['app://keyward/%E0%A4%A', 'app://keyward/%', 'app://keyward/%2e%2e/app-data/Keyward/keyward.json']) {
    assert.equal(((await serve(new Request(url))) as Response).status, 404, url);
  }
});
