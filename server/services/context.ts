import type { Kysely } from 'kysely';
import { ApiError } from '../../shared/api/errors.ts';
import type { CredentialView } from '../../shared/domain/authorize.ts';
import { AuthzCache } from '../authz/cache.ts';
import type { SecretHasher } from '../authz/hasher.ts';
import type { LastUsedTracker } from '../authz/last-used.ts';
import type { ChangeEvent, ChangeFeed, FeedStatusListener } from '../storage/change-feed.ts';
import { newId, type Queryable } from '../storage/rows.ts';
import type { Database } from '../storage/schema.ts';
import { enqueue, eventsOf, type OutboxEvent } from '../webhooks/outbox.ts';

/** The hot path's view of the usage counter: one call per decision, no await. */
export interface UsageRecorder {
  count(credentialId: string | null, reason: string, nowMs: number): void;
}

const NO_USAGE: UsageRecorder = { count: () => undefined };

/** Who is making a request: a credential (admin API) or a user (self-service), or the system itself. */
export interface Actor {
  id: string | null;
  permits(action: string): boolean;
  /** The caller's address, when it came over HTTP (the last administrator must stay usable from there). */
  address?: string;
  /** Only the bootstrap repair: it removes an administrator whose secret nobody ever received. */
  mayLeaveNoAdministrator?: boolean;
}

export const SYSTEM_ACTOR: Actor = { id: null, permits: () => true };

/** Undoes a first start that never delivered its token: the only write that may leave no administrator. */
export const BOOTSTRAP_REPAIR_ACTOR: Actor = { id: null, permits: () => true, mayLeaveNoAdministrator: true };

export function credentialActor(view: CredentialView, address?: string): Actor {
  return { id: view.id, permits: (action) => AuthzCache.permits(view, action), ...(address === undefined ? {} : { address }) };
}

export interface AuditDraft {
  action: string;
  target: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
}

export interface WriteOutcome<T> {
  value: T;
  audit: AuditDraft[];
  events: ChangeEvent[];
  /** Webhook events beyond those the audit entries stand for (eventsOf). */
  notify?: OutboxEvent[];
}

/** Everything a service needs: the database, the cache, the clock. Built once per server. */
export class ServiceContext {
  readonly db: Kysely<Database>;
  readonly feed: ChangeFeed;
  readonly cache: AuthzCache;
  readonly hasher: SecretHasher;
  readonly lastUsed: LastUsedTracker;
  readonly now: () => number;
  /** Serialises writes in this process so version checks and uniqueness checks cannot interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  /** PostgreSQL runs writes SERIALIZABLE (several instances share it); SQLite has one writer anyway. */
  readonly serializable: boolean;
  /** Decisions counted per credential and minute (DESIGN §3.13); set once at start. */
  usage: UsageRecorder = NO_USAGE;
  /** Called after a write queued webhook events, so the delivery worker looks at once. */
  onNotify: (() => void) | null = null;
  /** Told when a committed write could not be applied to this instance's cache (for the log). */
  onCacheBehind: ((error: unknown) => void) | null = null;

  /**
   * Until when the authorization cache may answer (epoch ms): Infinity while the change feed is
   * in sync; the moment it stopped hearing other instances plus --max-stale-seconds after that.
   * One number so the hot path pays one comparison (cacheTrusted).
   */
  cacheTrustedUntilMs = Infinity;

  constructor(parts: {
    db: Kysely<Database>;
    feed: ChangeFeed;
    cache: AuthzCache;
    hasher: SecretHasher;
    lastUsed: LastUsedTracker;
    now?: () => number;
    serializable?: boolean;
  }) {
    this.db = parts.db;
    this.serializable = parts.serializable ?? false;
    this.feed = parts.feed;
    this.cache = parts.cache;
    this.hasher = parts.hasher;
    this.lastUsed = parts.lastUsed;
    this.now = parts.now ?? Date.now;
  }

