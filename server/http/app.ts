import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ENDPOINTS, type Endpoint, type OperationId } from '../../shared/api/endpoints.ts';
import { ApiError } from '../../shared/api/errors.ts';
import type { Readiness } from '../storage/readiness.ts';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../storage/unavailable.ts';
import { cidrProblem, parseCidr, type ParsedCidr } from '../../shared/domain/cidr.ts';
import type { ServiceContext } from '../services/context.ts';
import { makeAuthenticator } from './authenticate.ts';
import { makeFastPath } from './fast-path.ts';
import { FORWARD_AUTH_PATH } from './forward-auth.ts';
import { makeHandlers, type Handler, type HandlerMap, type LifecycleParts } from './handlers.ts';
import { FailedAuthLimiter } from './rate-limit.ts';
import { VerificationGate } from '../services/passwords.ts';
import { invalidJson, JSON_CONTENT_TYPE, RequestValidationError, typeboxValidatorCompiler } from './validation.ts';

export const BODY_LIMIT = 1024 * 1024;
/** Default caps on concurrent scrypt checks (~16 MB each): 8 for the server, 2 per client address. */
export const PASSWORD_CHECKS = { global: 8, perAddress: 2 } as const;

export interface AppOptions {
  logger: Logger;
  version: string;
  trustedProxies: string[];
  failedAuthLimit: number;
  /** Concurrent password (scrypt) checks: for the whole server and per client address. */
  passwordChecks?: { global: number; perAddress: number } | undefined;
  https?: { cert: Buffer; key: Buffer } | undefined;
  /** GET /v1/ready: database reachable and change feed in sync. */
  readiness: Readiness;
  lifecycle?: LifecycleParts;
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Hot-path routes log only warnings: a log line per authorization would halve throughput. */
const QUIET = new Set(['authorize', 'forwardAuth', 'health', 'ready']);

export function buildApp(ctx: ServiceContext, options: AppOptions): FastifyInstance {
  const trusted = options.trustedProxies.map((text) => {
    const parsed = parseCidr(text);
    if (!parsed) throw new Error(`--trusted-proxy: ${cidrProblem(text)}`);
    return parsed;
  });
  const limiter = new FailedAuthLimiter(options.failedAuthLimit);
  const passwords = new VerificationGate({
    global: options.passwordChecks?.global ?? PASSWORD_CHECKS.global,
    perKey: options.passwordChecks?.perAddress ?? PASSWORD_CHECKS.perAddress,
  });
  const fastPath = makeFastPath({
    ctx,
    limiter,
    trustedProxies: trusted,
    bodyLimit: BODY_LIMIT,
    onError: (error) => options.logger.error({ err: error }, 'hot path request failed'),
  });
  const app = createFastify(options, fastPath);

  app.decorate('trustedProxies', trusted as readonly ParsedCidr[]);
  app.decorateRequest('actor', null);
  app.decorateRequest('selfUser', null);
  app.setValidatorCompiler(typeboxValidatorCompiler);
  addBodyParsers(app);

  const handlers = makeHandlers(ctx, options.version, options.readiness, options.lifecycle);
  for (const entry of ENDPOINTS) {
    addRoutes(app, entry, untyped(handlers, entry.operationId), makeAuthenticator(ctx, limiter, entry.auth, trusted, passwords));
  }

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(
        new ApiError('not_found', `There is no endpoint ${request.method} ${request.url.split('?')[0]}. See /v1/openapi.json.`).toBody(),
      );
  });
  app.setErrorHandler(answerError);

  return app;
}

