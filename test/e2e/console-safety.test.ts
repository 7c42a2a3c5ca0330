import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { BOOTSTRAP_CREDENTIAL_NAME } from '../../shared/domain/policy.ts';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// Issue 12: the console safe by default — its own token's access, the keyboard in the role
// dialog, errors on their field, toasts that name the server, offline noticed by itself. Each
// test is a fresh app connected to a fresh backend named "Safety server" (helpers/fixtures.ts);
// what a test needs beyond that it creates first.

interface Named {
  id: string;
  name: string;
}
interface Credential extends Named {
  roles: string[];
  version: number;
}

/** The app connected to its backend through a profile named "Safety server" (the toasts name it). */
const safety = async ({ page, server }: AppWorld) => connect(page, server.url, server.adminToken, 'Safety server');
const withCatalog = { catalog: TEST_CATALOG };

const own = async (api: AppWorld['api']) =>
  (await api<{ items: Credential[] }>('GET', '/v1/credentials?limit=1000')).items.find((c) => c.name === BOOTSTRAP_CREDENTIAL_NAME)!;
/** A role "Spare" nobody holds, made as another admin would, then shown on Roles by a sync. */
async function spare({ page, api }: AppWorld): Promise<void> {
  await api('POST', '/v1/roles', { name: 'Spare', actions: ['GetClients'] });
  await goTo(page, 'Roles');
  await page.getByRole('button', { name: 'Sync' }).click();
  await page.getByTestId('role-row-Spare').waitFor();
}

test('deleting a role the connected token holds says so plainly and needs the role’s name typed; the toast names the server', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await safety(world);
      // The console's own token gets a role that alone grants GetClients.
      const side = await api<Named>('POST', '/v1/roles', { name: 'Side job', actions: ['GetClients'] });
      const me = await own(api);
      await api('PATCH', `/v1/credentials/${me.id}`, { roles: [...me.roles, side.id] });
      await page.getByRole('button', { name: 'Sync' }).click();
      await goTo(page, 'Roles');

      await page.getByRole('button', { name: 'Delete role Side job' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete role “Side job”?' });
      await confirm.getByTestId('lockout-warning').filter({ hasText: 'The token this console is connected with loses 1 action' }).waitFor();
      const del = confirm.getByRole('button', { name: 'Delete role' });
      assert.equal(await del.isDisabled(), true);
      await confirm.getByTestId('type-to-confirm').fill('side job');
      assert.equal(await del.isDisabled(), true, 'the name must be typed exactly');
      await confirm.getByTestId('type-to-confirm').fill('Side job');
      await del.click();
      await confirm.waitFor({ state: 'detached' });
      await page.getByTestId('toast').filter({ hasText: 'Safety server: Role “Side job” deleted.' }).waitFor();
      assert.equal(
        (await api<{ items: Named[] }>('GET', '/v1/roles')).items.find((r) => r.name === 'Side job'),
        undefined,
      );
    },
    withCatalog,
  ));

test('a role nobody’s console depends on is deleted with the plain confirmation, Cancel focused', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await safety(world);
      await spare(world);
      await page.getByRole('button', { name: 'Delete role Spare' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete role “Spare”?' });
      await confirm.getByText('No credential holds this role.').waitFor();
      assert.equal(await confirm.getByTestId('lockout-warning').count(), 0);
      // Enter right away presses the focused Cancel: nothing is deleted.
      await page.keyboard.press('Enter');
      await confirm.waitFor({ state: 'detached' });
      assert.ok((await api<{ items: Named[] }>('GET', '/v1/roles')).items.some((r) => r.name === 'Spare'));
    },
    withCatalog,
  ));

test('revoking the credential the console is connected with warns and waits for its name', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await safety(world);
      await goTo(page, 'Credentials');
      await page.getByRole('button', { name: `Revoke ${BOOTSTRAP_CREDENTIAL_NAME}` }).click();
      const dialog = page.getByRole('dialog', { name: `Revoke “${BOOTSTRAP_CREDENTIAL_NAME}”?` });
      await dialog.getByTestId('lockout-warning').filter({ hasText: 'every screen here is refused' }).waitFor();
      assert.equal(await dialog.getByRole('button', { name: 'Revoke' }).isDisabled(), true);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
    },
    withCatalog,
  ));

