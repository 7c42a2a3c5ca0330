import type { AuditEntry } from '../../shared/domain/types.ts';
import type { KeywardApi } from '../../shared/ipc/contract.ts';
import { auditCsv } from './audit-diff.ts';

// An export holds every entry the current filters match, not only the page on view: it follows
// the server's cursor with the largest page the API allows, reporting progress as it goes.

type AuditList = KeywardApi['audit']['list'];
type AuditQueryParams = Omit<Parameters<AuditList>[0], 'limit' | 'cursor'>;

export const EXPORT_PAGE_SIZE = 1000;

export type ExportFormat = 'csv' | 'json';

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
    this.name = 'ExportCancelled';
  }
}

/** Every entry matching `query`, newest first; `onProgress` hears the count after each page. */
export async function collectAudit(
  list: AuditList,
  query: AuditQueryParams,
  onProgress: (count: number) => void,
  signal?: AbortSignal,
): Promise<AuditEntry[]> {
  const items: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    if (signal?.aborted) throw new ExportCancelled();
    const page = await list({ ...query, limit: EXPORT_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    onProgress(items.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (signal?.aborted) throw new ExportCancelled();
  return items;
}

export function exportText(format: ExportFormat, entries: readonly AuditEntry[]): string {
  return format === 'csv' ? auditCsv(entries) : JSON.stringify(entries, null, 2) + '\n';
}

export const EXPORT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv', json: 'application/json' };
