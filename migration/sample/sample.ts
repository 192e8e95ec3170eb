/**
 * A pseudonymised sample of one instance in its own native format: N
 * persons chosen at random (seeded) from the instance's listing, read
 * through its adapter, pseudonymised (pseudonym.ts) and written with that
 * product's fixture writer into `{out}/{instance}/`, with a VTJ file for
 * the sample persons in `{out}/vtj/`. The instance's quirks stay
 * reproducible: legacy identity-code forms are written in their form (from
 * the issues the adapter reported), codes and dates are kept, and what had
 * no canonical code is written so that it still has none.
 */
import {
  AdapterError,
  BEGINNING_OF_TIME,
  instance as instanceOf,
  municipality as municipalityOf,
  type PersonRead,
  type Provenance,
  type ReadOptions,
  type RecordIssue,
  type SourceAdapter,
  type SourcePerson,
  type SourceRecords,
  type VtjAdapter,
  type VtjPerson,
} from '../../domain/index.ts';
import { mapBounded } from '../../adapters/wire/concurrency.ts';
import type { HetuForm, IntendedRecords } from '../../fixtures/generator/types.ts';
import { PRODUCT_WRITERS, createVtjWriter } from '../../fixtures/generator/writers/index.ts';
import { Rng } from '../../fixtures/generator/rng.ts';
import { CommandError } from '../commands/io.ts';
import { maskText, Pseudonymiser } from './pseudonym.ts';

