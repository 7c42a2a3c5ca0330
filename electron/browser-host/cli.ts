import { parseArgs } from 'node:util';
import { runBrowserHost } from './run.ts';
import { defaultUserDataDir } from './user-data-dir.ts';

// npm run start:browser [-- --port N --user-data-dir DIR --open]
// Serves Keyward to a browser on 127.0.0.1 and prints a link to open (a one-time code, never the
// launch secret; Enter prints another).

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'user-data-dir': { type: 'string' },
    'renderer-dir': { type: 'string' },
    open: { type: 'boolean', default: false },
  },
});

await runBrowserHost({
  userDataDir: values['user-data-dir'] ?? defaultUserDataDir(),
  port: values.port ? Number(values.port) : 0,
  rendererDir: values['renderer-dir'],
  open: values.open,
});
