import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BodyOf, OperationId, OtherResponseOf, ParamsOf, QueryOf, ResponseOf } from '../../shared/api/endpoints.ts';
import { ApiError } from '../../shared/api/errors.ts';
import type * as S from '../../shared/api/schemas.ts';
import { buildOpenApiDocument } from '../../shared/api/openapi.ts';
import { importOpenApi, readCatalog, replaceCatalog } from '../services/catalog-service.ts';
import { authorizeBody, explainBody } from '../services/authorization-service.ts';
import { listAudit } from '../services/audit-service.ts';
import { createBackend, deleteBackend, getBackend, listBackends, updateBackend } from '../services/backend-service.ts';
import { SYSTEM_ACTOR, type Actor, type ServiceContext } from '../services/context.ts';
import { readIssuancePolicy } from '../services/credential-rules.ts';
import { importCredentials } from '../services/credential-import.ts';
import { createCredential, rollCredential } from '../services/credential-issuing.ts';
import { listCredentials } from '../services/credential-list.ts';
import {
  deleteCredential,
  getCredential,
  invalidateUserTokens,
  setCredentialStatus,
  updateCredential,
} from '../services/credential-service.ts';
import {
  createGroup,
  createSelfCredential,
  createUser,
  deleteGroup,
  deleteUser,
  getGroup,
  getUser,
  listGroups,
  listUsers,
  setIssuancePolicy,
  updateGroup,
  updateUser,
} from '../services/directory-service.ts';
import { applyRoleChanges } from '../services/role-changes.ts';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../services/role-service.ts';
import type { Readiness } from '../storage/readiness.ts';
import { RETRY_AFTER_SECONDS } from '../storage/unavailable.ts';
import { forwardAuth } from './forward-auth.ts';
import { clientAddress } from './request-parts.ts';
import type { UsageCounter } from '../authz/usage-counter.ts';
import { reportLeak, ReportLimiter } from '../services/leak-service.ts';
import { readLifetimePolicy, setLifetimePolicy } from '../services/lifetime-service.ts';
import { credentialUsage, usageOverview } from '../services/usage-service.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listAttempts,
  listDeliveries,
  listWebhooks,
  resendDelivery,
  updateWebhook,
} from '../webhooks/webhook-service.ts';

// operationId → handler, typed from the endpoint table (shared/api/endpoints.ts): every
// operation has exactly one handler (a missing or extra one is a type error), and each sees its
// params, query and body as the types of the schemas fastify has already validated them against,
// and must answer its response schema's type (or send the reply itself).

/** The request a handler of `Op` sees: params, query and body typed from the table. */
export type TypedRequest<Op extends OperationId> = FastifyRequest<{
  Params: ParamsOf<Op>;
  Querystring: QueryOf<Op>;
  Body: BodyOf<Op>;
}>;

/** A handler answers its success body (or another documented answer), or the reply it sent. */
export type Handler<Op extends OperationId> = (
  request: TypedRequest<Op>,
  reply: FastifyReply,
) => ResponseOf<Op> | OtherResponseOf<Op> | FastifyReply | Promise<ResponseOf<Op> | OtherResponseOf<Op> | FastifyReply>;

/** One handler per operation of the table. */
export type HandlerMap = { [Op in OperationId]: Handler<Op> };

const id = (r: { params: { id: string } }): string => r.params.id;
const actor = (r: FastifyRequest): Actor => r.actor ?? SYSTEM_ACTOR;

/** The version named by If-Match ("3", W/"3", or * for any), or undefined. */
export function ifMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) throw new ApiError('invalid_request', `If-Match must name a version like "3" (got ${JSON.stringify(header)}).`);
  return Number(match[1]);
}

/** What the lifecycle endpoints need besides the context (DESIGN §3 rules 12–15). */
export interface LifecycleParts {
  usage: UsageCounter | null;
  webhookAllowPrivate: boolean;
}