  /**
   * Keeps cacheTrustedUntilMs to the feed's state: trusted while in sync, for `maxStaleMs` after
   * it fell out of sync; `listener` is told too (logs, readiness).
   */
  followFeed(maxStaleMs: number, listener: FeedStatusListener): void {
    this.feed.watch?.((inSync, sinceMs, how) => {
      this.cacheTrustedUntilMs = inSync ? Infinity : sinceMs + maxStaleMs;
      listener(inSync, sinceMs, how);
    });
  }

  /** Whether authorization may still answer from the cache (fail closed with stale_cache if not). */
  cacheTrusted(nowMs: number): boolean {
    return nowMs < this.cacheTrustedUntilMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * Runs one write as one transaction with its audit rows, then tells the caches what changed
   * before answering, so the next authorization already sees the write.
   */
  write<T>(actor: Actor, work: (tx: Queryable) => Promise<WriteOutcome<T>>): Promise<T> {
    const attempt = () => {
      const builder = this.serializable ? this.db.transaction().setIsolationLevel('serializable') : this.db.transaction();
      return builder.execute(async (tx) => {
        const result = await work(tx);
        await insertAudit(tx, actor, result.audit, this.now());
        // Webhook events are queued in the same transaction as the change (durable outbox).
        await enqueue(tx, [...eventsOf(result.audit), ...(result.notify ?? [])], this.now());
        if (result.events.length > 0) await this.feed.announce?.(tx, result.events);
        return result;
      });
    };
    const commit = async (): Promise<WriteOutcome<T>> => {
      // Another instance's concurrent write makes PostgreSQL abort one of the two (40001); the
      // loser re-runs against the new state, where its version checks then see the conflict.
      for (let tries = 1; ; tries += 1) {
        try {
          return await attempt();
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (tries >= 8 || !RETRYABLE.has(String(code))) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * tries));
        }
      }
    };
    const run = async (): Promise<T> => {
      const outcome = await commit();
      // Committed (and, on PostgreSQL, announced to the other instances by the same COMMIT):
      // from here the answer is the write's own. A failed reload of this instance's cache must
      // not turn it into an error — the client would repeat a write that happened — but the
      // cache now misses it (a revoke would still pass here), so authorization and the admin
      // API fail closed at once, until the feed's background reload has caught up.
      try {
        await this.feed.publish(outcome.events);
      } catch (error) {
        this.cacheTrustedUntilMs = Math.min(this.cacheTrustedUntilMs, this.now());
        this.onCacheBehind?.(error);
      }
      this.onNotify?.();
      return outcome.value;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

async function insertAudit(tx: Queryable, actor: Actor, entries: AuditDraft[], nowMs: number): Promise<void> {
  if (entries.length === 0) return;
  const at = new Date(nowMs).toISOString();
  const rows = entries.map((e) => ({
    id: newId('aud', nowMs),
    at,
    actor_id: actor.id,
    action: e.action,
    target_type: e.target.type,
    target_id: e.target.id,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
  }));
  // Chunked: SQLite limits bound parameters per statement.
  for (let i = 0; i < rows.length; i += 100)
    await tx
      .insertInto('audit')
      .values(rows.slice(i, i + 100))
      .execute();
}

/** 412 when the client's If-Match names another version than the stored one. */
export function checkVersion(expected: number | undefined, actual: number, what: string): void {
  if (expected !== undefined && expected !== actual) {
    throw new ApiError(
      'version_mismatch',
      `The ${what} has changed since you loaded it (you have version ${expected}, the server has ${actual}). Reload and try again.`,
      {
        expectedVersion: expected,
        actualVersion: actual,
      },
    );
  }
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError('not_found', `No ${what} with id "${id}".`, { id });
}

/** Unique, order-preserving. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** PostgreSQL: serialization failure, deadlock, and a unique violation from a concurrent insert (re-run, the checks then answer 409). */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
