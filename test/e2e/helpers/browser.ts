import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../helpers/chromium.ts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
}

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', '..', 'test-results', 'screenshots');

/**
 * Saves a screenshot of the whole page as test-results/screenshots/<name>-<theme>.png. A page
 * taller than the window is shot in a window grown to fit, so the fixed top bar and navigation
 * look as they do in use (a plain full-page capture leaves them one window tall). With a dialog
 * open the window stays as it is: dialogs are sized to it.
 */
export async function screenshot(page: Page, name: string, theme: 'light' | 'dark'): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}-${theme}.png`);
  const viewport = page.viewportSize();
  const height = await page.evaluate('document.documentElement.scrollHeight');
  const dialogOpen = (await page.locator('[role="dialog"]').count()) > 0;
  if (!viewport || dialogOpen || typeof height !== 'number' || height <= viewport.height) {
    await page.screenshot({ path });
    return;
  }
  await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.screenshot({ path });
  } finally {
    await page.setViewportSize(viewport);
  }
}
