/**
 * The gateway → subgraph trust: per subgraph request the gateway signs a
 * short-lived token (HS256, a key only the gateway and the subgraphs hold)
 * carrying the verified identity of the caller (or null: anonymous), the
 * request id and, as audience, the subgraph's name. Subgraphs accept no
 * request without one (subgraphs/shared/server.ts), so `_entities` and
 * direct calls are refused to anyone but the gateway.
 *
 * Why HS256 and not a key pair: both ends are the region's own services,
 * started together (npm start makes one key per run); a symmetric key is
 * the simplest secret to hand to both and the fastest to check per request.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { checkIdentity } from './identity.ts';
import type { Identity } from './identity.ts';

/** The HTTP header carrying the internal token. */
export const INTERNAL_TOKEN_HEADER = 'x-region-internal';
/** `extensions.code` of a subgraph's refusal of a request without a valid internal token. */
export const UNAUTHENTICATED_INTERNAL = 'UNAUTHENTICATED_INTERNAL';
/** Longest life of an internal token, in seconds. */
export const INTERNAL_TOKEN_MAX_TTL_SECONDS = 60;
/** The issuer every internal token names. */
export const INTERNAL_TOKEN_ISSUER = 'region-gateway';
/** Environment variable holding the key (base64url, at least 32 bytes) when gateway and subgraphs run apart. */
export const INTERNAL_KEY_ENV = 'REGION_INTERNAL_KEY';

const MIN_KEY_BYTES = 32;
const MAX_TOKEN_CHARS = 16_384;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ALGORITHM = 'HS256';

/** A key that cannot be used (too short, not base64url); the message never holds the key. */
export class InternalKeyError extends Error {
  override readonly name = 'InternalKeyError';
}

/**
 * The shared secret. Opaque: the bytes stay inside (no toJSON, no
 * enumerable field), so logging or serialising a config holding it
 * shows nothing.
 */
export class InternalKey {
  readonly #secret: Uint8Array;
  readonly #cryptoKey: Promise<webcrypto.CryptoKey>;

  private constructor(secret: Uint8Array) {
    this.#secret = secret;
    // Imported once: jose would import raw bytes again on every sign and verify.
    this.#cryptoKey = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** A fresh random key (npm start makes one per run). */
  static generate(): InternalKey {
    return new InternalKey(new Uint8Array(randomBytes(MIN_KEY_BYTES)));
  }

  /** A key from its base64url text (REGION_INTERNAL_KEY); throws InternalKeyError for an unusable one. */
  static fromSecret(text: string): InternalKey {
    const trimmed = text.trim();
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(trimmed)) throw new InternalKeyError(`expected ${INTERNAL_KEY_ENV} as base64url text, received text with other characters`);
    const bytes = Buffer.from(trimmed, 'base64url');
    if (bytes.length < MIN_KEY_BYTES) throw new InternalKeyError(`expected ${INTERNAL_KEY_ENV} of at least ${MIN_KEY_BYTES} bytes, received ${bytes.length}`);
    return new InternalKey(new Uint8Array(bytes));
  }

