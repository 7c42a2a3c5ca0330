import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.ts';

// npm start: the desktop app when the Electron runtime is installed; otherwise say plainly why
// and serve the same app to a browser on 127.0.0.1 instead.

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = findElectronBinary();
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (script: string) => spawnSync(npm, ['run', script], { cwd: root, stdio: 'inherit' }).status === 0;

if (!run('build:renderer')) process.exit(1);

if ('path' in binary) {
  if (!run('build:electron')) process.exit(1);
  const child = spawn(binary.path, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stdout.write(
    `Keyward: not starting the desktop window because ${binary.missing}.\nStarting the browser host instead (the same app, served on 127.0.0.1).\n\n`,
  );
  await import('./browser-host/cli.ts');
}
