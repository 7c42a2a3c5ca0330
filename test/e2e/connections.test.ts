import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withApp } from './helpers/fixtures.ts';
import { goTo } from './helpers/ui.ts';

// A first start: no profile yet. The empty state says what to do, a wrong token is reported in
// the server's words, and "Use a local server" gets a new user working at once. Each test is a
// fresh app with an empty data folder (helpers/fixtures.ts), on either host.

test('with no profile every screen points to Connections, which offers to add a server or use a local one', (t) =>
  withApp(t, async ({ page }) => {
    await goTo(page, 'Roles');
    await page.getByRole('main').getByText('Not connected').waitFor();
    await page.getByRole('button', { name: 'Go to Connections' }).click();
    await page.getByText('No servers yet').waitFor();
    assert.equal(await page.title(), 'Keyward');
  }));

test('testing a profile with a wrong admin token shows the server’s refusal', (t) =>
  withApp(t, async ({ page, server }) => {
    await goTo(page, 'Connections');
    await page.getByRole('button', { name: 'Add server' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a server' });
    await dialog.getByLabel('Server URL').fill(server.url);
    await dialog.getByLabel('Admin token').fill('kw_wrong');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByText(/did not accept this profile's admin token/).waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Add server' }).isDisabled(), true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  }));

test('"Use a local server" starts the embedded backend, connects, and names it in the window title', (t) =>
  withApp(t, async ({ page }) => {
    await goTo(page, 'Connections');
    await page.getByRole('button', { name: 'Use a local server' }).click();
    await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor({ timeout: 60_000 });
    await page.locator('#page-title').filter({ hasText: 'Roles' }).waitFor();
    await page.getByTestId('role-row-Administrator').waitFor();
    assert.match(await page.title(), /— Keyward$/);
    assert.notEqual(await page.title(), 'Keyward');
  }));
