import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// The audit log: newest first, 50 entries a page with Older / Newer, filtered by action, by
// target type, and down to one target. Each test has its own server (helpers/fixtures.ts),
// seeded with the same history through the REST API, and then connects.

interface Entry {
  action: string;
  target: { type: string; id: string | null };
}

/** Two pages of history (60 roles, three credentials, a user, role Ops edited three times), then the app connects. */
async function seedHistory({ api, page, server }: AppWorld): Promise<Entry[]> {
  for (let i = 1; i <= 60; i++) await api('POST', '/v1/roles', { name: `Role ${i}`, actions: ['GetClients'] });
  for (const name of ['audit one', 'audit two', 'audit three']) await api('POST', '/v1/credentials', { name });
  await api('POST', '/v1/users', { name: 'auditor', email: 'auditor@example.com' });
  const ops = await api<{ id: string }>('POST', '/v1/roles', { name: 'Ops', actions: ['GetClients'] });
  for (const description of ['first', 'second', 'third']) await api('PATCH', `/v1/roles/${ops.id}`, { description });
  const entries = (await api<{ items: Entry[] }>('GET', '/v1/audit?limit=1000')).items;
  await connect(page, server.url, server.adminToken);
  return entries;
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Audit log' });
const pageLabel = (page: Page) => page.getByTestId('audit-page');
/** Text of one column in every row on view (the header row excluded). */
async function column(page: Page, index: number): Promise<string[]> {
  const rows = grid(page).getByRole('row');
  const texts: string[] = [];
  for (let i = 1; i < (await rows.count()); i++)
    texts.push(((await rows.nth(i).getByRole('gridcell').nth(index).textContent()) ?? '').trim());
  return texts;
}
const firstTarget = async (page: Page) => (await column(page, 3))[0] ?? '';

test('the audit log shows 50 entries a page, newest first, and Older / Newer walk the pages', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      const entries = await seedHistory(world);
      assert.ok(entries.length > 50 && entries.length <= 100, `expected two pages, the server holds ${entries.length} entries`);
      await goTo(page, 'Audit log');
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
      assert.equal(await firstTarget(page), 'roleOps');
      assert.equal((await column(page, 1))[0], 'role.update');
      assert.equal(await page.getByRole('button', { name: 'Newer' }).isDisabled(), true);

      await page.getByRole('button', { name: 'Older' }).click();
      await pageLabel(page)
        .filter({ hasText: `Page 2 · entries 51–${entries.length}` })
        .waitFor();
      // The 51st newest entry heads page 2: nothing skipped, nothing repeated.
      const fiftyFirst = entries[50]!;
      assert.equal((await column(page, 1))[0], fiftyFirst.action);
      assert.equal(await page.getByRole('button', { name: 'Older' }).isDisabled(), true);

      await page.getByRole('button', { name: 'Newer' }).click();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
      assert.equal(await firstTarget(page), 'roleOps');
    },
    { catalog: TEST_CATALOG },
  ));

test('filtering by action, by target type or down to one target narrows the log and starts from the newest entry', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await seedHistory(world);
      await goTo(page, 'Audit log');
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
      await page.getByRole('button', { name: 'Older' }).click();
      await pageLabel(page).filter({ hasText: 'Page 2' }).waitFor();

      await page.getByRole('combobox', { name: 'Action', exact: true }).pressSequentially('credential.cr');
      await page.getByRole('option', { name: 'credential.create', exact: true }).click();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–4' }).waitFor(); // three made here, one at bootstrap
      assert.deepEqual(new Set(await column(page, 1)), new Set(['credential.create']));
      assert.deepEqual((await column(page, 3)).slice(0, 3), ['credentialaudit three', 'credentialaudit two', 'credentialaudit one']);

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByRole('combobox', { name: 'Target type' }).click();
      await page.getByRole('option', { name: 'user', exact: true }).click();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–1' }).waitFor();
      assert.deepEqual(await column(page, 3), ['userauditor']);

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
      await page.getByRole('button', { name: 'Only entries about role Ops' }).first().click();
      await page.getByTestId('audit-target-filter').filter({ hasText: 'Target: role Ops' }).waitFor();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–4' }).waitFor();
      assert.deepEqual(await column(page, 1), ['role.update', 'role.update', 'role.update', 'role.create']);

      // A typed action is applied on Enter, together with the target.
      await page.getByRole('combobox', { name: 'Action', exact: true }).fill('role.create');
      await page.getByRole('combobox', { name: 'Action', exact: true }).press('Enter');
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–1' }).waitFor();
      assert.deepEqual(await column(page, 1), ['role.create']);

      await page.getByTestId('audit-target-filter').getByRole('img', { name: 'Remove the target filter' }).click();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
      assert.deepEqual(new Set(await column(page, 1)), new Set(['role.create']));

      await page.getByRole('combobox', { name: 'Action', exact: true }).fill('no.such.action');
      await page.getByRole('combobox', { name: 'Action', exact: true }).press('Enter');
      await page.getByText('No audit entry matches these filters.').waitFor();
    },
    { catalog: TEST_CATALOG },
  ));
