/**
 * A least-recently-used cache bounded by bytes, not entries: every cache of
 * the gateway (parsed documents, query plans, refused documents, verified
 * tokens) keeps its entries here, so no sequence of distinct requests can
 * grow memory past the configured bound (README "GraphQL hardening").
 *
 * Sizes are estimates the caller gives, cheap and deterministic (e.g. a text's
 * length times a factor): measuring a JavaScript object's real heap size is
 * neither.
 */

export interface ByteLruOptions {
  /** Most bytes all entries together may take (estimated); 0 keeps nothing. */
  readonly maxBytes: number;
  /** Largest single entry kept; default maxBytes / 16, so one entry cannot flush the cache. */
  readonly maxEntryBytes?: number;
}

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
}

/** Key → value, least recently used dropped first once the total bytes exceed the bound. */
export class ByteLru<K, V> {
  // Why a Map: its insertion order is the recency order when a hit is re-inserted.
  private readonly entries = new Map<K, Entry<V>>();
  private total = 0;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;

  constructor(options: ByteLruOptions) {
    this.maxBytes = Math.max(0, options.maxBytes);
    this.maxEntryBytes = Math.min(this.maxBytes, options.maxEntryBytes ?? Math.floor(this.maxBytes / 16));
  }

  /** The value of a key, now the most recently used; undefined if absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Whether a key is present (its recency unchanged). */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  /**
   * Keeps a value of `bytes` estimated bytes, dropping the least recently
   * used entries as needed; returns false (and keeps nothing) for an entry
   * over maxEntryBytes.
   */
  set(key: K, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxEntryBytes) return false;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    while (this.total > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    return true;
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes;
  }

  /** Entries kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes of all entries kept; never above maxBytes. */
  get bytes(): number {
    return this.total;
  }

  /** Keys from least to most recently used (for tests). */
  keys(): K[] {
    return [...this.entries.keys()];
  }
}
