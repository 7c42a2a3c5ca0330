import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { ApiError } from '../../shared/api/errors.ts';
import { describeSchemaErrors, type Problem } from '../../shared/api/validation-errors.ts';

// Fastify validates with the same TypeBox schemas that generate the OpenAPI document. Query
// strings are converted (limit=10 → 10) before checking. Messages name the field and the problem.

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** A request part's schema failure, worded as everywhere else (shared/api/validation-errors.ts). */
export function describeErrors(part: string, errors: Iterable<TLocalizedValidationError>): { message: string; problems: Problem[] } {
  return describeSchemaErrors(PART_NAMES[part] ?? part, 'Invalid request', errors);
}

/** The Content-Types read as JSON (application/json and any +json type, with parameters). */
export const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]*\+)?json(\s*;.*)?$/i;

/** The 400 for a body that JSON.parse refused, naming where it broke. */
export function invalidJson(error: unknown): ApiError {
  return new ApiError('invalid_request', `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
}

export class RequestValidationError extends Error {
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[]) {
    super(message);
    this.name = 'RequestValidationError';
    this.problems = problems;
  }
}

/**
 * Query and path values arrive as strings. Only exact forms convert ("10" → 10, "true" → true),
 * so "1.5" or "1e3" for an integer stays a string and fails validation instead of being truncated.
 */
function convertStrings(schema: TSchema, data: unknown): unknown {
  const properties = (schema as { properties?: Record<string, { type?: string }> }).properties;
  if (!properties || typeof data !== 'object' || data === null) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) {
    const type = properties[key]?.type;
    if (typeof value !== 'string') continue;
    if (type === 'integer' && /^-?\d{1,15}$/.test(value)) out[key] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) out[key] = value === 'true';
  }
  return out;
}

export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const compiled = Compile(schema);
  const convert = httpPart === 'querystring' || httpPart === 'params';
  return (data: unknown) => {
    const value = convert ? convertStrings(schema, data) : data;
    if (compiled.Check(value)) return { value };
    const { message, problems } = describeErrors(httpPart ?? 'body', compiled.Errors(value));
    return { error: new RequestValidationError(message, problems) };
  };
};
