import assert from 'node:assert/strict';
import { test } from 'node:test';
import { npmScriptCommand } from '../../../electron/npm-script.ts';

// The launcher's builds on Windows: never npm.cmd without a shell, which Node refuses since
// CVE-2024-27980 (spawnSync answers EINVAL and npm start would stop there).

test('started by npm, the launcher runs npm’s own CLI script under this Node, with no shell, on every OS', () => {
  for (const platform of ['win32', 'linux', 'darwin'] as const) {
    const cli =
      platform === 'win32' ? 'C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js' : '/usr/lib/node_modules/npm/bin/npm-cli.js';
    assert.deepEqual(npmScriptCommand('build:renderer', { npm_execpath: cli }, platform), {
      command: process.execPath,
      args: [cli, 'run', 'build:renderer'],
      shell: false,
    });
  }
});

test('started directly (node electron/launch.ts), npm goes through the shell on Windows only, never as npm.cmd without one', () => {
  assert.deepEqual(npmScriptCommand('build:electron', {}, 'win32'), { command: 'npm', args: ['run', 'build:electron'], shell: true });
  assert.deepEqual(npmScriptCommand('build:electron', {}, 'linux'), { command: 'npm', args: ['run', 'build:electron'], shell: false });
  const command = npmScriptCommand('build:electron', { npm_execpath: 'C:\\tools\\npm.cmd' }, 'win32');
  assert.equal(command.command === 'npm.cmd' && !command.shell, false);
});
