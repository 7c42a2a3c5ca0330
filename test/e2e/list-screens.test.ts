import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { connect, goTo } from './helpers/ui.ts';

// Roles, users, groups and backends as lists an admin can search, sort and filter (issue 12):
// each test seeds its own backend through the REST API, then connects and works the list.

type Api = AppWorld['api'];
const id = async (p: Promise<{ id: string }>) => (await p).id;

/** Waits until the rows whose test id starts with `prefix` are `expected`, in that order. */
/** The page's document, typed as far as these predicates use it (this file has no DOM types). */
interface RowsDocument {
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

async function rowsAre(page: Page, prefix: string, expected: string[]): Promise<void> {
  // Functions, not strings: the console's CSP forbids eval, so a polled string predicate never runs.
  const read = (p: string) =>
    Array.from((globalThis as unknown as { document: RowsDocument }).document.querySelectorAll(`[data-testid^="${p}"]`), (el) =>
      (el.getAttribute('data-testid') ?? '').slice(p.length),
    );
  const shows = ({ p, want }: { p: string; want: string }) =>
    JSON.stringify(
      Array.from((globalThis as unknown as { document: RowsDocument }).document.querySelectorAll(`[data-testid^="${p}"]`), (el) =>
        (el.getAttribute('data-testid') ?? '').slice(p.length),
      ),
    ) === want;
  // Wait for the rows to be right, then compare (after a timeout, what is shown, for a clear diff).
  await page.waitForFunction(shows, { p: prefix, want: JSON.stringify(expected) }, { timeout: 30_000 }).catch(() => undefined);
  assert.deepEqual(await page.evaluate(read, prefix), expected);
}

const sortBy = (page: Page, table: string, column: string) =>
  page.getByRole('table', { name: table }).getByRole('columnheader', { name: column }).getByRole('button').click();

async function choose(page: Page, filter: string, option: string) {
  await page.getByRole('combobox', { name: filter, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.getByRole('listbox').waitFor({ state: 'detached' });
}

/** Seeds the backend, then connects: the app loads the lists fresh. */
async function seeded(world: AppWorld, seed: (api: Api) => Promise<void>) {
  await world.api('PUT', '/v1/catalog', TEST_CATALOG);
  await seed(world.api);
  await connect(world.page, world.server.url, world.server.adminToken);
}

test('roles: the search finds a role by name, description or action id, and says which action matched', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      await api('POST', '/v1/roles', { name: 'Support desk', description: 'Front-line tickets', actions: ['OpenTicket', 'CloseTicket'] });
      await api('POST', '/v1/roles', { name: 'Client readers', actions: ['GetClients'] });
      await api('POST', '/v1/roles', { name: 'Billing', description: 'Invoices for finance', actions: ['GetInvoices'] });
    });
    await goTo(page, 'Roles');
    await rowsAre(page, 'role-row-', ['Administrator', 'Billing', 'Client readers', 'Support desk']);
    const search = page.getByLabel('Search roles');
    await search.fill('client');
    await rowsAre(page, 'role-row-', ['Client readers']);
    await search.fill('FINANCE');
    await rowsAre(page, 'role-row-', ['Billing']);
    await search.fill('closeticket');
    await rowsAre(page, 'role-row-', ['Support desk']);
    await page.getByTestId('role-row-Support desk').getByText('has CloseTicket').waitFor();
    await page.getByRole('status').filter({ hasText: '1 of 4 roles' }).waitFor();
  }));

test('roles: the headers sort by name, number of actions and number of credentials holding the role', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      const three = await id(api('POST', '/v1/roles', { name: 'Three', actions: ['AddClient', 'GetClients', 'UpdateClient'] }));
      await api('POST', '/v1/roles', { name: 'One', actions: ['GetClients'] });
      const two = await id(api('POST', '/v1/roles', { name: 'Two', actions: ['OpenTicket', 'CloseTicket'] }));
      await api('POST', '/v1/credentials', { name: 'a', roles: [two] });
      await api('POST', '/v1/credentials', { name: 'b', roles: [two] });
      await api('POST', '/v1/credentials', { name: 'c', roles: [two, three] });
    });
    await goTo(page, 'Roles');
    // The bootstrap token's Administrator role holds every keyward.* action and one credential.
    await rowsAre(page, 'role-row-', ['Administrator', 'One', 'Three', 'Two']);
    await sortBy(page, 'Roles', 'Name');
    await rowsAre(page, 'role-row-', ['Two', 'Three', 'One', 'Administrator']);
    await sortBy(page, 'Roles', 'Actions');
    await rowsAre(page, 'role-row-', ['One', 'Two', 'Three', 'Administrator']);
    await sortBy(page, 'Roles', 'Credentials');
    await rowsAre(page, 'role-row-', ['One', 'Administrator', 'Three', 'Two']);
    await sortBy(page, 'Roles', 'Credentials');
    await rowsAre(page, 'role-row-', ['Two', 'Administrator', 'Three', 'One']);
    assert.equal(
      await page.getByRole('table', { name: 'Roles' }).getByRole('columnheader', { name: 'Credentials' }).getAttribute('aria-sort'),
      'descending',
    );
  }));

