import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { startReceiver, type Receiver } from '../integration/lifecycle/webhook-receiver.ts';
import { withApp } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// A credential's life as the console shows it (DESIGN §5 Usage and Policies): real requests
// counted and charted, a lifetime policy that the editor follows and the server enforces, a
// webhook whose one-time secret verifies what a real receiver got, and a leak report marking the
// credential in the grid. Each test has its own server, app and webhook receiver (withApp).

interface Issued {
  id: string;
  secret: string;
}

interface LifecycleWorld {
  stack: {
    page: Page;
    rest: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
    serverUrl: string;
  };
  receiver: Receiver;
  issue(name: string, extra?: Record<string, unknown>): Promise<Issued>;
  decide(token: string, action: string): Promise<{ allowed: boolean; reason: string }>;
}

/** A connected console on a server with the test catalog and a "Client readers" role, and a webhook receiver. */
function lifecycle(t: TestContext, body: (world: LifecycleWorld) => Promise<void>): Promise<void> {
  return withApp(t, async (world) => {
    const receiver = await startReceiver();
    try {
      await world.api('PUT', '/v1/catalog', TEST_CATALOG);
      const readersId = (await world.api<{ id: string }>('POST', '/v1/roles', { name: 'Client readers', actions: ['GetClients'] })).id;
      await connect(world.page, world.server.url, world.server.adminToken);
      const rest = world.api;
      await body({
        stack: { page: world.page, rest, serverUrl: world.server.url },
        receiver,
        issue: (name, extra = {}) =>
          rest<{ credential: { id: string }; secret: string }>('POST', '/v1/credentials', { name, roles: [readersId], ...extra }).then(
            (r): Issued => ({ id: r.credential.id, secret: r.secret }),
          ),
        decide: (token, action) => rest<{ allowed: boolean; reason: string }>('POST', '/v1/authorize', { token, action }),
      });
    } finally {
      await receiver.close();
    }
  });
}

