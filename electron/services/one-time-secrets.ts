import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DISPLAY_PREFIX_LENGTH, TOKEN_PATTERN } from '../../shared/domain/token.ts';
import type { CopyFormat, CopyResult, SecretHandle } from '../../shared/ipc/types.ts';
import { KeywardError } from './errors.ts';
import type { ClipboardPort, Clock, EmitEvent, KeyValueStore } from './ports.ts';

// One-time secrets (DESIGN §5): a created or rolled secret stays here, in main-process memory,
// under a short-lived handle. The renderer sees a masked preview and asks explicitly to reveal
// or copy. A copy is cleared from the clipboard after a delay and at quit — but only while the
// clipboard still holds it (compared by hash, so nothing the user copied since is wiped and the
// secret is not kept around just to compare). A process killed before it could clear leaves
// the secret on the clipboard (xclip keeps serving it); so the copy is remembered on disk as a
// salted SHA-256 (never the secret) and the next start clears the clipboard if it still matches.

interface Entry {
  secret: string;
  expiresAt: number;
  timer: unknown;
}

interface PendingClear {
  handleId: string;
  digest: string;
  clearsAt: number;
  tick: unknown;
  /**
   * Whether the clipboard still held the copy at the last countdown tick (null: not yet known).
   * A port without a synchronous read (Electron's clipboard reads only asynchronously since 45)
   * decides on this at 'exit', where no promise runs any more.
   */
  stillHolds: boolean | null;
}

export interface OneTimeSecretsOptions {
  clipboard: ClipboardPort;
  clock: Clock;
  emit: EmitEvent;
  /** How long a handle lives (default 10 minutes). */
  ttlMs?: number;
  /** Seconds before a copy is cleared; read at each copy so settings apply at once. 0 = never. */
  clearDelaySeconds: () => number;
  /** URL used in the curl example. */
  exampleUrl?: () => string;
  /** Where the salted hash of a pending copy is kept for the next start (the app's own store). */
  remember?: KeyValueStore;
}

const digestOf = (text: string) => createHash('sha256').update(text).digest('hex');
const saltedDigest = (salt: string, text: string) => createHash('sha256').update(salt).update(text).digest('hex');
const REMEMBERED = 'clipboardCopy';
interface Remembered {
  salt: string;
  digest: string;
}

export function maskSecret(secret: string): string {
  const shown = TOKEN_PATTERN.test(secret) ? DISPLAY_PREFIX_LENGTH : Math.min(4, Math.floor(secret.length / 4));
  return secret.slice(0, shown) + '•'.repeat(16);
}

export function formatSecret(secret: string, format: CopyFormat, exampleUrl = 'https://api.example.com/'): string {
  switch (format) {
    case 'token':
      return secret;
    case 'header':
      return `Authorization: Bearer ${secret}`;
    case 'curl':
      return `curl -sS -H 'Authorization: Bearer ${secret}' '${exampleUrl.replace(/'/g, '%27')}'`;
    case 'env':
      return `KEYWARD_TOKEN=${secret}`;
  }
}

export class OneTimeSecrets {
  readonly #entries = new Map<string, Entry>();
  #pending: PendingClear | null = null;
  readonly #o: OneTimeSecretsOptions;
  readonly #ttlMs: number;

  constructor(options: OneTimeSecretsOptions) {
    this.#o = options;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  /** Keeps a secret from a create/roll answer; the caller forgets it and passes on the handle. */
  hold(secret: string): SecretHandle {
    const id = randomUUID();
    const expiresAt = this.#o.clock.now() + this.#ttlMs;
    const timer = this.#o.clock.setTimeout(() => {
      this.#entries.delete(id);
      this.#o.emit('secrets.expired', { handleId: id });
    }, this.#ttlMs);
    this.#entries.set(id, { secret, expiresAt, timer });
    return { id, masked: maskSecret(secret), expiresAt: new Date(expiresAt).toISOString() };
  }

