/**
 * One builder per service role (`npm run service -- <role>`): each takes
 * its typed configuration (config.ts) and the process's logger, lifecycle
 * and clock, starts the service, registers everything it started with the
 * lifecycle (HTTP servers with addServer, so SIGTERM drains them first) and
 * resolves once the service listens. A builder's failure leaves the caller
 * to stop the lifecycle.
 */
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { closeEmulators, startEmulators } from '../../adapters/emulators.ts';
import type { RegionEmulators } from '../../adapters/emulators.ts';
import { createSomeSources, createSources } from '../../adapters/sources.ts';
import type { RegionSources } from '../../adapters/sources.ts';
import { helsinkiToday, systemClock } from '../../domain/time.ts';
import type { Clock } from '../../domain/time.ts';
import type { GatewayConfig } from '../../gateway/config.ts';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../../gateway/config.ts';
import { createGateway } from '../../gateway/server.ts';
import type { CreateGatewayOptions } from '../../gateway/server.ts';
import { AuditStore, EmergencyAccessStore } from '../../subgraphs/audit/index.ts';
import { openDatabase } from '../../subgraphs/database/database.ts';
import type { Database } from '../../subgraphs/database/database.ts';
import { parseUnitRegister } from '../../subgraphs/lists/unitRegister.ts';
import { PersonIndexStore } from '../../subgraphs/region/personIndex/index.ts';
import { systemScheduler } from '../../subgraphs/server/scheduler.ts';
import { setSubgraphReadiness } from '../../subgraphs/server/server.ts';
import { createSubgraphApp } from '../../subgraphs/services.ts';
import type { AccessStores } from '../../subgraphs/services.ts';
import { recordIssuer } from '../devIdpIssuer.ts';
import type { Lifecycle } from '../lifecycle.ts';
import type {
  EmulatorsServiceConfig,
  GatewayServiceConfig,
  ListsServiceConfig,
  MunicipalityServiceConfig,
  RegionServiceConfig,
  ServerSettings,
} from './config.ts';
import { envInstance } from './settings.ts';
import { instrumentSources } from '../../telemetry/index.ts';
import type { Telemetry } from '../../telemetry/index.ts';
import { startRegionWork } from '../../subgraphs/region/work.ts';
import type { RegionWork } from '../../subgraphs/region/work.ts';

/** What every builder is handed besides its configuration. */
export interface ServiceDeps {
  readonly logger: FastifyBaseLogger;
  readonly lifecycle: Lifecycle;
  /** "Now" for adapters, the index and the subgraphs; default the system clock (tests fix it). */
  readonly clock?: Clock;
  /** Traces and metrics (telemetry/): server spans, /metrics, source-call and cache counters; absent: none. */
  readonly telemetry?: Telemetry;
}

/** A subgraph service listening. */
export interface RunningSubgraphService {
  /** Its GraphQL endpoint, e.g. `http://127.0.0.1:4001/graphql`. */
  readonly url: string;
  readonly app: FastifyInstance;
}

/** The gateway's createGateway options that come from its configuration alone (npm start, npm run gateway, the gateway role). */
export function gatewayOptionsOf(
  config: GatewayConfig,
): Pick<
  CreateGatewayOptions,
  | 'subgraphTimeoutMs'
  | 'production'
  | 'hardening'
  | 'readyCacheMs'
  | 'server'
  | 'readinessKey'
  | 'engine'
  | 'auth'
  | 'corsOrigins'
  | 'trustedDocuments'
> {
  return {
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    production: config.production,
    hardening: config.hardening,
    readyCacheMs: config.readiness.cacheMs,
    server: config.server,
    ...(config.readiness.key ? { readinessKey: config.readiness.key } : {}),
    engine: config.engine,
    auth: config.auth,
    corsOrigins: config.corsOrigins,
    trustedDocuments: {
      mode: config.trustedDocuments.mode,
      sources: [{ path: DEFAULT_TRUSTED_DOCUMENTS_DIR, optional: true }, ...config.trustedDocuments.paths],
    },
  };
}

