import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalServerStatus } from '../../shared/ipc/types.ts';
import type { RunningServer, ServerOptions } from '../../server/index.ts';
import { KeywardError } from './errors.ts';
import type { EmitEvent, SecretStore } from './ports.ts';
import type { ProfileStore } from './profile-store.ts';

// The embedded default (DESIGN §5): with no server of their own, a new user starts the backend
// in-process on loopback with SQLite in the user-data folder. The bootstrap admin token goes
// straight from startServer's answer into the keychain — never to a file or the log.

type StartServer = (options: ServerOptions) => Promise<RunningServer>;
type Running = RunningServer;

export interface LocalServerDeps {
  dataDir: string;
  profiles: ProfileStore;
  secrets: SecretStore;
  emit: EmitEvent;
  /** The server's log lines (already redacted by the server); default: dropped. */
  logStream?: { write(line: string): void };
  /** Injected for tests; defaults to server/index.ts loaded on first use. */
  startServer?: StartServer;
}

export const LOCAL_PROFILE_NAME = 'Local server';

export class LocalServer {
  readonly #d: LocalServerDeps;
  #running: Running | null = null;
  #profileId: string | null = null;

  constructor(deps: LocalServerDeps) {
    this.#d = deps;
  }

  status(): LocalServerStatus {
    return { running: this.#running !== null, url: this.#running?.url ?? null, profileId: this.#profileId, dataDir: this.#d.dataDir };
  }

  /**
   * `demo`: seed the demo catalog, roles, groups, users and backends into the database this start
   * creates. An existing database (there is a local profile) is used as it is, never re-seeded.
   */
  async start(options: { demo?: boolean } = {}): Promise<LocalServerStatus> {
    if (this.#running) return this.status();
    // Fail before creating a database whose only admin token would have nowhere safe to go.
    await this.#d.secrets.get('keyward-keychain-probe');
    const existing = (await this.#d.profiles.list()).find((p) => p.kind === 'local');
    if (existing && !existing.hasToken) {
      throw new KeywardError(
        'local_server_failed',
        'The local server\'s admin token is missing from the keychain, so Keyward cannot administer its database. Remove the "Local server" profile and its data folder to start afresh.',
        { dataDir: this.#d.dataDir },
      );
    }
    mkdirSync(this.#d.dataDir, { recursive: true, mode: 0o700 });
    const startServer = this.#d.startServer ?? (await import('../../server/index.ts')).startServer;
    let running: Running;
    try {
      running = await startServer({
        host: '127.0.0.1',
        port: 0,
        dbPath: join(this.#d.dataDir, 'keyward.sqlite'),
        demo: options.demo === true && !existing,
        logStream: this.#d.logStream ?? { write: () => {} },
        logLevel: 'warn',
      });
    } catch (error) {
      throw new KeywardError('local_server_failed', `The local server could not start: ${(error as Error).message.slice(0, 300)}`);
    }
    try {
      if (existing) {
        if (running.bootstrapToken) await this.#d.profiles.update(existing.id, { token: running.bootstrapToken });
        await this.#d.profiles.update(existing.id, { url: running.url, allowInsecureHttp: false }, { keepTokenOnMove: true });
        this.#profileId = existing.id;
      } else {
        if (!running.bootstrapToken) {
          throw new KeywardError(
            'local_server_failed',
            'The local database already exists but no profile holds its admin token. Remove the data folder to start afresh.',
            { dataDir: this.#d.dataDir },
          );
        }
        this.#profileId = (
          await this.#d.profiles.add({ name: LOCAL_PROFILE_NAME, url: running.url, token: running.bootstrapToken, kind: 'local' })
        ).id;
      }
    } catch (error) {
      await running.close();
      throw error;
    }
    this.#running = running;
    this.#d.emit('localServer.statusChanged', this.status());
    return this.status();
  }

  async stop(): Promise<LocalServerStatus> {
    const running = this.#running;
    this.#running = null;
    if (running) await running.close();
    this.#d.emit('localServer.statusChanged', this.status());
    return this.status();
  }
}
