import { createWriteStream } from 'node:fs';
import { startServer } from '../../server/index.ts';
import { onStopRequest, sendReady } from '../lib/child.ts';

// The Keyward server under test, started through its public entry in its own process. Logs go to
// a file (as in production), at the default level; the hot routes log only warnings.

export interface KeywardChildConfig {
  dbPath: string;
  /** postgres://… — when set, the server uses PostgreSQL instead of the SQLite file. */
  databaseUrl?: string;
  bootstrapTokenFile: string;
  logFile: string;
  trustedProxies?: string[];
  /** false: the server counts no usage (to measure what counting costs). */
  countUsage?: boolean;
}

const config = JSON.parse(process.argv[2]!) as KeywardChildConfig;
const log = createWriteStream(config.logFile, { flags: 'a' });
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dbPath: config.dbPath }),
  bootstrapTokenFile: config.bootstrapTokenFile,
  trustedProxies: config.trustedProxies ?? [],
  ...(config.countUsage === false ? { countUsage: false } : {}),
  logStream: { write: (line: string) => log.write(line) },
});
sendReady({ type: 'ready', port: server.port });
onStopRequest(async () => {
  await server.close();
  await new Promise<void>((resolve) => log.end(() => resolve()));
});
