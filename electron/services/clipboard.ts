import { spawn, spawnSync } from 'node:child_process';
import type { ClipboardPort } from './ports.ts';

// Clipboard ports for plain Node (the browser host). The Electron glue has its own, which marks
// copies concealed. Command-line tools cannot add a second "concealed" target, so these say
// concealment: false and the UI tells the user.

export function createMemoryClipboard(): ClipboardPort & { history: string[] } {
  let text = '';
  const history: string[] = [];
  return {
    concealment: false,
    history,
    readText: async () => text,
    writeText: async (t) => {
      text = t;
      history.push(t);
    },
    clear: async () => {
      text = '';
    },
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

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The system clipboard through wl-copy/xclip/xsel when one is installed and a display is there, else null. */
export function createCommandClipboard(env: NodeJS.ProcessEnv = process.env): ClipboardPort | null {
  const candidates = env['WAYLAND_DISPLAY'] ? ['wl-copy', 'xclip', 'xsel'] : env['DISPLAY'] ? ['xclip', 'xsel'] : [];
  const name = candidates.find((c) => has(c));
  if (!name) return null;
  const tool = TOOLS[name]!;
  const run = (cmd: [string, string[]], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(cmd[0], cmd[1], { stdio: ['pipe', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.on('error', reject);
      // xclip keeps serving the selection in the background; we only wait for it to take the input.
      child.on('exit', (code) => (code === 0 || input !== undefined ? resolve(out) : reject(new Error(`${cmd[0]} failed`))));
      child.stdin.end(input ?? '');
      if (input !== undefined) setTimeout(() => resolve(''), 300).unref();
    });
  return {
    concealment: false,
    readText: () => run(tool.read).catch(() => ''),
    writeText: async (text) => void (await run(tool.write, text)),
    clear: async () => void (await run(tool.write, '')),
  };
}
