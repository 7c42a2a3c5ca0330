import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { screenshot } from './helpers/browser.ts';
import { startStack, type Stack } from './helpers/stack.ts';
import { connect, goTo, setTheme } from './helpers/ui.ts';

// Every screen and dialog, in light and dark: an axe scan with no serious or critical violation,
// and a screenshot in test-results/screenshots/ for a human to look at. Runs on the demo data
// set so the screens are populated as in real use.

let stack: Stack;
before(async () => {
  stack = await startStack({ demo: true });
  await connect(stack.page, stack.serverUrl, stack.adminToken, 'Demo');
});
after(() => stack?.close());

const SCREENS = ['Connections', 'Roles', 'Credentials', 'Drafts', 'Directory', 'Backends', 'Access checker', 'Hygiene', 'Audit log'];

async function settled(page: Page) {
  await page
    .locator('[aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await page.waitForTimeout(250); // transitions (dialogs fade in over 225 ms)
}

async function scan(page: Page, what: string, problems: string[]) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    problems.push(
      `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
    );
  }
}

async function capture(page: Page, name: string, theme: 'light' | 'dark', problems: string[]) {
  await settled(page);
  await scan(page, `${name} (${theme})`, problems);
  await screenshot(page, name, theme);
}

async function dialogs(page: Page, theme: 'light' | 'dark', problems: string[]) {
  await goTo(page, 'Roles');
  await page
    .getByRole('button', { name: /^Edit role / })
    .first()
    .click();
  await page.getByTestId('role-dialog').getByRole('button', { name: 'Review changes' }).waitFor();
  await capture(page, 'dialog-role', theme, problems);
  await page.getByTestId('role-dialog').getByRole('button', { name: 'Review changes' }).click();
  await page.getByTestId('role-review').waitFor();
  await capture(page, 'dialog-role-review', theme, problems);
  await page.getByTestId('role-dialog').getByRole('button', { name: 'Back' }).click();
  await page.getByTestId('role-dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('role-dialog').waitFor({ state: 'detached' });

  await page
    .getByRole('button', { name: /^Delete role / })
    .first()
    .click();
  await capture(page, 'dialog-delete-role', theme, problems);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await goTo(page, 'Credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const editor = page.getByRole('dialog', { name: 'New credential' });
  await editor.getByLabel('Name').fill(`screenshot ${theme}`);
  await editor.getByLabel('Access Roles').click();
  await page.getByRole('option').first().click();
  await capture(page, 'dialog-credential-editor', theme, problems);
  await editor.getByRole('button', { name: 'Create and show token' }).click();
  const token = page.getByTestId('token-dialog');
  await token.getByRole('button', { name: 'Copy curl example' }).click();
  await token.getByTestId('copy-status').filter({ hasText: 'Copied' }).waitFor();
  await capture(page, 'dialog-one-time-token', theme, problems);
  await token.getByRole('button', { name: 'Done' }).click();
  await capture(page, 'dialog-one-time-token-close', theme, problems);
  await page.getByRole('dialog', { name: 'Close without the token?' }).getByRole('button', { name: 'Close' }).click();
  await token.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: `Roll screenshot ${theme}` }).click();
  await capture(page, 'dialog-roll', theme, problems);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await goTo(page, 'Connections');
  await page.getByRole('button', { name: 'Edit' }).first().click();
  await capture(page, 'dialog-profile', theme, problems);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await goTo(page, 'Directory');
  await page.getByRole('button', { name: 'New user' }).click();
  await capture(page, 'dialog-user', theme, problems);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page
    .getByRole('button', { name: /^Edit group / })
    .first()
    .click();
  await capture(page, 'dialog-group', theme, problems);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await goTo(page, 'Backends');
  const edit = page.getByRole('button', { name: /^Edit backend / }).first();
  if (await edit.count()) await edit.click();
  else await page.getByRole('button', { name: 'New backend' }).click();
  const backend = page.getByRole('dialog');
  await backend.getByLabel('Test a path').fill('/nothing-here');
  await capture(page, 'dialog-backend', theme, problems);
  await backend.getByRole('button', { name: 'Cancel' }).click();
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen and dialog in the ${theme} theme passes an axe scan with no serious or critical violation`, async () => {
    const { page } = stack;
    await setTheme(page, theme);
    const problems: string[] = [];
    for (const screen of SCREENS) {
      await goTo(page, screen);
      await capture(page, `screen-${screen.toLowerCase().replace(/ /g, '-')}`, theme, problems);
    }
    await dialogs(page, theme, problems);
    assert.deepEqual(problems, []);
  });
}
