import { errorMessage } from '../app/errors.ts';

// Bulk actions (issue 12): one confirmation for many rows, which names them and, afterwards, says
// what happened to each one that did not work.

export interface BulkItem {
  id: string;
  name: string;
}

export interface BulkFailure extends BulkItem {
  error: unknown;
}

/** “a”, “b”, “c” and 4 more — the first few names, enough to recognise the selection. */
export function nameList(names: readonly string[], shown = 3): string {
  const quoted = names.slice(0, names.length > shown + 1 ? shown : shown + 1).map((n) => `“${n}”`);
  const rest = names.length - quoted.length;
  if (rest > 0) return `${quoted.join(', ')} and ${rest} more`;
  if (quoted.length < 2) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** "1 credential", "5 credentials". */
export function count(n: number, noun: readonly [string, string]): string {
  return `${n} ${n === 1 ? noun[0] : noun[1]}`;
}

/**
 * Runs `each` for every item, one after another (the server sees an admin's pace, not a burst),
 * reporting how many are done; answers the ones that failed with their errors.
 */
export async function runEach(
  items: readonly BulkItem[],
  each: (item: BulkItem) => Promise<unknown>,
  progress: (done: number) => void,
): Promise<BulkFailure[]> {
  const failed: BulkFailure[] = [];
  for (const [i, item] of items.entries()) {
    try {
      await each(item);
    } catch (error) {
      failed.push({ ...item, error });
    }
    progress(i + 1);
  }
  return failed;
}

/** The result sentence: "Revoked 5 credentials." or which failed and why. */
export function bulkSummary(pastTense: string, noun: readonly [string, string], total: number, failed: readonly BulkFailure[]): string {
  if (failed.length === 0) return `${pastTense} ${count(total, noun)}.`;
  const why = failed
    .slice(0, 5)
    .map((f) => `“${f.name}”: ${errorMessage(f.error)}`)
    .join(' ');
  const more = failed.length > 5 ? ` And ${failed.length - 5} more.` : '';
  const done = total - failed.length;
  return `${pastTense} ${done} of ${count(total, noun)}; ${failed.length} failed. ${why}${more}`;
}
