/**
 * What the region subgraph needs of the person index: which instances hold
 * records of which person. The index itself (subgraphs/region/personIndex/)
 * is adapted to this interface by `locatorFromPersonIndex`; tests use
 * `createMemoryLocator`.
 */
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';

/** Where one person has records: one instance, and the municipality whose subgraph serves them. */
export interface IndexEntry {
  readonly instance: InstanceId;
  /** Null when the instance is shared and its municipality for the person is not known. */
  readonly municipality: MunicipalityCode | null;
  readonly localId: string | null;
}

/** The index's state of one source. Never holds personal data. */
export interface SourceIndexStatus {
  readonly instance: InstanceId;
  /** `building`, `ready` or `failing`. */
  readonly state: string;
  readonly built: boolean;
  readonly persons: number;
  readonly lastSuccessfulPoll: string | null;
  readonly lastChangeSeen: string | null;
  readonly lagSeconds: number | null;
  readonly lastErrorCode: string | null;
}

export interface PersonLocator {
  /** For each code, in order, the instances holding that person's records (empty: none). */
  locate(hetus: readonly string[]): Promise<IndexEntry[][]>;
  /** True once every source has been listed at least once. */
  ready(): boolean;
  /** Per-source state and lag (a promise where the index reads it from its database). */
  status(): SourceIndexStatus[] | Promise<SourceIndexStatus[]>;
}
