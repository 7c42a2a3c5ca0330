import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { BOOTSTRAP_CREDENTIAL_NAME } from '../../shared/domain/policy.ts';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { capture } from './helpers/axe-views.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo, setTheme } from './helpers/ui.ts';

// The states issue 12 added, at 1280×800 in light and dark: an axe scan (WCAG 2.1 A/AA) with no
// serious or critical violation and a screenshot in test-results/screenshots/ to look at. Each
// view and theme is a test of its own, on a fresh server and app.

const THEMES = ['light', 'dark'] as const;
interface Named {
  id: string;
  name: string;
  roles: string[];
}

/** Roles the connected token holds (Side job among them), credential “nightly export” with four roles, user Dana; then the app connects as “Staging” at 1280×800. */
async function seedAndConnect({ api, app, page, server }: AppWorld): Promise<void> {
  // Actions wait longer than Playwright's 30 s default: the machine may be busy scanning.
  app.context.setDefaultTimeout(90_000);
  const side = await api<Named>('POST', '/v1/roles', { name: 'Side job', actions: ['GetClients'] });
  const roles = [side.id];
  for (const name of ['Support', 'Billing', 'Audit'])
    roles.push((await api<Named>('POST', '/v1/roles', { name, actions: ['GetClients'] })).id);
  const me = (await api<{ items: Named[] }>('GET', '/v1/credentials')).items.find((c) => c.name === BOOTSTRAP_CREDENTIAL_NAME)!;
  await api('PATCH', `/v1/credentials/${me.id}`, { roles: [...me.roles, side.id] });
  await api('POST', '/v1/credentials', { name: 'nightly export', roles });
  await api('POST', '/v1/users', { name: 'Dana', email: '', groups: [] });
  await page.setViewportSize({ width: 1280, height: 800 });
  await connect(page, server.url, server.adminToken, 'Staging');
}

/** One test per theme, each on its own server and app (helpers/fixtures.ts), seeded and connected. */
function view(title: string, body: (page: Page, shoot: (name: string) => Promise<void>) => Promise<void>) {
  for (const theme of THEMES) {
    test(`${title} in the ${theme} theme: no serious or critical axe violation`, { timeout: 300_000 }, (t) =>
      withApp(
        t,
        async (world) => {
          const { page } = world;
          await seedAndConnect(world);
          await setTheme(page, theme);
          const problems: string[] = [];
          await body(page, async (name) => void problems.push(...(await capture(page, name, theme))));
          assert.deepEqual(problems, []);
        },
        { catalog: TEST_CATALOG },
      ),
    );
  }
}

view('deleting a role the connected token holds', async (page, shoot) => {
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'Delete role Side job' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete role “Side job”?' });
  await confirm.getByTestId('lockout-warning').waitFor();
  await confirm.getByTestId('type-to-confirm').fill('Side');
  await shoot('lockout-delete-role');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
});

view('a role review with no actions', async (page, shoot) => {
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'New role' }).first().click();
  const dialog = page.getByTestId('role-dialog');
  await dialog.getByLabel('Name').fill('Nothing yet');
  await dialog.getByLabel('Name').press('Enter');
  await dialog.getByTestId('no-actions-warning').waitFor();
  await shoot('role-review-no-actions');
  await dialog.getByRole('button', { name: 'Back' }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard' }).click();
  await dialog.waitFor({ state: 'detached' });
});

view('a server refusal on its field', async (page, shoot) => {
  await goTo(page, 'Directory');
  await page.getByRole('button', { name: 'New user' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Name').fill('Lee');
  await dialog.getByLabel('Password').fill('short');
  await shoot('user-dialog-checked-before-sending');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
});

view('the credentials grid at 1280 px and a toast', async (page, shoot) => {
  await goTo(page, 'Credentials');
  await page.getByRole('gridcell', { name: 'nightly export' }).waitFor();
  await page.getByRole('row').filter({ hasText: 'nightly export' }).getByText('+2').hover();
  await page.getByRole('tooltip').waitFor();
  await shoot('credentials-grid-1280');
  await page.getByRole('button', { name: 'Disable nightly export' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  // Hovering keeps the toast up (it goes by itself after 5 s) while the scan runs.
  await page.getByTestId('toast').hover();
  await shoot('credentials-toast');
  // Escape dismisses the toast (it also goes by itself after 5 s).
  await page.keyboard.press('Escape');
  await page.getByTestId('toast').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Enable nightly export' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Enable' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
});

view('working offline by choice', async (page, shoot) => {
  await goTo(page, 'Roles');
  await page.getByRole('switch', { name: 'Work offline' }).click();
  await page.getByTestId('offline-banner').filter({ hasText: 'Working offline by choice' }).waitFor();
  await shoot('roles-working-offline');
  await page.getByRole('switch', { name: 'Work offline' }).click();
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
});
