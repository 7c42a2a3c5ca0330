import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot } from './helpers/browser.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';
import { animationsDone, goTo } from './helpers/ui.ts';

// An HTTPS server with a self-signed certificate: the admin confirms its fingerprint once, at the
// first connection; from then on a different certificate is refused (the token is not sent) until
// the admin deliberately trusts the new fingerprint. Each test has its own server, first serving
// the original certificate, and a fresh app (helpers/fixtures.ts).

const first = selfSignedCertificate('Keyward e2e original');
const renewed = selfSignedCertificate('Keyward e2e renewed');
const https = { tls: first };

const card = (page: Page) => page.getByRole('article', { name: 'Secure server' });

/** Fills in the Add a server dialog for the test's server and tests the connection. */
async function testNewProfile({ page, server }: AppWorld) {
  await goTo(page, 'Connections');
  await page.getByRole('button', { name: 'Add server' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a server' });
  await dialog.getByLabel('Name').fill('Secure server');
  await dialog.getByLabel('Server URL').fill(server.url);
  await dialog.getByLabel('Admin token').fill(server.adminToken);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  return dialog;
}

/** Where the first test ends: the profile saved with the original certificate pinned, and connected. */
async function pinnedAndConnected(world: AppWorld) {
  const { page } = world;
  const dialog = await testNewProfile(world);
  await dialog.getByLabel("This fingerprint is the server's").check();
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await dialog.waitFor({ state: 'detached' });
  await card(page).getByText(`Pinned certificate ${first.fingerprint}`).waitFor();
  await card(page).getByRole('button', { name: 'Connect' }).click();
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
  await page.getByTestId('role-row-Administrator').waitFor();
}

/** The server comes back on the same address and database with another certificate. */
async function renewCertificate({ server }: AppWorld) {
  await server.stop();
  await server.restart({ tls: renewed });
}

test('at the first connection to an https server the profile is saved only after its certificate fingerprint is confirmed', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, server } = world;
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:/);
      const dialog = await testNewProfile(world);

      await dialog.getByText(/^Reached the server \(Keyward [\d.]+\)\.$/).waitFor();
      await dialog.getByText('Check this fingerprint with the server').waitFor();
      assert.equal(await dialog.locator('code').textContent(), first.fingerprint);
      // Until the fingerprint is confirmed the token is not even tried, and nothing can be saved.
      assert.equal(await dialog.getByText('the token works').count(), 0);
      assert.equal(await dialog.getByRole('button', { name: 'Add server' }).isDisabled(), true);
      await screenshot(page, 'dialog-profile-fingerprint', 'light');

      await dialog.getByLabel("This fingerprint is the server's").check();
      await dialog.getByRole('button', { name: 'Add server' }).click();
      await dialog.waitFor({ state: 'detached' });
      await card(page).getByText(`Pinned certificate ${first.fingerprint}`).waitFor();

      await card(page).getByRole('button', { name: 'Connect' }).click();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
      await page.getByTestId('role-row-Administrator').waitFor();
      assert.equal(await page.title(), 'Secure server — Keyward');
    },
    https,
  ));

test('a server presenting another certificate is refused with the reason, on sync and on connect', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await pinnedAndConnected(world);
      await renewCertificate(world);

      await page.getByRole('button', { name: 'Sync' }).click();
      // The session goes offline with the reason, and the banner says it (not just a passing snackbar).
      await page.getByTestId('offline-banner').filter({ hasText: 'presented a different certificate' }).waitFor();
      assert.equal(await page.getByTestId('connection-state').textContent(), 'Offline');

      await goTo(page, 'Connections');
      await card(page).getByRole('button', { name: 'Disconnect' }).click();
      await card(page).getByRole('button', { name: 'Connect' }).click();
      await page.getByTestId('connections-error').filter({ hasText: 'Keyward did not send the token' }).waitFor();
      assert.notEqual(await page.getByTestId('connection-state').textContent(), 'Online');
      // The pin is unchanged: refusing is not re-trusting.
      await card(page).getByText(`Pinned certificate ${first.fingerprint}`).waitFor();
    },
    https,
  ));

test('trusting the new certificate is a deliberate step showing its fingerprint, after which the profile connects again', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await pinnedAndConnected(world);
      await renewCertificate(world);
      await goTo(page, 'Connections');
      await card(page).getByRole('button', { name: 'Disconnect' }).click();
      await card(page).getByRole('button', { name: 'Connect' }).waitFor();

      await card(page).getByRole('button', { name: 'Test' }).click();
      const change = card(page).getByTestId('certificate-change');
      assert.equal(await change.getByTestId('new-fingerprint').textContent(), renewed.fingerprint);
      await screenshot(page, 'screen-connections-certificate-changed', 'light');
      await change.getByRole('button', { name: 'Trust the new certificate…' }).click();
      const confirm = page.getByRole('dialog', { name: 'Trust the new certificate of “Secure server”?' });
      await confirm.getByText(renewed.fingerprint).waitFor();
      // Wide enough for the fingerprint, which wraps only between byte pairs: no pair is split.
      // (A string, as these tests are typed without the DOM library.)
      await confirm.getByTestId('confirm-fingerprint').waitFor();
      const layout = (await page.evaluate(`(() => {
        const el = document.querySelector('[role="dialog"] [data-testid="confirm-fingerprint"]');
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        const split = [];
        const lines = new Set();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!/^[0-9A-F]{2}$/.test(node.textContent)) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const rects = range.getClientRects();
          if (rects.length !== 1) split.push(node.textContent);
          lines.add(Math.round(rects[0].top));
        }
        return { split, lines: lines.size };
      })()`)) as { split: string[]; lines: number };
      assert.deepEqual(layout.split, []);
      assert.ok(layout.lines <= 2, `the fingerprint takes ${layout.lines} lines`);
      await animationsDone(page); // the dialog's fade-in, for the screenshot
      await screenshot(page, 'dialog-trust-new-certificate', 'light');
      await confirm.getByRole('button', { name: 'Trust certificate' }).click();
      await confirm.waitFor({ state: 'detached' });
      await card(page).getByText(`Pinned certificate ${renewed.fingerprint}`).waitFor();

      await card(page).getByRole('button', { name: 'Connect' }).click();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
      await page.getByTestId('role-row-Administrator').waitFor();
    },
    https,
  ));
