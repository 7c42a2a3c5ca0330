import type { KeywardEventName, KeywardEvents } from '../../shared/ipc/types.ts';

// The ports the main-process services are written against. The Electron glue plugs in
// electron-store, Electron's clipboard and webContents.send; plain Node (tests, browser host)
// plugs in conf, a command-line or in-process clipboard and an SSE stream.

/** A small persistent key-value store (electron-store in the app, conf under Node). Never holds a secret. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** The OS keychain. Implementations throw keychain_unavailable rather than fall back to plaintext. */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

export interface ClipboardPort {
  /** Whether writes are marked concealed for clipboard managers on this platform. */
  readonly concealment: boolean;
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  clear(): Promise<void>;
  /** Synchronous twins for the last moment of the process ('exit'), where no promise runs any more. */
  readTextSync?(): string;
  clearSync?(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type EmitEvent = <E extends KeywardEventName>(event: E, payload: KeywardEvents[E]) => void;

/** Structured log lines; callers pass no secrets, and the sink is the only place logs go. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