function createFastify(options: AppOptions, fastPath: ReturnType<typeof makeFastPath>): FastifyInstance {
  return Fastify({
    // The hot endpoints are answered before fastify's routing (see fast-path.ts).
    serverFactory: (handler) => {
      const listener = (req: IncomingMessage, res: ServerResponse): void => {
        if (!fastPath(req, res)) handler(req, res);
      };
      const server = options.https ? createHttpsServer(options.https, listener) : createHttpServer(listener);
      server.keepAliveTimeout = 72_000;
      return server;
    },
    loggerInstance: options.logger,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    // Long ids must reach validation (a clear 400), not fastify's own 414.
    routerOptions: { maxParamLength: 2000 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
}

/**
 * JSON bodies: an empty body means "no body" (POST /revoke with a JSON content type is
 * common); anything else must parse. Other content types are read as text so forward-auth
 * accepts any proxied request and schema validation reports a clear error elsewhere.
 */
function addBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(JSON_CONTENT_TYPE, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(invalidJson(error), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
    done(null, body === '' ? undefined : String(body)),
  );
}

/** The route (forward-auth: two routes) of one table entry, its schemas validated before `handler` runs. */
function addRoutes(
  app: FastifyInstance,
  endpoint: Endpoint,
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
  authenticate: ReturnType<typeof makeAuthenticator>,
): void {
  const schema = {
    ...(endpoint.params ? { params: endpoint.params } : {}),
    ...(endpoint.query ? { querystring: endpoint.query } : {}),
    ...(endpoint.body ? { body: endpoint.body } : {}),
  };
  const paths = endpoint.path === FORWARD_AUTH_PATH ? [FORWARD_AUTH_PATH, `${FORWARD_AUTH_PATH}/*`] : [endpoint.path];
  for (const url of paths) {
    app.route({
      method: endpoint.method === 'ANY' ? [...ALL_METHODS] : endpoint.method,
      url,
      schema,
      ...(QUIET.has(endpoint.operationId) ? { logLevel: 'warn' } : {}),
      onRequest: authenticate,
      preValidation: async (request) => {
        if (!endpoint.body || request.body !== undefined) return;
        // A POST whose body has only optional fields (roll) may leave it out; everything else needs one.
        const required = (endpoint.body as { required?: string[] }).required;
        if (endpoint.method === 'POST' && !required?.length && !('anyOf' in endpoint.body)) request.body = {};
        else
          throw new ApiError('invalid_request', `${endpoint.method} ${endpoint.path} needs a JSON body (Content-Type: application/json).`);
      },
      handler: async (request, reply) => {
        const result = await handler(request, reply);
        if (reply.sent) return reply;
        if (endpoint.response.status === 204) return reply.code(204).send();
        if (reply.statusCode === 200 && endpoint.response.status !== 200) reply.code(endpoint.response.status);
        // Every answer that is one object (or a created / rolled credential with its secret)
        // carries that object's ETag, so the next conditional write needs no extra GET.
        const body = result as { version?: unknown; credential?: { version?: unknown }; webhook?: { version?: unknown } } | null;
        const version = body?.version ?? body?.credential?.version ?? body?.webhook?.version;
        if (typeof version === 'number') reply.header('ETag', `"${version}"`);
        return result;
      },
    });
  }
}

/** Every error as the API's error body: ours as they are, fastify's as 400/413, the database's as 503, the rest 500. */
function answerError(error: FastifyError | ApiError | RequestValidationError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return reply.code(error.status).send(error.toBody());
  if (error instanceof RequestValidationError)
    return reply.code(400).send(new ApiError('invalid_request', error.message, { problems: error.problems }).toBody());
  const fastifyError = error as FastifyError;
  if (fastifyError.validation)
    return reply.code(400).send(new ApiError('invalid_request', `Invalid request: ${fastifyError.message}`).toBody());
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return reply.code(413).send(new ApiError('payload_too_large', 'The body is larger than 1 MiB.').toBody());
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return reply.code(status === 415 ? 400 : status).send(new ApiError('invalid_request', fastifyError.message).toBody());
  if (isDatabaseUnavailable(error)) {
    // A restart, failover or full disk: the client may repeat the request; the server stays up.
    request.log.warn({ err: { message: fastifyError.message, code: fastifyError.code } }, 'database unavailable');
    return reply
      .code(503)
      .header('Retry-After', String(RETRY_AFTER_SECONDS))
      .send(new ApiError('database_unavailable', 'The database is unavailable right now; try again in a few seconds.').toBody());
  }
  request.log.error({ err: { message: fastifyError.message, code: fastifyError.code, stack: fastifyError.stack } }, 'request failed');
  return reply
    .code(500)
    .send({ error: { code: 'internal', message: 'The server failed to handle this request; the error is in its log.' } });
}

/**
 * The handler of one operation as fastify calls it. HandlerMap types each handler's request from
 * the table; the route registered for that operation validates params, query and body against
 * the same table entry's schemas before the handler runs, which is what makes this one widening safe.
 */
function untyped(handlers: HandlerMap, operationId: OperationId): (request: FastifyRequest, reply: FastifyReply) => unknown {
  return handlers[operationId] as Handler<OperationId> as (request: FastifyRequest, reply: FastifyReply) => unknown;
}
