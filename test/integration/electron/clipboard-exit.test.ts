import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { clipboardUnavailableReason, createUnavailableClipboard } from '../../../electron/services/clipboard.ts';
import { createConfStore } from '../../../electron/services/conf-store.ts';
import { ProfileStore } from '../../../electron/services/profile-store.ts';
import { createKeytarStore } from '../../../electron/services/secret-store.ts';
import { rejection, startTestApp } from './app-harness.ts';

// A copied secret must not outlive the process that copied it. The browser host runs as a child
// with the real X clipboard (xclip) on a private Xvfb display and its embedded local server;
// it is stopped with SIGTERM and SIGHUP (the clipboard is cleared on the way out), and killed with
// SIGKILL (nothing can run; the next start finds the salted hash it left and clears it).

const dir = mkdtempSync(join(tmpdir(), 'keyward-clip-'));
const userData = join(dir, 'user-data');
let xvfb: ChildProcess;
let display: string;
const hosts = new Set<ChildProcess>();

before(async () => {
  const missing = ['Xvfb', 'xclip'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  assert.deepEqual(missing, [], 'install xvfb and xclip (bash .ci/setup) to run these tests');
  xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '640x480x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  display = await new Promise<string>((resolve, reject) => {
    let text = '';
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb ended (${code})`)));
  });
});
after(async () => {
  // A failed test must not leave a host running (it would keep this file from ending).
  for (const child of hosts) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  const profiles = new ProfileStore(createConfStore(userData, 'keyward'), createKeytarStore());
  for (const p of await profiles.list().catch(() => [])) await profiles.remove(p.id).catch(() => undefined);
  if (xvfb && xvfb.exitCode === null) {
    const gone = new Promise((r) => xvfb.once('exit', r));
    xvfb.kill('SIGTERM');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
});

const clipboardText = () => {
  const read = spawnSync('xclip', ['-selection', 'clipboard', '-out'], { env: { ...process.env, DISPLAY: display }, timeout: 5000 });
  return read.status === 0 ? read.stdout.toString('utf8') : '';
};

interface Host {
  child: ChildProcess;
  exited: Promise<void>;
  rpc<T>(method: string, arg?: unknown): Promise<T>;
}

async function startHost(): Promise<Host> {
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
  delete env['WAYLAND_DISPLAY'];
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('../../../electron/browser-host/cli.ts', import.meta.url)), '--user-data-dir', userData, '--renderer-dir', dir],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  hosts.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let output = '';
  const link = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\/#c=[\w-]+/.exec(output);
      if (found) resolve(found[0]);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`the host ended (${code}) before printing its link:\n${output}`)));
  });
  const origin = new URL(link).origin;
  const res = await fetch(`${origin}/session`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ code: new URL(link).hash.slice(3) }),
  });
  const session = {
    cookie: res.headers.get('set-cookie')!.split(';')[0]!,
    'x-keyward-session': ((await res.json()) as { token: string }).token,
  };
  return {
    child,
    exited,
    rpc: async <T>(method: string, arg?: unknown) => {
      const res = await fetch(`${origin}/rpc/${method}`, {
        method: 'POST',
        headers: { origin, ...session, 'content-type': 'application/json' },
        body: JSON.stringify(arg ?? null),
      }).catch((error: unknown) => {
        const state = child.exitCode ?? child.signalCode ?? 'running';
        throw new Error(`${method}: the host did not answer (${String(error)}; host ${state}); its output:\n${output}`);
      });
      const answer = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
      if (!answer.ok) throw new Error(`${method}: ${answer.error?.message}`);
      return answer.value;
    },
  };
}

let count = 0;
/** Creates a credential on the host's local server and copies its secret; answers the secret. */
async function copySecret(host: Host): Promise<string> {
  await host.rpc('localServer.start', {});
  await host.rpc('app.updateSettings', { clipboardClearSeconds: 600 });
  const issued = await host.rpc<{ secretHandle: { id: string } }>('credentials.create', { name: `clip-${++count}`, roles: [] });
  await host.rpc('secrets.copy', { handle: issued.secretHandle.id, format: 'token' });
  const { secret } = await host.rpc<{ secret: string }>('secrets.reveal', { handle: issued.secretHandle.id });
  assert.equal(clipboardText(), secret, 'the copy reached the X clipboard');
  return secret;
}

for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
  test(`a host stopped with ${signal} clears the secret it copied from the X clipboard`, async () => {
    const host = await startHost();
    const secret = await copySecret(host);
    host.child.kill(signal);
    await host.exited;
    assert.notEqual(clipboardText(), secret);
    assert.equal(clipboardText(), '');
  });
}

test('after a SIGKILL the next start clears the secret the killed host left on the clipboard, knowing only its salted hash', async () => {
  const host = await startHost();
  const secret = await copySecret(host);
  const stored = readFileSync(join(userData, 'keyward.json'), 'utf8');
  assert.ok(!stored.includes(secret), 'the secret reached keyward.json');
  const remembered = (JSON.parse(stored) as { clipboardCopy?: Record<string, string> }).clipboardCopy;
  assert.match(remembered?.['salt'] ?? '', /^[0-9a-f]{32}$/);
  assert.match(remembered?.['digest'] ?? '', /^[0-9a-f]{64}$/);
  host.child.kill('SIGKILL');
  await host.exited;
  assert.equal(clipboardText(), secret, 'xclip keeps serving the secret of a killed host');

  const next = await startHost();
  assert.equal(clipboardText(), '', 'the next start cleared it');
  assert.doesNotMatch(readFileSync(join(userData, 'keyward.json'), 'utf8'), /clipboardCopy/);
  next.child.kill('SIGTERM');
  await next.exited;
});

test('a start leaves alone what the user copied after a killed host', async () => {
  const host = await startHost();
  await copySecret(host);
  host.child.kill('SIGKILL');
  await host.exited;
  // xclip forks a server that keeps the selection (and its stdout); do not wait for that one.
  spawnSync('xclip', ['-selection', 'clipboard', '-in'], {
    input: 'my own text',
    env: { ...process.env, DISPLAY: display },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const next = await startHost();
  assert.equal(clipboardText(), 'my own text');
  next.child.kill('SIGTERM');
  await next.exited;
  assert.equal(clipboardText(), 'my own text');
});

test('without a display or a clipboard tool, copying says plainly that it is unavailable', async () => {
  assert.match(clipboardUnavailableReason({})!, /no display/);
  assert.match(clipboardUnavailableReason({ DISPLAY: ':99', PATH: '/nonexistent' })!, /no clipboard tool is installed/);
  const app = startTestApp({ clipboard: createUnavailableClipboard(clipboardUnavailableReason({})!) });
  try {
    const handle = app.impl.services.secrets.hold('kw_AbCdEf0123456789AbCdEf0123456789AbCd');
    const error = await rejection(app.api.secrets.copy({ handle: handle.id, format: 'token' }));
    assert.equal(error.code, 'clipboard_unavailable');
    assert.match(error.message, /^Copying is unavailable here: there is no display/);
    assert.ok(!error.message.includes('kw_AbCdEf'));
  } finally {
    await app.close();
  }
});
