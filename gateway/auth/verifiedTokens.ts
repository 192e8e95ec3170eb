/**
 * Tokens already verified, with the identity each gave, for a short while.
 *
 * Why: a portal or a professional's client sends the same bearer token with
 * every request, and checking its signature (ES256/RS256) is the largest
 * cost of an authenticated request after the query itself. The same bytes
 * verify the same way until the token expires, so the answer is kept — for
 * at most `maxAgeMs` (default 60 s), so a key withdrawn from the identity
 * provider's JWKS stops being honoured within that time, and never past
 * the token's own `exp`.
 */
import type { Identity } from '../../subgraphs/shared/identity.ts';

interface Entry {
  readonly identity: Identity;
  readonly until: number;
}

export interface VerifiedTokensOptions {
  /** Most tokens kept (least recently used dropped first); default 5 000. */
  readonly maxEntries?: number;
  /** Longest time a verification is reused, in ms; default 60 000. */
  readonly maxAgeMs?: number;
}

/** A bounded least-recently-used cache: token → identity, until min(exp, verified + maxAgeMs). */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(options: VerifiedTokensOptions = {}) {
    this.maxEntries = options.maxEntries ?? 5_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  /** The identity of a token verified before and still fresh at `nowMs`, else undefined. */
  get(token: string, nowMs: number): Identity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (entry.until <= nowMs) return undefined;
    // Re-inserted: the Map's insertion order is the recency order.
    this.entries.set(token, entry);
    return entry.identity;
  }

  /** Keeps a verified token's identity; `expSeconds` is the token's `exp` claim. */
  set(token: string, identity: Identity, expSeconds: number, nowMs: number): void {
    const until = Math.min(expSeconds * 1000, nowMs + this.maxAgeMs);
    if (until <= nowMs || this.maxEntries === 0) return;
    this.entries.delete(token);
    this.entries.set(token, { identity, until });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
