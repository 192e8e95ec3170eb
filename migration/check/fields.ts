/**
 * Every canonical field of every data group (domain/model.ts), for
 * counting how often each is empty. Provenance and the identity code are
 * left out: every item has them by contract.
 */
import type { SourceRecords } from '../../domain/index.ts';

/** The data groups of SourceRecords, `person` being the patient/client record. */
export const DATA_GROUPS = ['person', 'customerships', 'decisions', 'plans', 'appointments', 'fees', 'consents'] as const;
export type DataGroup = (typeof DATA_GROUPS)[number];

/**
 * Field paths per group; a dotted path reads into a nested object
 * (`address.street`). Booleans and numbers are listed too: a source may
 * still leave them out of a malformed item the adapter served.
 */
export const CANONICAL_FIELDS: Readonly<Record<DataGroup, readonly string[]>> = {
  person: [
    'surname',
    'firstNames',
    'callName',
    'birthDate',
    'sex',
    'municipality',
    'language',
    'serviceLanguage',
    'address.street',
    'address.postalCode',
    'address.city',
    'phone',
    'turvakielto',
    'deathDate',
    'changedAt',
  ],
  customerships: ['careArea', 'serviceTask', 'service', 'unit', 'responsibleWorker', 'startDate', 'endDate', 'extraSensitive'],
  decisions: ['customershipId', 'service', 'decisionDate', 'validFrom', 'validTo', 'outcome'],
  plans: ['careArea', 'type', 'title', 'startDate', 'endDate', 'reviewDate', 'responsible', 'customershipId'],
  appointments: [
    'careArea',
    'professionalKind',
    'contactMode',
    'start',
    'durationMinutes',
    'unit.oid',
    'unit.name',
    'professional.name',
    'professional.title',
    'status',
    'note',
  ],
  fees: ['careArea', 'register', 'date', 'description', 'amountCents', 'accruesToCeiling', 'status'],
  consents: ['type', 'givenOn', 'withdrawnOn'],
};

/** Fields whose absence is normal for many items (a living person, an open customership, …). */
export const OFTEN_ABSENT_BY_DESIGN: ReadonlySet<string> = new Set([
  'person.callName',
  'person.deathDate',
  'customerships.endDate',
  'decisions.validTo',
  'plans.endDate',
  'plans.reviewDate',
  'plans.customershipId',
  'consents.withdrawnOn',
  'appointments.note',
]);

/** Counts items and empty fields per group, as records stream past. */
export class FieldCounter {
  readonly items = new Map<DataGroup, number>(DATA_GROUPS.map((g) => [g, 0]));
  private readonly empty = new Map<DataGroup, number[]>(DATA_GROUPS.map((g) => [g, CANONICAL_FIELDS[g].map(() => 0)]));
  private readonly paths = new Map<DataGroup, readonly (readonly string[])[]>(
    DATA_GROUPS.map((g) => [g, CANONICAL_FIELDS[g].map((f) => f.split('.'))]),
  );

  /** Counts one person's records of one instance. */
  add(records: SourceRecords): void {
    if (records.person) this.count('person', records.person);
    for (const g of DATA_GROUPS) {
      if (g === 'person') continue;
      for (const item of records[g]) this.count(g, item);
    }
  }

  private count(group: DataGroup, item: object): void {
    this.items.set(group, this.items.get(group)! + 1);
    const empty = this.empty.get(group)!;
    const paths = this.paths.get(group)!;
    for (let i = 0; i < paths.length; i++) if (isEmpty(read(item, paths[i]!))) empty[i]!++;
  }

  /** One row per field: group, field, items of the group, empty count. */
  rows(): { group: DataGroup; field: string; items: number; empty: number }[] {
    return DATA_GROUPS.flatMap((group) =>
      CANONICAL_FIELDS[group].map((field, i) => ({ group, field, items: this.items.get(group)!, empty: this.empty.get(group)![i]! })),
    );
  }
}

function read(item: object, path: readonly string[]): unknown {
  let v: unknown = item;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Absent, null, or text that is blank. */
export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}
