import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Request } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { animationsDone, connect, goTo, searchCredentials, setTheme } from './helpers/ui.ts';
import { screenshot } from './helpers/browser.ts';
import { BOOTSTRAP_CREDENTIAL_NAME } from '../../shared/domain/policy.ts';

// A credential's life in the console: create with roles, copy the one-time token (the clipboard
// holds it, then is cleared), never see it again; disable; revoke. Each test is a fresh app and
// backend (helpers/fixtures.ts) holding the role "Client readers", connected; what a test needs
// beyond that it creates first, through the REST API unless the UI is what it checks.

const withCatalog = { catalog: TEST_CATALOG };
/** The role "Client readers" (GetClients) on the server, then the app connected: answers the role's id. */
async function clientReaders({ api, page, server }: AppWorld): Promise<string> {
  const { id } = await api<{ id: string }>('POST', '/v1/roles', { name: 'Client readers', actions: ['GetClients'] });
  await connect(page, server.url, server.adminToken);
  return id;
}

const decide = (api: AppWorld['api'], token: string, action: string) =>
  api<{ allowed: boolean; reason: string }>('POST', '/v1/authorize', { token, action });

/** Creates "ci deploy" (Client readers, 30 days) in the credential dialog and copies and reveals its token: answers the token once the one-time dialog is closed. */
async function createCiDeploy({ page, readClipboard }: AppWorld): Promise<string> {
  await goTo(page, 'Credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const editor = page.getByRole('dialog', { name: 'New credential' });
  await editor.getByLabel('Name').fill('ci deploy');
  await editor.getByLabel('Access Roles').click();
  await page.getByRole('option', { name: 'Client readers' }).click();
  await editor.getByRole('button', { name: '30 days' }).click();
  await editor.getByRole('button', { name: 'Create and show token' }).click();
  const dialog = page.getByTestId('token-dialog');
  await dialog.getByRole('button', { name: 'Copy token' }).click();
  await dialog.getByTestId('copy-status').filter({ hasText: 'Copied token' }).waitFor();
  const secret = await readClipboard();
  assert.match(secret, /^kw_[0-9A-Za-z]{38}$/);
  // Shown in full too, as the first test does: closing must take it out of the page.
  await dialog.getByRole('button', { name: 'Reveal' }).click();
  await dialog.getByTestId('token-value').filter({ hasText: secret }).waitFor();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
  return secret;
}

test('creating a credential shows its token once, masked, and copying puts it on the clipboard until it is cleared', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      await goTo(page, 'Connections');
      await page.getByLabel('Clear copied tokens after').click();
      await page.getByRole('option', { name: '5 seconds' }).click();

      await goTo(page, 'Credentials');
      await page.getByRole('button', { name: 'New credential' }).first().click();
      const editor = page.getByRole('dialog', { name: 'New credential' });
      await editor.getByLabel('Name').fill('ci deploy');
      await editor.getByLabel('Access Roles').click();
      await page.getByRole('option', { name: 'Client readers' }).click();
      await editor.getByRole('button', { name: '30 days' }).click();
      await editor.getByLabel('Allowed networks (CIDR)').fill('10.0.0.0/33');
      await editor
        .getByText(/prefix|CIDR|\/33/i)
        .first()
        .waitFor();
      assert.equal(await editor.getByRole('button', { name: 'Create and show token' }).isDisabled(), true);
      await editor.getByLabel('Allowed networks (CIDR)').fill('');
      await editor.getByTestId('effective-permissions').getByText('Clients — 1 of 4').waitFor();
      await editor.getByRole('button', { name: 'Create and show token' }).click();

      const dialog = page.getByTestId('token-dialog');
      await dialog.getByText('It will not be shown again').waitFor();
      const masked = (await dialog.getByTestId('token-value').textContent()) ?? '';
      assert.match(masked, /^kw_/);
      assert.match(masked, /•/);

      await dialog.getByRole('button', { name: 'Copy token' }).click();
      await dialog
        .getByTestId('copy-status')
        .filter({ hasText: /Copied token — clears in [1-5] s/ })
        .waitFor();
      const secret = await world.readClipboard();
      assert.match(secret, /^kw_[0-9A-Za-z]{38}$/);
      assert.equal((await decide(api, secret, 'GetClients')).allowed, true);
      await dialog.getByTestId('copy-status').filter({ hasText: 'Clipboard cleared.' }).waitFor({ timeout: 10_000 });
      assert.equal(await world.readClipboard(), '');

      await dialog.getByRole('button', { name: 'Copy Authorization header' }).click();
      await dialog.getByTestId('copy-status').filter({ hasText: 'Copied Authorization header' }).waitFor();
      assert.equal(await world.readClipboard(), `Authorization: Bearer ${secret}`);

      await dialog.getByRole('button', { name: 'Reveal' }).click();
      // Reveal asks main for the secret: wait for the answer instead of reading the text at once.
      await dialog.getByTestId('token-value').filter({ hasText: secret }).waitFor();
      assert.equal(await dialog.getByTestId('token-value').textContent(), secret);
      await dialog.getByRole('button', { name: 'Done' }).click();
      const confirm = page.getByRole('dialog', { name: 'Close without the token?' });
      await confirm.getByText('You will not be able to see this token again').waitFor();
      await confirm.getByText(/still cleared in [1-5] s/).waitFor();
      await confirm.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
      // Closing forgets the secret; the pending clear still runs, as the user may be pasting.
      await world.app.clipboardEmptied(8000);
      assert.equal(await world.readClipboard(), '', 'the copy made before closing is cleared on schedule');
    },
    withCatalog,
  ));

