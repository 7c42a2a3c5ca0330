import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { screenshot } from './helpers/browser.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// Offline drafting: the server goes away, the admin edits roles from the cache (drafts), another
// admin edits the same roles meanwhile, and on reconnect the plan merges what it can and asks
// about the rest before one atomic apply. Each test is a fresh app and backend
// (helpers/fixtures.ts); the later ones first make the drafts the first test checks.

interface Role {
  id: string;
  name: string;
  description: string;
  actions: string[];
  version: number;
}

const withCatalog = { catalog: TEST_CATALOG };
const byName = async (api: AppWorld['api'], name: string) =>
  (await api<{ items: Role[] }>('GET', '/v1/roles')).items.find((r) => r.name === name)!;

async function editRoleOffline(world: AppWorld, name: string, edit: (dialog: Locator) => Promise<void>) {
  const { page } = world;
  await page.getByRole('button', { name: `Edit role ${name}` }).click();
  const dialog = page.getByTestId('role-dialog');
  await dialog.getByTestId('draft-badge').waitFor();
  await edit(dialog);
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  await dialog.getByText('saving stores a draft').waitFor();
  await dialog.getByRole('button', { name: 'Save draft' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Roles "Ops" and "Finance" on the server, the app connected on Roles; then the server goes away
 * and the admin drafts three changes: AddClient for Ops, a new description for Finance, and a new
 * role "Auditors" with every Billing action. Ends once the Roles screen and the sidebar show them.
 */
async function draftOffline(world: AppWorld): Promise<void> {
  const { page, api, server } = world;
  await api('POST', '/v1/roles', { name: 'Ops', description: 'Operations', actions: ['GetClients'] });
  await api('POST', '/v1/roles', { name: 'Finance', description: 'Money', actions: ['billing.invoices.read'] });
  await connect(page, server.url, server.adminToken);
  await goTo(page, 'Roles');
  await server.stop();
  await page.getByRole('button', { name: 'Sync' }).click();
  await page.getByTestId('offline-banner').waitFor();
  await page.getByTestId('role-row-Ops').waitFor();

  await editRoleOffline(world, 'Ops', async (d) => {
    await d.getByRole('button', { name: /^Clients\s*\d+ of/ }).click();
    await d.locator('input[data-action-id="AddClient"]').check();
  });
  await editRoleOffline(world, 'Finance', async (d) => {
    await d.getByLabel('Description').fill('Money, mine');
  });
  await page.getByRole('button', { name: 'New role' }).first().click();
  const dialog = page.getByTestId('role-dialog');
  await dialog.getByLabel('Name').fill('Auditors');
  await dialog.getByRole('button', { name: /^Billing\s*\d+ of/ }).click();
  await dialog.getByTestId('group-all').check();
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  await dialog.getByRole('button', { name: 'Save draft' }).click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByTestId('role-row-Ops').getByText('Draft').waitFor();
  await page.getByText('New draft').waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByLabel('3 drafts').waitFor();
}

test('with the server gone the console says it is offline and role edits become drafts', (t) =>
  withApp(
    t,
    async (world) => {
      await draftOffline(world);
      await screenshot(world.page, 'screen-roles-offline-drafts', 'light');
    },
    withCatalog,
  ));

test('drafts export to a file and import back after being discarded (roles as code)', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, dir } = world;
      await draftOffline(world);
      await goTo(page, 'Drafts');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      assert.match(readFileSync(file, 'utf8'), /Auditors/);

      await page.getByRole('button', { name: 'Discard all' }).click();
      await page.getByRole('dialog', { name: 'Discard all drafts?' }).getByRole('button', { name: 'Discard all' }).click();
      await page.getByText('No drafts', { exact: true }).waitFor();

      await page.getByLabel('Import drafts file').setInputFiles(file);
      await page.getByRole('list', { name: 'Drafts' }).getByText('Auditors').waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByLabel('3 drafts').waitFor();
    },
    withCatalog,
  ));

test('on reconnect the plan merges a colleague’s edit, shows a conflict to resolve, and applies in one step', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api, server } = world;
      await draftOffline(world);
      await server.restart();
      const ops = await byName(api, 'Ops');
      const finance = await byName(api, 'Finance');
      await api('PATCH', `/v1/roles/${ops.id}`, { actions: ['GetClients', 'UpdateClient'] });
      await api('PATCH', `/v1/roles/${finance.id}`, { description: 'Money, theirs' });

      // The console notices the server is back by itself (health polling): no Reconnect needed.
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
      await goTo(page, 'Drafts');
      await page.getByRole('button', { name: 'Review changes' }).click();
      const plan = page.getByTestId('plan');
      await plan.getByText('1 with conflicts to resolve').waitFor();
      const opsItem = page.getByTestId('plan-item-Ops');
      await opsItem.getByText('+ AddClient').waitFor();
      await opsItem.getByText('Changed on the server too — merged').waitFor();
      const conflict = page.getByTestId('plan-item-Finance').getByTestId('conflict-description');
      await conflict.getByText('Money, theirs').waitFor();
      assert.equal(await plan.getByRole('button', { name: /^Apply/ }).isDisabled(), true);
      await screenshot(page, 'screen-drafts-plan-conflict', 'light');
      await conflict.getByRole('button', { name: 'Keep mine' }).click();
      await conflict.waitFor({ state: 'detached' });

      await plan.getByRole('button', { name: 'Apply 3 changes' }).click();
      await page.getByTestId('apply-result').getByText('Applied 3 changes').waitFor();

      assert.deepEqual((await byName(api, 'Ops')).actions.sort(), ['AddClient', 'GetClients', 'UpdateClient']);
      assert.equal((await byName(api, 'Finance')).description, 'Money, mine');
      assert.deepEqual((await byName(api, 'Auditors')).actions.sort(), ['GetInvoices', 'billing.invoices.read', 'billing.invoices.write']);
      await page.getByText('No drafts').waitFor();
    },
    withCatalog,
  ));
