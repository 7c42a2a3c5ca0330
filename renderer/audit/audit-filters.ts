import { SYSTEM_ACTOR_FILTER } from '../../shared/domain/types.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';

type AuditListParams = Parameters<KeywardApi['audit']['list']>[0];

// The audit screen's filters as plain data: what the server is asked (`auditQuery`), the chips'
// words, the time presets and the checks of a custom range. Pure, so it is unit-tested without a DOM.

export interface TargetFilter {
  type: string;
  id: string;
  label: string;
}

/** A credential's id, or SYSTEM_ACTOR_FILTER for the entries no credential made. */
export interface ActorFilter {
  id: string;
  label: string;
}

/** A time window as the server takes it (ISO date-times, `from` inclusive, `to` exclusive) and in words. */
export interface TimeRange {
  from?: string;
  to?: string;
  label: string;
}

export interface AuditFilters {
  action: string;
  targetType: string;
  target: TargetFilter | null;
  actor: ActorFilter | null;
  time: TimeRange | null;
}

export const NO_FILTERS: AuditFilters = { action: '', targetType: '', target: null, actor: null, time: null };

export const SYSTEM_ACTOR: ActorFilter = { id: SYSTEM_ACTOR_FILTER, label: 'system' };

const HOUR = 3_600_000;
export const TIME_PRESETS = [
  { id: '1h', label: 'Last hour', ms: HOUR },
  { id: '24h', label: 'Last 24 hours', ms: 24 * HOUR },
  { id: '7d', label: 'Last 7 days', ms: 7 * 24 * HOUR },
  { id: '30d', label: 'Last 30 days', ms: 30 * 24 * HOUR },
] as const;
export type TimePresetId = (typeof TIME_PRESETS)[number]['id'];

/**
 * A preset fixed at the moment it is picked (open-ended towards now, so new entries still show),
 * so paging and export see one and the same window.
 */
export function presetRange(id: TimePresetId, nowMs: number): TimeRange {
  const preset = TIME_PRESETS.find((p) => p.id === id)!;
  return { from: new Date(nowMs - preset.ms).toISOString(), label: preset.label.toLowerCase() };
}

export function hasFilters(f: AuditFilters): boolean {
  return Boolean(f.action || f.targetType || f.target || f.actor || f.time);
}

/** The filters as GET /v1/audit (and the IPC audit.list) take them, without limit and cursor. */
export function auditQuery(f: AuditFilters): Omit<AuditListParams, 'limit' | 'cursor'> {
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.target ? { targetType: f.target.type, targetId: f.target.id } : f.targetType ? { targetType: f.targetType } : {}),
    ...(f.actor ? { actorId: f.actor.id } : {}),
    ...(f.time?.from ? { from: f.time.from } : {}),
    ...(f.time?.to ? { to: f.time.to } : {}),
  };
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** A `datetime-local` field's value ("2026-12-02T10:30", the computer's time zone) as an instant; null if it is none. */
export function localInstant(text: string): number | null {
  if (!LOCAL_DATE_TIME.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Short enough for a chip: the year only when it is not this one. */
const when = (ms: number) => {
  const d = new Date(ms);
  const year = d.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' as const };
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', ...year, hour: 'numeric', minute: '2-digit' });
};

export type CustomRangeCheck = { range: TimeRange; errors?: undefined } | { range?: undefined; errors: { from?: string; to?: string } };

/**
 * Checks a custom range before it is sent, with the message for the field at fault: at least one
 * end, each a complete date and time, From earlier than To. `badInput` says the browser holds a
 * half-typed value (which a `datetime-local` field reports as "").
 */
export function customRange(fromText: string, toText: string, badInput: { from?: boolean; to?: boolean } = {}): CustomRangeCheck {
  const errors: { from?: string; to?: string } = {};
  const from = fromText ? localInstant(fromText) : null;
  const to = toText ? localInstant(toText) : null;
  if (badInput.from || (fromText && from === null)) errors.from = 'Enter a complete date and time';
  if (badInput.to || (toText && to === null)) errors.to = 'Enter a complete date and time';
  if (!errors.from && !errors.to && !fromText && !toText) errors.from = 'Enter a start, an end, or both';
  if (!errors.from && !errors.to && from !== null && to !== null && from >= to) errors.to = 'Must be later than From';
  if (errors.from || errors.to) return { errors };
  const label =
    from !== null && to !== null ? `${when(from)} – ${when(to)}` : from !== null ? `since ${when(from)}` : `before ${when(to!)}`;
  return {
    range: {
      ...(from !== null ? { from: new Date(from).toISOString() } : {}),
      ...(to !== null ? { to: new Date(to).toISOString() } : {}),
      label,
    },
  };
}
