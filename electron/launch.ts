import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { runBrowserHost } from './browser-host/run.ts';
import { defaultUserDataDir, legacyUserDataDir } from './browser-host/user-data-dir.ts';
import {
  DEMO_KEYRING_MARKER,
  DEMO_KEYRING_PASSWORD,
  DEMO_USAGE,
  demoKeyringDir,
  demoUserDataDir,
  keychainHelp,
  keytarHelp,
  parseDemoArgs,
  probeKeychain,
  resetDemo,
  ROOT,
  type DemoOptions,
} from './demo.ts';
import { findElectronBinary } from './electron-binary.ts';
import { chooseHost } from './host-choice.ts';
import { runNpmScript } from './npm-script.ts';
import { describeLegacyMove, moveLegacyUserData } from './services/legacy-user-data.ts';

// npm start: the desktop app. When the Electron runtime has not been fetched yet (Electron ≥ 42
// fetches it on first use, not at npm install) it is fetched now with Electron's own machinery;
// where that fails (offline) it says why in one sentence and serves the same app to a browser on
// 127.0.0.1 instead. --browser chooses the browser host on purpose.
// npm run demo (= npm start -- --demo): the same, on the embedded local server with the demo
// data, in a folder of its own (.keyward/demo), connected at once (electron/demo.ts).

const argv = process.argv.slice(2);
const browserWanted = argv.includes('--browser');
const say = (text: string) => process.stdout.write(`${text}\n`);

let demo: DemoOptions | null = null;
if (argv.includes('--demo')) {
  try {
    demo = parseDemoArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message.includes('usage:') ? '' : `${(error as Error).message}\n`}${DEMO_USAGE}\n`);
    process.exit(64);
  }
}

// Whether Electron is already here decides the keychain probe (keytar may be built for it).
const binaryAtStart = findElectronBinary();
if (demo) await ensureKeychain(demo);
// KEYWARD_SKIP_BUILD=1: use dist/renderer as it is (test/run.sh has just built it).
if (!process.env['KEYWARD_SKIP_BUILD'] && !rendererIsFresh() && !runNpmScript('build:renderer', ROOT)) process.exit(1);
if (demo?.reset) {
  await resetDemo(demo.dir);
  say(`Keyward demo: started over (the demo's profile, its keychain entry and its data are gone).`);
}

const choice = await chooseHost({
  browser: browserWanted,
  onFetch: () => say('Keyward: fetching the Electron runtime (once, about 100 MB; Electron fetches it on first use, not at npm install)…'),
});

if (choice.host === 'electron') {
  if (!runNpmScript('build:electron', ROOT)) process.exit(1);
  if (demo) say(`Keyward demo: starting the desktop app on its embedded local server with the demo data (kept in ${demo.dir}).`);
  const env = demo ? { ...process.env, KEYWARD_USER_DATA_DIR: demoUserDataDir(demo.dir), KEYWARD_DEMO: '1' } : process.env;
  const appArgs = demo ? [] : argv.filter((a) => a !== '--browser');
  const child = spawn(choice.path, [ROOT, ...appArgs], { cwd: ROOT, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
} else {
  say(`Keyward: not opening the desktop window because ${choice.why}; serving the same app to your browser on 127.0.0.1 instead.`);
  if (choice.fix) say(choice.fix);
  say('');
  if (demo) {
    await runBrowserHost({ userDataDir: demoUserDataDir(demo.dir), port: demo.port, open: demo.open, demo: { dir: demo.dir, root: ROOT } });
  } else {
    const shared = defaultUserDataDir();
    const note = describeLegacyMove(moveLegacyUserData(legacyUserDataDir(), shared), legacyUserDataDir(), shared);
    if (note) say(note);
    await runBrowserHost({ userDataDir: shared, port: 0, open: false });
  }
}

/**
 * The demo server's admin token goes only into a keychain. When none answers here (Linux without
 * a Secret Service: containers, ssh, CI) the demo relaunches itself inside a private D-Bus session
 * with an unlocked gnome-keyring (.ci/keyring-session.sh, as the tests do) whose keyring is kept
 * in the demo's folder, so the next start finds the token again. Once the demo has such a keyring
 * it keeps using it.
 */
async function ensureKeychain(options: DemoOptions): Promise<void> {
  const insideOwnKeyring = process.env[DEMO_KEYRING_MARKER] === '1';
  const ownKeyringExists = existsSync(demoKeyringDir(options.dir));
  if (!insideOwnKeyring && !(process.platform === 'linux' && ownKeyringExists)) {
    const probe = probeKeychain();
    if (probe.ok) return;
    if (probe.unloadable) {
      if ('path' in binaryAtStart) return; // keytar may be built for Electron's ABI; the app reports it itself.
      fail(keytarHelp(probe.reason));
    }
    if (process.platform !== 'linux') fail(keychainHelp(probe.reason));
    const tools = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], { stdio: 'ignore' });
    if (tools.status !== 0) fail(keychainHelp(`${probe.reason}; dbus-run-session or gnome-keyring-daemon is missing too`));
    say(`Keyward demo: no keychain answers here (${probe.reason}).`);
  }
  if (!insideOwnKeyring) {
    say(
      `Keyward demo: using a private, unlocked GNOME Keyring for the demo only (kept in ${demoKeyringDir(options.dir)}; it holds just the demo server's admin token).`,
    );
    const child = spawn(
      'bash',
      [
        join(ROOT, '.ci', 'keyring-session.sh'),
        '--password',
        DEMO_KEYRING_PASSWORD,
        '--keyring-dir',
        demoKeyringDir(options.dir),
        '--',
        process.execPath,
        ...process.execArgv,
        process.argv[1]!,
        ...argv,
      ],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, [DEMO_KEYRING_MARKER]: '1' } },
    );
    // Ctrl+C reaches the whole process group; a signal sent to this process alone is passed on.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    const code = await new Promise<number>((resolve) => {
      child.on('error', () => resolve(69));
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
    if (code === 69) fail(keychainHelp('dbus-run-session or gnome-keyring-daemon is missing'));
    process.exit(code);
  }
  const probe = probeKeychain();
  if (probe.ok) return;
  fail(probe.unloadable ? keytarHelp(probe.reason) : keychainHelp(`the demo's private keyring did not answer: ${probe.reason}`));
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The built renderer is newer than every source it is built from (a restart needs no rebuild). */
function rendererIsFresh(): boolean {
  const built = join(ROOT, 'dist', 'renderer', 'index.html');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const sources = ['renderer', 'shared', 'vite.config.ts', 'package-lock.json', 'tsconfig.dom.json'].map((p) => join(ROOT, p));
  const newer = (path: string): boolean => {
    if (!existsSync(path)) return false;
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs > builtAt;
    return readdirSync(path).some((name) => newer(join(path, name)));
  };
  return !sources.some(newer);
}
