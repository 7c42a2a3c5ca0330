import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { AuthzCache } from './authz/cache.ts';
import { SecretHasher } from './authz/hasher.ts';
import { LastUsedTracker } from './authz/last-used.ts';
import { UsageCounter } from './authz/usage-counter.ts';
import { WebhookDispatcher } from './webhooks/delivery.ts';
import { startExpiryNotifier } from './webhooks/expiry-notifier.ts';
import { startHousekeeping } from './housekeeping.ts';
import { bootstrap, recoverAdministrator } from './bootstrap.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './logging.ts';
import { ServiceContext } from './services/context.ts';
import { loadOrCreateKey } from './settings.ts';
import { openDatabase } from './storage/database.ts';
import { Readiness } from './storage/readiness.ts';

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
  /** Issue a recovery administrator at this start when no administrator is left (its token as bootstrap's). */
  recoverAdmin?: boolean;
  trustedProxies?: string[];
  logStream?: { write(line: string): void };
  logLevel?: string;
  /** Failed authentications per minute and address before 429 (default 20). */
  failedAuthLimit?: number;
  /** Concurrent password checks (scrypt, ~16 MB each) for the server and per address (default 8 and 2). */
  passwordChecks?: { global: number; perAddress: number };
  /** How often lastUsedAt is flushed (default 5 s; each credential at most once a minute). */
  lastUsedFlushMs?: number;
  /**
   * PostgreSQL: how long the change feed may be out of sync (it cannot hear other instances'
   * writes) before authorization fails closed with reason stale_cache (default 30 s).
   */
  maxStaleSeconds?: number;
  tls?: { cert: Buffer; key: Buffer };
  /** How often usage counts are added to the database (default 5 s; at most 10 s late). */
  usageFlushMs?: number;
  /** false: decisions are not counted (the benchmark measures what counting costs); default true. */
  countUsage?: boolean;
  /** Let webhooks target private address ranges over https (--webhook-allow-private). */
  webhookAllowPrivate?: boolean;
  /** Delays between webhook attempts (tests shorten them); default DEFAULT_BACKOFF_MS. */
  webhookBackoffMs?: number[];
  /** How often the outbox and expiries are looked at (default 1 s and 60 s). */
  webhookPollMs?: number;
  expiryCheckMs?: number;
  /** When pruning of old usage rows and done webhook messages first runs, and then how often (default 30 s and 1 h). */
  pruneFirstMs?: number;
  pruneEveryMs?: number;
  /**
   * The clock every time rule reads (expiry, roll grace, lifetime policy, expiry notices, the
   * webhook retry window, pruning, the change feed's staleness); default Date.now. Tests move it
   * on instead of sleeping; not a CLI flag.
   */
  clock?: () => number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The bootstrap admin token, when this start created it and no token file was given. */
  bootstrapToken: string | null;
  /** The recovery administrator's token, when --recover-admin issued one and no token file was given. */
  recoveryToken: string | null;
  /** light-my-request against the fastify routes, which the raw hot path in front of them skips (tests compare the two). */
  inject: FastifyInstance['inject'];
  close(): Promise<void>;
}