test('after the one-time dialog the token appears nowhere in the console', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await clientReaders(world);
      const secret = await createCiDeploy(world);
      await page.getByRole('gridcell', { name: 'ci deploy' }).waitFor();
      assert.equal((await page.content()).includes(secret), false);
      await page.getByRole('button', { name: 'Edit ci deploy' }).click();
      const editor = page.getByRole('dialog', { name: /Edit credential/ });
      await editor.getByLabel('Name').waitFor();
      assert.equal((await page.content()).includes(secret), false);
      assert.equal((await page.content()).includes(secret.slice(12)), false);
      await editor.getByRole('button', { name: 'Cancel' }).click();
    },
    withCatalog,
  ));

test('disabling says what happens and the token is then denied as disabled; revoking is final', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const readersId = await clientReaders(world);
      const { secret } = await api<{ secret: string }>('POST', '/v1/credentials', { name: 'ci deploy', roles: [readersId] });
      await goTo(page, 'Credentials');
      await page.getByRole('gridcell', { name: 'ci deploy' }).waitFor();
      await page.getByRole('button', { name: 'Disable ci deploy' }).click();
      const disable = page.getByRole('dialog', { name: 'Disable “ci deploy”?' });
      await disable.getByText('denied (reason “disabled”)').waitFor();
      await disable.getByRole('button', { name: 'Disable' }).click();
      await page.getByRole('gridcell', { name: 'disabled' }).waitFor();
      assert.equal((await decide(api, secret, 'GetClients')).reason, 'disabled');

      await page.getByRole('button', { name: 'Revoke ci deploy' }).click();
      const revoke = page.getByRole('dialog', { name: 'Revoke “ci deploy”?' });
      await revoke.getByText('This cannot be undone').waitFor();
      await revoke.getByRole('button', { name: 'Revoke' }).click();
      // Revoked credentials leave the default view; the status filter brings them back.
      await page.getByRole('gridcell', { name: 'ci deploy' }).waitFor({ state: 'detached' });
      await page.getByRole('combobox', { name: 'Status' }).click();
      await page.getByRole('option', { name: 'Any status, revoked too' }).click();
      await page.getByRole('gridcell', { name: 'revoked' }).waitFor();
      await page.getByRole('combobox', { name: 'Status' }).click();
      await page.getByRole('option', { name: 'All but revoked' }).click();
      assert.equal((await decide(api, secret, 'GetClients')).reason, 'revoked');
      assert.ok(readersId);
    },
    withCatalog,
  ));

