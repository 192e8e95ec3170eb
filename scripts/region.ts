/**
 * Starts the whole region in this process: an emulator per instance on a
 * fixtures directory, the adapters, the person index, the nine subgraphs
 * and the gateway. Every service is registered with the Lifecycle, so a
 * failed start or a stop closes them in reverse order.
 */
import { loadUnitRegister } from '../subgraphs/lists/unitRegister.ts';
import { parseStatisticsConfig } from '../subgraphs/region/statistics/index.ts';
import { startRegionWork } from '../subgraphs/region/work.ts';
import type { RegionWork } from '../subgraphs/region/work.ts';
import { parseLeaderConfig } from '../subgraphs/database/leader.ts';
import { startGatewayService, watchRegionWork } from './service/roles.ts';
import type { FastifyBaseLogger } from 'fastify';
import { closeEmulators, startEmulators } from '../adapters/emulators.ts';
import type { RegionEmulators } from '../adapters/emulators.ts';
import { createSources } from '../adapters/sources.ts';
import type { RegionSources } from '../adapters/sources.ts';
import type { SourceAdapter, VtjAdapter } from '../domain/sourceAdapter.ts';
import type { InstanceId } from '../domain/region.ts';
import { systemClock } from '../domain/time.ts';
import type { Clock } from '../domain/time.ts';
import type { GatewayConfig } from '../gateway/config.ts';
import { EXAMPLE_HETU } from '../gateway/examples.ts';
import { PersonIndexStore, parsePersonIndexConfig } from '../subgraphs/region/personIndex/index.ts';
import { startSubgraphs } from '../subgraphs/services.ts';
import { InternalKey } from '../contract/internalToken.ts';
import type { RunningSubgraphs } from '../subgraphs/services.ts';
import { parseDatabaseConfig } from '../subgraphs/database/config.ts';
import { openDatabase } from '../subgraphs/database/database.ts';
import type { Database } from '../subgraphs/database/database.ts';
import { systemScheduler } from '../subgraphs/server/scheduler.ts';
import { parseEmergencyAccessConfig } from '../subgraphs/audit/index.ts';
import type { AuditSink } from '../subgraphs/audit/index.ts';
import type { Lifecycle } from './lifecycle.ts';
import { instrumentSources } from '../telemetry/index.ts';
import type { Telemetry } from '../telemetry/index.ts';

export interface RegionOptions {
  readonly gateway: GatewayConfig;
  readonly fixturesDir: string;
  /** Per-source timeouts in ms by instance (default: the adapters' 5 000). */
  readonly sourceTimeoutMs?: Partial<Record<InstanceId, number>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: FastifyBaseLogger;
  readonly lifecycle: Lifecycle;
  /** "Now" for the adapters, the person index and the lists subgraph; default the system clock (tests fix it). */
  readonly clock?: Clock;
  /** Where the region and lists subgraphs write audit events; default the audit log in the index database (tests pass a failing one). */
  readonly auditSink?: AuditSink;
  /** Traces and metrics of every service (one registry for the process: scrape one /metrics); absent: none. */
  readonly telemetry?: Telemetry;
}

export interface RunningRegion {
  /** Where the gateway listens, e.g. `http://127.0.0.1:4000`. */
  readonly gatewayUrl: string;
  /** Whether the person index has listed every source once. */
  readonly indexReady: () => boolean;
  /** Resolves when the statistics' first walk has ended (and with it the unit index's first fill). */
  readonly statisticsDone: Promise<unknown>;
  readonly exampleHetu: string;
  /** The running emulators by instance (tests inject faults and count requests through them). */
  readonly emulators: RegionEmulators;
  /** The nine subgraph services (tests count the requests each receives). */
  readonly subgraphs: RunningSubgraphs;
  /** The index database (the audit log and emergency grants are in it too). */
  readonly database: Database;
}

/** What startRegionServices needs: RegionOptions without the gateway, plus the key and an optional hook. */
export interface RegionServicesOptions extends Omit<RegionOptions, 'gateway'> {
  /** The key the subgraphs accept internal tokens signed with (the gateway signs with it); default a fresh one. */
  readonly internalKey?: InternalKey;
  /**
   * Wraps the adapters the subgraphs read through (not the index's or the
   * statistics'), e.g. to count reads per instance (bench/region/services.ts).
   */
  readonly subgraphSources?: (sources: SubgraphSources) => SubgraphSources;
  /**
   * The sources' addresses when they run elsewhere (e.g. emulators in another
   * process, as the benchmark runs them): then no emulator is started here and
   * `emulators` is empty. Default: every instance's emulator in this process.
   */
  readonly sourceAddresses?: Readonly<Partial<Record<InstanceId, string>>>;
}

/** The adapters the subgraphs get. */
export interface SubgraphSources {
  readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>;
  readonly vtj: VtjAdapter;
}

/** Everything of the region but the gateway, running. */
export interface RunningRegionServices {
  readonly emulators: RegionEmulators;
  readonly sources: RegionSources;
  /** The person index and statistics, run by whichever replica is the leader (subgraphs/region/work.ts). */
  readonly work: RegionWork;
  readonly store: PersonIndexStore;
  readonly database: Database;
  /** Resolves when the statistics' first refresh has ended (started after the index was built). */
  readonly statisticsDone: Promise<unknown>;
  readonly subgraphs: RunningSubgraphs;
  readonly internalKey: InternalKey;
  /** Milliseconds each start phase took, in start order. */
  readonly startMs: Readonly<Record<string, number>>;
}

