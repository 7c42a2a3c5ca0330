import type { Page } from 'playwright-core';

// Steps a user takes in the console, shared by the end-to-end tests.

export async function goTo(page: Page, screen: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${screen}\\b`) })
    .click();
  await page.locator('#page-title').filter({ hasText: screen }).waitFor();
}

/** Adds a server profile through the Connections screen and connects to it. */
export async function connect(page: Page, url: string, token: string, name = 'Test server'): Promise<void> {
  await goTo(page, 'Connections');
  await page.getByRole('button', { name: 'Add server' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a server' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Server URL').fill(url);
  await dialog.getByLabel('Admin token').fill(token);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await dialog.getByText('the token works').waitFor();
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('article', { name }).getByRole('button', { name: 'Connect' }).click();
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
}

export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.getByRole('button', { name: `Theme: ${theme}` }).click();
  await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
}

/** Waits until every finite animation or transition running now (a dialog's fade-in) has ended, e.g. before a screenshot. */
export async function animationsDone(page: Page): Promise<void> {
  // One evaluated expression (the page's CSP allows no polled string predicates; this file has no DOM types).
  await page.evaluate(
    // Two frames first, so a transition a click has just caused has started and is counted.
    'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))).then(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))))',
  );
}

/**
 * Types a search into the credentials screen and waits until the grid shows its answer: the list
 * request for exactly this query has been answered and the loading overlay (which covers the rows,
 * and would take a click meant for a row's button) is gone.
 */
export async function searchCredentials(page: Page, q: string): Promise<void> {
  const answered = page.waitForResponse(
    (r) =>
      r.url().endsWith('/rpc/credentials.list') &&
      (JSON.parse(r.request().postData() ?? 'null') as { q?: string } | null)?.q === (q === '' ? undefined : q),
  );
  await page.getByLabel('Search credentials').fill(q);
  await answered;
  await page.getByRole('grid', { name: 'Credentials' }).locator('.MuiDataGrid-skeletonLoadingOverlay').waitFor({ state: 'detached' });
}
