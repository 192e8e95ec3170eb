/**
 * The gateway's configuration, parsed and validated once at the boundary
 * (command line, then environment) into a typed object.
 *
 * Command line (wins over the environment):
 *   --port N              GATEWAY_PORT         default 4000 (0: a free port)
 *   --host H              GATEWAY_HOST         default 127.0.0.1; a loopback address while the development identity provider is on
 *   --supergraph FILE     SUPERGRAPH_PATH      default schema/supergraph.graphql
 *   --subgraph NAME=URL   SUBGRAPH_URL_{NAME}  repeatable; overrides a subgraph's URL from the supergraph
 *   --subgraph-timeout-ms SUBGRAPH_TIMEOUT_MS  default 15 000
 *   --log-level L         LOG_LEVEL            default info
 *   --production          NODE_ENV=production  no GraphiQL, no introspection, no query plans in answers
 *   --workers N           GATEWAY_WORKERS      default 1; N > 1: N gateway processes sharing the port (node:cluster), npm run gateway only
 *
 * GraphQL hardening (gateway/hardening), each a limit on one request:
 *   --max-body-bytes N    GRAPHQL_MAX_BODY_BYTES    default 102 400 (100 KiB)
 *   --max-tokens N        GRAPHQL_MAX_TOKENS        default 2 000
 *   --max-depth N         GRAPHQL_MAX_DEPTH         default 10
 *   --max-aliases N       GRAPHQL_MAX_ALIASES       default 30
 *   --max-root-fields N   GRAPHQL_MAX_ROOT_FIELDS   default 20
 *   --max-fields N        GRAPHQL_MAX_FIELDS        default 250
 *   --max-directives N    GRAPHQL_MAX_DIRECTIVES    default 50
 *   --csrf-prevention on|off  GRAPHQL_CSRF_PREVENTION  default on
 *
 * HTTP server limits (contract/serverLimits.ts), so no slow or numerous client holds the gateway:
 *   --request-timeout-ms N     GATEWAY_REQUEST_TIMEOUT_MS      default 30 000; the whole request, body included (408)
 *   --headers-timeout-ms N     GATEWAY_HEADERS_TIMEOUT_MS      default 10 000; the headers; at most the request timeout
 *   --keep-alive-timeout-ms N  GATEWAY_KEEP_ALIVE_TIMEOUT_MS   default 5 000; an idle keep-alive connection
 *   --idle-timeout-ms N        GATEWAY_IDLE_TIMEOUT_MS         default 60 000; no traffic either way; above the subgraph timeout
 *   --max-connections N        GATEWAY_MAX_CONNECTIONS         default 1 000; open connections in all
 *   --max-connections-per-ip N GATEWAY_MAX_CONNECTIONS_PER_IP  default 128; from one address (0: no such cap)
 *
 * Browsers and trusted documents (README "For frontend developers"):
 *   --cors-origins O,O    CORS_ORIGINS         exact origins (https://portal.example.fi) whose pages may call /graphql; default none
 *   --trusted-documents M TRUSTED_DOCUMENTS    off | allow | only; default allow (registered ids and free query text)
 *   --trusted-documents-paths P,P  TRUSTED_DOCUMENTS_PATHS  further .graphql files or directories; portal/operations/ always
 *
 * Readiness (/readyz):
 *   --readyz-cache-ms N   READYZ_CACHE_MS      default 5 000; how long a result is served before the subgraphs are probed again
 *   READINESS_KEY                              a secret (≥ 32 characters) whose holder (header x-readiness-key) sees /readyz's details; unset: analysts only
 *
 * Planning and caches (gateway/queryPlans.ts, planning/), each cache bounded by estimated bytes:
 *   --plan-budget-ms N        GRAPHQL_PLAN_BUDGET_MS       default 2 000 (QUERY_TOO_COMPLEX beyond)
 *   --max-requires-depth N    GRAPHQL_MAX_REQUIRES_DEPTH   default 2 (QUERY_TOO_COMPLEX beyond, before planning)
 *   --planner-threads N       GATEWAY_PLANNER_THREADS      default 1
 *   --plan-cache-bytes N      GATEWAY_PLAN_CACHE_BYTES     default 67 108 864 (64 MiB)
 *   --document-cache-bytes N  GATEWAY_DOCUMENT_CACHE_BYTES default 16 777 216 (16 MiB)
 *   --refused-cache-bytes N   GATEWAY_REFUSED_CACHE_BYTES  default 1 048 576 (1 MiB)
 *   --token-cache-bytes N     GATEWAY_TOKEN_CACHE_BYTES    default 4 194 304 (4 MiB)
 *
 * Authentication (gateway/auth/config.ts) and the subgraphs' trust:
 *   AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL  an external identity provider (required in production)
 *   AUTH_JWKS_COOLDOWN_MS, AUTH_JWKS_MAX_AGE_MS  its JWKS refetch cooldown and cache age
 *   DEV_IDP_DIR                                 the development identity provider's key directory (default .data/dev-idp)
 *   REGION_INTERNAL_KEY                         the gateway→subgraph token key (base64url, ≥ 32 bytes); npm start makes one per run
 */
