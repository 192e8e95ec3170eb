/**
 * The region's work done once across replicas (issue 14, items 4 and 5):
 * the person index's polling and the analysts' statistics run only on the
 * replica holding the leader lock (subgraphs/database/leader.ts); every
 * replica answers lookups from the index in the database and serves the
 * statistics the leader published there.
 *
 * A leader's term: it goes on from the index's source states in the
 * database (a source another leader built is polled for changes, not listed
 * in full again), walks every indexed person once to build the statistics'
 * per-person contributions (in memory, never stored), then keeps them
 * current from each poll's changed persons and publishes after every round.
 * While that first walk runs, the figures published before stay served,
 * with their age. When the lock is lost (connection broken, stop()), the
 * term's work stops at once and its contributions are dropped.
 *
 * The leader also keeps the unit index (unitIndex/) from the very records
 * the statistics read, each person's rows replaced per instance as they are
 * read and fenced by the lock as the statistics are; every replica answers
 * a professional's unit appointments and clients from it.
 *
 * A follower tries the lock every `retryMs` and on the same tick reloads
 * what is published (only when its version changed) and the index's source
 * states (readiness is the database's, not this process's memory).
 */
import type { SourceAdapter } from '../../domain/sourceAdapter.ts';
import type { InstanceId } from '../../domain/region.ts';
import { formatInstant } from '../../domain/time.ts';
import type { Clock } from '../../domain/time.ts';
import type { Database } from '../database/database.ts';
import { LeaderElection } from '../database/leader.ts';
import type { LeaderConfig } from '../database/leader.ts';
import type { Logger } from '../server/logger.ts';
import type { Scheduler } from '../server/scheduler.ts';
import { PersonIndex } from './personIndex/personIndex.ts';
import type { PersonIndexConfig } from './personIndex/config.ts';
import type { PersonIndexStore, SourceState } from './personIndex/store.ts';
import type { PersonLocator, SourceIndexStatus } from './personLocator.ts';
import type { StatisticsConfig } from './statistics/config.ts';
import { personPagesFromStore } from './statistics/indexPages.ts';
import { served } from './statistics/publish.ts';
import type { ServedStatistics } from './statistics/publish.ts';
import type { StatisticsSource } from './statistics/resolvers.ts';
import { StatisticsService } from './statistics/service.ts';
import { PublishedStatisticsStore } from './statistics/store.ts';
import type { PersonRecords } from './statistics/service.ts';
import { policyToday } from '../access/policy.ts';
import { unitIndexRows } from './unitIndex/rows.ts';
import { UnitIndexStore } from './unitIndex/store.ts';
import type { UnitIndexReader } from './unitIndex/store.ts';

export interface RegionWorkOptions {
  readonly database: Database;
  /** The person index's tables (in `database`). */
  readonly store: PersonIndexStore;
  /** The record instances' adapters (not VTJ): the index lists them, the statistics read them. */
  readonly adapters: ReadonlyMap<InstanceId, SourceAdapter> | readonly SourceAdapter[];
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  readonly personIndex: PersonIndexConfig;
  readonly statistics: StatisticsConfig;
  readonly leader: LeaderConfig;
}

/** What `status()` tells; no personal data. */
export interface RegionWorkStatus {
  readonly leader: boolean;
  /** When this process became the leader (ISO 8601), or null. */
  readonly leaderSince: string | null;
  /** Every source's index built, per the database (or this leader's index). */
  readonly ready: boolean;
  /** The last leader-lock error code (database unreachable), or null. */
  readonly lastErrorCode: string | null;
  readonly statistics: {
    /** Version of the published statistics this process serves, or null (none published yet). */
    readonly version: number | null;
    readonly updatedAt: string | null;
    readonly currentAsOf: string | null;
    /** Seconds from `currentAsOf` to now, or null. */
    readonly lagSeconds: number | null;
    /** Leader only: persons whose contributions are held in memory (0 elsewhere). */
    readonly personsInMemory: number;
    /** Leader only: whether the term's first full walk has completed. */
    readonly counted: boolean;
  };
}

/** The region's once-per-region work, running. */
export interface RegionWork {
  /** Lookups from the index in the database; readiness and status per the database on a follower. */
  readonly locator: PersonLocator;
  /** The statistics as last published (the leader's own, or what it stored). */
  readonly statistics: StatisticsSource;
  /** Where persons have appointments and open customerships, by unit (the leader keeps it; every replica reads it). */
  readonly unitIndex: UnitIndexReader;
  isLeader(): boolean;
  /** Every source's index built at least once (per the database on a follower). */
  ready(): boolean;
  status(): Promise<RegionWorkStatus>;
  /** Stops the work and leaves the election (a leader releases the lock: a follower takes over at its next try). */
  stop(): Promise<void>;
  /** Resolves when a leader's first index round of its term has ended (at once on a follower). */
  settled(): Promise<void>;
  /** Resolves when a leader's first full statistics walk of its term has ended (at once on a follower). */
  statisticsSettled(): Promise<void>;
  /** Now rather than on the timer: a leader runs an index round (changes applied and published); a follower reloads. */
  poll(): Promise<void>;
  /** A leader walks every indexed person again now (the safety net's walk); a follower does nothing. */
  refreshStatistics(): Promise<void>;
}

