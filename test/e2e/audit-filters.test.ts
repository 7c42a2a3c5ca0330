import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { newId } from '../../server/storage/rows.ts';
import { TEST_CATALOG } from '../fixtures/catalog.ts';
import { withApp, type AppWorld } from './helpers/fixtures.ts';
import { restClient } from './helpers/rest.ts';
import { screenshot } from './helpers/browser.ts';
import { goTo, setTheme } from './helpers/ui.ts';

// The audit log's actor and time filters, and an export that holds exactly the entries the
// filters match (across every page, not only the one on view). Each test has its own server.

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  target: { type: string; id: string | null };
}
type AuditPage = { items: Entry[]; nextCursor: string | null };

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A credential that may edit roles, and a REST client acting as it. */
async function makeActor(world: AppWorld, name: string) {
  const role = await world.api<{ id: string }>('POST', '/v1/roles', { name: `${name}'s rights`, actions: ['keyward.roles.write'] });
  const { credential, secret } = await world.api<{ credential: { id: string }; secret: string }>('POST', '/v1/credentials', {
    name,
    roles: [role.id],
  });
  return { id: credential.id, rest: restClient(() => world.server.url, secret) };
}

/**
 * Audit history from before the test began, written into the server's SQLite file as the server
 * writes it (time-ordered ids, ISO `at`): no API call can make an entry dated last month.
 */
function seedPast(dbPath: string, entries: { atMs: number; actorId: string | null; name: string }[]): void {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(
    'insert into audit (id, at, actor_id, action, target_type, target_id, before, after) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const e of entries)
      insert.run(
        newId('aud', e.atMs),
        new Date(e.atMs).toISOString(),
        e.actorId,
        'role.update',
        'role',
        newId('role', e.atMs),
        JSON.stringify({ name: e.name, description: '' }),
        JSON.stringify({ name: e.name, description: 'changed' }),
      );
  })();
  db.close();
}

