import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createConfStore } from '../../electron/services/conf-store.ts';
import { ProfileStore } from '../../electron/services/profile-store.ts';
import { createKeytarStore } from '../../electron/services/secret-store.ts';
import type { LocalServerStatus, Profile } from '../../shared/ipc/types.ts';
import type { Role } from '../../shared/domain/types.ts';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { withApp } from './helpers/fixtures.ts';

// The README's first command, `npm run demo`, run as a user runs it (a child process, the real
// keychain of test/run.sh's session, real SQLite): it prints a URL, and the app behind it is
// connected to its embedded local server with the demo data and opens on the Roles screen. A
// second start reuses the data; --reset starts over. Without a reachable keychain the demo
// starts a private gnome-keyring of its own, and where it cannot, it says what to do.

const ROOT = join(import.meta.dirname, '..', '..');
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/#c=[\w-]+/g;
const FULL_TOKEN = /kw_[0-9A-Za-z]{38}/;
const DEMO_ROLES = ['Billing read-only', 'Billing clerk', 'Support agent', 'Provisioning', 'Reseller', 'Order desk'];

interface RunningDemo {
  url: string;
  origin: string;
  rpc<T>(method: string, arg?: unknown): Promise<T>;
  output(): string;
  /** Ctrl+C, as in a terminal: SIGINT to the whole process group; resolves once every process is gone. */
  stop(): Promise<void>;
}

/** `npm run demo -- …`; the renderer is already built (test/run.sh), so the demo does not rebuild it. */
async function startDemo(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunningDemo> {
  // --browser: this spec is about the browser host's demo, also where an Electron runtime exists.
  const child: ChildProcess = spawn('npm', ['run', 'demo', '--', '--browser', ...args], {
    cwd: ROOT,
    env: { ...env, KEYWARD_SKIP_BUILD: '1' },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let seen = 0;
  /** The next link the demo prints (its first at start; another after each Enter). */
  const nextLink = () =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = [...output.matchAll(URL_PATTERN)];
        if (found.length <= seen) return;
        child.stdout!.off('data', look);
        resolve(found[seen++]![0]);
      };
      child.stdout!.on('data', look);
      child.once('exit', (code, signal) => reject(new Error(`npm run demo ended (${code ?? signal}) before printing a link:\n${output}`)));
      look();
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.prependListener('data', collect);
  child.stderr!.on('data', collect);
  const url = await nextLink();
  const origin = new URL(url).origin;
  // The test's own calls use a session of their own: Enter prints another one-time link.
  let session: Promise<Record<string, string>> | null = null;
  const openSession = async () => {
    child.stdin!.write('\n');
    const code = new URL(await nextLink()).hash.slice('#c='.length);
    const res = await fetch(`${origin}/session`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const { token } = (await res.json()) as { token: string };
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-keyward-session': token };
  };
  return {
    url,
    origin,
    output: () => output,
    rpc: async <T>(method: string, arg?: unknown) => {
      session ??= openSession();
      const res = await fetch(`${origin}/rpc/${method}`, {
        method: 'POST',
        headers: { origin, ...(await session), 'content-type': 'application/json' },
        body: arg === undefined ? '' : JSON.stringify(arg),
      });
      const answer = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
      if (!answer.ok) throw new Error(`${method}: ${answer.error?.message}`);
      return answer.value;
    },
    stop: async () => {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    },
  };
}

const refused = async (url: string) =>
  fetch(url).then(
    () => false,
    () => true,
  );

/** Every file under dir (but the skipped folder), as latin1 text: to prove no token is on disk. */
function diskText(dir: string, skip?: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === skip) continue;
    text += statSync(path).isDirectory() ? diskText(path, skip) : readFileSync(path).toString('latin1');
  }
  return text;
}

/** Removes the keychain entries of the profiles in a user-data folder (the test keyring is shared by the run). */
async function forgetProfiles(userData: string): Promise<void> {
  if (!existsSync(userData)) return;
  const profiles = new ProfileStore(createConfStore(userData, 'keyward'), createKeytarStore());
  for (const p of await profiles.list()) await profiles.remove(p.id).catch(() => undefined);
}

const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-demo-'));
  dirs.push(dir);
  return dir;
};
let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const dir of dirs) {
    await forgetProfiles(join(dir, 'app'));
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'npm run demo opens the app connected to its local server with the demo roles; a second start reuses the data, --reset starts over',
  {
    timeout: 300_000,
  },
  async () => {
    const dir = newDir();
    const first = await startDemo(['--dir', dir, '--no-open']);

    const page = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
    await page.goto(first.url);
    await page.locator('#page-title').filter({ hasText: 'Roles' }).waitFor();
    assert.equal(await page.getByTestId('connection-state').textContent(), 'Online');
    for (const name of DEMO_ROLES) await page.getByTestId(`role-row-${name}`).waitFor();
    await screenshot(page, 'demo-first-screen', 'light');
    await page.context().close();

    const local = await first.rpc<LocalServerStatus>('localServer.status');
    assert.equal(local.running, true);
    assert.equal(local.dataDir, join(dir, 'app', 'local-server'));
    assert.ok(existsSync(join(local.dataDir, 'keyward.sqlite')));
    const [profile] = await first.rpc<Profile[]>('profiles.list');
    assert.equal(profile!.kind, 'local');
    const token = await createKeytarStore().get(profile!.id);
    assert.match(token!, FULL_TOKEN, 'the admin token is in the keychain');
    await first.rpc('roles.create', { name: 'Kept across restarts', actions: ['GetInvoices'] });

    await first.stop();
    assert.equal(await refused(first.origin), true, 'the browser host still answers');
    assert.equal(await refused(`${local.url!}/v1/health`), true, 'the local server still answers');
    assert.ok(!first.output().includes(token!), 'the admin token was printed');
    assert.ok(!diskText(dir).includes(token!), 'the admin token reached a file');

    const second = await startDemo(['--dir', dir, '--no-open']);
    const roles = await second.rpc<Role[]>('roles.list');
    assert.ok(roles.some((r) => r.name === 'Kept across restarts'));
    assert.equal(roles.filter((r) => r.name === 'Billing read-only').length, 1);
    assert.deepEqual(
      (await second.rpc<Profile[]>('profiles.list')).map((p) => p.id),
      [profile!.id],
    );
    assert.equal((await second.rpc<{ state: string }>('session.status')).state, 'online');
    await second.stop();

    const fresh = await startDemo(['--reset', '--dir', dir, '--no-open']);
    assert.match(fresh.output(), /started over/);
    const freshRoles = (await fresh.rpc<Role[]>('roles.list')).map((r) => r.name);
    assert.ok(!freshRoles.includes('Kept across restarts'));
    for (const name of DEMO_ROLES) assert.ok(freshRoles.includes(name), `missing ${name}`);
    assert.equal(await createKeytarStore().get(profile!.id), null, 'the old profile kept its keychain entry');
    await fresh.stop();
  },
);

