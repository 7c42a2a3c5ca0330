import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// node electron/fetch-electron.ts <electron package folder>: fetches the Electron runtime with
// Electron's own machinery, run by electron/electron-binary.ts in a child process so that
// ELECTRON_MIRROR, electron_config_cache, the proxy variables and the checksums behave exactly
// as for `npx install-electron`.
//
// 1. @electron/get (the copy the electron package uses) downloads the zip into Electron's cache,
//    verified against the package's checksums.json (or the mirror's SHASUMS256.txt when
//    electron_use_remote_checksums is set), with a progress line on stderr;
// 2. the package's own install.js (the `install-electron` bin) then finds the zip in that cache,
//    extracts it to dist/ and writes path.txt.
// The one line on stdout is the outcome: "ok" or "failed: <reason>".

interface GetModule {
  downloadArtifact(details: object): Promise<string>;
}

const packageDir = process.argv[2]!;
const requireFromElectron = createRequire(join(packageDir, 'install.js'));
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
const env = process.env;
const tty = process.stderr.isTTY === true;
let shown = -1;

const progress = ({ percent }: { percent: number }) => {
  const step = Math.floor(percent * 100);
  if (tty) {
    if (step !== shown) process.stderr.write(`\rKeyward: fetching the Electron runtime ${version}: ${step}%`);
  } else if (step >= shown + 25 || (step === 100 && shown !== 100)) {
    process.stderr.write(`Keyward: fetching the Electron runtime ${version}: ${step}%\n`);
  } else {
    return;
  }
  shown = step;
};

function reason(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause ? `: ${e.cause.message ?? e.cause.code}` : '';
  return `${(e.message ?? String(error)).split('\n')[0]}${cause}`;
}

try {
  const get = (await import(pathToFileURL(requireFromElectron.resolve('@electron/get')).href)) as GetModule;
  const checksums =
    env['electron_use_remote_checksums'] || env['npm_config_electron_use_remote_checksums']
      ? undefined
      : (JSON.parse(readFileSync(join(packageDir, 'checksums.json'), 'utf8')) as Record<string, string>);
  // The same artifact as install.js asks for, so its download is a cache hit.
  await get.downloadArtifact({
    version,
    artifactName: 'electron',
    force: env['force_no_cache'] === 'true',
    cacheRoot: env['electron_config_cache'],
    checksums,
    platform: env['ELECTRON_INSTALL_PLATFORM'] || env['npm_config_platform'] || process.platform,
    arch: env['ELECTRON_INSTALL_ARCH'] || env['npm_config_arch'] || process.arch,
    downloadOptions: { quiet: true, getProgressCallback: progress },
  });
  if (tty && shown >= 0) process.stderr.write('\n');
  const install = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (install.status !== 0) {
    const line = (install.stderr || install.stdout || '').split('\n').find((l) => l.trim()) ?? `exit ${install.status ?? install.signal}`;
    process.stdout.write(`failed: Electron's install.js could not unpack it: ${line.trim()}\n`);
    process.exit(1);
  }
  process.stdout.write('ok\n');
} catch (error) {
  if (tty && shown >= 0) process.stderr.write('\n');
  process.stdout.write(`failed: ${reason(error)}\n`);
  process.exit(1);
}
