import { spawnSync } from 'node:child_process';

// `npm run <script>` from the launcher, safely on every OS. Node refuses to spawn a .cmd or .bat
// without a shell on Windows since CVE-2024-27980 (EINVAL), so `spawnSync('npm.cmd', …)` fails
// there. When npm started us it names its own CLI script (npm_execpath): that runs under this
// Node with no shell at all. Otherwise npm itself, through the shell on Windows only, with only
// our fixed script names as arguments.

export type LauncherScript = 'build:renderer' | 'build:electron';

export function npmScriptCommand(
  script: LauncherScript,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[]; shell: boolean } {
  const cli = env['npm_execpath'];
  if (cli && /\.[cm]?js$/.test(cli)) return { command: process.execPath, args: [cli, 'run', script], shell: false };
  return { command: 'npm', args: ['run', script], shell: platform === 'win32' };
}

export function runNpmScript(script: LauncherScript, cwd: string): boolean {
  const { command, args, shell } = npmScriptCommand(script);
  return spawnSync(command, args, { cwd, stdio: 'inherit', shell }).status === 0;
}
