import { setMaxListeners } from 'node:events';
/**
 * The person index's builder and poller: builds the index at start from
 * every source's full changed-persons listing, then polls each source for
 * changes on an interval. Sources are independent: one failing is recorded
 * (error code only) and retried next round while the others go on.
 */
import { BEGINNING_OF_TIME } from '../../../domain/sourceAdapter.ts';
import type { SourceAdapter } from '../../../domain/sourceAdapter.ts';
import { AdapterError } from '../../../domain/errors.ts';
import type { InstanceId } from '../../../domain/region.ts';
import { formatInstant, parseInstant } from '../../../domain/time.ts';
import type { Clock } from '../../../domain/time.ts';
import type { Logger } from '../../server/logger.ts';
import type { Scheduler } from '../../server/scheduler.ts';
import { pageRows } from './rows.ts';
import type { IssueCounts } from './rows.ts';
import type { IndexEntry, PersonIndexStore, SourceState } from './store.ts';

export interface PersonIndexOptions {
  readonly store: PersonIndexStore;
  /** One adapter per instance to index (not VTJ). */
  readonly adapters: readonly SourceAdapter[];
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Pause between the end of one polling round and the start of the next; default 30 000. */
  readonly intervalMs?: number;
  /** How far before the last change seen the next poll starts listing, for clock skew and late commits; default 120 000. */
  readonly overlapMs?: number;
  /** Persons per readPersons call when resolving a shared instance's municipality; default 100. */
  readonly resolveBatchSize?: number;
  /**
   * How often a full listing replaces the incremental one, so persons removed
   * at a source (e.g. migrated away) leave the index; default 6 h, 0 = only
   * while the source was never built (`initialStates`).
   */
  readonly fullRefreshMs?: number;
  /**
   * The sources' states to go on from (the database's, when another process
   * built the index before: a new leader). A built source is then polled for
   * changes, not listed in full again. Default: every source still to build.
   */
  readonly initialStates?: readonly SourceState[];
  /**
   * Called after each successful listing of a source, before the round ends,
   * with the persons it listed and removed (the statistics re-read just
   * those). A rejection is logged by code and does not fail the poll.
   */
  readonly onPolled?: (polled: PolledSource) => Promise<void>;
  /** Called when a round over every source has ended (e.g. to publish what it changed). */
  readonly onRound?: () => Promise<void>;
}

/** What one successful listing of a source saw. Holds identity codes: never log it. */
export interface PolledSource {
  readonly instance: InstanceId;
  readonly full: boolean;
  /** When the listing started: every change the source had committed before this (less the overlap) is in it. */
  readonly startedMs: number;
  /** Persons listed (indexed), with their change instants (epoch ms) where the listing gave them. */
  readonly listed: readonly { readonly hetu: string; readonly changedAtMs: number | null }[];
  /** Persons removed from the index for this source (after a full listing). */
  readonly removed: readonly string[];
}

/** One source as status() reports it; never holds personal data. */
export interface SourceStatus {
  readonly instance: InstanceId;
  readonly state: SourceState['state'];
  /** True once a full listing of this source has completed. */
  readonly built: boolean;
  readonly persons: number;
  /** Start of the last successful poll (the index is at least this fresh), or null. */
  readonly lastSuccessfulPoll: string | null;
  /** Latest change instant the source listed, or null. */
  readonly lastChangeSeen: string | null;
  /** Seconds from the last successful poll to now, or null before the first. */
  readonly lagSeconds: number | null;
  readonly lastErrorCode: string | null;
  readonly lastErrorAt: string | null;
  /** Listing rows not indexed (invalid codes, unlinked records, unresolved municipality) by code, since the last full listing. */
  readonly issues: Readonly<IssueCounts>;
}

export interface PersonIndexStatus {
  /** Every source built at least once. */
  readonly ready: boolean;
  readonly sources: readonly SourceStatus[];
}

interface Source {
  readonly adapter: SourceAdapter;
  state: SourceState;
  issues: IssueCounts;
}

const DEFAULTS = { intervalMs: 30_000, overlapMs: 120_000, resolveBatchSize: 100, fullRefreshMs: 6 * 3_600_000 };

