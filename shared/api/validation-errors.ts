import type { TLocalizedValidationError } from 'typebox/error';

// One wording for every schema failure — HTTP bodies, queries and paths, IPC arguments, imported
// files: the field as a dotted path under the part it came from (`body.roles.0`, `argument.name`,
// `file.roles.2.op`) and what is wrong with it. Never the value itself: it may be a token.

export interface Problem {
  field: string;
  problem: string;
}

/** At most this many problems travel in an error's details. */
export const MAX_PROBLEMS = 20;
/** At most this many are quoted in the error's sentence. */
const SHOWN = 5;

/**
 * What TypeBox found wrong, under `root`: a sentence starting with `lead` that quotes the first
 * few problems and counts the rest, and the problems themselves (at most MAX_PROBLEMS) for the
 * error's details, where a form places each on its field.
 */
export function describeSchemaErrors(
  root: string,
  lead: string,
  errors: Iterable<TLocalizedValidationError>,
): { message: string; problems: Problem[] } {
  const problems = schemaProblems(root, errors);
  const shown = problems.slice(0, SHOWN).map((p) => `${p.field} ${p.problem}`);
  const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : '';
  return { message: `${lead}: ${shown.join('; ')}${more}.`, problems: problems.slice(0, MAX_PROBLEMS) };
}

/** The problems TypeBox found, under `root`, each field and wording once. */
function schemaProblems(root: string, errors: Iterable<TLocalizedValidationError>): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // anyOf/boolean restate the branch errors they are made of.
    if (e.keyword === 'boolean' || e.keyword === 'anyOf') continue;
    const field = `${root}${e.instancePath.replace(/\//g, '.')}`;
    const key = `${field} ${wording(e)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field, problem: wording(e) });
  }
  if (problems.length === 0) problems.push({ field: root, problem: 'does not have the expected shape' });
  return problems;
}

function wording(e: TLocalizedValidationError): string {
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperties?: unknown }).additionalProperties;
    if (Array.isArray(extra)) return `has unknown field(s) ${extra.map((p) => `"${String(p)}"`).join(', ')}`;
  }
  if (e.keyword === 'pattern' && (e.params as { pattern?: unknown }).pattern === '\\S') return 'must not be blank';
  return e.message;
}