import { isIPv4, isIPv6 } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INTERNAL_KEY_ENV, InternalKey, InternalKeyError } from '../contract/internalToken.ts';
import { AuthConfigError, parseAuthConfig } from './auth/config.ts';
import type { AuthConfig } from './auth/config.ts';
import { DEFAULT_SERVER_LIMITS } from '../contract/serverLimits.ts';
import type { ServerLimits } from '../contract/serverLimits.ts';
import { normaliseOrigin } from './cors.ts';
import { DEFAULT_HARDENING_LIMITS } from './hardening/limits.ts';
import type { HardeningLimits } from './hardening/limits.ts';
import { DEFAULT_DOCUMENT_CACHE_BYTES } from './documentCache.ts';
import { DEFAULT_TOKEN_CACHE_BYTES } from './auth/verifiedTokens.ts';
import { DEFAULT_PLANNING_LIMITS } from './queryPlans.ts';
import type { PlanningLimits } from './queryPlans.ts';
import { TRUSTED_DOCUMENT_MODES } from './trusted/documents.ts';
import type { TrustedDocumentMode } from './trusted/documents.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the supergraph SDL file. */
  readonly supergraphPath: string;
  /** Subgraph name → URL, replacing the URL the supergraph names. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** How long the gateway waits for one subgraph answer; above the subgraphs' own per-source timeouts. */
  readonly subgraphTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Production mode: GraphiQL, introspection and query plan answers are off. */
  readonly production: boolean;
  /** Gateway processes sharing the port (node:cluster); 1: this process alone. */
  readonly workers: number;
  /** Limits on one GraphQL request (gateway/hardening). */
  readonly hardening: HardeningLimits;
  /** Planning limits and cache bounds. */
  readonly engine: EngineLimits;
  /** How users' bearer tokens are verified. */
  readonly auth: AuthConfig;
  /** REGION_INTERNAL_KEY when set; otherwise npm start makes one per run (and the gateway alone sends no internal tokens). */
  readonly internalKey?: InternalKey;
  /** /readyz: how long a result is served, and the key that shows its details. */
  readonly readiness: ReadinessConfig;
  /** Request, header, keep-alive and idle timeouts, connection caps. */
  readonly server: ServerLimits;
  /** Origins whose pages may call /graphql (gateway/cors.ts); empty: none. */
  readonly corsOrigins: readonly string[];
  /** Trusted documents: the mode and the registry's paths (portal/operations/ first, if it exists). */
  readonly trustedDocuments: TrustedDocumentsConfig;
}

/** Trusted documents' settings (gateway/trusted/). */
export interface TrustedDocumentsConfig {
  readonly mode: TrustedDocumentMode;
  /** TRUSTED_DOCUMENTS_PATHS, absolute: each must exist. */
  readonly paths: readonly string[];
}

