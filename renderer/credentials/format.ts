import type { CredentialStatus } from '../../shared/domain/types.ts';

export function formatDate(iso: string | null, empty = 'Never'): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: '2-digit', month: 'short', day: 'numeric' }) : empty;
}

export const STATUS_COLOR: Record<CredentialStatus, 'success' | 'warning' | 'error' | 'default'> = {
  active: 'success',
  disabled: 'warning',
  revoked: 'error',
  expired: 'default',
};
