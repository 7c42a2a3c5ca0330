import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { startStack, type Stack } from './helpers/stack.ts';
import { connect, goTo } from './helpers/ui.ts';

// The issuance policy as three explicit choices (widening asks first), invalidating a user's
// tokens, and the access checker explaining an allow and a deny.

let stack: Stack;
let groupId: string;
let userId: string;
before(async () => {
  stack = await startStack();
  await stack.rest('PUT', '/v1/catalog', TEST_CATALOG);
  const readers = await stack.rest<{ id: string }>('POST', '/v1/roles', { name: 'Client readers', actions: ['GetClients'] });
  const billing = await stack.rest<{ id: string }>('POST', '/v1/roles', { name: 'Billing', actions: ['GetInvoices'] });
  groupId = (await stack.rest<{ id: string }>('POST', '/v1/groups', { name: 'Contractors', defaultRoles: [readers.id] })).id;
  userId = (
    await stack.rest<{ id: string }>('POST', '/v1/users', {
      name: 'Dana',
      email: 'dana@example.com',
      groups: [groupId],
      password: 'correct horse',
    })
  ).id;
  await stack.rest('POST', '/v1/credentials', { name: 'reader bot', roles: [readers.id] });
  await stack.rest('POST', '/v1/credentials', { name: 'dana laptop', ownerId: userId, roles: [readers.id] });
  await stack.rest('POST', '/v1/backends', { name: 'Billing API', frontendPrefix: '/billing', requiredRoles: [billing.id] });
  await connect(stack.page, stack.serverUrl, stack.adminToken);
});
after(() => stack?.close());

const policy = () => stack.rest<{ allowedGroups: string[] | null }>('GET', '/v1/policy/issuance');

test('narrowing the issuance policy saves at once; widening it asks for confirmation first', async () => {
  const { page } = stack;
  await stack.rest('PUT', '/v1/policy/issuance', { allowedGroups: null });
  await goTo(page, 'Directory');
  const card = page.getByTestId('policy-card');
  await card.getByText('Every user may obtain a key.').waitFor();

  await card.getByRole('radio', { name: 'Nobody' }).check();
  await card.getByRole('button', { name: 'Save policy' }).click();
  await card.getByTestId('policy-summary').filter({ hasText: 'Nobody may obtain a key.' }).waitFor();
  assert.deepEqual((await policy()).allowedGroups, []);

  await card.getByRole('radio', { name: 'Members of these groups' }).check();
  await card.getByLabel('Allowed groups').click();
  await page.getByRole('option', { name: 'Contractors' }).click();
  await card.getByRole('button', { name: 'Save policy' }).click();
  const confirm = page.getByRole('dialog', { name: 'Let more people obtain keys?' });
  await confirm.getByText('After: Members of Contractors may obtain a key.').waitFor();
  await confirm.getByRole('button', { name: 'Widen the policy' }).click();
  await card.getByTestId('policy-summary').filter({ hasText: 'Members of Contractors' }).waitFor();
  assert.deepEqual((await policy()).allowedGroups, [groupId]);

  await card.getByRole('radio', { name: 'Everyone' }).check();
  await card.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('dialog', { name: 'Let more people obtain keys?' }).getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual((await policy()).allowedGroups, [groupId], 'cancelling the confirmation changes nothing');
});

test('invalidating a user’s tokens says how many it revokes before and after, and revokes the credentials they own', async () => {
  const { page } = stack;
  await page.getByRole('button', { name: 'Sync' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Dana' });
  await row.getByRole('cell', { name: '1', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Invalidate tokens of Dana' }).click();
  const confirm = page.getByRole('dialog', { name: 'Invalidate every token of Dana?' });
  await confirm.getByText('1 token this user owns (disabled ones too) is revoked now').waitFor();
  await confirm.getByRole('button', { name: 'Revoke 1 token' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByTestId('toast').filter({ hasText: 'Revoked 1 token of Dana.' }).waitFor();
  const { items } = await stack.rest<{ items: { name: string; status: string }[] }>('GET', `/v1/credentials?owner=${userId}`);
  assert.deepEqual(
    items.map((c) => c.status),
    ['revoked'],
  );
});

test('the access checker explains an allowed action, a denied action and a route missing a role', async () => {
  const { page } = stack;
  await goTo(page, 'Access checker');
  await page.getByRole('combobox', { name: 'Credential' }).click();
  await page.getByRole('option', { name: /^reader bot/ }).click();
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
});

test('the access checker says why a path is refused whatever the credential (invalid_path), in words an admin can act on', async () => {
  const { page } = stack;
  const result = page.getByTestId('access-result');
  await page.getByLabel('URL path').fill('/billing/public;jsessionid=1/../invoices');
  await page.getByRole('button', { name: 'Check access' }).click();
  await result.getByText('The path is refused whatever the credential', { exact: false }).waitFor();
  await result.getByText('a path parameter that some servers (Java servlet containers) cut off', { exact: false }).waitFor();
  await page.getByLabel('URL path').fill('/billing/x%2Finvoices');
  await page.getByRole('button', { name: 'Check access' }).click();
  await result.getByText('an encoded slash or backslash', { exact: false }).waitFor();
});
