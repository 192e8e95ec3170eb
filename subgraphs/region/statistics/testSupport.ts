/**
 * Test support for the statistics: an in-memory SourceAdapter over
 * hand-built records, an in-memory index, and record builders. Not used in
 * production code.
 */
import type { ChangedPage, PersonSlot, ReadOptions, SourceAdapter } from '../../../domain/sourceAdapter.ts';
import { AdapterError } from '../../../domain/errors.ts';
import { emptyRecords } from '../../../domain/model.ts';
import type { Appointment, CareArea, Customership, ServiceTask, SourceRecords } from '../../../domain/model.ts';
import { instance as instanceOf } from '../../../domain/region.ts';
import type { InstanceId, MunicipalityCode, Product } from '../../../domain/region.ts';
import type { IndexedPerson, PersonPages } from './indexPages.ts';

/**
 * An in-memory source: `records` by code; `failWith` makes every slot that
 * error; `gate` holds reads until resolved. Its changed-persons listing
 * names the persons whose `changedAt` (epoch ms) is after `since`.
 */
export class FakeRecordsSource implements SourceAdapter {
  readonly product: Product;
  readonly records = new Map<string, SourceRecords>();
  readonly changedAt = new Map<string, number>();
  /** The `since` of each listing. */
  readonly listCalls: string[] = [];
  failWith: AdapterError['code'] | null = null;
  gate: Promise<void> | null = null;
  /** Codes per readPersons call. */
  readonly calls: string[][] = [];
  readonly options: (ReadOptions | undefined)[] = [];

  constructor(readonly instance: InstanceId) {
    this.product = instanceOf(instance).product;
  }

  async readPersons(hetus: readonly string[], options?: ReadOptions): Promise<PersonSlot[]> {
    this.calls.push([...hetus]);
    this.options.push(options);
    if (this.gate) await this.gate;
    const fail = this.failWith;
    if (fail) return hetus.map(() => new AdapterError(fail, this.instance, 'expected an answer, received none within the timeout'));
    return hetus.map((h) => ({ records: this.records.get(h) ?? emptyRecords(h, this.instance), issues: [] }));
  }

  async *listChanged(since: string): AsyncIterable<ChangedPage> {
    this.listCalls.push(since);
    const sinceMs = Date.parse(since);
    const persons = [...this.changedAt]
      .filter(([, ms]) => ms > sinceMs)
      .map(([hetu, ms]) => ({ hetu, changedAt: new Date(ms).toISOString() }));
    yield { persons, issues: [] };
  }

  async close(): Promise<void> {}
}

/** A person's services in one instance, as the builders below take them. */
export interface Services {
  readonly municipality: MunicipalityCode;
  readonly appointments?: readonly { readonly careArea: Exclude<CareArea, 'SOCIAL'>; readonly start: string }[];
  readonly customerships?: readonly ServiceTask[];
}

let localIds = 1;

/** SourceRecords of one person in one instance with the given services (names and details are placeholders). */
export function recordsOf(hetu: string, inst: InstanceId, s: Services): SourceRecords {
  const source = () => ({ instance: inst, product: instanceOf(inst).product, municipality: s.municipality, localId: String(localIds++) });
  const appointments: Appointment[] = (s.appointments ?? []).map((a) => ({
    careArea: a.careArea,
    start: a.start,
    durationMinutes: 30,
    unit: { name: 'Terveysasema' },
    status: 'COMPLETED',
    source: source(),
  }));
  const customerships: Customership[] = (s.customerships ?? []).map((serviceTask) => ({
    careArea: 'SOCIAL',
    serviceTask,
    startDate: '2024-01-01',
    extraSensitive: serviceTask === 'CHILD_WELFARE',
    source: source(),
  }));
  return { ...emptyRecords(hetu, inst), customerships, appointments };
}

/** A hand-built region: sources and an index over them. */
export class FakeRegion {
  readonly sources = new Map<InstanceId, FakeRecordsSource>();
  /** Page sizes asked, per walk. */
  readonly pageSizes: number[] = [];

  source(inst: InstanceId): FakeRecordsSource {
    let s = this.sources.get(inst);
    if (!s) this.sources.set(inst, (s = new FakeRecordsSource(inst)));
    return s;
  }

  /** Puts one person's services in one instance, changed at `changedAtMs` (what its listing says). */
  put(hetu: string, inst: InstanceId, s: Services, changedAtMs = Date.parse('2025-01-01T00:00:00Z')): void {
    this.source(inst).records.set(hetu, recordsOf(hetu, inst, s));
    this.source(inst).changedAt.set(hetu, changedAtMs);
  }

  /** Removes one person from one instance (gone from its listing and its reads). */
  remove(hetu: string, inst: InstanceId): void {
    this.source(inst).records.delete(hetu);
    this.source(inst).changedAt.delete(hetu);
  }

  /** Every person of every source, by code, with their instances. */
  indexed(): IndexedPerson[] {
    const by = new Map<string, InstanceId[]>();
    for (const [inst, src] of this.sources) for (const h of src.records.keys()) (by.get(h) ?? by.set(h, []).get(h)!).push(inst);
    return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([hetu, instances]) => ({ hetu, instances: instances.sort() }));
  }

  /** The index walk over this region (read afresh at each walk). */
  readonly pages: PersonPages = async function* (this: FakeRegion, pageSize: number) {
    this.pageSizes.push(pageSize);
    const all = this.indexed();
    for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
  }.bind(this);
}
