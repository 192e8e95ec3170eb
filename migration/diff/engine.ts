/**
 * The migration diff over two adapters: lists both instances, reads the
 * persons in scope batch by batch (never the whole instance at once),
 * compares each person's canonical records and keeps counts, plus the
 * findings themselves up to a cap.
 */
import {
  AdapterError,
  BEGINNING_OF_TIME,
  type PersonRead,
  type PersonSlot,
  type ReadOptions,
  type SourceAdapter,
  type SourceRecords,
} from '../../domain/index.ts';
import { mapBounded } from '../../adapters/wire/concurrency.ts';
import { CommandError } from '../commands/io.ts';
import { comparePerson, GROUPS, isIdentical, type Comparable, type FieldChange, type Group, type Value } from './compare.ts';

export type Side = 'from' | 'to' | 'baseline';

export interface DiffInput {
  readonly from: SourceAdapter;
  readonly to: SourceAdapter;
  /** What `to` held before the migration; its records and basic data are not differences. */
  readonly baseline?: SourceAdapter;
  /** Only persons of this municipality (3-digit code). */
  readonly municipality?: string;
  readonly readOptions?: ReadOptions;
  /**
   * With a municipality: also read persons only `to` lists, when its listing
   * does not say their municipality, to find persons of the municipality
   * that `to` holds and `from` does not. Costs a read of each such person.
   */
  readonly targetScan?: boolean;
  /** Persons per read. */
  readonly batchSize?: number;
  /** Batches in flight at once. */
  readonly concurrency?: number;
  /** Findings kept in the details (counts are always complete). */
  readonly maxFindings?: number;
  /** Called after each batch: `scan` reads only-`to` persons to place them, `compare` reads and compares. */
  readonly onProgress?: (phase: 'scan' | 'compare', done: number, total: number) => void;
}

export type Finding =
  | {
      readonly hetu: string;
      readonly group: Group;
      readonly kind: 'missing' | 'extra';
      readonly key: Readonly<Record<string, Value>>;
      readonly record: Readonly<Record<string, Value>>;
    }
  | {
      readonly hetu: string;
      readonly group: Group;
      readonly kind: 'changed';
      readonly key: Readonly<Record<string, Value>>;
      readonly changes: readonly FieldChange[];
    }
  | { readonly hetu: string; readonly kind: 'unreadable'; readonly side: Side; readonly code: string; readonly message: string };

export interface GroupCounts {
  matched: number;
  missing: number;
  extra: number;
  changed: number;
  /** Changed records by field name. */
  readonly fields: Record<string, number>;
}

export interface DiffOutcome {
  readonly persons: {
    /** Persons each side's listing named (valid codes). */
    readonly listed: Record<Side, number>;
    /** Persons read and compared (in scope). */
    compared: number;
    /** Persons read but outside the municipality. */
    outOfScope: number;
    withDifferences: number;
    /** Persons `to` held before the migration (baseline only). */
    preExisting: number;
    /** Persons whose records could not be read on some side. */
    unreadable: number;
    /** Persons only `to` lists that were not read (no target scan). */
    notScanned: number;
  };
  readonly groups: Record<Group, GroupCounts>;
  /** Record issues and read errors by side and code (listing issues included). */
  readonly issues: Record<Side, Record<string, number>>;
  readonly findings: Finding[];
  findingsLeftOut: number;
}

const DEFAULT_BATCH = 20;
const DEFAULT_MAX_FINDINGS = 10_000;
/** Batches read at once by default; each adapter bounds its own concurrency within a batch. */
const DEFAULT_CONCURRENCY = 4;
/** A read that asks for as little as an adapter can give: no fee years, no appointments. */
const PROBE: ReadOptions = { feeYears: [], appointmentsFrom: '1900-01-01', appointmentsTo: '1900-01-01' };

/** Lists every person of an instance: code → municipality the listing gives (or undefined). */
async function listPersons(
  adapter: SourceAdapter,
  issues: Record<string, number>,
  signal?: AbortSignal,
): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  try {
    for await (const page of adapter.listChanged(BEGINNING_OF_TIME, signal ? { signal } : {})) {
      for (const p of page.persons) if (!out.has(p.hetu) || p.municipality !== undefined) out.set(p.hetu, p.municipality);
      for (const i of page.issues) issues[i.code] = (issues[i.code] ?? 0) + 1;
    }
  } catch (err) {
    const why = err instanceof AdapterError ? `${err.code}: ${err.message}` : (err as Error).message;
    throw new CommandError(`Could not list the persons of ${adapter.instance} (${why}).`, { cause: err });
  }
  return out;
}

function inMunicipality(records: SourceRecords | undefined, m: string): boolean {
  const p = records?.person;
  return p !== undefined && (p.source.municipality === m || p.municipality === m);
}