test('rolling with a grace period shows the new token once, and the old one keeps working until the time the dialog states', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const readersId = await clientReaders(world);
      const issued = await api<{ secret: string }>('POST', '/v1/credentials', { name: 'payments worker', roles: [readersId] });
      const old = issued.secret;
      await goTo(page, 'Credentials');
      await searchCredentials(page, 'payments worker');
      await page.getByRole('gridcell', { name: 'payments worker' }).waitFor();

      await page.getByRole('button', { name: 'Roll payments worker' }).click();
      const roll = page.getByRole('dialog', { name: 'Roll the secret of “payments worker”?' });
      await roll.getByText('Services still using the current secret are denied as soon as you roll.').waitFor();
      await roll.getByLabel('Grace period for the old secret').click();
      await page.getByRole('option', { name: '1 hour' }).click();
      await roll.getByTestId('roll-grace-summary').filter({ hasText: 'Both secrets work for 1 hour after you roll' }).waitFor();
      const earliest = Date.now() + 3_600_000;
      await roll.getByRole('button', { name: 'Roll secret' }).click();

      const dialog = page.getByTestId('token-dialog');
      await dialog.getByText('New secret for “payments worker”').waitFor();
      const latest = Date.now() + 3_600_000;
      const notice = (await dialog.getByTestId('grace-notice').textContent()) ?? '';
      // The dialog names the moment in the page's locale; it is one of the minutes the roll could have taken.
      const candidates = await page.evaluate(
        ({ from, to }) => {
          const out = new Set<string>();
          for (let t = from - 60_000; t <= to + 60_000; t += 30_000)
            out.add(
              new Date(t).toLocaleString(undefined, {
                year: 'numeric',
                month: 'short',
                day: 'numeric',
                hour: 'numeric',
                minute: '2-digit',
              }),
            );
          return [...out];
        },
        { from: earliest, to: latest },
      );
      assert.ok(
        candidates.some((c) => notice.includes(`The previous secret keeps working until ${c}`)),
        `"${notice}" names none of ${candidates.join(' / ')}`,
      );

      await dialog.getByRole('button', { name: 'Copy token' }).click();
      await dialog.getByTestId('copy-status').filter({ hasText: 'Copied token' }).waitFor();
      const fresh = await world.readClipboard();
      assert.match(fresh, /^kw_[0-9A-Za-z]{38}$/);
      assert.notEqual(fresh, old);
      assert.equal((await decide(api, fresh, 'GetClients')).allowed, true);
      assert.equal((await decide(api, old, 'GetClients')).allowed, true, 'the old secret still works during the grace period');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });

      // Rolling again without grace: the secret in use stops at once, and so does the one in grace.
      await page.getByRole('button', { name: 'Roll payments worker' }).click();
      await page
        .getByRole('dialog', { name: 'Roll the secret of “payments worker”?' })
        .getByRole('button', { name: 'Roll secret' })
        .click();
      await dialog.getByTestId('grace-notice').filter({ hasText: 'The previous secret no longer works.' }).waitFor();
      assert.equal((await decide(api, fresh, 'GetClients')).allowed, false);
      assert.equal((await decide(api, old, 'GetClients')).allowed, false);
      await dialog.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
    },
    withCatalog,
  ));

test('the credentials search asks the server once typing pauses, not once per keystroke', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      for (const name of ['search alpha one', 'search alpha two', 'search beta']) await api('POST', '/v1/credentials', { name });
      await goTo(page, 'Credentials');
      const box = page.getByLabel('Search credentials');
      await page.getByRole('gridcell', { name: 'search beta' }).waitFor();

      const searches: (string | undefined)[] = [];
      const onRequest = (r: Request) => {
        if (r.url().endsWith('/rpc/credentials.list')) searches.push((JSON.parse(r.postData() ?? 'null') as { q?: string } | null)?.q);
      };
      page.on('request', onRequest);
      const typed = 'search alpha';
      await box.pressSequentially(typed);
      await page.getByRole('gridcell', { name: 'search alpha two' }).waitFor();
      await page.getByRole('gridcell', { name: 'search beta' }).waitFor({ state: 'detached' });
      page.off('request', onRequest);

      assert.equal(searches.at(-1), typed);
      assert.ok(
        searches.length < typed.length / 2,
        `${typed.length} keystrokes made ${searches.length} requests: ${JSON.stringify(searches)}`,
      );
    },
    withCatalog,
  ));

