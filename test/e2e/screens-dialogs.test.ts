import { view, dialog, cancel, discardPrompt } from './helpers/axe-views.ts';
import { goTo, searchCredentials } from './helpers/ui.ts';

// Every dialog in light and dark: the role dialog searching and at 5,000 actions, bulk
// confirmations, the credential editor with validation errors, the one-time token, rolling with
// grace, the profile, user, group and backend dialogs — an axe scan (WCAG 2.1 A/AA) with no
// serious or critical violation and a screenshot each, on the demo data set. The screens are in
// screens.test.ts, the lifecycle screens and their dialogs in screens-lifecycle.test.ts.

view('the role dialog, searching and reviewing a change', 3, async (page, _theme, look) => {
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'Edit role Billing clerk' }).click();
  const role = page.getByTestId('role-dialog');
  await role.getByRole('button', { name: 'Review changes' }).waitFor();
  await look('dialog-role');
  await role.getByTestId('action-search').fill('invoice');
  await role.getByTestId('search-summary').waitFor();
  await look('dialog-role-search');
  await role.locator('input[data-action-id]:not(:checked)').first().check();
  await role.getByRole('button', { name: 'Review changes' }).click();
  await role.getByTestId('role-review').getByText('Added (1)').waitFor();
  await look('dialog-role-review');
  await role.getByRole('button', { name: 'Back' }).click();
  await role.getByRole('button', { name: 'Cancel' }).click();
  await discardPrompt(page).getByRole('button', { name: 'Discard' }).click();
  await role.waitFor({ state: 'detached' });
});

view('the role dialog at 5,000 actions', 1, async (_page, theme, look, { app, benchUrl }) => {
  // The bench page mounts the dialog alone on a synthetic catalog (no backend needed).
  const page = await app.context.newPage();
  try {
    await page.goto(`${await benchUrl()}/bench/role-dialog-bench.html?actions=5000&groups=100&selected=700&theme=${theme}`);
    await page.getByTestId('role-dialog').waitFor();
    await look('dialog-role-5000', { on: page });
  } finally {
    await page.close();
  }
});

view('deleting a role', 1, async (page, _theme, look) => {
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'Delete role Billing clerk' }).click();
  await dialog(page).getByText('No credential holds this role.').waitFor();
  await look('dialog-delete-role');
  await cancel(page);
});

view('bulk actions: the selection bar and one confirmation for many rows', 4, async (page, _theme, look, { api }) => {
  await api('POST', '/v1/credentials', { name: 'bulk scan' });
  await goTo(page, 'Credentials');
  // Row 0 is the header; the default view leaves revoked (unselectable) credentials out.
  const rows = page.getByRole('grid').getByRole('row');
  await rows.nth(2).waitFor();
  for (const i of [1, 2]) await rows.nth(i).getByRole('checkbox').check();
  const credentials = page.getByRole('toolbar', { name: 'Selected credentials' });
  await look('credentials-bulk-selection');
  await credentials.getByRole('button', { name: /^Revoke \d+ selected$/ }).click();
  await dialog(page).getByTestId('bulk-names').waitFor();
  await look('dialog-bulk-revoke');
  await cancel(page);
  await credentials.getByRole('button', { name: 'Clear selection' }).click();

  await goTo(page, 'Roles');
  await page.getByRole('checkbox', { name: 'Select role Billing clerk' }).check();
  const roles = page.getByRole('toolbar', { name: 'Selected roles' });
  await look('roles-bulk-selection');
  await roles.getByRole('button', { name: 'Delete 1 selected' }).click();
  await dialog(page).getByTestId('bulk-names').waitFor();
  await look('dialog-bulk-delete-roles');
  await cancel(page);
  await roles.getByRole('button', { name: 'Clear selection' }).click();
});

