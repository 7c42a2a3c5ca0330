import Type, { type Static } from 'typebox';
import { Id, Name, Timestamp } from './schemas.ts';

// Schemas of the lifecycle endpoints (DESIGN §4: usage, lifetime policy, leak reports,
// webhooks), kept beside schemas.ts so that file stays about the core objects.

const strict = { additionalProperties: false } as const;

export const LifetimePolicy = Type.Object(
  {
    maxLifetimeDays: Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()]),
    requireExpiry: Type.Boolean(),
    warnBeforeDays: Type.Integer({ minimum: 0, maximum: 365 }),
  },
  strict,
);

export const UsageBucket = Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')]);
export const UsageQuery = Type.Object(
  { from: Type.Optional(Timestamp), to: Type.Optional(Timestamp), bucket: Type.Optional(UsageBucket) },
  strict,
);
export const UsageOverviewQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    bucket: Type.Optional(UsageBucket),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  strict,
);
const UsagePoint = Type.Object({
  at: Timestamp,
  allowed: Type.Integer(),
  denied: Type.Integer(),
  byReason: Type.Record(Type.String(), Type.Integer()),
});
const Totals = Type.Object({ allowed: Type.Integer(), denied: Type.Integer() });
export const CredentialUsage = Type.Object({ credentialId: Id, bucket: UsageBucket, series: Type.Array(UsagePoint), totals: Totals });
const UsageTop = Type.Object({
  credentialId: Type.Union([Id, Type.Null()]),
  name: Type.String(),
  allowed: Type.Integer(),
  denied: Type.Integer(),
});
export const UsageOverview = Type.Object({
  bucket: UsageBucket,
  series: Type.Array(UsagePoint),
  totals: Totals,
  top: Type.Array(UsageTop),
  mostDenied: Type.Array(UsageTop),
});

export const LeakReport = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 1000 }),
    source: Type.Optional(Type.String({ maxLength: 200 })),
    url: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  strict,
);
export const LeakReceived = Type.Object({ received: Type.Literal(true) });

export const WebhookEvent = Type.Union([
  Type.Literal('credential.expiring'),
  Type.Literal('credential.expired'),
  Type.Literal('credential.revoked'),
  Type.Literal('credential.leak_reported'),
  Type.Literal('role.changed'),
  Type.Literal('policy.changed'),
]);
const WebhookUrl = Type.String({ minLength: 1, maxLength: 2000 });
const Events = Type.Array(WebhookEvent, { minItems: 1, maxItems: 6 });
export const Webhook = Type.Object({
  id: Id,
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(WebhookEvent),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  version: Type.Integer(),
});
export const WebhookCreate = Type.Object({ name: Name, url: WebhookUrl, events: Events, enabled: Type.Optional(Type.Boolean()) }, strict);
export const WebhookPatch = Type.Object(
  { name: Type.Optional(Name), url: Type.Optional(WebhookUrl), events: Type.Optional(Events), enabled: Type.Optional(Type.Boolean()) },
  strict,
);
export const WebhookList = Type.Object({ items: Type.Array(Webhook) });
/** The signing secret (whsec_…) is in this answer only. */
export const WebhookCreated = Type.Object({ webhook: Webhook, secret: Type.String() });
export const WebhookDelivery = Type.Object({
  id: Id,
  webhookId: Id,
  eventType: WebhookEvent,
  createdAt: Timestamp,
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown(),
});
export const WebhookDeliveryList = Type.Object({ items: Type.Array(WebhookDelivery) });
/** One attempt to deliver a message: the receiver's status code, or the error when there was none. */
export const WebhookAttempt = Type.Object({
  id: Id,
  deliveryId: Id,
  at: Timestamp,
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
});
export const WebhookAttemptList = Type.Object({ items: Type.Array(WebhookAttempt) });
export const DeliveryParams = Type.Object({ id: Id, deliveryId: Id }, strict);

export type LifetimePolicyBody = Static<typeof LifetimePolicy>;
export type UsageParams = Static<typeof UsageQuery>;
export type UsageOverviewParams = Static<typeof UsageOverviewQuery>;
export type LeakReportBody = Static<typeof LeakReport>;
export type WebhookCreateBody = Static<typeof WebhookCreate>;
export type WebhookPatchBody = Static<typeof WebhookPatch>;