  #entry(handle: string): Entry {
    const entry = this.#entries.get(handle);
    if (!entry)
      throw new KeywardError(
        'secret_expired',
        'This one-time secret is no longer available (it expired or the dialog was closed). Roll the credential to get a new one.',
      );
    return entry;
  }

  preview(handle: string): SecretHandle {
    const entry = this.#entry(handle);
    return { id: handle, masked: maskSecret(entry.secret), expiresAt: new Date(entry.expiresAt).toISOString() };
  }

  reveal(handle: string): { secret: string } {
    return { secret: this.#entry(handle).secret };
  }

  async copy(handle: string, format: CopyFormat): Promise<CopyResult> {
    const text = formatSecret(this.#entry(handle).secret, format, this.#o.exampleUrl?.());
    try {
      await this.#o.clipboard.writeText(text);
    } catch (error) {
      if (error instanceof KeywardError) throw error;
      throw new KeywardError('clipboard_unavailable', 'The clipboard could not be written. Reveal the secret and copy it by hand instead.');
    }
    this.#cancelPending();
    const delay = this.#o.clearDelaySeconds();
    if (delay <= 0) {
      this.#o.remember?.delete(REMEMBERED);
      return { format, clearsAt: null, concealed: this.#o.clipboard.concealment };
    }
    const clearsAt = this.#o.clock.now() + delay * 1000;
    const salt = randomBytes(16).toString('hex');
    this.#o.remember?.set(REMEMBERED, { salt, digest: saltedDigest(salt, text) } satisfies Remembered);
    this.#pending = { handleId: handle, digest: digestOf(text), clearsAt, tick: null, stillHolds: true };
    this.#schedule();
    return { format, clearsAt: new Date(clearsAt).toISOString(), concealed: this.#o.clipboard.concealment };
  }

  /** Forgets the secret. A pending clipboard clear keeps running: the user may still be pasting. */
  discard(handle: string): void {
    const entry = this.#entries.get(handle);
    if (!entry) return;
    this.#o.clock.clearTimeout(entry.timer);
    this.#entries.delete(handle);
  }

  /** At quit: clear the clipboard now if it still holds a copied secret, and forget everything. */
  async shutdown(): Promise<void> {
    await this.#clearIfUnchanged('quit');
    for (const id of [...this.#entries.keys()]) this.discard(id);
  }

  /**
   * The same from a process 'exit' handler, where only synchronous work runs. Without a
   * synchronous read it goes by the last tick's check (at most a second old): the clipboard is
   * cleared unless the user was seen copying something else.
   */
  shutdownSync(): void {
    const pending = this.#pending;
    const { readTextSync, clearSync } = this.#o.clipboard;
    if (!pending || !clearSync) return;
    this.#cancelPending();
    try {
      const holds = readTextSync ? digestOf(readTextSync()) === pending.digest : pending.stillHolds !== false;
      if (holds) clearSync();
      this.#o.remember?.delete(REMEMBERED);
    } catch {
      // The next start checks the remembered hash.
    }
  }

  /** At start: clear a secret that a previous run copied and could not clear (it was killed). */
  async clearLeftover(): Promise<boolean> {
    const left = this.#o.remember?.get<Remembered>(REMEMBERED);
    if (!left) return false;
    let cleared = false;
    try {
      if (saltedDigest(left.salt, await this.#o.clipboard.readText()) === left.digest) {
        await this.#o.clipboard.clear();
        cleared = true;
      }
    } catch {
      cleared = false;
    }
    this.#o.remember?.delete(REMEMBERED);
    return cleared;
  }

  #schedule(): void {
    const pending = this.#pending;
    if (!pending) return;
    const left = pending.clearsAt - this.#o.clock.now();
    if (left <= 0) {
      void this.#clearIfUnchanged('timeout');
      return;
    }
    this.#o.emit('secrets.clipboardCountdown', {
      handleId: pending.handleId,
      secondsLeft: Math.ceil(left / 1000),
      clearsAt: new Date(pending.clearsAt).toISOString(),
    });
    pending.tick = this.#o.clock.setTimeout(() => this.#schedule(), Math.min(1000, left));
    if (!this.#o.clipboard.readTextSync) void this.#checkStillHolds(pending);
  }

  async #checkStillHolds(pending: PendingClear): Promise<void> {
    try {
      const holds = digestOf(await this.#o.clipboard.readText()) === pending.digest;
      if (this.#pending === pending) pending.stillHolds = holds;
    } catch {
      if (this.#pending === pending) pending.stillHolds = null;
    }
  }

  #cancelPending(): void {
    if (this.#pending) this.#o.clock.clearTimeout(this.#pending.tick);
    this.#pending = null;
  }

  async #clearIfUnchanged(reason: 'timeout' | 'quit'): Promise<void> {
    const pending = this.#pending;
    if (!pending) return;
    this.#cancelPending();
    let cleared = false;
    try {
      if (digestOf(await this.#o.clipboard.readText()) === pending.digest) {
        await this.#o.clipboard.clear();
        cleared = true;
      }
      this.#o.remember?.delete(REMEMBERED);
    } catch {
      cleared = false;
    }
    this.#o.emit('secrets.clipboardCleared', { handleId: pending.handleId, reason, cleared });
  }
}