/** Builds and keeps fresh the index of which instances hold records of which person. */
export class PersonIndex {
  private readonly sources: Source[];
  private readonly opts: PersonIndexOptions & typeof DEFAULTS;
  private round: Promise<void> | undefined;
  private timer: unknown;
  private running = false;
  private abort = PersonIndex.newAbort();

  /** One signal serves every source's listing at once: more listeners than Node's default warning level. */
  private static newAbort(): AbortController {
    const controller = new AbortController();
    setMaxListeners(100, controller.signal);
    return controller;
  }

  constructor(options: PersonIndexOptions) {
    this.opts = {
      ...options,
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
      overlapMs: options.overlapMs ?? DEFAULTS.overlapMs,
      resolveBatchSize: options.resolveBatchSize ?? DEFAULTS.resolveBatchSize,
      fullRefreshMs: options.fullRefreshMs ?? DEFAULTS.fullRefreshMs,
    };
    if (this.opts.resolveBatchSize < 1 || this.opts.intervalMs < 1)
      throw new RangeError('resolveBatchSize and intervalMs must be positive.');
    const seen = new Set<InstanceId>();
    const initial = new Map((options.initialStates ?? []).map((s) => [s.instance, s]));
    this.sources = options.adapters.map((adapter) => {
      if (seen.has(adapter.instance)) throw new Error(`Two adapters for instance ${adapter.instance}.`);
      seen.add(adapter.instance);
      const stored = initial.get(adapter.instance);
      return {
        adapter,
        issues: {},
        state: stored ?? {
          instance: adapter.instance,
          state: 'building',
          built: false,
          lastFullBuild: null,
          lastSuccess: null,
          lastChangeSeen: null,
          lastErrorCode: null,
          lastErrorAt: null,
        },
      };
    });
  }

  /** Every source built at least once. */
  get ready(): boolean {
    return this.sources.every((s) => s.state.built);
  }

  /**
   * Builds the index from every source's full listing (resolves when each
   * source has succeeded or failed once; never rejects for a source), then
   * keeps polling on the interval until stop().
   */
  async start(): Promise<void> {
    if (this.running) return this.round;
    this.running = true;
    this.opts.logger.info({ sources: this.sources.length, intervalMs: this.opts.intervalMs }, 'person index building');
    await this.poll();
  }

  /**
   * Runs one round over every source now (a full listing for a source not yet
   * built, else changes since the last change seen minus the overlap). A
   * round already under way is joined, not doubled.
   */
  poll(): Promise<void> {
    if (!this.round) {
      this.cancelTimer();
      this.round = Promise.all(this.sources.map((s) => this.pollSource(s))).then(async () => {
        if (this.opts.onRound && !this.abort.signal.aborted) {
          await this.opts.onRound().catch((err: unknown) => {
            this.opts.logger.error({ code: errorCode(err) }, 'person index round listener failed');
          });
        }
        this.round = undefined;
        if (this.running) this.timer = this.opts.scheduler.schedule(() => void this.poll(), this.opts.intervalMs);
      });
    }
    return this.round;
  }

  /** Stops polling, aborts listings under way and waits for the round to end. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    this.abort.abort();
    await this.round;
    this.abort = PersonIndex.newAbort();
  }

  /** For each code, in order, the instances holding that person's records (one query). */
  lookup(hetus: readonly string[]): Promise<IndexEntry[][]> {
    return this.opts.store.lookup(hetus);
  }

  /** Each source's poller state as held in memory (no database query, unlike status()). */
  states(): SourceState[] {
    return this.sources.map((s) => ({ ...s.state }));
  }