test('roles: "Unused" shows only the roles no credential holds; an empty result offers to clear search and filters', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      const held = await id(api('POST', '/v1/roles', { name: 'Held', actions: ['GetClients'] }));
      await api('POST', '/v1/roles', { name: 'Orphan', actions: ['GetClients'] });
      await api('POST', '/v1/roles', { name: 'Forgotten', actions: ['OpenTicket'] });
      await api('POST', '/v1/credentials', { name: 'bot', roles: [held] });
    });
    await goTo(page, 'Roles');
    await rowsAre(page, 'role-row-', ['Administrator', 'Forgotten', 'Held', 'Orphan']);
    await choose(page, 'Show', 'Unused: no credential holds it');
    await rowsAre(page, 'role-row-', ['Forgotten', 'Orphan']);
    await page.getByLabel('Search roles').fill('Held');
    await page.getByText('No role matches “Held”').waitFor();
    await rowsAre(page, 'role-row-', []);
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await rowsAre(page, 'role-row-', ['Administrator', 'Forgotten', 'Held', 'Orphan']);
    assert.equal(await page.getByLabel('Search roles').inputValue(), '');
  }));

/** Three users in two groups, a policy that lets one group obtain keys, and tokens owned by two. */
async function directory(api: Api) {
  const role = await id(api('POST', '/v1/roles', { name: 'Readers', actions: ['GetClients'] }));
  const staff = await id(api('POST', '/v1/groups', { name: 'Staff', description: 'Employees', defaultRoles: [role] }));
  const contractors = await id(api('POST', '/v1/groups', { name: 'Contractors', defaultRoles: [] }));
  const ann = await id(api('POST', '/v1/users', { name: 'Ann', email: 'ann@example.com', groups: [staff] }));
  const bob = await id(api('POST', '/v1/users', { name: 'Bob', email: 'zed@corp.test', groups: [contractors] }));
  await api('POST', '/v1/users', { name: 'Cy', email: 'cy@example.com', groups: [staff, contractors] });
  await api('POST', '/v1/users', { name: 'Dee', email: '', groups: [] });
  await api('POST', '/v1/credentials', { name: 'ann 1', ownerId: ann, roles: [role] });
  await api('POST', '/v1/credentials', { name: 'ann 2', ownerId: ann, roles: [role] });
  await api('POST', '/v1/credentials', { name: 'bob 1', ownerId: bob, roles: [role] });
  const gone = (await api<{ credential: { id: string } }>('POST', '/v1/credentials', { name: 'bob old', ownerId: bob, roles: [role] }))
    .credential.id;
  await api('POST', `/v1/credentials/${gone}/revoke`, {});
  // Last: owners the policy excludes cannot be given tokens.
  await api('PUT', '/v1/policy/issuance', { allowedGroups: [staff] });
}

test('users: the search finds users by name, email or group, and each shows how many working tokens it owns', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, directory);
    await goTo(page, 'Directory');
    await rowsAre(page, 'user-row-', ['Ann', 'Bob', 'Cy', 'Dee']);
    const tokens = async (name: string) => (await page.getByTestId(`user-row-${name}`).getByRole('cell').nth(4).textContent())?.trim();
    assert.equal(await tokens('Ann'), '2');
    assert.equal(await tokens('Bob'), '1', 'the revoked token is not counted');
    const search = page.getByLabel('Search users');
    await search.fill('corp.test');
    await rowsAre(page, 'user-row-', ['Bob']);
    await search.fill('contractors');
    await rowsAre(page, 'user-row-', ['Bob', 'Cy']);
    await search.fill('nobody at all');
    await page.getByText('No user matches “nobody at all”').waitFor();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await rowsAre(page, 'user-row-', ['Ann', 'Bob', 'Cy', 'Dee']);
  }));

