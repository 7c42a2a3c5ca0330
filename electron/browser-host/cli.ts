import { parseArgs } from 'node:util';
import { startBrowserHost } from './host.ts';
import { defaultUserDataDir } from './user-data-dir.ts';

// npm run start:browser [-- --port N --user-data-dir DIR --open]
// Serves Keyward to a browser on 127.0.0.1 and prints the URL to open (it holds this launch's
// secret, so only whoever can read this terminal can use the app).

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'user-data-dir': { type: 'string' },
    'renderer-dir': { type: 'string' },
    open: { type: 'boolean', default: false },
  },
});

const host = await startBrowserHost({
  userDataDir: values['user-data-dir'] ?? defaultUserDataDir(),
  port: values.port ? Number(values.port) : 0,
  rendererDir: values['renderer-dir'],
  openBrowser: values.open,
  log: { info: () => {}, warn: (message, fields) => process.stderr.write(`${message} ${fields ? JSON.stringify(fields) : ''}\n`) },
});
process.stdout.write(
  `Keyward is running in browser mode. Open this URL (it is only for you; it holds a one-time launch secret):\n\n  ${host.url}\n\nPress Ctrl+C to stop (a copied secret still on the clipboard is cleared).\n`,
);
if (!host.clipboard.concealment) {
  process.stdout.write(
    'Note: in browser mode copies are not marked concealed for clipboard managers; they are still cleared after the delay.\n',
  );
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await host.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
