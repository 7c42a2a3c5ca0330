import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { createKeytarStore, KEYCHAIN_SERVICE } from '../../../electron/services/secret-store.ts';
import { startTestApp, type TestApp } from './app-harness.ts';

// The OS keychain through keytar, on the real Secret Service (gnome-keyring under test/run.sh).

const apps: TestApp[] = [];
after(async () => {
  for (const app of apps) await app.close();
});

test('a profile token round-trips through the keychain under service "Keyward", account = profile id', async () => {
  const app = startTestApp();
  apps.push(app);
  const token = 'kw_roundTripTokenForTheKeychainTest000';
  const profile = await app.api.profiles.add({ name: 'Round trip', url: 'http://127.0.0.1:7700', token });
  const keychain = createKeytarStore(KEYCHAIN_SERVICE);
  assert.equal(await keychain.get(profile.id), token);
  await app.api.profiles.update({ id: profile.id, token: `${token}-new` });
  assert.equal(await keychain.get(profile.id), `${token}-new`);
  assert.ok(!app.diskText().includes(token));
  await app.api.profiles.remove({ id: profile.id });
  assert.equal(await keychain.get(profile.id), null);
  assert.deepEqual(await app.api.profiles.list(), []);
});

test('without a keychain the app says so clearly and stores nothing, the token least of all', () => {
  const script = fileURLToPath(new URL('./fixtures/keychain-absent.ts', import.meta.url));
  const out = execFileSync(process.execPath, [script], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyward-no-bus' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const result = JSON.parse(out) as {
    error: { code: string; message: string };
    keychainAvailable: boolean;
    files: string[];
    profiles: unknown;
  };
  assert.equal(result.error.code, 'keychain_unavailable');
  assert.match(result.error.message, /keychain is not available/);
  assert.match(result.error.message, /nothing was saved in plain text/);
  assert.equal(result.keychainAvailable, false);
  for (const file of result.files) assert.ok(!file.includes('kw_thisTokenMustNeverBeWrittenAnywhere12'));
  assert.ok(
    result.files.every((f) => !f.includes('No keychain')),
    'a half-made profile was stored',
  );
});
