/**
 * Reads a whole instance through its adapter, streaming: the changed-persons
 * listing from the beginning feeds a queue while a few workers read the
 * listed persons in batches (and, if asked, the same persons from VTJ), and
 * hand each batch to the caller, who aggregates and drops it. Only the
 * listing's codes are held (to spot a person listed twice), never records.
 */
import {
  AdapterError,
  BEGINNING_OF_TIME,
  type ChangedPerson,
  type PersonSlot,
  type ReadOptions,
  type RecordIssue,
  type SourceAdapter,
  type VtjAdapter,
  type VtjSlot,
} from '../../domain/index.ts';
import type { Progress } from '../commands/io.ts';

/** One listed person's read. */
export interface ListedRead {
  readonly listed: ChangedPerson;
  /** 1-based place in the listing. */
  readonly ordinal: number;
  readonly slot: PersonSlot;
  /** VTJ's answer for the same code, when VTJ was asked. */
  readonly vtj?: VtjSlot;
}

export interface ReadInstanceOptions {
  readonly adapter: SourceAdapter;
  /** Also read every person from VTJ, alongside. */
  readonly vtj?: VtjAdapter;
  readonly readOptions?: ReadOptions;
  /** Codes per readPersons call. */
  readonly batchSize?: number;
  /** readPersons calls in flight. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Which listed persons to read (default: all). */
  readonly include?: (person: ChangedPerson) => boolean;
  readonly onListingIssues?: (issues: readonly RecordIssue[]) => void;
  /** A code listed again after its first listing (read once only). */
  readonly onDuplicate?: (person: ChangedPerson, ordinal: number) => void;
  /** Each batch's reads, in listing order within the batch. */
  readonly onBatch: (reads: readonly ListedRead[]) => void;
  readonly progress?: Progress;
  /** Pause before asking again for persons the source was too busy to answer (default 500 ms). */
  readonly retryDelayMs?: number;
}

export interface ReadSummary {
  /** Rows the listing gave as persons (duplicates included). */
  readonly listed: number;
  /** Persons read. */
  readonly read: number;
}

/**
 * The source stopped answering: this many batches in a row came back with
 * every slot SOURCE_UNAVAILABLE even after a retry.
 */
export class SourceStopped extends Error {
  override readonly name = 'SourceStopped';
  constructor(
    readonly lastError: AdapterError,
    /** Persons the source answered for before it stopped. */
    readonly afterPersons: number,
  ) {
    super(lastError.message);
  }
}

const DEFAULT_BATCH = 50;
const DEFAULT_CONCURRENCY = 4;
const RETRY_DELAY_MS = 500;
const STOPPED_AFTER_FAILED_BATCHES = 5;

/** Lists and reads the instance; rejects with the listing's AdapterError, SourceStopped, or an abort. */
export async function readInstance(o: ReadInstanceOptions): Promise<ReadSummary> {
  const batchSize = o.batchSize ?? DEFAULT_BATCH;
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  const queue: { listed: ChangedPerson; ordinal: number }[] = [];
  let head = 0;
  let listed = 0;
  let included = 0;
  let read = 0;
  let answered = 0;
  let listingDone = false;
  let failure: unknown;
  let failedInARow = 0;
  const seen = new Set<string>();

  let wake: (() => void) | undefined;
  let more: Promise<void> | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    more = undefined;
    w?.();
  };
  const waitForMore = (): Promise<void> => (more ??= new Promise<void>((resolve) => (wake = resolve)));

  const listing = (async () => {
    try {
      for await (const page of o.adapter.listChanged(BEGINNING_OF_TIME, o.signal ? { signal: o.signal } : {})) {
        if (page.issues.length > 0) o.onListingIssues?.(page.issues);
        for (const person of page.persons) {
          const ordinal = ++listed;
          if (seen.has(person.hetu)) {
            o.onDuplicate?.(person, ordinal);
            continue;
          }
          seen.add(person.hetu);
          if (o.include === undefined || o.include(person)) {
            queue.push({ listed: person, ordinal });
            included++;
          }
        }
        notify();
        if (failure !== undefined) return;
      }
    } catch (err) {
      failure ??= err;
    } finally {
      listingDone = true;
      notify();
    }
  })();

  const readBatch = async (batch: { listed: ChangedPerson; ordinal: number }[]): Promise<void> => {
    const hetus = batch.map((b) => b.listed.hetu);
    let [slots, vtjSlots] = await Promise.all([
      o.adapter.readPersons(hetus, { ...o.readOptions, ...(o.signal && { signal: o.signal }) }),
      o.vtj?.readPersons(hetus, o.signal ? { signal: o.signal } : {}),
    ]);
    // A busy or briefly unreachable source gets one more chance per person before its failure is reported.
    const retry = hetus.flatMap((_, i) => (unavailable(slots[i]) || unavailable(vtjSlots?.[i]) ? [i] : []));
    if (retry.length > 0 && !o.signal?.aborted) {
      await new Promise((resolve) => setTimeout(resolve, o.retryDelayMs ?? RETRY_DELAY_MS));
      const again = retry.map((i) => hetus[i]!);
      const [s2, v2] = await Promise.all([
        o.adapter.readPersons(again, { ...o.readOptions, ...(o.signal && { signal: o.signal }) }),
        o.vtj?.readPersons(again, o.signal ? { signal: o.signal } : {}),
      ]);
      slots = [...slots];
      if (vtjSlots) vtjSlots = [...vtjSlots];
      retry.forEach((i, k) => {
        slots[i] = s2[k]!;
        if (vtjSlots && v2) vtjSlots[i] = v2[k]!;
      });
    }
    const answeredNow = slots.filter((s) => !unavailable(s)).length;
    answered += answeredNow;
    failedInARow = answeredNow === 0 ? failedInARow + 1 : 0;
    if (failedInARow >= STOPPED_AFTER_FAILED_BATCHES) {
      failure ??= new SourceStopped(slots[0] as AdapterError, answered);
      return;
    }
    o.onBatch(
      batch.map((b, i) => ({
        listed: b.listed,
        ordinal: b.ordinal,
        slot: slots[i]!,
        ...(vtjSlots && { vtj: vtjSlots[i]! }),
      })),
    );
    read += batch.length;
    o.progress?.update(read, listingDone ? included : undefined);
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure !== undefined || o.signal?.aborted) return;
      const available = queue.length - head;
      if (available >= batchSize || (listingDone && available > 0)) {
        // Once everything is listed, the rest is shared out evenly, so a small instance (or the tail of a large one) keeps every worker busy.
        const size = listingDone ? Math.min(batchSize, Math.ceil(available / concurrency)) : batchSize;
        const batch = queue.slice(head, head + size);
        head += batch.length;
        if (head > 10_000) {
          queue.splice(0, head);
          head = 0;
        }
        await readBatch(batch);
        continue;
      }
      if (listingDone) return;
      await waitForMore();
    }
  };

  await Promise.all([listing, ...Array.from({ length: concurrency }, worker)]);
  if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
  if (failure !== undefined) throw failure;
  o.progress?.finish(read);
  return { listed, read };
}

function unavailable(slot: PersonSlot | VtjSlot | undefined): boolean {
  return slot instanceof AdapterError && slot.code === 'SOURCE_UNAVAILABLE';
}