test('the server’s last_administrator refusal is shown as a clear refusal in the dialog', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await safety(world);
      await spare(world);
      await page.route('**/rpc/roles.delete', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            ok: false,
            error: { code: 'last_administrator', message: 'No other credential could administer Keyward.' },
          }),
        }),
      );
      try {
        await page.getByRole('button', { name: 'Delete role Spare' }).click();
        const confirm = page.getByRole('dialog', { name: 'Delete role “Spare”?' });
        await confirm.getByRole('button', { name: 'Delete role' }).click();
        await confirm
          .getByTestId('dialog-error')
          .filter({ hasText: 'Refused: this would leave the server without an administrator' })
          .waitFor();
        await confirm.getByRole('button', { name: 'Cancel' }).click();
      } finally {
        await page.unroute('**/rpc/roles.delete');
      }
    },
    withCatalog,
  ));

test('in the role dialog Enter on a group never jumps to the review, and a role with no actions is saved only on purpose', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await safety(world);
      await goTo(page, 'Roles');
      await page.getByRole('button', { name: 'New role' }).first().click();
      const dialog = page.getByTestId('role-dialog');
      await dialog.getByLabel('Name').fill('Empty on purpose');
      const group = dialog.getByRole('button', { name: /^Clients\s*0 of 4$/ });
      await group.focus();
      await page.keyboard.press('Enter');
      assert.equal(await dialog.getByTestId('role-review').count(), 0, 'Enter on a group opened the review');
      await dialog.getByTestId('action-search').focus();
      await page.keyboard.press('Enter');
      assert.equal(await dialog.getByTestId('role-review').count(), 0, 'Enter in the search opened the review');

      await dialog.getByLabel('Name').press('Enter');
      await dialog.getByTestId('no-actions-warning').waitFor();
      await page.keyboard.press('Enter');
      const save = dialog.getByRole('button', { name: 'Save role with no actions' });
      await save.waitFor();
      assert.equal(await dialog.isVisible(), true, 'Enter saved a role with no actions');
      await save.click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('toast').filter({ hasText: 'Role “Empty on purpose” created.' }).waitFor();
    },
    withCatalog,
  ));

test('a server refusal lands on the field it names, in words, and clears once that field is edited', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await safety(world);
      await goTo(page, 'Directory');
      await page.getByRole('button', { name: 'New user' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New user' });
      // Another admin takes the name while this dialog is open: only the server can know.
      await api('POST', '/v1/users', { name: 'Dana', email: '', groups: [] });
      await dialog.getByLabel('Name').fill('dana');
      await dialog.getByRole('button', { name: 'Save' }).click();
      const name = dialog.getByLabel('Name');
      await dialog.getByText(/^Name: A user named "Dana" already exists/).waitFor();
      assert.equal(await name.getAttribute('aria-invalid'), 'true');
      assert.equal(await dialog.getByTestId('dialog-error').count(), 0, 'the error is on the field, not at the bottom');
      await name.fill('Dana Two');
      await dialog.getByText(/already exists/).waitFor({ state: 'detached' });
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('toast').filter({ hasText: 'Safety server: User “Dana Two” created.' }).waitFor();
    },
    withCatalog,
  ));

test('the credentials grid shows two role chips and "+N" with the rest in a tooltip; revoked ones are hidden until asked for', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await safety(world);
      const ids = [];
      for (const n of ['Chip one', 'Chip two', 'Chip three'])
        ids.push((await api<Named>('POST', '/v1/roles', { name: n, actions: ['GetClients'] })).id);
      await api('POST', '/v1/credentials', { name: 'many roles', roles: ids });
      const gone = await api<{ credential: Named }>('POST', '/v1/credentials', { name: 'long gone', roles: [] });
      await api('POST', `/v1/credentials/${gone.credential.id}/revoke`);
      await page.getByRole('button', { name: 'Sync' }).click();
      await goTo(page, 'Credentials');
      const row = page.getByRole('row').filter({ hasText: 'many roles' });
      await row.getByText('+1').hover();
      await page.getByRole('tooltip').filter({ hasText: 'Chip three' }).waitFor();
      assert.equal(await page.getByRole('gridcell', { name: 'long gone' }).count(), 0);
      await page.getByRole('combobox', { name: 'Status' }).click();
      await page.getByRole('option', { name: 'Any status, revoked too' }).click();
      await page.getByRole('gridcell', { name: 'long gone' }).waitFor();
      // At 1280 px the row's last operation is in view without scrolling sideways.
      await page.setViewportSize({ width: 1280, height: 800 });
      // The grid lays itself out again after the resize (a ResizeObserver callback): follow the
      // rendered frames until the button ends inside the window (or 60 frames have passed).
      const revokeEnd = await page.getByRole('button', { name: 'Revoke many roles' }).evaluate(
        (el) =>
          new Promise<number>((resolve) => {
            const frames = globalThis as unknown as { requestAnimationFrame(callback: () => void): number };
            const right = () => (el as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right;
            const check = (frame: number) =>
              right() <= 1280 || frame >= 60 ? resolve(right()) : frames.requestAnimationFrame(() => check(frame + 1));
            check(0);
          }),
      );
      assert.ok(revokeEnd <= 1280, `Revoke ends at ${revokeEnd}px`);
    },
    withCatalog,
  ));

