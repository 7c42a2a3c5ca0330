import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { SerialHandlers, type ChangeEvent, type ChangeFeed, type ChangeHandler, type FeedStatusListener } from '../change-feed.ts';
import type { Queryable } from '../rows.ts';

// Change feed across instances on one PostgreSQL database. A write announces its events with
// pg_notify inside its own transaction, so PostgreSQL delivers them exactly when (and only if)
// the write commits — a process killed right after COMMIT cannot leave the others stale. Every
// instance LISTENs on a dedicated connection and reloads the affected cache entries. When that
// connection drops, it reconnects at once and then with a short backoff, and reloads everything,
// since notifications sent meanwhile are gone. Until that reload has succeeded the instance is
// out of sync (watch()): readiness says so, and past --max-stale-seconds authorization fails closed.

export const CHANGE_CHANNEL = 'keyward_changes';

/** NOTIFY payloads are limited to 8000 bytes; a larger change set becomes one "reload all". */
const MAX_PAYLOAD = 7000;

/**
 * Reconnect delays: the first retry at once (a blip), then 50 ms doubling to 500 ms. Against a
 * stopped server an attempt is one refused TCP connect, so retrying twice a second costs nothing,
 * and it keeps the time after recovery in which this instance misses revocations short.
 */
export function reconnectDelayMs(attempt: number): number {
  return attempt === 0 ? 0 : Math.min(50 * 2 ** (attempt - 1), 500);
}

/** How long connecting may take before the attempt counts as failed (a blackholed host). */
const CONNECT_TIMEOUT_MS = 3000;

/** change_events rows are kept this long; a feed away for longer (nearly) reloads everything. */
const RETENTION = '1 hour';
const CATCH_UP_WINDOW_MS = 50 * 60_000;
/** Pruning runs on every this many health probes (about once a minute). */
const PRUNE_EVERY_PROBES = 12;

/**
 * A snapshot of the listening session (`pg_current_snapshot()`, as text) and when it was taken.
 * Once a later probe on the same connection has answered, every transaction visible in it has
 * had its notification delivered to us: PostgreSQL sends notifications to an idle listener as
 * they commit, and the stream is ordered. So after a reconnect, what was not visible in it is
 * exactly what we may have missed.
 */
interface Snapshot {
  text: string;
  atMs: number;
}

interface Payload {
  /** The sending instance: it applied the events itself and skips its own echo. */
  from: string;
  events: ChangeEvent[];
}

export interface PostgresChangeFeedOptions {
  url: string;
  /** Told about lost connections and failed reloads (never fatal: the feed repairs itself). */
  onError?: (error: unknown, what: string) => void;
  /** How often the listening connection is checked (default 5 s). */
  healthCheckMs?: number;
  /** The server's clock, which the listeners' `since` is read against (default Date.now). */
  now?: () => number;
}

export class PostgresChangeFeed implements ChangeFeed {
  readonly instanceId = randomBytes(8).toString('hex');
  readonly #url: string;
  readonly #onError: (error: unknown, what: string) => void;
  readonly #healthCheckMs: number;
  /** One delivery at a time, in arrival order: two reloads of one entry never overtake each other. */
  readonly #handlers = new SerialHandlers();
  #watchers: FeedStatusListener[] = [];
  /** Hears every other instance's changes and has applied what it missed (see watch()). */
  #inSync = false;
  readonly #now: () => number;
  #changedAtMs: number;
  /** Bumped on every lost connection: a catch-up reload of an older connection stops retrying. */
  #generation = 0;
  #client: pg.Client | null = null;
  #closed = false;
  #reconnectAttempt = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #healthTimer: NodeJS.Timeout | null = null;
  #connecting: Promise<void> | null = null;
  /** The latest snapshot of the listening session, and the one before it (safe, see Snapshot). */
  #candidate: Snapshot | null = null;
  #safe: Snapshot | null = null;
  #probes = 0;
  /** A reload failed: the cache may miss something no snapshot accounts for, so only a full reload repairs it. */
  #needsFullReload = false;

  constructor(options: PostgresChangeFeedOptions) {
    this.#url = options.url;
    this.#onError = options.onError ?? (() => {});
    this.#healthCheckMs = options.healthCheckMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#changedAtMs = this.#now();
  }

