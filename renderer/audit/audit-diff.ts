import type { AuditEntry } from '../../shared/domain/types.ts';

// The change an audit entry records (DESIGN §4: `before` and `after`), as lines a person reads:
// list fields as items added and removed, other fields as old → new. Pure, for unit tests.

export interface DiffLine {
  field: string;
  kind: 'added' | 'removed' | 'changed';
  text: string;
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? `“${v}”` : JSON.stringify(v));
// Bookkeeping that changes on every write and says nothing about the change.
const NOISE = new Set(['version', 'updatedAt', 'createdAt', 'id']);

export function auditDiff(before: unknown, after: unknown): DiffLine[] {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const lines: DiffLine[] = [];
  for (const field of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
    if (NOISE.has(field)) continue;
    const x = b[field];
    const y = a[field];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (Array.isArray(x) || Array.isArray(y)) {
      const xs = new Set((Array.isArray(x) ? x : []).map((v) => JSON.stringify(v)));
      const ys = new Set((Array.isArray(y) ? y : []).map((v) => JSON.stringify(v)));
      for (const v of ys) if (!xs.has(v)) lines.push({ field, kind: 'added', text: `${field}: + ${JSON.parse(v) as string}` });
      for (const v of xs) if (!ys.has(v)) lines.push({ field, kind: 'removed', text: `${field}: − ${JSON.parse(v) as string}` });
      continue;
    }
    lines.push({ field, kind: 'changed', text: `${field}: ${show(x)} → ${show(y)}` });
  }
  return lines;
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The entries as CSV (one row per entry, the change as its readable lines). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const head = ['at', 'actorId', 'action', 'targetType', 'targetId', 'change'];
  const rows = entries.map((e) =>
    [
      e.at,
      e.actorId,
      e.action,
      e.target.type,
      e.target.id,
      auditDiff(e.before, e.after)
        .map((l) => l.text)
        .join('; '),
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}