/** Every entry the API gives for these filters, following the cursor. */
async function apiEntries(world: AppWorld, params: Record<string, string>): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ ...params, limit: '1000', ...(cursor ? { cursor } : {}) });
    const page: AuditPage = await world.api<AuditPage>('GET', `/v1/audit?${q.toString()}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Audit log' });
const pageLabel = (page: Page) => page.getByTestId('audit-page');
/** Text of one column in every row on view (the header row excluded). */
async function column(page: Page, index: number): Promise<string[]> {
  const rows = grid(page).getByRole('row');
  const texts: string[] = [];
  for (let i = 1; i < (await rows.count()); i++)
    texts.push(((await rows.nth(i).getByRole('gridcell').nth(index).textContent()) ?? '').trim());
  return texts;
}
const ACTOR = 2;
const TARGET = 3;

async function pickActor(page: Page, name: string) {
  await page.getByRole('combobox', { name: 'Actor' }).pressSequentially(name.slice(0, 3));
  await page.getByRole('option', { name: new RegExp(`^${name}\\b`) }).click();
  await page
    .getByTestId('audit-actor-filter')
    .filter({ hasText: `Actor: ${name}` })
    .waitFor();
}
async function pickTime(page: Page, option: string) {
  await page.getByRole('combobox', { name: 'Time' }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
const removeTime = (page: Page) => page.getByTestId('audit-time-filter').getByRole('img', { name: 'Remove the time filter' }).click();
/** A datetime-local value ("2026-12-02T10:30"); the tests keep days away from any boundary, so the zone does not matter. */
const localValue = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test('the actor filter keeps one credential’s entries, or the system’s, and shows as a removable chip', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      const alice = await makeActor(world, 'Alice');
      for (const name of ['Alice 1', 'Alice 2', 'Alice 3']) await alice.rest('POST', '/v1/roles', { name, actions: [] });
      const systemEntries = await apiEntries(world, { actorId: 'system' });
      assert.ok(systemEntries.length >= 1);

      await goTo(page, 'Audit log');
      await pickActor(page, 'Alice');
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–3' }).waitFor();
      assert.deepEqual(await column(page, ACTOR), ['Alice', 'Alice', 'Alice']);
      assert.deepEqual(await column(page, TARGET), ['roleAlice 3', 'roleAlice 2', 'roleAlice 1']);

      await page.getByTestId('audit-actor-filter').getByRole('img', { name: 'Remove the actor filter' }).click();
      await page.getByTestId('audit-actor-filter').waitFor({ state: 'detached' });
      await pickActor(page, 'system');
      await pageLabel(page)
        .filter({ hasText: `Page 1 · entries 1–${systemEntries.length}` })
        .waitFor();
      assert.deepEqual(new Set(await column(page, ACTOR)), new Set(['system']));

      // A row's own actor button gives the same filter, for actors no list names any more.
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByRole('button', { name: 'Only entries by Alice' }).first().click();
      await page.getByTestId('audit-actor-filter').filter({ hasText: 'Actor: Alice' }).waitFor();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–3' }).waitFor();
    },
    { catalog: TEST_CATALOG, connected: true },
  ));

test('time presets and a custom range keep the entries of their window; a bad range is refused at its field', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      const alice = await makeActor(world, 'Alice');
      const now = Date.now();
      seedPast(world.server.dbPath, [
        { atMs: now - 40 * DAY, actorId: alice.id, name: 'forty days ago' },
        { atMs: now - 10 * DAY, actorId: alice.id, name: 'ten days ago' },
        { atMs: now - 2 * DAY, actorId: alice.id, name: 'two days ago' },
        { atMs: now - 3 * HOUR, actorId: alice.id, name: 'three hours ago' },
      ]);
      await alice.rest('POST', '/v1/roles', { name: 'just now', actions: [] });

      await goTo(page, 'Audit log');
      await pickActor(page, 'Alice');
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–5' }).waitFor();
      const expectations: [string, string[]][] = [
        ['Last hour', ['just now']],
        ['Last 24 hours', ['just now', 'three hours ago']],
        ['Last 7 days', ['just now', 'three hours ago', 'two days ago']],
        ['Last 30 days', ['just now', 'three hours ago', 'two days ago', 'ten days ago']],
      ];
      for (const [preset, names] of expectations) {
        await pickTime(page, preset);
        await page
          .getByTestId('audit-time-filter')
          .filter({ hasText: `Time: ${preset.toLowerCase()}` })
          .waitFor();
        await pageLabel(page)
          .filter({ hasText: `Page 1 · entries 1–${names.length}` })
          .waitFor();
        assert.deepEqual(
          await column(page, TARGET),
          names.map((n) => `role${n}`),
          preset,
        );
        await removeTime(page);
      }
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–5' }).waitFor();

      // Custom: checked before anything is sent, the message at the field at fault.
      await pickTime(page, 'Custom range…');
      const range = page.getByTestId('audit-custom-range');
      await range.getByRole('button', { name: 'Apply range' }).click();
      await range.getByText('Enter a start, an end, or both').waitFor();
      assert.equal(await range.getByLabel('From').getAttribute('aria-invalid'), 'true');
      await range.getByLabel('From').fill(localValue(now - 5 * DAY));
      assert.equal(await range.getByText('Enter a start, an end, or both').count(), 0, 'the message goes on edit');
      await range.getByLabel('To (not included)').fill(localValue(now - 45 * DAY));
      await range.getByRole('button', { name: 'Apply range' }).click();
      await range.getByText('Must be later than From').waitFor();
      assert.equal(await range.getByLabel('To (not included)').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByTestId('audit-time-filter').count(), 0, 'nothing applied');

      await range.getByLabel('From').fill(localValue(now - 45 * DAY));
      await range.getByLabel('To (not included)').fill(localValue(now - 5 * DAY));
      await range.getByRole('button', { name: 'Apply range' }).click();
      await page.getByTestId('audit-time-filter').filter({ hasText: 'Time: ' }).waitFor();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–2' }).waitFor();
      assert.deepEqual(await column(page, TARGET), ['roleten days ago', 'roleforty days ago']);

      // A window with nothing in it says so and offers to clear the filters.
      await removeTime(page);
      await pickTime(page, 'Custom range…');
      await range.getByLabel('From').fill(localValue(now - 60 * DAY));
      await range.getByLabel('To (not included)').fill(localValue(now - 50 * DAY));
      await range.getByRole('button', { name: 'Apply range' }).click();
      await page.getByText('No audit entry matches these filters.').waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).last().click();
      await page.getByTestId('audit-actor-filter').waitFor({ state: 'detached' });
      await page.getByTestId('audit-time-filter').waitFor({ state: 'detached' });
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–' }).waitFor();
    },
    { catalog: TEST_CATALOG, connected: true },
  ));

test('export saves exactly the entries the filters match, across every page, with progress while it runs', (t) =>
  withApp(
    t,
    async (world) => {
      const { page } = world;
      const alice = await makeActor(world, 'Alice');
      const bob = await makeActor(world, 'Bob');
      const now = Date.now();
      // 1,100 of Alice's entries in the last 16 days (more than one export page), Bob's between
      // them, and Alice's older ones outside "Last 30 days".
      const seeded = [];
      for (let i = 0; i < 1100; i++) seeded.push({ atMs: now - 2 * HOUR - i * 20 * 60_000, actorId: alice.id, name: `alice ${i}` });
      for (let i = 0; i < 60; i++) seeded.push({ atMs: now - 2 * HOUR - i * 6 * HOUR - 1000, actorId: bob.id, name: `bob ${i}` });
      for (let i = 0; i < 30; i++) seeded.push({ atMs: now - 35 * DAY - i * HOUR, actorId: alice.id, name: `old ${i}` });
      seedPast(
        world.server.dbPath,
        seeded.sort((a, b) => a.atMs - b.atMs),
      );
      await alice.rest('POST', '/v1/roles', { name: 'alice now', actions: [] });
      await bob.rest('POST', '/v1/roles', { name: 'bob now', actions: [] });

      await goTo(page, 'Audit log');
      await pickActor(page, 'Alice');
      await pickTime(page, 'Last 30 days');
      await page.getByTestId('audit-time-filter').waitFor();
      await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–50' }).waitFor();
      const expected = (await apiEntries(world, { actorId: alice.id, from: new Date(now - 30 * DAY + HOUR).toISOString() })).map(
        (e) => e.id,
      );
      assert.equal(expected.length, 1101);

      // The second export page is held, so the export's progress and disabled buttons can be seen.
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      await page.route('**/rpc/audit.list', async (route) => {
        if (route.request().postData()?.includes('"cursor"') && route.request().postData()?.includes('1000')) await held;
        await route.continue().catch(() => undefined);
      });
      const json = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export JSON' }).click();
      await page.getByTestId('audit-export-progress').filter({ hasText: 'Exporting JSON… 1,000 entries' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Export CSV' }).isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Export JSON' }).isDisabled(), true);
      release();
      const exported = JSON.parse(await readFile((await (await json).path())!, 'utf8')) as Entry[];
      await page.unroute('**/rpc/audit.list');
      assert.deepEqual(
        exported.map((e) => e.id),
        expected,
        'every matching entry, newest first, and no other',
      );
      assert.ok(exported.every((e) => e.actorId === alice.id));
      await page.getByTestId('audit-export-progress').waitFor({ state: 'detached' });

      const csv = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const lines = (await readFile((await (await csv).path())!, 'utf8')).trimEnd().split('\n');
      assert.equal(lines[0], 'at,actorId,action,targetType,targetId,change');
      assert.equal(lines.length, 1 + expected.length);
      assert.ok(lines.slice(1).every((l) => l.split(',')[1] === alice.id));
    },
    { catalog: TEST_CATALOG, connected: true },
  ));

/** An axe scan (WCAG 2.1 A/AA) and a screenshot in test-results/screenshots/; answers the serious or critical violations. */
async function look(page: Page, name: string, theme: 'light' | 'dark'): Promise<string[]> {
  await page
    .locator('[aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  await screenshot(page, name, theme);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${name} (${theme}): ${v.id} ${v.help}`);
}