  /** The key as base64url text, to hand to a service in another process. */
  exportSecret(): string {
    return Buffer.from(this.#secret).toString('base64url');
  }

  /** @internal the WebCrypto key for jose. */
  cryptoKey(): Promise<webcrypto.CryptoKey> {
    return this.#cryptoKey;
  }

  toJSON(): string {
    return '[InternalKey]';
  }
}

export interface InternalTokenInput {
  /** The subgraph's name as the supergraph names it (`region`, `lists`, `porvoo`, …). */
  readonly audience: string;
  readonly requestId: string;
  /** The caller's verified identity; null for an anonymous request. */
  readonly identity: Identity | null;
  /** Life in seconds, 1–60; default 60. */
  readonly ttlSeconds?: number;
  /** "Now"; default the system clock. */
  readonly now?: Date;
}

/** What a subgraph learns from a valid internal token. */
export interface InternalClaims {
  readonly identity: Identity | null;
  readonly requestId: string;
}

/** Why an internal token was refused (`extensions.reason` of the refusal). */
export type InternalTokenFailure = 'MISSING' | 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'WRONG_AUDIENCE' | 'INVALID_CLAIMS';

/** A refused internal token: the reason and one sentence, never the token or the identity. */
export class InternalTokenError extends Error {
  override readonly name = 'InternalTokenError';
  constructor(
    readonly reason: InternalTokenFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Signs the internal token for one subgraph request. */
export async function signInternalToken(key: InternalKey, input: InternalTokenInput): Promise<string> {
  const ttl = input.ttlSeconds ?? INTERNAL_TOKEN_MAX_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > INTERNAL_TOKEN_MAX_TTL_SECONDS) {
    throw new RangeError(`expected ttlSeconds from 1 to ${INTERNAL_TOKEN_MAX_TTL_SECONDS}, received ${ttl}`);
  }
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ rid: input.requestId, idn: input.identity })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(INTERNAL_TOKEN_ISSUER)
    .setAudience(input.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(await key.cryptoKey());
}

/**
 * Verifies an internal token for subgraph `audience`: HS256 with the key,
 * issuer `region-gateway`, this audience, not expired, a life of at most
 * 60 s, a well-formed request id and a valid identity (or null). Throws
 * InternalTokenError otherwise.
 */
export async function verifyInternalToken(key: InternalKey, token: string | undefined, audience: string, now?: Date): Promise<InternalClaims> {
  if (token === undefined || token === '') throw new InternalTokenError('MISSING', 'Expected a request from the region gateway with an internal token, received none.');
  if (token.length > MAX_TOKEN_CHARS) throw new InternalTokenError('MALFORMED', 'Expected an internal token of the gateway, received one that is too long.');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await key.cryptoKey(), {
      algorithms: [ALGORITHM],
      issuer: INTERNAL_TOKEN_ISSUER,
      audience,
      requiredClaims: ['iat', 'exp'],
      maxTokenAge: INTERNAL_TOKEN_MAX_TTL_SECONDS,
      // The gateway and the subgraphs share a clock (one machine, or synchronised hosts).
      clockTolerance: 5,
      ...(now ? { currentDate: now } : {}),
    }));
  } catch (err) {
    throw refusal(err);
  }
  const { iat, exp, rid, idn } = payload as { iat: number; exp: number; rid?: unknown; idn?: unknown };
  if (exp - iat > INTERNAL_TOKEN_MAX_TTL_SECONDS) throw new InternalTokenError('INVALID_CLAIMS', `Expected an internal token living at most ${INTERNAL_TOKEN_MAX_TTL_SECONDS} s, received a longer-lived one.`);
  if (typeof rid !== 'string' || !REQUEST_ID.test(rid)) throw new InternalTokenError('INVALID_CLAIMS', 'Expected a request id in the internal token, received none or a malformed one.');
  if (!('idn' in payload)) throw new InternalTokenError('INVALID_CLAIMS', 'Expected an identity (or null) in the internal token, received none.');
  if (idn === null) return { identity: null, requestId: rid };
  const checked = checkIdentity(idn);
  if (!checked.ok) throw new InternalTokenError('INVALID_CLAIMS', `Expected a valid identity in the internal token: ${checked.reason}.`);
  return { identity: checked.identity, requestId: rid };
}

function refusal(err: unknown): InternalTokenError {
  if (err instanceof joseErrors.JWTExpired) return new InternalTokenError('EXPIRED', 'Expected an unexpired internal token, received an expired one.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new InternalTokenError('WRONG_AUDIENCE', 'Expected an internal token for this subgraph, received one for another.');
    if (err.claim === 'iat' && err.reason === 'check_failed') return new InternalTokenError('EXPIRED', 'Expected an internal token issued within the last minute, received an older one.');
    return new InternalTokenError('INVALID_CLAIMS', `Expected valid claims in the internal token, received an invalid ${err.claim} claim.`);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new InternalTokenError('BAD_SIGNATURE', 'Expected an internal token signed by the region gateway, received one with another signature.');
  return new InternalTokenError('MALFORMED', 'Expected an HS256 internal token of the region gateway, received a malformed token or another algorithm.');
}
