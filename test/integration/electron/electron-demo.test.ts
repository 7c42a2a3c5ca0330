import '../../unit/electron/fixtures/stub-electron-hooks.ts';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ipcChannel } from '../../../shared/ipc/contract.ts';
import type { Role } from '../../../shared/domain/types.ts';
import type { Profile, SessionStatus } from '../../../shared/ipc/types.ts';
import { createKeytarStore } from '../../../electron/services/secret-store.ts';
import type * as Stub from '../../unit/electron/fixtures/electron-stub.ts';

// `npm run demo` with an Electron runtime: launch.ts starts Electron with KEYWARD_DEMO=1, and the
// glue starts the embedded local server with the demo data and connects before the window opens,
// so the renderer's first session status is online and it starts on Roles. Run under plain Node
// against the recording electron stand-in, with the real keychain and SQLite.

const dir = mkdtempSync(join(tmpdir(), 'keyward-electron-demo-'));
let stub: typeof Stub;

const call = async <T>(name: string, arg?: unknown): Promise<T> => {
  const wc = stub.recorded.windows[0]!.webContents;
  const answer = await stub.recorded.ipcHandlers.get(ipcChannel(name))!({ sender: wc, senderFrame: wc.mainFrame }, arg);
  assert.equal(answer.ok, true, JSON.stringify(answer));
  return answer.value as T;
};

before(async () => {
  mkdirSync(join(dir, 'app', 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><title>Keyward</title>');
  process.env['KEYWARD_STUB_USER_DATA'] = join(dir, 'user-data');
  process.env['KEYWARD_STUB_APP_PATH'] = join(dir, 'app');
  process.env['KEYWARD_DEMO'] = '1';
  stub = await import('../../unit/electron/fixtures/electron-stub.ts');
  await import('../../../electron/glue/main.ts');
  await stub.firstWindow();
});

after(async () => {
  const profiles = await call<Profile[]>('profiles.list').catch(() => []);
  // Quit as the app does (stops the local server), then forget the keychain entry.
  stub.recorded.appListeners.get('before-quit')![0]!({ preventDefault: () => undefined });
  await stub.quitCalled();
  for (const p of profiles) await createKeytarStore().delete(p.id);
  rmSync(dir, { recursive: true, force: true });
});

test('in demo mode the window opens already connected to the local server with the demo data', async () => {
  const session = await call<SessionStatus>('session.status');
  assert.equal(session.state, 'online');
  const [profile] = await call<Profile[]>('profiles.list');
  assert.equal(profile!.kind, 'local');
  assert.equal(profile!.hasToken, true);
  const names = (await call<Role[]>('roles.list')).map((r) => r.name);
  for (const name of ['Billing read-only', 'Billing clerk', 'Support agent', 'Provisioning', 'Reseller', 'Order desk']) {
    assert.ok(names.includes(name), `missing ${name}`);
  }
  assert.equal(stub.recorded.windows[0]!.loaded, 'app://keyward/index.html');
});