test('a slow answer to an older search never replaces the results of the newer one', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      for (const name of ['search alpha one', 'search alpha two', 'search beta']) await api('POST', '/v1/credentials', { name });
      await goTo(page, 'Credentials');
      await page.getByRole('gridcell', { name: 'search beta' }).waitFor();
      let releaseSlow = () => {};
      const slowArrived = new Promise<void>((arrived) => {
        void page.route('**/rpc/credentials.list', async (route) => {
          if ((JSON.parse(route.request().postData() ?? 'null') as { q?: string } | null)?.q === 'search beta') {
            arrived();
            await new Promise<void>((release) => (releaseSlow = release));
          }
          await route.continue();
        });
      });
      const box = page.getByLabel('Search credentials');
      await box.fill('search beta');
      await slowArrived;
      await box.fill('search alpha one');
      await page.getByRole('gridcell', { name: 'search alpha one' }).waitFor();

      const slowAnswer = page.waitForResponse(
        (r) => r.url().endsWith('/rpc/credentials.list') && r.request().postData()?.includes('search beta') === true,
      );
      releaseSlow();
      // The late answer has been read by the page (its body loaded), and two frames have been drawn
      // since, in which a wrong render of it would show.
      await (await slowAnswer).finished();
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      assert.equal(await page.getByRole('gridcell', { name: 'search beta' }).count(), 0);
      assert.equal(await page.getByRole('gridcell', { name: 'search alpha one' }).count(), 1);
      await page.unroute('**/rpc/credentials.list');
      await box.fill('');
    },
    withCatalog,
  ));

test('closing the credential editor with edits asks before discarding them, and without edits closes at once', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      // Its own credential: the test runs alone too (--test-name-pattern).
      await api('POST', '/v1/credentials', { name: 'discard prompt target' });
      await goTo(page, 'Credentials');
      await searchCredentials(page, 'discard prompt target');
      await page.getByRole('gridcell', { name: 'discard prompt target' }).waitFor();
      const editor = page.getByRole('dialog', { name: 'Edit credential — discard prompt target' });
      const prompt = page.getByRole('dialog', { name: 'Discard unsaved changes?' });

      await page.getByRole('button', { name: 'Edit discard prompt target' }).click();
      await editor.getByLabel('Description').click();
      await page.keyboard.press('Escape');
      await editor.waitFor({ state: 'detached' });
      assert.equal(await prompt.count(), 0);

      await page.getByRole('button', { name: 'Edit discard prompt target' }).click();
      await editor.getByLabel('Description').fill('kept until discarded');
      await page.keyboard.press('Escape');
      await prompt.getByText('Your edits to this credential will be lost.').waitFor();
      await prompt.getByRole('button', { name: 'Keep editing' }).click();
      await prompt.waitFor({ state: 'detached' });
      assert.equal(await editor.getByLabel('Description').inputValue(), 'kept until discarded');

      await editor.getByRole('button', { name: 'Cancel' }).click();
      await prompt.getByRole('button', { name: 'Discard' }).click();
      await editor.waitFor({ state: 'detached' });
      const stored = await api<{ items: { name: string; description: string }[] }>('GET', '/v1/credentials?limit=1000');
      assert.notEqual(stored.items.find((c) => c.name === 'discard prompt target')!.description, 'kept until discarded');
      await page.getByLabel('Search credentials').fill('');
    },
    withCatalog,
  ));

test('the credentials grid is as tall as its rows, and with a full page no taller than the window', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      for (const name of ['search alpha one', 'search alpha two']) await api('POST', '/v1/credentials', { name });
      await goTo(page, 'Credentials');
      const grid = page.getByTestId('credentials-grid');
      const box = page.getByLabel('Search credentials');
      await box.fill('search alpha one');
      await page.getByRole('gridcell', { name: 'search alpha one' }).waitFor();
      await page.getByRole('gridcell', { name: 'search alpha two' }).waitFor({ state: 'detached' });
      const oneRow = (await grid.boundingBox())!;
      const row = (await page.getByRole('row').filter({ hasText: 'search alpha one' }).boundingBox())!;
      // Header, the row and the paging footer: no band of empty grid under the row.
      assert.ok(oneRow.height < row.height * 5, `a grid of one ${row.height}px row is ${oneRow.height}px tall`);

      for (let i = 0; i < 30; i++) await api('POST', '/v1/credentials', { name: `bulk ${String(i).padStart(2, '0')}` });
      await box.fill('bulk');
      await page
        .getByRole('gridcell', { name: /^bulk \d\d$/ })
        .first()
        .waitFor();
      await page.getByText(/^1–25 of /).waitFor();
      const full = (await grid.boundingBox())!;
      const windowHeight = page.viewportSize()!.height;
      assert.ok(full.height > oneRow.height * 2, `a full page is only ${full.height}px tall`);
      assert.ok(full.y + full.height <= windowHeight, `the grid ends at ${full.y + full.height}px, below the ${windowHeight}px window`);
      // Server paging stays: 25 rows a page, the next page asked of the server.
      await page.getByRole('button', { name: 'Go to next page' }).click();
      await page.getByText(/^26–30 of /).waitFor();
      await box.fill('');
    },
    withCatalog,
  ));

