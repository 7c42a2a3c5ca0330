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

type Logger = ReturnType<typeof createLogger>;
type Database = Awaited<ReturnType<typeof openDatabase>>;

/** What a start has opened, closed in reverse order: the last opened (the HTTP server) first. */
class Opened {
  readonly #closers: (() => Promise<void>)[] = [];

  add(close: () => Promise<void>): void {
    this.#closers.push(close);
  }

  /** Closes everything; the first error is thrown after the rest have been closed too. */
  async closeAll(): Promise<void> {
    let failure: unknown = null;
    for (const close of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
  }
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(options.logLevel ?? 'info', options.logStream);
  const now = options.clock ?? Date.now;
  const database = await openDatabase({
    dbPath: options.dbPath,
    databaseUrl: options.databaseUrl,
    onBackgroundError: (err, what) => logger.warn({ err }, what),
    now,
  });
  const opened = new Opened();
  opened.add(() => database.close());
  try {
    const { ctx, usage, dispatcher } = await createServices(database, options, logger, now, opened);
    const readiness = new Readiness({ db: database.db, feedInSync: followChangeFeed(ctx, database, options, logger) });
    const bootstrapped = await bootstrap(ctx, { demo: options.demo === true, tokenFile: options.bootstrapTokenFile, logger });
    const recoveryToken = options.recoverAdmin ? await recoverAdministrator(ctx, { tokenFile: options.bootstrapTokenFile, logger }) : null;
    await database.ready?.();
    await ctx.cache.loadAll();

    const app = buildApp(ctx, {
      logger,
      version: SERVER_VERSION,
      trustedProxies: options.trustedProxies ?? [],
      failedAuthLimit: options.failedAuthLimit ?? 20,
      passwordChecks: options.passwordChecks,
      https: options.tls,
      readiness,
      lifecycle: { usage, webhookAllowPrivate: options.webhookAllowPrivate === true },
    });
    opened.add(() => app.close());
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 7700 });
    startBackgroundWork(ctx, database, { usage, dispatcher }, options, logger, opened);
    const { url, port } = listeningAt(app, options);
    logger.info({ url, database: database.dialect }, 'Keyward backend listening');
    // Only now is the printed token sure to reach the operator; a start that failed before
    // this point bootstraps again next time.
    await bootstrapped.delivered();

    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      bootstrapToken: bootstrapped.token,
      recoveryToken,
      inject: app.inject.bind(app),
      close() {
        closing ??= opened.closeAll().finally(() => logger.flush?.());
        return closing;
      },
    };
  } catch (error) {
    await opened.closeAll().catch(() => undefined);
    throw error;
  }
}

/** The services the routes use: the cache, the hasher and the batched writers (each closed at stop). */
async function createServices(
  database: Database,
  options: ServerOptions,
  logger: Logger,
  now: () => number,
  opened: Opened,
): Promise<{ ctx: ServiceContext; usage: UsageCounter; dispatcher: WebhookDispatcher }> {
  const hasher = new SecretHasher(await loadOrCreateKey(database.db));
  const cache = new AuthzCache(database.db);
  const lastUsed = new LastUsedTracker(
    database.db,
    options.lastUsedFlushMs ?? 5000,
    (error, kept) => logger.warn({ err: error, kept }, 'writing lastUsedAt failed; the uses are kept and written by a later flush'),
    now,
  );
  opened.add(() => lastUsed.close());
  const ctx = new ServiceContext({
    db: database.db,
    feed: database.feed,
    cache,
    hasher,
    lastUsed,
    now,
    serializable: database.dialect === 'postgres',
  });
  const usage = new UsageCounter(
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
  opened.add(() => usage.close());
  if (options.countUsage !== false) ctx.usage = usage;
  const dispatcher = new WebhookDispatcher(database.db, {
    allowPrivate: options.webhookAllowPrivate === true,
    onError: (error, what) => logger.warn({ err: error }, what),
    ...(options.webhookPollMs ? { pollMs: options.webhookPollMs } : {}),
    ...(options.webhookBackoffMs ? { backoffMs: options.webhookBackoffMs } : {}),
    now,
  });
  opened.add(() => dispatcher.close());
  ctx.onNotify = () => dispatcher.kick();
  ctx.onCacheBehind = (error) =>
    logger.warn({ err: error }, 'a committed write could not be applied to the authorization cache; failing closed until it is reloaded');
  return { ctx, usage, dispatcher };
}

/** Applies the change feed to the cache and watches its staleness; answers whether it is in sync now. */
function followChangeFeed(ctx: ServiceContext, database: Database, options: ServerOptions, logger: Logger): () => boolean {
  database.feed.subscribe((events) => ctx.cache.apply(events));
  const maxStaleMs = (options.maxStaleSeconds ?? 30) * 1000;
  let feedInSync = true;
  ctx.followFeed(maxStaleMs, (inSync, _sinceMs, how) => {
    feedInSync = inSync;
    if (inSync) logger.warn({ caughtUp: how }, 'the change feed is in sync again; authorization answers from the cache');
    else logger.warn({ maxStaleSeconds: maxStaleMs / 1000 }, 'the change feed is out of sync; authorization fails closed if this lasts');
  });
  return () => feedInSync;
}

/** Webhook delivery, expiry notices and pruning, started once the server listens. */
function startBackgroundWork(
  ctx: ServiceContext,
  database: Database,
  writers: { usage: UsageCounter; dispatcher: WebhookDispatcher },
  options: ServerOptions,
  logger: Logger,
  opened: Opened,
): void {
  writers.dispatcher.start();
  const notifier = startExpiryNotifier(ctx, options.expiryCheckMs ?? 60_000, (error) =>
    logger.warn({ err: error }, 'checking credential expiries failed'),
  );
  opened.add(() => notifier.stop());
  const housekeeping = startHousekeeping({
    db: database.db,
    usage: writers.usage,
    onError: (error) => logger.warn({ err: error }, 'pruning old usage rows and webhook messages failed; the next run tries again'),
    now: ctx.now,
    ...(options.pruneFirstMs !== undefined ? { firstMs: options.pruneFirstMs } : {}),
    ...(options.pruneEveryMs !== undefined ? { everyMs: options.pruneEveryMs } : {}),
  });
  opened.add(() => housekeeping.stop());
}

function listeningAt(app: FastifyInstance, options: ServerOptions): { url: string; port: number } {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 7700);
  const host = options.host ?? '127.0.0.1';
  return { url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
}
