/**
 * Reading one person's records for one municipality: the instances the
 * reference names (and that serve this municipality) through their
 * adapters, one DataLoader per instance per request, keeping only the
 * records that belong to this municipality.
 */
import DataLoader from 'dataloader';
import type { PersonRead, PersonSlot, ReadOptions, SourceAdapter } from '../../domain/sourceAdapter.ts';
import { AdapterError } from '../../domain/errors.ts';
import type { RecordIssue } from '../../domain/errors.ts';
import type { Appointment, Consent, Customership, Decision, Fee, Plan, SourceRecords } from '../../domain/model.ts';
import { instance as instanceOf } from '../../domain/region.ts';
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';
import type { MissingSource } from '../server/context.ts';
import type { RecordsRef } from './recordsRef.ts';
import { readThrough } from '../server/readCache.ts';
import type { OperationReadCache } from '../server/readCache.ts';

/** The operation-wide read cache and this request's scope in it (readCache.ts). */
export interface CachedReads {
  readonly cache: OperationReadCache<PersonSlot>;
  readonly scope: string;
}

/** What a municipality subgraph serves of one person. */
export interface MunicipalityRecords {
  readonly appointments: Appointment[];
  readonly customerships: Customership[];
  readonly decisions: Decision[];
  readonly plans: Plan[];
  readonly fees: Fee[];
  readonly consents: Consent[];
  readonly missingSources: MissingSource[];
}

/**
 * One request's loaders: one DataLoader per instance, created on first use.
 * With `cached`, a person already read from an instance for the same gateway
 * operation (another fetch of its plan, possibly to another municipality
 * subgraph sharing the instance) is not read again.
 */
export class PersonLoaders {
  private readonly loaders = new Map<InstanceId, DataLoader<string, PersonRead>>();

  constructor(
    private readonly sources: ReadonlyMap<InstanceId, SourceAdapter>,
    private readonly readOptions: ReadOptions | undefined,
    private readonly cached?: CachedReads,
  ) {}

  /** The loader of an instance, or undefined when this subgraph has no adapter for it. */
  forInstance(id: InstanceId): DataLoader<string, PersonRead> | undefined {
    let loader = this.loaders.get(id);
    if (loader) return loader;
    const adapter = this.sources.get(id);
    if (!adapter) return undefined;
    // An AdapterError in a slot is an Error, so DataLoader rejects that key alone.
    const read = (hetus: readonly string[]): Promise<PersonSlot[]> => adapter.readPersons(hetus, this.readOptions);
    const cached = this.cached;
    loader = new DataLoader<string, PersonRead>((hetus) =>
      cached ? readThrough(cached.cache, cached.scope, id, hetus, read) : read(hetus),
    );
    this.loaders.set(id, loader);
    return loader;
  }
}

/** Counts of record issues by code, for logs (positions and reasons stay out of logs of this layer). */
export type IssueCounts = Record<string, number>;

export interface LoadResult {
  readonly records: MunicipalityRecords;
  /** Record issues the adapters reported, by instance and code. */
  readonly issues: Partial<Record<InstanceId, IssueCounts>>;
  /** Instances the reference named that do not serve this municipality (ignored). */
  readonly foreign: InstanceId[];
}

/**
 * Reads the person's records from the reference's instances and keeps those
 * of `municipality`. A source that fails is listed in `missingSources` (its
 * adapter error code, or NOT_CONFIGURED when this subgraph has no adapter
 * for it); the others are still served.
 */
export async function loadMunicipalityRecords(
  ref: RecordsRef,
  municipality: MunicipalityCode,
  loaders: PersonLoaders,
): Promise<LoadResult> {
  const foreign: InstanceId[] = [];
  const instances = ref.instances.filter((id) => {
    const serves = instanceOf(id).municipalities.includes(municipality);
    if (!serves) foreign.push(id);
    return serves;
  });
  const reads = await Promise.all(
    instances.map(async (id): Promise<{ id: InstanceId; read?: PersonRead; missing?: MissingSource }> => {
      const loader = loaders.forInstance(id);
      if (!loader) return { id, missing: { instance: id, code: 'NOT_CONFIGURED' } };
      try {
        return { id, read: await loader.load(ref.hetu) };
      } catch (err) {
        // A rejection that is not an AdapterError is the adapter's bug; still a missing source, never a gap.
        return { id, missing: { instance: id, code: err instanceof AdapterError ? err.code : 'SOURCE_ERROR' } };
      }
    }),
  );
  const records: MunicipalityRecords = {
    appointments: [],
    customerships: [],
    decisions: [],
    plans: [],
    fees: [],
    consents: [],
    missingSources: [],
  };
  const issues: Partial<Record<InstanceId, IssueCounts>> = {};
  for (const r of reads) {
    if (r.missing) {
      records.missingSources.push(r.missing);
      continue;
    }
    addRecords(records, r.read!.records, municipality);
    if (r.read!.issues.length > 0) issues[r.id] = countIssues(r.read!.issues);
  }
  return { records, issues, foreign };
}

/** Appends the items of one instance that belong to `municipality` (region.md: a shared instance's records go to the municipality it has for the person). */
export function addRecords(into: MunicipalityRecords, from: SourceRecords, municipality: MunicipalityCode): void {
  const mine = <T extends { source: { municipality: string } }>(items: readonly T[]): T[] =>
    items.filter((i) => i.source.municipality === municipality);
  into.appointments.push(...mine(from.appointments));
  into.customerships.push(...mine(from.customerships));
  into.decisions.push(...mine(from.decisions));
  into.plans.push(...mine(from.plans));
  into.fees.push(...mine(from.fees));
  into.consents.push(...mine(from.consents));
}

function countIssues(issues: readonly RecordIssue[]): IssueCounts {
  const counts: IssueCounts = {};
  for (const i of issues) counts[i.code] = (counts[i.code] ?? 0) + 1;
  return counts;
}