test('a long hygiene list shows its first entries and a "Show all N" button that shows every one, with no hidden scrolling', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      for (let i = 0; i < 12; i++) await api('POST', '/v1/credentials', { name: `no expiry ${String(i).padStart(2, '0')}` });
      await goTo(page, 'Hygiene');
      // The report reads the app's synced state; the credentials above were made over REST.
      await page.getByRole('button', { name: 'Sync' }).click();
      const section = page.getByRole('region', { name: 'Without expiry' });
      const list = section.getByRole('list', { name: 'Without expiry list' });
      await section.getByRole('button', { name: /^Show all \d+$/ }).waitFor();
      assert.equal(await list.getByRole('listitem').count(), 5);
      const showAll = section.getByRole('button', { name: /^Show all \d+$/ });
      const total = Number((await showAll.textContent())!.replace('Show all ', ''));
      assert.ok(total > 5, `${total} credentials without expiry`);
      assert.equal(await showAll.getAttribute('aria-expanded'), 'false');
      await showAll.click();
      assert.equal(await list.getByRole('listitem').count(), total);
      assert.equal(await list.evaluate((el) => el.scrollHeight <= el.clientHeight), true);
      await section.getByRole('button', { name: 'Show fewer' }).click();
      assert.equal(await list.getByRole('listitem').count(), 5);
    },
    withCatalog,
  ));

test('a hygiene finding links to its credential: one click opens Credentials searched for it; the sidebar clears the search', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      const made = await api<{ credential: { prefix: string } }>('POST', '/v1/credentials', {
        name: 'hygiene link target',
        roles: [],
      });
      await goTo(page, 'Hygiene');
      await page.getByRole('button', { name: 'Sync' }).click();
      const section = page.getByRole('region', { name: 'Without roles' });
      await section.getByRole('list', { name: 'Without roles list' }).waitFor();
      const showAll = section.getByRole('button', { name: /^Show all \d+$/ });
      if ((await showAll.count()) > 0) await showAll.click();
      await section.getByRole('button', { name: /hygiene link target/ }).click();

      await page.locator('#page-title').filter({ hasText: 'Credentials' }).waitFor();
      assert.equal(await page.getByLabel('Search credentials').inputValue(), made.credential.prefix);
      const rows = page.getByRole('row').filter({ hasText: 'hygiene link target' });
      await rows.first().waitFor();
      assert.equal(await page.getByRole('grid').getByRole('row').count(), 2, 'the header row and the one credential');

      // Reached from the sidebar, the list starts unsearched again.
      await goTo(page, 'Hygiene');
      await goTo(page, 'Credentials');
      assert.equal(await page.getByLabel('Search credentials').inputValue(), '');
    },
    withCatalog,
  ));

interface Listed {
  id: string;
  name: string;
  status: string;
}
const listed = async ({ api }: AppWorld, q: string) =>
  (await api<{ items: Listed[] }>('GET', `/v1/credentials?limit=1000&q=${encodeURIComponent(q)}`)).items;
/** Ticks the grid row holding `name`. */
const tick = ({ page }: AppWorld, name: string) =>
  page
    .getByRole('row')
    .filter({ has: page.getByRole('gridcell', { name, exact: true }) })
    .getByRole('checkbox')
    .check();

/**
 * Types `q` into the credentials search and waits until the grid shows the server's answer (the
 * console's own credential, listed before, has left it): on a fresh server the unsearched list
 * already shows what the search will keep.
 */
async function search(page: AppWorld['page'], q: string): Promise<void> {
  const own = page.getByRole('gridcell', { name: BOOTSTRAP_CREDENTIAL_NAME, exact: true });
  await own.waitFor();
  await page.getByLabel('Search credentials').fill(q);
  await own.waitFor({ state: 'detached' });
  await gridSettled(page);
}

