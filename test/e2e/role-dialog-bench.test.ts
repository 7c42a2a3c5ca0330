import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { serveFolder } from '../../bench/lib/static-server.ts';

// The role dialog alone (renderer/bench/role-dialog-bench.html) on a synthetic catalog of 5,000
// actions in 100 groups, driven by keyboard like a user. No backend: this pins the dialog's own
// behaviour and the performance marks the benchmarks read.

const DIST = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
let browser: Browser;
let site: { url: string; close: () => Promise<void> };

before(async () => {
  site = await serveFolder(DIST);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function openBench(theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${site.url}/bench/role-dialog-bench.html?actions=5000&groups=100&theme=${theme}`);
  await page.getByTestId('role-dialog').waitFor();
  return page;
}

const measures = (page: Page, name: string) =>
  page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((e) => e.duration), name);

test('the role dialog shows 100 groups with counts and keeps only the visible rows of 5,000 actions in the DOM', async () => {
  const page = await openBench();
  assert.equal(await page.getByTestId('group-sidebar').getByRole('button').count(), 100);
  const rows = await page.locator('[data-testid=action-list] input[type=checkbox]').count();
  assert.ok(rows > 5 && rows < 60, `rendered ${rows} rows`);
  assert.equal(await page.getByTestId('selected-count').textContent(), '0 of 5,000 actions selected');
  assert.ok((await measures(page, 'keyward:role-dialog:open')).length === 1, 'open is measured');
  await screenshot(page, 'role-dialog-5000', 'light');
  await page.close();
});

test('arrows move between actions, space toggles one, and the group count and tri-state follow', async () => {
  const page = await openBench();
  const first = page.locator('[data-testid=action-list] input').first();
  await first.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('[data-index="2"] input').isChecked(), true);
  assert.equal(await page.locator('[data-index="0"] input').isChecked(), false);
  await page.getByRole('button', { name: /^Group 001\s*1 of 50$/ }).waitFor();
  const all = page.getByTestId('group-all');
  assert.equal(await all.evaluate((el) => (el as unknown as { indeterminate: boolean }).indeterminate), true);
  await all.click();
  await page.getByRole('button', { name: /^Group 001\s*50 of 50$/ }).waitFor();
  assert.ok((await measures(page, 'keyward:role-dialog:toggle')).length >= 1, 'toggle is measured');
  await page.close();
});

test('Ctrl+F searches across groups, results show their group, and select-all selects only the matches', async () => {
  const page = await openBench();
  await page.keyboard.press('Control+f');
  await page.keyboard.type('resource3.approve');
  await page.getByTestId('search-summary').filter({ hasText: '100 matches, 0 selected' }).waitFor();
  assert.match((await page.locator('.kw-row-group').first().textContent()) ?? '', /^Group 0/);
  await page.getByRole('button', { name: 'Select all results' }).click();
  await page.getByTestId('selected-count').filter({ hasText: '100 of 5,000' }).waitFor();
  assert.ok((await measures(page, 'keyward:role-dialog:search')).length >= 1, 'search keystrokes are measured');
  await page.getByRole('switch', { name: 'Selected only' }).or(page.getByLabel('Selected only')).first().check();
  await screenshot(page, 'role-dialog-search', 'light');
  await page.close();
});

test('Esc with unsaved changes asks before discarding and Enter right after keeps editing; the name is checked as you type', async () => {
  const page = await openBench('dark');
  const name = page.getByLabel('Name');
  await name.fill('taken');
  await page.getByText('Another role already has this name.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Review changes' }).isDisabled(), true);
  await name.fill('Fresh');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).waitFor();
  await screenshot(page, 'role-dialog-discard', 'dark');
  // Escape then Enter must not throw the role away: "Keep editing" has the focus.
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('role-dialog').isVisible(), true);
  assert.equal(await name.inputValue(), 'Fresh');
  await page.close();
});
