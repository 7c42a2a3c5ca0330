import { randomBytes } from 'node:crypto';
import type { WebhookCreateBody, WebhookPatchBody } from '../../shared/api/lifecycle-schemas.ts';
import type { Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent } from '../../shared/domain/lifecycle.ts';
import { newId, parseJson, type Queryable } from '../storage/rows.ts';
import type { WebhookOutboxTable, WebhooksTable } from '../storage/schema.ts';
import { checkVersion, notFound, unique, type Actor, type ServiceContext } from '../services/context.ts';
import { checkWebhookUrl } from './target.ts';

// Webhooks (DESIGN §3.15, §4): the signing secret is answered once at create, like a token, and
// is never in a list, an audit entry or a log. Deliveries are the outbox rows of a webhook.

function webhookFromRow(row: WebhooksTable): Webhook {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: parseJson<WebhookEvent[]>(row.events, []),
    enabled: Number(row.enabled) === 1,
    createdAt: row.created_at,
    version: Number(row.version),
  };
}

function deliveryFromRow(row: WebhookOutboxTable): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventType: row.event_type as WebhookEvent,
    createdAt: row.created_at,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    payload: parseJson<unknown>(row.payload, null),
  };
}

async function loadRow(q: Queryable, id: string): Promise<WebhooksTable> {
  const row = await q.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('webhook', id);
  return row;
}

export async function listWebhooks(q: Queryable): Promise<Webhook[]> {
  return (await q.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute()).map(webhookFromRow);
}

export async function getWebhook(q: Queryable, id: string): Promise<Webhook> {
  return webhookFromRow(await loadRow(q, id));
}

export function createWebhook(
  ctx: ServiceContext,
  actor: Actor,
  body: WebhookCreateBody,
  allowPrivate: boolean,
): Promise<{ webhook: Webhook; secret: string }> {
  const url = checkWebhookUrl(body.url.trim(), allowPrivate).toString();
  return ctx.write(actor, async (tx) => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const row: WebhooksTable = {
      id: newId('hook', ctx.now()),
      name: body.name.trim(),
      url,
      events: JSON.stringify(unique(body.events)),
      enabled: body.enabled === false ? 0 : 1,
      secret,
      created_at: ctx.nowIso(),
      version: 1,
    };
    await tx.insertInto('webhooks').values(row).execute();
    const webhook = webhookFromRow(row);
    return {
      value: { webhook, secret },
      audit: [{ action: 'webhook.create', target: { type: 'webhook', id: row.id }, after: webhook }],
      events: [],
    };
  });
}

export function updateWebhook(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  patch: WebhookPatchBody,
  ifMatch: number | undefined,
  allowPrivate: boolean,
): Promise<Webhook> {
  const url = patch.url === undefined ? undefined : checkWebhookUrl(patch.url.trim(), allowPrivate).toString();
  return ctx.write(actor, async (tx) => {
    const row = await loadRow(tx, id);
    checkVersion(ifMatch, Number(row.version), 'webhook');
    const next: WebhooksTable = {
      ...row,
      name: patch.name?.trim() ?? row.name,
      url: url ?? row.url,
      events: patch.events === undefined ? row.events : JSON.stringify(unique(patch.events)),
      enabled: patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
      version: Number(row.version) + 1,
    };
    await tx
      .updateTable('webhooks')
      .set({ name: next.name, url: next.url, events: next.events, enabled: next.enabled, version: next.version })
      .where('id', '=', id)
      .execute();
    const before = webhookFromRow(row);
    const after = webhookFromRow(next);
    return { value: after, audit: [{ action: 'webhook.update', target: { type: 'webhook', id }, before, after }], events: [] };
  });
}

export function deleteWebhook(ctx: ServiceContext, actor: Actor, id: string, ifMatch: number | undefined): Promise<void> {
  return ctx.write(actor, async (tx) => {
    const row = await loadRow(tx, id);
    checkVersion(ifMatch, Number(row.version), 'webhook');
    await tx.deleteFrom('webhook_attempts').where('webhook_id', '=', id).execute();
    await tx.deleteFrom('webhook_outbox').where('webhook_id', '=', id).execute();
    await tx.deleteFrom('webhooks').where('id', '=', id).execute();
    return {
      value: undefined,
      audit: [{ action: 'webhook.delete', target: { type: 'webhook', id }, before: webhookFromRow(row) }],
      events: [],
    };
  });
}

/** The delivery log, newest first (at most 200). */
export async function listDeliveries(q: Queryable, id: string): Promise<WebhookDelivery[]> {
  await loadRow(q, id);
  const rows = await q
    .selectFrom('webhook_outbox')
    .selectAll()
    .where('webhook_id', '=', id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map(deliveryFromRow);
}

/** Every attempt to deliver one message of the webhook, oldest first (404 for another webhook's message). */
export async function listAttempts(q: Queryable, id: string, deliveryId: string): Promise<WebhookAttempt[]> {
  await loadRow(q, id);
  const delivery = await q
    .selectFrom('webhook_outbox')
    .select('id')
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', id)
    .executeTakeFirst();
  if (!delivery) throw notFound('delivery', deliveryId);
  const rows = await q.selectFrom('webhook_attempts').selectAll().where('outbox_id', '=', deliveryId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    deliveryId: r.outbox_id,
    at: r.at,
    statusCode: r.status_code === null ? null : Number(r.status_code),
    error: r.error,
    durationMs: Number(r.duration_ms),
  }));
}

/**
 * Queues a delivery again with the same message id (receivers de-duplicate by webhook-id) and
 * a fresh 24-hour retry window; one still being retried is tried again now.
 */
export function resendDelivery(ctx: ServiceContext, actor: Actor, id: string, deliveryId: string): Promise<WebhookDelivery> {
  return ctx.write(actor, async (tx) => {
    await loadRow(tx, id);
    const row = await tx
      .selectFrom('webhook_outbox')
      .selectAll()
      .where('id', '=', deliveryId)
      .where('webhook_id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('delivery', deliveryId);
    const now = ctx.nowIso();
    const retrying = row.status === 'pending';
    const next = { ...row, status: 'pending' as const, next_attempt_at: now, ...(retrying ? {} : { attempts: 0, created_at: now }) };
    await tx
      .updateTable('webhook_outbox')
      .set({ status: 'pending', attempts: next.attempts, next_attempt_at: now, created_at: next.created_at })
      .where('id', '=', deliveryId)
      .execute();
    return {
      value: deliveryFromRow(next),
      audit: [{ action: 'webhook.resend', target: { type: 'webhook', id }, after: { deliveryId, eventType: row.event_type } }],
      events: [],
    };
  });
}