/**
 * Starts everything of the region except the gateway: the index database,
 * the emulators, the adapters, the person index (resolves once every source
 * has been listed once, or failed once), the statistics (first refresh
 * started, not awaited: see `statisticsDone`) and the nine subgraphs. Every
 * service is registered with the lifecycle; on failure the caller stops it.
 */
export async function startRegionServices(options: RegionServicesOptions): Promise<RunningRegionServices> {
  const { lifecycle, env } = options;
  const clock = options.clock ?? systemClock;
  const log = (component: string): FastifyBaseLogger => options.logger.child({ component });
  const startMs: Record<string, number> = {};
  let mark = Date.now();
  const phase = (name: string): void => {
    const now = Date.now();
    startMs[name] = now - mark;
    mark = now;
  };

  // The index database first: opening PGlite blocks the event loop for seconds, and a stall between
  // the adapters' first connections (Lifecare's WSDL) and the index's first listing made those
  // keep-alive connections fail on reuse (ECONNRESET), so the index started without the Lifecare sources.
  const db = lifecycle.add('index database', await openDatabase(parseDatabaseConfig(env)), (d) => d.close());
  const store = await PersonIndexStore.open(db);
  phase('database');

  const emulators: RegionEmulators = options.sourceAddresses
    ? new Map()
    : lifecycle.add('emulators', await startEmulators({ fixturesDir: options.fixturesDir }), closeEmulators);
  log('emulators').info({ instances: emulators.size }, 'emulators listening');
  phase('emulators');

  const addresses =
    options.sourceAddresses ??
    (Object.fromEntries([...emulators].map(([id, e]) => [id, e.address])) as Partial<Record<InstanceId, string>>);
  const sources = lifecycle.add(
    'adapters',
    await createSources({ addresses, clock, ...(options.sourceTimeoutMs ? { timeoutMs: options.sourceTimeoutMs } : {}) }),
    (s) => s.close(),
  );
  phase('adapters');
  const { telemetry } = options;
  // Every source call traced and counted: the index's listings, the statistics' reads and the subgraphs' reads.
  const { adapters, vtj } = instrumentSources(sources, telemetry);

  // The person index and the analysts' counts, run by the leader only (here always: PGlite, or the first replica).
  const work = lifecycle.add(
    'region work',
    await startRegionWork({
      database: db,
      store,
      adapters,
      clock,
      scheduler: systemScheduler,
      logger: log('region-work'),
      personIndex: parsePersonIndexConfig(env),
      statistics: parseStatisticsConfig(env),
      leader: parseLeaderConfig(env),
    }),
    (w) => w.stop(),
  );
  // Resolves when every source has been listed once (or failed once; /readyz tells which).
  await work.settled();
  phase('personIndex');
  const statisticsDone = work.statisticsSettled();

  // One key per run (or REGION_INTERNAL_KEY): the gateway signs every subgraph call with it; the subgraphs accept nothing else.
  const internalKey = options.internalKey ?? InternalKey.generate();
  const read = (options.subgraphSources ?? ((s: SubgraphSources) => s))({ adapters, vtj });
  const subgraphs = lifecycle.add(
    'subgraphs',
    await startSubgraphs({
      adapters: read.adapters,
      vtj: read.vtj,
      locator: work.locator,
      logger: log('subgraphs'),
      clock,
      internalKey,
      // The audit log and emergency grants live in the person index's database (issue 4).
      database: db,
      emergencyAccess: parseEmergencyAccessConfig(env),
      ...(options.auditSink ? { auditSink: options.auditSink } : {}),
      statistics: work.statistics,
      units: loadUnitRegister(options.fixturesDir),
      unitIndex: work.unitIndex,
      ...(telemetry ? { telemetry } : {}),
    }),
    (s) => s.close(),
  );
  phase('subgraphs');
  watchRegionWork(telemetry, work);
  return { emulators, sources, work, store, database: db, statisticsDone, subgraphs, internalKey, startMs };
}

/** Starts everything (startRegionServices, then the gateway); on failure the caller stops the lifecycle (which closes whatever started). */
export async function startRegion(options: RegionOptions): Promise<RunningRegion> {
  const services = await startRegionServices({
    ...options,
    ...(options.gateway.internalKey ? { internalKey: options.gateway.internalKey } : {}),
  });
  const { work, subgraphs, emulators, database: db, internalKey, statisticsDone } = services;

  const exampleHetu = EXAMPLE_HETU;
  const internalGateway = { ...options.gateway, internalKey };
  // The services run on free ports: every URL of the supergraph is replaced, then any the caller overrides.
  const { url: gatewayUrl } = await startGatewayService({ gateway: internalGateway }, options, {
    subgraphUrls: subgraphs.urls,
    readyChecks: { personIndex: () => work.ready() },
    // scripts/start.ts records it (tests starting the region write no record).
    recordIssuer: false,
  });
  return { gatewayUrl, indexReady: () => work.ready(), statisticsDone, exampleHetu, emulators, subgraphs, database: db };
}
