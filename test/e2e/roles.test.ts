import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Request } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { BOOTSTRAP_CREDENTIAL_NAME } from '../../shared/domain/policy.ts';
import { screenshot } from './helpers/browser.ts';
import { animationsDone, goTo, setTheme } from './helpers/ui.ts';

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

/** Ticks the roles table's row for `name`. */
const tickRole = (page: AppWorld['page'], name: string) => page.getByRole('checkbox', { name: `Select role ${name}` }).check();

test('several roles are deleted in one change after one confirmation that names them and says how many credentials lose them', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
      const made: Record<string, Role> = {};
      for (const name of ['Bulk A', 'Bulk B', 'Bulk C', 'Bulk keep'])
        made[name] = await api<Role>('POST', '/v1/roles', { name, actions: ['GetClients'] });
      const bot = await api<{ credential: { id: string } }>('POST', '/v1/credentials', {
        name: 'bulk bot 1',
        roles: [made['Bulk A']!.id, made['Bulk keep']!.id],
      });
      await api('POST', '/v1/credentials', { name: 'bulk bot 2', roles: [made['Bulk B']!.id, made['Bulk C']!.id] });
      await goTo(page, 'Roles');
      await page.getByRole('button', { name: 'Sync' }).click();
      for (const name of ['Bulk A', 'Bulk B', 'Bulk C']) await tickRole(page, name);
      const bar = page.getByRole('toolbar', { name: 'Selected roles' });
      await bar.getByText('3 selected').waitFor();

      const calls: string[] = [];
      const onRequest = (r: Request) => {
        if (/\/rpc\/roles\.delete/.test(r.url())) calls.push(new URL(r.url()).pathname);
      };
      page.on('request', onRequest);
      // The bar and the question at 1280 × 800, in both themes (the theme switch is behind an open dialog).
      await page.setViewportSize({ width: 1280, height: 800 });
      const dialog = page.getByRole('dialog', { name: 'Delete 3 roles?' });
      for (const theme of ['dark', 'light'] as const) {
        await setTheme(page, theme);
        await animationsDone(page);
        await screenshot(page, 'roles-selection', theme);
        await bar.getByRole('button', { name: 'Delete 3 selected' }).click();
        await dialog.getByTestId('bulk-names').filter({ hasText: '“Bulk A”, “Bulk B” and “Bulk C”.' }).waitFor();
        await dialog.getByText('They are unassigned from 2 credentials').waitFor();
        await dialog.getByText('All are deleted in one change, or none').waitFor();
        await animationsDone(page);
        await screenshot(page, 'roles-bulk-confirm', theme);
        if (theme === 'dark') {
          await dialog.getByRole('button', { name: 'Cancel' }).click();
          await dialog.waitFor({ state: 'detached' });
        }
      }
      await page.setViewportSize({ width: 1360, height: 860 });
      await dialog.getByRole('button', { name: 'Delete 3 roles' }).click();
      await page.getByTestId('toast').filter({ hasText: 'Deleted 3 roles.' }).waitFor();
      await dialog.waitFor({ state: 'detached' });
      page.off('request', onRequest);
      assert.deepEqual(calls, ['/rpc/roles.deleteMany'], 'one request, one transaction');
      for (const name of ['Bulk A', 'Bulk B', 'Bulk C']) await page.getByTestId(`role-row-${name}`).waitFor({ state: 'detached' });
      await page.getByTestId('role-row-Bulk keep').waitFor();
      assert.equal(await bar.count(), 0);
      const remaining = await api<{ roles: string[] }>('GET', `/v1/credentials/${bot.credential.id}`);
      assert.deepEqual(remaining.roles, [made['Bulk keep']!.id]);
    },
    connected,
  ));

test('a bulk role deletion the server refuses for one role deletes none and says why in the dialog', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
      const first = await api<Role & { version: number }>('POST', '/v1/roles', { name: 'Stale one', actions: ['GetClients'] });
      await api('POST', '/v1/roles', { name: 'Stale two', actions: ['GetClients'] });
      await goTo(page, 'Roles');
      await page.getByRole('button', { name: 'Sync' }).click();
      await tickRole(page, 'Stale one');
      await tickRole(page, 'Stale two');
      // Another admin changes one of them after this console read it.
      await api('PATCH', `/v1/roles/${first.id}`, { description: 'edited elsewhere' });
      await page.getByRole('button', { name: 'Delete 2 selected' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete 2 roles?' });
      await dialog.getByRole('button', { name: 'Delete 2 roles' }).click();
      await dialog.getByTestId('dialog-error').waitFor();
      assert.ok(await roleByName(api, 'Stale one'));
      assert.ok(await roleByName(api, 'Stale two'), 'all or none: the other role is kept too');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('toolbar', { name: 'Selected roles' }).getByText('2 selected').waitFor();
    },
    connected,
  ));

