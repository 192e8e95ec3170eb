/**
 * Compares two instances' canonical records of one person, record by
 * record, the way a migration is validated: records are matched by their
 * natural keys (never by local ids, which the target assigns anew) and
 * compared field by field with provenance left out. Pure: no I/O.
 */
import { formatInstant, parseInstant, type SourceRecords } from '../../domain/index.ts';

/** The data groups compared, person-level basic data first. */
export const GROUPS = ['person', 'customerships', 'decisions', 'plans', 'appointments', 'fees', 'consents'] as const;
export type Group = (typeof GROUPS)[number];

/** A leaf value of a canonical record. */
export type Value = string | number | boolean;

/** One record prepared for comparison: its natural key and its fields (dotted names, provenance left out). */
export interface Comparable {
  /** Natural-key components by name, e.g. `{ date, amountCents, description }`. */
  readonly key: Readonly<Record<string, Value>>;
  readonly fields: Readonly<Record<string, Value>>;
}

/** A field that differs between the two sides; `null` where that side has no value. */
export interface FieldChange {
  readonly field: string;
  readonly before: Value | null;
  readonly after: Value | null;
}

export interface ChangedRecord {
  readonly before: Comparable;
  readonly after: Comparable;
  readonly changes: readonly FieldChange[];
}

/** How one group's records of one person compare. */
export interface GroupComparison {
  /** Records found on both sides with every field equal. */
  readonly matched: number;
  /** Records on side A with no counterpart on side B. */
  readonly missing: readonly Comparable[];
  /** Records on side B with no counterpart on side A. */
  readonly extra: readonly Comparable[];
  readonly changed: readonly ChangedRecord[];
}

export type PersonComparison = Readonly<Record<Group, GroupComparison>>;

/**
 * Fields left out of every comparison: `source` (provenance: instance and
 * local ids differ by design) and the person's `changedAt` (each system
 * stamps its own changes; a migration is a change). `hetu` is the match key.
 */
const IGNORED_PERSON_FIELDS = new Set(['source', 'changedAt', 'hetu']);

/**
 * Pairs that differ in one key component and in at most this many fields
 * are taken as one record changed (e.g. an appointment shifted by an hour)
 * rather than one record missing and another extra.
 */
const MAX_RELAXED_DIFFERENCES = 3;

/** Leaf fields of a record with dotted names (`unit.name`), `source` left out, absent fields absent. */
export function flatten(record: object, skip: ReadonlySet<string> = new Set(['source'])): Record<string, Value> {
  const out: Record<string, Value> = {};
  const walk = (value: unknown, prefix: string): void => {
    if (value === undefined || value === null) return;
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (prefix === '' && skip.has(k)) continue;
        walk(v, prefix === '' ? k : `${prefix}.${k}`);
      }
      return;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[prefix] = value;
  };
  walk(record, '');
  return out;
}

/** An instant in the one canonical form (so `…Z` and `…+02:00` of one moment compare equal). */
function instant(value: string): string {
  const ms = parseInstant(value);
  return Number.isNaN(ms) ? value : formatInstant(ms);
}

/** `serviceTask startDate` of the customership a decision or plan points at, by local id. */
function customershipKeys(records: SourceRecords): Map<string, string> {
  return new Map(records.customerships.map((c) => [c.source.localId, `${c.serviceTask} ${c.startDate}`]));
}

/**
 * Replaces a local customership id by the natural key of the customership
 * it names, so references survive a migration's new ids. A dangling id
 * becomes `(no such customership)`.
 */
function withCustomership(fields: Record<string, Value>, keys: ReadonlyMap<string, string>): Record<string, Value> {
  if (!('customershipId' in fields)) return fields;
  const { customershipId, ...rest } = fields;
  return { ...rest, customership: keys.get(String(customershipId)) ?? '(no such customership)' };
}

/** Every group of one instance's records of a person, prepared for comparison. */
export function comparables(records: SourceRecords | undefined): Record<Group, Comparable[]> {
  const out: Record<Group, Comparable[]> = {
    person: [],
    customerships: [],
    decisions: [],
    plans: [],
    appointments: [],
    fees: [],
    consents: [],
  };
  if (!records) return out;
  if (records.person) out.person.push({ key: {}, fields: flatten(records.person, IGNORED_PERSON_FIELDS) });
  const keys = customershipKeys(records);
  for (const c of records.customerships) {
    out.customerships.push({ key: { serviceTask: c.serviceTask, startDate: c.startDate }, fields: flatten(c) });
  }
  for (const d of records.decisions) {
    out.decisions.push({ key: { service: d.service, decisionDate: d.decisionDate }, fields: withCustomership(flatten(d), keys) });
  }
  for (const p of records.plans) {
    out.plans.push({ key: { type: p.type, startDate: p.startDate }, fields: withCustomership(flatten(p), keys) });
  }
  for (const a of records.appointments) {
    const fields = flatten(a);
    fields['start'] = instant(a.start);
    out.appointments.push({ key: { start: fields['start'], careArea: a.careArea, unit: a.unit.oid ?? a.unit.name }, fields });
  }
  for (const f of records.fees) {
    out.fees.push({ key: { date: f.date, amountCents: f.amountCents, description: f.description }, fields: flatten(f) });
  }
  for (const c of records.consents) {
    out.consents.push({ key: { type: c.type, givenOn: c.givenOn }, fields: flatten(c) });
  }
  return out;
}

