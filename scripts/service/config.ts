/**
 * The deployment configuration of one service: a file (JSON or YAML, from
 * `--config FILE` or REGION_CONFIG) plus the environment, which wins; secrets
 * may come from `NAME_FILE`. Loaded and validated once at start, synchronously,
 * into a typed ServiceConfig per role. The settings are those of SETTINGS
 * (settings.ts); a file key or a REGION_/SOURCE_/… environment name that is
 * none of them is refused.
 *
 * The existing parsers (gateway/config.ts, the database's, the person
 * index's, the statistics', emergency access's, the source timeouts') keep
 * their rules: the loader hands them the merged values under their
 * environment names and rewrites their messages to name the setting's key
 * and where its value came from (`personIndex.pollMs (in region.yaml)`,
 * `personIndex.pollMs (PERSON_INDEX_POLL_MS)`).
 */
import { readFileSync } from 'node:fs';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { SourceSettings } from '../../adapters/sources.ts';
import { parseXRoadClient, parseXRoadService } from '../../adapters/wire/xroad.ts';
import type { XRoadConfig } from '../../adapters/wire/xroad.ts';
import { InternalKey, InternalKeyError } from '../../contract/internalToken.ts';
import { INSTANCES, instance as instanceOf } from '../../domain/region.ts';
import type { InstanceId } from '../../domain/region.ts';
import { AuthConfigError } from '../../gateway/auth/config.ts';
import { GatewayConfigError, LOG_LEVELS, gatewayConfigFromValues } from '../../gateway/config.ts';
import type { GatewayConfig, LogLevel } from '../../gateway/config.ts';
import { SCHEMA_MUNICIPALITIES } from '../../schema/municipalities.ts';
import { parseEmergencyAccessConfig } from '../../subgraphs/audit/index.ts';
import type { EmergencyAccessConfig } from '../../subgraphs/audit/index.ts';
import { DatabaseConfigError, parseDatabaseConfig } from '../../subgraphs/database/config.ts';
import type { DatabaseConfig } from '../../subgraphs/database/config.ts';
import { PersonIndexConfigError, parsePersonIndexConfig } from '../../subgraphs/region/personIndex/config.ts';
import type { PersonIndexConfig } from '../../subgraphs/region/personIndex/config.ts';
import { StatisticsConfigError, parseStatisticsConfig } from '../../subgraphs/region/statistics/config.ts';
import { LeaderConfigError, parseLeaderConfig } from '../../subgraphs/database/leader.ts';
import type { LeaderConfig } from '../../subgraphs/database/leader.ts';
import type { StatisticsConfig } from '../../subgraphs/region/statistics/config.ts';
import { DEFAULT_FIXTURES_DIR, parseSourceTimeouts } from '../startConfig.ts';
import { CONFIG_FILE_ENV, SETTING_BY_ENV, SETTING_BY_KEY, envInstance, envNameIsKnown } from './settings.ts';
import type { ConcreteSetting, ServiceRole } from './settings.ts';

/** A setting that cannot be used; the message names its key and where the value came from, never a secret value. */
export class ServiceConfigError extends Error {
  override readonly name = 'ServiceConfigError';
}

/** One source's settings, as adapters/sources.ts takes them (PEM text, not paths; X-Road identifiers parsed). */
export type { SourceSettings };

/** What every role's configuration has. */
interface BaseServiceConfig {
  readonly role: ServiceRole;
  /** The configuration file read, if any (absolute). */
  readonly configFile?: string;
  readonly logLevel: LogLevel;
  readonly telemetry: { readonly serviceName: string; readonly otlpEndpoint?: string };
  readonly shutdown: ShutdownSettings;
}

/** SIGTERM's phases (scripts/lifecycle.ts). */
export interface ShutdownSettings {
  /** /readyz answers 503 this long before the server stops accepting. */
  readonly delayMs: number;
  /** Requests in flight have this long to finish once the server stops accepting. */
  readonly drainMs: number;
}

/** Where a subgraph service listens. */
export interface ServerSettings {
  readonly host: string;
  readonly port: number;
}

export interface GatewayServiceConfig extends BaseServiceConfig {
  readonly role: 'gateway';
  readonly gateway: GatewayConfig & { readonly internalKey: InternalKey };
}

