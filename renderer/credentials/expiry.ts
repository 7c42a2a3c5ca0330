export type ExpiryChoice = '30' | '90' | '365' | 'never' | 'date';

/** The ISO timestamp an expiry choice means, or null for "never" (or a date not picked yet). */
export function expiryTimestamp(choice: ExpiryChoice, date: string, now = Date.now()): string | null {
  if (choice === 'never') return null;
  if (choice === 'date') return date ? new Date(`${date}T23:59:59Z`).toISOString() : null;
  return new Date(now + Number(choice) * 86_400_000).toISOString();
}
