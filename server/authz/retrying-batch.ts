// Values collected in memory per key and written to the database in batches, off the request
// path, where a batch that fails (database restarting, disk full) is not lost: its entries go
// back into the buffer, merged with whatever arrived meanwhile, and are written by a later
// flush. `merge` says how two values of one key combine — the latest timestamp wins (lastUsedAt),
// counts add up (usage counters) — so the merge after a failure is the same operation as the
// merge of two uses, and nothing is counted twice or dropped.

export interface RetryingBatchOptions<K, V> {
  /** Combines an older and a newer value of one key (max for timestamps, + for counts). */
  merge(older: V, newer: V): V;
  /** Writes one batch, all or nothing (one transaction). Rejects to keep the batch for a retry. */
  write(batch: ReadonlyMap<K, V>): Promise<void>;
}

export class RetryingBatch<K, V> {
  readonly #merge: (older: V, newer: V) => V;
  readonly #write: (batch: ReadonlyMap<K, V>) => Promise<void>;
  /** Not yet taken by a flush. */
  #pending = new Map<K, V>();
  /** Taken by the flush that is writing now; back into #pending if it fails. */
  #inFlight: Map<K, V> | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: RetryingBatchOptions<K, V>) {
    this.#merge = options.merge;
    this.#write = options.write;
  }

  /** Records a value (the hot path: one Map lookup and set). */
  add(key: K, value: V): void {
    const existing = this.#pending.get(key);
    this.#pending.set(key, existing === undefined ? value : this.#merge(existing, value));
  }

  /** Everything recorded for a key and not yet written (pending and in flight, merged). */
  peek(key: K): V | undefined {
    const pending = this.#pending.get(key);
    const inFlight = this.#inFlight?.get(key);
    if (inFlight === undefined) return pending;
    return pending === undefined ? inFlight : this.#merge(inFlight, pending);
  }

  /** Keys with values not yet written (including a batch being written). */
  get size(): number {
    let size = this.#pending.size;
    if (this.#inFlight) for (const key of this.#inFlight.keys()) if (!this.#pending.has(key)) size += 1;
    return size;
  }

  /**
   * Writes the entries `due` selects (all when omitted) as one batch; flushes run one at a time.
   * Resolves with the keys written; rejects with the write's error after putting the batch back.
   */
  flush(due?: (key: K, value: V) => boolean): Promise<K[]> {
    const run = () => this.#flushOnce(due);
    const next = this.#flushing.then(run, run);
    this.#flushing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  async #flushOnce(due: ((key: K, value: V) => boolean) | undefined): Promise<K[]> {
    const batch = new Map<K, V>();
    for (const [key, value] of this.#pending) if (!due || due(key, value)) batch.set(key, value);
    if (batch.size === 0) return [];
    for (const key of batch.keys()) this.#pending.delete(key);
    this.#inFlight = batch;
    try {
      await this.#write(batch);
    } catch (error) {
      // Kept: older (the failed batch) merged under newer (what arrived during the write).
      for (const [key, value] of batch) {
        const newer = this.#pending.get(key);
        this.#pending.set(key, newer === undefined ? value : this.#merge(value, newer));
      }
      throw error;
    } finally {
      this.#inFlight = null;
    }
    return [...batch.keys()];
  }
}
