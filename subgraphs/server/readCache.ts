/**
 * A short-lived read cache for ONE gateway operation (issue 6, lean
 * sources): the gateway's plan may call the same subgraph, or two subgraphs
 * sharing an instance (Loviisa and Lapinjärvi, Myrskylä and Pukkila),
 * several times for one operation, e.g. when the lists subgraph's @requires
 * fields on a guardian's dependants make it fetch their records again. Each
 * call has its own DataLoaders, so without this each would read the same
 * person from the same source again.
 *
 * Entries are keyed by the operation's scope (the gateway's request id and
 * the caller's identity, both from the signed internal token), the instance
 * and the identity code, so nothing is shared between operations or callers.
 * They expire after `ttlMs` (default 5 s: an operation's fetches follow each
 * other within milliseconds) and the cache holds at most `maxEntries`
 * (oldest dropped first), so memory stays bounded under any load. What is
 * cached is the promise of the adapter's answer for that key while it is
 * under way, and then only a successful answer: a failure (an error slot or
 * a rejection) is dropped once known, so the next fetch asks the source
 * again. The gateway's request id is the caller's `x-request-id` when one is
 * sent: a caller reusing one within the TTL, as the same identity, may get
 * an answer up to `ttlMs` old, nothing it could not read anyway.
 */
import type { Identity } from '../../contract/identity.ts';

export interface ReadCacheOptions {
  /** How long an entry lives, in ms; default 5 000. */
  readonly ttlMs?: number;
  /** Most entries held; default 10 000. */
  readonly maxEntries?: number;
  /** Epoch ms now; default Date.now (tests pass their own). */
  readonly now?: () => number;
  /** Told of every lookup, whether it found a live entry (telemetry's cache hit rate). */
  readonly onLookup?: (hit: boolean) => void;
}

interface Entry<V> {
  readonly value: Promise<V>;
  readonly expires: number;
}

/** The scope of one operation: request id and caller (kind and subject). */
export function operationScope(requestId: string, identity: Identity | null): string {
  return `${requestId}\u0000${identity ? `${identity.kind}:${identity.sub}` : 'anonymous'}`;
}

/** Promises of reads by (scope, instance, key), short-lived and bounded. */
export class OperationReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly onLookup: ((hit: boolean) => void) | undefined;

  constructor(options: ReadCacheOptions = {}) {
    this.onLookup = options.onLookup;
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs > 0) || !Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError('expected ttlMs above 0 and maxEntries as a whole number of at least 1, received other values');
    }
  }

  private static key(scope: string, instance: string, key: string): string {
    return `${scope}\u0000${instance}\u0000${key}`;
  }

  /** The cached read, if one of this scope is alive. */
  get(scope: string, instance: string, key: string): Promise<V> | undefined {
    const k = OperationReadCache.key(scope, instance, key);
    const e = this.entries.get(k);
    const live = e !== undefined && e.expires > this.now();
    this.onLookup?.(live);
    if (live) return e.value;
    if (e) this.entries.delete(k);
    return undefined;
  }

  /** Caches a read; drops expired entries and, past the bound, the oldest ones. */
  set(scope: string, instance: string, key: string, value: Promise<V>): void {
    const now = this.now();
    const k = OperationReadCache.key(scope, instance, key);
    this.entries.delete(k);
    this.entries.set(k, { value, expires: now + this.ttlMs });
    // A Map iterates in insertion order, so the first entries are the oldest (and expire first).
    for (const [old, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && e.expires > now) break;
      this.entries.delete(old);
    }
  }

  /** Drops an entry if it still holds `value` (a later read of the same key is kept). */
  delete(scope: string, instance: string, key: string, value: Promise<V>): void {
    const k = OperationReadCache.key(scope, instance, key);
    if (this.entries.get(k)?.value === value) this.entries.delete(k);
  }

  /** Entries held (expired ones not yet dropped included). */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Reads `keys` through the cache: the keys cached in this scope come from
 * it, the others from ONE call of `read` (in order), whose per-key answers
 * are cached unless they are errors (an `Error` slot, as adapters answer a
 * key that failed). A rejection of `read` rejects every key it was asked for.
 */
export function readThrough<V>(
  cache: OperationReadCache<V>,
  scope: string,
  instance: string,
  keys: readonly string[],
  read: (keys: readonly string[]) => Promise<readonly V[]>,
): Promise<V[]> {
  const answers = new Map<string, Promise<V>>();
  const missing: string[] = [];
  for (const k of keys) {
    if (answers.has(k)) continue;
    const hit = cache.get(scope, instance, k);
    if (hit) answers.set(k, hit);
    else if (!missing.includes(k)) missing.push(k);
  }
  if (missing.length > 0) {
    const batch = read(missing);
    missing.forEach((k, i) => {
      const one = batch.then((slots) => slots[i] as V);
      answers.set(k, one);
      cache.set(scope, instance, k, one);
      // A failure is not kept: the next fetch asks the source again. (This handler also marks the
      // rejection handled here; whoever awaits the key below still sees it.)
      one.then(
        (slot) => {
          if (slot instanceof Error) cache.delete(scope, instance, k, one);
        },
        () => cache.delete(scope, instance, k, one),
      );
    });
  }
  return Promise.all(keys.map((k) => answers.get(k)!));
}