/** Reads `hetus` from an adapter, or gives nothing for those it does not list. */
async function readSide(
  adapter: SourceAdapter | undefined,
  listed: ReadonlyMap<string, unknown> | undefined,
  hetus: readonly string[],
  options: ReadOptions,
): Promise<Map<string, PersonSlot>> {
  const out = new Map<string, PersonSlot>();
  if (!adapter || !listed) return out;
  const wanted = hetus.filter((h) => listed.has(h));
  if (wanted.length === 0) return out;
  const slots = await adapter.readPersons(wanted, options);
  wanted.forEach((h, i) => out.set(h, slots[i]!));
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs the diff; rejects only when a side cannot be listed at all. */
export async function diffInstances(input: DiffInput): Promise<DiffOutcome> {
  const m = input.municipality;
  const options = input.readOptions ?? {};
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  const concurrency = input.concurrency ?? DEFAULT_CONCURRENCY;
  const maxFindings = input.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const groups = Object.fromEntries(GROUPS.map((g) => [g, { matched: 0, missing: 0, extra: 0, changed: 0, fields: {} }])) as Record<
    Group,
    GroupCounts
  >;
  const issues: Record<Side, Record<string, number>> = { from: {}, to: {}, baseline: {} };
  const outcome: DiffOutcome = {
    persons: {
      listed: { from: 0, to: 0, baseline: 0 },
      compared: 0,
      outOfScope: 0,
      withDifferences: 0,
      preExisting: 0,
      unreadable: 0,
      notScanned: 0,
    },
    groups,
    issues,
    findings: [],
    findingsLeftOut: 0,
  };
  const find = (f: Finding): void => {
    if (outcome.findings.length < maxFindings) outcome.findings.push(f);
    else outcome.findingsLeftOut++;
  };

  const [listA, listB, listZ] = await Promise.all([
    listPersons(input.from, issues.from, options.signal),
    listPersons(input.to, issues.to, options.signal),
    input.baseline ? listPersons(input.baseline, issues.baseline, options.signal) : Promise.resolve(undefined),
  ]);
  outcome.persons.listed.from = listA.size;
  outcome.persons.listed.to = listB.size;
  outcome.persons.listed.baseline = listZ?.size ?? 0;

  // Who to read: everyone either side lists, or with a municipality, those
  // a listing places there or does not place at all (read to find out).
  const full = new Set<string>();
  const probe: string[] = [];
  for (const [h, where] of listA) if (m === undefined || where === undefined || where === m) full.add(h);
  for (const [h, where] of listB) {
    if (full.has(h)) continue;
    if (m === undefined || where === m) full.add(h);
    else if (where === undefined) {
      if (input.targetScan) probe.push(h);
      else outcome.persons.notScanned++;
    }
  }

  const unreadable = (hetu: string, side: Side, err: AdapterError): void => {
    issues[side][err.code] = (issues[side][err.code] ?? 0) + 1;
    find({ hetu, kind: 'unreadable', side, code: err.code, message: err.message });
  };

  if (m !== undefined && probe.length > 0) {
    let scanned = 0;
    await mapBounded(chunks(probe, batchSize), concurrency, async (batch) => {
      const slots = await readSide(input.to, listB, batch, options.signal ? { ...PROBE, signal: options.signal } : PROBE);
      for (const h of batch) {
        const slot = slots.get(h)!;
        // A person that could not be read goes on to the full read, which reports it.
        if (slot instanceof AdapterError || inMunicipality(slot.records, m)) full.add(h);
        else outcome.persons.outOfScope++;
      }
      scanned += batch.length;
      input.onProgress?.('scan', scanned, probe.length);
    });
  }

  let done = 0;

  await mapBounded(chunks([...full], batchSize), concurrency, async (batch) => {
    const [a, b, z] = await Promise.all([
      readSide(input.from, listA, batch, options),
      readSide(input.to, listB, batch, options),
      readSide(input.baseline, listZ, batch, options),
    ]);
    for (const hetu of batch) {
      done++;
      const reads: Partial<Record<Side, PersonRead>> = {};
      let failed = false;
      for (const [side, slots] of [
        ['from', a],
        ['to', b],
        ['baseline', z],
      ] as const) {
        const slot = slots.get(hetu);
        if (slot === undefined) continue;
        if (slot instanceof AdapterError) {
          unreadable(hetu, side, slot);
          failed = true;
        } else {
          reads[side] = slot;
          for (const i of slot.issues) issues[side][i.code] = (issues[side][i.code] ?? 0) + 1;
        }
      }
      if (failed) {
        outcome.persons.unreadable++;
        continue;
      }
      if (m !== undefined && !inMunicipality(reads.from?.records, m) && !inMunicipality(reads.to?.records, m)) {
        outcome.persons.outOfScope++;
        continue;
      }
      outcome.persons.compared++;
      if (reads.baseline?.records.person) outcome.persons.preExisting++;
      const c = comparePerson(reads.from?.records, reads.to?.records, reads.baseline?.records);
      if (isIdentical(c)) {
        for (const g of GROUPS) groups[g].matched += c[g].matched;
        continue;
      }
      outcome.persons.withDifferences++;
      for (const g of GROUPS) {
        const counts = groups[g];
        const r = c[g];
        counts.matched += r.matched;
        counts.missing += r.missing.length;
        counts.extra += r.extra.length;
        counts.changed += r.changed.length;
        const record = (x: Comparable, kind: 'missing' | 'extra') => find({ hetu, group: g, kind, key: x.key, record: x.fields });
        for (const x of r.missing) record(x, 'missing');
        for (const x of r.extra) record(x, 'extra');
        for (const x of r.changed) {
          for (const f of x.changes) counts.fields[f.field] = (counts.fields[f.field] ?? 0) + 1;
          find({ hetu, group: g, kind: 'changed', key: x.before.key, changes: x.changes });
        }
      }
    }
    input.onProgress?.('compare', done, full.size);
  });
  return outcome;
}

/** True when the diff found nothing: no differences and every person read. */
export function isClean(o: DiffOutcome): boolean {
  return o.persons.withDifferences === 0 && o.persons.unreadable === 0;
}
