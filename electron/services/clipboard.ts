import { spawn, spawnSync } from 'node:child_process';
import { KeywardError } from './errors.ts';
import type { ClipboardPort } from './ports.ts';

// Clipboard ports for plain Node (the browser host). The Electron glue has its own, which marks
// copies concealed. Command-line tools cannot add a second "concealed" target, so these say
// concealment: false and the UI tells the user. Where there is no display or no tool, copying is
// unavailable and says so: nothing pretends to copy, nothing keeps what was copied.

/** An in-process clipboard: a test twin (it holds the last text only, no history). */
export function createMemoryClipboard(): ClipboardPort {
  let text = '';
  return {
    concealment: false,
    readText: async () => text,
    writeText: async (t) => void (text = t),
    clear: async () => void (text = ''),
    readTextSync: () => text,
    clearSync: () => void (text = ''),
  };
}

/** No system clipboard here: every copy is refused with a sentence saying why. */
export function createUnavailableClipboard(reason: string): ClipboardPort {
  return {
    concealment: false,
    readText: async () => '',
    writeText: async () => {
      throw new KeywardError('clipboard_unavailable', `Copying is unavailable here: ${reason} Reveal the secret and copy it by hand.`);
    },
    clear: async () => undefined,
  };
}

interface Tool {
  write: [string, string[]];
  read: [string, string[]];
}

const TOOLS: Record<string, Tool> = {
  'wl-copy': { write: ['wl-copy', []], read: ['wl-paste', ['--no-newline']] },
  xclip: { write: ['xclip', ['-selection', 'clipboard', '-in']], read: ['xclip', ['-selection', 'clipboard', '-out']] },
  xsel: { write: ['xsel', ['--clipboard', '--input']], read: ['xsel', ['--clipboard', '--output']] },
};

function has(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return spawnSync('/bin/sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', env }).status === 0;
}

/** Why no command clipboard can work in this environment, or null when one can. */
export function clipboardUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  if (!env['WAYLAND_DISPLAY'] && !env['DISPLAY']) return 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set).';
  const candidates = env['WAYLAND_DISPLAY'] ? ['wl-copy', 'xclip', 'xsel'] : ['xclip', 'xsel'];
  if (!candidates.some((c) => has(c, env)))
    return `no clipboard tool is installed (install ${env['WAYLAND_DISPLAY'] ? 'wl-clipboard, ' : ''}xclip or xsel).`;
  return null;
}

/** The system clipboard through wl-copy/xclip/xsel when one is installed and a display is there, else null. */
export function createCommandClipboard(env: NodeJS.ProcessEnv = process.env): ClipboardPort | null {
  const candidates = env['WAYLAND_DISPLAY'] ? ['wl-copy', 'xclip', 'xsel'] : env['DISPLAY'] ? ['xclip', 'xsel'] : [];
  const name = candidates.find((c) => has(c, env));
  if (!name) return null;
  const tool = TOOLS[name]!;
  const options = { env, stdio: ['pipe', 'pipe', 'ignore'] as ['pipe', 'pipe', 'ignore'] };
  const run = (cmd: [string, string[]], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(cmd[0], cmd[1], options);
      let out = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${cmd[0]} did not answer`));
      }, 5000);
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.on('error', reject);
      // A tool that exits before reading its input (no display, a read) closes the pipe: the
      // exit code tells what happened, and an EPIPE on stdin must not become an uncaught error.
      child.stdin.on('error', () => undefined);
      // xclip and the others fork a server for the selection and exit once they hold the input.
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 || input === undefined) resolve(code === 0 ? out : '');
        else reject(new Error(`${cmd[0]} failed`));
      });
      child.stdin.end(input ?? '');
    });
  const runSync = (cmd: [string, string[]], input?: string) => {
    // A write forks the selection's server, which would hold a stdout pipe open: none for writes.
    const result = spawnSync(cmd[0], cmd[1], {
      env,
      input: input ?? '',
      timeout: 3000,
      stdio: ['pipe', input === undefined ? 'pipe' : 'ignore', 'ignore'],
    });
    return result.status === 0 && result.stdout ? result.stdout.toString('utf8') : '';
  };
  return {
    concealment: false,
    readText: () => run(tool.read).catch(() => ''),
    writeText: async (text) => {
      await run(tool.write, text);
      // Report a copy only when it reached the desktop clipboard. xclip forks before its child
      // takes the selection, so on a busy machine the first read can still see the old content:
      // ask again for up to a second before calling the copy failed.
      for (let attempt = 0; attempt < 20; attempt += 1) {
        if ((await run(tool.read).catch(() => '')) === text) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the clipboard did not take the text');
    },
    clear: async () => void (await run(tool.write, '')),
    readTextSync: () => runSync(tool.read),
    clearSync: () => void runSync(tool.write, ''),
  };
}