export function makeHandlers(
  ctx: ServiceContext,
  version: string,
  readiness: Readiness,
  lifecycle: LifecycleParts = { usage: null, webhookAllowPrivate: false },
): HandlerMap {
  const openapi = JSON.stringify(buildOpenApiDocument(version));
  return {
    health: () => ({ status: 'ok', version }),
    ready: async (_r, reply) => {
      const result = await readiness.check();
      if (result.ready) return { status: 'ready' };
      reply.code(503).header('Retry-After', String(RETRY_AFTER_SECONDS)).header('Cache-Control', 'no-store');
      return { status: 'unavailable', reason: result.reason } satisfies S.NotReadyBody;
    },
    openapi: (_r, reply) => reply.type('application/json').send(openapi),

    getCatalog: () => readCatalog(ctx.db),
    putCatalog: (r) => replaceCatalog(ctx, actor(r), r.body, { prune: r.query.prune === true, ifMatch: ifMatch(r) }),
    importOpenApi: (r) => importOpenApi(ctx, actor(r), r.body, ifMatch(r)),

    listRoles: async () => ({ items: await listRoles(ctx.db) }),
    createRole: (r) => createRole(ctx, actor(r), r.body),
    applyRoleChanges: async (r) => ({ items: await applyRoleChanges(ctx, actor(r), r.body.changes) }),
    getRole: (r) => getRole(ctx.db, id(r)),
    updateRole: (r) => updateRole(ctx, actor(r), id(r), r.body, ifMatch(r)),
    deleteRole: (r) => deleteRole(ctx, actor(r), id(r), ifMatch(r)),

    listCredentials: (r) => listCredentials(ctx, r.query),
    createCredential: (r) => createCredential(ctx, actor(r), r.body),
    importCredentials: (r) => importCredentials(ctx, actor(r), r.body),
    getCredential: (r) => getCredential(ctx, id(r)),
    updateCredential: (r) => updateCredential(ctx, actor(r), id(r), r.body, ifMatch(r)),
    deleteCredential: (r) => deleteCredential(ctx, actor(r), id(r), ifMatch(r)),
    revokeCredential: (r) => setCredentialStatus(ctx, actor(r), id(r), 'revoked', ifMatch(r)),
    disableCredential: (r) => setCredentialStatus(ctx, actor(r), id(r), 'disabled', ifMatch(r)),
    enableCredential: (r) => setCredentialStatus(ctx, actor(r), id(r), 'active', ifMatch(r)),
    // A roll without a body was given {} by the route's preValidation (app.ts).
    rollCredential: (r) => rollCredential(ctx, actor(r), id(r), r.body.graceSeconds ?? 0, ifMatch(r)),

    ...directoryHandlers(ctx),
    ...lifecycleHandlers(ctx, lifecycle),

    listBackends: async () => ({ items: await listBackends(ctx.db) }),
    createBackend: (r) => createBackend(ctx, actor(r), r.body),
    getBackend: (r) => getBackend(ctx.db, id(r)),
    updateBackend: (r) => updateBackend(ctx, actor(r), id(r), r.body, ifMatch(r)),
    deleteBackend: (r) => deleteBackend(ctx, actor(r), id(r), ifMatch(r)),

    authorize: (r) => authorizeBody(ctx, r.body),
    // The answer is a decision, or the 401/403/503 error body forward-auth chose the status of.
    forwardAuth: (r, reply) => reply.send(forwardAuth(ctx, r, reply)),
    explain: (r) => explainBody(ctx, r.body),

    listAudit: (r) => listAudit(ctx, r.query),
  };
}

// The parts below are spread into makeHandlers' map; `satisfies` types each handler from the
// table and rejects a name that is no operation, and the map's own type catches a missing one.

function directoryHandlers(ctx: ServiceContext) {
  return {
    listUsers: async () => ({ items: await listUsers(ctx.db) }),
    createUser: (r) => createUser(ctx, actor(r), r.body),
    getUser: (r) => getUser(ctx.db, id(r)),
    updateUser: (r) => updateUser(ctx, actor(r), id(r), r.body, ifMatch(r)),
    deleteUser: (r) => deleteUser(ctx, actor(r), id(r), ifMatch(r)),
    invalidateUserTokens: (r) => invalidateUserTokens(ctx, actor(r), id(r)),
    listGroups: async () => ({ items: await listGroups(ctx.db) }),
    createGroup: (r) => createGroup(ctx, actor(r), r.body),
    getGroup: (r) => getGroup(ctx.db, id(r)),
    updateGroup: (r) => updateGroup(ctx, actor(r), id(r), r.body, ifMatch(r)),
    deleteGroup: (r) => deleteGroup(ctx, actor(r), id(r), ifMatch(r)),
    getIssuancePolicy: () => readIssuancePolicy(ctx.db),
    putIssuancePolicy: (r) => setIssuancePolicy(ctx, actor(r), r.body),
    createSelfCredential: (r) => createSelfCredential(ctx, r.selfUser!, r.body),
    getLifetimePolicy: () => readLifetimePolicy(ctx.db),
    putLifetimePolicy: (r) => setLifetimePolicy(ctx, actor(r), r.body),
  } satisfies Partial<HandlerMap>;
}

function lifecycleHandlers(ctx: ServiceContext, lifecycle: LifecycleParts) {
  const leaks = new ReportLimiter();
  return {
    getCredentialUsage: (r) => credentialUsage(ctx, lifecycle.usage, id(r), r.query),
    getUsage: (r) => usageOverview(ctx, lifecycle.usage, r.query),
    reportLeak: async (r, reply) => {
      const ip = clientAddress(
        { headers: r.headers, url: r.url, method: r.method, remoteAddress: r.socket.remoteAddress ?? r.ip },
        r.server.trustedProxies,
      );
      try {
        return await reportLeak(ctx, leaks, ip, r.body);
      } catch (error) {
        const retry = error instanceof ApiError ? error.details?.['retryAfter'] : undefined;
        if (typeof retry === 'number') reply.header('Retry-After', String(retry));
        throw error;
      }
    },
    listWebhooks: async () => ({ items: await listWebhooks(ctx.db) }),
    createWebhook: (r) => createWebhook(ctx, actor(r), r.body, lifecycle.webhookAllowPrivate),
    getWebhook: (r) => getWebhook(ctx.db, id(r)),
    updateWebhook: (r) => updateWebhook(ctx, actor(r), id(r), r.body, ifMatch(r), lifecycle.webhookAllowPrivate),
    deleteWebhook: (r) => deleteWebhook(ctx, actor(r), id(r), ifMatch(r)),
    listWebhookDeliveries: async (r) => ({ items: await listDeliveries(ctx.db, id(r)) }),
    listWebhookDeliveryAttempts: async (r) => ({ items: await listAttempts(ctx.db, id(r), r.params.deliveryId) }),
    resendWebhookDelivery: (r) => resendDelivery(ctx, actor(r), id(r), r.params.deliveryId),
  } satisfies Partial<HandlerMap>;
}
