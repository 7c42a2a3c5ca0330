import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { screenshot } from './browser.ts';
import { withApp, type AppWorld } from './fixtures.ts';
import { RENDERER_DIR } from './hosts.ts';
import { serveFolder } from '../../../bench/lib/static-server.ts';
import { startReceiver, type Receiver } from '../../integration/lifecycle/webhook-receiver.ts';
import { animationsDone, setTheme } from './ui.ts';

// The harness of the axe-and-screenshot files (screens, screens-dialogs, screens-lifecycle):
// `view()` declares one test per theme, each in its own world (helpers/fixtures.ts: a fresh demo
// backend, a fresh app connected to it as "Demo"), which scans each state it is shown (WCAG 2.1
// A/AA, no serious or critical violation) and saves its screenshot in test-results/screenshots/.
// A view that needs the role-dialog bench page or a webhook receiver starts it for itself. The
// views are spread over two files so that each stays well inside the runner's per-file time limit
// on a loaded machine, and the two run side by side.
//
// One test per view and theme, each with its own timeout: a single axe scan can take more than a
// minute on a loaded 2-core machine, so a whole theme in one test could outrun any fixed limit.

const TIMEOUT_PER_SCAN = 240_000;
/** Starting the world (a demo backend, Chromium, connecting through the UI) on a loaded machine. */
const TIMEOUT_TO_START = 60_000;
const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** A view's world: its app and backend, and the local servers it asks for (stopped after the test). */
export interface ViewWorld extends AppWorld {
  /** A webhook receiver of this test. */
  receiver(): Promise<Receiver>;
  /** The URL of a server of the built renderer, for the role-dialog bench page. */
  benchUrl(): Promise<string>;
}

async function withView(t: Parameters<typeof withApp>[0], body: (world: ViewWorld) => Promise<void>): Promise<void> {
  const closers: (() => Promise<void>)[] = [];
  const started = <T extends { close(): Promise<void> }>(server: T): T => {
    closers.push(() => server.close());
    return server;
  };
  try {
    await withApp(
      t,
      (app) =>
        body({
          ...app,
          receiver: async () => started(await startReceiver()),
          benchUrl: async () => started(await serveFolder(RENDERER_DIR)).url,
        }),
      // Actions wait longer than Playwright's 30 s default: the machine may be busy scanning.
      { demo: true, connected: true, profileName: 'Demo', actionTimeoutMs: 90_000 },
    );
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
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
 * Declares one test per theme, each in a world of its own. `view` brings the page into the state
 * to look at and calls `look(name)` for each capture.
 */
export type Look = (name: string, opts?: { loading?: boolean; on?: Page }) => Promise<void>;

export function view(title: string, scans: number, body: (page: Page, theme: Theme, look: Look, world: ViewWorld) => Promise<void>) {
  for (const theme of THEMES) {
    test(
      `${title} in the ${theme} theme: no serious or critical axe violation`,
      { timeout: TIMEOUT_TO_START + scans * TIMEOUT_PER_SCAN },
      (t) =>
        withView(t, async (world) => {
          const { page } = world;
          await setTheme(page, theme);
          const problems: string[] = [];
          await body(
            page,
            theme,
            async (name, opts = {}) => {
              problems.push(...(await capture(opts.on ?? page, name, theme, opts)));
            },
            world,
          );
          assert.deepEqual(problems, []);
        }),
    );
  }
}

/** A test with a world like a view's, for the checks in these files that scan nothing. */
export function inDemoWorld(t: Parameters<typeof withApp>[0], body: (world: ViewWorld) => Promise<void>): Promise<void> {
  return withView(t, body);
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
