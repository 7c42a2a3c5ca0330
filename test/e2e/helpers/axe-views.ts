import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { screenshot } from './browser.ts';
import { RENDERER_DIR, startStack, type Stack } from './stack.ts';
import { serveFolder } from '../../../bench/lib/static-server.ts';
import { startReceiver, type Receiver } from '../../integration/lifecycle/webhook-receiver.ts';
import { animationsDone, connect, setTheme } from './ui.ts';

// The harness of the axe-and-screenshot files (screens.test.ts, screens-dialogs.test.ts): per
// file one demo stack, connected, with the role-dialog bench page and a webhook receiver; and
// `view()`, which declares one test per theme that scans each state it is shown (WCAG 2.1 A/AA,
// no serious or critical violation) and saves its screenshot in test-results/screenshots/. The
// views are spread over two files so that each stays well inside the runner's per-file time limit
// on a loaded machine, and the two run side by side.
//
// One test per view and theme, each with its own timeout: a single axe scan can take more than a
// minute on a loaded 2-core machine, so a whole theme in one test could outrun any fixed limit.

const TIMEOUT_PER_SCAN = 240_000;
const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

let stack: Stack;
let bench: { url: string; close: () => Promise<void> };
let receiver: Receiver;

/** What the views of a file share: its stack, the bench page's server, the webhook receiver. */
export const world = {
  get stack(): Stack {
    return stack;
  },
  get bench(): { url: string } {
    return bench;
  },
  get receiver(): Receiver {
    return receiver;
  },
};

/** Registers the file's hooks (start, stop, a clean page before each view); call it once per file. */
export function useDemoStack(): void {
  before(async () => {
    receiver = await startReceiver();
    stack = await startStack({ demo: true });
    // Actions wait longer than Playwright's 30 s default: the machine may be busy scanning.
    stack.context.setDefaultTimeout(90_000);
    await connect(stack.page, stack.serverUrl, stack.adminToken, 'Demo');
    bench = await serveFolder(RENDERER_DIR);
  });
  after(async () => {
    await receiver?.close();
    await bench?.close();
    await stack?.close();
  });
  // A test that failed half-way must not leave its dialog over the next view.
  beforeEach(async () => {
    const { page } = stack;
    if ((await page.locator('[role="dialog"], [role="presentation"].MuiPopover-root').count()) > 0) {
      await page.reload();
      await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
    }
  });
}

export async function settled(page: Page) {
  await page
    .locator('[aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await animationsDone(page); // transitions (dialogs fade in over 225 ms)
}

/** The scan, the screenshot, and the serious or critical violations found. */
export async function capture(page: Page, name: string, theme: Theme, opts: { loading?: boolean } = {}): Promise<string[]> {
  // A loading view is captured as it loads: only its transitions are waited for (the skeleton's
  // pulse never ends, and animationsDone leaves endless animations alone).
  if (opts.loading) await animationsDone(page);
  else await settled(page);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  await screenshot(page, name, theme);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${name} (${theme}): ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/**
 * Declares one test per theme. `view` brings the page into the state to look at and calls
 * `look(name)` for each capture; it leaves the page as it found it.
 */
export type Look = (name: string, opts?: { loading?: boolean; on?: Page }) => Promise<void>;

export function view(title: string, scans: number, body: (page: Page, theme: Theme, look: Look) => Promise<void>) {
  for (const theme of THEMES) {
    test(`${title} in the ${theme} theme: no serious or critical axe violation`, { timeout: scans * TIMEOUT_PER_SCAN }, async () => {
      const { page } = stack;
      await setTheme(page, theme);
      const problems: string[] = [];
      await body(page, theme, async (name, opts = {}) => {
        problems.push(...(await capture(opts.on ?? page, name, theme, opts)));
      });
      assert.deepEqual(problems, []);
    });
  }
}

export const slug = (s: string) => s.toLowerCase().replace(/ /g, '-');
export const dialog = (page: Page) => page.getByRole('dialog');
export const cancel = async (page: Page) => {
  await dialog(page).getByRole('button', { name: 'Cancel' }).click();
  await dialog(page).waitFor({ state: 'detached' });
};
export const discardPrompt = (page: Page) => page.getByRole('dialog', { name: 'Discard unsaved changes?' });

/** Runs `body` with the page at the 1280×800 window the issues ask for, then restores it. */
export async function at1280(page: Page, body: () => Promise<void>) {
  const before = page.viewportSize()!;
  await page.setViewportSize({ width: 1280, height: 800 });
  try {
    await body();
  } finally {
    await page.setViewportSize(before);
  }
}
