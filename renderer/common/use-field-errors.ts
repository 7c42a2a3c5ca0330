import { useState } from 'react';
import { placeErrors, type FieldLabels } from './field-errors.ts';

export interface FieldErrors {
  /** Keeps the error of a failed save, placed on the form's fields. */
  report: (error: unknown) => void;
  /** The server's word on one field, until that field is edited. */
  field: (key: string) => string | null;
  /** What no field owns, until anything is edited. */
  other: string | null;
  clear: () => void;
}

/**
 * Server-side field errors that clear on edit: each remembers the value it was about, and stops
 * showing once the field holds something else (no onChange wiring per field needed).
 */
export function useFieldErrors(labels: FieldLabels, values: Record<string, unknown>): FieldErrors {
  const [state, setState] = useState<{ byField: Record<string, string>; other: string | null; sent: string } | null>(null);
  const now = (key: string) => JSON.stringify(values[key] ?? null);
  const sentValues = state ? (JSON.parse(state.sent) as Record<string, string>) : {};
  const allSame = state !== null && Object.keys(values).every((k) => sentValues[k] === now(k));
  return {
    report: (error) => {
      const placed = placeErrors(error, labels);
      setState({ ...placed, sent: JSON.stringify(Object.fromEntries(Object.keys(values).map((k) => [k, now(k)]))) });
    },
    field: (key) => (state?.byField[key] && sentValues[key] === now(key) ? state.byField[key] : null),
    other: allSame ? (state?.other ?? null) : null,
    clear: () => setState(null),
  };
}
