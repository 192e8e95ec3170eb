/**
 * Verifies a request's bearer token (jose) against the configured issuer,
 * audience and keys, and maps its claims to an Identity. No Authorization
 * header: anonymous (null). Anything else that is not a valid token is an
 * AuthError: 401 `UNAUTHENTICATED` with a reason, or 503 when the identity
 * provider's keys cannot be fetched; two Authorization headers are 400
 * `BAD_REQUEST` (which one would be meant?). Nothing is ever half-trusted.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { Identity } from '../../contract/identity.ts';
import { identityFromClaims } from './claims.ts';
import type { AuthConfig } from './config.ts';
import { DEV_IDP_ALGORITHM, DevIdp } from './devIdp.ts';
import { VerifiedTokens } from './verifiedTokens.ts';
import type { VerifiedTokensOptions } from './verifiedTokens.ts';

/** Why a token was refused (`extensions.reason`). */
export type AuthFailureReason =
  | 'INVALID_AUTHORIZATION_HEADER'
  | 'DUPLICATE_AUTHORIZATION_HEADER'
  | 'MALFORMED_TOKEN'
  | 'UNSUPPORTED_ALGORITHM'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'WRONG_ISSUER'
  | 'WRONG_AUDIENCE'
  | 'INVALID_CLAIMS'
  | 'KEYS_UNAVAILABLE'
  | 'NO_IDENTITY_PROVIDER';

/** `extensions.code` of a refused token, and of an identity provider that cannot be reached. */
export const UNAUTHENTICATED = 'UNAUTHENTICATED';
export const AUTHENTICATION_UNAVAILABLE = 'AUTHENTICATION_UNAVAILABLE';
/** `extensions.code` of a request that is malformed as a whole (here: two Authorization headers), reason saying why. */
export const BAD_REQUEST = 'BAD_REQUEST';

/** A refused request: HTTP status, code, reason, one sentence; never the token or its claims. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly status: 400 | 401 | 503;
  readonly code: string;
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message);
    this.status = reason === 'KEYS_UNAVAILABLE' ? 503 : reason === 'DUPLICATE_AUTHORIZATION_HEADER' ? 400 : 401;
    this.code =
      reason === 'KEYS_UNAVAILABLE'
        ? AUTHENTICATION_UNAVAILABLE
        : reason === 'DUPLICATE_AUTHORIZATION_HEADER'
          ? BAD_REQUEST
          : UNAUTHENTICATED;
  }
}

/** What the HTTP layer asks. */
export interface Authenticator {
  /** The caller's identity from the Authorization header; null without one; AuthError for anything else. */
  authenticate(authorization: string | undefined): Promise<Identity | null>;
  /** The embedded development identity provider, when that is the one configured. */
  readonly devIdp?: DevIdp;
}

/** Asymmetric algorithms an external identity provider may sign with; never `none`, never HS*. */
export const EXTERNAL_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export interface TokenVerifierOptions {
  /** The expected `iss` (a function: the development provider's depends on the port it listens on). */
  readonly issuer: string | (() => string);
  readonly audience: string;
  readonly getKey: JWTVerifyGetKey;
  readonly algorithms: readonly string[];
  /** Allowed clock skew for exp/nbf, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
  /** "Now"; default the system clock. */
  readonly now?: () => Date;
  /** How verified tokens are reused (gateway/auth/verifiedTokens.ts); default 4 MiB of tokens for at most 60 s. */
  readonly verifiedTokens?: VerifiedTokensOptions;
}

const MAX_TOKEN_CHARS = 8_192;
/** RFC 6750 `Bearer b64token`. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Marks a failure to obtain keys (network, HTTP status, bad JWKS), as opposed to a bad token. */
class KeysUnavailable extends Error {}

