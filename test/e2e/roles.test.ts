import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Request } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { startStack, type Stack } from './helpers/stack.ts';
import { connect, goTo } from './helpers/ui.ts';

// Roles through the role dialog, against a real backend and the real browser host.

interface Role {
  id: string;
  name: string;
  actions: string[];
}

let stack: Stack;
before(async () => {
  stack = await startStack();
  await stack.rest('PUT', '/v1/catalog', TEST_CATALOG);
  await connect(stack.page, stack.serverUrl, stack.adminToken);
});
after(() => stack?.close());

const roleByName = async (name: string) => (await stack.rest<{ items: Role[] }>('GET', '/v1/roles')).items.find((r) => r.name === name);

test('an admin creates a role with groups, the tri-state box and search, reviewing the diff before saving', async () => {
  const { page } = stack;
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'New role' }).first().click();
  const dialog = page.getByTestId('role-dialog');
  await dialog.getByLabel('Name').fill('administrator');
  await dialog.getByText('Another role already has this name.').waitFor();
  await dialog.getByLabel('Name').fill('Support desk');

  await dialog.getByRole('button', { name: /^Clients\s*0 of 4$/ }).click();
  await dialog.getByTestId('group-all').check();
  await dialog.getByRole('button', { name: /^Clients\s*4 of 4$/ }).waitFor();
  await dialog.locator('input[data-action-id="DeleteClient"]').uncheck();
  assert.equal(await dialog.getByTestId('group-all').evaluate((el) => (el as unknown as { indeterminate: boolean }).indeterminate), true);

  await page.keyboard.press('Control+f');
  await page.keyboard.type('ticket');
  await dialog.getByTestId('search-summary').filter({ hasText: '2 matches, 0 selected' }).waitFor();
  await dialog.getByRole('button', { name: 'Select all results' }).click();
  await dialog.getByTestId('selected-count').filter({ hasText: /^5 of/ }).waitFor();

  await dialog.getByLabel('Name').press('Enter');
  await dialog.getByTestId('role-review').getByText('Added (5)').waitFor();
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId('role-row-Support desk').waitFor();

  const saved = await roleByName('Support desk');
  assert.deepEqual(saved?.actions.sort(), ['AddClient', 'CloseTicket', 'GetClients', 'OpenTicket', 'UpdateClient']);
});

test('editing a role shows the actions removed against the server version, and the change is saved', async () => {
  const { page } = stack;
  await page.getByRole('button', { name: 'Edit role Support desk' }).click();
  const dialog = page.getByTestId('role-dialog');
  await dialog.getByLabel('Search all actions').fill('OpenTicket');
  await dialog.locator('input[data-action-id="OpenTicket"]').uncheck();
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  await dialog.getByTestId('role-review').getByText('Removed (1)').waitFor();
  await dialog.getByTestId('role-affects').filter({ hasText: 'No credential holds this role yet.' }).waitFor();
  await dialog.getByRole('button', { name: 'Save role' }).click();
  await dialog.waitFor({ state: 'detached' });
  const saved = await roleByName('Support desk');
  assert.equal(saved?.actions.includes('OpenTicket'), false);
  assert.equal(saved?.actions.length, 4);
});

test('searching actions in the role dialog happens in the page: typing sends nothing to the host or the server', async () => {
  const { page } = stack;
  await page.getByRole('button', { name: 'Edit role Support desk' }).click();
  const dialog = page.getByTestId('role-dialog');
  await dialog.getByTestId('action-search').waitFor();
  const calls: string[] = [];
  const onRequest = (r: Request) => {
    if (new URL(r.url()).pathname.startsWith('/rpc/')) calls.push(new URL(r.url()).pathname);
  };
  page.on('request', onRequest);
  await dialog.getByTestId('action-search').click();
  await page.keyboard.type('invoices read');
  await dialog.getByTestId('search-summary').filter({ hasText: '1 match, 0 selected' }).waitFor();
  await dialog.locator('input[data-action-id="billing.invoices.read"]').waitFor();
  page.off('request', onRequest);
  assert.deepEqual(calls, []);
  await page.keyboard.press('Escape'); // clears the search
  await page.keyboard.press('Escape'); // closes the unchanged dialog
  await dialog.waitFor({ state: 'detached' });
});

test('deleting a role says how many credentials lose it, and removes it', async () => {
  const { page } = stack;
  const role = (await roleByName('Support desk'))!;
  await stack.rest('POST', '/v1/credentials', { name: 'desk bot', roles: [role.id] });
  await page.getByRole('button', { name: 'Sync' }).click();
  await page.getByRole('button', { name: 'Delete role Support desk' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete role “Support desk”?' });
  await confirm.getByText('1 credential will lose this role').waitFor();
  await confirm.getByRole('button', { name: 'Delete role' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByTestId('role-row-Support desk').waitFor({ state: 'detached' });
  assert.equal(await roleByName('Support desk'), undefined);
});