test('users: every column sorts, both ways', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, directory);
    await goTo(page, 'Directory');
    await rowsAre(page, 'user-row-', ['Ann', 'Bob', 'Cy', 'Dee']);
    await sortBy(page, 'Users', 'Name');
    await rowsAre(page, 'user-row-', ['Dee', 'Cy', 'Bob', 'Ann']);
    await sortBy(page, 'Users', 'Email');
    await rowsAre(page, 'user-row-', ['Dee', 'Ann', 'Cy', 'Bob']);
    await sortBy(page, 'Users', 'Groups');
    await rowsAre(page, 'user-row-', ['Dee', 'Bob', 'Cy', 'Ann']);
    await sortBy(page, 'Users', 'Key issuance');
    await rowsAre(page, 'user-row-', ['Ann', 'Cy', 'Bob', 'Dee']);
    await sortBy(page, 'Users', 'Tokens');
    await rowsAre(page, 'user-row-', ['Cy', 'Dee', 'Bob', 'Ann']);
    await sortBy(page, 'Users', 'Tokens');
    await rowsAre(page, 'user-row-', ['Ann', 'Bob', 'Cy', 'Dee']);
  }));

test('users: filters by group and by status (excluded by the policy, owning tokens) narrow the rows', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, directory);
    await goTo(page, 'Directory');
    await rowsAre(page, 'user-row-', ['Ann', 'Bob', 'Cy', 'Dee']);
    await choose(page, 'Group', 'Contractors');
    await rowsAre(page, 'user-row-', ['Bob', 'Cy']);
    await choose(page, 'Group', 'In no group');
    await rowsAre(page, 'user-row-', ['Dee']);
    await choose(page, 'Group', 'Any group');
    await choose(page, 'Status', 'Excluded by the policy');
    await rowsAre(page, 'user-row-', ['Bob', 'Dee']);
    await page.getByTestId('user-row-Bob').getByText('Excluded by policy').waitFor();
    await choose(page, 'Status', 'Owns no working token');
    await rowsAre(page, 'user-row-', ['Cy', 'Dee']);
    await choose(page, 'Group', 'Staff');
    await rowsAre(page, 'user-row-', ['Cy']);
    await choose(page, 'Status', 'Owns working tokens');
    await rowsAre(page, 'user-row-', ['Ann']);
  }));

test('groups: the search finds groups by name, description or default role, and the headers sort', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, directory);
    await goTo(page, 'Directory');
    await rowsAre(page, 'group-row-', ['Contractors', 'Staff']);
    await sortBy(page, 'Groups', 'Name');
    await rowsAre(page, 'group-row-', ['Staff', 'Contractors']);
    await sortBy(page, 'Groups', 'Members');
    await rowsAre(page, 'group-row-', ['Contractors', 'Staff']);
    const search = page.getByLabel('Search groups');
    await search.fill('employees');
    await rowsAre(page, 'group-row-', ['Staff']);
    await search.fill('readers');
    await rowsAre(page, 'group-row-', ['Staff']);
    await search.fill('zzz');
    await page.getByText('No group matches “zzz”').waitFor();
    await page.getByRole('button', { name: 'Clear search', exact: true }).click();
    await rowsAre(page, 'group-row-', ['Contractors', 'Staff']);
  }));

test('directory rows act through icon buttons that keep their names and show them as tooltips', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, directory);
    await goTo(page, 'Directory');
    const edit = page.getByRole('button', { name: 'Edit user Ann' });
    await edit.hover();
    await page.getByRole('tooltip', { name: 'Edit' }).waitFor();
    // Ann owns no working token, so the button is off; its tooltip still names it (force: the
    // disabled button passes the pointer to the span that holds the tooltip).
    await page.getByRole('button', { name: 'Invalidate tokens of Ann' }).hover({ force: true });
    await page.getByRole('tooltip', { name: 'Invalidate tokens' }).waitFor();
    assert.equal((await edit.textContent())?.trim(), '', 'an icon, not a text button');
    await page.getByRole('button', { name: 'Delete group Staff' }).click();
    await page.getByRole('dialog', { name: 'Delete group Staff?' }).getByRole('button', { name: 'Cancel' }).click();
  }));

