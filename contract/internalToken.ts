/**
 * The gateway → subgraph trust: per subgraph request the gateway signs a
 * short-lived token (HS256, a key only the gateway and the subgraphs hold)
 * carrying the verified identity of the caller (or null: anonymous), the
 * request id and, as audience, the subgraph's name. Subgraphs accept no
 * request without one (subgraphs/server/server.ts), so `_entities` and
 * direct calls are refused to anyone but the gateway.
 *
 * Why HS256 and not a key pair: both ends are the region's own services,
 * started together (npm start makes one key per run); a symmetric key is
 * the simplest secret to hand to both and the fastest to check per request.
 *
 * Why node:crypto's HMAC and not jose here: a client overview makes a dozen
 * subgraph calls, each signed and verified; jose over WebCrypto spent about
 * 200 µs of CPU per sign-and-verify, a synchronous HMAC about 20 µs (issue 6's
 * profile). The checks are jose's: algorithm, signature (constant time),
 * issuer, audience, exp/iat with 5 s of clock tolerance, a life of at most 60 s.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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
/** The protected header of every internal token, encoded once. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const CLOCK_TOLERANCE_SECONDS = 5;

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

  private constructor(secret: Uint8Array) {
    this.#secret = secret;
  }

  /** A fresh random key (npm start makes one per run). */
  static generate(): InternalKey {
    return new InternalKey(new Uint8Array(randomBytes(MIN_KEY_BYTES)));
  }

  /** A key from its base64url text (REGION_INTERNAL_KEY); throws InternalKeyError for an unusable one. */
  static fromSecret(text: string): InternalKey {
    const trimmed = text.trim();
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(trimmed))
      throw new InternalKeyError(`expected ${INTERNAL_KEY_ENV} as base64url text, received text with other characters`);
    const bytes = Buffer.from(trimmed, 'base64url');
    if (bytes.length < MIN_KEY_BYTES)
      throw new InternalKeyError(`expected ${INTERNAL_KEY_ENV} of at least ${MIN_KEY_BYTES} bytes, received ${bytes.length}`);
    return new InternalKey(new Uint8Array(bytes));
  }

  /** The key as base64url text, to hand to a service in another process. */
  exportSecret(): string {
    return Buffer.from(this.#secret).toString('base64url');
  }

  /** @internal the HMAC-SHA256 of `input` under this key (the signature of a token). */
  mac(input: string): Buffer {
    return createHmac('sha256', this.#secret).update(input).digest();
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
  const payload = { rid: input.requestId, idn: input.identity, iss: INTERNAL_TOKEN_ISSUER, aud: input.audience, iat, exp: iat + ttl };
  const signed = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signed}.${key.mac(signed).toString('base64url')}`;
}

/**
 * Verifies an internal token for subgraph `audience`: HS256 with the key,
 * issuer `region-gateway`, this audience, not expired, a life of at most
 * 60 s, a well-formed request id and a valid identity (or null). Throws
 * InternalTokenError otherwise.
 */
export async function verifyInternalToken(
  key: InternalKey,
  token: string | undefined,
  audience: string,
  now?: Date,
): Promise<InternalClaims> {
  if (token === undefined || token === '')
    throw new InternalTokenError('MISSING', 'Expected a request from the region gateway with an internal token, received none.');
  if (token.length > MAX_TOKEN_CHARS)
    throw new InternalTokenError('MALFORMED', 'Expected an internal token of the gateway, received one that is too long.');
  const payload = checkedPayload(key, token);
  if (payload.iss !== INTERNAL_TOKEN_ISSUER)
    throw new InternalTokenError('INVALID_CLAIMS', 'Expected valid claims in the internal token, received an invalid iss claim.');
  const aud = payload.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) {
    throw new InternalTokenError('WRONG_AUDIENCE', 'Expected an internal token for this subgraph, received one for another.');
  }
  for (const claim of ['iat', 'exp'] as const) {
    if (typeof payload[claim] !== 'number' || !Number.isFinite(payload[claim])) {
      throw new InternalTokenError('INVALID_CLAIMS', `Expected valid claims in the internal token, received an invalid ${claim} claim.`);
    }
  }
  const nowSeconds = Math.floor((now ?? new Date()).getTime() / 1000);
  if ((payload.exp as number) <= nowSeconds - CLOCK_TOLERANCE_SECONDS)
    throw new InternalTokenError('EXPIRED', 'Expected an unexpired internal token, received an expired one.');
  const age = nowSeconds - (payload.iat as number);
  if (age - CLOCK_TOLERANCE_SECONDS > INTERNAL_TOKEN_MAX_TTL_SECONDS)
    throw new InternalTokenError('EXPIRED', 'Expected an internal token issued within the last minute, received an older one.');
  if (age < -CLOCK_TOLERANCE_SECONDS)
    throw new InternalTokenError('INVALID_CLAIMS', 'Expected valid claims in the internal token, received an invalid iat claim.');
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSeconds + CLOCK_TOLERANCE_SECONDS)) {
    throw new InternalTokenError('INVALID_CLAIMS', 'Expected valid claims in the internal token, received an invalid nbf claim.');
  }
  const { iat, exp, rid, idn } = payload as { iat: number; exp: number; rid?: unknown; idn?: unknown };
  if (exp - iat > INTERNAL_TOKEN_MAX_TTL_SECONDS)
    throw new InternalTokenError(
      'INVALID_CLAIMS',
      `Expected an internal token living at most ${INTERNAL_TOKEN_MAX_TTL_SECONDS} s, received a longer-lived one.`,
    );
  if (typeof rid !== 'string' || !REQUEST_ID.test(rid))
    throw new InternalTokenError('INVALID_CLAIMS', 'Expected a request id in the internal token, received none or a malformed one.');
  if (!('idn' in payload))
    throw new InternalTokenError('INVALID_CLAIMS', 'Expected an identity (or null) in the internal token, received none.');
  if (idn === null) return { identity: null, requestId: rid };
  const checked = checkIdentity(idn);
  if (!checked.ok) throw new InternalTokenError('INVALID_CLAIMS', `Expected a valid identity in the internal token: ${checked.reason}.`);
  return { identity: checked.identity, requestId: rid };
}

const MALFORMED = 'Expected an HS256 internal token of the region gateway, received a malformed token or another algorithm.';

/** The payload of a token whose form, algorithm and signature are right; throws MALFORMED or BAD_SIGNATURE. */
function checkedPayload(key: InternalKey, token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new InternalTokenError('MALFORMED', MALFORMED);
  const [header, body, signature] = parts as [string, string, string];
  const decodedHeader = decodeJson(header);
  // Only exactly HS256, and no `crit` extensions this verifier would not understand.
  if (decodedHeader?.alg !== 'HS256' || 'crit' in decodedHeader) throw new InternalTokenError('MALFORMED', MALFORMED);
  const expected = key.mac(`${header}.${body}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InternalTokenError(
      'BAD_SIGNATURE',
      'Expected an internal token signed by the region gateway, received one with another signature.',
    );
  }
  const payload = decodeJson(body);
  if (!payload) throw new InternalTokenError('MALFORMED', MALFORMED);
  return payload;
}

/** Decodes UTF-8 and throws on bytes that are none (Buffer's toString would put U+FFFD in their place). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A base64url JSON object, or null when it is not one. JSON text must be
 * UTF-8 (RFC 7515 §5.2 step 3, RFC 7519 §7.2 step 10), so a part with bytes that are no
 * UTF-8 is malformed, as jose reads it (issue 16's oracle), not read with
 * U+FFFD in their place.
 */
function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(STRICT_UTF8.decode(Buffer.from(part, 'base64url')));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