export interface SampleInput {
  readonly adapter: SourceAdapter;
  /** The population register; without it the sample's VTJ file is derived from the instance's basic data. */
  readonly vtj?: VtjAdapter;
  readonly persons: number;
  readonly seed: number;
  readonly outDir: string;
  /** The writers' "today" (a default change stamp where a record has none). */
  readonly today: string;
  readonly readOptions?: ReadOptions;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One sample person, by synthetic code only. */
export interface SamplePerson {
  readonly hetu: string;
  readonly hetuForm: HetuForm;
  /** Issue codes the adapter reported for the original, with counts. */
  readonly issues: Readonly<Record<string, number>>;
  /** Where the sample's VTJ entry came from. */
  readonly vtj: 'vtj' | 'derived' | 'absent';
}

export interface SampleOutcome {
  readonly instance: string;
  /** Persons the instance's listing named. */
  readonly listed: number;
  readonly persons: readonly SamplePerson[];
  /** Persons chosen but not written: the read failed, or the instance had no record of them. */
  readonly unreadable: number;
  readonly empty: number;
  /** VTJ could not be read for these (their VTJ entry derived from the instance). */
  readonly vtjUnreadable: number;
  /** The pseudonymised records as written, to compare with what the adapter reads back. */
  readonly expected: readonly SourceRecords[];
}

const BATCH = 20;
/** Batches read at once. */
const CONCURRENCY = 4;

/** The legacy form an adapter's issues say the person's code had. */
export function hetuFormOf(issues: readonly RecordIssue[]): HetuForm {
  for (const i of issues) {
    if (i.code !== 'NORMALISED_IDENTITY_CODE') continue;
    if (/without it/.test(i.reason)) return 'noCentury';
    if (/lower case/.test(i.reason)) return 'lowercase';
    if (/spaces/.test(i.reason)) return 'spaces';
  }
  return 'canonical';
}

/** Reservoir sampling over a listing: at most `n` codes, in listing order, seeded. */
async function choose(
  adapter: SourceAdapter,
  n: number,
  seed: number,
  signal?: AbortSignal,
): Promise<{ chosen: string[]; listed: Set<string> }> {
  const rng = new Rng(seed);
  const reservoir: { hetu: string; at: number }[] = [];
  const seen = new Set<string>();
  try {
    for await (const page of adapter.listChanged(BEGINNING_OF_TIME, signal ? { signal } : {})) {
      for (const p of page.persons) {
        if (seen.has(p.hetu)) continue;
        seen.add(p.hetu);
        const at = seen.size - 1;
        if (reservoir.length < n) reservoir.push({ hetu: p.hetu, at });
        else {
          const j = rng.int(0, at);
          if (j < n) reservoir[j] = { hetu: p.hetu, at };
        }
      }
    }
  } catch (err) {
    const why = err instanceof AdapterError ? `${err.code}: ${err.message}` : (err as Error).message;
    throw new CommandError(`Could not list the persons of ${adapter.instance} (${why}).`, { cause: err });
  }
  return { chosen: reservoir.sort((a, b) => a.at - b.at).map((r) => r.hetu), listed: seen };
}

function words(text: string | undefined): string[] {
  return text ? text.split(/\s+/).filter((w) => /\p{L}/u.test(w)) : [];
}

/** Every name and street word of a person's records and VTJ entry. */
function originalWords(r: SourceRecords, v: VtjPerson | undefined): string[] {
  const p = r.person;
  return [
    ...words(p?.surname),
    ...words(p?.firstNames),
    ...words(p?.callName),
    ...words(p?.address?.street),
    ...r.appointments.flatMap((a) => words(a.professional?.name)),
    ...r.customerships.flatMap((c) => words(c.responsibleWorker)),
    ...r.plans.flatMap((x) => words(x.responsible)),
    ...words(v?.surname),
    ...words(v?.firstNames),
    ...words(v?.address?.streetFi),
    ...words(v?.address?.streetSv),
  ];
}

const squeeze = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

/** The person's records with identity, names, addresses, phones and free text replaced; dates, codes and local ids kept. */
function pseudonymise(
  r: SourceRecords & { person: SourcePerson },
  code: string,
  ps: Pseudonymiser,
): SourceRecords & { person: SourcePerson } {
  // Effica and Mediatri use the identity code as the person's local id.
  const src = <T extends { source: Provenance }>(x: T): T =>
    squeeze(x.source.localId) === r.hetu ? { ...x, source: { ...x.source, localId: code } } : x;
  const p = r.person;
  return {
    ...r,
    hetu: code,
    person: src({
      ...p,
      hetu: code,
      surname: ps.name(p.surname),
      firstNames: ps.name(p.firstNames),
      ...(p.callName !== undefined && { callName: ps.name(p.callName) }),
      ...(p.address && {
        address: { street: ps.name(p.address.street), postalCode: ps.postalCode(p.address.postalCode), city: p.address.city },
      }),
      ...(p.phone !== undefined && { phone: ps.phone(p.phone) }),
    }),
    customerships: r.customerships.map((c) =>
      src({ ...c, ...(c.responsibleWorker !== undefined && { responsibleWorker: ps.name(c.responsibleWorker) }) }),
    ),
    decisions: r.decisions.map(src),
    plans: r.plans.map((x) => src({ ...x, ...(x.responsible !== undefined && { responsible: ps.name(x.responsible) }) })),
    appointments: r.appointments.map((a) =>
      src({
        ...a,
        ...(a.professional && { professional: { ...a.professional, name: ps.name(a.professional.name) } }),
        ...(a.note !== undefined && { note: maskText(a.note) }),
      }),
    ),
    fees: r.fees.map(src),
    consents: r.consents.map(src),
  };
}

/** A VTJ entry from the instance's own basic data, when VTJ cannot be asked. */
function derivedVtj(p: SourcePerson): VtjPerson {
  const m = p.municipality !== undefined ? municipalityOf(p.municipality) : undefined;
  return {
    hetu: p.hetu,
    hetuInForce: true,
    surname: p.surname,
    firstNames: p.firstNames,
    ...(p.address && { address: { streetFi: p.address.street, postalCode: p.address.postalCode, cityFi: p.address.city } }),
    ...(m && { municipality: { code: m.code, nameFi: m.nameFi, nameSv: m.nameSv } }),
    ...(p.language !== undefined && { language: p.language }),
    turvakielto: p.turvakielto,
    ...(p.deathDate !== undefined && { deathDate: p.deathDate }),
    guardians: [],
    dependants: [],
  };
}

function pseudonymiseVtj(v: VtjPerson, code: string, ps: Pseudonymiser): VtjPerson {
  const a = v.address;
  return {
    ...v,
    hetu: code,
    surname: ps.name(v.surname),
    firstNames: ps.name(v.firstNames),
    ...(a && {
      address: {
        ...a,
        streetFi: ps.name(a.streetFi),
        ...(a.streetSv !== undefined && { streetSv: ps.name(a.streetSv) }),
        postalCode: ps.postalCode(a.postalCode),
      },
    }),
    // Family links to persons outside the sample are left out: their codes would be originals.
    guardians: v.guardians.flatMap((g) => ps.assigned(g) ?? []),
    dependants: v.dependants.flatMap((d) => ps.assigned(d) ?? []),
  };
}

/** Takes the sample and writes it; rejects only when the instance cannot be listed. */
export async function takeSample(input: SampleInput): Promise<SampleOutcome> {
  const inst = instanceOf(input.adapter.instance);
  if (inst.product === 'vtj') throw new RangeError('VTJ is not a record instance.');
  const { chosen, listed } = await choose(input.adapter, input.persons, input.seed, input.readOptions?.signal);

  const batches: string[][] = [];
  for (let i = 0; i < chosen.length; i += BATCH) batches.push(chosen.slice(i, i + BATCH));
  let done = 0;
  const slots = (
    await mapBounded(batches, CONCURRENCY, async (batch) => {
      const read = await input.adapter.readPersons(batch, input.readOptions ?? {});
      done += batch.length;
      input.onProgress?.(done, chosen.length);
      return read;
    })
  ).flat();
  const reads: (PersonRead & { records: { person: SourcePerson } })[] = [];
  let unreadable = 0;
  let empty = 0;
  for (const slot of slots) {
    if (slot instanceof AdapterError) unreadable++;
    else if (!slot.records.person) empty++;
    else reads.push(slot as PersonRead & { records: { person: SourcePerson } });
  }

  const vtjOf = new Map<string, VtjPerson | null | AdapterError>();
  if (input.vtj && reads.length > 0) {
    const codes = reads.map((r) => r.records.hetu);
    const signal = input.readOptions?.signal;
    const slots = await input.vtj.readPersons(codes, signal ? { signal } : {});
    codes.forEach((c, i) => vtjOf.set(c, slots[i]!));
  }
  const found = (hetu: string): VtjPerson | undefined => {
    const v = vtjOf.get(hetu);
    return v && !(v instanceof AdapterError) ? v : undefined;
  };

  // Synthetic codes avoid every code the instance lists (not only the sample's), and family members' codes.
  const ps = new Pseudonymiser(input.seed, {
    codes: [
      ...listed,
      ...reads.flatMap((r) => [...(found(r.records.hetu)?.guardians ?? []), ...(found(r.records.hetu)?.dependants ?? [])]),
    ],
    words: reads.flatMap((r) => originalWords(r.records, found(r.records.hetu))),
  });
  const forms = reads.map((r) => hetuFormOf(r.issues));
  // Codes first, all of them, so family links between sample persons can be mapped.
  reads.forEach((r, i) => ps.code(r.records.hetu, { letter: forms[i] === 'lowercase' }));

  const writer = PRODUCT_WRITERS[inst.product]({ outDir: input.outDir, instance: inst, today: input.today });
  const vtjWriter = createVtjWriter(input.outDir);
  const persons: SamplePerson[] = [];
  const expected: SourceRecords[] = [];
  let vtjUnreadable = 0;
  try {
    reads.forEach((r, i) => {
      const original = r.records.hetu;
      const code = ps.code(original);
      const records = pseudonymise(r.records, code, ps);
      const intended: IntendedRecords = { ...records, hetuForm: forms[i]! };
      writer.write(intended);
      expected.push(records);
      const v = vtjOf.get(original);
      let source: SamplePerson['vtj'];
      if (v === null)
        source = 'absent'; // the instance holds a person VTJ does not know: kept so
      else if (v === undefined || v instanceof AdapterError) {
        if (v instanceof AdapterError) vtjUnreadable++;
        vtjWriter.write(derivedVtj(records.person));
        source = 'derived';
      } else {
        vtjWriter.write(pseudonymiseVtj(v, code, ps));
        source = 'vtj';
      }
      const issues: Record<string, number> = {};
      for (const x of r.issues) issues[x.code] = (issues[x.code] ?? 0) + 1;
      persons.push({ hetu: code, hetuForm: forms[i]!, issues, vtj: source });
    });
  } finally {
    await writer.close();
    await vtjWriter.close();
  }
  return { instance: inst.id, listed: listed.size, persons, unreadable, empty, vtjUnreadable, expected };
}