/** What npm start adds to the gateway role: the subgraphs it started on free ports, and its own readiness checks. */
export interface GatewayExtras {
  /** Subgraph URLs under the configured ones (the configured ones win). */
  readonly subgraphUrls?: Readonly<Record<string, string>>;
  readonly readyChecks?: CreateGatewayOptions['readyChecks'];
  /** Write the development identity provider's issuer record for `npm run token`; default true (npm start writes its own). */
  readonly recordIssuer?: boolean;
}

/** The gateway: the supergraph's subgraphs at their configured URLs; /readyz 503 from SIGTERM on. */
export async function startGatewayService(
  config: Pick<GatewayServiceConfig, 'gateway'>,
  deps: ServiceDeps,
  extras: GatewayExtras = {},
): Promise<{ readonly url: string; readonly app: FastifyInstance }> {
  const { lifecycle } = deps;
  const gateway = config.gateway;
  const app = await createGateway({
    supergraphSdl: await readFile(gateway.supergraphPath, 'utf8'),
    subgraphUrls: { ...extras.subgraphUrls, ...gateway.subgraphUrls },
    logger: deps.logger.child({ component: 'gateway' }),
    ...gatewayOptionsOf(gateway),
    internalKey: gateway.internalKey,
    draining: () => lifecycle.draining,
    ...(extras.readyChecks ? { readyChecks: extras.readyChecks } : {}),
    // GraphiQL's examples ask about the demo persons (gateway/auth/demoUsers.ts), never a person taken from the index.
    examples: { today: helsinkiToday(deps.clock ?? systemClock) },
    ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
  });
  lifecycle.addServer('gateway', app);
  const url = await app.listen({ port: gateway.port, host: gateway.host });
  if (gateway.auth.kind === 'dev-idp' && extras.recordIssuer !== false) {
    // So `npm run token` (another process) mints tokens naming this gateway's issuer, whatever its port (scripts/devIdpIssuer.ts).
    lifecycle.add('issuer record', recordIssuer(gateway.auth.dir, Number(new URL(url).port)), (forget) => forget());
  }
  return { url: urlOf(app, gateway.host, ''), app };
}

/** The region subgraph, with the person index and the statistics (its /readyz: 503 until the index is built). */
export async function startRegionService(
  config: RegionServiceConfig,
  deps: ServiceDeps,
): Promise<RunningSubgraphService & { readonly work: RegionWork; readonly sources: RegionSources; readonly database: Database }> {
  const { lifecycle } = deps;
  const clock = deps.clock ?? systemClock;
  // The database first: opening PGlite blocks the event loop for seconds (see scripts/region.ts).
  const database = lifecycle.add('database', await openDatabase(config.database), (d) => d.close());
  const store = await PersonIndexStore.open(database);
  const sources = lifecycle.add('adapters', await createSources({ instances: config.sources, clock }), (s) => s.close());
  const { telemetry } = deps;
  // Every source call traced and counted: the index's listings, the statistics' reads and the subgraph's VTJ reads.
  const { adapters, vtj } = instrumentSources(sources, telemetry);
  const work = lifecycle.add(
    'region work',
    // Index polling and statistics run on the leader replica only (a PostgreSQL advisory lock; PGlite: always leader).
    await startRegionWork({
      database,
      store,
      adapters,
      clock,
      scheduler: systemScheduler,
      logger: deps.logger,
      personIndex: config.personIndex,
      statistics: config.statistics,
      leader: config.leader,
    }),
    (w) => w.stop(),
  );
  const app = createSubgraphApp('region', {
    logger: deps.logger.child({ component: 'subgraph' }),
    internalKey: config.internalKey,
    clock,
    vtj,
    locator: work.locator,
    stores: await openStores(database, config),
    statistics: work.statistics,
    unitIndex: work.unitIndex,
    // The professional's own units (me.units) by the register's names; a missing extract: none known.
    units: existsSync(config.unitsFile) ? parseUnitRegister(readFileSync(config.unitsFile, 'utf8')) : new Map(),
    ...(telemetry ? { telemetry } : {}),
  });
  watchRegionWork(telemetry, work);
  const running = await listenSubgraph(app, config.server, deps, () => work.ready());
  return { ...running, work, sources, database };
}

