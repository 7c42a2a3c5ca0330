import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { startServer } from '../../../server/index.ts';
import { createApiImplementation } from '../../../electron/services/api-implementation.ts';
import { createMemoryClipboard } from '../../../electron/services/clipboard.ts';
import { createConfStore } from '../../../electron/services/conf-store.ts';
import { createKeytarStore } from '../../../electron/services/secret-store.ts';

// Stand-in for electron/browser-host while that part is being written: the real API
// implementation (real keychain, conf files in the user-data folder) behind POST /rpc/<method>
// and server-sent events, plus a page script that puts a KeywardApi on window.keyward.

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function startInterimHost(opts: { userDataDir: string; rendererDir: string }) {
  const clipboard = createMemoryClipboard();
  const listeners = new Set<ServerResponse>();
  const impl = createApiImplementation({
    userDataDir: opts.userDataDir,
    kv: createConfStore(opts.userDataDir, 'profiles'),
    cache: createConfStore(opts.userDataDir, 'cache'),
    secrets: createKeytarStore(`Keyward-e2e-${process.pid}-${Date.now()}`),
    clipboard,
    emit: (event, payload) => {
      for (const res of listeners) res.write(`data: ${JSON.stringify({ event, payload })}\n\n`);
    },
    host: 'browser',
    version: '0.1.0',
    startServer,
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname.startsWith('/rpc/')) {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', async () => {
        const result = await impl.dispatch(url.pathname.slice(5), body ? JSON.parse(body) : undefined);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null));
      });
      return;
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      return;
    }
    const file = join(opts.rendererDir, normalize(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(opts.rendererDir) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    clipboard,
    async close() {
      for (const res of listeners) res.end();
      await impl.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs in the page before the app: window.keyward as a Proxy over /rpc and /events. */
export const INTERIM_BRIDGE_SCRIPT = `(() => {
  const handlers = new Map();
  const source = new EventSource('/events');
  source.onmessage = (m) => { const { event, payload } = JSON.parse(m.data); for (const h of handlers.get(event) ?? []) h(payload); };
  const call = async (method, arg) => {
    const res = await fetch('/rpc/' + method, { method: 'POST', headers: { 'content-type': 'application/json' }, body: arg === undefined ? '' : JSON.stringify(arg) });
    const r = await res.json();
    if (!r.ok) throw r.error;
    return r.value;
  };
  const domain = (d) => new Proxy({}, { get: (_, m) => (arg) => call(d + '.' + String(m), arg) });
  window.keyward = new Proxy({}, { get: (_, d) => d === 'on' ? (e, h) => { if (!handlers.has(e)) handlers.set(e, new Set()); handlers.get(e).add(h); return () => handlers.get(e).delete(h); } : domain(String(d)) });
})();`;
