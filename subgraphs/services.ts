/**
 * Starts the nine subgraph services (region, lists, seven municipalities) on
 * free ports, for the gateway and the start script.
 */
import type { UnitRegister } from './lists/unitRegister.ts';
import type { StatisticsSource } from './region/statistics/index.ts';
import type { UnitIndexReader } from './region/unitIndex/store.ts';
import type { FastifyInstance } from 'fastify';
import type { PersonSlot, ReadOptions, SourceAdapter, VtjAdapter, VtjSlot } from '../domain/sourceAdapter.ts';
import { OperationReadCache } from './server/readCache.ts';
import { INSTANCES } from '../domain/region.ts';
import type { InstanceId } from '../domain/region.ts';
import type { Clock } from '../domain/time.ts';
import { SCHEMA_MUNICIPALITIES, SUBGRAPH_NAMES } from '../schema/municipalities.ts';
import { createListsSubgraph } from './lists/subgraph.ts';
import { createMunicipalitySubgraph } from './municipality/subgraph.ts';
import { createRegionSubgraph } from './region/subgraph.ts';
import { InternalKey } from '../contract/internalToken.ts';
import type { Logger } from './server/logger.ts';
import type { PersonLocator } from './region/personLocator.ts';
import { AuditBatcher, AuditStore, EmergencyAccessStore } from './audit/index.ts';
import type { AuditSink, EmergencyAccessConfig } from './audit/index.ts';
import type { EmergencyGrant } from './access/policy.ts';
import type { Database } from './database/database.ts';
import { registerMetricsRoute, traceRequests } from '../telemetry/index.ts';
import type { Telemetry } from '../telemetry/index.ts';

export interface StartSubgraphsOptions {
  /** Record instances' adapters (not VTJ); each municipality subgraph gets those serving it. */
  readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>;
  readonly vtj: VtjAdapter;
  readonly locator: PersonLocator;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Fixed ports by subgraph name; default: free ports. */
  readonly ports?: Readonly<Partial<Record<string, number>>>;
  readonly readOptions?: ReadOptions;
  /** The key of the gateway's internal tokens; default a fresh one (RunningSubgraphs.internalKey: give it to the gateway). */
  readonly internalKey?: InternalKey;
  /** The person index's database: the audit log and the emergency grants live there too. */
  readonly database: Database;
  /** Emergency access duration and lookback (default 4 h; EMERGENCY_ACCESS_MINUTES). */
  readonly emergencyAccess?: Partial<EmergencyAccessConfig>;
  /** Where the lists subgraph (reads) and the region subgraph (lookups) write audit events; default the AuditStore on `database` (tests pass a failing one). */
  readonly auditSink?: AuditSink;
  /** The analysts' statistics (region subgraph); default none computed yet. */
  readonly statistics?: StatisticsSource;
  /** The organisation register's unit names (lists subgraph; the region's `me.units`); default none. */
  readonly units?: UnitRegister;
  /** The unit index (region subgraph: `me.unitAppointments`, `me.clients`); default none (those lists empty). */
  readonly unitIndex?: UnitIndexReader;
  /**
   * Keep each person's reads for one gateway operation (shared/readCache.ts),
   * so a plan that fetches the same person's records twice reads the sources
   * once; default true.
   */
  readonly operationReadCache?: boolean;
  /**
   * Traces and metrics: a server span per request (continuing the gateway's
   * trace), `/metrics` on every app, cache and audit counters
   * (telemetry/). Absent: none.
   */
  readonly telemetry?: Telemetry;
}

/** The opened audit stores the apps need. */
export interface AccessStores {
  readonly audit: AuditStore;
  readonly emergency: EmergencyAccessStore;
}

export interface RunningSubgraphs {
  /** GraphQL endpoint by subgraph name (`region`, `lists`, `porvoo`, … as in the supergraph). */
  readonly urls: Readonly<Record<string, string>>;
  /** The Fastify app of each service, by subgraph name (tests stop one to see partial answers). */
  readonly apps: ReadonlyMap<string, FastifyInstance>;
  /** The key the services accept internal tokens signed with (the gateway signs with it). */
  readonly internalKey: InternalKey;
  /** Stops every service (not the adapters: their owner closes them). */
  close(): Promise<void>;
}

