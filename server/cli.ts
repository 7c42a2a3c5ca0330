import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startServer } from './index.ts';

// `npm run server -- --host 127.0.0.1 --port 7700 --db keyward.sqlite [--database-url postgres://…]
//  [--demo] [--bootstrap-token-file PATH] [--recover-admin] [--tls-cert F --tls-key F] [--trusted-proxy CIDR …]`

const USAGE = `Usage: npm run server -- [options]
  --host HOST                  address to listen on (default 127.0.0.1)
  --port PORT                  port (default 7700; 0 picks a free one)
  --db FILE                    SQLite database file (default keyward.sqlite)
  --database-url URL           use PostgreSQL instead (postgres://user:pass@host/db)
  --demo                       seed a demo catalog, roles, users, groups and a backend
  --bootstrap-token-file FILE  write the first admin token here (mode 0600) instead of stdout
  --recover-admin              when no administrator is left, issue a recovery administrator at this
                               start (its token printed once, or written to --bootstrap-token-file)
  --tls-cert FILE --tls-key FILE   serve HTTPS
  --trusted-proxy CIDR         a reverse proxy whose X-Forwarded-For / X-Real-IP is believed (repeatable)
  --log-level LEVEL            fatal|error|warn|info|debug (default info)
  --max-stale-seconds N        PostgreSQL: deny authorization (stale_cache) once the change feed has been
                               out of sync this long (default 30)
  --webhook-allow-private      let https webhooks target private address ranges
  --help`;

function fail(message: string): never {
  process.stderr.write(`keyward: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      'database-url': { type: 'string' },
      demo: { type: 'boolean' },
      'bootstrap-token-file': { type: 'string' },
      'recover-admin': { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trusted-proxy': { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      'max-stale-seconds': { type: 'string' },
      'webhook-allow-private': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = values.port === undefined ? 7700 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535 (got "${values.port}").`);
if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) fail('--tls-cert and --tls-key go together.');
const maxStaleSeconds = values['max-stale-seconds'] === undefined ? 30 : Number(values['max-stale-seconds']);
if (!Number.isFinite(maxStaleSeconds) || maxStaleSeconds < 1 || maxStaleSeconds > 86_400)
  fail(`--max-stale-seconds must be a number of seconds from 1 to 86400 (got "${values['max-stale-seconds']}").`);

let tls: { cert: Buffer; key: Buffer } | undefined;
try {
  tls = values['tls-cert'] ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } : undefined;
} catch (error) {
  fail(`cannot read the TLS files: ${(error as Error).message}`);
}

try {
  const server = await startServer({
    host: values.host ?? '127.0.0.1',
    port,
    dbPath: values.db ?? 'keyward.sqlite',
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    demo: values.demo ?? false,
    ...(values['bootstrap-token-file'] ? { bootstrapTokenFile: values['bootstrap-token-file'] } : {}),
    recoverAdmin: values['recover-admin'] === true,
    trustedProxies: values['trusted-proxy'] ?? [],
    logLevel: values['log-level'] ?? 'info',
    maxStaleSeconds,
    webhookAllowPrivate: values['webhook-allow-private'] === true,
    ...(tls ? { tls } : {}),
    // Logs go to stderr so stdout carries only the listening line and the one-time token.
    logStream: process.stderr,
  });
  process.stdout.write(`Keyward backend listening on ${server.url}\n`);
  if (server.bootstrapToken) {
    process.stdout.write(
      `\nEmpty database: created the role "Administrator" and the credential "bootstrap".\n` +
        `Its token is shown this once — store it now (it is not kept anywhere in plain text):\n\n  ${server.bootstrapToken}\n\n`,
    );
  }
  if (server.recoveryToken) {
    process.stdout.write(
      `\nNo administrator was left: created a recovery administrator (see the audit log, "server.recover_admin").\n` +
        `Its token is shown this once — issue personal admin tokens with it, then revoke it:\n\n  ${server.recoveryToken}\n\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`keyward: ${signal} received, finishing requests in flight…\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  process.stderr.write(`keyward: could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