test('deleting several roles, one held by the console’s own token, needs that role’s name typed', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
      const side = await api<Role>('POST', '/v1/roles', { name: 'Own side', actions: ['GetClients'] });
      await api('POST', '/v1/roles', { name: 'Spare bulk', actions: ['GetClients'] });
      const me = (await api<{ items: { id: string; name: string; roles: string[] }[] }>('GET', '/v1/credentials?limit=1000')).items.find(
        (c) => c.name === BOOTSTRAP_CREDENTIAL_NAME,
      )!;
      await api('PATCH', `/v1/credentials/${me.id}`, { roles: [...me.roles, side.id] });
      await goTo(page, 'Roles');
      await page.getByRole('button', { name: 'Sync' }).click();
      await tickRole(page, 'Spare bulk');
      await tickRole(page, 'Own side');
      await page.getByRole('button', { name: 'Delete 2 selected' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete 2 roles?' });
      await dialog.getByTestId('lockout-warning').filter({ hasText: 'holds “Own side”' }).waitFor();
      await dialog.getByTestId('lockout-warning').filter({ hasText: 'loses 1 action: GetClients' }).waitFor();
      const ok = dialog.getByRole('button', { name: 'Delete 2 roles' });
      assert.equal(await ok.isDisabled(), true);
      await dialog.getByTestId('type-to-confirm').fill('own side');
      assert.equal(await ok.isDisabled(), true);
      await dialog.getByTestId('type-to-confirm').fill('Own side');
      await page.setViewportSize({ width: 1280, height: 800 });
      await animationsDone(page);
      await screenshot(page, 'roles-bulk-confirm-own', 'light');
      await page.setViewportSize({ width: 1360, height: 860 });
      await ok.click();
      await page.getByTestId('toast').filter({ hasText: 'Deleted 2 roles.' }).waitFor();
      assert.equal(await roleByName(api, 'Own side'), undefined);
      assert.equal(await roleByName(api, 'Spare bulk'), undefined);
    },
    connected,
  ));

test('offline, deleting several roles records draft deletions without a request to the server, and the plan applies them', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
      for (const name of ['Draft gone A', 'Draft gone B', 'Draft stays']) await api('POST', '/v1/roles', { name, actions: ['GetClients'] });
      await goTo(page, 'Roles');
      await page.getByRole('button', { name: 'Sync' }).click();
      await page.getByTestId('role-row-Draft stays').waitFor();
      await page.getByRole('switch', { name: 'Work offline' }).click();
      await page.getByTestId('offline-banner').waitFor();
      await tickRole(page, 'Draft gone A');
      await tickRole(page, 'Draft gone B');

      const calls: string[] = [];
      const onRequest = (r: Request) => {
        if (/\/rpc\/roles\.delete/.test(r.url())) calls.push(new URL(r.url()).pathname);
      };
      page.on('request', onRequest);
      await page.getByRole('button', { name: 'Draft deletion of 2 selected' }).click();
      const dialog = page.getByRole('dialog', { name: 'Draft the deletion of 2 roles?' });
      await dialog.getByTestId('bulk-names').filter({ hasText: '“Draft gone A” and “Draft gone B”.' }).waitFor();
      await dialog.getByText('You are offline: nothing is deleted now.').waitFor();
      await dialog.getByRole('button', { name: 'Draft the deletion of 2 roles' }).click();
      await page.getByTestId('toast').filter({ hasText: 'Drafted the deletion of 2 roles.' }).waitFor();
      await dialog.waitFor({ state: 'detached' });
      page.off('request', onRequest);
      assert.deepEqual(calls, [], 'no delete call: the drafts live in the app');
      const audit = await api<{ items: { action: string }[] }>('GET', '/v1/audit?limit=100');
      assert.equal(audit.items.filter((e) => e.action === 'role.delete').length, 0, 'the server saw no deletion');
      assert.ok(await roleByName(api, 'Draft gone A'), 'still on the server until the plan is applied');
      assert.ok(await roleByName(api, 'Draft gone B'));
      for (const name of ['Draft gone A', 'Draft gone B']) await page.getByTestId(`role-row-${name}`).getByText('Draft: delete').waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByLabel('2 drafts').waitFor();

      // Back online, the plan lists both deletions and Apply sends them.
      await page.getByRole('switch', { name: 'Work offline' }).click();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
      await goTo(page, 'Drafts');
      await page.getByRole('button', { name: 'Review changes' }).click();
      const plan = page.getByTestId('plan');
      await plan.getByText('Plan — 2 changes').waitFor();
      for (const name of ['Draft gone A', 'Draft gone B']) await plan.getByRole('article', { name: `Delete ${name}` }).waitFor();
      await plan.getByRole('button', { name: 'Apply 2 changes' }).click();
      await page.getByTestId('apply-result').getByText('Applied 2 changes').waitFor();
      assert.equal(await roleByName(api, 'Draft gone A'), undefined);
      assert.equal(await roleByName(api, 'Draft gone B'), undefined);
      assert.ok(await roleByName(api, 'Draft stays'));
    },
    connected,
  ));
