/**
 * The configuration every adapter's wiring takes: where its instance is, how
 * long a call may take, its answer limits, and for real sources TLS,
 * credentials, X-Road identifiers and concurrency. Checked in one place
 * (`adapterConfigProblem`) when the sources are created.
 */
import type { AnswerLimits } from './answerLimits.ts';
import { answerLimitsProblem } from './answerLimits.ts';
import { instance as instanceOf, type InstanceId } from '../../domain/region.ts';
import type { Clock } from '../../domain/time.ts';
import { xroadConfigProblem, type XRoadConfig } from './xroad.ts';

export type { XRoadConfig, XRoadClientId, XRoadServiceId } from './xroad.ts';

/**
 * TLS towards one source, as PEM text (not file paths). `ca`: the bundle the
 * source's server certificate must chain to (default: Node's public roots);
 * `cert` and `key`: this client's certificate and key for mutual TLS (both
 * or neither); `serverName`: the name the server certificate must carry when
 * it differs from the address's host. Verification is never turned off.
 */
export interface TlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly serverName?: string;
}

/** A user name and password, where the product takes them (README: Deploying, sources). */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** What every adapter is configured with, parsed and validated by its caller. */
export interface AdapterConfig {
  readonly instance: InstanceId;
  /** Base URL (HTTP), `host:port` / `mllp://host:port` / `mllps://host:port` (MLLP) or connection string (SQL). */
  readonly address: string;
  /** How long one request to the source may take before it counts as unavailable. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** This instance's answer limits over its product's defaults (answerLimits.ts; README: Answer limits). */
  readonly limits?: Partial<AnswerLimits>;
  /** TLS settings; used when the address selects TLS (`https://`, `mllps://`, `sslmode=verify-full`). */
  readonly tls?: TlsSettings;
  /** WS-Security UsernameToken (Lifecare, VTJ), HTTP Basic (Effica, Mediatri, over https only) or the database user (ProConsona). */
  readonly credentials?: Credentials;
  /** VTJ only: the X-Road identifiers every query carries. */
  readonly xroad?: XRoadConfig;
  /** Requests (or connections) in flight to the source at once; default: the product's own. */
  readonly concurrency?: number;
}

/** The part of an AdapterConfig that deployment settings give per instance. */
export type AdapterSettings = Pick<AdapterConfig, 'address' | 'timeoutMs' | 'limits' | 'tls' | 'credentials' | 'xroad' | 'concurrency'>;

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;
const MAX_CONCURRENCY = 256;
/** pg's sslmode values that turn TLS on; each is read as full verification (CA and host name). */
const PG_TLS_MODES = new Set(['require', 'verify-ca', 'verify-full']);
/** pg's sslmode values that could end unverified or in the clear: refused. */
const PG_WEAK_MODES = new Set(['allow', 'prefer', 'no-verify']);

/** Whether the address selects TLS: `https://`, `mllps://`, or a connection string with a TLS `sslmode`. */
export function addressSelectsTls(address: string): boolean {
  const lower = address.trim().toLowerCase();
  if (lower.startsWith('https://') || lower.startsWith('mllps://')) return true;
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://')) {
    const mode = sslMode(address);
    return mode !== undefined && PG_TLS_MODES.has(mode);
  }
  return false;
}

function sslMode(address: string): string | undefined {
  try {
    return new URL(address).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks one instance's settings; returns the reason they are wrong (one
 * sentence naming the instance and the setting, never a secret's value),
 * or undefined. The one place where sources' settings are validated.
 */
export function adapterConfigProblem(config: AdapterSettings & { readonly instance: InstanceId }): string | undefined {
  const { instance: id, address } = config;
  const product = instanceOf(id).product;
  const at = (what: string, received: string): string => `expected ${what} for ${id}, received ${received}`;
  if (typeof address !== 'string' || address.trim() === '') return at('an address', 'none');
  const addressProblem = addressFormProblem(product, address);
  if (addressProblem) return at(addressProblem, `"${address}"`);
  if (!(Number.isSafeInteger(config.timeoutMs) && config.timeoutMs > 0))
    return at('timeoutMs as a positive whole number of milliseconds', String(config.timeoutMs));
  if (
    config.concurrency !== undefined &&
    !(Number.isSafeInteger(config.concurrency) && config.concurrency >= 1 && config.concurrency <= MAX_CONCURRENCY)
  )
    return at(`concurrency as a whole number from 1 to ${MAX_CONCURRENCY}`, String(config.concurrency));
  const limits = config.limits ? answerLimitsProblem(config.limits) : undefined;
  if (limits) return `Limits of ${id}: ${limits}`;
  const tls = config.tls;
  if (tls) {
    if (!addressSelectsTls(address))
      return at('an address that selects TLS (https://, mllps:// or sslmode=verify-full) with tls settings', 'one without TLS');
    for (const key of ['ca', 'cert', 'key'] as const) {
      const pem = tls[key];
      if (pem !== undefined && !PEM.test(pem)) return at(`tls.${key} as PEM text`, 'text without a PEM header');
    }
    if ((tls.cert === undefined) !== (tls.key === undefined))
      return at(
        'tls.cert and tls.key together (a client certificate and its key)',
        tls.cert === undefined ? 'a key alone' : 'a certificate alone',
      );
    if (tls.serverName !== undefined && tls.serverName.trim() === '') return at('tls.serverName as a host name', 'an empty one');
  }
  const cred = config.credentials;
  if (cred) {
    if (product === 'pegasos') return at('no credentials (HL7 over MLLP takes none; use mutual TLS)', 'credentials');
    if (!cred.username || !cred.password) return at('credentials with both a user name and a password', 'one of them empty');
    // A UsernameToken's PasswordText and HTTP Basic carry the password as it is: never in the clear.
    if (product !== 'proconsona' && !addressSelectsTls(address))
      return at('an https:// address with credentials (a password is never sent in the clear)', 'an http:// address');
  }
  if (config.xroad) {
    if (product !== 'vtj') return at('no X-Road settings (only VTJ is reached through X-Road)', 'X-Road settings');
    const problem = xroadConfigProblem(config.xroad);
    if (problem) return `X-Road settings of ${id}: ${problem}`;
  }
  return undefined;
}

/** What form the product's address takes, when `address` is not in it. */
function addressFormProblem(product: ReturnType<typeof instanceOf>['product'], address: string): string | undefined {
  switch (product) {
    case 'lifecare':
    case 'vtj':
    case 'effica':
    case 'mediatri':
      return /^https?:\/\/[^/\s]+/i.test(address) && isUrl(address) ? undefined : 'an http:// or https:// URL';
    case 'pegasos':
      return /^(?:mllps?:\/\/)?(?:\[[^\]]+\]|[^:/\s]+):\d{1,5}\/?$/i.test(address)
        ? undefined
        : 'host:port, mllp://host:port or mllps://host:port';
    case 'proconsona': {
      if (!/^postgres(?:ql)?:\/\//i.test(address) || !isUrl(address)) return 'a postgres:// connection string';
      const mode = sslMode(address);
      if (mode !== undefined && PG_WEAK_MODES.has(mode))
        return 'sslmode disable, require, verify-ca or verify-full (verification is never turned off)';
      return undefined;
    }
  }
}

function isUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}
