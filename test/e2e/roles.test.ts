import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Request } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { goTo } from './helpers/ui.ts';

// Roles through the role dialog, against a real backend and the app on either host. Each test is
// a fresh app connected to a fresh backend holding the test catalog (helpers/fixtures.ts); what a
// test needs beyond that it creates through the REST API first.

interface Role {
  id: string;
  name: string;
  actions: string[];
}

const connected = { catalog: TEST_CATALOG, connected: true };
const roleByName = async (api: AppWorld['api'], name: string) =>
  (await api<{ items: Role[] }>('GET', '/v1/roles')).items.find((r) => r.name === name);
/** The role the later tests start from, created as another admin would, then shown by a sync. */
async function supportDesk({ api, page }: AppWorld): Promise<Role> {
  const actions = ['AddClient', 'CloseTicket', 'GetClients', 'OpenTicket', 'UpdateClient'];
  const role = await api<Role>('POST', '/v1/roles', { name: 'Support desk', actions });
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'Sync' }).click();
  await page.getByTestId('role-row-Support desk').waitFor();
  return role;
}

test('an admin creates a role with groups, the tri-state box and search, reviewing the diff before saving', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
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
      assert.equal(
        await dialog.getByTestId('group-all').evaluate((el) => (el as unknown as { indeterminate: boolean }).indeterminate),
        true,
      );

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

      const saved = await roleByName(api, 'Support desk');
      assert.deepEqual(saved?.actions.sort(), ['AddClient', 'CloseTicket', 'GetClients', 'OpenTicket', 'UpdateClient']);
    },
    connected,
  ));

test('editing a role shows the actions removed against the server version, and the change is saved', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await supportDesk(world);
      await page.getByRole('button', { name: 'Edit role Support desk' }).click();
      const dialog = page.getByTestId('role-dialog');
      await dialog.getByLabel('Search all actions').fill('OpenTicket');
      await dialog.locator('input[data-action-id="OpenTicket"]').uncheck();
      await dialog.getByRole('button', { name: 'Review changes' }).click();
      await dialog.getByTestId('role-review').getByText('Removed (1)').waitFor();
      await dialog.getByTestId('role-affects').filter({ hasText: 'No credential holds this role yet.' }).waitFor();
      await dialog.getByRole('button', { name: 'Save role' }).click();
      await dialog.waitFor({ state: 'detached' });
      const saved = await roleByName(api, 'Support desk');
      assert.equal(saved?.actions.includes('OpenTicket'), false);
      assert.equal(saved?.actions.length, 4);
    },
    connected,
  ));

test('searching actions in the role dialog happens in the page: typing sends nothing to the host or the server', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await supportDesk(world);
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
    },
    connected,
  ));

test('deleting a role says how many credentials lose it, and removes it', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const role = await supportDesk(world);
      await api('POST', '/v1/credentials', { name: 'desk bot', roles: [role.id] });
      await page.getByRole('button', { name: 'Sync' }).click();
      await page.getByRole('button', { name: 'Delete role Support desk' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete role “Support desk”?' });
      await confirm.getByText('1 credential will lose this role').waitFor();
      await confirm.getByRole('button', { name: 'Delete role' }).click();
      await confirm.waitFor({ state: 'detached' });
      await page.getByTestId('role-row-Support desk').waitFor({ state: 'detached' });
      assert.equal(await roleByName(api, 'Support desk'), undefined);
    },
    connected,
  ));
