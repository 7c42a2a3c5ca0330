import { isIpcError } from '../../shared/ipc/types.ts';

// Server and IPC validation errors placed on the form field they name, in words a person reads
// ("Name: at most 100 characters"), instead of "Invalid argument to credentials.create: …" at the
// bottom of a dialog. Pure, so it is unit-tested without a DOM.

/** Field key (as the API names it) → the label the form shows. */
export type FieldLabels = Record<string, string>;

export interface PlacedErrors {
  /** Field key → "Label: problem". */
  byField: Record<string, string>;
  /** What no field of this form owns, as a sentence; null when everything was placed. */
  other: string | null;
}

// Error codes whose field is fixed whatever the details say.
const CODE_FIELD: Record<string, string> = {
  name_taken: 'name',
  invalid_cidr: 'allowedCidrs',
  unknown_user: 'ownerId',
  issuance_not_allowed: 'ownerId',
  unknown_role: 'roles',
  lifetime_exceeded: 'expiresAt',
  prefix_taken: 'frontendPrefix',
  invalid_regex: 'subSettings',
  unknown_group: 'groups',
  insecure_url: 'url',
};

/** "must not have more than 100 characters" → "at most 100 characters", and the like. */
export function problemInWords(problem: string): string {
  const p = problem.trim().replace(/\.$/, '');
  let m: RegExpMatchArray | null;
  if ((m = p.match(/^must not have more than (\d+) characters?$/))) return `at most ${m[1]} characters`;
  if ((m = p.match(/^must not have fewer than (\d+) characters?$/)))
    return m[1] === '1' ? 'must not be empty' : `at least ${m[1]} characters`;
  if ((m = p.match(/^must not have more than (\d+) items?$/))) return `at most ${m[1]} entries`;
  if ((m = p.match(/^must not have fewer than (\d+) items?$/))) return `at least ${m[1]} ${m[1] === '1' ? 'entry' : 'entries'}`;
  if ((m = p.match(/^must be (?:less|<) (?:than or equal to|or equal to|=) (\d+)$/))) return `at most ${m[1]}`;
  if ((m = p.match(/^must be (?:greater|>) (?:than or equal to|or equal to|=) (\d+)$/))) return `at least ${m[1]}`;
  if (/^must match format "date-time"$/.test(p)) return 'not a valid date';
  if (/^must match format "email"$/.test(p) || /^must match pattern ".*@.*"$/.test(p)) return 'enter an address like name@example.com';
  if (/^must match pattern/.test(p)) return 'contains characters that are not allowed';
  if (/^must not be blank$/.test(p)) return 'must not be empty';
  if (/^must be null$/.test(p)) return '';
  return p.replace(/^must be string$/, 'must be text');
}

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** The field a path like "argument.set.name", "body.name" or "body.allowedCidrs.2" names. */
function fieldOf(path: string, labels: FieldLabels): string | null {
  const parts = path.split('.').filter((p) => p !== 'argument' && p !== 'body' && p !== 'set' && !/^\d+$/.test(p));
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]! in labels) return parts[i]!;
  return null;
}

/** Places an error on the form's fields; what no field owns stays in `other`. */
export function placeErrors(error: unknown, labels: FieldLabels): PlacedErrors {
  const byField: Record<string, string> = {};
  if (!isIpcError(error)) return { byField, other: error instanceof Error ? error.message : error ? 'Something went wrong.' : null };
  const unplaced: string[] = [];
  const put = (field: string, problem: string) => {
    if (!problem) return;
    const text = `${labels[field]}: ${problem.replace(/\.$/, '')}`;
    // The first problem per field is the one to fix first (later ones often repeat it).
    byField[field] ??= text;
  };
  const problems = error.details?.['problems'];
  if ((error.code === 'invalid_argument' || error.code === 'invalid_request') && Array.isArray(problems) && problems.length > 0) {
    for (const raw of problems) {
      // IPC: "argument.name must not …"; HTTP: {field: "body.name", problem: "must not …"}.
      const [path, problem] =
        typeof raw === 'string'
          ? [raw.slice(0, raw.indexOf(' ')), raw.slice(raw.indexOf(' ') + 1)]
          : [String((raw as { field?: unknown }).field ?? ''), String((raw as { problem?: unknown }).problem ?? '')];
      const field = fieldOf(path, labels);
      if (field) put(field, problemInWords(problem));
      else unplaced.push(`${path.replace(/^(argument|body)\.?/, '') || 'request'} ${problemInWords(problem)}`);
    }
    return { byField, other: unplaced.length ? `${capitalise(unplaced.join('; '))}.` : null };
  }
  const details = error.details ?? {};
  const field =
    (CODE_FIELD[error.code] && CODE_FIELD[error.code]! in labels ? CODE_FIELD[error.code]! : null) ??
    Object.keys(details).find((k) => k in labels) ??
    null;
  if (!field) return { byField, other: error.message };
  // The server's sentence, without a leading field id it may start with ("expiresAt must be …").
  const stripped = error.message.replace(new RegExp(`^${field}\\b\\s*`), '');
  put(field, stripped === error.message ? error.message : stripped);
  return { byField, other: null };
}
