// More than `limit` failed authentications from one address within a minute block every
// authenticated request from it for the rest of that minute (DESIGN §4). Memory is bounded:
// expired windows are swept, and the table is capped.

const MAX_TRACKED = 100_000;

export class FailedAuthLimiter {
  readonly #windows = new Map<string, { startMs: number; failures: number }>();
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(limit: number, windowMs = 60_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Milliseconds until the address may try again, or 0. */
  blockedFor(ip: string, nowMs: number): number {
    const w = this.#windows.get(ip);
    if (!w) return 0;
    if (nowMs - w.startMs >= this.#windowMs) {
      this.#windows.delete(ip);
      return 0;
    }
    return w.failures > this.#limit ? w.startMs + this.#windowMs - nowMs : 0;
  }

  recordFailure(ip: string, nowMs: number): void {
    const w = this.#windows.get(ip);
    if (w && nowMs - w.startMs < this.#windowMs) {
      w.failures += 1;
      return;
    }
    if (this.#windows.size >= MAX_TRACKED) this.#sweep(nowMs);
    this.#windows.set(ip, { startMs: nowMs, failures: 1 });
  }

  #sweep(nowMs: number): void {
    for (const [ip, w] of this.#windows) if (nowMs - w.startMs >= this.#windowMs) this.#windows.delete(ip);
    if (this.#windows.size >= MAX_TRACKED) this.#windows.clear();
  }
}