test(
  'the filtered audit log at 1280×800, light and dark: chips, a refused custom range, the empty state; no serious axe violation',
  { timeout: 600_000 },
  (t) =>
    withApp(
      t,
      async (world) => {
        const { page } = world;
        await page.setViewportSize({ width: 1280, height: 800 });
        const alice = await makeActor(world, 'Alice (nightly export)');
        const now = Date.now();
        seedPast(
          world.server.dbPath,
          Array.from({ length: 12 }, (_, i) => ({ atMs: now - (12 - i) * 9 * HOUR, actorId: alice.id, name: `Billing ${i + 1}` })),
        );
        for (const name of ['Support desk', 'Reporting']) await alice.rest('POST', '/v1/roles', { name, actions: ['GetClients'] });
        await goTo(page, 'Audit log');
        const problems: string[] = [];
        for (const theme of ['light', 'dark'] as const) {
          await setTheme(page, theme);
          await pickActor(page, 'Alice');
          await pickTime(page, 'Last 7 days');
          await page.getByTestId('audit-time-filter').waitFor();
          await page.getByRole('combobox', { name: 'Target type' }).click();
          await page.getByRole('option', { name: 'role', exact: true }).click();
          await pageLabel(page).filter({ hasText: 'Page 1 · entries 1–' }).waitFor();
          problems.push(...(await look(page, 'audit-filters-applied', theme)));

          await removeTime(page);
          await pickTime(page, 'Custom range…');
          const range = page.getByTestId('audit-custom-range');
          await range.getByLabel('From').fill(localValue(now - 60 * DAY));
          await range.getByLabel('To (not included)').fill(localValue(now - 61 * DAY));
          await range.getByRole('button', { name: 'Apply range' }).click();
          await range.getByText('Must be later than From').waitFor();
          problems.push(...(await look(page, 'audit-filters-custom-range', theme)));
          await range.getByLabel('To (not included)').fill(localValue(now - 50 * DAY));
          await range.getByRole('button', { name: 'Apply range' }).click();
          await page.getByText('No audit entry matches these filters.').waitFor();
          problems.push(...(await look(page, 'audit-filters-empty', theme)));
          await page.getByRole('button', { name: 'Clear filters' }).last().click();
          await page.getByTestId('audit-actor-filter').waitFor({ state: 'detached' });
        }
        assert.deepEqual(problems, []);
      },
      { catalog: TEST_CATALOG, connected: true },
    ),
);