export interface RegionServiceConfig extends BaseServiceConfig {
  readonly role: 'region';
  readonly server: ServerSettings;
  readonly internalKey: InternalKey;
  readonly database: DatabaseConfig;
  readonly personIndex: PersonIndexConfig;
  readonly statistics: StatisticsConfig;
  readonly leader: LeaderConfig;
  readonly emergencyAccess: EmergencyAccessConfig;
  /** VTJ and every record instance. */
  readonly sources: Readonly<Partial<Record<InstanceId, SourceSettings>>>;
  /** The organisation register's extract (me.units' names; absent file: no register names). */
  readonly unitsFile: string;
}

export interface ListsServiceConfig extends BaseServiceConfig {
  readonly role: 'lists';
  readonly server: ServerSettings;
  readonly internalKey: InternalKey;
  readonly database: DatabaseConfig;
  readonly emergencyAccess: EmergencyAccessConfig;
  /** The organisation register's extract (absent file: no register names). */
  readonly unitsFile: string;
}

export interface MunicipalityServiceConfig extends BaseServiceConfig {
  readonly role: 'municipality';
  /** The subgraph's name, e.g. `porvoo`. */
  readonly name: string;
  readonly server: ServerSettings;
  readonly internalKey: InternalKey;
  /** The instances serving the municipality, and VTJ when ProConsona is among them (it links identity codes through VTJ). */
  readonly sources: Readonly<Partial<Record<InstanceId, SourceSettings>>>;
}

export interface EmulatorsServiceConfig extends BaseServiceConfig {
  readonly role: 'emulators';
  readonly fixturesDir: string;
  readonly host: string;
  /** The port of every instance's emulator (0: a free one). */
  readonly ports: Readonly<Record<InstanceId, number>>;
}

export type ServiceConfig =
  GatewayServiceConfig | RegionServiceConfig | ListsServiceConfig | MunicipalityServiceConfig | EmulatorsServiceConfig;

export interface LoadServiceConfigOptions {
  readonly role: ServiceRole;
  /** The municipality (its subgraph name, e.g. `porvoo`); `--name` in argv does as well. */
  readonly name?: string;
  /** The command line after the role: `--config FILE`, `--name NAME`. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths are read from here. */
  readonly cwd: string;
  /** Reads a file as UTF-8 (tests pass a fake); default readFileSync. */
  readonly readFile?: (path: string) => string;
}

/** One value and where it came from: `in region.yaml`, `SOURCE_ADDRESS_VTJ` or `SOURCE_PASSWORD_VTJ_FILE`. */
interface Given {
  readonly text: string;
  readonly from: string;
}

type Env = Record<string, string>;

/** Environment name prefixes that belong to this configuration: an unknown name with one is a typo, refused. */
const OWN_PREFIXES = /^(REGION|SOURCE|SERVICE|SHUTDOWN|XROAD|EMULATOR)_/;
/**
 * Kubernetes' service links (`{SERVICE}_SERVICE_HOST`, `{SERVICE}_PORT_4001_TCP_ADDR`, …): a Service named `region`
 * would otherwise make every pod's environment hold "unknown" REGION_* names.
 */
const SERVICE_LINK = /_SERVICE_HOST$|_SERVICE_PORT(_[A-Z0-9_]+)?$|_PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?$/;

/**
 * Loads one service's configuration (synchronously: files are read once at
 * start). Throws ServiceConfigError naming the first unusable setting.
 */
