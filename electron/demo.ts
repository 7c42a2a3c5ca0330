import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createConfStore } from './services/conf-store.ts';
import { ProfileStore } from './services/profile-store.ts';
import { createKeytarStore } from './services/secret-store.ts';

// `npm run demo` (node electron/launch.ts --demo): the app on its embedded default — a local
// backend on SQLite seeded with the demo data — in a folder of its own, so a real profile is
// never touched. Here: the options, the folders, whether a keychain can be reached and what to
// do when none can, and the reset.

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DEMO_DIR = join(ROOT, '.keyward', 'demo');
/** Set in the relaunch inside the demo's private keyring session (.ci/keyring-session.sh). */
export const DEMO_KEYRING_MARKER = 'KEYWARD_DEMO_KEYRING';
/**
 * The private demo keyring's password. It is fixed, so that keyring protects nothing beyond the
 * demo: it only ever holds the admin token of the demo's own server on 127.0.0.1.
 */
export const DEMO_KEYRING_PASSWORD = 'keyward-demo';

export const DEMO_USAGE = `usage: npm run demo [-- --reset] [-- --dir DIR] [-- --browser] [-- --port N] [-- --open | --no-open]
  --reset      start over: remove the demo's profile, its keychain entry and its data first
  --dir DIR    keep the demo in DIR instead of .keyward/demo
  --browser    the browser host even where the desktop window could open
  --port N     browser mode: serve on this port (default: a free one)
  --open       browser mode: open the browser (default when there is a display); --no-open: only print the URL`;

export interface DemoOptions {
  /** The demo's folder: the app's user data in app/, a private keyring (when one was needed) in keyring/. */
  dir: string;
  reset: boolean;
  /** Browser mode: open the browser as well as printing the URL. */
  open: boolean;
  port: number;
}

/** The demo's options from `--demo …` arguments; throws (with the usage) on anything else. */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, platform = process.platform): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      demo: { type: 'boolean' },
      browser: { type: 'boolean' },
      reset: { type: 'boolean' },
      dir: { type: 'string' },
      port: { type: 'string' },
      open: { type: 'boolean' },
      'no-open': { type: 'boolean' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number\n${DEMO_USAGE}`);
  const hasDisplay = platform !== 'linux' || Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
  return {
    // npm runs scripts in the package folder; a relative --dir means the caller's folder (INIT_CWD).
    dir: values.dir ? resolve(env['INIT_CWD'] ?? process.cwd(), values.dir) : DEFAULT_DEMO_DIR,
    reset: values.reset === true,
    open: values['no-open'] ? false : (values.open ?? hasDisplay),
    port,
  };
}

export const demoUserDataDir = (dir: string): string => join(dir, 'app');
export const demoKeyringDir = (dir: string): string => join(dir, 'keyring');

export type KeychainProbe = { ok: true } | { ok: false; unloadable: boolean; reason: string };

/**
 * Whether keytar reaches a keychain here, asked in a child process: libsecret keeps the first
 * D-Bus connection it makes, and a Secret Service that waits on an unlock prompt must not hang
 * the launcher (15 s limit).
 */
export function probeKeychain(env: NodeJS.ProcessEnv = process.env): KeychainProbe {
  const script = `
    let keytar;
    try { keytar = require('keytar'); } catch (e) { process.stderr.write(String(e && e.message).slice(0, 300)); process.exit(3); }
    keytar.getPassword('Keyward', 'keyward-keychain-probe').then(
      () => process.exit(0),
      (e) => { process.stderr.write(String(e && e.message).slice(0, 300)); process.exit(2); },
    );`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 15_000 });
  if (result.status === 0) return { ok: true };
  const reason = result.error
    ? `the keychain did not answer within 15 s (${result.error.message})`
    : (result.stderr.trim().split('\n')[0] ?? '') || `exit ${result.status ?? result.signal}`;
  return { ok: false, unloadable: result.status === 3, reason };
}

/** What to do when no keychain can be had: one sentence per platform, with the commands. */
export function keychainHelp(reason: string, platform: NodeJS.Platform = process.platform): string {
  const why = `Keyward demo: no keychain is available (${reason}), and the demo server's admin token goes only into a keychain, never into a file.`;
  if (platform === 'linux') {
    return `${why}
To fix it, install D-Bus and GNOME Keyring and run the demo again; it then starts a private, unlocked keyring for itself:
  sudo apt-get install dbus gnome-keyring      # or: bash .ci/setup
  source .ci/node-env.sh && npm run demo
Or run the demo in a desktop session whose keyring (GNOME Keyring, KWallet) is unlocked.`;
  }
  if (platform === 'darwin') return `${why}\nUnlock your login keychain (Keychain Access) and run npm run demo again.`;
  return `${why}\nSign in to Windows normally (Credential Manager needs a user session) and run npm run demo again.`;
}

/** The keytar module cannot be loaded under this Node (built for another runtime or not built). */
export function keytarHelp(reason: string): string {
  return `Keyward demo: the keychain module keytar cannot be loaded under Node ${process.version} (${reason}).
Rebuild it for this Node and run the demo again:
  source .ci/node-env.sh && npm rebuild keytar && npm run demo`;
}

/**
 * Start over: the demo's profiles and their keychain entries are removed, then its user-data
 * folder (the local server's database with it). Needs the keychain the demo used.
 */
export async function resetDemo(dir: string): Promise<void> {
  const userDataDir = demoUserDataDir(dir);
  if (existsSync(userDataDir)) {
    const profiles = new ProfileStore(createConfStore(userDataDir, 'keyward'), createKeytarStore());
    for (const p of await profiles.list()) await profiles.remove(p.id);
  }
  rmSync(userDataDir, { recursive: true, force: true });
}