/** Waits until the credentials grid shows no loading overlay (it covers the rows while a page loads). */
async function gridSettled(page: AppWorld['page']): Promise<void> {
  await page.getByRole('grid', { name: 'Credentials' }).locator('.MuiDataGrid-skeletonLoadingOverlay').waitFor({ state: 'detached' });
}

test('several credentials are disabled, enabled and revoked with one confirmation each that names them, shows progress and toasts the result', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const readersId = await clientReaders(world);
      const names = ['bulkset one', 'bulkset two', 'bulkset three', 'bulkset four', 'bulkset five'];
      for (const name of names) await api('POST', '/v1/credentials', { name, roles: [readersId] });
      await goTo(page, 'Credentials');
      await search(page, 'bulkset');
      await page.getByRole('gridcell', { name: 'bulkset five' }).waitFor();
      for (const name of names.slice(0, 4)) await tick(world, name);
      const bar = page.getByRole('toolbar', { name: 'Selected credentials' });
      await bar.getByText('4 selected').waitFor();

      // The bar and the question at 1280 × 800, in both themes (the theme switch is behind an open dialog).
      await page.setViewportSize({ width: 1280, height: 800 });
      const dialog = page.getByRole('dialog', { name: 'Disable 4 credentials?' });
      for (const theme of ['dark', 'light'] as const) {
        await setTheme(page, theme);
        await animationsDone(page);
        await screenshot(page, 'credentials-selection', theme);
        await bar.getByRole('button', { name: 'Disable 4 selected' }).click();
        await dialog
          .getByTestId('bulk-names')
          .filter({ hasText: '“bulkset one”, “bulkset two”, “bulkset three” and “bulkset four”.' })
          .waitFor();
        await dialog.getByText('denied (reason “disabled”) at once').waitFor();
        await animationsDone(page);
        await screenshot(page, 'credentials-bulk-confirm', theme);
        if (theme === 'dark') {
          await dialog.getByRole('button', { name: 'Cancel' }).click();
          await dialog.waitFor({ state: 'detached' });
        }
      }
      await page.setViewportSize({ width: 1360, height: 860 });
      // A destructive question opens on Cancel: Enter right away changes nothing.
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      assert.deepEqual([...new Set((await listed(world, 'bulkset')).map((c) => c.status))], ['active']);

      // Progress while it runs: the first call is held until the dialog shows it.
      let release = () => {};
      const held = new Promise<void>((arrived) => {
        let first = true;
        void page.route('**/rpc/credentials.disable', async (route) => {
          if (first) {
            first = false;
            arrived();
            await new Promise<void>((r) => (release = r));
          }
          await route.continue();
        });
      });
      await bar.getByRole('button', { name: 'Disable 4 selected' }).click();
      await dialog.getByRole('button', { name: 'Disable 4 credentials' }).click();
      await held;
      await dialog.getByTestId('bulk-progress').filter({ hasText: '0 of 4 credentials done' }).waitFor();
      release();
      await page.getByTestId('toast').filter({ hasText: 'Disabled 4 credentials.' }).waitFor();
      await page.unroute('**/rpc/credentials.disable');
      await dialog.waitFor({ state: 'detached' });
      const after = await listed(world, 'bulkset');
      assert.deepEqual(
        after
          .filter((c) => c.status === 'disabled')
          .map((c) => c.name)
          .sort(),
        names.slice(0, 4).sort(),
      );
      assert.equal(await bar.count(), 0, 'a selection that worked is cleared');

      // Ticks wait for the list the write refreshed: a refresh landing during a click may drop it (MUI's grid).
      const showsStatus = (name: string, status: string) =>
        page
          .getByRole('row')
          .filter({ has: page.getByRole('gridcell', { name, exact: true }) })
          .getByText(status, { exact: true })
          .waitFor();
      await showsStatus('bulkset four', 'disabled');
      await gridSettled(page);

      // Enable applies to the disabled ones only, and says so.
      for (const name of ['bulkset one', 'bulkset five']) await tick(world, name);
      await bar.getByRole('button', { name: 'Enable 1 selected' }).click();
      const enable = page.getByRole('dialog', { name: 'Enable 1 credential?' });
      await enable.getByText('1 other selected credential is not disabled: left as it is.').waitFor();
      await enable.getByRole('button', { name: 'Enable 1 credential' }).click();
      await page.getByTestId('toast').filter({ hasText: 'Enabled 1 credential.' }).waitFor();
      assert.equal((await listed(world, 'bulkset one'))[0]!.status, 'active');
      await showsStatus('bulkset one', 'active');
      await gridSettled(page);

      for (const name of names) await tick(world, name);
      await bar.getByRole('button', { name: 'Revoke 5 selected' }).click();
      const revoke = page.getByRole('dialog', { name: 'Revoke 5 credentials?' });
      await revoke.getByText('stop working at once and for good').waitFor();
      await revoke.getByTestId('bulk-names').filter({ hasText: '“bulkset one”, “bulkset two”, “bulkset three” and 2 more.' }).waitFor();
      assert.equal(await revoke.getByTestId('type-to-confirm').count(), 0, 'no typing: the console’s own token is not among them');
      await revoke.getByRole('button', { name: 'Revoke 5 credentials' }).click();
      await page.getByTestId('toast').filter({ hasText: 'Revoked 5 credentials.' }).waitFor();
      assert.deepEqual([...new Set((await listed(world, 'bulkset')).map((c) => c.status))], ['revoked']);
      // Revoked credentials leave the default view.
      await page.getByRole('gridcell', { name: 'bulkset one' }).waitFor({ state: 'detached' });
    },
    withCatalog,
  ));