export const SERVER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export { REDACTED_LOG_PATHS } from './logging.ts';

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(options.logLevel ?? 'info', options.logStream);
  const now = options.clock ?? Date.now;
  const database = await openDatabase({
    dbPath: options.dbPath,
    databaseUrl: options.databaseUrl,
    onBackgroundError: (err, what) => logger.warn({ err }, what),
    now,
  });
  let lastUsed: LastUsedTracker | null = null;
  let usage: UsageCounter | null = null;
  let dispatcher: WebhookDispatcher | null = null;
  let notifier: { stop(): Promise<void> } | null = null;
  let housekeeping: { stop(): Promise<void> } | null = null;
  let app: ReturnType<typeof buildApp> | null = null;
  try {
    const hasher = new SecretHasher(await loadOrCreateKey(database.db));
    const cache = new AuthzCache(database.db);
    lastUsed = new LastUsedTracker(
      database.db,
      options.lastUsedFlushMs ?? 5000,
      (error, kept) => logger.warn({ err: error, kept }, 'writing lastUsedAt failed; the uses are kept and written by a later flush'),
      now,
    );
    const ctx = new ServiceContext({
      db: database.db,
      feed: database.feed,
      cache,
      hasher,
      lastUsed,
      now,
      serializable: database.dialect === 'postgres',
    });
    usage = new UsageCounter(
      database.db,
      options.usageFlushMs ?? 5000,
      (error) => logger.error({ err: error }, 'writing usage counts failed; they are kept and retried'),
      {
        onDropped: (dropped) =>
          logger.error(
            dropped,
            'usage counts dropped: the database stayed unavailable longer than the retry buffer holds (500,000 credential-minutes)',
          ),
      },
    );
    if (options.countUsage !== false) ctx.usage = usage;
    dispatcher = new WebhookDispatcher(database.db, {
      allowPrivate: options.webhookAllowPrivate === true,
      onError: (error, what) => logger.warn({ err: error }, what),
      ...(options.webhookPollMs ? { pollMs: options.webhookPollMs } : {}),
      ...(options.webhookBackoffMs ? { backoffMs: options.webhookBackoffMs } : {}),
      now,
    });
    const outbox = dispatcher;
    ctx.onNotify = () => outbox.kick();
    ctx.onCacheBehind = (error) =>
      logger.warn({ err: error }, 'a committed write could not be applied to the authorization cache; failing closed until it is reloaded');
    database.feed.subscribe((events) => cache.apply(events));
    const maxStaleMs = (options.maxStaleSeconds ?? 30) * 1000;
    let feedInSync = true;
    ctx.followFeed(maxStaleMs, (inSync, _sinceMs, how) => {
      feedInSync = inSync;
      if (inSync) logger.warn({ caughtUp: how }, 'the change feed is in sync again; authorization answers from the cache');
      else logger.warn({ maxStaleSeconds: maxStaleMs / 1000 }, 'the change feed is out of sync; authorization fails closed if this lasts');
    });
    const readiness = new Readiness({ db: database.db, feedInSync: () => feedInSync });
    const bootstrapped = await bootstrap(ctx, { demo: options.demo === true, tokenFile: options.bootstrapTokenFile, logger });
    const recoveryToken = options.recoverAdmin ? await recoverAdministrator(ctx, { tokenFile: options.bootstrapTokenFile, logger }) : null;
    await database.ready?.();
    await cache.loadAll();

    app = buildApp(ctx, {
      logger,
      version: SERVER_VERSION,
      trustedProxies: options.trustedProxies ?? [],
      failedAuthLimit: options.failedAuthLimit ?? 20,
      passwordChecks: options.passwordChecks,
      https: options.tls,
      readiness,
      lifecycle: { usage, webhookAllowPrivate: options.webhookAllowPrivate === true },
    });
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 7700 });
    dispatcher.start();
    notifier = startExpiryNotifier(ctx, options.expiryCheckMs ?? 60_000, (error) =>
      logger.warn({ err: error }, 'checking credential expiries failed'),
    );
    housekeeping = startHousekeeping({
      db: database.db,
      usage,
      onError: (error) => logger.warn({ err: error }, 'pruning old usage rows and webhook messages failed; the next run tries again'),
      now,
      ...(options.pruneFirstMs !== undefined ? { firstMs: options.pruneFirstMs } : {}),
      ...(options.pruneEveryMs !== undefined ? { everyMs: options.pruneEveryMs } : {}),
    });
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
      recoveryToken,
      inject: listening.inject.bind(listening),
      close() {
        closing ??= (async () => {
          await listening.close();
          await notifier?.stop();
          await housekeeping?.stop();
          await dispatcher?.close();
          await usage?.close();
          await lastUsed!.close();
          await database.close();
          logger.flush?.();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await notifier?.stop().catch(() => undefined);
    await housekeeping?.stop().catch(() => undefined);
    await dispatcher?.close().catch(() => undefined);
    await usage?.close().catch(() => undefined);
    await lastUsed?.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}
