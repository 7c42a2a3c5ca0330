import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createConfStore } from '../../../electron/services/conf-store.ts';
import { startTestApp, type TestApp } from './app-harness.ts';

// Another user of the machine must not read the user-data folder: profiles, the offline cache
// (credential names, owners, prefixes, CIDRs, roles, backends) and drafts. Real files, real modes.

const root = mkdtempSync(join(tmpdir(), 'keyward-modes-'));
const apps: TestApp[] = [];
after(async () => {
  for (const app of apps) await app.close();
  rmSync(root, { recursive: true, force: true });
});
const mode = (path: string) => statSync(path).mode & 0o777;

test('a new user-data folder is 0700 and the stores it writes are 0600, even under a permissive umask', () => {
  const previous = process.umask(0o022);
  try {
    const dir = join(root, 'fresh', 'Keyward');
    const kv = createConfStore(dir, 'keyward');
    const cache = createConfStore(dir, 'cache');
    kv.set('profiles', [{ id: 'p', name: 'Prod' }]);
    cache.set('drafts:p', [{ draftId: 'd', op: 'create' }]);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'keyward.json')), 0o600);
    assert.equal(mode(join(dir, 'cache.json')), 0o600);
  } finally {
    process.umask(previous);
  }
});

test('a user-data folder left readable by others is repaired at start, and stays private after writes', async () => {
  const dir = join(root, 'old');
  mkdirSync(join(dir, 'local-server'), { recursive: true });
  writeFileSync(join(dir, 'keyward.json'), '{"profiles":[]}');
  writeFileSync(join(dir, 'cache.json'), '{"cache:p":{"credentials":[{"name":"billing-prod"}]}}');
  writeFileSync(join(dir, 'local-server', 'keyward.sqlite'), '');
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'local-server'), 0o777);
  chmodSync(join(dir, 'keyward.json'), 0o644);
  chmodSync(join(dir, 'cache.json'), 0o666);
  chmodSync(join(dir, 'local-server', 'keyward.sqlite'), 0o644);

  const app = startTestApp({ userDataDir: dir, kv: createConfStore(dir, 'keyward'), cache: createConfStore(dir, 'cache') });
  apps.push(app);
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, 'local-server')), 0o700);
  assert.equal(mode(join(dir, 'keyward.json')), 0o600);
  assert.equal(mode(join(dir, 'cache.json')), 0o600);
  assert.equal(mode(join(dir, 'local-server', 'keyward.sqlite')), 0o600);
  const warning = app.logs.find((l) => l.includes('permissions repaired'));
  assert.ok(warning, 'the repair is reported');
  assert.ok(!warning.includes('billing-prod') && !warning.includes('cache.json'), 'the report names no content');

  await app.api.app.updateSettings({ clipboardClearSeconds: 12 });
  assert.equal(mode(join(dir, 'keyward.json')), 0o600);
});
