/**
 * The contract every product adapter implements: read persons by identity
 * code (batched where the interface allows) and list changed persons.
 */
import type { AdapterError, RecordIssue } from './errors.ts';
import type { Instant, IsoDate, SourceRecords, VtjPerson } from './model.ts';
import type { InstanceId, Product } from './region.ts';

/**
 * Whose read it is, for sources that log their callers (VTJ through X-Road:
 * `userId` and `issue`). `userId` is the caller's token subject, never an
 * identity code; `issue` the request id that ties the call to the audit log.
 * Absent for reads no person asked for (person index, statistics).
 */
export interface ReadCaller {
  readonly userId: string;
  readonly issue?: string;
}

export interface ReadOptions {
  /** Years whose fees to read (interfaces that ask per year); default: the current year and two before. */
  readonly feeYears?: readonly number[];
  /** First and last day of appointments to read; default: all. */
  readonly appointmentsFrom?: IsoDate;
  readonly appointmentsTo?: IsoDate;
  readonly signal?: AbortSignal;
  /** Whose read it is (VTJ's X-Road headers); absent for system reads. */
  readonly caller?: ReadCaller;
}

/** One person's read from one instance: what could be read, plus per-record issues. */
export interface PersonRead {
  readonly records: SourceRecords;
  readonly issues: readonly RecordIssue[];
}

/**
 * A batch answer has one slot per requested key, in order: the read, or the
 * error of that key alone (as DataLoader expects).
 */
export type PersonSlot = PersonRead | AdapterError;

/** A person the instance lists as changed, with what its listing tells. */
export interface ChangedPerson {
  readonly hetu: string;
  /** The instance's local id, where the listing gives it. */
  readonly localId?: string;
  /** The municipality the instance has for the person, where the listing gives it. */
  readonly municipality?: string;
  readonly changedAt?: Instant;
}

export interface ChangedPage {
  readonly persons: readonly ChangedPerson[];
  /** Listed rows that could not be linked to a valid identity code. */
  readonly issues: readonly RecordIssue[];
}

/** A product adapter bound to one instance. */
export interface SourceAdapter {
  readonly instance: InstanceId;
  readonly product: Product;
  /**
   * Reads each person's records; never rejects for one key's failure (that
   * key's slot holds the error). Rejects only for a programming error.
   */
  readPersons(hetus: readonly string[], options?: ReadOptions): Promise<PersonSlot[]>;
  /** Pages through every person changed after `since` (`1900-01-01T00:00:00+02:00` for all). */
  listChanged(since: Instant, options?: { signal?: AbortSignal }): AsyncIterable<ChangedPage>;
  /** Releases sockets and pools. */
  close(): Promise<void>;
}

/** What a VTJ read takes: a signal, and whose read it is (X-Road's userId and issue). */
export type VtjReadOptions = Pick<ReadOptions, 'signal' | 'caller'>;

/** VTJ answers with basic data, not records. */
export type VtjSlot = VtjPerson | null | AdapterError;

export interface VtjAdapter {
  readonly instance: 'vtj';
  /** One slot per code: the person, null when VTJ has no such person, or the error. */
  readPersons(hetus: readonly string[], options?: VtjReadOptions): Promise<VtjSlot[]>;
  close(): Promise<void>;
}

/**
 * Looks persons up in the population register by candidate codes; used to
 * link legacy identity codes that lack a century sign (ProConsona).
 */
export interface PersonDirectory {
  /** For each code, the VTJ surname when VTJ knows the code, else null. */
  surnames(hetus: readonly string[]): Promise<(string | null)[]>;
}

/** Collects every page of a changed-persons listing. */
export async function collectChanged(pages: AsyncIterable<ChangedPage>): Promise<ChangedPage> {
  const persons: ChangedPerson[] = [];
  const issues: RecordIssue[] = [];
  for await (const page of pages) {
    persons.push(...page.persons);
    issues.push(...page.issues);
  }
  return { persons, issues };
}

/** The moment that lists everything: before any change. */
export const BEGINNING_OF_TIME: Instant = '1900-01-01T00:00:00+02:00';