/** The adapters of the instances serving one municipality. */
export function sourcesFor(code: string, adapters: ReadonlyMap<InstanceId, SourceAdapter>): Map<InstanceId, SourceAdapter> {
  const out = new Map<InstanceId, SourceAdapter>();
  for (const i of INSTANCES) if (i.municipalities.some((m) => m === code) && adapters.has(i.id)) out.set(i.id, adapters.get(i.id)!);
  return out;
}

/** Per-operation read caches shared by the apps of one process (OperationReadCache). */
export interface SubgraphCaches {
  readonly readCache?: OperationReadCache<PersonSlot>;
  readonly vtjReadCache?: OperationReadCache<VtjSlot>;
  readonly grantsCache?: OperationReadCache<EmergencyGrant[]>;
}

/** Fresh caches, or none when `enabled` is false (StartSubgraphsOptions.operationReadCache); lookups counted with telemetry. */
export function createSubgraphCaches(enabled = true, telemetry?: Telemetry): SubgraphCaches {
  if (!enabled) return {};
  const lookups = (cache: 'subgraph_read' | 'subgraph_vtj_read' | 'emergency_grants') =>
    telemetry ? { onLookup: telemetry.metrics.cacheCounter(cache) } : {};
  return {
    readCache: new OperationReadCache<PersonSlot>(lookups('subgraph_read')),
    vtjReadCache: new OperationReadCache<VtjSlot>(lookups('subgraph_vtj_read')),
    grantsCache: new OperationReadCache<EmergencyGrant[]>(lookups('emergency_grants')),
  };
}

/** The process's audit batcher over `store`, its writes counted with telemetry (regiongraph_audit_*). */
export function createAuditSink(store: AuditStore, telemetry?: Telemetry): AuditBatcher {
  return new AuditBatcher(store, telemetry ? auditWrites(telemetry) : undefined);
}

/** What one subgraph app needs; each name reads its own part (region: vtj, locator, stores; lists: stores; a municipality: adapters). */
export interface SubgraphAppOptions {
  readonly logger: Logger;
  readonly internalKey: InternalKey;
  readonly clock?: Clock;
  /** Shared with the process's other apps (two municipality subgraphs may share an instance); default fresh ones. */
  readonly caches?: SubgraphCaches;
  /** Record instances' adapters; a municipality subgraph takes those serving it. */
  readonly adapters?: ReadonlyMap<InstanceId, SourceAdapter>;
  readonly readOptions?: ReadOptions;
  readonly vtj?: VtjAdapter;
  readonly locator?: PersonLocator;
  /** The audit log and emergency grants (region, lists). */
  readonly stores?: AccessStores;
  /** Where audit events go; default a batcher over `stores.audit` (share one between the region and lists apps of a process). */
  readonly auditSink?: AuditSink;
  readonly statistics?: StatisticsSource;
  readonly units?: UnitRegister;
  /** The unit index (region). */
  readonly unitIndex?: UnitIndexReader;
  /** Server spans, `/metrics`, cache and audit counters; absent: none. */
  readonly telemetry?: Telemetry;
}

/** Builds one subgraph's app (not listening) by its supergraph name: `region`, `lists` or a municipality's. */
export function createSubgraphApp(name: string, options: SubgraphAppOptions): FastifyInstance {
  const app = buildSubgraphApp(name, options);
  const { telemetry } = options;
  if (telemetry) {
    // Before the app boots: mercurius's /graphql route is added then, and traceRequests wraps routes as they are added.
    traceRequests(app, telemetry, { server: name, continueTrace: true });
    registerMetricsRoute(app, telemetry);
  }
  return app;
}