/** The fields that differ, in name order. */
export function fieldChanges(a: Readonly<Record<string, Value>>, b: Readonly<Record<string, Value>>): FieldChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: FieldChange[] = [];
  for (const field of names) {
    const before = a[field] ?? null;
    const after = b[field] ?? null;
    if (before !== after) out.push({ field, before, after });
  }
  return out;
}

function signature(values: Readonly<Record<string, Value>>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]]),
  );
}

/** Key components that differ between two records of one group. */
function keyDifferences(a: Comparable, b: Comparable): number {
  let n = 0;
  for (const k of Object.keys(a.key)) if (a.key[k] !== b.key[k]) n++;
  return n;
}

export interface GroupMatch {
  /** Pairs equal in every field. */
  readonly equal: readonly (readonly [Comparable, Comparable])[];
  readonly changed: readonly ChangedRecord[];
  readonly missing: readonly Comparable[];
  readonly extra: readonly Comparable[];
}

/**
 * Matches one group's records of side A against side B:
 * 1. by natural key, records equal in every field first (duplicates pair
 *    one to one), then the rest of a key's records in order, as changed;
 * 2. what is left, by every key component but one: each pair scored by
 *    how many fields differ, the closest pairs first, up to
 *    MAX_RELAXED_DIFFERENCES (an appointment moved by an hour, a fee whose
 *    amount changed);
 * 3. the rest is missing (A only) or extra (B only).
 * With `exactOnly`, only equal records pair (for subtracting a baseline).
 */
export function matchGroup(as: readonly Comparable[], bs: readonly Comparable[], exactOnly = false): GroupMatch {
  const equal: (readonly [Comparable, Comparable])[] = [];
  const changed: ChangedRecord[] = [];
  const byKey = new Map<string, { a: Comparable[]; b: Comparable[] }>();
  const bucket = (c: Comparable) => {
    const k = signature(c.key);
    let entry = byKey.get(k);
    if (!entry) byKey.set(k, (entry = { a: [], b: [] }));
    return entry;
  };
  for (const a of as) bucket(a).a.push(a);
  for (const b of bs) bucket(b).b.push(b);

  const restA: Comparable[] = [];
  const restB: Comparable[] = [];
  for (const { a, b } of byKey.values()) {
    const bySig = new Map<string, Comparable[]>();
    for (const x of b) {
      const s = signature(x.fields);
      const list = bySig.get(s);
      if (list) list.push(x);
      else bySig.set(s, [x]);
    }
    const leftA: Comparable[] = [];
    for (const x of a) {
      const twin = bySig.get(signature(x.fields))?.shift();
      if (twin) equal.push([x, twin]);
      else leftA.push(x);
    }
    const leftB = [...bySig.values()].flat();
    if (exactOnly) {
      restA.push(...leftA);
      restB.push(...leftB);
      continue;
    }
    const order = (x: Comparable, y: Comparable) => signature(x.fields).localeCompare(signature(y.fields));
    leftA.sort(order);
    leftB.sort(order);
    const n = Math.min(leftA.length, leftB.length);
    for (let i = 0; i < n; i++)
      changed.push({ before: leftA[i]!, after: leftB[i]!, changes: fieldChanges(leftA[i]!.fields, leftB[i]!.fields) });
    restA.push(...leftA.slice(n));
    restB.push(...leftB.slice(n));
  }
  if (exactOnly || restA.length === 0 || restB.length === 0) return { equal, changed, missing: restA, extra: restB };

  const candidates: { i: number; j: number; score: number }[] = [];
  restA.forEach((a, i) => {
    restB.forEach((b, j) => {
      if (keyDifferences(a, b) !== 1) return;
      const score = fieldChanges(a.fields, b.fields).length;
      if (score <= MAX_RELAXED_DIFFERENCES) candidates.push({ i, j, score });
    });
  });
  candidates.sort((x, y) => x.score - y.score || x.i - y.i || x.j - y.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  for (const { i, j } of candidates) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    changed.push({ before: restA[i]!, after: restB[j]!, changes: fieldChanges(restA[i]!.fields, restB[j]!.fields) });
  }
  return {
    equal,
    changed,
    missing: restA.filter((_, i) => !usedA.has(i)),
    extra: restB.filter((_, j) => !usedB.has(j)),
  };
}

/**
 * Compares what side A and side B hold of one person. `baseline` is what B
 * held before the migration: B's records equal to a baseline record are
 * B's own and left out, and when the baseline already had the person, B's
 * basic data is compared with the baseline's (the migration must leave it
 * as it was) instead of with A's.
 */
export function comparePerson(a: SourceRecords | undefined, b: SourceRecords | undefined, baseline?: SourceRecords): PersonComparison {
  const ca = comparables(a);
  const cb = comparables(b);
  const cz = baseline ? comparables(baseline) : undefined;
  const out = {} as Record<Group, GroupComparison>;
  for (const group of GROUPS) {
    let left = ca[group];
    let right = cb[group];
    if (cz) {
      if (group === 'person') {
        if (cz.person.length > 0) left = cz.person;
      } else {
        const own = matchGroup(cz[group], right, true);
        const ownSet = new Set(own.equal.map(([, x]) => x));
        right = right.filter((x) => !ownSet.has(x));
      }
    }
    const m = matchGroup(left, right);
    out[group] = { matched: m.equal.length, missing: m.missing, extra: m.extra, changed: m.changed };
  }
  return out;
}

/** True when the comparison found no difference in any group. */
export function isIdentical(c: PersonComparison): boolean {
  return GROUPS.every((g) => c[g].missing.length === 0 && c[g].extra.length === 0 && c[g].changed.length === 0);
}