export function loadServiceConfig(options: LoadServiceConfigOptions): ServiceConfig {
  const read = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  let args: { config?: string; name?: string };
  try {
    args = parseArgs({
      args: [...options.argv],
      options: { config: { type: 'string' }, name: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    // parseArgs's messages name the option, never a value.
    throw new ServiceConfigError(
      err instanceof Error ? err.message : 'expected --config FILE and --name NAME only, received another option',
    );
  }
  const fileArg = args.config ?? nonEmpty(options.env[CONFIG_FILE_ENV]);
  const configFile = fileArg !== undefined ? resolve(options.cwd, fileArg) : undefined;
  const given = new Map<string, Given>();
  if (configFile) for (const [env, value] of fileValues(configFile, read)) given.set(env, value);
  for (const [env, value] of envValues(options.env, (path) => read(resolve(options.cwd, path)))) given.set(env, value);
  const values = new Values(given, options.cwd, read);
  const name = options.name ?? args.name;
  return values.guard(() => assemble(options.role, name, values, configFile));
}

function nonEmpty(raw: string | undefined): string | undefined {
  return raw !== undefined && raw.trim() !== '' ? raw.trim() : undefined;
}

/** The file's settings under their environment names. */
function fileValues(path: string, read: (path: string) => string): Map<string, Given> {
  const where = `in ${basename(path)}`;
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    throw new ServiceConfigError(`expected --config (${CONFIG_FILE_ENV}) as a readable file, received ${path} (${errorCode(err)})`);
  }
  let document: unknown;
  try {
    document = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const kind = extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    throw new ServiceConfigError(
      `expected ${basename(path)} as ${kind}, received text that does not parse (${err instanceof Error ? err.name : 'error'})`,
    );
  }
  if (document === null || document === undefined) return new Map();
  if (typeof document !== 'object' || Array.isArray(document))
    throw new ServiceConfigError(
      `expected ${basename(path)} as a mapping of settings, received ${Array.isArray(document) ? 'a list' : typeof document}`,
    );
  const out = new Map<string, Given>();
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const setting = SETTING_BY_KEY.get(key);
      if (setting) {
        const text = fileText(setting, value, where);
        if (text !== undefined) out.set(setting.env, { text, from: where });
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && KEY_PREFIXES.has(key)) {
        walk(value as Record<string, unknown>, key);
      } else {
        throw new ServiceConfigError(`expected a known setting, received the key ${key} ${where}`);
      }
    }
  };
  walk(document as Record<string, unknown>, '');
  return out;
}

/** Every proper prefix of a setting's key (`sources`, `sources.vtj`, `sources.vtj.tls`, …). */
const KEY_PREFIXES = new Set(
  [...SETTING_BY_KEY.keys()].flatMap((key) =>
    key
      .split('.')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('.')),
  ),
);

/** A file value as its environment spelling; null leaves the setting unset. */
function fileText(setting: ConcreteSetting, value: unknown, where: string): string | undefined {
  if (value === null) return undefined;
  const { type } = setting.setting;
  const bad = (expected: string): ServiceConfigError =>
    new ServiceConfigError(
      `expected ${setting.key} (${where}) as ${expected}, received ${setting.setting.secret ? `a ${typeof value}` : Array.isArray(value) ? 'a list' : JSON.stringify(value)}`,
    );
  if (type === 'boolean') {
    if (typeof value !== 'boolean') throw bad('true or false');
    // Why: production mode is NODE_ENV's; the other booleans read true/false.
    if (setting.env === 'NODE_ENV') return value ? 'production' : undefined;
    return String(value);
  }
  if (type === 'integer') {
    if (typeof value === 'number' && Number.isInteger(value)) return String(value);
    if (typeof value === 'string') return value;
    throw bad('a whole number');
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw bad('a string');
}

/** The environment's settings (empty values unset), secrets from `NAME_FILE` included; unknown own names refused. */
function envValues(env: Readonly<Record<string, string | undefined>>, read: (path: string) => string): Map<string, Given> {
  const out = new Map<string, Given>();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    if (!envNameIsKnown(name)) {
      if (OWN_PREFIXES.test(name) && !SERVICE_LINK.test(name))
        throw new ServiceConfigError(`expected a known setting, received the environment name ${name}`);
      continue;
    }
    if (name === CONFIG_FILE_ENV || raw.trim() === '') continue;
    if (name.endsWith('_FILE') && !SETTING_BY_ENV.has(name)) {
      const base = name.slice(0, -'_FILE'.length);
      if (nonEmpty(env[base]) !== undefined) throw new ServiceConfigError(`expected ${base} or ${name}, received both`);
      let text: string;
      try {
        text = read(raw.trim());
      } catch (err) {
        throw new ServiceConfigError(`expected ${name} as a readable file, received a path that cannot be read (${errorCode(err)})`);
      }
      // Why one newline only: `echo secret > file` adds one; anything more is part of the value.
      out.set(base, { text: text.replace(/\r?\n$/, ''), from: name });
    } else out.set(name, { text: raw, from: name });
  }
  return out;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
}