/** An authenticator over one issuer's keys. */
export function createTokenAuthenticator(options: TokenVerifierOptions, devIdp?: DevIdp): Authenticator {
  const allowed = new Set(options.algorithms);
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await options.getKey(header, token);
    } catch (err) {
      if (
        err instanceof joseErrors.JWKSNoMatchingKey ||
        err instanceof joseErrors.JWKSMultipleMatchingKeys ||
        err instanceof joseErrors.JOSEAlgNotAllowed ||
        err instanceof joseErrors.JOSENotSupported ||
        err instanceof joseErrors.JWKInvalid
      ) {
        throw err;
      }
      throw new KeysUnavailable();
    }
  };

  const verified = new VerifiedTokens(options.verifiedTokens);
  const verify = async (token: string): Promise<Identity> => {
    const now = options.now ? options.now().getTime() : Date.now();
    const known = verified.get(token, now);
    if (known) return known;
    if (token.length > MAX_TOKEN_CHARS)
      throw new AuthError('MALFORMED_TOKEN', `Expected a bearer token of at most ${MAX_TOKEN_CHARS} characters, received a longer one.`);
    let alg: unknown;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      throw new AuthError('MALFORMED_TOKEN', 'Expected a signed JWT as the bearer token, received a value that is not one.');
    }
    if (typeof alg !== 'string' || !allowed.has(alg)) {
      throw new AuthError(
        'UNSUPPORTED_ALGORITHM',
        `Expected a token signed with ${[...allowed].join(', ')}, received one with another algorithm.`,
      );
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: typeof options.issuer === 'function' ? options.issuer() : options.issuer,
        audience: options.audience,
        algorithms: [...allowed],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        ...(options.now ? { currentDate: options.now() } : {}),
      }));
    } catch (err) {
      throw refusal(err);
    }
    const mapped = identityFromClaims(payload);
    if (!mapped.ok)
      throw new AuthError('INVALID_CLAIMS', `Expected the region's identity claims in the token, received invalid ones: ${mapped.reason}.`);
    verified.set(token, mapped.identity, payload.exp!, now);
    return mapped.identity;
  };

  return {
    ...(devIdp ? { devIdp } : {}),
    async authenticate(authorization) {
      if (authorization === undefined) return null;
      const m = BEARER.exec(authorization);
      if (!m)
        throw new AuthError(
          'INVALID_AUTHORIZATION_HEADER',
          'Expected an Authorization header of the form "Bearer <token>", received another form.',
        );
      return verify(m[1]!);
    },
  };
}

/**
 * The one Authorization header of a request, from its raw header list;
 * undefined without one. Why the raw list: Node keeps only the first of two
 * Authorization headers in `headers`, so a proxy adding its own after the
 * client's (or the other way round) would silently decide who the caller is.
 * Throws AuthError DUPLICATE_AUTHORIZATION_HEADER (400) for two or more.
 */
export function singleAuthorization(rawHeaders: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    if (found !== undefined) throw new AuthError('DUPLICATE_AUTHORIZATION_HEADER', 'Expected one Authorization header, received several.');
    found = rawHeaders[i + 1] ?? '';
  }
  return found;
}

/** A gateway with no identity provider configured: every request is anonymous, and any token is refused. */
export const anonymousOnly: Authenticator = {
  async authenticate(authorization) {
    if (authorization === undefined) return null;
    throw new AuthError('NO_IDENTITY_PROVIDER', 'Expected no token (this gateway has no identity provider configured), received one.');
  },
};

/**
 * The authenticator of a configuration: the development identity provider
 * (its key made or loaded from its directory) or an external one through
 * its remote JWKS (cached; a token naming an unknown key id makes it fetch
 * the set again, at most once per cooldown, so a key rotation needs no restart).
 */
export async function createAuthenticator(config: AuthConfig, verifiedTokens?: VerifiedTokensOptions): Promise<Authenticator> {
  if (config.kind === 'dev-idp') {
    const devIdp = await DevIdp.open({ dir: config.dir, port: config.port });
    return createTokenAuthenticator(
      {
        issuer: () => devIdp.issuer,
        audience: devIdp.audience,
        getKey: devIdp.getKey,
        algorithms: [DEV_IDP_ALGORITHM],
        ...(verifiedTokens ? { verifiedTokens } : {}),
      },
      devIdp,
    );
  }
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
    cooldownDuration: config.jwksCooldownMs,
    cacheMaxAge: config.jwksMaxAgeMs,
    timeoutDuration: 5_000,
  });
  return createTokenAuthenticator({
    issuer: config.issuer,
    audience: config.audience,
    getKey: jwks,
    algorithms: EXTERNAL_ALGORITHMS,
    ...(verifiedTokens ? { verifiedTokens } : {}),
  });
}

function refusal(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof KeysUnavailable)
    return new AuthError(
      'KEYS_UNAVAILABLE',
      "Expected the identity provider's keys, received none: they could not be fetched; try again shortly.",
    );
  if (err instanceof joseErrors.JWTExpired) return new AuthError('TOKEN_EXPIRED', 'Expected an unexpired token, received an expired one.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return new AuthError('WRONG_ISSUER', 'Expected a token of the configured issuer, received one of another issuer.');
      case 'aud':
        return new AuthError('WRONG_AUDIENCE', 'Expected a token for the region graph, received one for another audience.');
      case 'nbf':
        return new AuthError('TOKEN_NOT_YET_VALID', 'Expected a token valid now, received one not valid yet.');
      default:
        return new AuthError(
          'INVALID_CLAIMS',
          `Expected the standard claims in the token, received a missing or invalid ${err.claim} claim.`,
        );
    }
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return new AuthError(
      'BAD_SIGNATURE',
      'Expected a token signed by the identity provider, received one whose signature does not verify.',
    );
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) {
    return new AuthError('UNSUPPORTED_ALGORITHM', 'Expected a token signed with an accepted algorithm, received one with another.');
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new AuthError(
      'UNKNOWN_KEY',
      "Expected a token signed with one of the identity provider's keys, received one with an unknown key.",
    );
  }
  return new AuthError('MALFORMED_TOKEN', 'Expected a signed JWT as the bearer token, received a value that is not one.');
}
