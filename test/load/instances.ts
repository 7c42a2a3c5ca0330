import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, type CliServer } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { makeRequest, type RequestFn } from '../helpers/server.ts';

// Backends as separate processes (`node server/cli.ts --database-url …`), the way they run in
// production behind a load balancer, on one fresh database of the test cluster. Separate
// processes matter here: the load client then does not share an event loop with the servers,
// and kill -9 kills a whole instance.

export interface CliInstance {
  name: string;
  url: string;
  request: RequestFn;
  process: CliServer;
}

export interface CliInstances {
  databaseUrl: string;
  token: string;
  instances: Map<string, CliInstance>;
  /** Starts (or restarts) the named instance on the shared database. */
  start(name: string): Promise<CliInstance>;
  get(name: string): CliInstance;
  close(): Promise<void>;
}

/** Load tests' verdict duration: KEYWARD_LOAD_SECONDS (issue 5 §4 asks for 60), default 15. */
export function loadSeconds(): number {
  const value = Number(process.env.KEYWARD_LOAD_SECONDS ?? 15);
  if (!Number.isFinite(value) || value < 3 || value > 600)
    throw new Error('KEYWARD_LOAD_SECONDS must be a number of seconds from 3 to 600.');
  return value;
}

export async function startCliInstances(names: string[]): Promise<CliInstances> {
  const cluster = await startPostgres();
  const database = await createTestDatabase(cluster.url);
  const databaseUrl = database.databaseUrl!;
  const dir = mkdtempSync(join(tmpdir(), 'keyward-load-'));
  const tokenFile = join(dir, 'bootstrap.token');
  const instances = new Map<string, CliInstance>();
  let token = '';
  const start = async (name: string): Promise<CliInstance> => {
    // The first instance bootstraps the empty database and writes the admin token; the others
    // find the database bootstrapped and only join it.
    const process = await spawnCli(['--database-url', databaseUrl, '--bootstrap-token-file', tokenFile, '--log-level', 'warn']);
    token ||= readFileSync(tokenFile, 'utf8').trim();
    const instance = { name, url: process.url, request: makeRequest(process.url, token), process };
    instances.set(name, instance);
    return instance;
  };
  const close = async () => {
    await Promise.allSettled([...instances.values()].map((i) => i.process.stop('SIGTERM')));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of names) await start(name);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    databaseUrl,
    get token() {
      return token;
    },
    instances,
    start,
    get(name) {
      const instance = instances.get(name);
      if (!instance) throw new Error(`no instance ${name}`);
      return instance;
    },
    close,
  };
}