view('the credential editor with an invalid network, and closing it with edits', 2, async (page, _theme, look) => {
  await goTo(page, 'Credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const editor = page.getByRole('dialog', { name: 'New credential' });
  await editor.getByLabel('Name').fill('nightly export');
  await editor.getByLabel('Access Roles').click();
  await page.getByRole('option', { name: 'Billing read-only' }).click();
  await editor.getByLabel('Allowed networks (CIDR)').fill('10.20.0.0/16\n10.0.0.0/33');
  await editor.getByText(/\/33/).first().waitFor();
  await look('dialog-credential-editor');
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await discardPrompt(page).waitFor();
  await look('dialog-credential-editor-discard');
  await discardPrompt(page).getByRole('button', { name: 'Discard' }).click();
  await editor.waitFor({ state: 'detached' });
});

view('the one-time token dialog and its close confirmation', 2, async (page, _theme, look) => {
  await goTo(page, 'Credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const editor = page.getByRole('dialog', { name: 'New credential' });
  await editor.getByLabel('Name').fill('screenshot');
  await editor.getByLabel('Access Roles').click();
  await page.getByRole('option', { name: 'Support agent' }).click();
  await editor.getByRole('button', { name: 'Create and show token' }).click();
  const token = page.getByTestId('token-dialog');
  await token.getByRole('button', { name: 'Copy curl example' }).click();
  await token.getByTestId('copy-status').filter({ hasText: 'Copied' }).waitFor();
  await look('dialog-one-time-token');
  await token.getByRole('button', { name: 'Done' }).click();
  await look('dialog-one-time-token-close');
  await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
  await token.waitFor({ state: 'detached' });
});

view('rolling a secret with a grace period', 3, async (page, _theme, look, { api }) => {
  const name = 'rolled';
  await api('POST', '/v1/credentials', { name });
  await goTo(page, 'Credentials');
  await searchCredentials(page, name);
  await page.getByRole('button', { name: `Roll ${name}` }).click();
  const roll = page.getByRole('dialog', { name: `Roll the secret of “${name}”?` });
  await roll.getByLabel('Grace period for the old secret').click();
  await page.getByRole('option', { name: '24 hours (the maximum)' }).click();
  await roll.getByTestId('roll-grace-summary').filter({ hasText: '24 hours' }).waitFor();
  await look('dialog-roll');
  await roll.getByRole('button', { name: 'Roll secret' }).click();
  const token = page.getByTestId('token-dialog');
  await token.getByTestId('grace-notice').waitFor();
  await look('dialog-one-time-token-rolled');
  await token.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
  await token.waitFor({ state: 'detached' });
  // The grid marks a credential whose previous secret still works.
  await page.getByLabel(/^previous secret works until /).waitFor();
  await look('screen-credentials-grace');
  await page.getByLabel('Search credentials').fill('');
});

view('the profile dialog', 1, async (page, _theme, look) => {
  await goTo(page, 'Connections');
  await page.getByRole('button', { name: 'Edit' }).first().click();
  await look('dialog-profile');
  await cancel(page);
});

view('the user and group dialogs', 2, async (page, _theme, look) => {
  await goTo(page, 'Directory');
  await page.getByRole('button', { name: 'New user' }).click();
  await look('dialog-user');
  await cancel(page);
  await page
    .getByRole('button', { name: /^Edit group / })
    .first()
    .click();
  await look('dialog-group');
  await cancel(page);
});

view('the backend dialog, testing a path and refusing a lookaround', 2, async (page, _theme, look) => {
  await goTo(page, 'Backends');
  await page
    .getByRole('button', { name: /^Edit backend / })
    .first()
    .click();
  const backend = dialog(page);
  await backend.getByLabel('Test a path').fill('/billing-api/invoices/42');
  await backend.getByTestId('route-test-result').waitFor();
  await look('dialog-backend');
  const added = await backend.locator('[data-testid^="sub-setting-"]:not([data-testid$="-problem"])').count();
  await backend.getByRole('button', { name: 'Add sub-URL setting' }).click();
  await backend.getByTestId(`sub-setting-${added}`).getByLabel('Path regex').fill('^/billing-api/(?!public/)');
  await backend.getByTestId(`sub-setting-${added}-problem`).waitFor();
  await look('dialog-backend-refused');
  await backend.getByRole('button', { name: 'Cancel' }).click();
  await discardPrompt(page).getByRole('button', { name: 'Discard' }).click();
  await page.getByRole('dialog', { name: /^Edit backend / }).waitFor({ state: 'detached' });
});