  /** Per-source state, counts and lag; no personal data. */
  async status(): Promise<PersonIndexStatus> {
    const counts = await this.opts.store.counts();
    const now = this.opts.clock.now().getTime();
    return {
      ready: this.ready,
      sources: this.sources.map(({ state: s, issues }) => ({
        instance: s.instance,
        state: s.state,
        built: s.built,
        persons: counts.get(s.instance) ?? 0,
        lastSuccessfulPoll: instant(s.lastSuccess),
        lastChangeSeen: instant(s.lastChangeSeen),
        lagSeconds: s.lastSuccess === null ? null : Math.max(0, Math.round((now - s.lastSuccess) / 1000)),
        lastErrorCode: s.lastErrorCode,
        lastErrorAt: instant(s.lastErrorAt),
        issues: { ...issues },
      })),
    };
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.opts.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  /** One source's listing since its last change seen; records success or the error code. Never rejects. */
  private async pollSource(source: Source): Promise<void> {
    const { store, clock, logger, overlapMs, fullRefreshMs, resolveBatchSize } = this.opts;
    const { adapter } = source;
    const s = source.state;
    const started = clock.now().getTime();
    const full = !s.built || (fullRefreshMs > 0 && s.lastFullBuild !== null && started - s.lastFullBuild >= fullRefreshMs);
    // Without change instants from the source, fall back to our own poll start (same overlap).
    const sinceMs = (s.lastChangeSeen ?? s.lastSuccess ?? started) - overlapMs;
    const since = full ? BEGINNING_OF_TIME : formatInstant(sinceMs);
    const signal = this.abort.signal;
    const issues: IssueCounts = {};
    let maxChanged = s.lastChangeSeen;
    let listed = 0;
    const seen: { hetu: string; changedAtMs: number | null }[] = [];
    let polled: PolledSource | undefined;
    try {
      for await (const page of adapter.listChanged(since, { signal })) {
        const { rows, maxChangedAt } = await pageRows(adapter, page, store, issues, resolveBatchSize, started + overlapMs, signal);
        await store.upsert(adapter.instance, rows, new Date(started));
        listed += rows.length;
        if (this.opts.onPolled) {
          for (const r of rows) seen.push({ hetu: r.hetu, changedAtMs: r.changedAt === null ? null : parseInstant(r.changedAt) });
        }
        if (maxChangedAt !== null && (maxChanged === null || maxChangedAt > maxChanged)) maxChanged = maxChangedAt;
      }
      if (signal.aborted) return;
      // Every person still at the source was marked seen at `started`; the rest left it.
      const gone = full ? await store.prune(adapter.instance, new Date(started)) : [];
      const removed = gone.length;
      source.issues = full ? issues : addCounts(source.issues, issues);
      source.state = {
        ...s,
        state: 'ready',
        built: true,
        lastFullBuild: full ? started : s.lastFullBuild,
        lastSuccess: started,
        lastChangeSeen: maxChanged,
      };
      const log = { instance: adapter.instance, full, listed, removed, issues, durationMs: clock.now().getTime() - started };
      // Incremental rounds are logged only on recovery: every 30 s per source would drown the log; status() has the rest.
      if (full) logger.info(log, 'person index source built');
      else if (s.state === 'failing') logger.info(log, 'person index source recovered');
      polled = { instance: adapter.instance, full, startedMs: started, listed: seen, removed: gone };
    } catch (err) {
      if (signal.aborted) return;
      const code = errorCode(err);
      source.state = { ...s, state: 'failing', lastErrorCode: code, lastErrorAt: clock.now().getTime() };
      logger.warn(
        { instance: adapter.instance, full, code, errorName: err instanceof Error ? err.name : typeof err },
        'person index source failed',
      );
    }
    await store.saveSourceState(source.state, clock.now()).catch((err: unknown) => {
      logger.error({ instance: adapter.instance, code: errorCode(err) }, 'person index state not saved');
    });
    // After the state is saved: followers read readiness from the database, and these reads may take a while.
    if (polled && this.opts.onPolled) {
      await this.opts
        .onPolled(polled)
        .catch((err: unknown) => logger.error({ instance: adapter.instance, code: errorCode(err) }, 'person index listener failed'));
    }
  }
}

/**
 * A code for an error, never its message: adapter errors carry their
 * catalogue code; database errors (SQLSTATE) may quote row values in their
 * messages, so only the code is kept.
 */
export function errorCode(err: unknown): string {
  if (err instanceof AdapterError) return err.code;
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState)) return `DATABASE_ERROR_${sqlState}`;
  return 'INDEX_ERROR';
}

function addCounts(a: IssueCounts, b: IssueCounts): IssueCounts {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function instant(epochMs: number | null): string | null {
  return epochMs === null ? null : formatInstant(epochMs);
}
