import type { DecisionReason, Id, Timestamp } from './types.ts';

// Credential lifecycle rules (DESIGN §3 rules 12–15): the lifetime policy, usage series and the
// webhook events. Pure functions, shared by the server (enforcement) and the desktop app (the
// credential editor shows and pre-selects the latest allowed expiry).

export interface LifetimePolicy {
  /** The longest a credential may live from its issue (or from an edit of its expiry); null = no limit. */
  maxLifetimeDays: number | null;
  /** Every credential must have an expiry. */
  requireExpiry: boolean;
  /** How many days before its expiry a credential counts as expiring (hygiene, credential.expiring). */
  warnBeforeDays: number;
}

export const DEFAULT_LIFETIME_POLICY: LifetimePolicy = { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 };

const DAY_MS = 86_400_000;

/** The latest expiry the policy allows for a credential issued (or re-dated) now; null = no limit. */
export function latestAllowedExpiryMs(policy: LifetimePolicy, nowMs: number): number | null {
  return policy.maxLifetimeDays === null ? null : nowMs + policy.maxLifetimeDays * DAY_MS;
}

/**
 * Why an expiry breaks the policy, in a sentence naming the latest allowed date, or null. A
 * maximum lifetime implies an expiry: "never" is longer than any maximum.
 */
export function lifetimeProblem(policy: LifetimePolicy, expiresAt: Timestamp | null, nowMs: number): string | null {
  const latest = latestAllowedExpiryMs(policy, nowMs);
  const latestText = latest === null ? null : new Date(latest).toISOString();
  if (expiresAt === null) {
    if (latestText)
      return `The lifetime policy allows credentials of at most ${policy.maxLifetimeDays} days: set an expiry no later than ${latestText}.`;
    if (policy.requireExpiry) return 'The lifetime policy requires every credential to have an expiry date.';
    return null;
  }
  if (latest !== null && Date.parse(expiresAt) > latest) {
    return `The lifetime policy allows credentials of at most ${policy.maxLifetimeDays} days: the latest allowed expiry is ${latestText}.`;
  }
  return null;
}

/**
 * Whether an existing credential lives longer than the policy now allows (hygiene lists it): its
 * expiry is one the server would refuse if it were set today (later than now + the maximum, or
 * none under a maximum or a required expiry). A credential re-dated within the maximum long after
 * its issue fits, as the policy counts a lifetime from the issue or the last edit of the expiry.
 */
export function exceedsLifetime(policy: LifetimePolicy, expiresAt: Timestamp | null, nowMs: number): boolean {
  if (policy.maxLifetimeDays === null) return policy.requireExpiry && expiresAt === null;
  if (expiresAt === null) return true;
  return Date.parse(expiresAt) > latestAllowedExpiryMs(policy, nowMs)!;
}

/** Whether a credential is inside its warning window (expires within warnBeforeDays, not yet expired). */
export function isExpiring(policy: LifetimePolicy, expiresAt: Timestamp | null, nowMs: number): boolean {
  if (expiresAt === null) return false;
  const ms = Date.parse(expiresAt);
  return ms > nowMs && ms - nowMs <= policy.warnBeforeDays * DAY_MS;
}

export const USAGE_BUCKETS = ['minute', 'hour', 'day'] as const;
export type UsageBucket = (typeof USAGE_BUCKETS)[number];
export const BUCKET_MS: Record<UsageBucket, number> = { minute: 60_000, hour: 3_600_000, day: DAY_MS };
/** At most this many points in one usage answer. */
export const MAX_USAGE_POINTS = 2000;

export interface UsagePoint {
  /** Start of the bucket. */
  at: Timestamp;
  allowed: number;
  denied: number;
  /** Denied requests by decision reason (only reasons that occurred). */
  byReason: Partial<Record<DecisionReason, number>>;
}

export interface CredentialUsage {
  credentialId: Id;
  bucket: UsageBucket;
  series: UsagePoint[];
  totals: { allowed: number; denied: number };
}

export interface UsageTop {
  credentialId: Id | null;
  name: string;
  allowed: number;
  denied: number;
}

export interface UsageOverview {
  bucket: UsageBucket;
  series: UsagePoint[];
  totals: { allowed: number; denied: number };
  top: UsageTop[];
  mostDenied: UsageTop[];
}

export const WEBHOOK_EVENTS = [
  'credential.expiring',
  'credential.expired',
  'credential.revoked',
  'credential.leak_reported',
  'role.changed',
  'policy.changed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: Id;
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: Timestamp;
  version: number;
}

export interface WebhookDelivery {
  id: Id;
  webhookId: Id;
  eventType: WebhookEvent;
  createdAt: Timestamp;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: Timestamp | null;
  lastStatus: number | null;
  lastError: string | null;
  /** The event as it was (or will be) delivered. */
  payload: unknown;
}

export interface WebhookAttempt {
  id: Id;
  deliveryId: Id;
  at: Timestamp;
  /** The receiver's HTTP status; null when there was no answer (refused, timed out, not allowed). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}