test('while the list refreshes after a write its rows stay usable: a row ticked during the refresh stays ticked', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const readersId = await clientReaders(world);
      for (const name of ['refresh one', 'refresh two']) await api('POST', '/v1/credentials', { name, roles: [readersId] });
      await goTo(page, 'Credentials');
      await search(page, 'refresh');
      await tick(world, 'refresh one');
      const bar = page.getByRole('toolbar', { name: 'Selected credentials' });
      // The page asked for again after the disable is held until the second row has been ticked.
      let release = () => {};
      let refreshing = () => {};
      const refreshAsked = new Promise<void>((r) => (refreshing = r));
      let hold = false;
      await page.route('**/rpc/credentials.list', async (route) => {
        if (hold && (route.request().postDataJSON() as { q?: string }).q === 'refresh') {
          hold = false;
          refreshing();
          await new Promise<void>((r) => (release = r));
        }
        await route.continue();
      });
      await bar.getByRole('button', { name: 'Disable 1 selected' }).click();
      hold = true;
      await page.getByRole('dialog', { name: 'Disable 1 credential?' }).getByRole('button', { name: 'Disable 1 credential' }).click();
      await page.getByTestId('toast').filter({ hasText: 'Disabled 1 credential.' }).waitFor();
      await refreshAsked;
      await tick(world, 'refresh two');
      await bar.getByText('1 selected').waitFor();
      release();
      await page
        .getByRole('row')
        .filter({ has: page.getByRole('gridcell', { name: 'refresh one', exact: true }) })
        .getByText('disabled')
        .waitFor();
      assert.equal(await bar.getByText('1 selected').count(), 1, 'the tick survives the refreshed rows');
      await page.unroute('**/rpc/credentials.list');
    },
    withCatalog,
  ));