function buildSubgraphApp(name: string, options: SubgraphAppOptions): FastifyInstance {
  const { logger, internalKey } = options;
  const clock = options.clock ? { clock: options.clock } : {};
  const caches = options.caches ?? createSubgraphCaches(true, options.telemetry);
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new TypeError(`Expected ${what} for the ${name} subgraph, received none.`);
    return value;
  };
  if (name === 'region' || name === 'lists') {
    const stores = need(options.stores, 'the audit stores');
    // One batch for every request of this process: the events that concurrent requests hand in during one turn go
    // out in one INSERT; each request still waits for its own to be written.
    const auditSink = options.auditSink ?? createAuditSink(stores.audit, options.telemetry);
    if (name === 'region')
      return createRegionSubgraph({
        vtj: need(options.vtj, 'the VTJ adapter'),
        locator: need(options.locator, 'a person locator'),
        logger,
        internalKey,
        audit: stores.audit,
        auditSink,
        emergency: stores.emergency,
        ...clock,
        ...(options.statistics ? { statistics: options.statistics } : {}),
        ...(caches.vtjReadCache ? { vtjReadCache: caches.vtjReadCache } : {}),
        ...(options.units ? { units: options.units } : {}),
        ...(options.unitIndex ? { unitIndex: options.unitIndex } : {}),
      });
    return createListsSubgraph({
      logger,
      internalKey,
      audit: auditSink,
      emergency: stores.emergency,
      ...clock,
      ...(options.units ? { units: options.units } : {}),
      ...(caches.grantsCache ? { grantsCache: caches.grantsCache } : {}),
    });
  }
  const m = SCHEMA_MUNICIPALITIES.find((x) => x.subgraph === name);
  if (!m)
    throw new RangeError(
      `Expected a subgraph name (${['region', 'lists', ...SCHEMA_MUNICIPALITIES.map((x) => x.subgraph)].join(', ')}), received ${name}.`,
    );
  return createMunicipalitySubgraph({
    municipality: m.code,
    sources: sourcesFor(m.code, need(options.adapters, 'the adapters')),
    logger,
    internalKey,
    ...(options.readOptions ? { readOptions: options.readOptions } : {}),
    ...(caches.readCache ? { readCache: caches.readCache } : {}),
  });
}

/** Builds all nine apps (not listening), by subgraph name. */
export function createSubgraphApps(
  options: Omit<StartSubgraphsOptions, 'host' | 'ports' | 'internalKey' | 'database'> & {
    readonly internalKey: InternalKey;
    readonly stores: AccessStores;
  },
): Map<string, FastifyInstance> {
  // One cache for all seven municipality subgraphs: two of them may share an instance (Loviisa and Lapinjärvi).
  const caches = createSubgraphCaches(options.operationReadCache ?? true, options.telemetry);
  const auditSink = options.auditSink ?? createAuditSink(options.stores.audit, options.telemetry);
  const shared: SubgraphAppOptions = {
    logger: options.logger,
    internalKey: options.internalKey,
    ...(options.clock ? { clock: options.clock } : {}),
    caches,
    adapters: options.adapters,
    ...(options.readOptions ? { readOptions: options.readOptions } : {}),
    vtj: options.vtj,
    locator: options.locator,
    stores: options.stores,
    auditSink,
    ...(options.statistics ? { statistics: options.statistics } : {}),
    ...(options.units ? { units: options.units } : {}),
    ...(options.unitIndex ? { unitIndex: options.unitIndex } : {}),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  };
  return new Map(SUBGRAPH_NAMES.map((name) => [name, createSubgraphApp(name, shared)]));
}

/** Starts the nine services; rejects (having closed whatever started) if one cannot listen. */
export async function startSubgraphs(options: StartSubgraphsOptions): Promise<RunningSubgraphs> {
  const host = options.host ?? '127.0.0.1';
  const internalKey = options.internalKey ?? InternalKey.generate();
  const stores: AccessStores = {
    audit: await AuditStore.open(options.database),
    emergency: await EmergencyAccessStore.open(options.database, options.emergencyAccess ?? {}),
  };
  const apps = createSubgraphApps({ ...options, internalKey, stores });
  const urls: Record<string, string> = {};
  const close = async (): Promise<void> => {
    await Promise.allSettled([...apps.values()].map((a) => a.close()));
  };
  try {
    await Promise.all(
      [...apps].map(async ([name, app]) => {
        await app.listen({ host, port: options.ports?.[name] ?? 0 });
        const address = app.server.address();
        if (address === null || typeof address === 'string') throw new Error(`Subgraph ${name} has no TCP address.`);
        const h = host.includes(':') ? `[${host}]` : host;
        urls[name] = `http://${h}:${address.port}/graphql`;
      }),
    );
  } catch (err) {
    await close();
    throw err;
  }
  options.logger.info({ subgraphs: Object.keys(urls).length }, 'subgraphs listening');
  return { urls, apps, internalKey, close };
}

/** Counts audit writes and failed ones (regiongraph_audit_*). */
function auditWrites(telemetry: Telemetry): (outcome: 'ok' | 'failed', events: number) => void {
  const { metrics } = telemetry;
  return (outcome, events) => {
    metrics.auditWrites.inc({ outcome });
    metrics.auditEvents.inc({ outcome: outcome === 'ok' ? 'written' : 'failed' }, events);
    if (outcome === 'failed') metrics.auditWriteFailures.inc();
  };
}
