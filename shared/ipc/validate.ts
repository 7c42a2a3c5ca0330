import { Compile } from 'typebox/compile';
import { methodSpec } from './contract.ts';
import type { IpcError } from './types.ts';

// Argument validation for every IPC call (main process and browser host alike), with the same
// wording as the server's request validation: field and problem, never the value itself (it
// may be a token).

interface SchemaError {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

type Checker = { Check(value: unknown): boolean; Errors(value: unknown): Iterable<unknown> };
const compiled = new Map<string, Checker>();

/** null when `arg` fits method `name`, else the invalid_argument (or unknown_method) error. */
export function checkIpcArgument(name: string, arg: unknown): IpcError | null {
  const spec = methodSpec(name);
  if (!spec) return { code: 'unknown_method', message: `There is no method "${String(name).slice(0, 100)}".` };
  if (spec.args === null) {
    if (arg === undefined || arg === null) return null;
    return { code: 'invalid_argument', message: `${name} takes no argument.` };
  }
  let checker = compiled.get(name);
  if (!checker) {
    checker = Compile(spec.args) as unknown as Checker;
    compiled.set(name, checker);
  }
  const value = arg === undefined ? {} : arg;
  if (checker.Check(value)) return null;
  const problems = describe([...checker.Errors(value)] as SchemaError[]);
  return {
    code: 'invalid_argument',
    message: `Invalid argument to ${name}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`,
    details: { method: name, problems: problems.slice(0, 20) },
  };
}

function describe(errors: SchemaError[]): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'boolean' || e.keyword === 'anyOf') continue;
    const field = `argument${e.instancePath.replace(/\//g, '.')}`;
    let problem = e.message;
    if (e.keyword === 'additionalProperties' && Array.isArray(e.params['additionalProperties'])) {
      problem = `has unknown field(s) ${(e.params['additionalProperties'] as string[]).map((p) => `"${p}"`).join(', ')}`;
    } else if (e.keyword === 'pattern' && e.params['pattern'] === '\\S') {
      problem = 'must not be blank';
    }
    out.add(`${field} ${problem}`);
  }
  if (out.size === 0) out.add('argument does not have the expected shape');
  return [...out];
}
