import { clientKey } from '../../shared/domain/cidr.ts';

export { clientKey };

// More than `limit` failed authentications from one address within a minute block every
// authenticated request from it for the rest of that minute (DESIGN §4).
//
// An attempt counts *before* its password or token is checked (`reserve`), and a success gives
// its slot back (`release`): 200 parallel guesses then meet the same limit as 200 sequential
// ones, instead of all passing the check while the first scrypt is still running.
//
// Addresses are canonical (IPv4-mapped IPv6 is the IPv4 address) and IPv6 clients are counted
// per /64, since one host usually holds a whole /64. Memory is bounded: windows that are still
// counting live in an LRU (a Map in insertion order, re-inserted on every touch) whose least
// recently seen entry is evicted when full; lockouts move to a table of their own, so no
// amount of fresh addresses can push an active lockout out.

const MAX_TRACKED = 100_000;
/** Raw address text → limiter key; a cache only (clearing it costs a re-parse, nothing else). */
const KEY_CACHE_SIZE = 4096;

interface Window {
  startMs: number;
  failures: number;
}

/** A counted attempt; hand it back with `release` when the attempt succeeded. */
export interface AttemptSlot {
  readonly key: string;
  readonly window: Window;
}

export type Reservation = { blockedMs: number; slot: null } | { blockedMs: 0; slot: AttemptSlot };

export interface LimiterOptions {
  windowMs?: number;
  /** Entries per table (counting, locked out); the default suits a public server. */
  maxTracked?: number;
}

export class FailedAuthLimiter {
  readonly #counting = new Map<string, Window>();
  readonly #locked = new Map<string, Window>();
  readonly #keys = new Map<string, string>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #max: number;

  constructor(limit: number, options: LimiterOptions = {}) {
    this.#limit = limit;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#max = options.maxTracked ?? MAX_TRACKED;
  }

  /** The canonical key of an address (memoised: the hot path asks for the same few peers). */
  keyOf(ip: string): string {
    let key = this.#keys.get(ip);
    if (key === undefined) {
      if (this.#keys.size >= KEY_CACHE_SIZE) this.#keys.clear();
      key = clientKey(ip);
      this.#keys.set(ip, key);
    }
    return key;
  }

  /** Milliseconds until the address may try again, or 0. */
  blockedFor(ip: string, nowMs: number): number {
    const key = this.keyOf(ip);
    const locked = this.#locked.get(key);
    if (locked) {
      const left = locked.startMs + this.#windowMs - nowMs;
      if (left > 0) return left;
      this.#locked.delete(key);
    }
    const w = this.#counting.get(key);
    if (w && nowMs - w.startMs >= this.#windowMs) this.#counting.delete(key);
    return 0;
  }

  /**
   * Counts an attempt as failed before it is checked; answers how long the address must wait
   * instead when it is locked out. Call `release(slot)` if the attempt succeeds.
   */
  reserve(ip: string, nowMs: number): Reservation {
    const blockedMs = this.blockedFor(ip, nowMs);
    if (blockedMs > 0) return { blockedMs, slot: null };
    const key = this.keyOf(ip);
    let w = this.#counting.get(key);
    if (w) {
      // Re-insert: the Map's order is the order addresses were last seen.
      this.#counting.delete(key);
      w.failures += 1;
    } else {
      w = { startMs: nowMs, failures: 1 };
    }
    if (w.failures > this.#limit) {
      this.#evictIfFull(this.#locked, nowMs);
      this.#locked.set(key, w);
    } else {
      this.#evictIfFull(this.#counting, nowMs);
      this.#counting.set(key, w);
    }
    return { blockedMs: 0, slot: { key, window: w } };
  }

  /** The attempt succeeded: it was not a failure after all. */
  release(slot: AttemptSlot): void {
    const { key, window } = slot;
    window.failures = Math.max(0, window.failures - 1);
    // Only the window the slot was counted in (it may have ended and been replaced meanwhile).
    if (this.#locked.get(key) === window && window.failures <= this.#limit) {
      this.#locked.delete(key);
      if (window.failures > 0) this.#counting.set(key, window);
    } else if (this.#counting.get(key) === window && window.failures === 0) {
      this.#counting.delete(key);
    }
  }

  /** Addresses tracked, counting and locked out (for tests and diagnostics). */
  get size(): { counting: number; locked: number } {
    return { counting: this.#counting.size, locked: this.#locked.size };
  }

  #evictIfFull(table: Map<string, Window>, nowMs: number): void {
    if (table.size < this.#max) return;
    // The oldest entries come first; drop ended windows among the first few, then the least recently seen.
    let inspected = 0;
    for (const [key, w] of table) {
      if (nowMs - w.startMs >= this.#windowMs) table.delete(key);
      if (++inspected >= 64 || table.size < this.#max) break;
    }
    while (table.size >= this.#max) {
      const oldest = table.keys().next().value as string;
      table.delete(oldest);
    }
  }
}
