import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../../shared/domain/token.ts';
import { startChild, type ChildServer } from './child.ts';

// Starting a Keyward server for a benchmark and filling it through its own HTTP API (the
// catalog, roles, a backend and credentials imported in chunks), so what is measured is the
// product as an operator would run it.

const KEYWARD_CHILD = new URL('../servers/keyward-server.ts', import.meta.url);

export interface KeywardInstance {
  dir: string;
  dbPath: string;
  logFile: string;
  adminToken: string;
  server: ChildServer;
  api: ApiClient;
  /** Stops the process; the database stays for a restart. */
  stop(): Promise<void>;
  /** Stops the process and starts a new one on the same database (a cold cache); profiled with cpuProfDir. */
  restart(): Promise<void>;
  /** Stops the process and deletes its folder. */
  dispose(): Promise<void>;
  /** A second server process on the same database, counting no usage (stopped by the caller). */
  startUncounted(): Promise<ChildServer>;
}

export interface StartOptions {
  cpuProfDir?: string | undefined;
  trustedProxies?: string[];
  /** A fresh PostgreSQL database (postgres://…) to use instead of a SQLite file. */
  databaseUrl?: string | undefined;
  /** Pin the server process to these cores (taskset -c). */
  cpus?: string | undefined;
  /** Extra node flags for the server process (e.g. --expose-gc for memory figures). */
  nodeFlags?: string[];
}

export async function startKeyward(options: StartOptions = {}): Promise<KeywardInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  const config = {
    dbPath: join(dir, 'keyward.sqlite'),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    bootstrapTokenFile: join(dir, 'bootstrap-token'),
    logFile: join(dir, 'server.log'),
    trustedProxies: options.trustedProxies ?? [],
  };
  // Seeding is not what a profile should show: only processes started by restart() are profiled.
  const start = (profile: boolean, extra: { countUsage?: boolean } = {}) =>
    startChild(
      KEYWARD_CHILD,
      { ...config, ...extra, logFile: extra.countUsage === false ? `${config.logFile}.uncounted` : config.logFile },
      {
        cpuProfDir: profile ? options.cpuProfDir : undefined,
        cpus: options.cpus,
        nodeFlags: options.nodeFlags ?? [],
        timeoutMs: 600_000,
      },
    );
  const instance: KeywardInstance = {
    dir,
    dbPath: config.dbPath,
    logFile: config.logFile,
    adminToken: '',
    server: await start(false),
    api: null as unknown as ApiClient,
    stop: () => instance.server.stop(),
    async restart() {
      await instance.server.stop();
      instance.server = await start(true);
      instance.api = new ApiClient(instance.server.url, instance.adminToken);
    },
    startUncounted: () => start(false, { countUsage: false }),
    async dispose() {
      await instance.server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  instance.adminToken = readFileSync(config.bootstrapTokenFile, 'utf8').trim();
  instance.api = new ApiClient(instance.server.url, instance.adminToken);
  return instance;
}

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** A minimal client for the v1 API, authenticated with one token. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl;
    this.#token = token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.#token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

export interface SeededRole {
  id: string;
  name: string;
  actions: string[];
}

/** A catalog of `total` actions in groups of `perGroup`, ids like "g007.action042". */
export function makeCatalog(
  total: number,
  perGroup = 100,
): { groups: { id: string; name: string; actions: { id: string; description: string }[] }[] } {
  const groups = [];
  for (let g = 0; g * perGroup < total; g += 1) {
    const id = `g${String(g).padStart(3, '0')}`;
    const count = Math.min(perGroup, total - g * perGroup);
    groups.push({
      id,
      name: `Group ${g}`,
      actions: Array.from({ length: count }, (_, a) => ({
        id: `${id}.action${String(a).padStart(3, '0')}`,
        description: `Action ${a} of group ${g}`,
      })),
    });
  }
  return { groups };
}

export function catalogActionIds(catalog: ReturnType<typeof makeCatalog>): string[] {
  return catalog.groups.flatMap((g) => g.actions.map((a) => a.id));
}

/** Replaces the catalog and creates `roleCount` roles splitting the actions between them. */
export async function seedCatalogAndRoles(api: ApiClient, actionCount: number, roleCount: number): Promise<SeededRole[]> {
  const catalog = makeCatalog(actionCount);
  await api.request('PUT', '/v1/catalog', catalog);
  const ids = catalogActionIds(catalog);
  const perRole = Math.ceil(ids.length / roleCount);
  const roles: SeededRole[] = [];
  for (let r = 0; r < roleCount; r += 1) {
    const actions = ids.slice(r * perRole, (r + 1) * perRole);
    const role = await api.request<{ id: string; name: string }>('POST', '/v1/roles', { name: `bench-role-${r}`, actions });
    roles.push({ id: role.id, name: role.name, actions });
  }
  return roles;
}

export interface SeededCredential {
  secret: string;
  roleIds: string[];
}

/**
 * Imports `count` credentials with known secrets through POST /v1/credentials/import, in chunks
 * that stay under the 1 MiB body limit. rolesFor(i) picks each credential's roles.
 */
export async function importCredentials(
  api: ApiClient,
  count: number,
  rolesFor: (i: number) => string[],
  namePrefix = 'bench',
  chunk = 2000,
): Promise<SeededCredential[]> {
  const seeded: SeededCredential[] = [];
  for (let start = 0; start < count; start += chunk) {
    const items = [];
    for (let i = start; i < Math.min(count, start + chunk); i += 1) {
      const secret = generateToken();
      const roleIds = rolesFor(i);
      items.push({ name: `${namePrefix}-${String(i).padStart(6, '0')}`, secret, roles: roleIds });
      seeded.push({ secret, roleIds });
    }
    await api.request('POST', '/v1/credentials/import', { items });
  }
  return seeded;
}

/** A service credential that may only ask /v1/authorize, as a proxy or API gateway would hold. */
export async function createAuthorizer(api: ApiClient): Promise<string> {
  const role = await api.request<{ id: string }>('POST', '/v1/roles', { name: 'bench-authorizer', actions: ['keyward.authorize'] });
  const created = await api.request<{ secret: string }>('POST', '/v1/credentials', { name: 'bench-authorizer', roles: [role.id] });
  return created.secret;
}
