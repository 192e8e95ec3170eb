/**
 * The region service's background work: the person index and the analysts'
 * statistics over it, in ONE function so that subgraphs/region/work.ts's
 * `startRegionWork` (issue 14: the same work, run only on the leader
 * replica) replaces it in a few lines. Used by the region role and by
 * `npm start`.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { InstanceId } from '../../domain/region.ts';
import type { SourceAdapter } from '../../domain/sourceAdapter.ts';
import type { Clock } from '../../domain/time.ts';
import type { Database } from '../../subgraphs/database/database.ts';
import { locatorFromPersonIndex } from '../../subgraphs/region/locator.ts';
import type { PersonLocator } from '../../subgraphs/region/personLocator.ts';
import { PersonIndex } from '../../subgraphs/region/personIndex/index.ts';
import type { PersonIndexConfig, PersonIndexStore } from '../../subgraphs/region/personIndex/index.ts';
import { StatisticsService, personPagesFromStore } from '../../subgraphs/region/statistics/index.ts';
import type { StatisticsConfig } from '../../subgraphs/region/statistics/index.ts';
import type { Scheduler } from '../../subgraphs/server/scheduler.ts';

export interface RegionWorkOptions {
  readonly database: Database;
  readonly store: PersonIndexStore;
  /** The record instances' adapters (not VTJ). */
  readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: FastifyBaseLogger;
  readonly personIndex: PersonIndexConfig;
  readonly statistics: StatisticsConfig;
}

/** The running work, in the shape of startRegionWork's RegionWork (plus the services, for npm start's tests and the benchmark). */
export interface RegionWork {
  readonly locator: PersonLocator;
  readonly statistics: StatisticsService;
  readonly index: PersonIndex;
  /** Whether the person index has listed every source once. */
  ready(): boolean;
  /** Resolves when every source has been listed once (or failed once; /readyz tells which). */
  readonly indexBuilt: Promise<void>;
  /** Resolves when the statistics' first refresh has ended (it starts once the index is built). */
  readonly statisticsDone: Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts the person index (building it, not awaited: see `indexBuilt`) and then the statistics over it. */
export function startIndexAndStatistics(options: RegionWorkOptions): RegionWork {
  const { store, clock, scheduler } = options;
  const index = new PersonIndex({
    store,
    adapters: [...options.adapters.values()],
    clock,
    scheduler,
    logger: options.logger.child({ component: 'person-index' }),
    ...options.personIndex,
  });
  // Analysts' counts: computed from the sources after the index is built, then on STATISTICS_REFRESH_MS.
  const statistics = new StatisticsService({
    persons: personPagesFromStore(store),
    adapters: options.adapters,
    clock,
    scheduler,
    logger: options.logger.child({ component: 'statistics' }),
    indexStatus: async () => (await index.status()).sources,
    ...options.statistics,
  });
  let stopped = false;
  const indexBuilt = index.start();
  const statisticsDone = indexBuilt.then(() => (stopped ? undefined : statistics.start()));
  return {
    locator: locatorFromPersonIndex(index),
    statistics,
    index,
    ready: () => index.ready,
    indexBuilt,
    statisticsDone,
    async stop() {
      stopped = true;
      await statistics.stop();
      await index.stop();
    },
  };
}
