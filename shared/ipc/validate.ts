import { Compile, type Validator } from 'typebox/compile';
import { describeSchemaErrors } from '../api/validation-errors.ts';
import { methodSpec } from './contract.ts';
import type { IpcError } from './types.ts';

// Argument validation for every IPC call (main process and browser host alike), with the same
// wording as the server's request validation: field and problem, never the value itself (it
// may be a token).

const compiled = new Map<string, Validator>();

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
    checker = Compile(spec.args);
    compiled.set(name, checker);
  }
  const value = arg === undefined ? {} : arg;
  if (checker.Check(value)) return null;
  const { message, problems } = describeSchemaErrors('argument', `Invalid argument to ${name}`, checker.Errors(value));
  return { code: 'invalid_argument', message, details: { method: name, problems } };
}