test('the usage dialog of a credential counts its allowed and denied requests, as a chart and as a table', (t) =>
  lifecycle(t, async ({ stack, issue, decide }) => {
    const { page } = stack;
    const busy = await issue('usage busy');
    for (let i = 0; i < 7; i++) assert.equal((await decide(busy.secret, 'GetClients')).allowed, true);
    for (let i = 0; i < 3; i++) assert.equal((await decide(busy.secret, 'DeleteClient')).reason, 'not_permitted');

    await goTo(page, 'Credentials');
    await page.getByRole('button', { name: 'Usage usage busy' }).click();
    const dialog = page.getByTestId('credential-usage-dialog');
    await dialog.getByTestId('usage-totals').filter({ hasText: '7 allowed · 3 denied' }).waitFor();
    // The chart draws one bar per series with a value: allowed and "not permitted" in this hour.
    await dialog.getByTestId('usage-chart').locator('svg').first().waitFor();
    await dialog.getByText('Denied: Not permitted').waitFor();
    await dialog.getByRole('button', { name: 'Table' }).click();
    const table = dialog.getByTestId('usage-table');
    const busyRow = table.getByRole('row').filter({ hasText: 'Not permitted 3' });
    await busyRow.waitFor();
    assert.deepEqual(
      (await busyRow.getByRole('cell').allTextContents()).slice(1, 3),
      ['7', '3'],
      'the hour of the requests: 7 allowed, 3 denied',
    );
    // 24 hourly buckets (or 25 when the range starts mid-hour), zeros included.
    const rows = await table.getByRole('row').count();
    assert.ok(rows - 1 >= 24 && rows - 1 <= 25, `${rows - 1} hourly rows`);

    await dialog.getByRole('button', { name: '30 days' }).click();
    await dialog.getByTestId('usage-totals').filter({ hasText: '7 allowed · 3 denied' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }));

test('the Usage screen totals every credential and lists the busiest and the most denied ones', (t) =>
  lifecycle(t, async ({ stack, issue, decide }) => {
    const { page } = stack;
    const hot = await issue('usage hot');
    for (let i = 0; i < 12; i++) await decide(hot.secret, 'GetClients');
    const blocked = await issue('usage blocked');
    for (let i = 0; i < 9; i++) await decide(blocked.secret, 'DeleteClient');
    for (let i = 0; i < 2; i++) await decide('kw_notarealtokenatallnotarealtokenatall00', 'GetClients');

    await goTo(page, 'Usage');
    const busiest = page.getByRole('table', { name: 'Busiest credentials' });
    const first = busiest.getByRole('row').nth(1);
    await first.filter({ hasText: 'usage hot' }).waitFor();
    assert.deepEqual((await first.getByRole('cell').allTextContents()).slice(1), ['12', '0']);
    const denied = page.getByRole('table', { name: 'Most denied' });
    await denied.getByRole('row').nth(1).filter({ hasText: 'usage blocked' }).waitFor();
    assert.deepEqual((await denied.getByRole('row').nth(1).getByRole('cell').allTextContents()).slice(1), ['0', '9']);
    await denied.getByRole('row').filter({ hasText: 'Unknown tokens' }).waitFor();

    // Totals are over every credential, unknown tokens included: this test's server saw only these.
    const totals = (await page.getByTestId('usage-totals').textContent()) ?? '';
    const [allowed, deniedCount] = (totals.match(/[\d,]+/g) ?? []).map((n) => Number(n.replace(/,/g, '')));
    assert.deepEqual([allowed, deniedCount], [12, 11], totals);

    // A credential's name opens its own usage.
    await busiest.getByRole('button', { name: 'usage hot' }).click();
    const dialog = page.getByTestId('credential-usage-dialog');
    await dialog.getByTestId('usage-totals').filter({ hasText: '12 allowed · 0 denied' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }));

test('a saved lifetime policy pre-selects the latest allowed expiry and a credential without one is refused at the expiry field', (t) =>
  lifecycle(t, async ({ stack }) => {
    const { page } = stack;
    try {
      await goTo(page, 'Policies');
      const card = page.getByTestId('lifetime-card');
      await card.getByLabel('Limit how long a credential may live').check();
      await card.getByLabel('Maximum lifetime (days)').fill('45');
      await card.getByRole('button', { name: 'Save lifetime policy' }).click();
      await card.getByText('Lifetime policy saved.').waitFor();
      const saved = await stack.rest<{ maxLifetimeDays: number; requireExpiry: boolean }>('GET', '/v1/policy/lifetime');
      assert.equal(saved.maxLifetimeDays, 45);
      assert.equal(saved.requireExpiry, true);

      await goTo(page, 'Credentials');
      await page.getByRole('button', { name: 'New credential' }).first().click();
      const editor = page.getByRole('dialog', { name: 'New credential' });
      await editor.getByLabel('Name').fill('lifetime bound');
      const latest = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
      await editor.getByTestId('expiry-help').filter({ hasText: 'at most 45 days' }).waitFor();
      assert.equal(await editor.getByRole('button', { name: 'Date' }).getAttribute('aria-pressed'), 'true');
      assert.equal(await editor.getByLabel('Expires on').inputValue(), latest);

      await editor.getByRole('button', { name: 'Never' }).click();
      await editor.getByRole('button', { name: 'Create and show token' }).click();
      const refusal = editor.getByTestId('expiry-help').filter({ hasText: /set an expiry no later than/ });
      await refusal.waitFor();
      assert.equal(await refusal.getAttribute('role'), 'alert');
      assert.equal(await editor.getByRole('alert').count(), 1, 'the refusal is shown once, at the field');

      // Back to the pre-selected latest day: that is allowed, and the credential lives 45 days.
      await editor.getByRole('button', { name: 'Date' }).click();
      await editor.getByLabel('Expires on').fill(latest);
      assert.equal(await editor.getByTestId('expiry-help').getAttribute('role'), null, 'changing the expiry clears the refusal');
      await editor.getByRole('button', { name: 'Create and show token' }).click();
      const token = page.getByTestId('token-dialog');
      await token.getByText('It will not be shown again').waitFor();
      await token.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
      await token.waitFor({ state: 'detached' });
      const list = await stack.rest<{ items: { name: string; createdAt: string; expiresAt: string | null }[] }>(
        'GET',
        '/v1/credentials?limit=200',
      );
      const made = list.items.find((c) => c.name === 'lifetime bound')!;
      assert.ok(made.expiresAt);
      assert.ok(Date.parse(made.expiresAt) - Date.parse(made.createdAt) <= 45 * 86_400_000);
    } finally {
      await stack.rest('PUT', '/v1/policy/lifetime', { maxLifetimeDays: null, requireExpiry: false, warnBeforeDays: 14 });
    }
  }));

test('a new webhook shows its signing secret once, delivers a signed event to the receiver, and resends it from the delivery log', (t) =>
  lifecycle(t, async ({ stack, receiver, issue }) => {
    const { page } = stack;
    await goTo(page, 'Policies');
    await page.getByRole('button', { name: 'New webhook' }).click();
    const editor = page.getByTestId('webhook-editor');
    await editor.getByLabel('Name').fill('ops chat');
    await editor.getByLabel('Receiver URL').fill('ftp://example.com/hook');
    await editor.getByRole('button', { name: 'Create webhook' }).click();
    await editor.getByText('Use https://').waitFor();
    await editor.getByLabel('Receiver URL').fill(receiver.url);
    await editor.getByRole('button', { name: 'Create webhook' }).click();

    const secretDialog = page.getByTestId('token-dialog');
    await secretDialog.getByText('Signing secret of webhook “ops chat”').waitFor();
    await secretDialog.getByText('It will not be shown again').waitFor();
    await secretDialog.getByRole('button', { name: 'Reveal' }).click();
    await secretDialog
      .getByTestId('token-value')
      .filter({ hasText: /^whsec_/ })
      .waitFor();
    const secret = (await secretDialog.getByTestId('token-value').textContent())!;
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('dialog', { name: 'Close without the signing secret?' }).getByRole('button', { name: 'Close' }).click();
    await secretDialog.waitFor({ state: 'detached' });

    const row = page.getByTestId('webhook-row').filter({ hasText: 'ops chat' });
    await row.waitFor();
    await row.getByText(receiver.url).waitFor();
    await row.getByText('credential.revoked').waitFor();
    assert.equal(await row.getByLabel('ops chat enabled').isChecked(), true);

    const doomed = await issue('webhook doomed');
    await stack.rest('POST', `/v1/credentials/${doomed.id}/revoke`);
    const [delivery] = await receiver.waitFor(1, (r) => r.json.type === 'credential.revoked');
    const verified = new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>) as { data: { id?: string } };
    assert.equal(JSON.stringify(verified).includes(doomed.secret), false, 'no secret in the payload');

    await row.getByRole('button', { name: 'Delivery log of ops chat' }).click();
    const log = page.getByTestId('webhook-deliveries');
    const entry = log.getByTestId('delivery-row').filter({ hasText: 'credential.revoked' });
    await entry.filter({ hasText: 'delivered' }).filter({ hasText: 'HTTP 204' }).waitFor();
    await entry.getByRole('button', { name: 'Resend' }).click();
    const both = await receiver.waitFor(2, (r) => r.json.type === 'credential.revoked');
    assert.equal(both[1]!.headers['webhook-id'], both[0]!.headers['webhook-id'], 'a resend keeps the message id');
    new Webhook(secret).verify(both[1]!.body, both[1]!.headers as Record<string, string>);
    await entry.filter({ hasText: 'delivered' }).waitFor();
    await log.getByRole('button', { name: 'Close' }).click();
    await log.waitFor({ state: 'detached' });

    // Switched off, it is kept but sends nothing.
    await row.getByLabel('ops chat enabled').click();
    await row.getByRole('switch', { name: 'ops chat enabled', checked: false }).waitFor();
    const hooks = await stack.rest<{ items: { name: string; enabled: boolean }[] }>('GET', '/v1/webhooks');
    assert.equal(hooks.items.find((h) => h.name === 'ops chat')?.enabled, false);
  }));

test('a credential reported as leaked is revoked and marked leaked in the grid and in its details', (t) =>
  lifecycle(t, async ({ stack, issue, decide }) => {
    const { page } = stack;
    const leaky = await issue('leaky ci');
    await issue('tidy ci');
    await goTo(page, 'Credentials');
    // Issued outside the console, as by another admin: Sync brings it in even if this list is fresh.
    await page.getByRole('button', { name: 'Sync' }).click();
    const gridRow = page.getByRole('row').filter({ hasText: 'leaky ci' });
    await gridRow.getByText('active').waitFor();
    assert.equal(await gridRow.getByTestId('leaked-chip').count(), 0);

    const answer = await fetch(`${stack.serverUrl}/v1/leaks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: leaky.secret, source: 'github', url: 'https://github.com/example/repo/blob/main/.env' }),
    });
    assert.equal(answer.status, 202);
    assert.equal((await decide(leaky.secret, 'GetClients')).reason, 'revoked');

    await page.reload();
    await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
    await goTo(page, 'Credentials');
    // A leaked credential is revoked, and revoked ones leave the default view: the status filter brings them back.
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Any status, revoked too' }).click();
    await gridRow.getByTestId('leaked-chip').waitFor();
    assert.equal(await gridRow.getByTestId('leaked-chip').textContent(), 'leaked');
    await gridRow.getByTestId('leaked-chip').hover();
    await page
      .getByRole('tooltip')
      .filter({ hasText: /Reported as leaked on .* and revoked at once/ })
      .waitFor();

    // Its details (the usage dialog) say so too, with what to do next.
    await page.getByRole('button', { name: 'Usage leaky ci' }).click();
    const details = page.getByTestId('credential-usage-dialog');
    await details.getByTestId('leaked-alert').waitFor();
    assert.match(
      (await details.getByTestId('leaked-alert').textContent()) ?? '',
      /Reported as leaked on .* revoked at once.*Issue a replacement/,
    );
    await details.getByRole('button', { name: 'Close' }).click();

    // A credential never reported carries no such warning in its details.
    await page.getByRole('button', { name: 'Usage tidy ci' }).click();
    await page.getByTestId('credential-usage-dialog').getByTestId('usage-totals').waitFor();
    assert.equal(await page.getByTestId('credential-usage-dialog').getByTestId('leaked-alert').count(), 0);
    await page.getByTestId('credential-usage-dialog').getByRole('button', { name: 'Close' }).click();
  }));
