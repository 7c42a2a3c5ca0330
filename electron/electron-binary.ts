import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Where the Electron runtime binary is, and fetching it when it is missing. Since Electron 42 the
// `electron` package has no install script: the runtime is fetched on first use (require('electron'),
// its bin, or `npx install-electron`), which writes node_modules/electron/path.txt. The launcher
// must not require('electron') to find out (its index.js downloads synchronously, with no way to
// fall back), so this module reads path.txt and, when asked, runs the same fetch itself
// (electron/fetch-electron.ts).

export type ElectronBinary = { path: string } | { missing: string };

/** The installed electron package's folder, or null. */
export function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env, packageDir: string | null = electronPackageDir()): ElectronBinary {
  if (!packageDir) return { missing: 'the electron package is not installed (npm install)' };
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env['ELECTRON_OVERRIDE_DIST_PATH']) {
    const path = join(env['ELECTRON_OVERRIDE_DIST_PATH'], executable ?? 'electron');
    return existsSync(path) ? { path } : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary at ${path}` };
  }
  if (!executable)
    return { missing: 'the Electron runtime has not been fetched yet (Electron fetches it on first use, not at npm install)' };
  const path = join(packageDir, 'dist', executable);
  return existsSync(path) ? { path } : { missing: `the Electron binary ${path} is missing` };
}

export type FetchResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The environment for Electron's fetch: with a proxy configured (HTTPS_PROXY, HTTP_PROXY) it
 * turns on @electron/get's proxy support, which Electron's installation guide says is opt-in
 * through ELECTRON_GET_USE_PROXY.
 */
export function fetchEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const proxy = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => env[name]);
  return proxy && !env['ELECTRON_GET_USE_PROXY'] ? { ...env, ELECTRON_GET_USE_PROXY: '1' } : env;
}

/**
 * Fetches the Electron runtime into the electron package (Electron's own @electron/get and
 * install.js, in a child process), showing its progress on stderr. Resolves with the binary, or
 * with the reason in a few words (offline, a mirror's 404, a checksum mismatch).
 */
export async function fetchElectronRuntime(options: { packageDir?: string | null; env?: NodeJS.ProcessEnv } = {}): Promise<FetchResult> {
  const packageDir = options.packageDir === undefined ? electronPackageDir() : options.packageDir;
  if (!packageDir) return { ok: false, reason: 'the electron package is not installed (npm install)' };
  const env = fetchEnvironment(options.env ?? process.env);
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fetch-electron.ts'), packageDir], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', resolve);
  });
  const outcome = out.trim().split('\n').pop() ?? '';
  if (code === 0 && outcome === 'ok') {
    const binary = findElectronBinary(env, packageDir);
    return 'path' in binary ? { ok: true, path: binary.path } : { ok: false, reason: binary.missing };
  }
  return { ok: false, reason: outcome.startsWith('failed: ') ? outcome.slice('failed: '.length) : `the fetch stopped (exit ${code})` };
}
