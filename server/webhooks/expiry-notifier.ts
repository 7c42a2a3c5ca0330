import { credentialFromRow } from '../storage/rows.ts';
import { SYSTEM_ACTOR, type ServiceContext } from '../services/context.ts';
import { readLifetimePolicy } from '../services/lifetime-service.ts';
import type { OutboxEvent } from './outbox.ts';

// credential.expiring (once, when a credential enters its warning window) and
// credential.expired (once, when it expires). A credential is marked in the same transaction
// that queues its event, so several instances scanning at once queue each event once (the
// conditional update of the mark decides; PostgreSQL runs it SERIALIZABLE).

const BATCH = 500;

export async function notifyExpiries(ctx: ServiceContext): Promise<number> {
  return ctx.write(SYSTEM_ACTOR, async (tx) => {
    const nowMs = ctx.now();
    const nowIso = new Date(nowMs).toISOString();
    const policy = await readLifetimePolicy(tx);
    const windowEnd = new Date(nowMs + policy.warnBeforeDays * 86_400_000).toISOString();
    const notify: OutboxEvent[] = [];
    // Credentials not revoked that have an expiry (one batch): the two scans below narrow it.
    const unrevokedWithExpiry = () =>
      tx.selectFrom('credentials').selectAll().where('status', '!=', 'revoked').where('expires_at', 'is not', null).limit(BATCH);
    const expiring = await unrevokedWithExpiry()
      .where('expires_at', '>', nowIso)
      .where('expires_at', '<=', windowEnd)
      .where('expiring_notified_at', 'is', null)
      .execute();
    const expired = await unrevokedWithExpiry().where('expires_at', '<=', nowIso).where('expired_notified_at', 'is', null).execute();
    for (const row of expiring) {
      const marked = await tx
        .updateTable('credentials')
        .set({ expiring_notified_at: nowIso })
        .where('id', '=', row.id)
        .where('expiring_notified_at', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 0) continue;
      const credential = credentialFromRow(row, [], nowMs);
      notify.push({ type: 'credential.expiring', data: { credential: summary(credential), warnBeforeDays: policy.warnBeforeDays } });
    }
    for (const row of expired) {
      // An expired credential was (or no longer needs to be) warned about.
      const marked = await tx
        .updateTable('credentials')
        .set({ expired_notified_at: nowIso, expiring_notified_at: row.expiring_notified_at ?? nowIso })
        .where('id', '=', row.id)
        .where('expired_notified_at', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 0) continue;
      notify.push({ type: 'credential.expired', data: { credential: summary(credentialFromRow(row, [], nowMs)) } });
    }
    return { value: notify.length, audit: [], events: [], notify };
  });
}

function summary(c: {
  id: string;
  name: string;
  ownerId: string | null;
  prefix: string;
  expiresAt: string | null;
  status: string;
}): Record<string, unknown> {
  return { id: c.id, name: c.name, ownerId: c.ownerId, prefix: c.prefix, expiresAt: c.expiresAt, status: c.status };
}

/** Runs notifyExpiries every `everyMs` until stopped. */
export function startExpiryNotifier(ctx: ServiceContext, everyMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(() => notifyExpiries(ctx)).catch(onError);
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  run();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
