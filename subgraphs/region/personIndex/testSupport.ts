/**
 * Test support: an in-memory SourceAdapter with paging, change instants,
 * listing issues, call counters and switchable failure. Not a product
 * adapter; used by the person index tests only.
 */
import type { ChangedPage, ChangedPerson, PersonSlot, SourceAdapter } from '../../../domain/sourceAdapter.ts';
import { AdapterError, issue } from '../../../domain/errors.ts';
import type { RecordIssue } from '../../../domain/errors.ts';
import { makeHetu } from '../../../domain/hetu.ts';
import { emptyRecords } from '../../../domain/model.ts';
import { addDays, parseInstant } from '../../../domain/time.ts';
import { instance as instanceOf } from '../../../domain/region.ts';
import type { InstanceId, Product } from '../../../domain/region.ts';

export interface FakePerson {
  readonly hetu: string;
  readonly localId?: string;
  /** The municipality the instance has for the person. */
  readonly municipality?: string;
  readonly changedAt?: string;
}

export interface FakeSourceOptions {
  readonly pageSize?: number;
  /** Whether the listing carries each person's municipality (else only readPersons tells). */
  readonly listsMunicipality?: boolean;
  /** Issues the listing reports on its first page (e.g. invalid codes). */
  readonly listingIssues?: readonly RecordIssue[];
}

/** An in-memory source. Set `failure` to make listings (and reads) fail with that error. */
export class FakeSource implements SourceAdapter {
  readonly product: Product;
  readonly persons = new Map<string, FakePerson>();
  failure: AdapterError | null = null;
  /** When set, readPersons answers every slot with this error (listings still work). */
  readFailure: AdapterError | null = null;
  /** Fail after yielding this many pages (then listings fail mid-way). */
  failAfterPages: number | null = null;
  /** Code slots that readPersons answers with a per-key error. */
  readonly brokenReads = new Set<string>();
  readonly listCalls: string[] = [];
  readonly readCalls: number[] = [];
  private readonly pageSize: number;
  private readonly listsMunicipality: boolean;
  private readonly listingIssues: readonly RecordIssue[];

  constructor(
    readonly instance: InstanceId,
    persons: readonly FakePerson[] = [],
    options: FakeSourceOptions = {},
  ) {
    this.product = instanceOf(instance).product;
    this.pageSize = options.pageSize ?? 100;
    this.listsMunicipality = options.listsMunicipality ?? true;
    this.listingIssues = options.listingIssues ?? [];
    for (const p of persons) this.persons.set(p.hetu, p);
  }

  /** Adds or replaces a person. */
  put(p: FakePerson): void {
    this.persons.set(p.hetu, p);
  }

  async *listChanged(since: string): AsyncIterable<ChangedPage> {
    this.listCalls.push(since);
    if (this.failure) throw this.failure;
    const sinceMs = parseInstant(since);
    const listed = [...this.persons.values()].filter((p) => p.changedAt === undefined || parseInstant(p.changedAt) > sinceMs);
    let pages = 0;
    for (let i = 0; i === 0 || i < listed.length; i += this.pageSize) {
      if (this.failAfterPages !== null && pages >= this.failAfterPages) {
        throw new AdapterError('SOURCE_UNAVAILABLE', this.instance, 'expected a listing page, received no answer in time');
      }
      await Promise.resolve();
      const persons: ChangedPerson[] = listed.slice(i, i + this.pageSize).map((p) => ({
        hetu: p.hetu,
        ...(p.localId !== undefined ? { localId: p.localId } : {}),
        ...(this.listsMunicipality && p.municipality !== undefined ? { municipality: p.municipality } : {}),
        ...(p.changedAt !== undefined ? { changedAt: p.changedAt } : {}),
      }));
      yield { persons, issues: i === 0 ? this.listingIssues : [] };
      pages++;
    }
  }

  async readPersons(hetus: readonly string[]): Promise<PersonSlot[]> {
    this.readCalls.push(hetus.length);
    const inst = instanceOf(this.instance);
    return hetus.map((hetu) => {
      if (this.failure) return this.failure;
      if (this.readFailure) return this.readFailure;
      if (this.brokenReads.has(hetu))
        return new AdapterError('MALFORMED_RESPONSE', this.instance, 'expected a person, received a truncated body');
      const p = this.persons.get(hetu);
      if (!p) return { records: emptyRecords(hetu, this.instance), issues: [] };
      const municipality = inst.municipalities.find((m) => m === p.municipality) ?? inst.municipalities[0]!;
      return {
        records: {
          ...emptyRecords(hetu, this.instance),
          person: {
            hetu,
            surname: 'Testinen',
            firstNames: 'Testi',
            turvakielto: false,
            municipality,
            source: { instance: this.instance, product: this.product, municipality, localId: p.localId ?? hetu },
          },
        },
        issues: [],
      };
    });
  }

  async close(): Promise<void> {}
}

/** The n-th synthetic code (individual numbers 900–999 only), distinct for n below about 3.6 million. */
export function syntheticHetu(n: number): string {
  return makeHetu(addDays('1930-01-01', Math.floor(n / 100)), 900 + (n % 100));
}

/** An invalid-code listing issue as an adapter would report it. */
export function invalidCodeIssue(instance: InstanceId, position: string): RecordIssue {
  return issue(
    'INVALID_IDENTITY_CODE',
    instance,
    position,
    'expected a valid identity code, received one whose check character does not match',
  );
}
