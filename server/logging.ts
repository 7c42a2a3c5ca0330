import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

// The server's logger. Secrets never reach the log (DESIGN §4): known secret fields are censored
// wherever they appear, and no query-string value is written at all — clients put tokens in
// query strings (`?access_token=kw_…`) whatever the documentation says, and fastify's own
// request, not-found and error lines quote the URL.

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
    url: typeof req.url === 'string' ? redactQuery(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

function serializeError(err: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of ['message', 'stack']) if (typeof out[field] === 'string') out[field] = redactQueriesInText(out[field] as string);
  return out;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'keyward' },
    redact: { paths: REDACTED_LOG_PATHS, censor: CENSOR },
    serializers: { req: serializeRequest, err: serializeError },
    hooks: {
      // Messages are free text: scrub any query string they quote.
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactQueriesInText(arg) : arg)) as typeof args;
        return method.apply(this, scrubbed);
      },
    },
  };
}

export function createLogger(level: string, stream: { write(line: string): void } | undefined): Logger {
  return pino(loggerOptions(level), (stream as DestinationStream | undefined) ?? pino.destination(1));
}
