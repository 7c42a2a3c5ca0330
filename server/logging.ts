import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

// The server's logger. Secrets never reach the log (DESIGN §4): known secret fields are censored
// wherever they appear, and no query-string value is written at all — clients put tokens in
// query strings (`?access_token=kw_…`) whatever the documentation says, and fastify's own
// request, not-found and error lines quote the URL. Anything shaped like a token (`kw_` and more
// characters than a public display prefix) is cut from every string written, wherever it sits:
// a URL path, a message, an error's cause, an AggregateError's members, a field of an object.

/** Secret fields, censored wherever they appear. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'secret',
  'token',
  'password',
  '*.secret',
  '*.token',
  '*.password',
  '*.*.secret',
  '*.*.token',
  '*.*.password',
];

const CENSOR = '[redacted]';
/** A parameter name worth keeping in the log; anything else (a bare token as the key) goes too. */
const PLAIN_KEY = /^(?!kw_)[A-Za-z][A-Za-z0-9_.-]{0,39}$/i;

function redactParameters(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      if (key === '' && eq === -1) return '';
      return PLAIN_KEY.test(key) ? `${key}=${CENSOR}` : CENSOR;
    })
    .join('&');
}

/** A request target with every query value replaced: `/v1/x?access_token=kw_…` → `/v1/x?access_token=[redacted]`. */
export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?${redactParameters(url.slice(q + 1))}`;
}

/** Query strings inside free text (fastify's "Route GET:/x?… not found", error messages). */
export function redactQueriesInText(text: string): string {
  if (!text.includes('?')) return text;
  return text.replace(/\?([^\s"'<>`#]*)/g, (_match, query: string) => `?${redactParameters(query)}`);
}

/** `kw_` with more characters than a display prefix (`kw_` + 6, public): a token or a piece of one. */
const TOKEN_IN_TEXT = /kw_[0-9A-Za-z]{7,}/g;

/** Tokens inside free text: `bad token kw_AbC123…` → `bad token kw_[redacted]`. */
export function redactTokensInText(text: string): string {
  return text.includes('kw_') ? text.replace(TOKEN_IN_TEXT, `kw_${CENSOR}`) : text;
}

function scrubText(text: string): string {
  return redactTokensInText(redactQueriesInText(text));
}

const MAX_SCRUB_DEPTH = 8;

/** Every string in plain objects and arrays scrubbed; anything else (a request, a stream) left as it is. */
function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth >= MAX_SCRUB_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubDeep(item, depth + 1);
  return out;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** fastify's request serializer, with the query values left out. */
function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactTokensInText(redactQuery(req.url)) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** pino's error serializer (message and stack with their causes, aggregateErrors, own fields), scrubbed throughout. */
function serializeError(err: Error): Record<string, unknown> {
  return scrubSerializedError(pino.stdSerializers.err(err) as unknown as Record<string, unknown>);
}

/** pino's serialized errors are not plain objects (they inherit its error prototype): walk their own fields. */
function scrubSerializedError(serialized: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized))
    out[key] =
      key === 'aggregateErrors' && Array.isArray(value)
        ? value.map((member) =>
            member && typeof member === 'object' ? scrubSerializedError(member as Record<string, unknown>) : scrubDeep(member),
          )
        : scrubDeep(value);
  return out;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'keyward' },
    redact: { paths: REDACTED_LOG_PATHS, censor: CENSOR },
    serializers: { req: serializeRequest, err: serializeError },
    // Before the serializers: the strings of a logged object's own fields.
    formatters: { log: (object) => scrubDeep(object) as Record<string, unknown> },
    hooks: {
      // Messages are free text: scrub any query string or token they quote.
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as typeof args;
        return method.apply(this, scrubbed);
      },
    },
  };
}

export function createLogger(level: string, stream: { write(line: string): void } | undefined): Logger {
  return pino(loggerOptions(level), (stream as DestinationStream | undefined) ?? pino.destination(1));
}