/** The merged values, with what the existing parsers take (an environment) and message rewriting. */
class Values {
  readonly env: Env;

  constructor(
    private readonly given: ReadonlyMap<string, Given>,
    readonly cwd: string,
    readonly read: (path: string) => string,
  ) {
    this.env = Object.fromEntries([...given].map(([k, v]) => [k, v.text]));
  }

  /** The value of a setting by environment name, if given. */
  get(env: string): string | undefined {
    return nonEmpty(this.given.get(env)?.text);
  }

  /** How a message names a setting: its key and where its value came from (its environment name if not given). */
  describe(env: string): string {
    const setting = SETTING_BY_ENV.get(env);
    const from = this.given.get(env)?.from ?? env;
    return setting ? `${setting.key} (${from})` : env;
  }

  /** Runs `parse`, turning the existing parsers' errors into ServiceConfigErrors naming the keys. */
  guard<T>(parse: () => T): T {
    try {
      return parse();
    } catch (err) {
      if (err instanceof ServiceConfigError) throw err;
      if (
        err instanceof GatewayConfigError ||
        err instanceof AuthConfigError ||
        err instanceof DatabaseConfigError ||
        err instanceof PersonIndexConfigError ||
        err instanceof StatisticsConfigError ||
        err instanceof LeaderConfigError ||
        err instanceof InternalKeyError ||
        err instanceof RangeError
      ) {
        // Longest names first, whole words only: SOURCE_TIMEOUT_MS must not match inside SOURCE_TIMEOUT_MS_VTJ.
        const names = [...SETTING_BY_ENV.keys()].sort((a, b) => b.length - a.length);
        const pattern = new RegExp(`(?<![A-Z0-9_])(${names.join('|')})(?![A-Z0-9_])`, 'g');
        throw new ServiceConfigError(err.message.replace(pattern, (name) => this.describe(name)));
      }
      throw err;
    }
  }

  /** A whole number in a range, or the default. */
  integer(env: string, fallback: number, min: number, max: number): number {
    const raw = this.get(env);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max)
      throw new ServiceConfigError(
        `expected ${this.describe(env)} as a whole number from ${min} to ${max}, received ${JSON.stringify(raw)}`,
      );
    return n;
  }

  /** A required value. */
  required(env: string, why: string): string {
    const raw = this.get(env);
    if (raw === undefined) throw new ServiceConfigError(`expected ${this.describe(env)} ${why}, received none`);
    return raw;
  }

  /** A PEM file's text, read now. */
  pem(env: string): string | undefined {
    const path = this.get(env);
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = this.read(isAbsolute(path) ? path : resolve(this.cwd, path));
    } catch (err) {
      throw new ServiceConfigError(`expected ${this.describe(env)} as a readable PEM file, received ${path} (${errorCode(err)})`);
    }
    if (!text.includes('-----BEGIN '))
      throw new ServiceConfigError(`expected ${this.describe(env)} as a PEM file, received ${path}, which holds no PEM block`);
    return text;
  }
}

