import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ParsedCidr } from '../../shared/domain/cidr.ts';
import { ApiError } from '../../shared/api/errors.ts';
import { AuthorizeBody } from '../../shared/api/authorization-schemas.ts';
import { Compile } from 'typebox/compile';
import type { CachedAnswer } from '../authz/cache.ts';
import { authorizeAnswer } from '../services/authorization-service.ts';
import type { ServiceContext } from '../services/context.ts';
import { authenticateToken, type AuthHeaders } from './authenticate.ts';
import { FORWARD_AUTH_PATH, forwardAuthAnswer } from './forward-auth.ts';
import { clientAddress } from './request-parts.ts';
import type { FailedAuthLimiter } from './rate-limit.ts';
import { describeErrors, invalidJson, JSON_CONTENT_TYPE } from './validation.ts';

// The two hot endpoints, /v1/authorize and /v1/forward-auth, are answered straight from node's
// request handler, before the framework's routing, hooks and logging: on two cores that framework
// overhead alone cost a third of a bare server's throughput. They use the same authentication,
// validation schema, decision code and error shapes as the fastify routes (which remain for
// light-my-request and as the documented definition).

const AUTHORIZE_PATH = '/v1/authorize';
const checkAuthorize = Compile(AuthorizeBody);

/** Sends a JSON answer; `headers` (a fresh object per request) gets the content headers added. */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

/** Sends a precomputed answer: its headers object is shared between requests and never changed. */
function sendAnswer(res: ServerResponse, answer: CachedAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
  send(res, error.status, error.toBody(), headers);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export interface FastPathOptions {
  ctx: ServiceContext;
  limiter: FailedAuthLimiter;
  trustedProxies: readonly ParsedCidr[];
  bodyLimit: number;
  onError: (error: unknown) => void;
}

/** Returns a handler that answers the hot endpoints and reports false for everything else. */
export function makeFastPath(options: FastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { ctx, limiter, trustedProxies, bodyLimit } = options;
  /** An unexpected error: logged in full, answered without its details. */
  const failed = (res: ServerResponse, error: unknown): void => {
    options.onError(error);
    send(res, 500, { error: { code: 'internal', message: 'The server failed to handle this request; the error is in its log.' } });
  };
  return (req, res) => {
    const url = req.url ?? '/';
    const path = pathOf(url);
    if (path === FORWARD_AUTH_PATH || path.startsWith(`${FORWARD_AUTH_PATH}/`)) {
      try {
        const answer = forwardAuthAnswer(
          ctx,
          { headers: req.headers, url, method: req.method ?? 'GET', remoteAddress: req.socket.remoteAddress ?? '' },
          trustedProxies,
        );
        // Drain any proxied body; forward-auth never reads it.
        req.resume();
        sendAnswer(res, answer);
      } catch (error) {
        failed(res, error);
      }
      return true;
    }
    if (path !== AUTHORIZE_PATH || req.method !== 'POST') return false;
    const headers: AuthHeaders = {};
    try {
      const ip = clientAddress(
        { headers: req.headers, url, method: 'POST', remoteAddress: req.socket.remoteAddress ?? '' },
        trustedProxies,
      );
      authenticateToken(ctx, limiter, req.headers, ip, 'keyward.authorize', headers);
    } catch (error) {
      req.resume();
      if (error instanceof ApiError) sendError(res, error, headers);
      else failed(res, error);
      return true;
    }
    readJson(req, bodyLimit, (error, body) => {
      if (error) return sendError(res, error);
      try {
        if (!checkAuthorize.Check(body)) {
          const { message, problems } = describeErrors('body', checkAuthorize.Errors(body));
          return sendError(res, new ApiError('invalid_request', message, { problems }));
        }
        sendAnswer(res, authorizeAnswer(ctx, body));
      } catch (failure) {
        if (failure instanceof ApiError) return sendError(res, failure);
        failed(res, failure);
      }
    });
    return true;
  };
}

let lastType = 'application/json';
let lastTypeIsJson = true;

/** Whether a Content-Type is JSON; a client sends the same one every time, so the last answer is kept. */
function isJsonType(type: string): boolean {
  if (type !== lastType) {
    lastTypeIsJson = JSON_CONTENT_TYPE.test(type);
    lastType = type;
  }
  return lastTypeIsJson;
}

function readJson(req: IncomingMessage, limit: number, done: (error: ApiError | null, body?: unknown) => void): void {
  const type = req.headers['content-type'] ?? '';
  if (!isJsonType(type)) {
    req.resume();
    return done(new ApiError('invalid_request', 'Send the body as JSON with Content-Type: application/json.'));
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return done(new ApiError('payload_too_large', 'The body is larger than 1 MiB.'));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > limit) {
      failed = true;
      done(new ApiError('payload_too_large', 'The body is larger than 1 MiB.'));
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (failed) return;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '')
      return done(new ApiError('invalid_request', 'POST /v1/authorize needs a JSON body (Content-Type: application/json).'));
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(invalidJson(error));
    }
  });
  req.on('error', () => {
    failed = true;
  });
}
