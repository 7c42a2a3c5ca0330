import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { electronPackageDir, fetchEnvironment } from '../../../electron/electron-binary.ts';
import { chooseHost, devSandboxProblem } from '../../../electron/host-choice.ts';
import { makeZip } from '../../helpers/zip.ts';

// npm start's decision between the Electron window and the browser host, with Electron's own
// fetch (@electron/get and the package's install.js) run for real against a local
// ELECTRON_MIRROR that serves a stand-in runtime zip and its SHASUMS256.txt. Each test fetches
// into its own copy of the electron package, so the shared node_modules is never written.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const realPackage = electronPackageDir()!;
const version = (JSON.parse(readFileSync(join(realPackage, 'package.json'), 'utf8')) as { version: string }).version;
const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
const executable =
  process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
const runtimeZip = makeZip([
  { name: executable, data: '#!/bin/sh\necho "stand-in electron $@"\n', mode: 0o755 },
  { name: 'version', data: `v${version}` },
]);

const dir = mkdtempSync(join(tmpdir(), 'keyward-launch-'));
let mirror: Server;
let mirrorUrl: string;
let served: string[] = [];
let shasums = '';

before(async () => {
  mirror = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === `/v${version}/${zipName}`) return void res.writeHead(200, { 'content-length': runtimeZip.length }).end(runtimeZip);
    if (req.url === `/v${version}/SHASUMS256.txt`) return void res.writeHead(200).end(shasums);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
});
after(async () => {
  await new Promise((resolve) => mirror.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
/** A fresh electron package as npm installs it (no runtime yet), its dependencies linked to the real ones. */
function electronPackageCopy(): string {
  const base = join(dir, `copy-${++copies}`, 'node_modules');
  const pkg = join(base, 'electron');
  mkdirSync(pkg, { recursive: true });
  for (const file of ['package.json', 'install.js', 'index.js', 'checksums.json']) copyFileSync(join(realPackage, file), join(pkg, file));
  for (const dep of ['@electron/get', '@electron-internal/extract-zip']) {
    mkdirSync(dirname(join(base, dep)), { recursive: true });
    symlinkSync(dependencyFolder(dep), join(base, dep), 'dir');
  }
  return pkg;
}
/** Where the real electron package finds `dep` (its own node_modules, or the hoisted one). */
function dependencyFolder(dep: string): string {
  const nested = join(realPackage, 'node_modules', dep);
  return existsSync(nested) ? nested : join(ROOT, 'node_modules', dep);
}

const mirrorEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ELECTRON_MIRROR: mirrorUrl,
  electron_use_remote_checksums: '1',
  electron_config_cache: join(dir, `cache-${copies}`),
  ...extra,
});
const noSandboxSwitch = join(dir, 'userns-off');
writeFileSync(noSandboxSwitch, '0\n');

test('with the runtime already fetched, npm start opens the Electron window without asking any mirror', async () => {
  const pkg = electronPackageCopy();
  mkdirSync(dirname(join(pkg, 'dist', executable)), { recursive: true });
  writeFileSync(join(pkg, 'dist', executable), '');
  writeFileSync(join(pkg, 'path.txt'), executable);
  served = [];
  const choice = await chooseHost({ browser: false, packageDir: pkg, env: mirrorEnv(), userNamespaceSwitch: noSandboxSwitch });
  assert.deepEqual(choice, { host: 'electron', path: join(pkg, 'dist', executable), fetched: false });
  assert.deepEqual(served, []);
});

test('with the runtime missing, npm start fetches it from ELECTRON_MIRROR with Electron’s own installer, checks it, then opens the window', async () => {
  const pkg = electronPackageCopy();
  shasums = `${createHash('sha256').update(runtimeZip).digest('hex')} *${zipName}\n`;
  served = [];
  let told = 0;
  const choice = await chooseHost({
    browser: false,
    packageDir: pkg,
    env: mirrorEnv(),
    userNamespaceSwitch: noSandboxSwitch,
    onFetch: () => told++,
  });
  assert.deepEqual(choice, { host: 'electron', path: join(pkg, 'dist', executable), fetched: true });
  assert.equal(told, 1, 'the launcher says it is fetching before it does');
  assert.equal(
    served.filter((url) => url === `/v${version}/${zipName}`).length,
    1,
    `one download: install.js unpacked the zip fetched with progress, from Electron's cache (${served.join(', ')})`,
  );
  assert.equal(readFileSync(join(pkg, 'path.txt'), 'utf8'), executable, "install.js wrote path.txt, as Electron's own first use does");
  assert.match(readFileSync(join(pkg, 'dist', executable), 'utf8'), /stand-in electron/);

  served = [];
  const again = await chooseHost({ browser: false, packageDir: pkg, env: mirrorEnv(), userNamespaceSwitch: noSandboxSwitch });
  assert.equal(again.host === 'electron' && again.fetched, false, 'the second start uses the fetched runtime');
  assert.deepEqual(served, []);
});

test('a runtime whose checksum does not match is refused: nothing is unpacked and the browser host is served', async () => {
  const pkg = electronPackageCopy();
  shasums = `${'0'.repeat(64)} *${zipName}\n`;
  const choice = await chooseHost({ browser: false, packageDir: pkg, env: mirrorEnv(), userNamespaceSwitch: noSandboxSwitch });
  assert.equal(choice.host, 'browser');
  assert.match(choice.host === 'browser' ? choice.why : '', /could not be fetched \(.*checksum/i);
  assert.equal(existsSync(join(pkg, 'path.txt')), false);
  assert.equal(existsSync(join(pkg, 'dist', executable)), false);
});

test('offline (the mirror cannot be reached), the reason is one sentence and the browser host is served', async () => {
  const pkg = electronPackageCopy();
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const choice = await chooseHost({
    browser: false,
    packageDir: pkg,
    env: mirrorEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/` }),
    userNamespaceSwitch: noSandboxSwitch,
  });
  assert.equal(choice.host, 'browser');
  const why = choice.host === 'browser' ? choice.why : '';
  assert.match(why, /^the Electron runtime could not be fetched \(fetch failed: .*ECONNREFUSED.*\)$/);
  assert.doesNotMatch(why, /\n| {4}at /, 'no stack trace, one line');
  assert.equal(existsSync(join(pkg, 'path.txt')), false);
});

test('--browser chooses the browser host on purpose: no fetch is tried', async () => {
  served = [];
  const choice = await chooseHost({ browser: true, packageDir: electronPackageCopy(), env: mirrorEnv() });
  assert.deepEqual(choice, { host: 'browser', why: 'you asked for it (--browser)' });
  assert.deepEqual(served, []);
});

test('behind a proxy (HTTP_PROXY), Electron’s fetch goes through it', async () => {
  // A forward proxy as undici's EnvHttpProxyAgent uses one: CONNECT tunnels, also for http:// targets.
  const seen: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: IncomingMessage, client: Duplex) => {
    seen.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const pkg = electronPackageCopy();
    shasums = `${createHash('sha256').update(runtimeZip).digest('hex')} *${zipName}\n`;
    const env = mirrorEnv({ HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, NO_PROXY: '' });
    assert.equal(fetchEnvironment(env)['ELECTRON_GET_USE_PROXY'], '1');
    const choice = await chooseHost({ browser: false, packageDir: pkg, env, userNamespaceSwitch: noSandboxSwitch });
    assert.equal(choice.host, 'electron', JSON.stringify(choice));
    assert.deepEqual([...new Set(seen)], [new URL(mirrorUrl).host], 'every request to the mirror went through the proxy');
  } finally {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
});

test('where Ubuntu ≥ 23.10 restricts user namespaces and chrome-sandbox is not setuid root, the dev start says so with the fix', () => {
  const pkg = electronPackageCopy();
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'dist', 'chrome-sandbox'), '');
  const restricted = join(dir, 'userns-restricted');
  writeFileSync(restricted, '1\n');
  const problem = devSandboxProblem(join(pkg, 'dist', 'electron'), 'linux', restricted);
  assert.ok(problem);
  assert.match(problem.why, /AppArmor/);
  assert.match(problem.fix, /sudo chown root:root .*chrome-sandbox && sudo chmod 4755 .*chrome-sandbox/);
  assert.equal(devSandboxProblem(join(pkg, 'dist', 'electron'), 'linux', noSandboxSwitch), null);
  assert.equal(devSandboxProblem(join(pkg, 'dist', 'electron'), 'darwin', restricted), null);
});

test('npm start here (no runtime, no way to fetch it) prints why in one sentence and serves the browser host on the shared Keyward folder', async () => {
  const config = join(dir, 'xdg-config');
  mkdirSync(join(config, 'keyward'), { recursive: true });
  writeFileSync(join(config, 'keyward', 'window-state.json'), '{}');
  const pathTxtBefore = existsSync(join(realPackage, 'path.txt'));
  const noRuntime = join(dir, 'no-runtime');
  mkdirSync(noRuntime);
  const child = spawn(process.execPath, [join(ROOT, 'electron', 'launch.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      KEYWARD_SKIP_BUILD: '1',
      XDG_CONFIG_HOME: config,
      // Electron's own override: no runtime there, even where this checkout has fetched one.
      ELECTRON_OVERRIDE_DIST_PATH: noRuntime,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: join(dir, 'cache-launch'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (/http:\/\/127\.0\.0\.1:\d+\//.test(output)) resolve();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('exit', (code) => reject(new Error(`launch.ts ended (${code}) before serving:\n${output}`)));
    });
  } finally {
    child.kill('SIGINT');
  }
  assert.match(
    output,
    /Keyward: not opening the desktop window because the Electron runtime could not be fetched \(fetch failed: [^\n]*\); serving the same app to your browser on 127\.0\.0\.1 instead\.\n/,
  );
  assert.doesNotMatch(output, / {4}at /, 'no stack trace');
  assert.ok(existsSync(join(config, 'Keyward', 'window-state.json')), 'what the old "keyward" folder held moved into "Keyward"');
  assert.equal(existsSync(join(config, 'keyward')), false);
  assert.equal(existsSync(join(realPackage, 'path.txt')), pathTxtBefore, 'the shared electron package was not written');
});
