import { readFileSync } from 'node:fs';
import pino, { type DestinationStream } from 'pino';
import type { FastifyInstance } from 'fastify';
import { AuthzCache } from './authz/cache.ts';
import { SecretHasher } from './authz/hasher.ts';
import { LastUsedTracker } from './authz/last-used.ts';
import { bootstrap } from './bootstrap.ts';
import { buildApp } from './http/app.ts';
import { ServiceContext } from './services/context.ts';
import { loadOrCreateKey } from './settings.ts';
import { openDatabase } from './storage/database.ts';

// The backend's public entry: the CLI, the tests and the desktop app's embedded default all
// start the server through startServer.

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dbPath?: string;
  databaseUrl?: string;
  demo?: boolean;
  bootstrapTokenFile?: string;
  trustedProxies?: string[];
  logStream?: { write(line: string): void };
  logLevel?: string;
  /** Failed authentications per minute and address before 429 (default 20). */
  failedAuthLimit?: number;
  /** How often lastUsedAt is flushed (default 5 s; each credential at most once a minute). */
  lastUsedFlushMs?: number;
  tls?: { cert: Buffer; key: Buffer };
}

export interface RunningServer {
  url: string;
  port: number;
  /** The bootstrap admin token, when this start created it and no token file was given. */
  bootstrapToken: string | null;
  /** light-my-request against the fastify routes, which the raw hot path in front of them skips (tests compare the two). */
  inject: FastifyInstance['inject'];
  close(): Promise<void>;
}

export const SERVER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Secrets never reach the log: these paths are censored wherever they appear. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'secret',
  'token',
  'password',
  '*.secret',
  '*.token',
  '*.password',
  '*.*.secret',
  '*.*.token',
  '*.*.password',
];

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = pino(
    { level: options.logLevel ?? 'info', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' }, base: { service: 'keyward' } },
    (options.logStream as DestinationStream | undefined) ?? pino.destination(1),
  );
  const database = await openDatabase({
    dbPath: options.dbPath,
    databaseUrl: options.databaseUrl,
    onBackgroundError: (err, what) => logger.warn({ err }, what),
  });
  let lastUsed: LastUsedTracker | null = null;
  let app: ReturnType<typeof buildApp> | null = null;
  try {
    const hasher = new SecretHasher(await loadOrCreateKey(database.db));
    const cache = new AuthzCache(database.db);
    lastUsed = new LastUsedTracker(database.db, options.lastUsedFlushMs ?? 5000, (error) =>
      logger.error({ err: error }, 'writing lastUsedAt failed'),
    );
    const ctx = new ServiceContext({
      db: database.db,
      feed: database.feed,
      cache,
      hasher,
      lastUsed,
      serializable: database.dialect === 'postgres',
    });
    database.feed.subscribe((events) => cache.apply(events));
    const bootstrapped = await bootstrap(ctx, { demo: options.demo === true, tokenFile: options.bootstrapTokenFile, logger });
    await database.ready?.();
    await cache.loadAll();

    app = buildApp(ctx, {
      logger,
      version: SERVER_VERSION,
      trustedProxies: options.trustedProxies ?? [],
      failedAuthLimit: options.failedAuthLimit ?? 20,
      https: options.tls,
    });
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 7700 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 7700);
    const host = options.host ?? '127.0.0.1';
    const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info({ url, database: database.dialect }, 'Keyward backend listening');
    // Only now is the printed token sure to reach the operator; a start that failed before
    // this point bootstraps again next time.
    await bootstrapped.delivered();
    const bootstrapToken = bootstrapped.token;

    const listening = app;
    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      bootstrapToken,
      inject: listening.inject.bind(listening),
      close() {
        closing ??= (async () => {
          await listening.close();
          await lastUsed!.close();
          await database.close();
          logger.flush?.();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await lastUsed?.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}
