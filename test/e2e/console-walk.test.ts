import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp } from './helpers/fixtures.ts';
import { goTo } from './helpers/ui.ts';

// What a new admin tripped over walking every screen (issue 12): states that read as errors when
// nothing is wrong, and findings that named something without leading to it.

const connected = { catalog: TEST_CATALOG, connected: true };

test('working offline, Credentials and Backends say they are offline instead of showing an error to retry', (t) =>
  withApp(
    t,
    async ({ page }) => {
      await goTo(page, 'Roles');
      await page.getByRole('switch', { name: 'Work offline' }).click();
      await page.getByTestId('offline-banner').waitFor();
      for (const [screen, hint] of [
        ['Credentials', 'Credentials are listed, searched and issued by the server.'],
        ['Backends', 'Backends are read and edited on the server.'],
      ] as const) {
        await goTo(page, screen);
        await page.getByText(hint).waitFor();
        assert.equal(await page.getByText('Could not load').count(), 0, `${screen}: no error`);
        assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0, `${screen}: nothing to retry`);
      }
      // Back online, the lists are there again.
      await page.getByRole('switch', { name: 'Work offline' }).click();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
      await page.getByText('Backends are read and edited on the server.').waitFor({ state: 'detached' });
      await page.getByText('Could not load').waitFor({ state: 'detached' });
      await goTo(page, 'Credentials');
      await page.getByRole('grid', { name: 'Credentials' }).waitFor();
    },
    connected,
  ));

test('a hygiene finding about a role no credential uses opens Roles searched for that role', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
      await api('POST', '/v1/roles', { name: 'Lonely role', actions: ['GetClients'] });
      await api('POST', '/v1/roles', { name: 'Other role', actions: ['GetClients'] });
      await goTo(page, 'Hygiene');
      await page.getByRole('button', { name: 'Sync' }).click();
      const unused = page.getByRole('region', { name: 'Roles no credential uses' });
      await unused.getByRole('button', { name: /^Lonely role/ }).click();
      await page.locator('#page-title').filter({ hasText: 'Roles' }).waitFor();
      assert.equal(await page.getByLabel('Search roles').inputValue(), 'Lonely role');
      await page.getByTestId('role-row-Other role').waitFor({ state: 'detached' });
      await page.getByTestId('role-row-Lonely role').waitFor();
    },
    connected,
  ));

test('"Invalidate tokens" is off, saying why, for a user who owns no working token, and on once they own one', (t) =>
  withApp(
    t,
    async ({ page, api }) => {
      const user = await api<{ id: string }>('POST', '/v1/users', { name: 'Tokenless', email: 'tokenless@example.com', groups: [] });
      await goTo(page, 'Directory');
      await page.getByRole('button', { name: 'Sync' }).click();
      const button = page.getByRole('button', { name: 'Invalidate tokens of Tokenless' });
      await button.waitFor();
      assert.equal(await button.isDisabled(), true);
      await button.hover({ force: true });
      await page.getByRole('tooltip', { name: 'Invalidate tokens: none works (Sync to check again)' }).waitFor();

      await api('POST', '/v1/credentials', { name: 'tokenless key', ownerId: user.id });
      await page.getByRole('button', { name: 'Sync' }).click();
      await page.getByRole('row').filter({ hasText: 'Tokenless' }).getByRole('cell', { name: '1', exact: true }).waitFor();
      assert.equal(await button.isDisabled(), false);
      await button.click();
      await page.getByRole('dialog', { name: 'Invalidate every token of Tokenless?' }).getByRole('button', { name: 'Cancel' }).click();
    },
    connected,
  ));