test('a bulk revoke that includes the console’s own token needs its name typed, and the server’s refusal for it is named in the result', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      const readersId = await clientReaders(world);
      await api('POST', '/v1/credentials', { name: 'bulkown spare', roles: [readersId] });
      const own = (await listed(world, BOOTSTRAP_CREDENTIAL_NAME)).find((c) => c.name === BOOTSTRAP_CREDENTIAL_NAME)!;
      await goTo(page, 'Credentials');
      await search(page, 'bulkown');
      await tick(world, 'bulkown spare');
      // The selection stays while the search changes. The grid re-draws when the new search's answer
      // lands (the spare row leaves it); a tick before then could land on a row being replaced.
      await page.getByLabel('Search credentials').fill(BOOTSTRAP_CREDENTIAL_NAME);
      await page.getByRole('gridcell', { name: 'bulkown spare', exact: true }).waitFor({ state: 'detached' });
      await gridSettled(page);
      await tick(world, BOOTSTRAP_CREDENTIAL_NAME);
      const bar = page.getByRole('toolbar', { name: 'Selected credentials' });
      await bar.getByText('2 selected').waitFor();
      await bar.getByRole('button', { name: 'Revoke 2 selected' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke 2 credentials?' });
      await dialog
        .getByTestId('lockout-warning')
        .filter({ hasText: `“${BOOTSTRAP_CREDENTIAL_NAME}” is selected` })
        .waitFor();
      await dialog.getByTestId('lockout-warning').filter({ hasText: 'every screen here is refused' }).waitFor();
      const ok = dialog.getByRole('button', { name: 'Revoke 2 credentials' });
      assert.equal(await ok.isDisabled(), true);
      await dialog.getByTestId('type-to-confirm').fill('Bootstrap');
      assert.equal(await ok.isDisabled(), true, 'the name must match exactly');
      await dialog.getByTestId('type-to-confirm').fill(BOOTSTRAP_CREDENTIAL_NAME);
      await page.setViewportSize({ width: 1280, height: 800 });
      await animationsDone(page);
      await screenshot(page, 'credentials-bulk-confirm-own', 'light');
      await page.setViewportSize({ width: 1360, height: 860 });
      await ok.click();
      // The only administrator is refused (DESIGN §3.11); the other one is revoked.
      const toast = page.getByTestId('toast').filter({ hasText: 'Revoked 1 of 2 credentials; 1 failed.' });
      await toast.waitFor();
      await toast
        .filter({ hasText: `“${BOOTSTRAP_CREDENTIAL_NAME}”: Refused: this would leave the server without an administrator` })
        .waitFor();
      assert.equal((await listed(world, 'bulkown spare'))[0]!.status, 'revoked');
      assert.equal((await listed(world, BOOTSTRAP_CREDENTIAL_NAME)).find((c) => c.id === own.id)!.status, 'active');
      // The one that failed stays selected, to retry or clear.
      await bar.getByText('1 selected').waitFor();
      await toast.getByRole('button', { name: 'Close' }).click();
      await bar.getByRole('button', { name: 'Clear selection' }).click();
      await bar.waitFor({ state: 'detached' });
      await page.getByLabel('Search credentials').fill('');
    },
    withCatalog,
  ));

test('clicking a column header sorts the credentials on the server, ascending then descending', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await clientReaders(world);
      for (const name of ['sortset Bravo', 'sortset alpha', 'sortset charlie']) await api('POST', '/v1/credentials', { name });
      await goTo(page, 'Credentials');
      await search(page, 'sortset');
      await page.getByRole('gridcell', { name: 'sortset charlie' }).waitFor();
      const names = async () =>
        (
          await page
            .getByRole('gridcell')
            .filter({ hasText: /^sortset / })
            .allTextContents()
        ).map((n) => n.replace('sortset ', ''));
      assert.deepEqual(await names(), ['charlie', 'alpha', 'Bravo'], 'newest first until a column is chosen');

      const sorts: unknown[] = [];
      const onRequest = (r: Request) => {
        if (r.url().endsWith('/rpc/credentials.list')) {
          const body = JSON.parse(r.postData() ?? 'null') as { sort?: string; order?: string; q?: string } | null;
          if (body?.q === 'sortset') sorts.push([body.sort, body.order]);
        }
      };
      page.on('request', onRequest);
      const header = page.getByRole('columnheader', { name: 'Name' });
      await header.click();
      await header.and(page.locator('[aria-sort="ascending"]')).waitFor();
      // The rows change when the server's answer arrives: wait until the grid's text holds the names in this order.
      const waitFor = async (want: string[]) => {
        const inOrder = new RegExp(want.map((n) => `sortset ${n}`).join('[\\s\\S]*'));
        await page.getByTestId('credentials-grid').filter({ hasText: inOrder }).waitFor({ timeout: 10_000 });
        assert.deepEqual(await names(), want);
      };
      await waitFor(['alpha', 'Bravo', 'charlie']);
      await header.click();
      await header.and(page.locator('[aria-sort="descending"]')).waitFor();
      await waitFor(['charlie', 'Bravo', 'alpha']);
      page.off('request', onRequest);
      // (A refetch of the unsorted list, from an earlier write, may come in between: only sorted asks count.)
      assert.deepEqual(
        sorts.filter((s) => (s as unknown[])[0] !== undefined),
        [
          ['name', 'asc'],
          ['name', 'desc'],
        ],
      );
      await page.getByLabel('Search credentials').fill('');
    },
    withCatalog,
  ));
