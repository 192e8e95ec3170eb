/**
 * The analysts' statistics service (issue 4, kept current since issue 14).
 *
 * A full walk over every indexed person (reads through the adapters in
 * batches with bounded concurrency) builds each person's contribution to
 * the counters (contributions.ts). After that the counters are kept current
 * from the person index's change listings: `changed()` re-reads just the
 * persons a source listed and replaces their contribution (subtract the old,
 * add the new); `update()` then publishes the counters with, per source, the
 * instant they are current as of. A full walk still runs on a long interval
 * as a safety net; it updates the contributions in place while changes go
 * on being applied, so the figures never fall behind during it.
 *
 * The contributions are held in memory only, on one process (the leader):
 * they are a copy of who has which services, so they are never stored. No
 * record, identity code or name is kept in a snapshot or logged.
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
import { Contributions } from './contributions.ts';
import type { StatisticsCounts } from './counters.ts';
import type { IndexedPerson, PersonPages } from './indexPages.ts';
import type { PolledSource } from '../personIndex/personIndex.ts';

/** A source whose data the counts lack (wholly or partly), and why (an adapter error code). */
export interface UnavailableSource {
  readonly instance: string;
  readonly code: string;
}

/** How current one source's part of the counts is. */
export interface SourceCurrency {
  readonly instance: string;
  /** Every change this source had made before this instant is counted (ISO 8601), or null: not yet counted. */
  readonly currentAsOf: string | null;
}

/** The counters as last published, and how current they are. No personal data. */
export interface StatisticsSnapshot {
  readonly counts: StatisticsCounts;
  /** When the last full walk started and completed, and how long it took (ISO 8601 with Helsinki offset). */
  readonly startedAt: string;
  readonly completedAt: string;
  readonly durationMs: number;
  /** When these counts were published (the last change applied). */
  readonly updatedAt: string;
  /** Persons with anything counted. */
  readonly persons: number;
  /** False when some source could not be read (then `unavailable` names it). */
  readonly complete: boolean;
  readonly unavailable: readonly UnavailableSource[];
  /** The oldest of the sources' `currentAsOf` (null when some source is not counted yet). */
  readonly currentAsOf: string | null;
  readonly sources: readonly SourceCurrency[];
}

/** One source's listing as the person index saw it. Holds identity codes: never log it. */
export type ChangedPersons = PolledSource;

/** The index's state of one source, as far as the statistics need it. */
export interface IndexSourceState {
  readonly instance: string;
  readonly built: boolean;
  /** Start of the index's last successful listing of the source (ISO 8601), or null. */
  readonly lastSuccessfulPoll?: string | null;
}

export interface StatisticsServiceOptions {
  /** Every indexed person with the instances holding their records (personPagesFromStore, or a test's). */
  readonly persons: PersonPages;
  /** The record instances' adapters (not VTJ). */
  readonly adapters: ReadonlyMap<InstanceId, SourceAdapter> | readonly SourceAdapter[];
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Pause between the end of one full walk and the start of the next (the safety net); default 21 600 000 (6 h). */
  readonly intervalMs?: number;
  /** Persons per page of the index walk (read from every source before the next page); default 1000. */
  readonly pageSize?: number;
  /** Persons per readPersons call; default 50. */
  readonly batchSize?: number;
  /** readPersons calls under way at once (over all sources); default 8. */
  readonly concurrency?: number;
  /**
   * The person index's polling overlap: a full listing's persons whose change
   * is older than the source's `currentAsOf` less this are not read again; default 120 000.
   */
  readonly overlapMs?: number;
  /**
   * Passed to every readPersons call. Default `{ feeYears: [] }`: fees are not
   * counted, so interfaces that ask fees per year are not asked at all.
   */
  readonly readOptions?: ReadOptions;
  /**
   * The index's per-source state, when known: a source not yet listed in full
   * holds persons the index does not know, so the counts are marked
   * incomplete for it (code NOT_INDEXED); its last successful listing bounds
   * how current a full walk's counts of it are.
   */
  readonly indexStatus?: () => Promise<readonly IndexSourceState[]> | readonly IndexSourceState[];
  /** Called with every snapshot published (e.g. to store it for the other replicas); a rejection is logged. */
  readonly onPublish?: (snapshot: StatisticsSnapshot) => Promise<void>;
  /**
   * Called with the records just read of each batch of persons at one
   * instance (null: the person has none there now, e.g. removed from its
   * listing), so another index can be kept from the same reads (the unit
   * index) without reading the sources again; awaited, a rejection is
   * logged. Holds identity codes and records: never log them.
   */
  readonly onRecords?: (instance: InstanceId, persons: readonly PersonRecords[]) => Promise<void>;
  /** Called after every full walk that completed (e.g. to drop what persons no longer indexed left); a rejection is logged. */
  readonly onWalked?: () => Promise<void>;
}