/** /readyz's settings. */
export interface ReadinessConfig {
  /** How long a result is served before the subgraphs are probed again, ms. */
  readonly cacheMs: number;
  /** READINESS_KEY: its holder sees the details (which subgraph or check is not ready). */
  readonly key?: string;
}

/** Planning limits and every cache's byte bound (README "GraphQL hardening"). */
export interface EngineLimits extends PlanningLimits {
  /** Estimated bytes of all parsed documents kept (gateway/documentCache.ts). */
  readonly documentCacheBytes: number;
  /** Estimated bytes of all verified tokens kept (gateway/auth/verifiedTokens.ts). */
  readonly tokenCacheBytes: number;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = Object.freeze({
  ...DEFAULT_PLANNING_LIMITS,
  documentCacheBytes: DEFAULT_DOCUMENT_CACHE_BYTES,
  tokenCacheBytes: DEFAULT_TOKEN_CACHE_BYTES,
});

/** A setting that cannot be used; the message names the setting, never a secret. */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}

/** The repository's root (this file is gateway/config.ts). */
export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DEFAULT_SUPERGRAPH_PATH = resolve(REPOSITORY_ROOT, 'schema', 'supergraph.graphql');
export const DEFAULT_PORT = 4000;
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 15_000;
/** The sample portal's operations: always registered when the folder exists (an empty or missing one registers nothing). */
export const DEFAULT_TRUSTED_DOCUMENTS_DIR = resolve(REPOSITORY_ROOT, 'portal', 'operations');
/**
 * Why `allow` in production too: the region graph has other clients than the
 * portal (professional systems, analysts' tools, the interoperability
 * checks) that send their own query text; `only` is for a gateway that
 * serves registered clients alone (e.g. a deployment in front of the portal).
 */
export const DEFAULT_TRUSTED_DOCUMENTS_MODE: TrustedDocumentMode = 'allow';

/** The gateway's command-line options, for scripts that add their own (scripts/start.ts). */
export const GATEWAY_ARG_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  supergraph: { type: 'string' },
  subgraph: { type: 'string', multiple: true },
  'subgraph-timeout-ms': { type: 'string' },
  'log-level': { type: 'string' },
  production: { type: 'boolean' },
  workers: { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-depth': { type: 'string' },
  'max-aliases': { type: 'string' },
  'max-root-fields': { type: 'string' },
  'max-fields': { type: 'string' },
  'max-directives': { type: 'string' },
  'csrf-prevention': { type: 'string' },
  'readyz-cache-ms': { type: 'string' },
  'request-timeout-ms': { type: 'string' },
  'headers-timeout-ms': { type: 'string' },
  'keep-alive-timeout-ms': { type: 'string' },
  'idle-timeout-ms': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'plan-budget-ms': { type: 'string' },
  'max-requires-depth': { type: 'string' },
  'planner-threads': { type: 'string' },
  'plan-cache-bytes': { type: 'string' },
  'document-cache-bytes': { type: 'string' },
  'refused-cache-bytes': { type: 'string' },
  'token-cache-bytes': { type: 'string' },
  'cors-origins': { type: 'string' },
  'trusted-documents': { type: 'string' },
  'trusted-documents-paths': { type: 'string' },
} as const;

