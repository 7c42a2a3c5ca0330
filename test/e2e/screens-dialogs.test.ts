import assert from 'node:assert/strict';
import { at1280, useDemoStack, view, world, dialog, cancel, discardPrompt } from './helpers/axe-views.ts';
import { goTo, searchCredentials } from './helpers/ui.ts';

// Every dialog, and the lifecycle screens (Usage, Policies), in light and dark: the role dialog
// searching and at 5,000 actions, the credential editor with validation errors, the one-time
// token, rolling with grace, the profile, user, group and backend dialogs, webhooks and a leaked
// credential — an axe scan (WCAG 2.1 A/AA) with no serious or critical violation and a
// screenshot each, on the demo data set. The screens are in screens.test.ts.

useDemoStack();

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

view('the role dialog at 5,000 actions', 1, async (_page, theme, look) => {
  // The bench page mounts the dialog alone on a synthetic catalog (no backend needed).
  const page = await world.stack.context.newPage();
  try {
    await page.goto(`${world.bench.url}/bench/role-dialog-bench.html?actions=5000&groups=100&selected=700&theme=${theme}`);
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

view('bulk actions: the selection bar and one confirmation for many rows', 4, async (page, theme, look) => {
  await world.stack.rest('POST', '/v1/credentials', { name: `bulk scan ${theme}` });
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

view('the one-time token dialog and its close confirmation', 2, async (page, theme, look) => {
  await goTo(page, 'Credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const editor = page.getByRole('dialog', { name: 'New credential' });
  await editor.getByLabel('Name').fill(`screenshot ${theme}`);
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

view('rolling a secret with a grace period', 3, async (page, theme, look) => {
  const name = `rolled ${theme}`;
  await world.stack.rest('POST', '/v1/credentials', { name });
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

// The lifecycle screens (DESIGN §5 Usage and Policies) at the 1280×800 window the issue asks for,
// with real traffic counted, a webhook that delivered, and a credential reported leaked.

let traffic: Promise<void> | null = null;
/** Requests of two credentials (once per file): allowed, denied for two reasons, unknown tokens. */
function makeTraffic(): Promise<void> {
  traffic ??= (async () => {
    const { items: roles } = await world.stack.rest<{ items: { id: string; name: string; actions: string[] }[] }>('GET', '/v1/roles');
    const role = roles.find((r) => r.name === 'Support agent' && r.actions.length > 0) ?? roles.find((r) => r.actions.length > 0)!;
    const busy = await world.stack.rest<{ secret: string }>('POST', '/v1/credentials', { name: 'usage: support bot', roles: [role.id] });
    // No roles: every request is denied as no_roles.
    const quiet = await world.stack.rest<{ secret: string }>('POST', '/v1/credentials', { name: 'usage: nightly batch' });
    const decide = (token: string, action: string) => world.stack.rest('POST', '/v1/authorize', { token, action });
    const action = role.actions[0]!;
    for (let i = 0; i < 40; i++) await decide(busy.secret, action);
    for (let i = 0; i < 6; i++) await decide(quiet.secret, action);
    for (let i = 0; i < 4; i++) await decide('kw_notarealtokenatallnotarealtokenatall00', action);
  })();
  return traffic;
}

view('lifecycle: the Usage screen with traffic', 2, async (page, _theme, look) => {
  await makeTraffic();
  await at1280(page, async () => {
    await goTo(page, 'Usage');
    await page.getByRole('table', { name: 'Busiest credentials' }).getByText('usage: support bot').waitFor();
    await look('screen-usage');
    await page.getByRole('button', { name: 'Table' }).click();
    await page.getByTestId('usage-table').waitFor();
    await look('screen-usage-table');
    await page.getByRole('button', { name: 'Chart' }).click();
  });
});

view('lifecycle: the usage of one credential', 1, async (page, _theme, look) => {
  await makeTraffic();
  await at1280(page, async () => {
    await goTo(page, 'Credentials');
    await searchCredentials(page, 'usage: support bot');
    await page.getByRole('button', { name: 'Usage usage: support bot' }).click();
    await page.getByTestId('credential-usage-dialog').getByTestId('usage-totals').filter({ hasText: '40 allowed' }).waitFor();
    await look('dialog-credential-usage');
    await page.getByTestId('credential-usage-dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('credential-usage-dialog').waitFor({ state: 'detached' });
    await page.getByLabel('Search credentials').fill('');
  });
});

let hooked: Promise<void> | null = null;
/** A webhook to the local receiver with one delivered message (once per file). */
function makeWebhook(): Promise<void> {
  hooked ??= (async () => {
    await world.stack.rest('POST', '/v1/webhooks', {
      name: 'SIEM',
      url: world.receiver.url,
      events: ['credential.revoked', 'credential.leak_reported', 'policy.changed'],
    });
    await world.stack.rest('PUT', '/v1/policy/lifetime', { maxLifetimeDays: 180, requireExpiry: true, warnBeforeDays: 14 });
    await world.receiver.waitFor(1, (r) => r.json.type === 'policy.changed');
    // Back to no limit: the other views create credentials without an expiry.
    await world.stack.rest('PUT', '/v1/policy/lifetime', { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
  })();
  return hooked;
}

view('lifecycle: the Policies screen, the webhook editor and a delivery log', 3, async (page, _theme, look) => {
  await makeWebhook();
  // A limit set, so the lifetime card shows its fields; lifted again for the other views.
  await world.stack.rest('PUT', '/v1/policy/lifetime', { maxLifetimeDays: 180, requireExpiry: true, warnBeforeDays: 14 });
  await at1280(page, async () => {
    await page.reload();
    await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
    await goTo(page, 'Policies');
    await page.getByTestId('webhook-row').filter({ hasText: 'SIEM' }).waitFor();
    await look('screen-policies');
    await page.getByRole('button', { name: 'New webhook' }).click();
    const editor = page.getByTestId('webhook-editor');
    await editor.getByLabel('Receiver URL').fill('http://hooks.example.com/keyward');
    await editor.getByRole('button', { name: 'Create webhook' }).click();
    await editor.getByText('Use https://').waitFor();
    await look('dialog-webhook-editor');
    await editor.getByRole('button', { name: 'Cancel' }).click();
    await editor.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delivery log of SIEM' }).click();
    await page.getByTestId('delivery-row').filter({ hasText: 'delivered' }).first().waitFor();
    await look('dialog-webhook-deliveries');
    await page.getByTestId('webhook-deliveries').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('webhook-deliveries').waitFor({ state: 'detached' });
  }).finally(() => world.stack.rest('PUT', '/v1/policy/lifetime', { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 }));
});

view('lifecycle: a credential reported leaked, in the grid and its details', 1, async (page, theme, look) => {
  const name = `leaked ${theme}`;
  const { secret } = await world.stack.rest<{ secret: string }>('POST', '/v1/credentials', {
    name,
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  });
  const answer = await fetch(`${world.stack.serverUrl}/v1/leaks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: secret, source: 'github' }),
  });
  assert.equal(answer.status, 202);
  await at1280(page, async () => {
    await page.reload();
    await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
    await goTo(page, 'Credentials');
    await searchCredentials(page, 'leaked');
    // Revoked (so leaked) credentials leave the default view; the status filter brings them back.
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Any status, revoked too' }).click();
    await page.getByRole('row').filter({ hasText: name }).getByTestId('leaked-chip').waitFor();
    await look('screen-credentials-leaked');
    await page.getByRole('button', { name: `Usage ${name}` }).click();
    await page.getByTestId('credential-usage-dialog').getByTestId('leaked-alert').waitFor();
    await look('dialog-credential-leaked');
    await page.getByTestId('credential-usage-dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('credential-usage-dialog').waitFor({ state: 'detached' });
    await page.getByLabel('Search credentials').fill('');
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'All but revoked' }).click();
  });
});
