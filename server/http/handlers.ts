import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../shared/api/errors.ts';
import type * as S from '../../shared/api/schemas.ts';
import { buildOpenApiDocument } from '../../shared/api/openapi.ts';
import { importOpenApi, readCatalog, replaceCatalog } from '../services/catalog-service.ts';
import { authorizeBody, explainBody } from '../services/authorization-service.ts';
import { listAudit } from '../services/audit-service.ts';
import { createBackend, deleteBackend, getBackend, listBackends, updateBackend } from '../services/backend-service.ts';
import { SYSTEM_ACTOR, type Actor, type ServiceContext } from '../services/context.ts';
import { readIssuancePolicy } from '../services/credential-rules.ts';
import {
  createCredential,
  deleteCredential,
  getCredential,
  importCredentials,
  invalidateUserTokens,
  listCredentials,
  rollCredential,
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
import { applyRoleChanges, createRole, deleteRole, getRole, listRoles, updateRole } from '../services/role-service.ts';
import type { Readiness } from '../storage/readiness.ts';
import { RETRY_AFTER_SECONDS } from '../storage/unavailable.ts';
import { forwardAuth } from './forward-auth.ts';
import { clientAddress } from './request-parts.ts';
import type * as L from '../../shared/api/lifecycle-schemas.ts';
import type { UsageCounter } from '../authz/usage-counter.ts';
import { reportLeak, ReportLimiter } from '../services/leak-service.ts';
import { readLifetimePolicy, setLifetimePolicy } from '../services/lifetime-service.ts';
import { credentialUsage, usageOverview } from '../services/usage-service.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  resendDelivery,
  updateWebhook,
} from '../webhooks/webhook-service.ts';

// operationId → handler. Bodies, queries and params are already validated against the schemas
// of shared/api/endpoints.ts, so the casts below only name what validation guaranteed.

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

interface Req {
  id: string;
}

