/**
 * The analysts' statistics service: after the person index is built, and
 * then on an interval, walks every indexed person, reads them through the
 * adapters in batches with bounded concurrency and folds what it read into
 * counters (counters.ts). Only the counters of the last completed refresh are
 * kept, swapped in whole when a refresh completes, so a query during a
 * refresh sees the previous complete set. No record, identity code or name
 * is kept or logged.
 */
import { setMaxListeners } from 'node:events';
import type { ReadOptions, SourceAdapter } from '../../../domain/sourceAdapter.ts';
import { AdapterError } from '../../../domain/errors.ts';
import type { SourceRecords } from '../../../domain/model.ts';
import type { InstanceId } from '../../../domain/region.ts';
import { formatInstant } from '../../../domain/time.ts';
import type { Clock } from '../../../domain/time.ts';
import type { Logger } from '../../server/logger.ts';
import type { Scheduler } from '../../server/scheduler.ts';
import { CountersBuilder } from './counters.ts';
import type { StatisticsCounts } from './counters.ts';
import type { IndexedPerson, PersonPages } from './indexPages.ts';

/** A source whose data the counts lack (wholly or partly), and why (an adapter error code). */
export interface UnavailableSource {
  readonly instance: string;
  readonly code: string;
}

/** One completed refresh: its counters and how it went. No personal data. */
export interface StatisticsSnapshot {
  readonly counts: StatisticsCounts;
  /** When the refresh started and completed (ISO 8601 with Helsinki offset). */
  readonly startedAt: string;
  readonly completedAt: string;
  readonly durationMs: number;
  /** Indexed persons walked. */
  readonly persons: number;
  /** False when some source could not be read (then `unavailable` names it). */
  readonly complete: boolean;
  readonly unavailable: readonly UnavailableSource[];
}

export interface StatisticsServiceOptions {
  /** Every indexed person with the instances holding their records (personPagesFromStore, or a test's). */
  readonly persons: PersonPages;
  /** The record instances' adapters (not VTJ). */
  readonly adapters: ReadonlyMap<InstanceId, SourceAdapter> | readonly SourceAdapter[];
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Pause between the end of one refresh and the start of the next; default 600 000 (10 min). */
  readonly intervalMs?: number;
  /** Persons per page of the index walk (read from every source before the next page); default 1000. */
  readonly pageSize?: number;
  /** Persons per readPersons call; default 50. */
  readonly batchSize?: number;
  /** readPersons calls under way at once (over all sources); default 8. */
  readonly concurrency?: number;
  /**
   * Passed to every readPersons call. Default `{ feeYears: [] }`: fees are not
   * counted, so interfaces that ask fees per year are not asked at all.
   */
  readonly readOptions?: ReadOptions;
  /**
   * The index's per-source state, when known: a source not yet listed in full
   * holds persons the index does not know, so the counts are marked
   * incomplete for it (code NOT_INDEXED).
   */
  readonly indexStatus?: () =>
    | Promise<readonly { readonly instance: string; readonly built: boolean }[]>
    | readonly { readonly instance: string; readonly built: boolean }[];
}

/**
 * Defaults measured on the bundled fixtures (one process with the emulators):
 * smaller batches with more of them under way beat 100 × 4, since Lifecare
 * and Proconsona read persons one by one inside a batch.
 */
const DEFAULTS = { intervalMs: 600_000, pageSize: 1_000, batchSize: 50, concurrency: 8 };

/** Computes and holds the analysts' aggregate counters. */
export class StatisticsService {
  private readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>;
  private readonly opts: StatisticsServiceOptions & typeof DEFAULTS;
  private snapshot: StatisticsSnapshot | null = null;
  private refreshing: Promise<StatisticsSnapshot | null> | undefined;
  private timer: unknown;
  private running = false;
  private abort = this.newAbort();
  private lastFailure: { readonly at: string; readonly code: string } | null = null;

  constructor(options: StatisticsServiceOptions) {
    this.opts = {
      ...options,
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
      pageSize: options.pageSize ?? DEFAULTS.pageSize,
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      concurrency: options.concurrency ?? DEFAULTS.concurrency,
    };
    for (const k of ['intervalMs', 'pageSize', 'batchSize', 'concurrency'] as const) {
      if (!Number.isInteger(this.opts[k]) || this.opts[k] < 1)
        throw new RangeError(`expected ${k} as a positive integer, received another value`);
    }
    this.adapters = Array.isArray(options.adapters)
      ? new Map((options.adapters as readonly SourceAdapter[]).map((a) => [a.instance, a]))
      : (options.adapters as ReadonlyMap<InstanceId, SourceAdapter>);
  }

  /** The counters of the last completed refresh, or null before the first. */
  current(): StatisticsSnapshot | null {
    return this.snapshot;
  }

  /** The last refresh that failed as a whole (e.g. the index database down), or null. Codes only. */
  failure(): { readonly at: string; readonly code: string } | null {
    return this.lastFailure;
  }

  /**
   * Runs the first refresh now (call it once the person index is built) and
   * then one every `intervalMs` after the previous ended, until stop().
   * Resolves when the first refresh has ended; never rejects for a source.
   */
  async start(): Promise<StatisticsSnapshot | null> {
    if (this.running) return this.refreshing ?? this.snapshot;
    this.running = true;
    return this.refresh();
  }

