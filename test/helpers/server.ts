import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ServerOptions } from '../../server/index.ts';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from './database.ts';

// A real Keyward backend on a random loopback port with its own temp folder (SQLite file,
// bootstrap token file) for black-box integration tests. Every log line is captured so tests
// can prove that no secret reaches the logs.

// Answers are arbitrary JSON; the tests assert on them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface TestResponse {
  status: number;
  headers: Headers;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: Json;
  text: string;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string is sent as it is (with a JSON content type unless headers say otherwise). */
  body?: unknown;
  /** The caller's token; defaults to the bootstrap admin token, null sends none. */
  token?: string | null;
  headers?: Record<string, string>;
}

export type RequestFn = (method: string, path: string, options?: RequestOptions) => Promise<TestResponse>;

export interface TestServer {
  url: string;
  /** The bootstrap admin token (every keyward.* action). */
  token: string;
  /** The SQLite file (even when the run uses PostgreSQL, where it stays unused). */
  dbPath: string;
  dir: string;
  databaseUrl: string | undefined;
  logs: string[];
  request: RequestFn;
  /** The same request through fastify's routes in process (light-my-request), skipping the raw hot path. */
  inject: Awaited<ReturnType<typeof startServer>>['inject'];
  close(): Promise<void>;
}

/**
 * The server's clock for a test that reaches an expiry, the end of a roll grace or the webhook
 * retry window without sleeping. It runs with real time (rate-limit windows, flush intervals and
 * ids keep moving as they would) and can only be moved ahead. Give each such test a server of
 * its own: a moved clock makes a shared server's later "expires in 2 s" lie in its past.
 */
export interface TestClock {
  /** What the server reads (ServerOptions.clock). */
  readonly now: () => number;
  /** Moves the clock `ms` ahead. */
  advance(ms: number): void;
  /** Moves the clock just past `at` (an ISO time or epoch ms), unless it is there already. */
  advancePast(at: string | number): void;
}

export function testClock(): TestClock {
  let aheadMs = 0;
  const now = (): number => Date.now() + aheadMs;
  return {
    now,
    advance(ms) {
      if (!(ms >= 0)) throw new Error(`The test clock only moves ahead (asked for ${ms} ms).`);
      aheadMs += ms;
    },
    advancePast(at) {
      const target = typeof at === 'number' ? at : Date.parse(at);
      if (Number.isNaN(target)) throw new Error(`Not a time: ${String(at)}`);
      aheadMs += Math.max(0, target + 1 - now());
    },
  };
}

export interface TestServerOptions {
  demo?: boolean;
  /** The server's clock (default the real one): see testClock. */
  clock?: TestClock;
  dbPath?: string;
  trustedProxies?: string[];
  failedAuthLimit?: number;
  passwordChecks?: { global: number; perAddress: number };
  /** A PostgreSQL database to use as it is (not emptied, not dropped). */
  databaseUrl?: string;
  lastUsedFlushMs?: number;
  logLevel?: string;
  /** Force SQLite even when KEYWARD_TEST_DATABASE_URL is set (tests that read the file itself). */
  sqlite?: boolean;
  /** The admin token to use when the database is not empty (a restart on an existing file). */
  adminToken?: string;
  /** Lifecycle timings (usage flush, webhook retries and polling, expiry checks); see ServerOptions. */
  lifecycle?: Pick<
    ServerOptions,
    'usageFlushMs' | 'webhookBackoffMs' | 'webhookPollMs' | 'expiryCheckMs' | 'webhookAllowPrivate' | 'pruneFirstMs' | 'pruneEveryMs'
  >;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-it-'));
  const dbPath = opts.dbPath ?? join(dir, 'keyward.sqlite');
  const tokenFile = join(dir, 'bootstrap.token');
  const logs: string[] = [];
  // An explicit databaseUrl is used as it is (e.g. two servers sharing one database); the
  // suite-wide KEYWARD_TEST_DATABASE_URL gets a fresh database per server.
  const database: TestDatabase = opts.sqlite
    ? { databaseUrl: undefined, drop: async () => {} }
    : opts.databaseUrl
      ? { databaseUrl: opts.databaseUrl, drop: async () => {} }
      : await createTestDatabase(testDatabaseUrl());
  let started: Awaited<ReturnType<typeof startServer>>;
  try {
    started = await startServer({
      host: '127.0.0.1',
      port: 0,
      dbPath,
      ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
      demo: opts.demo ?? false,
      bootstrapTokenFile: tokenFile,
      ...(opts.trustedProxies ? { trustedProxies: opts.trustedProxies } : {}),
      ...(opts.failedAuthLimit !== undefined ? { failedAuthLimit: opts.failedAuthLimit } : {}),
      ...(opts.passwordChecks ? { passwordChecks: opts.passwordChecks } : {}),
      ...(opts.lastUsedFlushMs !== undefined ? { lastUsedFlushMs: opts.lastUsedFlushMs } : {}),
      ...(opts.clock ? { clock: opts.clock.now } : {}),
      logLevel: opts.logLevel ?? 'debug',
      ...(opts.lifecycle ?? {}),
      logStream: { write: (line: string) => void logs.push(line) },
    });
  } catch (error) {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const token = started.bootstrapToken ?? opts.adminToken ?? readTokenFile(tokenFile);
  const url = started.url.replace(/\/$/, '');
  const request = makeRequest(url, token);
  let closed = false;
  return {
    url,
    token,
    dbPath,
    dir,
    databaseUrl: database.databaseUrl,
    logs,
    request,
    inject: started.inject,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await started.close();
      } finally {
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function readTokenFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error('The test server started without a bootstrap token (the database was not empty?).');
  }
}

/** A request function bound to a base URL and a default caller token. */
export function makeRequest(baseUrl: string, defaultToken: string | null): RequestFn {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? defaultToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers ?? {});
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let json: Json;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
}
