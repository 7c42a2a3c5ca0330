import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { methodSpec } from '../../shared/ipc/contract.ts';
import type { KeywardEventName, KeywardEvents } from '../../shared/ipc/types.ts';
import { createApiImplementation, type ApiImplementation } from '../services/api-implementation.ts';
import { clipboardUnavailableReason, createCommandClipboard, createUnavailableClipboard } from '../services/clipboard.ts';
import { createConfStore } from '../services/conf-store.ts';
import type { ClipboardPort, Logger, SecretStore } from '../services/ports.ts';
import { createKeytarStore } from '../services/secret-store.ts';
import { PageSessions } from './page-session.ts';
import { contentTypeOf, rendererFile } from './renderer-files.ts';
import { apiProblem, hostProblem, originProblem, REFUSAL_MESSAGES, SECRET_HEADER, SECURITY_HEADERS } from './security.ts';

// The browser host: the renderer and the IPC contract served to a browser on 127.0.0.1, for
// machines without the Electron runtime and for the renderer's end-to-end tests. Only three
// things are reachable: the built renderer's files, POST /session (a one-time code for a page
// session), POST /rpc/<method> and POST /events.

export interface BrowserHostOptions {
  userDataDir: string;
  port?: number;
  rendererDir?: string;
  openBrowser?: boolean;
  /** Test seam: the clipboard the one-time secrets use (default: the system's tool, else copying is unavailable). */
  clipboard?: ClipboardPort;
  /** Test seam: the keychain (default: keytar). */
  secrets?: SecretStore;
  log?: Logger;
  version?: string;
}

export interface BrowserHost {
  /** The first link to open: a one-time code in the fragment (never the launch secret). */
  url: string;
  /** Another link with a fresh one-time code (a second tab, the browser `--open` starts). */
  launchUrl(options?: { ttlMs?: number }): string;
  origin: string;
  port: number;
  /** The launch secret, for callers inside this process (tests); it is never printed or put in a URL. */
  secret: string;
  clipboard: ClipboardPort;
  impl: ApiImplementation;
  close(): Promise<void>;
}

const MAX_BODY = 25 * 1024 * 1024;
/** A code handed to a browser on its command line is valid this long, in case the browser never loads it. */
export const OPENED_CODE_TTL_MS = 2 * 60_000;
const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const secret = randomBytes(32).toString('base64url');
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  const clipboard =
    options.clipboard ??
    createCommandClipboard() ??
    createUnavailableClipboard(clipboardUnavailableReason() ?? 'no clipboard tool answered.');
  const streams = new EventStreams();
  const version =
    options.version ?? (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const impl = createApiImplementation({
    userDataDir: options.userDataDir,
    kv: createConfStore(options.userDataDir, 'keyward'),
    cache: createConfStore(options.userDataDir, 'cache'),
    secrets: options.secrets ?? createKeytarStore(),
    clipboard,
    emit: (event, payload) => streams.emit(event, payload),
    host: 'browser',
    version,
    log: options.log,
  });

  let port = 0;
  const sessions = new PageSessions(() => port);

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'internal', 'The browser host failed on this request.');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostRefusal = hostProblem(req, port);
    if (hostRefusal) return refuse(res, 421, hostRefusal, REFUSAL_MESSAGES[hostRefusal]);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;

    if (path === '/session') return startSession(req, res, port, sessions);
    if (path.startsWith('/rpc/') || path === '/events') {
      if (req.method !== 'POST') return refuse(res, 405, 'method_not_allowed', 'Use POST.');
      const refusal = apiProblem(req, port, secret, sessions.valid(req));
      if (refusal) {
        req.resume();
        return refuse(res, 403, refusal, REFUSAL_MESSAGES[refusal]);
      }
      if (path === '/events') return streams.open(res);
      return answerRpc(impl, path, req, res);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method_not_allowed', 'Only GET for files.');
    serveFile(rendererDir, path, req, res);
  }

  await impl.start();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const launchUrl = (o: { ttlMs?: number } = {}) => `${origin}/#c=${sessions.issueCode(o.ttlMs)}`;
  const url = launchUrl();
  if (options.openBrowser) void openInBrowser(launchUrl({ ttlMs: OPENED_CODE_TTL_MS }));

  return {
    url,
    launchUrl,
    origin,
    port,
    secret,
    clipboard,
    impl,
    close: async () => {
      streams.endAll();
      await impl.shutdown();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
    },
  };
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/** POST /rpc/<method>, already authenticated: the method's outcome as JSON. */
async function answerRpc(impl: ApiImplementation, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Method names are plain ASCII (shared/ipc/contract.ts): nothing to decode, so no escape can fail.
  const method = path.slice('/rpc/'.length);
  if (!methodSpec(method)) {
    req.resume();
    return refuse(res, 404, 'unknown_method', 'There is no such method.');
  }
  let arg: unknown;
  try {
    const text = await readBody(req);
    arg = text === '' ? undefined : JSON.parse(text);
  } catch (error) {
    const tooLarge = (error as Error).message === 'too_large';
    return refuse(
      res,
      tooLarge ? 413 : 400,
      tooLarge ? 'payload_too_large' : 'invalid_argument',
      tooLarge ? 'The request is too large.' : 'The body is not JSON.',
    );
  }
  const outcome = await impl.dispatch(method, arg ?? undefined);
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify(outcome));
}

/** POST /session {code}: a one-time code for a page session (cookie + token); the code is dead after. */
async function startSession(req: IncomingMessage, res: ServerResponse, port: number, sessions: PageSessions): Promise<void> {
  if (req.method !== 'POST') return refuse(res, 405, 'method_not_allowed', 'Use POST.');
  // Checked before the code is looked at, so another page cannot burn the user's link.
  const refusal = originProblem(req, port);
  if (refusal) {
    req.resume();
    return refuse(res, 403, refusal, REFUSAL_MESSAGES[refusal]);
  }
  let code: unknown;
  try {
    code = (JSON.parse(await readBody(req, 4096)) as { code?: unknown } | null)?.code;
  } catch {
    return refuse(res, 400, 'invalid_argument', 'Send {"code": "…"} as JSON.');
  }
  if (!sessions.spend(code)) return refuse(res, 403, 'code_spent', REFUSAL_MESSAGES.code_spent);
  const session = sessions.create();
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/json', 'set-cookie': sessions.cookie(session) });
  res.end(JSON.stringify({ ok: true, token: session.token }));
}

/** The open POST /events streams: every event goes to each of them as a server-sent event. */
class EventStreams {
  private readonly streams = new Set<ServerResponse>();

  emit<E extends KeywardEventName>(event: E, payload: KeywardEvents[E]): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of this.streams) res.write(frame);
  }

  open(res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
    res.write(': connected\n\n');
    this.streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(ping);
      this.streams.delete(res);
    });
  }

  endAll(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}

function serveFile(rendererDir: string, path: string, req: IncomingMessage, res: ServerResponse): void {
  const file = rendererFile(rendererDir, path);
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    if (path === '/' || path === '/index.html') return missingRenderer(res);
    res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': contentTypeOf(file) });
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
}

function missingRenderer(res: ServerResponse): void {
  res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><meta charset="utf-8"><title>Keyward</title><p>The renderer is not built yet: run <code>npm run build:renderer</code>, then reload.</p>`,
  );
}

function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too_large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Opens the URL in the user's default browser (best effort: no browser, no error). The URL is on
 * the helper's command line, which other local users can read: pass a one-time code URL only.
 */
export async function openInBrowser(url: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true })
    .on('error', () => undefined)
    .unref();
}

export { SECRET_HEADER };
