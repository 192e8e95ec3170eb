/**
 * Tokens already verified, with the identity each gave, for a short while.
 *
 * Why: a portal or a professional's client sends the same bearer token with
 * every request, and checking its signature (ES256/RS256) is the largest
 * cost of an authenticated request after the query itself. The same bytes
 * verify the same way until the token expires, so the answer is kept — for
 * at most `maxAgeMs` (default 60 s), so a key withdrawn from the identity
 * provider's JWKS stops being honoured within that time, and never past
 * the token's own `exp`. The cache is bounded by estimated bytes (default
 * 4 MiB), not entries: tokens vary in length, up to 8 KiB each.
 */
import type { Identity } from '../../contract/identity.ts';
import { ByteLru } from '../planning/byteLru.ts';

interface Entry {
  readonly identity: Identity;
  readonly until: number;
}

export const DEFAULT_TOKEN_CACHE_BYTES = 4 * 1024 * 1024;

/** Bytes of an entry beyond its token and identity texts: the Map entry, the objects, the expiry. */
const ENTRY_OVERHEAD = 128;

export interface VerifiedTokensOptions {
  /** Most estimated bytes of all kept tokens (least recently used dropped first); default 4 MiB. */
  readonly maxBytes?: number;
  /** Largest estimated entry kept (a larger token is verified each time); default maxBytes / 16. */
  readonly maxEntryBytes?: number;
  /** Longest time a verification is reused, in ms; default 60 000. */
  readonly maxAgeMs?: number;
  /** Told of every lookup, whether it found a fresh entry (telemetry's cache hit rate). */
  readonly onLookup?: (hit: boolean) => void;
}

/** A least-recently-used cache bounded by bytes: token → identity, until min(exp, verified + maxAgeMs). */
export class VerifiedTokens {
  private readonly entries: ByteLru<string, Entry>;
  private readonly maxAgeMs: number;
  private readonly onLookup: ((hit: boolean) => void) | undefined;

  constructor(options: VerifiedTokensOptions = {}) {
    this.entries = new ByteLru({
      maxBytes: options.maxBytes ?? DEFAULT_TOKEN_CACHE_BYTES,
      ...(options.maxEntryBytes !== undefined ? { maxEntryBytes: options.maxEntryBytes } : {}),
    });
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.onLookup = options.onLookup;
  }

  /** The identity of a token verified before and still fresh at `nowMs`, else undefined. */
  get(token: string, nowMs: number): Identity | undefined {
    const entry = this.entries.get(token);
    const fresh = entry !== undefined && entry.until > nowMs;
    this.onLookup?.(fresh);
    if (fresh) return entry.identity;
    if (entry) this.entries.delete(token);
    return undefined;
  }

  /** Keeps a verified token's identity; `expSeconds` is the token's `exp` claim. */
  set(token: string, identity: Identity, expSeconds: number, nowMs: number): void {
    const until = Math.min(expSeconds * 1000, nowMs + this.maxAgeMs);
    if (until <= nowMs) return;
    // Estimated: two bytes a character of the token and of the identity's JSON form.
    const bytes = 2 * (token.length + JSON.stringify(identity).length) + ENTRY_OVERHEAD;
    this.entries.set(token, { identity, until }, bytes);
  }

  /** Tokens kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes of the tokens kept; never above maxBytes. */
  get bytes(): number {
    return this.entries.bytes;
  }
}
