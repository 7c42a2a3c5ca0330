import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

// Fastify validates with the same TypeBox schemas that generate the OpenAPI document. Query
// strings are converted (limit=10 → 10) before checking. Messages name the field and the problem.

interface SchemaError {
  keyword: string;
  instancePath: string;
  message: string;
  params: Record<string, unknown>;
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

export function describeErrors(part: string, errors: SchemaError[]): { message: string; problems: { field: string; problem: string }[] } {
  const problems: { field: string; problem: string }[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'boolean' || e.keyword === 'anyOf') continue;
    const field = `${PART_NAMES[part] ?? part}${e.instancePath.replace(/\//g, '.')}`;
    let problem = e.message;
    if (e.keyword === 'additionalProperties' && Array.isArray(e.params['additionalProperties'])) {
      problem = `has unknown field(s) ${(e.params['additionalProperties'] as string[]).map((p) => `"${p}"`).join(', ')}`;
    } else if (e.keyword === 'pattern' && e.params['pattern'] === '\\S') {
      problem = 'must not be blank';
    }
    const key = `${field} ${problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field, problem });
  }
  if (problems.length === 0) problems.push({ field: PART_NAMES[part] ?? part, problem: 'does not have the expected shape' });
  const shown = problems.slice(0, 5).map((p) => `${p.field} ${p.problem}`);
  return {
    message: `Invalid request: ${shown.join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}.`,
    problems: problems.slice(0, 20),
  };
}

export class RequestValidationError extends Error {
  readonly problems: { field: string; problem: string }[];
  constructor(message: string, problems: { field: string; problem: string }[]) {
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
    const { message, problems } = describeErrors(httpPart ?? 'body', [...compiled.Errors(value)] as SchemaError[]);
    return { error: new RequestValidationError(message, problems) };
  };
};
