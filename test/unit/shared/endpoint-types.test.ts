import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ENDPOINTS,
  type BodyOf,
  type Endpoint,
  type OperationId,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
} from '../../../shared/api/endpoints.ts';
import type * as S from '../../../shared/api/schemas.ts';
import type { WebhookAttempt } from '../../../shared/domain/lifecycle.ts';
import type { Role } from '../../../shared/domain/types.ts';
import type { ArgOf } from '../../../shared/ipc/contract.ts';
import type { HandlerMap } from '../../../server/http/handlers.ts';
import { fillPath, prepareRequest, type RestCaller } from '../../../electron/services/rest-client.ts';

// The endpoint table types both ends. The functions below are never called: they are checked by
// `npm run typecheck` (tsconfig.node.json includes test/), and each `@ts-expect-error` fails the
// typecheck the day its line stops being an error — i.e. the day a renamed body field, a missing
// handler or a misspelt operation would get past the type checker on the server or in the app.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T | undefined => undefined;

/** The app's side: client.call takes exactly the table's params, body, query and If-Match. */
export function clientSide(client: RestCaller): void {
  void client.call('updateRole', { params: { id: 'r1' }, body: { name: 'Billing' }, ifMatch: 3 });
  // @ts-expect-error a body field RolePatch does not have (a renamed or misspelt field)
  void client.call('updateRole', { params: { id: 'r1' }, body: { nmae: 'Billing' } });
  // @ts-expect-error the path /v1/roles/:id needs its id
  void client.call('updateRole', { body: { name: 'Billing' } });
  // @ts-expect-error PATCH needs a body
  void client.call('updateRole', { params: { id: 'r1' } });
  // @ts-expect-error an operation the table does not have
  void client.call('updateRoles', { params: { id: 'r1' }, body: {} });
  // @ts-expect-error listRoles takes no body
  void client.call('listRoles', { body: {} });
  // @ts-expect-error listRoles answers no versioned object, so If-Match makes no sense
  void client.call('listRoles', { ifMatch: 1 });
  // @ts-expect-error a query field CredentialListQuery does not have
  void client.call('listCredentials', { query: { colour: 'red' } });
  const role: Promise<Role> = client.call('getRole', { params: { id: 'r1' } });
  // @ts-expect-error the answer is a Role, which has no `title`
  void role.then((r) => r.title);
}

/** The server's side: one handler per operation, each seeing its own typed request. */
export function serverSide(full: HandlerMap, withoutListRoles: Omit<HandlerMap, 'listRoles'>): HandlerMap[] {
  // @ts-expect-error a handler map without listRoles is not a HandlerMap
  const missing: HandlerMap = withoutListRoles;
  // @ts-expect-error a handler for an operation the table does not have
  const extra: HandlerMap = { ...full, listRolez: () => ({ items: [] }) };
  const wrongField: HandlerMap = {
    ...full,
    updateRole: (r, reply) => {
      // @ts-expect-error the body of updateRole has no `title`
      void r.body.title;
      return full.updateRole(r, reply);
    },
  };
  const wrongAnswer: HandlerMap = {
    ...full,
    // @ts-expect-error getRole must answer a Role, not a list
    getRole: () => ({ items: [] }),
  };
  return [missing, extra, wrongField, wrongAnswer];
}

test('the derived types are the schemas of the table, shared by the server, the app and the IPC contract', () => {
  same<Same<BodyOf<'updateRole'>, S.RolePatchBody>>();
  same<Same<BodyOf<'updateRole'>, ArgOf<'roles', 'update'>['set']>>();
  same<Same<QueryOf<'listCredentials'>, ArgOf<'credentials', 'list'>>>();
  same<Same<ParamsOf<'resendWebhookDelivery'>, { id: string; deliveryId: string }>>();
  same<Same<ResponseOf<'getRole'>, Role>>();
  same<Same<ResponseOf<'listWebhookDeliveryAttempts'>, { items: WebhookAttempt[] }>>();
  same<Same<ResponseOf<'deleteRole'>, void>>();
  same<Same<BodyOf<'listRoles'>, undefined>>();
  same<Same<OperationId, keyof HandlerMap>>();
  assert.equal(typeof clientSide, 'function');
  assert.equal(typeof serverSide, 'function');
});

test('every path parameter of the table is named in its params schema, and only those', () => {
  const wrong: string[] = [];
  const table: readonly Endpoint[] = ENDPOINTS;
  for (const e of table) {
    const inPath = [...e.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
    const inSchema = Object.keys((e.params as { properties?: object } | undefined)?.properties ?? {}).sort();
    if (inPath.join() !== inSchema.join()) wrong.push(`${e.operationId}: path ${inPath} vs params ${inSchema}`);
  }
  assert.deepEqual(wrong, []);
  assert.equal(new Set(ENDPOINTS.map((e) => e.operationId)).size, ENDPOINTS.length, 'operationIds are unique');
});

test("a call's request comes from the table: method, path with percent-encoded parameters, query, body, If-Match", () => {
  assert.deepEqual(prepareRequest('updateRole', { params: { id: 'ops/billing #1' }, body: { name: 'Billing' }, ifMatch: 2 }), {
    method: 'PATCH',
    path: '/v1/roles/ops%2Fbilling%20%231',
    query: undefined,
    body: { name: 'Billing' },
    ifMatch: 2,
  });
  assert.deepEqual(prepareRequest('listAudit', { query: { limit: 10 } }), {
    method: 'GET',
    path: '/v1/audit',
    query: { limit: 10 },
    body: undefined,
    ifMatch: undefined,
  });
  assert.equal(prepareRequest('listRoles').path, '/v1/roles');
  assert.throws(() => fillPath('/v1/roles/:id', {}), /needs the path parameter id/);
});
