import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// Sub-URL settings in the backend dialog: patterns are RE2 (linear time, as the server matches
// them), checked as you type, and "test a path" answers as the server will. Each test is a fresh
// app and backend (helpers/fixtures.ts) holding the Billing backend below, on the Backends screen.

/** The Billing backend (reachable with "Billing readers"), a second role, and a reader's token; then the app connects and opens Backends. */
async function billing({ api, page, server }: AppWorld): Promise<{ readerToken: string }> {
  const readers = await api<{ id: string }>('POST', '/v1/roles', { name: 'Billing readers', actions: ['GetInvoices'] });
  await api('POST', '/v1/roles', { name: 'Billing admins', actions: ['billing.invoices.write'] });
  await api('POST', '/v1/backends', { name: 'Billing', frontendPrefix: '/billing', requiredRoles: [readers.id], subSettings: [] });
  const readerToken = (await api<{ secret: string }>('POST', '/v1/credentials', { name: 'reader', roles: [readers.id] })).secret;
  await connect(page, server.url, server.adminToken);
  await goTo(page, 'Backends');
  return { readerToken };
}
const withCatalog = { catalog: TEST_CATALOG };

test('a lookahead in a sub-URL pattern is refused as you type, with a message saying why, and the backend cannot be saved', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await billing(world);
      await page.getByRole('button', { name: 'Edit backend Billing' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit backend — Billing' });
      await dialog.getByRole('button', { name: 'Add sub-URL setting' }).click();
      const pattern = dialog.getByTestId('sub-setting-0').getByLabel('Path regex');
      await pattern.fill('^/billing/(?=admin)');
      const problem = dialog.getByTestId('sub-setting-0-problem');
      await problem.getByText('lookarounds and backreferences are not supported').waitFor();
      assert.equal(await pattern.getAttribute('aria-invalid'), 'true');
      // Screen readers hear the whole message with the field.
      const describedBy = (await pattern.getAttribute('aria-describedby')) ?? '';
      assert.ok(describedBy.split(' ').includes((await problem.getAttribute('id'))!));
      assert.equal(await dialog.getByRole('button', { name: 'Save' }).isDisabled(), true);

      await pattern.fill('^/billing/(a)\\1');
      await problem.getByText('backreferences').waitFor();
      await pattern.fill('^/billing/admin(/|$)');
      await problem.waitFor({ state: 'detached' });
      assert.equal(await dialog.getByRole('button', { name: 'Save' }).isDisabled(), false);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard' }).click();
      await dialog.waitFor({ state: 'detached' });
    },
    withCatalog,
  ));

test('"test a path" matches with the server’s pattern engine, and the saved setting decides requests the same way', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const { readerToken } = await billing(world);
      await page.getByRole('button', { name: 'Edit backend Billing' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit backend — Billing' });
      await dialog.getByRole('button', { name: 'Add sub-URL setting' }).click();
      const setting = dialog.getByTestId('sub-setting-0');
      // \z is RE2's end of text; a JavaScript RegExp would read it as the letter z.
      await setting.getByLabel('Path regex').fill('^/billing/v1\\z');
      await setting.getByLabel('Required roles').click();
      await page.getByRole('option', { name: 'Billing admins' }).click();
      const result = dialog.getByTestId('route-test-result');
      await dialog.getByLabel('Test a path').fill('/billing/v1');
      await result.getByText('Setting 1 matches.').waitFor();
      await dialog.getByLabel('Test a path').fill('/billing/v1z');
      await result.getByText('No sub-URL setting matches').waitFor();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });

      const decide = (path: string) =>
        api<{ allowed: boolean; reason: string }>('POST', '/v1/authorize', { token: readerToken, method: 'GET', path });
      assert.equal((await decide('/billing/v1')).reason, 'missing_roles');
      assert.equal((await decide('/billing/v1z')).allowed, true);
    },
    withCatalog,
  ));

test('closing the backend editor with edits asks before discarding them; without edits (a tested path is not one) it closes at once', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await billing(world);
      const editor = page.getByRole('dialog', { name: 'Edit backend — Billing' });
      const prompt = page.getByRole('dialog', { name: 'Discard unsaved changes?' });

      await page.getByRole('button', { name: 'Edit backend Billing' }).click();
      await editor.getByLabel('Test a path').fill('/billing/v1');
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'detached' });
      assert.equal(await prompt.count(), 0);

      await page.getByRole('button', { name: 'Edit backend Billing' }).click();
      await editor.getByLabel('Frontend prefix').fill('/billing-renamed');
      await page.keyboard.press('Escape');
      await prompt.getByText('Your edits to this backend will be lost.').waitFor();
      await prompt.getByRole('button', { name: 'Keep editing' }).click();
      await prompt.waitFor({ state: 'detached' });
      assert.equal(await editor.getByLabel('Frontend prefix').inputValue(), '/billing-renamed');

      await editor.getByRole('button', { name: 'Cancel' }).click();
      await prompt.getByRole('button', { name: 'Discard' }).click();
      await editor.waitFor({ state: 'detached' });
      const backends = await api<{ items: { name: string; frontendPrefix: string }[] }>('GET', '/v1/backends');
      assert.equal(backends.items.find((b) => b.name === 'Billing')!.frontendPrefix, '/billing');
    },
    withCatalog,
  ));

test('"test a path" refuses a dot-segment path in words, and "Case-sensitive matching" (off by default) decides whether letter case matters', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const { readerToken } = await billing(world);
      await page.getByRole('button', { name: 'Edit backend Billing' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit backend — Billing' });
      const result = dialog.getByTestId('route-test-result');
      await dialog.getByLabel('Test a path').fill('/billing/public/../v1');
      await result.getByText('Refused (invalid_path) whatever the credential').waitFor();
      await result.getByText('“.” or “..” segment', { exact: false }).waitFor();

      const caseBox = dialog.getByLabel('Case-sensitive matching');
      assert.equal(await caseBox.isChecked(), false);
      await dialog.getByLabel('Test a path').fill('/BILLING/other');
      await result.getByText('Required roles: Billing readers.', { exact: false }).waitFor();
      await caseBox.check();
      await result.getByText('is not under /billing', { exact: false }).waitFor();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      const backends = await api<{ items: { name: string; caseSensitive: boolean }[] }>('GET', '/v1/backends');
      assert.equal(backends.items.find((b) => b.name === 'Billing')!.caseSensitive, true);
      const decide = (path: string) => api<{ reason: string }>('POST', '/v1/authorize', { token: readerToken, method: 'GET', path });
      assert.equal((await decide('/BILLING/other')).reason, 'no_route');
      assert.equal((await decide('/billing/public/../v1')).reason, 'invalid_path');
    },
    withCatalog,
  ));
