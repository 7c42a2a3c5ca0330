import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startServer, type ServerOptions } from '../../server/index.ts';
import { createTestDatabase } from './database.ts';
import { makeRequest, type RequestFn } from './server.ts';

// A throwaway PostgreSQL 15 cluster for tests: initdb into a temp folder, started on a random
// loopback port with its socket in that folder, trust auth on 127.0.0.1 only. One cluster per
// process (every caller of startPostgres shares it), stopped when the process exits. A cluster
// left behind by a killed run is found by its marker file (the owning pid is dead) and removed.

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/keyward — a database tests may use or create others from. */
  url: string;
  port: number;
  dir: string;
  /**
   * Shuts the database server down but keeps the cluster, for outage tests: `fast` ends sessions
   * cleanly, `immediate` kills every server process at once (a crash: recovery on the next start).
   */
  pause(mode?: 'fast' | 'immediate'): void;
  /** Starts it again on the same port after pause(). */
  resume(): void;
  stop(): Promise<void>;
}

const DIR_PREFIX = 'keyward-pg-';
const OWNER_FILE = 'keyward-owner.pid';

/** Where the binaries are: KEYWARD_PG_BIN, else Debian's path for PostgreSQL 15 (or newer). */
export function postgresBinDir(): string {
  const fromEnv = process.env.KEYWARD_PG_BIN;
  if (fromEnv) return fromEnv;
  for (const major of ['15', '16', '17', '18']) {
    const dir = `/usr/lib/postgresql/${major}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL binaries not found (install the "postgresql" package, or set KEYWARD_PG_BIN).');
}

let shared: Promise<PostgresCluster> | null = null;

/** Starts (once per process) and returns the test cluster. */
export function startPostgres(): Promise<PostgresCluster> {
  shared ??= launch().catch((error: unknown) => {
    shared = null;
    throw error;
  });
  return shared;
}

async function launch(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  removeAbandonedClusters(bin);
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  if (asRoot) chownSync(dir, ...postgresIds());
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    if (result.status !== 0)
      throw new Error(
        `${tool} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || String(result.error)).trim()}`,
      );
    return result.stdout;
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    let options = '';
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      // A throwaway cluster: no fsync (tests measure behaviour, not disk durability), room for
      // many test servers' pools at once.
      options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=32MB`;
      try {
        run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
        break;
      } catch (error) {
        // Someone took the port between our probe and the start; try another one.
        if (attempt >= 3) throw new Error(`${(error as Error).message}\n${readLog(dir)}`, { cause: error });
      }
    }
    const base = `postgres://postgres@127.0.0.1:${port}`;
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE keyward');
    } finally {
      await admin.end();
    }
    let stopped = false;
    const stopSync = () => {
      if (stopped) return;
      stopped = true;
      stopCluster(bin, dir);
    };
    process.once('exit', stopSync);
    return {
      url: `${base}/keyward`,
      port,
      dir,
      pause: (mode = 'fast') => void run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']),
      resume: () => void run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']),
      stop: async () => {
        process.removeListener('exit', stopSync);
        stopSync();
        shared = null;
      },
    };
  } catch (error) {
    stopCluster(bin, dir);
    throw error;
  }
}

function postgresIds(): [number, number] {
  const out = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (out.status !== 0 || gid.status !== 0) throw new Error('Running as root but there is no "postgres" user to own the test cluster.');
  return [Number(out.stdout.trim()), Number(gid.stdout.trim())];
}

/** Stops a cluster (fast shutdown: open sessions are ended) and deletes its folder. */
function stopCluster(bin: string, dir: string): void {
  const data = join(dir, 'data');
  if (existsSync(join(data, 'postmaster.pid'))) {
    const asRoot = process.getuid?.() === 0;
    const args = ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'];
    if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', timeout: 40_000 });
    else spawnSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', timeout: 40_000 });
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Clusters of earlier runs whose owning process is gone (killed test run): stop and delete. */
function removeAbandonedClusters(bin: string): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      // No marker yet: another process may be creating it right now; leave it alone.
      continue;
    }
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) continue;
    stopCluster(bin, dir);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'postgres.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

export interface Instance {
  url: string;
  request: RequestFn;
  logs: string[];
  close(): Promise<void>;
}

export interface InstanceGroup {
  /** The fresh database every instance shares. */
  databaseUrl: string;
  /** The bootstrap admin token (valid on every instance: they share the HMAC key). */
  token: string;
  instances: Instance[];
  /** Starts one more instance on the same database. */
  add(): Promise<Instance>;
  close(): Promise<void>;
}

/**
 * Several Keyward backends in this process on one fresh database of the test cluster, as a
 * load balancer would see them. The first instance bootstraps; the others join the same data.
 */
export async function startInstances(
  count: number,
  options: { lastUsedFlushMs?: number; server?: Partial<ServerOptions> } = {},
): Promise<InstanceGroup> {
  const cluster = await startPostgres();
  const database = await createTestDatabase(cluster.url);
  const databaseUrl = database.databaseUrl!;
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-it-'));
  const tokenFile = join(dir, 'bootstrap.token');
  const instances: Instance[] = [];
  let token = '';
  const add = async (): Promise<Instance> => {
    const logs: string[] = [];
    const started = await startServer({
      host: '127.0.0.1',
      port: 0,
      databaseUrl,
      bootstrapTokenFile: tokenFile,
      logLevel: 'warn',
      ...(options.lastUsedFlushMs !== undefined ? { lastUsedFlushMs: options.lastUsedFlushMs } : {}),
      ...(options.server ?? {}),
      logStream: { write: (line: string) => void logs.push(line) },
    });
    token ||= readFileSync(tokenFile, 'utf8').trim();
    const instance: Instance = { url: started.url, request: makeRequest(started.url, token), logs, close: () => started.close() };
    instances.push(instance);
    return instance;
  };
  try {
    for (let i = 0; i < count; i += 1) await add();
  } catch (error) {
    await Promise.allSettled(instances.map((i) => i.close()));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    databaseUrl,
    get token() {
      return token;
    },
    instances,
    add,
    close: async () => {
      await Promise.allSettled(instances.map((i) => i.close()));
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
