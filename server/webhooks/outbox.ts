import { randomUUID } from 'node:crypto';
import type { WebhookEvent } from '../../shared/domain/lifecycle.ts';
import { parseJson, type Queryable } from '../storage/rows.ts';

// The durable outbox (DESIGN §3.15): a change's webhook events are written in the same
// transaction as the change, one row per subscribed webhook, so an event is never lost and never
// sent for a change that rolled back. The delivery worker (delivery.ts) sends them later.

export interface OutboxEvent {
  type: WebhookEvent;
  /** What happened, built from audited data only: never a secret. */
  data: Record<string, unknown>;
}

interface AuditLike {
  action: string;
  target: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
}

/** Only these fields of a credential reach a payload (no hash, no secret ever). */
function credentialSummary(value: unknown): Record<string, unknown> {
  const c = (value ?? {}) as Record<string, unknown>;
  const pick = ['id', 'name', 'ownerId', 'status', 'prefix', 'expiresAt', 'leakedAt', 'roles'] as const;
  return Object.fromEntries(pick.filter((k) => k in c).map((k) => [k, c[k]]));
}

function roleSummary(entry: AuditLike, change: 'created' | 'updated' | 'deleted'): Record<string, unknown> {
  const role = (entry.after ?? entry.before ?? {}) as Record<string, unknown>;
  return { role: { id: entry.target.id, name: typeof role['name'] === 'string' ? role['name'] : null }, change };
}

/** The webhook events an audited write stands for. */
export function eventsOf(entries: readonly AuditLike[]): OutboxEvent[] {
  const out: OutboxEvent[] = [];
  for (const e of entries) {
    switch (e.action) {
      case 'credential.revoke':
        out.push({ type: 'credential.revoked', data: { credential: credentialSummary(e.after), cause: 'revoked' } });
        break;
      case 'credential.leak_reported': {
        const report = ((e.after ?? {}) as { report?: unknown }).report ?? null;
        out.push({ type: 'credential.leak_reported', data: { credential: credentialSummary(e.after), report } });
        out.push({ type: 'credential.revoked', data: { credential: credentialSummary(e.after), cause: 'leak_reported' } });
        break;
      }
      case 'user.invalidate_tokens':
      case 'user.delete': {
        const after = (e.after ?? {}) as { revoked?: unknown; revokedCredentials?: unknown };
        const ids = (
          Array.isArray(after.revoked) ? after.revoked : Array.isArray(after.revokedCredentials) ? after.revokedCredentials : []
        ) as string[];
        const cause = e.action === 'user.delete' ? 'user_deleted' : 'user_tokens_invalidated';
        for (const id of ids) out.push({ type: 'credential.revoked', data: { credential: { id }, cause, userId: e.target.id } });
        break;
      }
      case 'role.create':
        out.push({ type: 'role.changed', data: roleSummary(e, 'created') });
        break;
      case 'role.update':
        out.push({ type: 'role.changed', data: roleSummary(e, 'updated') });
        break;
      case 'role.delete':
        out.push({ type: 'role.changed', data: roleSummary(e, 'deleted') });
        break;
      default:
        if (e.action.startsWith('policy.')) {
          out.push({ type: 'policy.changed', data: { policy: e.target.id, before: e.before ?? null, after: e.after ?? null } });
        }
    }
  }
  return out;
}

/** Queues each event for every enabled webhook subscribed to it, inside the caller's transaction. */
export async function enqueue(tx: Queryable, events: readonly OutboxEvent[], nowMs: number): Promise<void> {
  if (events.length === 0) return;
  const hooks = await tx.selectFrom('webhooks').select(['id', 'events']).where('enabled', '=', 1).execute();
  if (hooks.length === 0) return;
  const at = new Date(nowMs).toISOString();
  const rows = [];
  for (const event of events) {
    for (const hook of hooks) {
      if (!parseJson<string[]>(hook.events, []).includes(event.type)) continue;
      const id = `msg_${randomUUID().replace(/-/g, '')}`;
      rows.push({
        id,
        webhook_id: hook.id,
        event_type: event.type,
        payload: JSON.stringify({ type: event.type, timestamp: at, data: event.data }),
        created_at: at,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: at,
        locked_by: null,
        locked_until: null,
        last_status: null,
        last_error: null,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 50)
    await tx
      .insertInto('webhook_outbox')
      .values(rows.slice(i, i + 50))
      .execute();
}
