import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { newId } from '../storage/rows.ts';
import type { Database, WebhookOutboxTable } from '../storage/schema.ts';
import { addressAllowed } from './target.ts';

// Delivers the outbox (outbox.ts) following the Standard Webhooks specification: each message
// is signed (webhook-id, webhook-timestamp, webhook-signature) with the webhook's secret,
// retried with exponential backoff for 24 hours after it was queued, and never redirected.
// Several instances share the outbox: a row is claimed with one conditional UPDATE (the row
// lock makes the second claimant see it taken), so each message is sent by one instance at a
// time; a claim expires after LOCK_MS, so a crashed instance's messages are sent by another.

/** Seconds between attempts: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every 8 h, within 24 h. */
export const DEFAULT_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000];
const RETRY_WINDOW_MS = 24 * 3_600_000;
const LOCK_MS = 60_000;
const TIMEOUT_MS = 10_000;
const BATCH = 20;

export interface DispatcherOptions {
  allowPrivate: boolean;
  onError: (error: unknown, what: string) => void;
  pollMs?: number;
  backoffMs?: readonly number[];
  now?: () => number;
}

interface Attempt {
  status: number | null;
  error: string | null;
  durationMs: number;
}

export class WebhookDispatcher {
  readonly #db: Kysely<Database>;
  readonly #options: DispatcherOptions;
  readonly #instance = randomUUID();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(db: Kysely<Database>, options: DispatcherOptions) {
    this.#db = db;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#timer = setInterval(() => this.kick(), this.#options.pollMs ?? 1000);
    this.#timer.unref();
    this.kick();
  }

  /** Looks for due messages now (after a write queued some). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#tick()
      .catch((error: unknown) => this.#options.onError(error, 'delivering webhooks failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  async #tick(): Promise<void> {
    const nowIso = new Date(this.#now()).toISOString();
    const claim = `${this.#instance}:${randomUUID()}`;
    const until = new Date(this.#now() + LOCK_MS).toISOString();
    const free = (eb: ExpressionBuilder<Database, 'webhook_outbox'>) =>
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]);
    await this.#db
      .updateTable('webhook_outbox')
      .set({ locked_by: claim, locked_until: until })
      .where('id', 'in', (sub) =>
        sub
          .selectFrom('webhook_outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', nowIso)
          .where(free)
          .orderBy('next_attempt_at')
          .limit(BATCH),
      )
      // Re-checked on the locked row: a concurrent claimant that got there first wins.
      .where('status', '=', 'pending')
      .where(free)
      .execute();
    const rows = await this.#db.selectFrom('webhook_outbox').selectAll().where('locked_by', '=', claim).execute();
    await Promise.all(rows.map((row) => this.#track(this.#deliver(row, claim))));
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight.add(work);
    return work.finally(() => this.#inFlight.delete(work));
  }

  async #deliver(row: WebhookOutboxTable, claim: string): Promise<void> {
    const hook = await this.#db
      .selectFrom('webhooks')
      .select(['url', 'secret', 'enabled'])
      .where('id', '=', row.webhook_id)
      .executeTakeFirst();
    const nowMs = this.#now();
    if (!hook) return;
    const attempt: Attempt =
      Number(hook.enabled) === 1
        ? await send(hook.url, hook.secret, row, this.#options.allowPrivate)
        : { status: null, error: 'The webhook is disabled.', durationMs: 0 };
    const attempts = Number(row.attempts) + 1;
    const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    const backoff = this.#options.backoffMs ?? DEFAULT_BACKOFF_MS;
    const delay = backoff[Math.min(attempts - 1, backoff.length - 1)]!;
    const expired = nowMs + delay - Date.parse(row.created_at) > RETRY_WINDOW_MS;
    const status = ok ? 'delivered' : expired ? 'failed' : 'pending';
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('webhook_attempts')
        .values({
          id: newId('att', nowMs),
          outbox_id: row.id,
          webhook_id: row.webhook_id,
          at: new Date(nowMs).toISOString(),
          status_code: attempt.status,
          error: attempt.error,
          duration_ms: attempt.durationMs,
        })
        .execute();
      await tx
        .updateTable('webhook_outbox')
        .set({
          status,
          attempts,
          next_attempt_at: new Date(nowMs + delay).toISOString(),
          last_status: attempt.status,
          last_error: attempt.error,
          locked_by: null,
          locked_until: null,
        })
        .where('id', '=', row.id)
        .where('locked_by', '=', claim)
        .execute();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    await Promise.all([...this.#inFlight]);
  }
}

/** One signed POST; never follows a redirect, refuses addresses the target rules forbid. */
function send(target: string, secret: string, row: WebhookOutboxTable, allowPrivate: boolean): Promise<Attempt> {
  // Wall time, not the server's clock: the receiver checks webhook-timestamp against its own
  // clock, and durationMs measures the real call.
  const started = Date.now();
  const url = new URL(target);
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(row.id, timestamp, row.payload);
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const allowed = addresses.filter((a) => addressAllowed(url, a.address, allowPrivate));
      if (allowed.length === 0)
        return callback(
          Object.assign(new Error(`${hostname} resolves only to addresses webhooks may not reach.`), { code: 'EADDRNOTALLOWED' }),
          '',
          4,
        );
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  const options: RequestOptions = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Keyward-Webhooks/1',
      'webhook-id': row.id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
      'content-length': Buffer.byteLength(row.payload),
    },
    timeout: TIMEOUT_MS,
    lookup,
  };
  // Node connects to an address literal without calling lookup: check it here, so a URL admitted
  // under --webhook-allow-private is not contacted after a restart without it.
  const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(literal) !== 0 && !addressAllowed(url, literal, allowPrivate))
    return Promise.resolve({ status: null, error: `${literal} is an address webhooks may not reach.`, durationMs: 0 });
  return new Promise((resolve) => {
    let finished = false;
    // The socket timeout only measures silence: a receiver that trickles a byte now and then
    // would hold the delivery (and a clean shutdown) forever. The whole answer has a deadline.
    const deadline = setTimeout(() => {
      done(null, `No complete answer within ${TIMEOUT_MS / 1000} s.`);
      req.destroy();
    }, TIMEOUT_MS);
    const done = (status: number | null, error: string | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      resolve({ status, error, durationMs: Date.now() - started });
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const redirected = status >= 300 && status < 400;
      res.on('end', () =>
        done(status, redirected ? 'Redirects are not followed.' : status >= 300 ? `The receiver answered ${status}.` : null),
      );
      res.on('error', () => done(status, null));
    });
    req.on('timeout', () => req.destroy(new Error(`No answer within ${TIMEOUT_MS / 1000} s.`)));
    req.on('error', (error: NodeJS.ErrnoException) => done(null, error.message.slice(0, 300)));
    req.end(row.payload);
  });
}