/** The lists subgraph: the audit log and emergency grants in the database, the unit register. */
export async function startListsService(config: ListsServiceConfig, deps: ServiceDeps): Promise<RunningSubgraphService> {
  const { lifecycle } = deps;
  const database = lifecycle.add('database', await openDatabase(config.database), (d) => d.close());
  const app = createSubgraphApp('lists', {
    logger: deps.logger.child({ component: 'subgraph' }),
    internalKey: config.internalKey,
    ...(deps.clock ? { clock: deps.clock } : {}),
    stores: await openStores(database, config),
    // A missing extract is no error: units then have no register names (as with a region directory without one).
    units: existsSync(config.unitsFile) ? parseUnitRegister(readFileSync(config.unitsFile, 'utf8')) : new Map(),
    ...(deps.telemetry ? { telemetry: deps.telemetry } : {}),
  });
  return listenSubgraph(app, config.server, deps, () => true);
}

/** One municipality's subgraph over the adapters of the instances serving it (and VTJ's, which ProConsona links through). */
export async function startMunicipalityService(config: MunicipalityServiceConfig, deps: ServiceDeps): Promise<RunningSubgraphService> {
  const { lifecycle } = deps;
  const clock = deps.clock ?? systemClock;
  // VTJ only where ProConsona is among its instances (it links identity codes through VTJ); the subgraph reads no VTJ itself.
  const sources = lifecycle.add('adapters', await createSomeSources({ instances: config.sources, clock }), (s) => s.close());
  const { telemetry } = deps;
  const { adapters } = instrumentSources(sources, telemetry);
  const app = createSubgraphApp(config.name, {
    logger: deps.logger.child({ component: 'subgraph' }),
    internalKey: config.internalKey,
    ...(deps.clock ? { clock: deps.clock } : {}),
    adapters,
    ...(telemetry ? { telemetry } : {}),
  });
  return listenSubgraph(app, config.server, deps, () => true);
}

/** The emulators of every instance on the configured ports; resolves with each one's address by instance. */
export async function startEmulatorsService(config: EmulatorsServiceConfig, deps: ServiceDeps): Promise<RegionEmulators> {
  const emulators = deps.lifecycle.add(
    'emulators',
    await startEmulators({
      fixturesDir: config.fixturesDir,
      host: config.host,
      instances: Object.fromEntries(Object.entries(config.ports).map(([id, port]) => [id, { port }])),
    }),
    closeEmulators,
  );
  return emulators;
}

/** The environment lines pointing a region or municipality service at these emulators. */
export function emulatorAddressLines(emulators: RegionEmulators): string[] {
  return [...emulators].map(([id, e]) => `SOURCE_ADDRESS_${envInstance(id)}=${e.address}`);
}

async function openStores(database: Database, config: RegionServiceConfig | ListsServiceConfig): Promise<AccessStores> {
  return {
    audit: await AuditStore.open(database),
    emergency: await EmergencyAccessStore.open(database, config.emergencyAccess),
  };
}

/** Listens on the configured address; /readyz is 503 while draining or while `ready` says no. */
async function listenSubgraph(
  app: FastifyInstance,
  server: ServerSettings,
  deps: ServiceDeps,
  ready: () => boolean,
): Promise<RunningSubgraphService> {
  setSubgraphReadiness(app, () => !deps.lifecycle.draining && ready());
  deps.lifecycle.addServer('subgraph', app);
  await app.listen({ host: server.host, port: server.port });
  return { url: urlOf(app, server.host, '/graphql'), app };
}

/** `http://host:port{path}` of a listening app (an unspecified host as loopback, IPv6 in brackets). */
function urlOf(app: FastifyInstance, host: string, path: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}${path}`;
}

/** The person index's lag per source and the statistics' lag as gauges read at scrape time (no-op without telemetry). */
export function watchRegionWork(telemetry: Telemetry | undefined, work: RegionWork): void {
  telemetry?.metrics.watchPersonIndex(() => work.locator.status());
  telemetry?.metrics.watchStatisticsLag(async () => (await work.status()).statistics.lagSeconds);
}
