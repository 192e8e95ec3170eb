/**
 * The embedded development identity provider: an ES256 key pair made on
 * first use and kept in a directory (default `.data/dev-idp/`, gitignored),
 * the public half served as a JWKS at `/.well-known/jwks.json`, and tokens
 * minted for the demo users (demoUsers.ts) by `npm run token` and, outside
 * production, by GraphiQL's identity picker (`/dev-idp/token?as=…`).
 *
 * The gateway and `npm run token` (another process) share the key through
 * the directory. A key file replaced while the gateway runs (a new key id)
 * is picked up on the first token that names it; tokens of the old key stay
 * valid until they expire.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, calculateJwkThumbprint, createLocalJWKSet, errors as joseErrors, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { JWK, JWTVerifyGetKey } from 'jose';
import type { Identity } from '../../contract/identity.ts';
import { claimsFor } from './claims.ts';
import { DEV_IDP_AUDIENCE, devIdpIssuer } from './config.ts';

export const DEV_IDP_ALGORITHM = 'ES256';
const KEY_FILE = 'signing-key.json';
/** Longest token the development provider mints: a working day. */
export const MAX_TOKEN_MINUTES = 24 * 60;
export const DEFAULT_TOKEN_MINUTES = 60;
/** Least time between two looks at the key file for an unknown key id. */
const RELOAD_COOLDOWN_MS = 1_000;

/** The key directory or file cannot be used; the message names the path, never key material. */
export class DevIdpKeyError extends Error {
  override readonly name = 'DevIdpKeyError';
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: Awaited<ReturnType<typeof importJWK>>;
  readonly publicJwk: JWK;
}

/** A minted token and when it expires. */
export interface MintedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export class DevIdp {
  private port: number;
  private current: SigningKey;
  private readonly publicKeys = new Map<string, JWK>();
  private localSet: JWTVerifyGetKey;
  private lastReload = 0;

  private constructor(
    readonly dir: string,
    port: number,
    key: SigningKey,
  ) {
    this.port = port;
    this.current = key;
    this.publicKeys.set(key.kid, key.publicJwk);
    this.localSet = createLocalJWKSet(this.jwks());
  }

  /** Opens the provider on `dir`, making and keeping a key pair there if it has none. */
  static async open(options: { readonly dir: string; readonly port: number }): Promise<DevIdp> {
    return new DevIdp(options.dir, options.port, await loadOrCreateKey(options.dir));
  }

  /** `http://localhost:{port}/dev-idp`. */
  get issuer(): string {
    return devIdpIssuer(this.port);
  }

  readonly audience = DEV_IDP_AUDIENCE;

  /** The port the gateway actually listens on, when it was configured with 0. */
  listeningOn(port: number): void {
    this.port = port;
  }

  /** The public keys as a JWKS (`/.well-known/jwks.json`). */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.publicKeys.values()] };
  }

  /** jose's key lookup for verification; an unknown key id makes it look at the key file again. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await this.localSet(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey) || !(await this.reload())) throw err;
      return this.localSet(header, token);
    }
  };

  /** Mints a token for `identity`, valid `minutes` (1 to 1 440; default 60). */
  async mint(identity: Identity, options: { readonly minutes?: number; readonly now?: Date } = {}): Promise<MintedToken> {
    const minutes = options.minutes ?? DEFAULT_TOKEN_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TOKEN_MINUTES) {
      throw new RangeError(`expected minutes as a whole number from 1 to ${MAX_TOKEN_MINUTES}, received ${minutes}`);
    }
    const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const exp = iat + minutes * 60;
    const token = await new SignJWT(claimsFor(identity))
      .setProtectedHeader({ alg: DEV_IDP_ALGORITHM, kid: this.current.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(identity.sub)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.current.privateKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Reads the key file again; true when it holds a key not seen before (now the signing key). */
  private async reload(): Promise<boolean> {
    const now = Date.now();
    if (now - this.lastReload < RELOAD_COOLDOWN_MS) return false;
    this.lastReload = now;
    let key: SigningKey;
    try {
      key = await readKey(join(this.dir, KEY_FILE));
    } catch {
      return false;
    }
    if (this.publicKeys.has(key.kid)) return false;
    this.current = key;
    this.publicKeys.set(key.kid, key.publicJwk);
    this.localSet = createLocalJWKSet(this.jwks());
    return true;
  }
}

async function loadOrCreateKey(dir: string): Promise<SigningKey> {
  const file = join(dir, KEY_FILE);
  try {
    return await readKey(file);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch {
    throw new DevIdpKeyError(`expected ${dir} to be a directory the gateway can create and write, received one it cannot`);
  }
  const { privateKey } = await generateKeyPair(DEV_IDP_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const text = `${JSON.stringify({ ...jwk, kid, alg: DEV_IDP_ALGORITHM, use: 'sig' }, null, 2)}\n`;
  try {
    // 'wx': two processes starting together (npm start, npm run token) must not overwrite each other's key.
    await writeFile(file, text, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EEXIST')
      throw new DevIdpKeyError(
        `expected to write the key file ${file}, received an error (${(err as { code?: string }).code ?? 'unknown'})`,
      );
  }
  return readKey(file);
}

async function readKey(file: string): Promise<SigningKey> {
  const text = await readFile(file, 'utf8');
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new DevIdpKeyError(`expected ${file} to hold a JSON Web Key, received text that does not parse; delete it to make a new key`);
  }
  if (
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.d !== 'string' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string' ||
    typeof jwk.kid !== 'string'
  ) {
    throw new DevIdpKeyError(
      `expected ${file} to hold a P-256 private key with a key id, received another key; delete it to make a new key`,
    );
  }
  let privateKey: SigningKey['privateKey'];
  try {
    privateKey = await importJWK({ ...jwk, alg: DEV_IDP_ALGORITHM }, DEV_IDP_ALGORITHM);
  } catch {
    throw new DevIdpKeyError(
      `expected ${file} to hold a usable P-256 private key, received one that does not import; delete it to make a new key`,
    );
  }
  const { kty, crv, x, y, kid } = jwk;
  return { kid, privateKey, publicJwk: { kty, crv, x, y, kid, alg: DEV_IDP_ALGORITHM, use: 'sig' } };
}