/** One leadership: the index poller and the statistics, and when each first finished. */
interface Term {
  stopped: boolean;
  index: PersonIndex | null;
  statistics: StatisticsService | null;
  counted: boolean;
  /** The first index round ended. */
  indexed: Promise<void>;
  /** The first walk ended. */
  walked: Promise<void>;
}

/**
 * Joins the leader election and starts the work this process has: resolves
 * once what is published has been loaded and the lock tried once (a leader's
 * index round is not awaited: see `settled()`).
 */
export async function startRegionWork(options: RegionWorkOptions): Promise<RegionWork> {
  const published = await PublishedStatisticsStore.open(options.database);
  const unitIndex = await UnitIndexStore.open(options.database);
  const work = new Work(options, published, unitIndex);
  await work.start();
  return work;
}

class Work implements RegionWork {
  readonly locator: PersonLocator;
  readonly statistics: StatisticsSource;
  private readonly adapters: readonly SourceAdapter[];
  private readonly election: LeaderElection;
  private term: Term | null = null;
  private stopping: Promise<void> = Promise.resolve();
  private served: ServedStatistics | null = null;
  private servedVersion: number | null = null;
  private dbReady = false;

  constructor(
    private readonly opts: RegionWorkOptions,
    private readonly published: PublishedStatisticsStore,
    readonly unitIndex: UnitIndexStore,
  ) {
    this.adapters = Array.isArray(opts.adapters)
      ? (opts.adapters as readonly SourceAdapter[])
      : [...(opts.adapters as ReadonlyMap<InstanceId, SourceAdapter>).values()];
    this.election = new LeaderElection({
      database: opts.database,
      retryMs: opts.leader.retryMs,
      scheduler: opts.scheduler,
      logger: opts.logger,
      onAcquired: () => this.promote(),
      onLost: () => this.demote(),
      onFollowerTick: () => this.reload(),
    });
    this.statistics = { current: () => this.served };
    this.locator = {
      locate: (hetus) => opts.store.lookup(hetus),
      ready: () => this.ready(),
      status: () => this.indexStatus(),
    };
  }

  async start(): Promise<void> {
    await this.reload();
    await this.election.start();
  }

  isLeader(): boolean {
    return this.election.isLeader();
  }

  ready(): boolean {
    return this.term?.index?.ready ?? this.dbReady;
  }

  async settled(): Promise<void> {
    await this.term?.indexed;
  }

  async statisticsSettled(): Promise<void> {
    await this.term?.indexed;
    await this.term?.walked;
  }

  async poll(): Promise<void> {
    const index = this.term?.index;
    if (index) await index.poll();
    else await this.reload();
  }

  async refreshStatistics(): Promise<void> {
    await this.term?.statistics?.refresh();
  }

  async status(): Promise<RegionWorkStatus> {
    const election = this.election.state();
    const s = this.served;
    const now = this.opts.clock.now().getTime();
    return {
      leader: election.leader,
      leaderSince: election.since === null ? null : formatInstant(election.since),
      ready: this.ready(),
      lastErrorCode: election.lastErrorCode,
      statistics: {
        version: this.servedVersion,
        updatedAt: s?.updatedAt ?? null,
        currentAsOf: s?.currentAsOf ?? null,
        lagSeconds: s?.currentAsOf ? Math.max(0, Math.round((now - Date.parse(s.currentAsOf)) / 1000)) : null,
        personsInMemory: this.term?.statistics?.persons ?? 0,
        counted: this.term?.counted ?? false,
      },
    };
  }

  async stop(): Promise<void> {
    await this.election.stop();
    await this.stopping;
  }

  /** Reloads what is published (when its version changed) and the index's readiness from the database. */
  private async reload(): Promise<void> {
    const states = await this.opts.store.sourceStates();
    this.dbReady = readyPerDatabase(this.adapters, states);
    const version = await this.published.version();
    if (version !== null && version !== this.servedVersion) {
      const row = await this.published.load();
      if (row) {
        this.served = row.statistics;
        this.servedVersion = row.version;
      }
    }
  }