function assemble(role: ServiceRole, name: string | undefined, values: Values, configFile: string | undefined): ServiceConfig {
  if (name !== undefined && role !== 'municipality')
    throw new ServiceConfigError(`expected --name only with the municipality role, received it with ${role}`);
  const level = (values.get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new ServiceConfigError(
      `expected ${values.describe('LOG_LEVEL')} as one of ${LOG_LEVELS.join(', ')}, received ${JSON.stringify(level)}`,
    );
  const otlpEndpoint = values.get('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (otlpEndpoint !== undefined) httpUrl(values, 'OTEL_EXPORTER_OTLP_ENDPOINT', otlpEndpoint);
  const base = {
    ...(configFile ? { configFile } : {}),
    logLevel: level as LogLevel,
    telemetry: {
      serviceName: values.get('OTEL_SERVICE_NAME') ?? `region-graph-${role}${name ? `-${name}` : ''}`,
      ...(otlpEndpoint ? { otlpEndpoint } : {}),
    },
    shutdown: {
      delayMs: values.integer('SHUTDOWN_DELAY_MS', 0, 0, 600_000),
      drainMs: values.integer('SHUTDOWN_DRAIN_MS', 10_000, 0, 600_000),
    },
  };
  switch (role) {
    case 'gateway': {
      const internalKey = requiredKey(values);
      const gateway = gatewayConfigFromValues({}, values.env, values.cwd);
      return { role, ...base, gateway: { ...gateway, internalKey } };
    }
    case 'region':
      return {
        role,
        ...base,
        server: server(values),
        internalKey: requiredKey(values),
        database: parseDatabaseConfig(values.env),
        personIndex: parsePersonIndexConfig(values.env),
        statistics: parseStatisticsConfig(values.env),
        leader: parseLeaderConfig(values.env),
        emergencyAccess: parseEmergencyAccessConfig(values.env),
        sources: sources(
          values,
          INSTANCES.map((i) => i.id),
          'for the region service, which lists every source in the person index',
        ),
        unitsFile: unitsFile(values),
      };
    case 'lists': {
      return {
        role,
        ...base,
        server: server(values),
        internalKey: requiredKey(values),
        database: parseDatabaseConfig(values.env),
        emergencyAccess: parseEmergencyAccessConfig(values.env),
        unitsFile: unitsFile(values),
      };
    }
    case 'municipality': {
      const names = SCHEMA_MUNICIPALITIES.map((m) => m.subgraph);
      if (name === undefined) throw new ServiceConfigError(`expected --name as one of ${names.join(', ')}, received none`);
      const m = SCHEMA_MUNICIPALITIES.find((x) => x.subgraph === name.toLowerCase());
      if (!m) throw new ServiceConfigError(`expected --name as one of ${names.join(', ')}, received ${JSON.stringify(name)}`);
      const own = INSTANCES.filter((i) => i.municipalities.some((c) => c === m.code)).map((i) => i.id);
      const needsVtj = own.some((id) => instanceOf(id).product === 'proconsona');
      return {
        role,
        ...base,
        name: m.subgraph,
        server: server(values),
        internalKey: requiredKey(values),
        sources: sources(values, needsVtj ? [...own, 'vtj'] : own, `for the ${m.subgraph} subgraph`),
      };
    }
    case 'emulators': {
      const dir = values.get('EMULATOR_FIXTURES_DIR');
      const basePort = values.integer('EMULATOR_BASE_PORT', 5_100, 0, 65_535 - INSTANCES.length);
      const ports = Object.fromEntries(
        INSTANCES.map((i, n) => [i.id, values.integer(`EMULATOR_PORT_${envInstance(i.id)}`, basePort === 0 ? 0 : basePort + n, 0, 65_535)]),
      ) as Record<InstanceId, number>;
      return {
        role,
        ...base,
        fixturesDir: dir ? resolve(values.cwd, dir) : DEFAULT_FIXTURES_DIR,
        host: host(values),
        ports,
      };
    }
  }
}

function requiredKey(values: Values): InternalKey {
  return InternalKey.fromSecret(
    values.required('REGION_INTERNAL_KEY', 'as base64url text of at least 32 bytes, shared by the gateway and the subgraphs'),
  );
}

function host(values: Values): string {
  const h = values.get('SERVICE_HOST') ?? '127.0.0.1';
  if (/\s/.test(h))
    throw new ServiceConfigError(`expected ${values.describe('SERVICE_HOST')} as a host name or address, received ${JSON.stringify(h)}`);
  return h;
}

/** The organisation register's extract: UNIT_REGISTER_FILE, else the bundled fixtures' one. */
function unitsFile(values: Values): string {
  const units = values.get('UNIT_REGISTER_FILE');
  return units ? resolve(values.cwd, units) : resolve(DEFAULT_FIXTURES_DIR, 'organisations', 'units.tsv');
}

function server(values: Values): ServerSettings {
  return { host: host(values), port: values.integer('SERVICE_PORT', 4_001, 0, 65_535) };
}

function httpUrl(values: Values, env: string, raw: string): void {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new ServiceConfigError(
      `expected ${values.describe(env)} as an http(s) URL, received ${SETTING_BY_ENV.get(env)?.setting.secret ? 'another value' : JSON.stringify(raw)}`,
    );
}

/** The settings of `ids` (every one needs an address), PEM files read, X-Road identifiers checked. */
function sources(values: Values, ids: readonly InstanceId[], why: string): Partial<Record<InstanceId, SourceSettings>> {
  const timeouts = parseSourceTimeouts(values.env);
  const out: Partial<Record<InstanceId, SourceSettings>> = {};
  for (const id of ids) {
    const suffix = envInstance(id);
    const addressEnv = `SOURCE_ADDRESS_${suffix}`;
    const address = values.required(addressEnv, why);
    sourceAddress(values, addressEnv, address, instanceOf(id).product);
    const concurrency =
      values.get(`SOURCE_CONCURRENCY_${suffix}`) !== undefined ? values.integer(`SOURCE_CONCURRENCY_${suffix}`, 0, 1, 1_000) : undefined;
    const ca = values.pem(`SOURCE_TLS_CA_FILE_${suffix}`);
    const cert = values.pem(`SOURCE_TLS_CERT_FILE_${suffix}`);
    const key = values.pem(`SOURCE_TLS_KEY_FILE_${suffix}`);
    if ((cert === undefined) !== (key === undefined)) {
      const [has, lacks] = cert === undefined ? ['KEY', 'CERT'] : ['CERT', 'KEY'];
      throw new ServiceConfigError(
        `expected ${values.describe(`SOURCE_TLS_${lacks}_FILE_${suffix}`)} with ${values.describe(`SOURCE_TLS_${has}_FILE_${suffix}`)} (mutual TLS takes both), received none`,
      );
    }
    const username = values.get(`SOURCE_USERNAME_${suffix}`);
    const password = values.get(`SOURCE_PASSWORD_${suffix}`);
    if ((username === undefined) !== (password === undefined)) {
      const lacks = username === undefined ? 'USERNAME' : 'PASSWORD';
      throw new ServiceConfigError(`expected ${values.describe(`SOURCE_${lacks}_${suffix}`)} with the other credential, received none`);
    }
    const tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    const xroad = id === 'vtj' ? xroadSettings(values) : undefined;
    const timeoutMs = timeouts[id];
    out[id] = {
      address,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(Object.keys(tls).length > 0 ? { tls } : {}),
      ...(username !== undefined && password !== undefined ? { credentials: { username, password } } : {}),
      ...(xroad ? { xroad } : {}),
    };
  }
  return out;
}

/** The address as the product's transport takes it: an http(s) URL, `host:port` (Pegasos, MLLP) or a postgres URL (ProConsona). */
function sourceAddress(values: Values, env: string, address: string, product: string): void {
  if (product === 'pegasos') {
    if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(address))
      throw new ServiceConfigError(`expected ${values.describe(env)} as host:port, received ${JSON.stringify(address)}`);
    return;
  }
  if (product === 'proconsona') {
    let ok = false;
    try {
      const url = new URL(address);
      ok = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    } catch {
      ok = false;
    }
    // Why not the value: a connection string may hold a password.
    if (!ok) throw new ServiceConfigError(`expected ${values.describe(env)} as a postgres:// URL, received another value`);
    return;
  }
  httpUrl(values, env, address);
}

function xroadSettings(values: Values): XRoadConfig | undefined {
  const client = values.get('XROAD_CLIENT');
  const service = values.get('XROAD_SERVICE');
  const protocolVersion = values.get('XROAD_PROTOCOL_VERSION') ?? '4.0';
  if (client === undefined && service === undefined) return undefined;
  const clientId = client === undefined ? undefined : parseXRoadClient(client);
  if (clientId === undefined)
    throw new ServiceConfigError(
      `expected ${values.describe('XROAD_CLIENT')} as an X-Road client id INSTANCE/CLASS/CODE/SUBSYSTEM, received ${client === undefined ? 'none' : JSON.stringify(client)}`,
    );
  const serviceId = service === undefined ? undefined : parseXRoadService(service);
  if (serviceId === undefined)
    throw new ServiceConfigError(
      `expected ${values.describe('XROAD_SERVICE')} as an X-Road service id INSTANCE/CLASS/CODE[/SUBSYSTEM]/SERVICE[/VERSION], received ${service === undefined ? 'none' : JSON.stringify(service)}`,
    );
  if (!/^\d+\.\d+$/.test(protocolVersion))
    throw new ServiceConfigError(
      `expected ${values.describe('XROAD_PROTOCOL_VERSION')} as a version such as 4.0, received ${JSON.stringify(protocolVersion)}`,
    );
  return { client: clientId, service: serviceId, protocolVersion };
}