/** One person's records just read at one instance (null: none there now). */
export interface PersonRecords {
  readonly hetu: string;
  readonly records: SourceRecords | null;
}

/**
 * Defaults measured on the bundled fixtures (one process with the emulators):
 * smaller batches with more of them under way beat 100 × 4, since Lifecare
 * and Proconsona read persons one by one inside a batch.
 */
const DEFAULTS = { intervalMs: 6 * 3_600_000, pageSize: 1_000, batchSize: 50, concurrency: 8, overlapMs: 120_000 };

/** Pause before walking again when no walk has completed yet (the first failed as a whole). */
const FIRST_WALK_RETRY_MS = 60_000;

/** Codes that mean the source itself could not be asked (not one person's records). */
const SOURCE_DOWN = new Set(['SOURCE_UNAVAILABLE', 'SOURCE_ERROR', 'NOT_CONFIGURED']);

/** The last full walk, for the snapshot. */
interface Walk {
  readonly startedMs: number;
  readonly completedMs: number;
}

/** Computes, keeps current and publishes the analysts' aggregate counters. */
export class StatisticsService {
  private readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>;
  private readonly opts: StatisticsServiceOptions & typeof DEFAULTS;
  private readonly contributions = new Contributions();
  /** Per source: every change before this instant (epoch ms) is counted. */
  private readonly asOf = new Map<InstanceId, number>();
  /** Per source: why some of its persons are not counted as they are now (first code seen). */
  private readonly failing = new Map<string, string>();
  /** Per source: persons whose last read failed, read again with the next change of that source. */
  private readonly pending = new Map<InstanceId, Set<string>>();
  /**
   * Person and instance pairs (`instance|hetu`) changed while a walk is under
   * way: the walk leaves them to `changed()`, whose read is the fresher.
   */
  private touched: Set<string> | null = null;
  private notIndexed: string[] = [];
  private walk: Walk | null = null;
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
      overlapMs: options.overlapMs ?? DEFAULTS.overlapMs,
    };
    for (const k of ['intervalMs', 'pageSize', 'batchSize', 'concurrency'] as const) {
      if (!Number.isInteger(this.opts[k]) || this.opts[k] < 1)
        throw new RangeError(`expected ${k} as a positive integer, received another value`);
    }
    this.adapters = Array.isArray(options.adapters)
      ? new Map((options.adapters as readonly SourceAdapter[]).map((a) => [a.instance, a]))
      : (options.adapters as ReadonlyMap<InstanceId, SourceAdapter>);
  }

  /** The counters last published, or null before the first full walk completed. */
  current(): StatisticsSnapshot | null {
    return this.snapshot;
  }

  /** The last full walk that failed as a whole (e.g. the index database down), or null. Codes only. */
  failure(): { readonly at: string; readonly code: string } | null {
    return this.lastFailure;
  }

  /** Persons whose contributions are held in memory now. */
  get persons(): number {
    return this.contributions.size;
  }

  /**
   * Runs the first full walk now (call it once the person index is built)
   * and then one every `intervalMs` after the previous ended, until stop().
   * Resolves when the first walk has ended; never rejects for a source.
   */
  async start(): Promise<StatisticsSnapshot | null> {
    if (this.running) return this.refreshing ?? this.snapshot;
    this.running = true;
    return this.refresh();
  }

  /** Stops the schedule, aborts a walk under way and waits for it. */
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
   * Walks every indexed person now; a walk under way is joined, not doubled.
   * Resolves with the snapshot in force afterwards (the previous one when
   * this walk failed or was stopped).
   */
  refresh(): Promise<StatisticsSnapshot | null> {
    if (!this.refreshing) {
      this.cancelTimer();
      this.refreshing = this.run().finally(() => {
        this.refreshing = undefined;
        // Until one walk has completed nothing is counted: try again within a minute, not after the safety net's hours.
        const wait = this.walk === null ? Math.min(this.opts.intervalMs, FIRST_WALK_RETRY_MS) : this.opts.intervalMs;
        if (this.running) this.timer = this.opts.scheduler.schedule(() => void this.refresh(), wait);
      });
    }
    return this.refreshing;
  }

  /**
   * Applies one source's listing: drops what the removed persons counted
   * there, re-reads the listed persons (and those whose read failed before)
   * from that source and replaces their contributions. The source's counts
   * are then current as of the listing's start, unless the source could not
   * be read. Call `update()` to publish.
   */
  async changed(c: ChangedPersons): Promise<void> {
    const { instance } = c;
    const adapter = this.adapters.get(instance);
    // Before the first walk has started there is nothing to replace: that walk reads everyone after this listing.
    if (!adapter || (this.walk === null && this.touched === null)) return;
    for (const hetu of c.removed) {
      this.contributions.set(hetu, instance, null);
      this.touched?.add(`${instance}|${hetu}`);
    }
    if (c.removed.length > 0)
      await this.records(
        instance,
        [...c.removed].map((hetu) => ({ hetu, records: null })),
      );
    const asOf = this.asOf.get(instance);
    const pending = this.pending.get(instance) ?? new Set<string>();
    const toRead = new Set(pending);
    for (const p of c.listed) {
      // A full listing names everyone: read again only whom a change since the counts could concern.
      if (c.full && asOf !== undefined && p.changedAtMs !== null && p.changedAtMs < asOf - this.opts.overlapMs) continue;
      toRead.add(p.hetu);
    }
    for (const h of c.removed) toRead.delete(h);
    if (toRead.size === 0) {
      if (pending.size === 0) this.advance(instance, c.startedMs);
      return;
    }
    const hetus = [...toRead];
    for (const h of hetus) this.touched?.add(`${instance}|${h}`);
    const failed = new Set<string>();
    let down: string | null = null;
    let code: string | null = null;
    const { batchSize } = this.opts;
    const batches: string[][] = [];
    for (let i = 0; i < hetus.length; i += batchSize) batches.push(hetus.slice(i, i + batchSize));
    await this.pool(batches.length, async (b) => {
      const batch = batches[b]!;
      const slots = down === null ? await this.read(adapter, batch) : null;
      const read: PersonRecords[] = [];
      batch.forEach((hetu, k) => {
        const slot = slots === null ? null : 'failed' in slots ? slots : slots[k]!;
        if (slot !== null && !(slot instanceof AdapterError) && !('failed' in slot)) {
          this.contributions.set(hetu, instance, slot);
          read.push({ hetu, records: slot });
          return;
        }
        failed.add(hetu);
        const why = slot === null ? (down ?? 'SOURCE_UNAVAILABLE') : slot instanceof AdapterError ? slot.code : slot.failed;
        code ??= why;
        if (SOURCE_DOWN.has(why)) down = why;
      });
      await this.records(instance, read);
    });
    if (failed.size > 0) this.pending.set(instance, failed);
    else this.pending.delete(instance);
    if (down !== null) {
      this.failing.set(instance, down);
      return;
    }
    // One person's unreadable records (e.g. MALFORMED_RESPONSE) do not hold back the whole source's currency.
    this.advance(instance, c.startedMs);
    if (code !== null) this.failing.set(instance, code);
  }

  /** The source is counted as of `ms`; a failure code it had goes once nothing of it is pending. */
  private advance(instance: InstanceId, ms: number): void {
    if (this.walk === null && !this.asOf.has(instance)) return; // not counted before the first walk
    const previous = this.asOf.get(instance);
    if (previous === undefined || ms > previous) this.asOf.set(instance, ms);
    if (!this.pending.has(instance)) this.failing.delete(instance);
  }

  /**
   * Publishes the counters as they are now (after a round of `changed()`),
   * once the first full walk has completed. Resolves with the snapshot.
   */
  async update(): Promise<StatisticsSnapshot | null> {
    if (this.walk === null) return this.snapshot;
    if (this.opts.indexStatus) this.notIndexed = (await this.opts.indexStatus()).filter((s) => !s.built).map((s) => s.instance);
    return this.publish();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.opts.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  /** Builds the snapshot from the contributions, swaps it in and hands it to `onPublish`. */
  private async publish(): Promise<StatisticsSnapshot> {
    const { clock, logger } = this.opts;
    const walk = this.walk!;
    const unavailable = new Map<string, string>(this.failing);
    for (const inst of this.notIndexed) unavailable.set(inst, 'NOT_INDEXED');
    const list = [...unavailable].map(([instance, code]) => ({ instance, code })).sort((a, b) => a.instance.localeCompare(b.instance));
    const sources = [...this.adapters.keys()].sort().map((instance) => {
      const ms = this.asOf.get(instance);
      return { instance, currentAsOf: ms === undefined ? null : formatInstant(ms) };
    });
    const times = [...this.adapters.keys()].map((i) => this.asOf.get(i));
    const oldest = times.some((t) => t === undefined) ? null : Math.min(...(times as number[]));
    const snapshot: StatisticsSnapshot = {
      counts: this.contributions.counts(),
      startedAt: formatInstant(walk.startedMs),
      completedAt: formatInstant(walk.completedMs),
      durationMs: walk.completedMs - walk.startedMs,
      updatedAt: formatInstant(clock.now().getTime()),
      persons: this.contributions.size,
      complete: list.length === 0,
      unavailable: list,
      currentAsOf: oldest === null || times.length === 0 ? null : formatInstant(oldest),
      sources,
    };
    // The swap: one assignment, so a reader sees either the old set or the new one, never a mix.
    this.snapshot = snapshot;
    if (this.opts.onPublish) {
      await this.opts.onPublish(snapshot).catch((err: unknown) => {
        logger.error({ code: codeOf(err), errorName: err instanceof Error ? err.name : typeof err }, 'statistics not published');
      });
    }
    return snapshot;
  }

  /** One walk over the index. Never rejects: a failure keeps the previous snapshot. */
  private async run(): Promise<StatisticsSnapshot | null> {
    const { clock, logger, persons, pageSize } = this.opts;
    const signal = this.abort.signal;
    const started = clock.now().getTime();
    const unavailable = new Map<string, string>();
    const walkAsOf = new Map<InstanceId, number>();
    const touched = (this.touched = new Set<string>());
    let walked = 0;
    try {
      if (this.opts.indexStatus) {
        const status = await this.opts.indexStatus();
        this.notIndexed = status.filter((s) => !s.built).map((s) => s.instance);
        for (const s of status) {
          // Persons the index knew by its last listing are read below, after it: counted as of that listing.
          const ms = s.lastSuccessfulPoll ? Date.parse(s.lastSuccessfulPoll) : Number.NaN;
          if (s.built && this.adapters.has(s.instance as InstanceId))
            walkAsOf.set(s.instance as InstanceId, Number.isNaN(ms) ? started : Math.min(ms, started));
        }
      } else {
        for (const inst of this.adapters.keys()) walkAsOf.set(inst, started);
      }
      for await (const page of persons(pageSize, signal)) {
        if (signal.aborted) break;
        const reads = await this.readPage(page, unavailable, signal);
        const read = new Map<InstanceId, PersonRecords[]>();
        page.forEach((p, i) => {
          const got = reads[i]!;
          for (const inst of p.instances) {
            if (touched.has(`${inst}|${p.hetu}`)) continue;
            const r = got.get(inst);
            if (r !== undefined) {
              this.contributions.set(p.hetu, inst, r);
              let list = read.get(inst);
              if (!list) read.set(inst, (list = []));
              list.push({ hetu: p.hetu, records: r });
            } else if (this.adapters.has(inst)) this.pendingOf(inst).add(p.hetu);
          }
        });
        for (const [inst, persons] of read) await this.records(inst, persons);
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
    } finally {
      this.touched = null;
    }
    const first = this.walk === null;
    this.walk = { startedMs: started, completedMs: clock.now().getTime() };
    for (const [inst, code] of unavailable) this.failing.set(inst, code);
    for (const [inst, ms] of walkAsOf) {
      const code = unavailable.get(inst);
      if (code !== undefined && SOURCE_DOWN.has(code)) continue; // not counted: its persons wait in `pending`
      if (first || !this.asOf.has(inst)) this.asOf.set(inst, Math.max(ms, this.asOf.get(inst) ?? ms));
      if (code === undefined && !this.pending.has(inst)) this.failing.delete(inst);
    }
    const snapshot = await this.publish();
    this.lastFailure = null;
    if (this.opts.onWalked) {
      await this.opts.onWalked().catch((err: unknown) => {
        logger.error({ code: codeOf(err), errorName: err instanceof Error ? err.name : typeof err }, 'walk follow-up failed');
      });
    }
    logger.info(
      {
        persons: walked,
        durationMs: snapshot.durationMs,
        complete: snapshot.complete,
        unavailable: snapshot.unavailable,
        currentAsOf: snapshot.currentAsOf,
      },
      'statistics refreshed',
    );
    return snapshot;
  }

  /** Hands one batch of records read to `onRecords` (a rejection is logged by code: the records stay unlogged). */
  private async records(instance: InstanceId, persons: readonly PersonRecords[]): Promise<void> {
    if (!this.opts.onRecords || persons.length === 0) return;
    await this.opts.onRecords(instance, persons).catch((err: unknown) => {
      this.opts.logger.error(
        { instance, code: codeOf(err), errorName: err instanceof Error ? err.name : typeof err },
        'records not passed on (the unit index lags until the next read of these persons)',
      );
    });
  }

  private pendingOf(inst: InstanceId): Set<string> {
    let set = this.pending.get(inst);
    if (!set) this.pending.set(inst, (set = new Set()));
    return set;
  }

  /** Runs `task(0..n-1)`, at most `concurrency` at once. */
  private async pool(n: number, task: (i: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < n) await task(next++);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, n) }, worker));
  }

  /** One readPersons call: per person the records or that person's error, or the code the whole call failed with. */
  private async read(
    adapter: SourceAdapter,
    hetus: readonly string[],
    signal?: AbortSignal,
  ): Promise<(SourceRecords | AdapterError)[] | { readonly failed: string }> {
    const readOptions: ReadOptions = { feeYears: [], ...this.opts.readOptions, signal: signal ?? this.abort.signal };
    try {
      return (await adapter.readPersons(hetus, readOptions)).map((slot) => (slot instanceof AdapterError ? slot : slot.records));
    } catch (err) {
      return { failed: err instanceof AdapterError ? err.code : 'SOURCE_ERROR' };
    }
  }

  /**
   * Reads one page of persons from every instance holding them, in batches,
   * at most `concurrency` calls at once. Returns, per person, what could be
   * read by instance; failures are noted in `unavailable` (instance → first code).
   */
  private async readPage(
    page: readonly IndexedPerson[],
    unavailable: Map<string, string>,
    signal: AbortSignal,
  ): Promise<Map<InstanceId, SourceRecords>[]> {
    const { batchSize } = this.opts;
    const reads: Map<InstanceId, SourceRecords>[] = page.map(() => new Map());
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
    await this.pool(tasks.length, async (t) => {
      if (signal.aborted) return;
      const { adapter, positions } = tasks[t]!;
      // Why skip: a source that timed out once in this walk would make every later batch wait for the timeout too.
      if (unavailable.get(adapter.instance) === 'SOURCE_UNAVAILABLE') return;
      const slots = await this.read(
        adapter,
        positions.map((i) => page[i]!.hetu),
        signal,
      );
      if ('failed' in slots) {
        unavailable.set(adapter.instance, unavailable.get(adapter.instance) ?? slots.failed);
        return;
      }
      slots.forEach((slot, k) => {
        if (slot instanceof AdapterError) {
          // SOURCE_UNAVAILABLE wins over a code seen before: it is the one that stops further reads.
          if (!unavailable.has(adapter.instance) || slot.code === 'SOURCE_UNAVAILABLE') unavailable.set(adapter.instance, slot.code);
        } else {
          reads[positions[k]!]!.set(adapter.instance, slot);
        }
      });
    });
    return reads;
  }
}

/** A code for an error, never its message (a database message may quote row values). */
function codeOf(err: unknown): string {
  if (err instanceof AdapterError) return err.code;
  const sqlState = (err as { code?: unknown } | null)?.code;
  if (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState)) return `DATABASE_ERROR_${sqlState}`;
  return 'STATISTICS_PUBLISH_FAILED';
}