test('backends: the search finds backends by name, prefix or required role, the headers sort, and no match offers clearing', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      const billing = await id(api('POST', '/v1/roles', { name: 'Billing staff', actions: ['GetInvoices'] }));
      await api('POST', '/v1/backends', { name: 'Invoices', frontendPrefix: '/billing', requiredRoles: [billing] });
      await api('POST', '/v1/backends', {
        name: 'Clients',
        frontendPrefix: '/crm',
        requiredRoles: [],
        subSettings: [
          { method: 'ANY', pathRegex: '^/crm/a', requiredRoles: [billing], override: false },
          { method: 'GET', pathRegex: '^/crm/b', requiredRoles: [], override: false },
        ],
      });
      await api('POST', '/v1/backends', {
        name: 'Assets',
        frontendPrefix: '/static',
        requiredRoles: [],
        subSettings: [{ method: 'GET', pathRegex: '^/static/private', requiredRoles: [billing], override: false }],
      });
    });
    await goTo(page, 'Backends');
    await rowsAre(page, 'backend-row-', ['Assets', 'Clients', 'Invoices']);
    await sortBy(page, 'Backends', 'Prefix');
    await rowsAre(page, 'backend-row-', ['Invoices', 'Clients', 'Assets']);
    await sortBy(page, 'Backends', 'Sub-URL settings');
    await rowsAre(page, 'backend-row-', ['Invoices', 'Assets', 'Clients']);
    await sortBy(page, 'Backends', 'Sub-URL settings');
    await rowsAre(page, 'backend-row-', ['Clients', 'Assets', 'Invoices']);
    const search = page.getByLabel('Search backends');
    await search.fill('/crm');
    await rowsAre(page, 'backend-row-', ['Clients']);
    await search.fill('billing staff');
    await rowsAre(page, 'backend-row-', ['Invoices']);
    await search.fill('/nowhere');
    await page.getByText('No backend matches “/nowhere”').waitFor();
    await page.getByRole('button', { name: 'Clear search', exact: true }).click();
    await rowsAre(page, 'backend-row-', ['Clients', 'Assets', 'Invoices']);
    await page.getByRole('button', { name: 'Delete backend Assets' }).hover();
    await page.getByRole('tooltip', { name: 'Delete' }).waitFor();
  }));

test('"/" puts the cursor in the search field of Roles, Directory and Backends; Escape there empties it', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      const group = await id(api('POST', '/v1/groups', { name: 'Staff', defaultRoles: [] }));
      await api('POST', '/v1/users', { name: 'Ann', email: 'ann@example.com', groups: [group] });
      await api('POST', '/v1/backends', { name: 'Invoices', frontendPrefix: '/billing', requiredRoles: [] });
    });
    for (const [screen, label] of [
      ['Roles', 'Search roles'],
      ['Directory', 'Search users'],
      ['Backends', 'Search backends'],
    ] as const) {
      await goTo(page, screen);
      const search = page.getByLabel(label);
      await search.waitFor();
      await page.keyboard.press('/');
      await page.locator('[data-shortcut="search"]:focus').waitFor();
      assert.equal(await page.evaluate(`document.activeElement?.id`), await search.getAttribute('id'), `${label} has the focus`);
      await page.keyboard.type('zz');
      assert.equal(await search.inputValue(), 'zz');
      await page.keyboard.press('Escape');
      assert.equal(await search.inputValue(), '');
    }
  }));

