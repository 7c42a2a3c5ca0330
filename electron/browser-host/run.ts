import { relative } from 'node:path';
import { createInterface } from 'node:readline';
import { installExitGuard } from '../services/exit-guard.ts';
import { OPENED_CODE_TTL_MS, openInBrowser, startBrowserHost } from './host.ts';

// Runs the browser host in the foreground until Ctrl+C (npm run start:browser, and npm start /
// npm run demo without an Electron runtime). Prints a link to open: it holds a one-time code,
// never the launch secret, and opens one tab once; Enter prints another.

export interface RunOptions {
  userDataDir: string;
  port: number;
  rendererDir?: string;
  open: boolean;
  /** The demo: start the embedded local server with the demo data and connect before printing the URL. */
  demo?: { dir: string; root: string };
}

export async function runBrowserHost(options: RunOptions): Promise<void> {
  const out = (text: string) => process.stdout.write(text);
  const host = await startBrowserHost({
    userDataDir: options.userDataDir,
    port: options.port,
    rendererDir: options.rendererDir,
    log: { info: () => {}, warn: (message, fields) => process.stderr.write(`${message} ${fields ? JSON.stringify(fields) : ''}\n`) },
  });
  const { stop } = installExitGuard({
    shutdown: () => host.close(),
    shutdownSync: () => host.impl.shutdownSync(),
    report: (line) => process.stderr.write(`${line}\n`),
  });

  if (options.demo) {
    try {
      await host.impl.api.localServer.start({ demo: true });
    } catch (error) {
      const message = (error as { message?: string }).message ?? 'unknown error';
      const missingToken = (await host.impl.api.profiles.list()).some((p) => p.kind === 'local' && !p.hasToken);
      process.stderr.write(
        `Keyward demo: the local server did not start: ${message}\n${missingToken ? 'Start the demo over with: npm run demo -- --reset\n' : ''}`,
      );
      await stop(1);
      return;
    }
    const shown = relative(options.demo.root, options.demo.dir) || '.';
    const where = shown.startsWith('..') ? options.demo.dir : shown;
    out(
      `Keyward demo: the app on its embedded local server (SQLite, demo data), connected and showing the Roles screen.
Open this link (it opens one tab, once; press Enter here for another):

  ${host.url}

The demo keeps its data in ${where}/ and reuses it next time; start over with: npm run demo -- --reset
Press Ctrl+C to stop.
`,
    );
  } else {
    out(
      `Keyward is running in browser mode. Open this link (it opens one tab, once; press Enter here for another):\n\n  ${host.url}\n\nPress Ctrl+C to stop (a copied secret still on the clipboard is cleared).\n`,
    );
  }
  if (!host.clipboard.concealment) {
    out('Note: in browser mode copies are not marked concealed for clipboard managers; they are still cleared after the delay.\n');
  }
  // The browser gets a code of its own: the printed link stays usable for another browser.
  if (options.open) await openInBrowser(host.launchUrl({ ttlMs: OPENED_CODE_TTL_MS }));
  createInterface({ input: process.stdin }).on('line', () => out(`A new one-time link:\n\n  ${host.launchUrl()}\n\n`));
}
