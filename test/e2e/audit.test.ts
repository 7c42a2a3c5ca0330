import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { startStack, type Stack } from './helpers/stack.ts';
import { connect, goTo } from './helpers/ui.ts';

// The audit log: newest first, 50 entries a page with Older / Newer, filtered by action, by
// target type, and down to one target.

interface Entry {
  action: string;
  target: { type: string; id: string | null };
}

let stack: Stack;
let entries: Entry[];
before(async () => {
  stack = await startStack();
  await stack.rest('PUT', '/v1/catalog', TEST_CATALOG);
  for (let i = 1; i <= 60; i++) await stack.rest('POST', '/v1/roles', { name: `Role ${i}`, actions: ['GetClients'] });
  for (const name of ['audit one', 'audit two', 'audit three']) await stack.rest('POST', '/v1/credentials', { name });
  await stack.rest('POST', '/v1/users', { name: 'auditor', email: 'auditor@example.com' });
  const ops = await stack.rest<{ id: string }>('POST', '/v1/roles', { name: 'Ops', actions: ['GetClients'] });
  for (const description of ['first', 'second', 'third']) await stack.rest('PATCH', `/v1/roles/${ops.id}`, { description });
  entries = (await stack.rest<{ items: Entry[] }>('GET', '/v1/audit?limit=1000')).items;
  await connect(stack.page, stack.serverUrl, stack.adminToken);
});
after(() => stack?.close());

const grid = () => stack.page.getByRole('grid', { name: 'Audit log' });
const pageLabel = () => stack.page.getByTestId('audit-page');
/** Text of one column in every row on view (the header row excluded). */
async function column(index: number): Promise<string[]> {
  const rows = grid().getByRole('row');
  const texts: string[] = [];
  for (let i = 1; i < (await rows.count()); i++)
    texts.push(((await rows.nth(i).getByRole('gridcell').nth(index).textContent()) ?? '').trim());
  return texts;
}
const firstTarget = async () => (await column(3))[0] ?? '';

test('the audit log shows 50 entries a page, newest first, and Older / Newer walk the pages', async () => {
  const { page } = stack;
  assert.ok(entries.length > 50 && entries.length <= 100, `expected two pages, the server holds ${entries.length} entries`);
  await goTo(page, 'Audit log');
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
  assert.equal(await firstTarget(), 'roleOps');
  assert.equal((await column(1))[0], 'role.update');
  assert.equal(await page.getByRole('button', { name: 'Newer' }).isDisabled(), true);

  await page.getByRole('button', { name: 'Older' }).click();
  await pageLabel()
    .filter({ hasText: `Page 2 · entries 51–${entries.length}` })
    .waitFor();
  // The 51st newest entry heads page 2: nothing skipped, nothing repeated.
  const fiftyFirst = entries[50]!;
  assert.equal((await column(1))[0], fiftyFirst.action);
  assert.equal(await page.getByRole('button', { name: 'Older' }).isDisabled(), true);

  await page.getByRole('button', { name: 'Newer' }).click();
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
  assert.equal(await firstTarget(), 'roleOps');
});

test('filtering by action, by target type or down to one target narrows the log and starts from the newest entry', async () => {
  const { page } = stack;
  await page.getByRole('button', { name: 'Older' }).click();
  await pageLabel().filter({ hasText: 'Page 2' }).waitFor();

  await page.getByRole('combobox', { name: 'Action', exact: true }).pressSequentially('credential.cr');
  await page.getByRole('option', { name: 'credential.create', exact: true }).click();
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–4' }).waitFor(); // three made here, one at bootstrap
  assert.deepEqual(new Set(await column(1)), new Set(['credential.create']));
  assert.deepEqual((await column(3)).slice(0, 3), ['credentialaudit three', 'credentialaudit two', 'credentialaudit one']);

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('combobox', { name: 'Target type' }).click();
  await page.getByRole('option', { name: 'user', exact: true }).click();
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–1' }).waitFor();
  assert.deepEqual(await column(3), ['userauditor']);

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
  await page.getByRole('button', { name: 'Only entries about role Ops' }).first().click();
  await page.getByTestId('audit-target-filter').filter({ hasText: 'Target: role Ops' }).waitFor();
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–4' }).waitFor();
  assert.deepEqual(await column(1), ['role.update', 'role.update', 'role.update', 'role.create']);

  // A typed action is applied on Enter, together with the target.
  await page.getByRole('combobox', { name: 'Action', exact: true }).fill('role.create');
  await page.getByRole('combobox', { name: 'Action', exact: true }).press('Enter');
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–1' }).waitFor();
  assert.deepEqual(await column(1), ['role.create']);

  await page.getByTestId('audit-target-filter').getByRole('img', { name: 'Remove the target filter' }).click();
  await pageLabel().filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
  assert.deepEqual(new Set(await column(1)), new Set(['role.create']));

  await page.getByRole('combobox', { name: 'Action', exact: true }).fill('no.such.action');
  await page.getByRole('combobox', { name: 'Action', exact: true }).press('Enter');
  await stack.page.getByText('No audit entry matches these filters.').waitFor();
});
