import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/index.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';

// The loopback browser host: the renderer's files and the IPC contract, reachable only from its
// own origin, under its own Host name, with this launch's secret.

const dir = mkdtempSync(join(tmpdir(), 'keyward-host-'));
const rendererDir = join(dir, 'renderer');
let host: BrowserHost;

before(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Keyward</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'outside.txt'), 'must not be served');
  host = await startBrowserHost({ userDataDir: join(dir, 'user-data'), rendererDir, clipboard: createMemoryClipboard() });
});
after(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string>, body?: string, stopAfterHeaders = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      let text = '';
      if (stopAfterHeaders) {
        res.once('data', (chunk: Buffer) => {
          resolve({ status: res.statusCode!, headers: res.headers, body: chunk.toString() });
          req.destroy();
        });
        return;
      }
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const good = () => ({ origin: host.origin, 'x-keyward-secret': host.secret, 'content-type': 'application/json' });
const rpc = (method: string, arg: unknown, headers: Record<string, string> = good()) =>
  send('POST', `/rpc/${method}`, headers, JSON.stringify(arg ?? null));

test('the printed URL is on 127.0.0.1 and carries a one-time code in the fragment, never the launch secret', () => {
  const url = new URL(host.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.match(url.hash, /^#c=[\w-]{43}$/);
  assert.ok(!host.url.includes(host.secret));
  assert.ok(host.secret.length >= 43);
  assert.notEqual(host.launchUrl(), host.url, 'each link has its own code');
});

test('the renderer is served with a strict Content-Security-Policy', async () => {
  const page = await send('GET', '/', {});
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Keyward/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  const script = await send('GET', '/assets/app.js', {});
  assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
});

test("a call with the right secret from the host's own origin reaches the API", async () => {
  const res = await rpc('app.info', null);
  assert.equal(res.status, 200);
  const outcome = JSON.parse(res.body);
  assert.equal(outcome.ok, true);
  assert.equal(outcome.value.host, 'browser');
});

test('a wrong or missing secret is refused', async () => {
  const wrong = await rpc('profiles.list', null, { ...good(), 'x-keyward-secret': `${host.secret.slice(0, -1)}x` });
  assert.equal(wrong.status, 403);
  assert.equal(JSON.parse(wrong.body).error.code, 'wrong_secret');
  const { 'x-keyward-secret': _s, ...noSecret } = good();
  assert.equal((await rpc('profiles.list', null, noSecret)).status, 403);
  assert.equal((await send('POST', '/events', { origin: host.origin })).status, 403);
});

test('a foreign Origin is refused, even with the right secret', async () => {
  const foreign = await rpc('profiles.list', null, { ...good(), origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  assert.equal(JSON.parse(foreign.body).error.code, 'foreign_origin');
  const { origin: _o, ...noOrigin } = good();
  assert.equal((await rpc('profiles.list', null, noOrigin)).status, 403);
  assert.equal((await rpc('profiles.list', null, { ...good(), 'sec-fetch-site': 'cross-site' })).status, 403);
});

test('a wrong Host (DNS rebinding) is refused for pages and API alike', async () => {
  const page = await send('GET', '/', { host: `evil.example:${host.port}` });
  assert.equal(page.status, 421);
  const api = await rpc('profiles.list', null, {
    ...good(),
    host: `evil.example:${host.port}`,
    origin: `http://evil.example:${host.port}`,
  });
  assert.equal(api.status, 421);
});

test('nothing but the renderer files and the API is reachable', async () => {
  assert.equal((await send('GET', '/%2e%2e/outside.txt', {})).status, 404);
  assert.equal((await send('GET', '/../outside.txt', {})).status, 404);
  assert.equal((await send('GET', '/%E0%A4%A', {})).status, 404, 'a malformed escape is a 404, not a 500');
  assert.equal((await rpc('profiles%E0%A4%A', {})).status, 404, 'a malformed method name is an unknown method');
  assert.equal((await send('GET', '/rpc/profiles.list', good())).status, 405);
  assert.equal((await rpc('fs.readFile', {})).status, 404);
  assert.equal((await send('PUT', '/index.html', {})).status, 405);
});

test('bad arguments over HTTP get the same invalid_argument value as over IPC', async () => {
  const res = await rpc('roles.get', { id: 42 });
  const outcome = JSON.parse(res.body);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.error.code, 'invalid_argument');
  assert.match(outcome.error.message, /argument\.id/);
});

test('events from main stream to the page', async () => {
  // The host greets a stream it has registered (": connected"); the event is sent after that.
  let connected!: () => void;
  const greeted = new Promise<void>((resolve) => (connected = resolve));
  const events = new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/events', headers: good() }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes(': connected')) connected();
        if (text.includes('app.settingsChanged')) {
          resolve(text);
          req.destroy();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  await greeted;
  await rpc('app.updateSettings', { clipboardClearSeconds: 45 });
  const text = await events;
  assert.match(text, /event: app\.settingsChanged\ndata: \{"theme":"system","clipboardClearSeconds":45\}/);
});

const codeOf = (url: string) => new URL(url).hash.slice('#c='.length);
const exchange = (code: string, headers: Record<string, string> = { origin: host.origin }) =>
  send('POST', '/session', { 'content-type': 'application/json', ...headers }, JSON.stringify({ code }));
const sessionHeaders = (answer: Answer) => ({
  origin: host.origin,
  cookie: String(answer.headers['set-cookie']).split(';')[0]!,
  'x-keyward-session': (JSON.parse(answer.body) as { token: string }).token,
  'content-type': 'application/json',
});

test('a one-time code opens a session once: HttpOnly, SameSite=Strict cookie on Path=/, and a second use is refused', async () => {
  const code = codeOf(host.launchUrl());
  const first = await exchange(code);
  assert.equal(first.status, 200);
  const cookie = String(first.headers['set-cookie']);
  assert.match(cookie, new RegExp(`^keyward-session-${host.port}=[\\w-]{43}; `));
  assert.match(cookie, /; HttpOnly(;|$)/);
  assert.match(cookie, /; SameSite=Strict(;|$)/);
  assert.match(cookie, /; Path=\/(;|$)/);
  assert.doesNotMatch(cookie, /Domain=/i, 'host-only: bound to 127.0.0.1');
  assert.ok(!cookie.includes(host.secret) && !first.body.includes(host.secret));

  const call = await rpc('app.info', null, sessionHeaders(first));
  assert.equal(JSON.parse(call.body).ok, true);

  const second = await exchange(code);
  assert.equal(second.status, 403);
  assert.equal(JSON.parse(second.body).error.code, 'code_spent');
  assert.equal(second.headers['set-cookie'], undefined);
  assert.equal((await exchange('made-up-code')).status, 403);
});

test('a page session needs the cookie, its token and our Origin together', async () => {
  const headers = sessionHeaders(await exchange(codeOf(host.launchUrl())));
  const { cookie: _c, ...tokenOnly } = headers;
  const { 'x-keyward-session': _t, ...cookieOnly } = headers;
  assert.equal((await rpc('profiles.list', null, tokenOnly)).status, 403);
  assert.equal((await rpc('profiles.list', null, cookieOnly)).status, 403, 'a cookie leaked to another port of 127.0.0.1 is not enough');
  assert.equal((await rpc('profiles.list', null, { ...headers, origin: 'http://127.0.0.1:1' })).status, 403);
  assert.equal((await rpc('profiles.list', null, headers)).status, 200);
});

test("another page cannot spend the user's code: a foreign Origin is refused before the code is looked at", async () => {
  const code = codeOf(host.launchUrl());
  const foreign = await exchange(code, { origin: `http://127.0.0.1:${host.port + 1}` });
  assert.equal(foreign.status, 403);
  assert.equal(JSON.parse(foreign.body).error.code, 'foreign_origin');
  assert.equal((await exchange(code, { origin: host.origin, 'sec-fetch-site': 'same-site' })).status, 403);
  assert.equal((await exchange(code)).status, 200, 'the code still works for our own page');
});

test('a code handed out with a lifetime dies unused after it', async () => {
  const expired = codeOf(host.launchUrl({ ttlMs: -1 }));
  assert.equal((await exchange(expired)).status, 403);
});
