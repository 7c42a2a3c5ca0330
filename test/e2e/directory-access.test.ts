import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// The issuance policy as three explicit choices (widening asks first), invalidating a user's
// tokens, and the access checker explaining an allow and a deny. Each test has its own server
// (helpers/fixtures.ts) holding the same directory, made through the REST API, and then connects.

const withCatalog = { catalog: TEST_CATALOG };

/** Two roles, group Contractors, user Dana in it, a bot and Dana's laptop credential, and a Billing route; then the app connects. */
async function seedDirectory({ api, page, server }: AppWorld): Promise<{ groupId: string; userId: string }> {
  const readers = await api<{ id: string }>('POST', '/v1/roles', { name: 'Client readers', actions: ['GetClients'] });
  const billing = await api<{ id: string }>('POST', '/v1/roles', { name: 'Billing', actions: ['GetInvoices'] });
  const groupId = (await api<{ id: string }>('POST', '/v1/groups', { name: 'Contractors', defaultRoles: [readers.id] })).id;
  const userId = (
    await api<{ id: string }>('POST', '/v1/users', {
      name: 'Dana',
      email: 'dana@example.com',
      groups: [groupId],
      password: 'correct horse',
    })
  ).id;
  await api('POST', '/v1/credentials', { name: 'reader bot', roles: [readers.id] });
  await api('POST', '/v1/credentials', { name: 'dana laptop', ownerId: userId, roles: [readers.id] });
  await api('POST', '/v1/backends', { name: 'Billing API', frontendPrefix: '/billing', requiredRoles: [billing.id] });
  await connect(page, server.url, server.adminToken);
  return { groupId, userId };
}

const policy = (api: AppWorld['api']) => api<{ allowedGroups: string[] | null }>('GET', '/v1/policy/issuance');

/** The access checker with credential “reader bot” chosen. */
async function checkerFor(page: Page) {
  await goTo(page, 'Access checker');
  await page.getByRole('combobox', { name: 'Credential' }).click();
  await page.getByRole('option', { name: /^reader bot/ }).click();
}

test('narrowing the issuance policy saves at once; widening it asks for confirmation first', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const { groupId } = await seedDirectory(world);
      await api('PUT', '/v1/policy/issuance', { allowedGroups: null });
      await goTo(page, 'Directory');
      const card = page.getByTestId('policy-card');
      await card.getByText('Every user may obtain a key.').waitFor();

      await card.getByRole('radio', { name: 'Nobody' }).check();
      await card.getByRole('button', { name: 'Save policy' }).click();
      await card.getByTestId('policy-summary').filter({ hasText: 'Nobody may obtain a key.' }).waitFor();
      assert.deepEqual((await policy(api)).allowedGroups, []);

      await card.getByRole('radio', { name: 'Members of these groups' }).check();
      await card.getByLabel('Allowed groups').click();
      await page.getByRole('option', { name: 'Contractors' }).click();
      await card.getByRole('button', { name: 'Save policy' }).click();
      const confirm = page.getByRole('dialog', { name: 'Let more people obtain keys?' });
      await confirm.getByText('After: Members of Contractors may obtain a key.').waitFor();
      await confirm.getByRole('button', { name: 'Widen the policy' }).click();
      await card.getByTestId('policy-summary').filter({ hasText: 'Members of Contractors' }).waitFor();
      assert.deepEqual((await policy(api)).allowedGroups, [groupId]);

      await card.getByRole('radio', { name: 'Everyone' }).check();
      await card.getByRole('button', { name: 'Save policy' }).click();
      await page.getByRole('dialog', { name: 'Let more people obtain keys?' }).getByRole('button', { name: 'Cancel' }).click();
      assert.deepEqual((await policy(api)).allowedGroups, [groupId], 'cancelling the confirmation changes nothing');
    },
    withCatalog,
  ));

test('invalidating a user’s tokens says how many it revokes before and after, and revokes the credentials they own', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const { userId } = await seedDirectory(world);
      await goTo(page, 'Directory');
      await page.getByRole('button', { name: 'Sync' }).click();
      const row = page.getByRole('row').filter({ hasText: 'Dana' });
      await row.getByRole('cell', { name: '1', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Invalidate tokens of Dana' }).click();
      const confirm = page.getByRole('dialog', { name: 'Invalidate every token of Dana?' });
      await confirm.getByText('1 token this user owns (disabled ones too) is revoked now').waitFor();
      await confirm.getByRole('button', { name: 'Revoke 1 token' }).click();
      await confirm.waitFor({ state: 'detached' });
      await page.getByTestId('toast').filter({ hasText: 'Revoked 1 token of Dana.' }).waitFor();
      const { items } = await api<{ items: { name: string; status: string }[] }>('GET', `/v1/credentials?owner=${userId}`);
      assert.deepEqual(
        items.map((c) => c.status),
        ['revoked'],
      );
    },
    withCatalog,
  ));

test('the access checker explains an allowed action, a denied action and a route missing a role', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await seedDirectory(world);
      await checkerFor(page);
      await page.getByRole('combobox', { name: 'Action' }).click();
      await page.getByRole('combobox', { name: 'Action' }).fill('GetClients');
      await page.getByRole('option', { name: 'GetClients' }).click();
      await page.getByRole('button', { name: 'Check access' }).click();
      const result = page.getByTestId('access-result');
      await result.getByText('Allowed', { exact: true }).waitFor();
      await result.getByText('Granted by: Client readers').waitFor();

      await page.getByRole('combobox', { name: 'Action' }).fill('AddClient');
      await page.getByRole('option', { name: 'AddClient' }).click();
      await page.getByRole('button', { name: 'Check access' }).click();
      await result.getByText('Denied', { exact: true }).waitFor();
      await result.getByText('None of the credential’s roles includes this action.').waitFor();

      await page.getByRole('button', { name: 'Method + URL' }).click();
      await page.getByLabel('URL path').fill('/billing/invoices/7');
      await page.getByRole('button', { name: 'Check access' }).click();
      await result.getByText('Missing roles: Billing').waitFor();
    },
    withCatalog,
  ));

test('the access checker says why a path is refused whatever the credential (invalid_path), in words an admin can act on', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await seedDirectory(world);
      await checkerFor(page);
      await page.getByRole('button', { name: 'Method + URL' }).click();
      const result = page.getByTestId('access-result');
      await page.getByLabel('URL path').fill('/billing/public;jsessionid=1/../invoices');
      await page.getByRole('button', { name: 'Check access' }).click();
      await result.getByText('The path is refused whatever the credential', { exact: false }).waitFor();
      await result.getByText('a path parameter that some servers (Java servlet containers) cut off', { exact: false }).waitFor();
      await page.getByLabel('URL path').fill('/billing/x%2Finvoices');
      await page.getByRole('button', { name: 'Check access' }).click();
      await result.getByText('an encoded slash or backslash', { exact: false }).waitFor();
    },
    withCatalog,
  ));