  /** Connects the listening client; resolves once LISTEN is active. */
  async start(): Promise<void> {
    await this.#connect();
    // The caller loads its cache after start(); from then on it is in sync.
    this.#setInSync(true);
    // The cache is loaded after this snapshot, so whatever it shows committed is in the cache.
    if (this.#client) this.#safe = await this.#takeSnapshot(this.#client).catch(() => null);
    this.#healthTimer = setInterval(() => void this.#checkHealth(), this.#healthCheckMs);
    this.#healthTimer.unref();
  }

  /** Inside the write's transaction: queued by PostgreSQL, sent to every listener at COMMIT. */
  async announce(tx: Queryable, events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    let payload = JSON.stringify({ from: this.instanceId, events } satisfies Payload);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD)
      payload = JSON.stringify({ from: this.instanceId, events: [{ kind: 'all' }] } satisfies Payload);
    const recorded = JSON.stringify((JSON.parse(payload) as Payload).events);
    // Recorded with this transaction's id, in the same statement: a feed that reconnects finds
    // exactly the writes that committed while it was away (see #missedEvents).
    await sql`with recorded as (insert into change_events (xid, at, events) values (pg_current_xact_id()::text::bigint, now(), ${recorded}))
      select pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(tx);
  }

  /** After the commit: this instance's own subscribers, awaited (the others got the NOTIFY). */
  publish(events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.#handlers.deliver(events).catch((error: unknown) => {
      // Committed but not applied here (the database went away right after the commit), and no
      // notification comes back to us: resync in the background like a missed notification.
      this.#needsFullReload = true;
      this.#setInSync(false);
      this.#retryFullReload(0);
      throw error;
    });
  }

  subscribe(handler: ChangeHandler): void {
    this.#handlers.add(handler);
  }

  watch(listener: FeedStatusListener): void {
    this.#watchers.push(listener);
    if (!this.#inSync) listener(false, this.#changedAtMs);
  }

  /** Whether this instance hears other instances' changes and has applied all it heard. */
  get inSync(): boolean {
    return this.#inSync;
  }

  #setInSync(inSync: boolean, how?: string): void {
    if (this.#inSync === inSync) return;
    this.#inSync = inSync;
    const at = this.#now();
    this.#changedAtMs = at;
    for (const listener of this.#watchers) listener(inSync, at, how);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#healthTimer) clearInterval(this.#healthTimer);
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
    await this.#handlers.close();
  }

  /**
   * Events from another instance (or a catch-up after reconnecting). A failed reload leaves the
   * cache behind the database: out of sync until a full reload, retried with backoff, succeeds.
   */
  #deliverRemote(events: ChangeEvent[], attempt = 0): void {
    const generation = this.#generation;
    this.#handlers.deliver(events).then(
      () => {
        if (events.some((e) => e.kind === 'all')) {
          this.#needsFullReload = false;
          if (this.#client && generation === this.#generation) this.#setInSync(true, 'reloaded everything');
        }
      },
      (error: unknown) => {
        this.#onError(error, 'reloading the authorization cache after another instance changed data failed');
        this.#needsFullReload = true;
        this.#setInSync(false);
        // A newer connection does its own catch-up; this one stops here.
        if (generation === this.#generation) this.#retryFullReload(attempt);
      },
    );
  }

  /** After reconnecting: apply what committed while we were away, then we are in sync. */
  #catchUp(client: pg.Client): void {
    const generation = this.#generation;
    this.#missedEvents(client)
      .then(async ({ events, how, taken }) => {
        await (events.length > 0 ? this.#handlers.deliver(events) : this.#handlers.idle());
        if (events.some((e) => e.kind === 'all')) this.#needsFullReload = false;
        if (this.#client !== client || generation !== this.#generation) return;
        // Everything visible in the snapshot taken before the catch-up query is now applied.
        this.#safe = taken;
        this.#setInSync(true, how);
      })
      .catch((error: unknown) => {
        this.#onError(error, 'catching up after the change feed reconnected failed; reloading everything');
        if (generation === this.#generation) this.#retryFullReload(0);
      });
  }

  /**
   * What committed since the last safe snapshot, from change_events (LISTEN is already active,
   * so anything later arrives as a notification); everything when there is no usable snapshot.
   */
  async #missedEvents(client: pg.Client): Promise<{ events: ChangeEvent[]; how: string; taken: Snapshot }> {
    const safe = this.#safe;
    const taken = await this.#takeSnapshot(client);
    const all = { events: [{ kind: 'all' } as const], how: 'reloaded everything', taken };
    if (!safe || this.#needsFullReload || taken.atMs - safe.atMs > CATCH_UP_WINDOW_MS) return all;
    const xmin = safe.text.split(':')[0]!;
    const { rows } = await client.query<{ events: string }>(
      'select events from change_events where xid >= $1 and not pg_visible_in_snapshot(xid::text::xid8, $2::pg_snapshot)',
      [xmin, safe.text],
    );
    const seen = new Map<string, ChangeEvent>();
    for (const row of rows) {
      for (const event of JSON.parse(row.events) as ChangeEvent[]) {
        if (event.kind === 'all') return all;
        seen.set(event.kind === 'backends' ? 'backends' : `${event.kind}:${event.id}`, event);
      }
    }
    return { events: [...seen.values()], how: `applied ${rows.length} missed changes`, taken };
  }

  /** A new snapshot of the listening session; the previous one becomes safe (see Snapshot). */
  async #takeSnapshot(client: pg.Client): Promise<Snapshot> {
    const { rows } = await client.query<{ snapshot: string }>('select pg_current_snapshot()::text as snapshot');
    // Wall time, not the server's clock: the catch-up window is held against change_events'
    // retention, which PostgreSQL counts by its own now().
    const taken = { text: rows[0]!.snapshot, atMs: Date.now() };
    if (this.#client === client) {
      if (this.#candidate) this.#safe = this.#candidate;
      this.#candidate = taken;
    }
    return taken;
  }

  #retryFullReload(attempt: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => this.#deliverRemote([{ kind: 'all' }], attempt + 1), reconnectDelayMs(attempt + 1));
    timer.unref();
  }

  #connect(): Promise<void> {
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.#url,
        keepAlive: true,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: `keyward-feed-${this.instanceId}`,
      });
      client.on('notification', (message) => this.#onNotification(message));
      client.on('error', (error) => this.#lost(client, error));
      client.on('end', () => this.#lost(client, new Error('The change feed connection ended.')));
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      } catch (error) {
        client.removeAllListeners('end');
        await client.end().catch(() => undefined);
        throw error;
      }
      if (this.#closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.#client = client;
      this.#reconnectAttempt = 0;
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  #onNotification(message: pg.Notification): void {
    if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
    let payload: Payload;
    try {
      payload = JSON.parse(message.payload) as Payload;
    } catch (error) {
      this.#onError(error, 'ignored a malformed change notification');
      return;
    }
    if (payload.from === this.instanceId || !Array.isArray(payload.events) || payload.events.length === 0) return;
    this.#deliverRemote(payload.events);
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = null;
    this.#generation += 1;
    // Taken on this connection but never confirmed by a later probe: not safe to catch up from.
    this.#candidate = null;
    this.#setInSync(false);
    this.#onError(error, 'the change feed lost its PostgreSQL connection; reconnecting');
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = reconnectDelayMs(this.#reconnectAttempt);
    this.#reconnectAttempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect().then(
        // Notifications sent while we were away are lost: reload what they announced.
        () => {
          if (this.#client) this.#catchUp(this.#client);
        },
        (error: unknown) => {
          this.#onError(error, 'the change feed could not reconnect to PostgreSQL; retrying');
          this.#scheduleReconnect();
        },
      );
    }, delay);
    this.#reconnectTimer.unref();
  }

  /** A connection can die without an error event (half-open socket): probe it now and then. */
  async #checkHealth(): Promise<void> {
    const client = this.#client;
    if (!client || this.#closed) return;
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('The change feed connection did not answer within 3 s.')), 3000).unref(),
    );
    try {
      await Promise.race([this.#takeSnapshot(client), timeout]);
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    this.#probes += 1;
    if (this.#probes % PRUNE_EVERY_PROBES === 0) {
      client.query(`delete from change_events where at < now() - interval '${RETENTION}'`).catch((error: unknown) => {
        this.#onError(error, 'pruning old change events failed');
      });
    }
  }
}
