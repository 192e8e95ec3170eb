/**
 * Starts the nine subgraph services (region, lists, seven municipalities) on
 * free ports, for the gateway and the start script.
 */
import type { UnitRegister } from './lists/unitRegister.ts';
import type { StatisticsSource } from './region/statistics/index.ts';
import type { FastifyInstance } from 'fastify';
import type { PersonSlot, ReadOptions, SourceAdapter, VtjAdapter, VtjSlot } from '../domain/sourceAdapter.ts';
import { OperationReadCache } from './server/readCache.ts';
import { INSTANCES } from '../domain/region.ts';
import type { InstanceId } from '../domain/region.ts';
import type { Clock } from '../domain/time.ts';
import { SCHEMA_MUNICIPALITIES } from '../schema/municipalities.ts';
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
  /** The organisation register's unit names (lists subgraph); default none. */
  readonly units?: UnitRegister;
  /**
   * Keep each person's reads for one gateway operation (shared/readCache.ts),
   * so a plan that fetches the same person's records twice reads the sources
   * once; default true.
   */
  readonly operationReadCache?: boolean;
  /**
   * Spans (each GraphQL request continuing the gateway's trace), GET /metrics
   * on every service (no internal token), read cache and audit write counts;
   * absent: none. The adapters are instrumented where they are created
   * (telemetry/adapters.ts).
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

/** Builds all nine apps (not listening), by subgraph name. */
export function createSubgraphApps(
  options: Omit<StartSubgraphsOptions, 'host' | 'ports' | 'internalKey' | 'database'> & {
    readonly internalKey: InternalKey;
    readonly stores: AccessStores;
  },
): Map<string, FastifyInstance> {
  const { logger, internalKey, stores, telemetry } = options;
  const lookups = (cache: 'subgraph_read' | 'subgraph_vtj_read' | 'emergency_grants') =>
    telemetry ? { onLookup: telemetry.metrics.cacheCounter(cache) } : {};
  const clock = options.clock ? { clock: options.clock } : {};
  // One cache for all seven municipality subgraphs: two of them may share an instance (Loviisa and Lapinjärvi).
  const cached = options.operationReadCache ?? true;
  const readCache = cached ? { readCache: new OperationReadCache<PersonSlot>(lookups('subgraph_read')) } : {};
  const vtjReadCache = cached ? { vtjReadCache: new OperationReadCache<VtjSlot>(lookups('subgraph_vtj_read')) } : {};
  const grantsCache = cached ? { grantsCache: new OperationReadCache<EmergencyGrant[]>(lookups('emergency_grants')) } : {};
  // One batch for every request of this process: the events that concurrent requests (region and lists fetches of many
  // operations) hand in during one turn go out in one INSERT; each request still waits for its own to be written.
  const auditSink = options.auditSink ?? new AuditBatcher(stores.audit, telemetry ? auditWrites(telemetry) : undefined);
  const apps = new Map<string, FastifyInstance>();
  apps.set(
    'region',
    createRegionSubgraph({
      vtj: options.vtj,
      locator: options.locator,
      logger,
      internalKey,
      audit: stores.audit,
      auditSink,
      emergency: stores.emergency,
      ...clock,
      ...(options.statistics ? { statistics: options.statistics } : {}),
      ...vtjReadCache,
    }),
  );
  apps.set(
    'lists',
    createListsSubgraph({
      logger,
      internalKey,
      audit: auditSink,
      emergency: stores.emergency,
      ...clock,
      ...(options.units ? { units: options.units } : {}),
      ...grantsCache,
    }),
  );
  for (const m of SCHEMA_MUNICIPALITIES) {
    apps.set(
      m.subgraph,
      createMunicipalitySubgraph({
        municipality: m.code,
        sources: sourcesFor(m.code, options.adapters),
        logger,
        internalKey,
        ...(options.readOptions ? { readOptions: options.readOptions } : {}),
        ...readCache,
      }),
    );
  }
  if (telemetry) {
    // Before the apps boot: mercurius's /graphql route is added then, and traceRequests wraps routes as they are added.
    for (const [name, app] of apps) {
      traceRequests(app, telemetry, { server: name, continueTrace: true });
      registerMetricsRoute(app, telemetry);
    }
  }
  return apps;
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