/** Values of GATEWAY_ARG_OPTIONS as `node:util` parseArgs gives them. */
export interface GatewayArgValues {
  port?: string;
  host?: string;
  supergraph?: string;
  subgraph?: string[];
  'subgraph-timeout-ms'?: string;
  'log-level'?: string;
  production?: boolean;
  workers?: string;
  'max-body-bytes'?: string;
  'max-tokens'?: string;
  'max-depth'?: string;
  'max-aliases'?: string;
  'max-root-fields'?: string;
  'max-fields'?: string;
  'max-directives'?: string;
  'csrf-prevention'?: string;
  'readyz-cache-ms'?: string;
  'request-timeout-ms'?: string;
  'headers-timeout-ms'?: string;
  'keep-alive-timeout-ms'?: string;
  'idle-timeout-ms'?: string;
  'max-connections'?: string;
  'max-connections-per-ip'?: string;
  'plan-budget-ms'?: string;
  'max-requires-depth'?: string;
  'planner-threads'?: string;
  'plan-cache-bytes'?: string;
  'document-cache-bytes'?: string;
  'refused-cache-bytes'?: string;
  'token-cache-bytes'?: string;
  'cors-origins'?: string;
  'trusted-documents'?: string;
  'trusted-documents-paths'?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the gateway's command line and environment; throws GatewayConfigError for an unusable value. */
export function parseGatewayConfig(argv: readonly string[], env: Env): GatewayConfig {
  let values: GatewayArgValues;
  try {
    ({ values } = parseArgs({ args: [...argv], options: GATEWAY_ARG_OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    // parseArgs messages name the option only (never a value), so they are safe to show.
    throw new GatewayConfigError(err instanceof Error ? err.message : 'expected known options, received another');
  }
  return gatewayConfigFromValues(values, env);
}

/** Builds the config from already parsed command-line values plus the environment. */
export function gatewayConfigFromValues(values: GatewayArgValues, env: Env, cwd = process.cwd()): GatewayConfig {
  const port = wholeNumber(values.port ?? env.GATEWAY_PORT, values.port !== undefined ? '--port' : 'GATEWAY_PORT', DEFAULT_PORT, 0, 65_535);
  const host = (values.host ?? env.GATEWAY_HOST ?? '127.0.0.1').trim();
  if (host === '' || /\s/.test(host)) throw new GatewayConfigError('expected --host as a host name or address, received an empty value');
  const supergraph = values.supergraph ?? env.SUPERGRAPH_PATH;
  const supergraphPath = supergraph && supergraph.trim() !== '' ? resolve(cwd, supergraph.trim()) : DEFAULT_SUPERGRAPH_PATH;
  const subgraphTimeoutMs = wholeNumber(
    values['subgraph-timeout-ms'] ?? env.SUBGRAPH_TIMEOUT_MS,
    values['subgraph-timeout-ms'] !== undefined ? '--subgraph-timeout-ms' : 'SUBGRAPH_TIMEOUT_MS',
    DEFAULT_SUBGRAPH_TIMEOUT_MS,
    1,
    600_000,
  );
  const level = (values['log-level'] ?? env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new GatewayConfigError(`expected the log level as one of ${LOG_LEVELS.join(', ')}, received ${JSON.stringify(level)}`);
  }
  const production = values.production === true || env.NODE_ENV === 'production';
  const workers = wholeNumber(
    values.workers ?? env.GATEWAY_WORKERS,
    values.workers !== undefined ? '--workers' : 'GATEWAY_WORKERS',
    1,
    1,
    64,
  );
  let auth: AuthConfig;
  let internalKey: InternalKey | undefined;
  try {
    auth = parseAuthConfig(env, { port, production, cwd });
    const secret = env[INTERNAL_KEY_ENV];
    if (secret !== undefined && secret.trim() !== '') internalKey = InternalKey.fromSecret(secret);
  } catch (err) {
    if (err instanceof AuthConfigError || err instanceof InternalKeyError) throw new GatewayConfigError(err.message);
    throw err;
  }
  // Why: the development identity provider mints a token for any demo user (a physician included) to whoever reaches /dev-idp/token.
  if (auth.kind === 'dev-idp' && !isLoopbackHost(host)) {
    const setting = values.host !== undefined ? '--host' : 'GATEWAY_HOST';
    throw new GatewayConfigError(
      `expected ${setting} as a loopback address (127.0.0.0/8, ::1 or localhost) while the development identity provider is on, received ${JSON.stringify(host)}; ` +
        'to listen elsewhere, configure an external identity provider (AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL)',
    );
  }
  return {
    port,
    host,
    supergraphPath,
    subgraphUrls: subgraphUrls(values.subgraph ?? [], env),
    subgraphTimeoutMs,
    logLevel: level as LogLevel,
    production,
    workers,
    hardening: hardeningLimits(values, env),
    engine: engineLimits(values, env),
    auth,
    ...(internalKey ? { internalKey } : {}),
    readiness: readinessConfig(values, env),
    server: serverLimits(values, env, subgraphTimeoutMs),
    corsOrigins: corsOrigins(values, env),
    trustedDocuments: trustedDocuments(values, env, cwd),
  };
}

/** CORS_ORIGINS: comma-separated exact origins, each as a browser sends it. */
function corsOrigins(values: GatewayArgValues, env: Env): string[] {
  const flag = values['cors-origins'];
  const setting = flag !== undefined ? '--cors-origins' : 'CORS_ORIGINS';
  const out: string[] = [];
  for (const item of (flag ?? env.CORS_ORIGINS ?? '').split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const origin = normaliseOrigin(text);
    if (origin === null)
      throw new GatewayConfigError(
        `expected ${setting} as comma-separated origins such as https://portal.example.fi (scheme, host and port; no path, no *), received ${JSON.stringify(text)}`,
      );
    if (!out.includes(origin)) out.push(origin);
  }
  return out;
}

/** TRUSTED_DOCUMENTS (the mode) and TRUSTED_DOCUMENTS_PATHS (comma-separated, relative to the working directory). */
function trustedDocuments(values: GatewayArgValues, env: Env, cwd: string): TrustedDocumentsConfig {
  const modeFlag = values['trusted-documents'];
  const modeText = (modeFlag ?? env.TRUSTED_DOCUMENTS ?? '').trim().toLowerCase();
  if (modeText !== '' && !(TRUSTED_DOCUMENT_MODES as readonly string[]).includes(modeText)) {
    const setting = modeFlag !== undefined ? '--trusted-documents' : 'TRUSTED_DOCUMENTS';
    throw new GatewayConfigError(
      `expected ${setting} as one of ${TRUSTED_DOCUMENT_MODES.join(', ')}, received ${JSON.stringify(modeText)}`,
    );
  }
  const mode = modeText === '' ? DEFAULT_TRUSTED_DOCUMENTS_MODE : (modeText as TrustedDocumentMode);
  const pathsFlag = values['trusted-documents-paths'];
  const paths = (pathsFlag ?? env.TRUSTED_DOCUMENTS_PATHS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => resolve(cwd, p));
  if (mode === 'off' && paths.length > 0) {
    const setting = pathsFlag !== undefined ? '--trusted-documents-paths' : 'TRUSTED_DOCUMENTS_PATHS';
    throw new GatewayConfigError(`expected ${setting} unset while trusted documents are off, received ${paths.length} path(s)`);
  }
  return { mode, paths };
}

/** One HTTP server limit: its flag, its variable and its range. */
const SERVER_LIMIT_SETTINGS = [
  ['requestTimeoutMs', 'request-timeout-ms', 'GATEWAY_REQUEST_TIMEOUT_MS', 100, 600_000],
  ['headersTimeoutMs', 'headers-timeout-ms', 'GATEWAY_HEADERS_TIMEOUT_MS', 100, 600_000],
  ['keepAliveTimeoutMs', 'keep-alive-timeout-ms', 'GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 100, 600_000],
  ['idleTimeoutMs', 'idle-timeout-ms', 'GATEWAY_IDLE_TIMEOUT_MS', 1_000, 3_600_000],
  ['maxConnections', 'max-connections', 'GATEWAY_MAX_CONNECTIONS', 1, 1_000_000],
  ['maxConnectionsPerIp', 'max-connections-per-ip', 'GATEWAY_MAX_CONNECTIONS_PER_IP', 0, 1_000_000],
] as const;

/** The HTTP server's limits (flags win), checked against each other. */
function serverLimits(values: GatewayArgValues, env: Env, subgraphTimeoutMs: number): ServerLimits {
  const { values: limits, names: name } = numericSettings(SERVER_LIMIT_SETTINGS, values, env, DEFAULT_SERVER_LIMITS);
  // Node refuses a header deadline past the request deadline.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new GatewayConfigError(
      `expected ${name.headersTimeoutMs} at most ${name.requestTimeoutMs} (${limits.requestTimeoutMs}), received ${limits.headersTimeoutMs}`,
    );
  }
  // Why: a connection silent for the idle timeout is closed, and a request waiting on a subgraph is silent.
  if (limits.idleTimeoutMs <= subgraphTimeoutMs) {
    throw new GatewayConfigError(
      `expected ${name.idleTimeoutMs} above the subgraph timeout (${subgraphTimeoutMs}), received ${limits.idleTimeoutMs}`,
    );
  }
  return limits;
}

export const DEFAULT_READYZ_CACHE_MS = 5_000;
const MIN_READINESS_KEY_CHARS = 32;

/** /readyz's cache period and key. */
function readinessConfig(values: GatewayArgValues, env: Env): ReadinessConfig {
  const flag = values['readyz-cache-ms'];
  const cacheMs = wholeNumber(
    flag ?? env.READYZ_CACHE_MS,
    flag !== undefined ? '--readyz-cache-ms' : 'READYZ_CACHE_MS',
    DEFAULT_READYZ_CACHE_MS,
    100,
    600_000,
  );
  const key = env.READINESS_KEY?.trim();
  if (key === undefined || key === '') return { cacheMs };
  // The message gives the length only, never the key.
  if (key.length < MIN_READINESS_KEY_CHARS)
    throw new GatewayConfigError(`expected READINESS_KEY of at least ${MIN_READINESS_KEY_CHARS} characters, received ${key.length}`);
  return { cacheMs, key };
}

/** One numeric hardening limit: its flag, its variable and its range. */
const LIMIT_SETTINGS = [
  ['maxBodyBytes', 'max-body-bytes', 'GRAPHQL_MAX_BODY_BYTES', 1_024, 104_857_600],
  ['maxTokens', 'max-tokens', 'GRAPHQL_MAX_TOKENS', 100, 100_000],
  ['maxDepth', 'max-depth', 'GRAPHQL_MAX_DEPTH', 1, 100],
  ['maxAliases', 'max-aliases', 'GRAPHQL_MAX_ALIASES', 0, 10_000],
  ['maxRootFields', 'max-root-fields', 'GRAPHQL_MAX_ROOT_FIELDS', 1, 10_000],
  ['maxFields', 'max-fields', 'GRAPHQL_MAX_FIELDS', 1, 100_000],
  ['maxDirectives', 'max-directives', 'GRAPHQL_MAX_DIRECTIVES', 0, 10_000],
] as const;

/** The GraphQL hardening limits from the command line and the environment (flags win). */
function hardeningLimits(values: GatewayArgValues, env: Env): HardeningLimits {
  const numeric = numericSettings(LIMIT_SETTINGS, values, env, DEFAULT_HARDENING_LIMITS).values;
  let csrfPrevention: boolean;
  const csrfFlag = values['csrf-prevention'];
  const csrf = (csrfFlag ?? env.GRAPHQL_CSRF_PREVENTION ?? '').trim().toLowerCase();
  const csrfSetting = csrfFlag !== undefined ? '--csrf-prevention' : 'GRAPHQL_CSRF_PREVENTION';
  if (csrf === '') csrfPrevention = DEFAULT_HARDENING_LIMITS.csrfPrevention;
  else if (['on', 'true', '1'].includes(csrf)) csrfPrevention = true;
  else if (['off', 'false', '0'].includes(csrf)) csrfPrevention = false;
  else throw new GatewayConfigError(`expected ${csrfSetting} as on or off, received ${JSON.stringify(csrf)}`);
  return { ...numeric, csrfPrevention };
}

const GIB = 1024 * 1024 * 1024;

/** One numeric engine setting: its key, flag, variable and range. */
const ENGINE_SETTINGS = [
  ['planBudgetMs', 'plan-budget-ms', 'GRAPHQL_PLAN_BUDGET_MS', 50, 600_000],
  ['maxRequiresDepth', 'max-requires-depth', 'GRAPHQL_MAX_REQUIRES_DEPTH', 1, 1_000],
  ['plannerThreads', 'planner-threads', 'GATEWAY_PLANNER_THREADS', 1, 16],
  ['planCacheBytes', 'plan-cache-bytes', 'GATEWAY_PLAN_CACHE_BYTES', 0, 4 * GIB],
  ['documentCacheBytes', 'document-cache-bytes', 'GATEWAY_DOCUMENT_CACHE_BYTES', 0, 4 * GIB],
  ['refusedCacheBytes', 'refused-cache-bytes', 'GATEWAY_REFUSED_CACHE_BYTES', 0, GIB],
  ['tokenCacheBytes', 'token-cache-bytes', 'GATEWAY_TOKEN_CACHE_BYTES', 0, GIB],
] as const;

/** The planning limits and cache bounds from the command line and the environment (flags win). */
function engineLimits(values: GatewayArgValues, env: Env): EngineLimits {
  return numericSettings(ENGINE_SETTINGS, values, env, DEFAULT_ENGINE_LIMITS).values;
}

/**
 * `SUBGRAPH_URL_{NAME}` variables, then `--subgraph name=url` flags (which win).
 * An environment name is lower-cased with `_` read as `-`, so `SUBGRAPH_URL_MY_SUB`
 * names the subgraph `my-sub`; createGateway matches names ignoring `-`/`_`.
 */
function subgraphUrls(flags: readonly string[], env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('SUBGRAPH_URL_') || value === undefined || value.trim() === '') continue;
    const name = key.slice('SUBGRAPH_URL_'.length).toLowerCase().replace(/_/g, '-');
    out[name] = httpUrl(value.trim(), key);
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new GatewayConfigError('expected --subgraph as NAME=URL, received a value without a name');
    out[name] = httpUrl(flag.slice(eq + 1).trim(), `--subgraph ${name}`);
  }
  return out;
}

/** True for a host that only this machine can reach: localhost, 127.0.0.0/8, ::1 (IPv4-mapped forms included). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  if (isIPv4(v4)) return v4.split('.')[0] === '127';
  return isIPv6(h) && /^(?:0{0,4}:){2,7}0{0,3}1$|^::1$/.test(h);
}

function httpUrl(raw: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GatewayConfigError(`expected ${setting} as an http(s) URL, received a value that is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GatewayConfigError(`expected ${setting} as an http(s) URL, received scheme ${url.protocol}`);
  }
  // The URL as given: toString() would add a trailing slash to a bare origin.
  return raw;
}

/** One numeric setting: its key in the typed config, its flag, its variable and its range. */
type NumericSetting<K extends string> = readonly [key: K, flag: keyof GatewayArgValues, variable: string, min: number, max: number];

/**
 * Reads a table of numeric settings (a flag wins over its variable), each a
 * whole number in its range or its default; `names` says where each value
 * came from, for messages that compare two settings.
 */
function numericSettings<K extends string>(
  table: readonly NumericSetting<K>[],
  values: GatewayArgValues,
  env: Env,
  defaults: { readonly [P in K]: number },
): { readonly values: Record<K, number>; readonly names: Record<K, string> } {
  const out = {} as Record<K, number>;
  const names = {} as Record<K, string>;
  for (const [key, flag, variable, min, max] of table) {
    const given = values[flag];
    names[key] = given !== undefined ? `--${flag}` : variable;
    out[key] = wholeNumber(typeof given === 'string' ? given : env[variable], names[key], defaults[key], min, max);
  }
  return { values: out, names };
}

function wholeNumber(raw: string | undefined, setting: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new GatewayConfigError(`expected ${setting} as a whole number from ${min} to ${max}, received ${JSON.stringify(text)}`);
  }
  return n;
}
