import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultUserDataDir, legacyUserDataDir } from '../../../electron/browser-host/user-data-dir.ts';
import { describeLegacyMove, moveLegacyUserData } from '../../../electron/services/legacy-user-data.ts';
import { KEYCHAIN_SERVICE } from '../../../electron/services/secret-store.ts';

// One name, one data folder: what older builds wrote under "keyward" (Electron named the folder
// after the package before package.json had productName "Keyward") moves once into the folder
// both hosts share, without overwriting anything already there.

const dir = mkdtempSync(join(tmpdir(), 'keyward-legacy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const folders = () => {
  const base = join(dir, String(++n));
  return { from: join(base, 'keyward'), to: join(base, 'Keyward') };
};

test('both hosts use appData/Keyward, as Electron does for productName "Keyward", and the keychain service is "Keyward"', () => {
  assert.equal(defaultUserDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux'), join('/x', 'Keyward'));
  assert.equal(defaultUserDataDir({}, 'linux'), join(homedir(), '.config', 'Keyward'));
  assert.equal(
    defaultUserDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'),
    join('C:\\Users\\a\\AppData\\Roaming', 'Keyward'),
  );
  assert.equal(defaultUserDataDir({}, 'darwin'), join(homedir(), 'Library', 'Application Support', 'Keyward'));
  assert.equal(legacyUserDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux'), join('/x', 'keyward'));
  assert.equal(KEYCHAIN_SERVICE, 'Keyward');
});

test('the old folder’s profiles, database and window state move into the shared folder, and the old folder goes', () => {
  const { from, to } = folders();
  mkdirSync(join(from, 'local-server'), { recursive: true });
  writeFileSync(join(from, 'keyward.json'), '{"profiles":[1]}');
  writeFileSync(join(from, 'local-server', 'keyward.sqlite'), 'db');
  const move = moveLegacyUserData(from, to);
  assert.deepEqual(move, { moved: ['keyward.json', 'local-server'], kept: [] });
  assert.equal(readFileSync(join(to, 'keyward.json'), 'utf8'), '{"profiles":[1]}');
  assert.equal(readFileSync(join(to, 'local-server', 'keyward.sqlite'), 'utf8'), 'db');
  assert.equal(existsSync(from), false);
  assert.match(describeLegacyMove(move, from, to)!, /moved 2 entries of the old data folder/);
  assert.deepEqual(moveLegacyUserData(from, to), { moved: [], kept: [] }, 'a second start has nothing to move');
});

test('what the shared folder already holds is never overwritten: that entry stays in the old folder, and the user is told', () => {
  const { from, to } = folders();
  mkdirSync(from, { recursive: true });
  mkdirSync(to, { recursive: true });
  writeFileSync(join(from, 'keyward.json'), 'old');
  writeFileSync(join(from, 'cache.json'), 'old cache');
  writeFileSync(join(to, 'keyward.json'), 'browser host profiles');
  const move = moveLegacyUserData(from, to);
  assert.deepEqual(move, { moved: ['cache.json'], kept: ['keyward.json'] });
  assert.equal(readFileSync(join(to, 'keyward.json'), 'utf8'), 'browser host profiles');
  assert.equal(readFileSync(join(from, 'keyward.json'), 'utf8'), 'old');
  assert.match(describeLegacyMove(move, from, to)!, /stayed in .*keyward \(keyward\.json\)/);
});

test('where both names are one folder (case-insensitive macOS and Windows file systems), nothing moves', () => {
  const { from, to } = folders();
  mkdirSync(to, { recursive: true });
  writeFileSync(join(to, 'keyward.json'), 'x');
  symlinkSync(to, from, 'dir'); // the same directory under the other spelling
  assert.deepEqual(moveLegacyUserData(from, to), { moved: [], kept: [] });
  assert.equal(readFileSync(join(to, 'keyward.json'), 'utf8'), 'x');
  assert.equal(describeLegacyMove({ moved: [], kept: [] }, from, to), null);
});
