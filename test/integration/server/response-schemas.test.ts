import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { endpoint, ENDPOINTS } from '../../../shared/api/endpoints.ts';
import { ErrorBody } from '../../../shared/api/schemas.ts';
import { makeBackend, makeCredential, makeGroup, makeRole, makeUser, seedCatalog, unique } from '../../helpers/builders.ts';
import { startTestServer, type TestResponse, type TestServer } from '../../helpers/server.ts';
import { PETSTORE_OPENAPI, TEST_CATALOG } from '../../fixtures/catalog.ts';

// The answers the server really sends match the response schemas of the endpoint table (the
// ones the OpenAPI document publishes and the desktop app relies on), endpoint by endpoint;
// error answers match the error schema.

let s: TestServer;
before(async () => {
  s = await startTestServer();
  await seedCatalog(s);
});
after(() => s?.close());

function problems(schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)]
    .slice(0, 5)
    .map((e) => `${(e as { instancePath?: string }).instancePath ?? ''} ${(e as { message?: string }).message ?? ''}`);
}

test('every success answer matches its endpoint response schema', async () => {
  const seen = new Map<string, TestResponse>();
  const call = async (operationId: string, method: string, path: string, options: Parameters<TestServer['request']>[2] = {}) => {
    const res = await s.request(method, path, options);
    seen.set(operationId, res);
    return res;
  };
  const role = await makeRole(s, { actions: ['GetClients'] });
  const user = await makeUser(s, { password: 'self service password' });
  const group = await makeGroup(s, { defaultRoles: [role.id] });
  const backend = await makeBackend(s, {
    frontendPrefix: '/schemas',
    requiredRoles: [role.id],
    subSettings: [{ method: 'GET', pathRegex: '^/schemas/a', requiredRoles: [] }],
  });
  const { credential, secret } = await makeCredential(s, { roles: [role.id], ownerId: user.id });

  await call('health', 'GET', '/v1/health', { token: null });
  await call('ready', 'GET', '/v1/ready', { token: null });
  await call('getCatalog', 'GET', '/v1/catalog');
  await call('putCatalog', 'PUT', '/v1/catalog', { body: TEST_CATALOG });
  await call('importOpenApi', 'POST', '/v1/catalog/openapi', { body: PETSTORE_OPENAPI });
  await call('listRoles', 'GET', '/v1/roles');
  await call('createRole', 'POST', '/v1/roles', { body: { name: unique('R'), actions: [] } });
  const victim = await makeRole(s);
  await call('applyRoleChanges', 'POST', '/v1/roles/changes', {
    body: {
      changes: [
        { op: 'create', role: { name: unique('C'), actions: [] } },
        { op: 'delete', id: victim.id, expectedVersion: victim.version },
      ],
    },
  });
  await call('getRole', 'GET', `/v1/roles/${role.id}`);
  await call('updateRole', 'PATCH', `/v1/roles/${role.id}`, { body: { description: 'd' } });
  await call('listCredentials', 'GET', '/v1/credentials?limit=2');
  await call('createCredential', 'POST', '/v1/credentials', {
    body: { name: unique('C'), roles: [role.id], expiresAt: new Date(Date.now() + 86_400_000).toISOString(), allowedCidrs: ['10.0.0.0/8'] },
  });
  await call('importCredentials', 'POST', '/v1/credentials/import', {
    body: { items: [{ name: unique('I'), secret: `legacy-schema-${Date.now()}`, fullAccess: true }] },
  });
  await call('getCredential', 'GET', `/v1/credentials/${credential.id}`);
  await call('updateCredential', 'PATCH', `/v1/credentials/${credential.id}`, { body: { description: 'd' } });
  await call('disableCredential', 'POST', `/v1/credentials/${credential.id}/disable`);
  await call('enableCredential', 'POST', `/v1/credentials/${credential.id}/enable`);
  await call('rollCredential', 'POST', `/v1/credentials/${credential.id}/roll`, { body: { graceSeconds: 60 } });
  await call('authorize', 'POST', '/v1/authorize', { body: { token: secret, action: 'GetClients', ip: '10.0.0.1' } });
  await call('explain', 'POST', '/v1/explain', { body: { credentialId: credential.id, method: 'GET', path: '/schemas/a' } });
  await call('forwardAuth', 'GET', '/v1/forward-auth', {
    token: secret,
    headers: { 'x-original-method': 'GET', 'x-original-uri': '/schemas/b' },
  });
  await call('revokeCredential', 'POST', `/v1/credentials/${credential.id}/revoke`);
  await call('listUsers', 'GET', '/v1/users');
  await call('createUser', 'POST', '/v1/users', {
    body: { name: unique('u').replace(/\s/g, ''), email: 'x@example.com', groups: [group.id] },
  });
  await call('getUser', 'GET', `/v1/users/${user.id}`);
  await call('updateUser', 'PATCH', `/v1/users/${user.id}`, { body: { groups: [group.id] } });
  await call('invalidateUserTokens', 'POST', `/v1/users/${user.id}/invalidate-tokens`);
  await call('listGroups', 'GET', '/v1/groups');
  await call('createGroup', 'POST', '/v1/groups', { body: { name: unique('G') } });
  await call('getGroup', 'GET', `/v1/groups/${group.id}`);
  await call('updateGroup', 'PATCH', `/v1/groups/${group.id}`, { body: { description: 'd' } });
  await call('getIssuancePolicy', 'GET', '/v1/policy/issuance');
  await call('putIssuancePolicy', 'PUT', '/v1/policy/issuance', { body: { allowedGroups: null } });
  const basic = `Basic ${Buffer.from(`${user.name}:self service password`).toString('base64')}`;
  await call('createSelfCredential', 'POST', '/v1/self/credentials', {
    token: null,
    headers: { authorization: basic },
    body: { name: 'mine' },
  });
  await call('listBackends', 'GET', '/v1/backends');
  await call('createBackend', 'POST', '/v1/backends', { body: { name: unique('B'), frontendPrefix: `/schemas-${Date.now()}` } });
  await call('getBackend', 'GET', `/v1/backends/${backend.id}`);
  await call('updateBackend', 'PATCH', `/v1/backends/${backend.id}`, { body: { name: unique('B') } });
  await call('listAudit', 'GET', '/v1/audit?limit=5');
  await call('getCredentialUsage', 'GET', `/v1/credentials/${credential.id}/usage?bucket=hour`);
  await call('getUsage', 'GET', '/v1/usage?limit=3');
  await call('getLifetimePolicy', 'GET', '/v1/policy/lifetime');
  await call('putLifetimePolicy', 'PUT', '/v1/policy/lifetime', {
    body: { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 },
  });
  await call('reportLeak', 'POST', '/v1/leaks', { token: null, body: { token: 'kw_not-a-real-token', source: 'schema test' } });
  const hook = await call('createWebhook', 'POST', '/v1/webhooks', {
    body: { name: unique('W'), url: 'http://127.0.0.1:9/hook', events: ['role.changed'] },
  });
  const hookId = hook.json.webhook.id as string;
  await call('listWebhooks', 'GET', '/v1/webhooks');
  await call('getWebhook', 'GET', `/v1/webhooks/${hookId}`);
  await makeRole(s);
  const deliveries = await call('listWebhookDeliveries', 'GET', `/v1/webhooks/${hookId}/deliveries`);
  await call('updateWebhook', 'PATCH', `/v1/webhooks/${hookId}`, { body: { enabled: false } });
  // Disabled, the queued delivery fails on its next attempt; then it can be resent.
  const deliveryId = deliveries.json.items[0].id as string;
  await s.request('PATCH', `/v1/webhooks/${hookId}`, { body: { enabled: true } });
  await call('listWebhookDeliveryAttempts', 'GET', `/v1/webhooks/${hookId}/deliveries/${deliveryId}/attempts`);
  await call('resendWebhookDelivery', 'POST', `/v1/webhooks/${hookId}/deliveries/${deliveryId}/resend`);
  await call('deleteWebhook', 'DELETE', `/v1/webhooks/${hookId}`);
  await call('deleteCredential', 'DELETE', `/v1/credentials/${(await makeCredential(s)).credential.id}`);
  await call('deleteUser', 'DELETE', `/v1/users/${(await makeUser(s)).id}`);
  await call('deleteGroup', 'DELETE', `/v1/groups/${(await makeGroup(s)).id}`);
  await call('deleteBackend', 'DELETE', `/v1/backends/${(await makeBackend(s)).id}`);
  await call('deleteRole', 'DELETE', `/v1/roles/${(await makeRole(s)).id}`);
  await call('openapi', 'GET', '/v1/openapi.json', { token: null });

  const wrong: string[] = [];
  for (const e of ENDPOINTS) {
    const res = seen.get(e.operationId);
    if (!res) {
      wrong.push(`${e.operationId}: not exercised by this test`);
      continue;
    }
    if (res.status !== e.response.status) {
      wrong.push(`${e.operationId}: status ${res.status}, documented ${e.response.status}: ${res.text.slice(0, 200)}`);
      continue;
    }
    if (e.response.schema && !Value.Check(e.response.schema, res.json)) {
      wrong.push(`${e.operationId}: ${problems(e.response.schema, res.json).join('; ')}`);
    }
    if (!e.response.schema && e.response.status === 204 && res.text !== '') wrong.push(`${e.operationId}: a 204 with a body`);
  }
  assert.deepEqual(wrong, []);
});

test('error answers match the error schema', async () => {
  const answers = [
    await s.request('GET', '/v1/roles', { token: null }),
    await s.request('GET', '/v1/roles/ghost'),
    await s.request('POST', '/v1/roles', { body: '{' }),
    await s.request('POST', '/v1/roles', { body: { name: '', actions: [] } }),
    await s.request('POST', '/v1/credentials', { body: { name: 'x', allowedCidrs: ['nope'] } }),
    await s.request('GET', '/v1/credentials?cursor=forged'),
    await s.request('GET', '/v1/nowhere'),
  ];
  for (const res of answers)
    assert.ok(Value.Check(ErrorBody, res.json), `${res.status} ${res.text}: ${problems(ErrorBody, res.json).join('; ')}`);
  assert.ok(endpoint('createRole').errors.includes('name_taken'));
});