  /** Stops the schedule, aborts a refresh under way (its counters are dropped) and waits for it. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    this.abort.abort();
    await this.refreshing;
    this.abort = this.newAbort();
  }

  /**
   * One signal goes with every read under way, and adapters listen on it per
   * request: more listeners than Node's default warning level, by design.
   */
  private newAbort(): AbortController {
    const controller = new AbortController();
    setMaxListeners(1_000, controller.signal);
    return controller;
  }

  /**
   * Refreshes now; a refresh under way is joined, not doubled. Resolves with
   * the snapshot in force afterwards (the previous one when this refresh
   * failed or was stopped).
   */
  refresh(): Promise<StatisticsSnapshot | null> {
    if (!this.refreshing) {
      this.cancelTimer();
      this.refreshing = this.run().finally(() => {
        this.refreshing = undefined;
        if (this.running) this.timer = this.opts.scheduler.schedule(() => void this.refresh(), this.opts.intervalMs);
      });
    }
    return this.refreshing;
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.opts.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  /** One walk over the index. Never rejects: a failure keeps the previous snapshot. */
  private async run(): Promise<StatisticsSnapshot | null> {
    const { clock, logger, persons, pageSize } = this.opts;
    const signal = this.abort.signal;
    const started = clock.now().getTime();
    const builder = new CountersBuilder();
    const unavailable = new Map<string, string>();
    let walked = 0;
    try {
      if (this.opts.indexStatus) {
        for (const s of await this.opts.indexStatus()) if (!s.built) unavailable.set(s.instance, 'NOT_INDEXED');
      }
      for await (const page of persons(pageSize, signal)) {
        if (signal.aborted) break;
        for (const reads of await this.readPage(page, unavailable, signal)) builder.addPerson(reads);
        walked += page.length;
      }
      if (signal.aborted) return this.snapshot;
    } catch (err) {
      if (signal.aborted) return this.snapshot;
      const code = err instanceof AdapterError ? err.code : 'STATISTICS_REFRESH_FAILED';
      this.lastFailure = { at: formatInstant(clock.now().getTime()), code };
      // The error's name and code only: a database message may quote row values (identity codes).
      logger.error(
        { code, errorName: err instanceof Error ? err.name : typeof err, persons: walked },
        'statistics refresh failed; previous counts kept',
      );
      return this.snapshot;
    }
    const completed = clock.now().getTime();
    const list = [...unavailable].map(([instance, code]) => ({ instance, code })).sort((a, b) => a.instance.localeCompare(b.instance));
    const snapshot: StatisticsSnapshot = {
      counts: builder.counts(),
      startedAt: formatInstant(started),
      completedAt: formatInstant(completed),
      durationMs: completed - started,
      persons: walked,
      complete: list.length === 0,
      unavailable: list,
    };
    // The swap: one assignment, so a reader sees either the old set or the new one, never a mix.
    this.snapshot = snapshot;
    this.lastFailure = null;
    logger.info(
      { persons: walked, durationMs: snapshot.durationMs, complete: snapshot.complete, unavailable: list },
      'statistics refreshed',
    );
    return snapshot;
  }

  /**
   * Reads one page of persons from every instance holding them, in batches,
   * at most `concurrency` calls at once. Returns, per person, what could be
   * read; failures are noted in `unavailable` (instance → first code).
   */
  private async readPage(
    page: readonly IndexedPerson[],
    unavailable: Map<string, string>,
    signal: AbortSignal,
  ): Promise<SourceRecords[][]> {
    const { batchSize, concurrency } = this.opts;
    const readOptions: ReadOptions = { feeYears: [], ...this.opts.readOptions, signal };
    const reads: SourceRecords[][] = page.map(() => []);
    const byInstance = new Map<InstanceId, number[]>();
    page.forEach((p, i) => {
      for (const inst of p.instances) {
        let list = byInstance.get(inst);
        if (!list) byInstance.set(inst, (list = []));
        list.push(i);
      }
    });
    const tasks: { adapter: SourceAdapter; positions: number[] }[] = [];
    for (const [inst, positions] of byInstance) {
      const adapter = this.adapters.get(inst);
      if (!adapter) {
        unavailable.set(inst, unavailable.get(inst) ?? 'NOT_CONFIGURED');
        continue;
      }
      for (let i = 0; i < positions.length; i += batchSize) tasks.push({ adapter, positions: positions.slice(i, i + batchSize) });
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < tasks.length && !signal.aborted) {
        const { adapter, positions } = tasks[next++]!;
        // Why skip: a source that timed out once in this refresh would make every later batch wait for the timeout too.
        if (unavailable.get(adapter.instance) === 'SOURCE_UNAVAILABLE') continue;
        let slots;
        try {
          slots = await adapter.readPersons(
            positions.map((i) => page[i]!.hetu),
            readOptions,
          );
        } catch (err) {
          unavailable.set(adapter.instance, unavailable.get(adapter.instance) ?? (err instanceof AdapterError ? err.code : 'SOURCE_ERROR'));
          continue;
        }
        slots.forEach((slot, k) => {
          if (slot instanceof AdapterError) {
            // SOURCE_UNAVAILABLE wins over a code seen before: it is the one that stops further reads.
            if (!unavailable.has(adapter.instance) || slot.code === 'SOURCE_UNAVAILABLE') unavailable.set(adapter.instance, slot.code);
          } else {
            reads[positions[k]!]!.push(slot.records);
          }
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
    return reads;
  }
}
