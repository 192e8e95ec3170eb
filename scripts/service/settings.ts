/**
 * The deployment configuration's one table: every setting a service reads,
 * with its key path in the configuration file, its environment name, its
 * default, whether it is a secret (then `NAME_FILE` may name a file holding
 * it), which roles read it and what it means. The loader (config.ts), the
 * reference in README.md (Deploying, Reference) and the packaging's drift test
 * all read this table; nothing else lists the settings.
 *
 * Per-instance settings are patterns over the region's instances
 * (`{instance}` in the key, `{INSTANCE}` in the environment name: the id
 * upper-cased with `-` as `_`, e.g. LIFECARE_PORVOO); the gateway's subgraph
 * URLs are patterns over the subgraph names (`{subgraph}`, `{SUBGRAPH}`).
 */
import { INSTANCES } from '../../domain/region.ts';
import type { InstanceId } from '../../domain/region.ts';
import { SUBGRAPH_NAMES } from '../../schema/municipalities.ts';

/** The services `npm run service -- <role>` starts. */
export const SERVICE_ROLES = ['gateway', 'region', 'lists', 'municipality', 'emulators'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** One setting (or one pattern of per-instance / per-subgraph settings). */
export interface SettingDescription {
  /** Key path in the configuration file, e.g. `sources.{instance}.address`. */
  readonly key: string;
  /** Environment name, e.g. `SOURCE_ADDRESS_{INSTANCE}`. */
  readonly env: string;
  /** A secret: never echoed; may come from `{env}_FILE`. */
  readonly secret: boolean;
  /** The roles that read it. */
  readonly roles: readonly ServiceRole[];
  /** One line: what it means. */
  readonly description: string;
  /** The default, as the reference shows it; absent: unset. */
  readonly default?: string;
  /** What a value in the file may be: `boolean` settings take true/false there (and their env spelling in the environment). */
  readonly type: 'string' | 'integer' | 'boolean';
  /** The pattern's variable, if the setting is one per instance or per subgraph. */
  readonly per?: 'instance' | 'subgraph';
}

const SUBGRAPH_ROLES = ['region', 'lists', 'municipality'] as const;
const ALL_ROLES = SERVICE_ROLES;
const SOURCE_ROLES = ['region', 'municipality'] as const;

type Row = readonly [
  key: string,
  env: string,
  type: SettingDescription['type'],
  defaultValue: string | undefined,
  roles: readonly ServiceRole[],
  description: string,
  flags?: { readonly secret?: boolean; readonly per?: 'instance' | 'subgraph' },
];

const ROWS: readonly Row[] = [
  // Every service.
  ['logLevel', 'LOG_LEVEL', 'string', 'info', ALL_ROLES, 'JSON log level: fatal, error, warn, info, debug, trace or silent'],
  [
    'server.host',
    'SERVICE_HOST',
    'string',
    '127.0.0.1',
    [...SUBGRAPH_ROLES, 'emulators'],
    'the interface a subgraph service (and the emulators) listen on',
  ],
  ['server.port', 'SERVICE_PORT', 'integer', '4001', SUBGRAPH_ROLES, "a subgraph service's port (0: a free one)"],
  [
    'shutdown.delayMs',
    'SHUTDOWN_DELAY_MS',
    'integer',
    '0',
    ['gateway', ...SUBGRAPH_ROLES],
    'after SIGTERM, how long /readyz answers 503 before the server stops accepting (5 000 on Kubernetes)',
  ],
  [
    'shutdown.drainMs',
    'SHUTDOWN_DRAIN_MS',
    'integer',
    '10000',
    ['gateway', ...SUBGRAPH_ROLES],
    'how long requests in flight may take to finish once the server stops accepting; past it the process exits 1',
  ],
  [
    'telemetry.otlpEndpoint',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'string',
    undefined,
    ALL_ROLES,
    'OTLP/HTTP endpoint traces are exported to (unset: none)',
  ],
  [
    'telemetry.serviceName',
    'OTEL_SERVICE_NAME',
    'string',
    'region-graph-<role>[-<name>]',
    ALL_ROLES,
    "the service's name in traces and metrics",
  ],
  [
    'internalKey',
    'REGION_INTERNAL_KEY',
    'string',
    undefined,
    ['gateway', ...SUBGRAPH_ROLES],
    'the gateway→subgraph token key (base64url, ≥ 32 bytes); required: the gateway and every subgraph service share it',
    { secret: true },
  ],

  // The gateway (gateway/config.ts validates these).
  ['gateway.port', 'GATEWAY_PORT', 'integer', '4000', ['gateway'], "the gateway's port (0: a free one)"],
  [
    'gateway.host',
    'GATEWAY_HOST',
    'string',
    '127.0.0.1',
    ['gateway'],
    "the gateway's address; loopback while the development identity provider is on",
  ],
  ['gateway.supergraph', 'SUPERGRAPH_PATH', 'string', 'schema/supergraph.graphql', ['gateway'], 'the supergraph the gateway serves'],
  [
    'gateway.subgraphs.{subgraph}',
    'SUBGRAPH_URL_{SUBGRAPH}',
    'string',
    'from the supergraph',
    ['gateway'],
    "a subgraph's URL",
    { per: 'subgraph' },
  ],
  ['gateway.subgraphTimeoutMs', 'SUBGRAPH_TIMEOUT_MS', 'integer', '15000', ['gateway'], 'how long the gateway waits for a subgraph'],
  [
    'gateway.production',
    'NODE_ENV',
    'boolean',
    'false',
    ['gateway'],
    'production mode (NODE_ENV=production): no GraphiQL, introspection or query plans',
  ],
  ['gateway.workers', 'GATEWAY_WORKERS', 'integer', '1', ['gateway'], 'gateway processes sharing the port (node:cluster)'],
  ['gateway.hardening.maxBodyBytes', 'GRAPHQL_MAX_BODY_BYTES', 'integer', '102400', ['gateway'], 'largest request body'],
  ['gateway.hardening.maxTokens', 'GRAPHQL_MAX_TOKENS', 'integer', '2000', ['gateway'], 'most tokens in a query'],
  ['gateway.hardening.maxDepth', 'GRAPHQL_MAX_DEPTH', 'integer', '10', ['gateway'], 'deepest selection'],
  ['gateway.hardening.maxAliases', 'GRAPHQL_MAX_ALIASES', 'integer', '30', ['gateway'], 'most aliases'],
  ['gateway.hardening.maxRootFields', 'GRAPHQL_MAX_ROOT_FIELDS', 'integer', '20', ['gateway'], 'most root fields'],
  ['gateway.hardening.maxFields', 'GRAPHQL_MAX_FIELDS', 'integer', '250', ['gateway'], 'most fields'],
  ['gateway.hardening.maxDirectives', 'GRAPHQL_MAX_DIRECTIVES', 'integer', '50', ['gateway'], 'most directives'],
  ['gateway.hardening.csrfPrevention', 'GRAPHQL_CSRF_PREVENTION', 'boolean', 'true', ['gateway'], 'CSRF prevention (on/off)'],
  [
    'gateway.cors.origins',
    'CORS_ORIGINS',
    'string',
    undefined,
    ['gateway'],
    'comma-separated exact origins (https://portal.example.fi) whose pages may call /graphql (CORS); unset: none',
  ],
  [
    'gateway.trustedDocuments.mode',
    'TRUSTED_DOCUMENTS',
    'string',
    'allow',
    ['gateway'],
    'trusted documents: off, allow (registered ids and query text) or only (registered ids only: PERSISTED_QUERY_REQUIRED otherwise)',
  ],
  [
    'gateway.trustedDocuments.paths',
    'TRUSTED_DOCUMENTS_PATHS',
    'string',
    'unset (portal/operations/ alone)',
    ['gateway'],
    'comma-separated .graphql files or directories registered besides portal/operations/ (always, if it exists); one operation per file, its id sha256:<hex of the file>',
  ],
  [
    'gateway.server.requestTimeoutMs',
    'GATEWAY_REQUEST_TIMEOUT_MS',
    'integer',
    '30000',
    ['gateway'],
    'the whole request, body included (408)',
  ],
  ['gateway.server.headersTimeoutMs', 'GATEWAY_HEADERS_TIMEOUT_MS', 'integer', '10000', ['gateway'], 'the request headers'],
  ['gateway.server.keepAliveTimeoutMs', 'GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 'integer', '5000', ['gateway'], 'an idle keep-alive connection'],
  [
    'gateway.server.idleTimeoutMs',
    'GATEWAY_IDLE_TIMEOUT_MS',
    'integer',
    '60000',
    ['gateway'],
    'no traffic either way; above the subgraph timeout',
  ],
  ['gateway.server.maxConnections', 'GATEWAY_MAX_CONNECTIONS', 'integer', '1000', ['gateway'], 'open connections in all'],
  [
    'gateway.server.maxConnectionsPerIp',
    'GATEWAY_MAX_CONNECTIONS_PER_IP',
    'integer',
    '128',
    ['gateway'],
    'open connections from one address (0: no cap)',
  ],
  ['gateway.readiness.cacheMs', 'READYZ_CACHE_MS', 'integer', '5000', ['gateway'], 'how long a /readyz result is served'],
  [
    'gateway.readiness.key',
    'READINESS_KEY',
    'string',
    undefined,
    ['gateway'],
    "its holder sees /readyz's details (≥ 32 characters)",
    { secret: true },
  ],
  [
    'gateway.engine.planBudgetMs',
    'GRAPHQL_PLAN_BUDGET_MS',
    'integer',
    '2000',
    ['gateway'],
    'planning time budget (QUERY_TOO_COMPLEX beyond)',
  ],
  ['gateway.engine.maxRequiresDepth', 'GRAPHQL_MAX_REQUIRES_DEPTH', 'integer', '2', ['gateway'], '@requires chain depth'],
  ['gateway.engine.plannerThreads', 'GATEWAY_PLANNER_THREADS', 'integer', '1', ['gateway'], 'query planner threads'],
  ['gateway.engine.planCacheBytes', 'GATEWAY_PLAN_CACHE_BYTES', 'integer', '67108864', ['gateway'], 'query plan cache bound'],
  ['gateway.engine.documentCacheBytes', 'GATEWAY_DOCUMENT_CACHE_BYTES', 'integer', '16777216', ['gateway'], 'parsed document cache bound'],
  ['gateway.engine.refusedCacheBytes', 'GATEWAY_REFUSED_CACHE_BYTES', 'integer', '1048576', ['gateway'], 'refused document cache bound'],
  ['gateway.engine.tokenCacheBytes', 'GATEWAY_TOKEN_CACHE_BYTES', 'integer', '4194304', ['gateway'], 'verified token cache bound'],
  ['auth.issuer', 'AUTH_ISSUER', 'string', undefined, ['gateway'], 'an external identity provider: issuer (with audience and jwksUrl)'],
  ['auth.audience', 'AUTH_AUDIENCE', 'string', undefined, ['gateway'], 'an external identity provider: audience'],
  ['auth.jwksUrl', 'AUTH_JWKS_URL', 'string', undefined, ['gateway'], 'an external identity provider: JWKS URL'],
  [
    'auth.jwksCooldownMs',
    'AUTH_JWKS_COOLDOWN_MS',
    'integer',
    '30000',
    ['gateway'],
    'least time between JWKS refetches for an unknown key id',
  ],
  ['auth.jwksMaxAgeMs', 'AUTH_JWKS_MAX_AGE_MS', 'integer', '600000', ['gateway'], 'how long fetched keys are used'],
  ['auth.devIdpDir', 'DEV_IDP_DIR', 'string', '.data/dev-idp', ['gateway'], "the development identity provider's key directory"],

  // The database (subgraphs/database/config.ts validates these).
  ['database.url', 'DATABASE_URL', 'string', 'unset (PGlite)', ['region', 'lists'], 'PostgreSQL connection string', { secret: true }],
  ['database.poolSize', 'DATABASE_POOL_SIZE', 'integer', '10', ['region', 'lists'], 'most PostgreSQL connections'],
  ['database.schema', 'DATABASE_SCHEMA', 'string', undefined, ['region', 'lists'], 'PostgreSQL schema (created if missing)'],
  ['database.pgliteDataDir', 'PGLITE_DATA_DIR', 'string', 'unset (in memory)', ['region', 'lists'], 'where PGlite keeps its data'],
  [
    'emergencyAccess.minutes',
    'EMERGENCY_ACCESS_MINUTES',
    'integer',
    '240',
    ['region', 'lists'],
    'how long an emergency access grant lasts',
  ],
  [
    'units.file',
    'UNIT_REGISTER_FILE',
    'string',
    'fixtures/organisations/units.tsv',
    ['lists', 'region'],
    "the organisation register's extract (unit names in Finnish and Swedish)",
  ],

  // The person index and the statistics (their config.ts files validate these).
  ['personIndex.pollMs', 'PERSON_INDEX_POLL_MS', 'integer', '30000', ['region'], 'index polling interval'],
  ['personIndex.overlapMs', 'PERSON_INDEX_OVERLAP_MS', 'integer', '120000', ['region'], 'overlap of successive change listings'],
  [
    'personIndex.fullRefreshMs',
    'PERSON_INDEX_FULL_REFRESH_MS',
    'integer',
    '21600000',
    ['region'],
    'full re-listing interval (0: only at start)',
  ],
  [
    'statistics.refreshMs',
    'STATISTICS_REFRESH_MS',
    'integer',
    '21600000',
    ['region'],
    'pause between full walks over every indexed person (the safety net: changes are applied from every index poll)',
  ],
  ['statistics.batchSize', 'STATISTICS_BATCH_SIZE', 'integer', '50', ['region'], 'persons per statistics read'],
  ['statistics.concurrency', 'STATISTICS_CONCURRENCY', 'integer', '8', ['region'], 'statistics reads under way at once'],
  [
    'leader.retryMs',
    'LEADER_RETRY_MS',
    'integer',
    '5000',
    ['region'],
    "how often a follower tries the leader's lock (and reloads the published statistics and readiness), and the leader checks its lock connection",
  ],

  // The sources.
  ['sources.timeoutMs', 'SOURCE_TIMEOUT_MS', 'integer', '5000', SOURCE_ROLES, "every source's timeout"],
  [
    'sources.{instance}.address',
    'SOURCE_ADDRESS_{INSTANCE}',
    'string',
    undefined,
    SOURCE_ROLES,
    'where the instance answers (URL, host:port or connection string)',
    { per: 'instance' },
  ],
  [
    'sources.{instance}.timeoutMs',
    'SOURCE_TIMEOUT_MS_{INSTANCE}',
    'integer',
    'sources.timeoutMs',
    SOURCE_ROLES,
    "one source's timeout",
    { per: 'instance' },
  ],
  [
    'sources.{instance}.concurrency',
    'SOURCE_CONCURRENCY_{INSTANCE}',
    'integer',
    "the adapter's",
    SOURCE_ROLES,
    'most calls to the source at once',
    { per: 'instance' },
  ],
  [
    'sources.{instance}.tls.caFile',
    'SOURCE_TLS_CA_FILE_{INSTANCE}',
    'string',
    undefined,
    SOURCE_ROLES,
    'PEM CA bundle the source is verified with',
    { per: 'instance' },
  ],
  [
    'sources.{instance}.tls.certFile',
    'SOURCE_TLS_CERT_FILE_{INSTANCE}',
    'string',
    undefined,
    SOURCE_ROLES,
    'PEM client certificate (mutual TLS)',
    { per: 'instance' },
  ],
  [
    'sources.{instance}.tls.keyFile',
    'SOURCE_TLS_KEY_FILE_{INSTANCE}',
    'string',
    undefined,
    SOURCE_ROLES,
    "PEM client certificate's key",
    { per: 'instance' },
  ],
  [
    'sources.{instance}.username',
    'SOURCE_USERNAME_{INSTANCE}',
    'string',
    undefined,
    SOURCE_ROLES,
    'user name, where the product takes one',
    { secret: true, per: 'instance' },
  ],
  [
    'sources.{instance}.password',
    'SOURCE_PASSWORD_{INSTANCE}',
    'string',
    undefined,
    SOURCE_ROLES,
    'password, with the user name',
    { secret: true, per: 'instance' },
  ],
  [
    'sources.vtj.xroad.client',
    'XROAD_CLIENT',
    'string',
    undefined,
    SOURCE_ROLES,
    'X-Road client id INSTANCE/CLASS/CODE/SUBSYSTEM (with xroad.service)',
  ],
  [
    'sources.vtj.xroad.service',
    'XROAD_SERVICE',
    'string',
    undefined,
    SOURCE_ROLES,
    'X-Road service id INSTANCE/CLASS/CODE[/SUBSYSTEM]/SERVICE[/VERSION]',
  ],
  ['sources.vtj.xroad.protocolVersion', 'XROAD_PROTOCOL_VERSION', 'string', '4.0', SOURCE_ROLES, 'X-Road message protocol version'],

  // The emulators.
  ['emulators.fixturesDir', 'EMULATOR_FIXTURES_DIR', 'string', 'fixtures', ['emulators'], 'the region directory the emulators serve'],
  [
    'emulators.basePort',
    'EMULATOR_BASE_PORT',
    'integer',
    '5100',
    ['emulators'],
    'the n-th instance (region table order, VTJ last) listens on basePort + n (0: free ports)',
  ],
  [
    'emulators.ports.{instance}',
    'EMULATOR_PORT_{INSTANCE}',
    'integer',
    'basePort + n',
    ['emulators'],
    "one instance's emulator port",
    { per: 'instance' },
  ],
];

/** Every setting, in reference order. */
export const SETTINGS: readonly SettingDescription[] = ROWS.map(([key, env, type, def, roles, description, flags]) => ({
  key,
  env,
  type,
  roles,
  description,
  secret: flags?.secret ?? false,
  ...(def !== undefined ? { default: def } : {}),
  ...(flags?.per ? { per: flags.per } : {}),
}));

/** The environment spelling of an instance id: upper case, `-` as `_` (lifecare-porvoo → LIFECARE_PORVOO). */
export function envInstance(id: string): string {
  return id.toUpperCase().replace(/-/g, '_');
}

/** One concrete setting: a pattern expanded for one instance or subgraph (or a plain setting). */
export interface ConcreteSetting {
  readonly key: string;
  readonly env: string;
  readonly setting: SettingDescription;
  readonly instance?: InstanceId;
}

function expand(): ConcreteSetting[] {
  const out: ConcreteSetting[] = [];
  for (const setting of SETTINGS) {
    if (setting.per === 'instance') {
      for (const { id } of INSTANCES)
        out.push({
          key: setting.key.replace('{instance}', id),
          env: setting.env.replace('{INSTANCE}', envInstance(id)),
          setting,
          instance: id,
        });
    } else if (setting.per === 'subgraph') {
      for (const name of SUBGRAPH_NAMES)
        out.push({ key: setting.key.replace('{subgraph}', name), env: setting.env.replace('{SUBGRAPH}', envInstance(name)), setting });
    } else out.push({ key: setting.key, env: setting.env, setting });
  }
  return out;
}

/** Every concrete setting (patterns expanded over INSTANCES and SUBGRAPH_NAMES). */
export const CONCRETE_SETTINGS: readonly ConcreteSetting[] = expand();
/** Concrete settings by key path and by environment name. */
export const SETTING_BY_KEY: ReadonlyMap<string, ConcreteSetting> = new Map(CONCRETE_SETTINGS.map((s) => [s.key, s]));
export const SETTING_BY_ENV: ReadonlyMap<string, ConcreteSetting> = new Map(CONCRETE_SETTINGS.map((s) => [s.env, s]));

/** Names the loader reads besides the settings: where the configuration file is. */
export const CONFIG_FILE_ENV = 'REGION_CONFIG';

/** True for every setting's environment name, `{NAME}_FILE` of a secret one, and REGION_CONFIG. */
export function envNameIsKnown(name: string): boolean {
  if (name === CONFIG_FILE_ENV || SETTING_BY_ENV.has(name)) return true;
  if (!name.endsWith('_FILE')) return false;
  return SETTING_BY_ENV.get(name.slice(0, -'_FILE'.length))?.setting.secret === true;
}