const id = (r: FastifyRequest): string => (r.params as Req).id;
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
): Record<string, Handler> {
  const openapi = JSON.stringify(buildOpenApiDocument(version));
  const leaks = new ReportLimiter();
  const allowPrivate = lifecycle.webhookAllowPrivate;
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
    putCatalog: (r) =>
      replaceCatalog(ctx, actor(r), r.body as S.CatalogPutBody, {
        prune: (r.query as { prune?: boolean }).prune === true,
        ifMatch: ifMatch(r),
      }),
    importOpenApi: (r) => importOpenApi(ctx, actor(r), r.body as Record<string, unknown>, ifMatch(r)),

    listRoles: async () => ({ items: await listRoles(ctx.db) }),
    createRole: (r) => createRole(ctx, actor(r), r.body as S.RoleCreateBody),
    applyRoleChanges: async (r) => ({ items: await applyRoleChanges(ctx, actor(r), (r.body as S.RoleChangesBody).changes) }),
    getRole: (r) => getRole(ctx.db, id(r)),
    updateRole: (r) => updateRole(ctx, actor(r), id(r), r.body as S.RolePatchBody, ifMatch(r)),
    deleteRole: (r) => deleteRole(ctx, actor(r), id(r), ifMatch(r)),

    listCredentials: (r) => listCredentials(ctx, r.query as S.CredentialListParams),
    createCredential: (r) => createCredential(ctx, actor(r), r.body as S.CredentialCreateBody),
    importCredentials: (r) => importCredentials(ctx, actor(r), r.body as S.CredentialImportBody),
    getCredential: (r) => getCredential(ctx, id(r)),
    updateCredential: (r) => updateCredential(ctx, actor(r), id(r), r.body as S.CredentialPatchBody, ifMatch(r)),
    deleteCredential: (r) => deleteCredential(ctx, actor(r), id(r), ifMatch(r)),
    revokeCredential: (r) => setCredentialStatus(ctx, actor(r), id(r), 'revoked', ifMatch(r)),
    disableCredential: (r) => setCredentialStatus(ctx, actor(r), id(r), 'disabled', ifMatch(r)),
    enableCredential: (r) => setCredentialStatus(ctx, actor(r), id(r), 'active', ifMatch(r)),
    rollCredential: (r) =>
      rollCredential(ctx, actor(r), id(r), (r.body as { graceSeconds?: number } | undefined)?.graceSeconds ?? 0, ifMatch(r)),

    listUsers: async () => ({ items: await listUsers(ctx.db) }),
    createUser: (r) => createUser(ctx, actor(r), r.body as S.UserCreateBody),
    getUser: (r) => getUser(ctx.db, id(r)),
    updateUser: (r) => updateUser(ctx, actor(r), id(r), r.body as S.UserPatchBody, ifMatch(r)),
    deleteUser: (r) => deleteUser(ctx, actor(r), id(r), ifMatch(r)),
    invalidateUserTokens: (r) => invalidateUserTokens(ctx, actor(r), id(r)),
    listGroups: async () => ({ items: await listGroups(ctx.db) }),
    createGroup: (r) => createGroup(ctx, actor(r), r.body as S.GroupCreateBody),
    getGroup: (r) => getGroup(ctx.db, id(r)),
    updateGroup: (r) => updateGroup(ctx, actor(r), id(r), r.body as S.GroupPatchBody, ifMatch(r)),
    deleteGroup: (r) => deleteGroup(ctx, actor(r), id(r), ifMatch(r)),
    getIssuancePolicy: () => readIssuancePolicy(ctx.db),
    putIssuancePolicy: (r) => setIssuancePolicy(ctx, actor(r), r.body as { allowedGroups: string[] | null }),
    createSelfCredential: (r) => createSelfCredential(ctx, r.selfUser!, r.body as S.SelfCredentialCreateBody),
    getLifetimePolicy: () => readLifetimePolicy(ctx.db),
    putLifetimePolicy: (r) => setLifetimePolicy(ctx, actor(r), r.body as L.LifetimePolicyBody),

    getCredentialUsage: (r) => credentialUsage(ctx, lifecycle.usage, id(r), r.query as L.UsageParams),
    getUsage: (r) => usageOverview(ctx, lifecycle.usage, r.query as L.UsageOverviewParams),
    reportLeak: async (r, reply) => {
      const ip = clientAddress(
        { headers: r.headers, url: r.url, method: r.method, remoteAddress: r.socket.remoteAddress ?? r.ip },
        r.server.trustedProxies,
      );
      try {
        return await reportLeak(ctx, leaks, ip, r.body as L.LeakReportBody);
      } catch (error) {
        const retry = (error as ApiError).details?.['retryAfter'];
        if (typeof retry === 'number') reply.header('Retry-After', String(retry));
        throw error;
      }
    },
    listWebhooks: async () => ({ items: await listWebhooks(ctx.db) }),
    createWebhook: (r) => createWebhook(ctx, actor(r), r.body as L.WebhookCreateBody, allowPrivate),
    getWebhook: (r) => getWebhook(ctx.db, id(r)),
    updateWebhook: (r) => updateWebhook(ctx, actor(r), id(r), r.body as L.WebhookPatchBody, ifMatch(r), allowPrivate),
    deleteWebhook: (r) => deleteWebhook(ctx, actor(r), id(r), ifMatch(r)),
    listWebhookDeliveries: async (r) => ({ items: await listDeliveries(ctx.db, id(r)) }),
    resendWebhookDelivery: (r) => resendDelivery(ctx, actor(r), id(r), (r.params as { deliveryId: string }).deliveryId),

    listBackends: async () => ({ items: await listBackends(ctx.db) }),
    createBackend: (r) => createBackend(ctx, actor(r), r.body as S.BackendCreateBody),
    getBackend: (r) => getBackend(ctx.db, id(r)),
    updateBackend: (r) => updateBackend(ctx, actor(r), id(r), r.body as S.BackendPatchBody, ifMatch(r)),
    deleteBackend: (r) => deleteBackend(ctx, actor(r), id(r), ifMatch(r)),

    authorize: (r) => authorizeBody(ctx, r.body as S.AuthorizeRequest),
    forwardAuth: (r, reply) => forwardAuth(ctx, r, reply),
    explain: (r) => explainBody(ctx, r.body as S.ExplainRequest),

    listAudit: (r) => listAudit(ctx, r.query as S.AuditListParams),
  };
}
