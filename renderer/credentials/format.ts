import type { CredentialStatus } from '../../shared/domain/types.ts';

/** A day as "Dec 1, 2026" (a two-digit year reads as a day of the month next to "Dec 1"). */
export function formatDate(iso: string | null, empty = 'Never'): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : empty;
}

/** A moment as "Dec 1, 2026, 6:32 PM" (in the user’s locale) for deadlines an admin acts on (grace periods). */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

export const STATUS_COLOR: Record<CredentialStatus, 'success' | 'warning' | 'error' | 'default'> = {
  active: 'success',
  disabled: 'warning',
  revoked: 'error',
  expired: 'default',
};
