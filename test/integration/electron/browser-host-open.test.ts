import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { startBrowserHost } from '../../../electron/browser-host/index.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';

// `--open` puts a URL on a command line that every local user can read (/proc/*/cmdline), and
// the browser keeps it in its history: it must hold a one-time code, never the launch secret.
// A fake xdg-open found first on PATH records the argv it was started with.

const dir = mkdtempSync(join(tmpdir(), 'keyward-open-'));
const bin = join(dir, 'bin');
const argvFile = join(dir, 'xdg-open.argv');
mkdirSync(bin);
writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${argvFile}.tmp' && mv '${argvFile}.tmp' '${argvFile}'\n`);
chmodSync(join(bin, 'xdg-open'), 0o755);
const rendererDir = join(dir, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyward</title>');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Waits for the fake xdg-open to have written its argv (an fs event, no fixed sleep). */
async function recordedArgv(): Promise<string[]> {
  if (!existsSync(argvFile)) {
    await new Promise<void>((resolve) => {
      const watcher = watch(dir, () => {
        if (existsSync(argvFile)) {
          watcher.close();
          resolve();
        }
      });
      if (existsSync(argvFile)) {
        watcher.close();
        resolve();
      }
    });
  }
  const argv = readFileSync(argvFile, 'utf8').trimEnd().split('\n');
  rmSync(argvFile);
  return argv;
}

const exchange = (origin: string, url: string) =>
  fetch(`${origin}/session`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ code: new URL(url).hash.slice('#c='.length) }),
  }).then((r) => r.status);

test('the browser is opened with a one-time code URL only; the secret is on no command line, and the code works once', async () => {
  const path = process.env['PATH'];
  process.env['PATH'] = `${bin}:${path}`;
  const host = await startBrowserHost({
    userDataDir: join(dir, 'in-process'),
    rendererDir,
    clipboard: createMemoryClipboard(),
    openBrowser: true,
  });
  try {
    const argv = await recordedArgv();
    assert.equal(argv.length, 2);
    const opened = argv[1]!;
    assert.match(opened, new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#c=[\\w-]{43}$`));
    assert.ok(!argv.join(' ').includes(host.secret), 'the launch secret reached a command line');
    assert.notEqual(opened, host.url, 'the opened browser gets a code of its own');
    assert.equal(await exchange(host.origin, opened), 200);
    assert.equal(await exchange(host.origin, opened), 403);
    assert.equal(await exchange(host.origin, host.url), 200, 'the printed link still opens another tab');
  } finally {
    process.env['PATH'] = path;
    await host.close();
  }
});

test('npm run start:browser --open prints and opens links with one-time codes, and Enter prints a fresh one', async () => {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../../../electron/browser-host/cli.ts', import.meta.url)),
      '--open',
      '--user-data-dir',
      join(dir, 'cli'),
      '--renderer-dir',
      rendererDir,
    ],
    { env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  const links: string[] = [];
  const nextLink = () =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = [...output.matchAll(/http:\/\/127\.0\.0\.1:\d+\/\S*/g)].map((m) => m[0]);
        if (found.length > links.length) {
          links.push(found[links.length]!);
          child.stdout.off('data', look);
          resolve(links.at(-1)!);
        }
      };
      child.stdout.on('data', look);
      child.once('exit', (code) => reject(new Error(`the host ended (${code}): ${output}`)));
      look();
    });
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  try {
    const printed = await nextLink();
    const opened = (await recordedArgv())[1]!;
    const origin = new URL(printed).origin;
    for (const link of [printed, opened]) assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#c=[\w-]{43}$/);
    assert.notEqual(printed, opened);
    assert.equal(await exchange(origin, opened), 200);
    assert.equal(await exchange(origin, opened), 403, 'the code on the command line is dead once used');
    child.stdin.write('\n');
    const fresh = await nextLink();
    assert.match(fresh, /#c=[\w-]{43}$/);
    assert.equal(await exchange(origin, fresh), 200);
    assert.equal(await exchange(origin, printed), 200);
    assert.equal(await exchange(origin, printed), 403);
    // The code is not the launch secret: it opens no API call by itself.
    const direct = await fetch(`${origin}/rpc/profiles.list`, {
      method: 'POST',
      headers: { origin, 'x-keyward-secret': new URL(printed).hash.slice(3), 'content-type': 'application/json' },
      body: 'null',
    });
    assert.equal(direct.status, 403);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});
