/**
 * How the gateway verifies users' tokens, parsed once from the environment:
 *
 *   AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL   an external identity provider (all three, or none)
 *   AUTH_JWKS_COOLDOWN_MS                       least time between two JWKS fetches on an unknown key id (default 30 000)
 *   AUTH_JWKS_MAX_AGE_MS                        how long fetched keys are used before a refetch (default 600 000)
 *   DEV_IDP_DIR                                 where the development identity provider keeps its key (default .data/dev-idp)
 *
 * Without AUTH_* the embedded development identity provider is used
 * (devIdp.ts): issuer `http://localhost:{port}/dev-idp`, audience
 * `region-graph`. Production mode refuses it: a key on the gateway's disk
 * minting tokens for demo users has no place there.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An external identity provider, verified through its JWKS (fetched, cached, refetched for an unknown key id). */
export interface JwksAuthConfig {
  readonly kind: 'jwks';
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly jwksCooldownMs: number;
  readonly jwksMaxAgeMs: number;
}

/** The embedded development identity provider. */
export interface DevIdpAuthConfig {
  readonly kind: 'dev-idp';
  /** Absolute directory holding the signing key (made on first start, kept). */
  readonly dir: string;
  /** The gateway's configured port, part of the issuer (0: the port it listens on). */
  readonly port: number;
}

export type AuthConfig = JwksAuthConfig | DevIdpAuthConfig;

/** A setting that cannot be used; the message names the setting, never a secret. */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_DEV_IDP_DIR = resolve(REPOSITORY_ROOT, '.data', 'dev-idp');
export const DEV_IDP_AUDIENCE = 'region-graph';
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
export const DEFAULT_JWKS_MAX_AGE_MS = 600_000;

/** The development identity provider's issuer for a gateway on `port`. */
export function devIdpIssuer(port: number): string {
  return `http://localhost:${port}/dev-idp`;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the auth settings; throws AuthConfigError for an unusable or, in production, a missing value. */
export function parseAuthConfig(
  env: Env,
  options: { readonly port: number; readonly production: boolean; readonly cwd?: string },
): AuthConfig {
  const issuer = env.AUTH_ISSUER?.trim() ?? '';
  const audience = env.AUTH_AUDIENCE?.trim() ?? '';
  const jwksUrl = env.AUTH_JWKS_URL?.trim() ?? '';
  const given = [issuer, audience, jwksUrl].filter((v) => v !== '').length;
  if (given > 0 && given < 3) {
    throw new AuthConfigError(
      'expected AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL all set (an external identity provider) or none (the development one), received only some',
    );
  }
  if (given === 3) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new AuthConfigError('expected AUTH_JWKS_URL as an http(s) URL, received a value that is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new AuthConfigError(`expected AUTH_JWKS_URL as an http(s) URL, received scheme ${url.protocol}`);
    if (options.production && url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new AuthConfigError('expected AUTH_JWKS_URL over https in production mode, received an http URL to another host');
    }
    return {
      kind: 'jwks',
      issuer,
      audience,
      jwksUrl,
      jwksCooldownMs: wholeNumber(env.AUTH_JWKS_COOLDOWN_MS, 'AUTH_JWKS_COOLDOWN_MS', DEFAULT_JWKS_COOLDOWN_MS, 0, 3_600_000),
      jwksMaxAgeMs: wholeNumber(env.AUTH_JWKS_MAX_AGE_MS, 'AUTH_JWKS_MAX_AGE_MS', DEFAULT_JWKS_MAX_AGE_MS, 1_000, 86_400_000),
    };
  }
  if (options.production) {
    throw new AuthConfigError(
      'expected AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL in production mode (the development identity provider is for development only), received none',
    );
  }
  const dir = env.DEV_IDP_DIR?.trim();
  return {
    kind: 'dev-idp',
    dir: dir ? (isAbsolute(dir) ? dir : resolve(options.cwd ?? process.cwd(), dir)) : DEFAULT_DEV_IDP_DIR,
    port: options.port,
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

function wholeNumber(raw: string | undefined, setting: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new AuthConfigError(`expected ${setting} as a whole number from ${min} to ${max}, received ${JSON.stringify(text)}`);
  return n;
}
