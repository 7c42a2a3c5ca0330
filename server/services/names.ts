import { ApiError } from '../../shared/api/errors.ts';
import { nameProblem, normalizeName } from '../../shared/domain/names.ts';

/**
 * A name as it is stored (NFC, trimmed), or 400 invalid_request when it holds a control or
 * invisible formatting character (DESIGN §4). `what` names the object for the message.
 */
export function checkedName(name: string, what: string, index?: number): string {
  const problem = nameProblem(name, what);
  if (problem) throw new ApiError('invalid_request', problem, { field: 'name', ...(index === undefined ? {} : { index }) });
  return normalizeName(name);
}
