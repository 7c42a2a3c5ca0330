import assert from 'node:assert/strict';
import { at1280, view, type ViewWorld } from './helpers/axe-views.ts';
import { goTo, searchCredentials } from './helpers/ui.ts';

// The lifecycle screens and dialogs in light and dark: Usage with real traffic counted, the usage
// of one credential, Policies with a webhook that delivered and its delivery log, and a credential
// reported leaked — an axe scan (WCAG 2.1 A/AA) with no serious or critical violation and a
// screenshot each, on the demo data set. The harness is helpers/axe-views.ts.

// The lifecycle screens (DESIGN §5 Usage and Policies) at the 1280×800 window the issue asks for,
// with real traffic counted, a webhook that delivered, and a credential reported leaked.

/** Requests of two credentials: allowed, denied for two reasons, unknown tokens. */
async function makeTraffic({ api }: ViewWorld): Promise<void> {
  const { items: roles } = await api<{ items: { id: string; name: string; actions: string[] }[] }>('GET', '/v1/roles');
  const role = roles.find((r) => r.name === 'Support agent' && r.actions.length > 0) ?? roles.find((r) => r.actions.length > 0)!;
  const busy = await api<{ secret: string }>('POST', '/v1/credentials', { name: 'usage: support bot', roles: [role.id] });
  // No roles: every request is denied as no_roles.
  const quiet = await api<{ secret: string }>('POST', '/v1/credentials', { name: 'usage: nightly batch' });
  const decide = (token: string, action: string) => api('POST', '/v1/authorize', { token, action });
  const action = role.actions[0]!;
  for (let i = 0; i < 40; i++) await decide(busy.secret, action);
  for (let i = 0; i < 6; i++) await decide(quiet.secret, action);
  for (let i = 0; i < 4; i++) await decide('kw_notarealtokenatallnotarealtokenatall00', action);
}

view('lifecycle: the Usage screen with traffic', 2, async (page, _theme, look, world) => {
  await makeTraffic(world);
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

view('lifecycle: the usage of one credential', 1, async (page, _theme, look, world) => {
  await makeTraffic(world);
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

/** A webhook to a local receiver with one delivered message. */
async function makeWebhook({ api, receiver }: ViewWorld): Promise<void> {
  const hooks = await receiver();
  await api('POST', '/v1/webhooks', {
    name: 'SIEM',
    url: hooks.url,
    events: ['credential.revoked', 'credential.leak_reported', 'policy.changed'],
  });
  await api('PUT', '/v1/policy/lifetime', { maxLifetimeDays: 180, requireExpiry: true, warnBeforeDays: 14 });
  await hooks.waitFor(1, (r) => r.json.type === 'policy.changed');
}

view('lifecycle: the Policies screen, the webhook editor and a delivery log', 3, async (page, _theme, look, world) => {
  // A limit set (so the lifetime card shows its fields) and a webhook told of it.
  await makeWebhook(world);
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
  });
});

view('lifecycle: a credential reported leaked, in the grid and its details', 1, async (page, _theme, look, { api, server }) => {
  const name = 'leaked';
  const { secret } = await api<{ secret: string }>('POST', '/v1/credentials', {
    name,
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  });
  const answer = await fetch(`${server.url}/v1/leaks`, {
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