  /** Per-source index status: the leader's own poller, else the database's rows. */
  private async indexStatus(): Promise<SourceIndexStatus[]> {
    const index = this.term?.index;
    if (index) return (await index.status()).sources.map((s) => ({ ...s }));
    const [states, counts] = await Promise.all([this.opts.store.sourceStates(), this.opts.store.counts()]);
    const byInstance = new Map(states.map((s) => [s.instance, s]));
    const now = this.opts.clock.now().getTime();
    const at = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms));
    return this.adapters.map(({ instance }) => {
      const s = byInstance.get(instance);
      return {
        instance,
        state: s?.state ?? 'building',
        built: s?.built ?? false,
        persons: counts.get(instance) ?? 0,
        lastSuccessfulPoll: at(s?.lastSuccess ?? null),
        lastChangeSeen: at(s?.lastChangeSeen ?? null),
        lagSeconds: s?.lastSuccess == null ? null : Math.max(0, Math.round((now - s.lastSuccess) / 1000)),
        lastErrorCode: s?.lastErrorCode ?? null,
      };
    });
  }

  /** Starts a term: the index from the database's states, then the statistics' first walk. */
  private promote(): void {
    const { opts } = this;
    let walked!: () => void;
    const term: Term = {
      stopped: false,
      index: null,
      statistics: null,
      counted: false,
      indexed: Promise.resolve(),
      walked: new Promise<void>((r) => (walked = r)),
    };
    this.term = term;
    term.indexed = (async () => {
      // The previous leader's figures stay served (with their age) until this term's first walk has counted everyone.
      await this.stopping;
      await this.reload().catch(() => {});
      const states = await opts.store.sourceStates().catch(() => [] as SourceState[]);
      if (term.stopped) return;
      const statistics = new StatisticsService({
        persons: personPagesFromStore(opts.store),
        adapters: this.adapters,
        clock: opts.clock,
        scheduler: opts.scheduler,
        logger: opts.logger,
        overlapMs: opts.personIndex.overlapMs,
        // The poller's states in memory: status() would count every indexed person at each round.
        indexStatus: () =>
          (term.index?.states() ?? []).map((s) => ({
            instance: s.instance,
            built: s.built,
            lastSuccessfulPoll: s.lastSuccess === null ? null : new Date(s.lastSuccess).toISOString(),
          })),
        onPublish: (snapshot) => this.publish(term, served(snapshot)),
        onRecords: (instance, persons) => this.indexUnits(term, instance, persons),
        onWalked: async () => void (await this.fenced(term, (pid) => this.unitIndex.prune(pid))),
        ...opts.statistics,
      });
      const index = new PersonIndex({
        store: opts.store,
        adapters: this.adapters,
        clock: opts.clock,
        scheduler: opts.scheduler,
        logger: opts.logger,
        ...opts.personIndex,
        initialStates: states.filter((s) => this.adapters.some((a) => a.instance === s.instance)),
        onPolled: (polled) => statistics.changed(polled),
        onRound: async () => void (await statistics.update()),
      });
      term.index = index;
      term.statistics = statistics;
      // No await since the stopped check above: demote() cannot have missed this index.
      await index.start();
      if (term.stopped) return;
      void statistics.start().then(() => {
        term.counted = statistics.current() !== null;
        walked();
      });
    })()
      .catch((err: unknown) => {
        opts.logger.error({ errorName: err instanceof Error ? err.name : typeof err }, 'leader term failed to start');
        walked();
      })
      .finally(() => {
        if (term.stopped) walked();
      });
  }

  /** Ends the term: its work stops at once, its in-memory contributions are dropped. */
  private demote(): void {
    const term = this.term;
    this.term = null;
    if (!term) return;
    term.stopped = true;
    this.stopping = (async () => {
      await Promise.all([term.index?.stop(), term.statistics?.stop()]);
      term.index = null;
      term.statistics = null;
    })();
  }

  /** Replaces these persons' unit index rows at `instance` from the records just read (fenced like `publish`). */
  private async indexUnits(term: Term, instance: InstanceId, persons: readonly PersonRecords[]): Promise<void> {
    const today = policyToday(this.opts.clock.now());
    const rows = persons.map((p) => ({ hetu: p.hetu, rows: unitIndexRows(instance, p.hetu, p.records, today) }));
    await this.fenced(term, (pid) => this.unitIndex.replace(instance, rows, pid));
  }

  /**
   * Runs a leader's write with the lock's session pid (PostgreSQL) so the
   * database refuses it once the lock is lost; not at all once the term has
   * ended. Resolves false when it was not written.
   */
  private async fenced(term: Term, write: (leaderPid: number | null) => Promise<boolean>): Promise<boolean> {
    const state = this.election.state();
    if (term.stopped || !state.leader) return false;
    // The pid is null only where there is no other session to fence off (PGlite: always the leader).
    const written = await write(state.sessionPid);
    if (!written) this.opts.logger.warn({}, 'unit index not written: this process no longer holds the leader lock');
    return written;
  }

  /** Stores the term's figures for every replica (fenced by the lock's session) and serves them here. */
  private async publish(term: Term, statistics: ServedStatistics): Promise<void> {
    if (term.stopped) return;
    term.counted = true;
    const version = await this.published.save(statistics, this.opts.clock.now(), this.election.state().sessionPid);
    if (version === null) {
      this.opts.logger.warn({}, 'statistics not published: this process no longer holds the leader lock');
      return;
    }
    this.served = statistics;
    this.servedVersion = version;
  }
}

/** Every configured source has a state row saying its index was built. */
function readyPerDatabase(adapters: readonly SourceAdapter[], states: readonly SourceState[]): boolean {
  const built = new Set(states.filter((s) => s.built).map((s) => s.instance));
  return adapters.every((a) => built.has(a.instance));
}