test('a server that goes away is noticed within seconds without pressing Sync, and one that comes back too', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, server } = world;
      await safety(world);
      await server.stop();
      await page.getByTestId('offline-banner').waitFor({ timeout: 15_000 });
      await page.getByTestId('connection-state').filter({ hasText: 'Offline' }).waitFor();
      await server.restart();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor({ timeout: 15_000 });
      await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    },
    withCatalog,
  ));

test('"Work offline" keeps the console off the server by choice: edits become drafts until you go online', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await safety(world);
      await spare(world);
      await page.getByRole('switch', { name: 'Work offline' }).click();
      await page.getByTestId('offline-banner').filter({ hasText: 'Working offline by choice' }).waitFor();
      await page.getByRole('button', { name: 'Edit role Spare' }).click();
      const dialog = page.getByTestId('role-dialog');
      await dialog.getByTestId('draft-badge').waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Health polling does not bring it back by itself.
      const before = await page.getByTestId('connection-state').textContent();
      assert.equal(before, 'Offline');
      await page.getByTestId('offline-banner').getByRole('button', { name: 'Go online' }).click();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
      assert.equal(await page.getByRole('switch', { name: 'Work offline' }).isChecked(), false);
    },
    withCatalog,
  ));

test('keyboard shortcuts open the main jobs and are listed in a help dialog; typing in a field never triggers them', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      await safety(world);
      await goTo(page, 'Credentials');
      await page.locator('body').focus();
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.getByText('New credential (on Credentials, online)').waitFor();
      await help.getByRole('button', { name: 'Close' }).click();
      await help.waitFor({ state: 'detached' });
      await page.keyboard.press('/');
      await page.getByLabel('Search credentials').fill('r');
      assert.equal(await page.getByTestId('role-dialog').count(), 0, 'typing "r" in the search opened the role dialog');
      await page.getByLabel('Search credentials').fill('');
      await page.getByLabel('Search credentials').blur();
      await page.keyboard.press('r');
      await page.getByTestId('role-dialog').waitFor();
      await page.locator('#page-title').filter({ hasText: 'Roles' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('role-dialog').waitFor({ state: 'detached' });
    },
    withCatalog,
  ));

test('the audit log shows the change itself and exports the entries as JSON and CSV', (t) =>
  withApp(
    t,
    async (world) => {
      const { page, api } = world;
      await safety(world);
      const role = await api<Named & { actions: string[] }>('POST', '/v1/roles', { name: 'Audited', actions: ['GetClients'] });
      await api('PATCH', `/v1/roles/${role.id}`, { actions: ['GetClients', 'AddClient'] });
      await goTo(page, 'Audit log');
      // Newest first: the first role.update row is this edit.
      const row = page.getByRole('row').filter({ hasText: 'role.update' }).first();
      await row.getByRole('button', { name: /show the change of role\.update/i }).click();
      await page.getByTestId('audit-change').getByText('actions: + AddClient').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
      const entries = JSON.parse(await readFile((await download.path())!, 'utf8')) as { action: string }[];
      assert.ok(entries.some((e) => e.action === 'role.update'));
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
      assert.match(await readFile((await csv.path())!, 'utf8'), /^at,actorId,action,targetType,targetId,change\n.*actions: \+ AddClient/s);
    },
    withCatalog,
  ));
