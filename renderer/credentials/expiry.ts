import { latestAllowedExpiryMs, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';

export type ExpiryChoice = '30' | '90' | '365' | 'never' | 'date';

const PRESETS = ['30', '90', '365'] as const;

/**
 * The ISO timestamp an expiry choice means, or null for "never" (or a date not picked yet). A date
 * means the end of that UTC day; on the day of `latestMs` (the lifetime policy's latest allowed
 * expiry) it means that moment instead, so picking the last allowed day is never refused.
 */
export function expiryTimestamp(choice: ExpiryChoice, date: string, now = Date.now(), latestMs: number | null = null): string | null {
  if (choice === 'never') return null;
  if (choice === 'date') {
    if (!date) return null;
    const end = Date.parse(`${date}T23:59:59Z`);
    if (latestMs !== null && end > latestMs && new Date(latestMs).toISOString().slice(0, 10) === date)
      return new Date(latestMs).toISOString();
    return new Date(end).toISOString();
  }
  return new Date(now + Number(choice) * 86_400_000).toISOString();
}

/**
 * A new credential's expiry: 90 days, or under a maximum lifetime the latest date it allows (its
 * preset when the maximum is 30, 90 or 365 days).
 */
export function initialExpiry(policy: LifetimePolicy | null, now = Date.now()): { choice: ExpiryChoice; date: string } {
  const latest = policy ? latestAllowedExpiryMs(policy, now) : null;
  if (latest === null) return { choice: '90', date: '' };
  const preset = PRESETS.find((p) => Number(p) === policy!.maxLifetimeDays);
  return preset ? { choice: preset, date: '' } : { choice: 'date', date: new Date(latest).toISOString().slice(0, 10) };
}
