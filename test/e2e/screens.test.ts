import assert from 'node:assert/strict';
import { test } from 'node:test';
import { at1280, inDemoWorld, view, slug } from './helpers/axe-views.ts';
import { goTo } from './helpers/ui.ts';

// Every screen in light and dark, in the states an admin meets (populated, empty search, loading,
// server error, offline, the lists searched and filtered at 1280×800): an axe scan (WCAG 2.1
// A/AA) with no serious or critical violation, and a screenshot in test-results/screenshots/ for a
// human to look at. Runs on the demo data set. The dialogs and the lifecycle screens are in
// screens-dialogs.test.ts and screens-lifecycle.test.ts; the harness is helpers/axe-views.ts.

for (const screen of ['Connections', 'Roles', 'Credentials', 'Drafts', 'Directory', 'Backends', 'Access checker', 'Hygiene', 'Audit log']) {
  view(`the ${screen} screen`, 1, async (page, _theme, look) => {
    await goTo(page, screen);
    await look(`screen-${slug(screen)}`);
  });
}

test('the window title names the active profile', (t) =>
  inDemoWorld(t, async ({ page }) => {
    assert.equal(await page.title(), 'Demo — Keyward');
  }));

view('a credentials search with no match', 1, async (page, _theme, look) => {
  await goTo(page, 'Credentials');
  const search = page.getByLabel('Search credentials');
  await search.fill('no such credential');
  await page.getByText('No credential matches this search.').waitFor();
  await look('screen-credentials-no-match');
  await search.fill('');
});

view('the audit log filtered to one target', 1, async (page, _theme, look) => {
  await goTo(page, 'Audit log');
  await page
    .getByRole('button', { name: /^Only entries about role / })
    .first()
    .click();
  await page.getByTestId('audit-target-filter').waitFor();
  await look('screen-audit-log-one-target');
  await page.getByRole('button', { name: 'Clear filters' }).click();
});

view('a screen while its data loads', 1, async (page, _theme, look) => {
  // Held answers keep the skeleton on screen; a reload empties the cache so it is needed.
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/rpc/hygiene.report', async (route) => {
    await held;
    await route.continue().catch(() => undefined);
  });
  await page.reload();
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
  await goTo(page, 'Hygiene');
  await page.locator('[aria-busy="true"]').first().waitFor();
  await look('screen-hygiene-loading', { loading: true });
  release();
  await page.unroute('**/rpc/hygiene.report');
});

view('a screen whose data the server refused', 1, async (page, _theme, look) => {
  await page.route('**/rpc/hygiene.report', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        ok: false,
        error: { code: 'unavailable', message: 'The server answered 503: the database is busy with a migration. Try again in a minute.' },
      }),
    }),
  );
  await page.reload();
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
  await goTo(page, 'Hygiene');
  await page.getByText('the database is busy with a migration').waitFor();
  await look('screen-hygiene-error');
  await page.unroute('**/rpc/hygiene.report');
});

view('the console offline', 2, async (page, _theme, look, { server }) => {
  await goTo(page, 'Roles');
  await server.stop();
  await page.getByRole('button', { name: 'Sync' }).click();
  await page.getByTestId('offline-banner').waitFor();
  await page.getByTestId('role-row-Administrator').waitFor();
  await look('screen-roles-offline');
  await goTo(page, 'Audit log');
  await page.getByText('The audit log lives on the server').waitFor();
  await look('screen-audit-log-offline');
  await server.restart();
  // The console notices the server is back by itself (health polling): no Reconnect needed.
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
});

// The role, user and backend lists (issue 12) at 1280×800: searched by an action id, filtered to
// the first group,
// and the "no match" state with its way back.
view('the lists searched, filtered and with no match at 1280×800', 4, async (page, _theme, look, { api }) => {
  await at1280(page, async () => {
    await goTo(page, 'Roles');
    const roles = page.getByLabel('Search roles');
    const { items } = await api<{ items: { actions: string[] }[] }>('GET', '/v1/roles');
    const action = items.find((r) => r.actions.length > 0)!.actions[0]!;
    await roles.fill(action);
    await page.getByText(`has ${action}`).first().waitFor();
    await look('screen-roles-searched-by-action');
    await roles.fill('no such role');
    await page.getByText('No role matches “no such role”').waitFor();
    await look('screen-roles-no-match');
    await page.getByRole('button', { name: 'Clear search and filters' }).click();

    await goTo(page, 'Directory');
    await page.getByRole('combobox', { name: 'Group', exact: true }).click();
    await page.getByRole('option').nth(2).click();
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await look('screen-directory-users-filtered');
    await page.getByRole('combobox', { name: 'Group', exact: true }).click();
    await page.getByRole('option', { name: 'Any group' }).click();
    await page.getByRole('listbox').waitFor({ state: 'detached' });

    await goTo(page, 'Backends');
    await page.getByLabel('Search backends').fill('/no-such-prefix');
    await page.getByText('No backend matches “/no-such-prefix”').waitFor();
    await look('screen-backends-no-match');
    await page.getByRole('button', { name: 'Clear search', exact: true }).click();
  });
});
