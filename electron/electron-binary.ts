import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Where the Electron runtime binary is, or why there is none — found without require('electron'),
// whose index.js tries to download the binary (which these offline machines cannot do).

export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (npm install)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env['ELECTRON_OVERRIDE_DIST_PATH']) {
    const path = join(env['ELECTRON_OVERRIDE_DIST_PATH'], executable ?? 'electron');
    return existsSync(path) ? { path } : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary at ${path}` };
  }
  if (!executable) {
    return {
      missing:
        'the Electron runtime binary was never downloaded (its installer fetches it from outside the npm registry; installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without internet have none)',
    };
  }
  const path = join(packageDir, 'dist', executable);
  return existsSync(path) ? { path } : { missing: `the Electron binary ${path} is missing` };
}