test(
  'without a reachable keychain the demo starts a private gnome-keyring of its own and keeps it for the next start',
  {
    timeout: 300_000,
  },
  async () => {
    const dir = newDir();
    const env = { ...process.env };
    for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'GNOME_KEYRING_CONTROL', 'KEYWARD_KEYCHAIN', 'DISPLAY', 'WAYLAND_DISPLAY'])
      delete env[name];

    const first = await startDemo(['--dir', dir, '--no-open'], env);
    assert.match(first.output(), /no keychain answers here/);
    assert.match(first.output(), /private, unlocked GNOME Keyring for the demo only/);
    const names = (await first.rpc<Role[]>('roles.list')).map((r) => r.name);
    for (const name of DEMO_ROLES) assert.ok(names.includes(name), `missing ${name}`);
    await first.rpc('roles.create', { name: 'Kept in the private keyring run', actions: ['GetInvoices'] });
    const [profile] = await first.rpc<Profile[]>('profiles.list');
    await first.stop();

    // The admin token is in the demo's own keyring, kept in its folder, and nowhere else.
    const read = spawnSync(
      'bash',
      [
        '.ci/keyring-session.sh',
        '--password',
        'keyward-demo',
        '--keyring-dir',
        join(dir, 'keyring'),
        '--',
        process.execPath,
        '-e',
        `require('keytar').getPassword('Keyward', ${JSON.stringify(profile!.id)}).then((t) => process.stdout.write(String(t)))`,
      ],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    const token = read.stdout;
    assert.match(token, FULL_TOKEN, `the demo keyring does not hold the token: ${read.stderr}`);
    assert.ok(!diskText(dir).includes(token), 'the admin token reached a file');
    assert.ok(!first.output().includes(token), 'the admin token was printed');

    const second = await startDemo(['--dir', dir, '--no-open'], env);
    assert.ok((await second.rpc<Role[]>('roles.list')).some((r) => r.name === 'Kept in the private keyring run'));
    assert.equal((await second.rpc<{ state: string }>('session.status')).state, 'online');
    await second.stop();
  },
);

test('with no keychain and no gnome-keyring to start, the demo says exactly what to install and creates nothing', () => {
  const dir = newDir();
  // A PATH with only what the launcher needs: no dbus-run-session, no gnome-keyring-daemon.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['sh', 'bash', 'env'])
    symlinkSync(
      spawnSync('sh', ['-c', `command -v ${tool}`])
        .stdout.toString()
        .trim(),
      join(bin, tool),
    );
  const env: NodeJS.ProcessEnv = { HOME: process.env['HOME'], PATH: bin, KEYWARD_SKIP_BUILD: '1' };
  const result = spawnSync(process.execPath, ['electron/launch.ts', '--demo', '--dir', join(dir, 'demo'), '--no-open'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /no keychain is available/);
  assert.match(result.stderr, /sudo apt-get install dbus gnome-keyring/);
  assert.match(result.stderr, /npm run demo/);
  assert.equal(existsSync(join(dir, 'demo')), false, 'the demo created files without a keychain');
});

test('Connections offers a local server with demo data until there is a local server', { timeout: 300_000 }, (t) =>
  withApp(t, async ({ page, userDataDir }) => {
    try {
      const withDemo = page.getByRole('button', { name: 'Local server with demo data' });
      await withDemo.click();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor({ timeout: 60_000 });
      await page.locator('#page-title').filter({ hasText: 'Roles' }).waitFor();
      for (const name of DEMO_ROLES) await page.getByTestId(`role-row-${name}`).waitFor();
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('button', { name: /^Connections\b/ })
        .click();
      await page.getByRole('article', { name: 'Local server' }).waitFor();
      assert.equal(await withDemo.count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Use a local server' }).count(), 1);
    } finally {
      await forgetProfiles(userDataDir);
    }
  }),
);