test('"/" on Directory reaches the Groups search from within the groups list or once it is scrolled to, and the Users search at the top', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      const group = await id(api('POST', '/v1/groups', { name: 'Staff', defaultRoles: [] }));
      // Enough users that the groups list starts below the window.
      for (let i = 0; i < 14; i++)
        await api('POST', '/v1/users', { name: `user ${String(i).padStart(2, '0')}`, email: `u${i}@example.com`, groups: [group] });
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await goTo(page, 'Directory');
    const users = page.getByLabel('Search users');
    const groups = page.getByLabel('Search groups');
    await groups.waitFor();
    const focused = async () => (await page.evaluate(`document.activeElement?.id ?? ''`)) as string;

    await page.keyboard.press('/');
    assert.equal(await focused(), await users.getAttribute('id'), 'at the top, the Users search');
    await users.blur();

    // From a control inside the groups list (as after closing a group's dialog).
    await page.getByRole('button', { name: 'Edit group Staff' }).focus();
    await page.keyboard.press('/');
    assert.equal(await focused(), await groups.getAttribute('id'), 'focus in the groups list: the Groups search');
    await page.keyboard.type('sta');
    assert.equal(await groups.inputValue(), 'sta');
    await page.keyboard.press('Escape');
    assert.equal(await groups.inputValue(), '');
    await groups.blur();

    // Scrolled down to the groups list with nothing focused.
    await page.getByTestId('group-row-Staff').scrollIntoViewIfNeeded();
    await page.evaluate(`window.scrollTo(0, document.documentElement.scrollHeight)`);
    await page.keyboard.press('/');
    assert.equal(await focused(), await groups.getAttribute('id'), 'scrolled to the groups: the Groups search');
  }));

test('roles: columns are chosen and resized from the header, and the choice is kept across a reload until reset', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async (api) => {
      await api('POST', '/v1/roles', { name: 'Support desk', description: 'Front-line tickets', actions: ['OpenTicket'] });
    });
    await goTo(page, 'Roles');
    const table = page.getByRole('table', { name: 'Roles' });
    const header = (name: string) => table.getByRole('columnheader', { name: new RegExp(`^${name}\\b`) });
    const width = async (name: string) => Math.round((await header(name).boundingBox())!.width);
    await header('Description').waitFor();
    const original = await width('Name');

    await page.getByRole('button', { name: 'Choose the columns of Roles' }).click();
    const menu = page.getByRole('menu', { name: 'Columns of Roles' });
    await menu.waitFor();
    assert.deepEqual(
      await menu.getByRole('menuitemcheckbox').allInnerTexts(),
      ['Description', 'Actions', 'Credentials'],
      'Name and the row actions always show',
    );
    await menu.getByRole('menuitemcheckbox', { name: 'Description' }).click();
    await header('Description').waitFor({ state: 'detached' });
    assert.equal(await menu.getByRole('menuitemcheckbox', { name: 'Description' }).getAttribute('aria-checked'), 'false');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    // By keyboard (16 px a press) and by dragging the header's edge.
    const before = await width('Name');
    await page.getByRole('separator', { name: 'Resize column Name' }).focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await width('Name'), before + 48);
    const edge = (await page.getByRole('separator', { name: 'Resize column Actions' }).boundingBox())!;
    const actionsBefore = await width('Actions');
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await page.mouse.down();
    await page.mouse.move(edge.x + edge.width / 2 + 40, edge.y + edge.height / 2, { steps: 4 });
    await page.mouse.up();
    assert.equal(await width('Actions'), actionsBefore + 40);
    await page.getByRole('button', { name: 'Edit role Support desk' }).waitFor();

    await page.reload();
    await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
    await goTo(page, 'Roles');
    await header('Actions').waitFor();
    assert.equal(await header('Description').count(), 0, 'Description stays hidden');
    assert.equal(await width('Name'), before + 48, 'the width is kept');
    assert.equal(await width('Actions'), actionsBefore + 40);

    await page.getByRole('button', { name: 'Choose the columns of Roles' }).click();
    await page.getByRole('menuitem', { name: 'Reset columns and widths' }).click();
    await header('Description').waitFor();
    assert.equal(await width('Name'), original, 'back to the layout it had');
  }));

test('audit log: a column hidden from its header menu stays hidden after a reload', (t) =>
  withApp(t, async (world) => {
    const { page } = world;
    await seeded(world, async () => undefined);
    await goTo(page, 'Audit log');
    const grid = page.getByRole('grid', { name: 'Audit log' });
    const actor = grid.getByRole('columnheader', { name: 'Actor' });
    await actor.hover();
    await grid.getByRole('button', { name: 'Actor column menu' }).click();
    await page.getByRole('menuitem', { name: 'Hide column' }).click();
    await actor.waitFor({ state: 'detached' });

    await page.reload();
    await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
    await goTo(page, 'Audit log');
    await grid.getByRole('columnheader', { name: 'Target' }).waitFor();
    assert.equal(await actor.count(), 0, 'Actor stays hidden');
  }));
