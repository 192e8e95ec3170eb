/**
 * The analysts' counters kept current person by person (issue 14, item 5):
 * what each person adds to the counters, per instance, so that when a
 * person's records change at one instance only that part is read again and
 * the person's old contribution is replaced by the new one (subtract the
 * old, add the new). Same definitions as counters.ts; no count depends on
 * "today", so a contribution changes only when the person's records do.
 *
 * Held in memory on the leader only, never written anywhere: a person's
 * contribution says which services they have where, a second copy of client
 * data (CONTEXT.md, "No new copies"). Compact: a person is one small array of
 * cell numbers per instance, cells (municipality|task, municipality|area|month)
 * are numbered once for all persons. The measured size is in
 * docs/deploying/leader-and-statistics.md (`bytesPerPerson` there).
 */
import type { CareArea, SourceRecords } from '../../../domain/model.ts';
import type { InstanceId, MunicipalityCode } from '../../../domain/region.ts';
import { helsinkiMonth } from './counters.ts';
import type { StatisticsCounts } from './counters.ts';

/**
 * What a cell number counts (plain numbers, not an enum: the project runs
 * on type stripping): customerships by `municipality|serviceTask`,
 * appointments by `municipality|careArea|YYYY-MM`, appointments without a
 * month (one cell), a service in `municipality|careArea` (counted once per
 * person: a client), clients with services in `municipality|n` care areas.
 */
const Kind = { Customership: 0, Appointment: 1, WithoutMonth: 2, Area: 3, MultiArea: 4 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/**
 * Per-person contributions and the counters they sum to. Not thread-safe
 * in the async sense either: call `set` for one person at a time (it is
 * synchronous, so any caller is).
 */
export class Contributions {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly kinds: Kind[] = [];
  /** Municipality of an Area cell (to find multi-area clients). */
  private readonly municipalities: (MunicipalityCode | null)[] = [];
  private readonly totals: number[] = [];
  private readonly instances = new Map<InstanceId, number>();
  /**
   * Person → segments `instance, length, cell…` one after another, each
   * number one UTF-16 code unit of a string (why a string: it is the most
   * compact immutable sequence of small numbers V8 has, about a third of an
   * array's size with its spare capacity). Cells of count kinds repeat once
   * per record; Area cells appear once per segment.
   */
  private readonly persons = new Map<string, string>();

  /** Persons with any contribution. */
  get size(): number {
    return this.persons.size;
  }

  /**
   * Replaces what `instance` contributes for one person with what `records`
   * hold (null or empty records: nothing, e.g. the person left the instance).
   */
  set(hetu: string, instance: InstanceId, records: SourceRecords | null): void {
    const inst = this.instanceNumber(instance);
    const old = this.persons.get(hetu);
    const segment = records ? this.segment(records) : [];
    if (old === undefined && segment.length === 0) return;
    if (segment.length > 0xffff) throw new RangeError('expected fewer than 65 536 records of one person in one instance, received more');
    const units = old ? withoutSegment(old, inst) : [];
    if (segment.length > 0) units.push(inst, segment.length, ...segment);
    // Made whole from code units: a concatenation or slice would be a rope or view holding other strings alive.
    const next = String.fromCharCode(...units);
    if (old) this.add(old, -1);
    if (next.length > 0) {
      this.add(next, 1);
      this.persons.set(hetu, next);
    } else {
      this.persons.delete(hetu);
    }
  }

  /** Whether this person has a contribution from `instance` (tests). */
  has(hetu: string, instance: InstanceId): boolean {
    const entry = this.persons.get(hetu);
    const inst = this.instances.get(instance);
    if (!entry || inst === undefined) return false;
    for (let i = 0; i < entry.length; i += 2 + entry.charCodeAt(i + 1)) if (entry.charCodeAt(i) === inst) return true;
    return false;
  }

  /** The counters now, as fresh maps (zero cells left out). */
  counts(): StatisticsCounts {
    const clients = new Map<string, number>();
    const customerships = new Map<string, number>();
    const appointments = new Map<string, number>();
    const multiAreaClients = new Map<string, number>();
    let appointmentsWithoutMonth = 0;
    const byKind: Record<Kind, Map<string, number> | null> = {
      [Kind.Customership]: customerships,
      [Kind.Appointment]: appointments,
      [Kind.WithoutMonth]: null,
      [Kind.Area]: clients,
      [Kind.MultiArea]: multiAreaClients,
    };
    this.totals.forEach((n, id) => {
      if (n === 0) return;
      const kind = this.kinds[id]!;
      if (kind === Kind.WithoutMonth) appointmentsWithoutMonth += n;
      else byKind[kind]!.set(this.keys[id]!.slice(2), n);
    });
    return { clients, customerships, appointments, multiAreaClients, appointmentsWithoutMonth };
  }

  private instanceNumber(instance: InstanceId): number {
    let n = this.instances.get(instance);
    if (n === undefined) this.instances.set(instance, (n = this.instances.size));
    return n;
  }

  private cell(kind: Kind, key: string, municipality: MunicipalityCode | null = null): number {
    // The kind's digit keeps keys of different kinds apart.
    const full = `${kind}|${key}`;
    let id = this.ids.get(full);
    if (id === undefined) {
      id = this.keys.length;
      // Cells are municipalities × codes × months: thousands, far below what one code unit holds.
      if (id > 0xffff) throw new RangeError('expected at most 65 536 statistics cells, received more');
      this.ids.set(full, id);
      this.keys.push(full);
      this.kinds.push(kind);
      this.municipalities.push(municipality);
      this.totals.push(0);
    }
    return id;
  }

  /** One instance's records as cell numbers (counters.ts's definitions). */
  private segment(r: SourceRecords): number[] {
    const out: number[] = [];
    const areas = new Set<number>();
    const area = (m: MunicipalityCode, a: CareArea): void => void areas.add(this.cell(Kind.Area, `${m}|${a}`, m));
    for (const c of r.customerships) {
      out.push(this.cell(Kind.Customership, `${c.source.municipality}|${c.serviceTask}`));
      area(c.source.municipality, c.careArea);
    }
    for (const a of r.appointments) {
      const month = helsinkiMonth(a.start);
      out.push(
        month === undefined
          ? this.cell(Kind.WithoutMonth, '')
          : this.cell(Kind.Appointment, `${a.source.municipality}|${a.careArea}|${month}`),
      );
      area(a.source.municipality, a.careArea);
    }
    out.push(...areas);
    return out;
  }

  /** Adds (`sign` 1) or subtracts (-1) one person's whole contribution. */
  private add(entry: string, sign: 1 | -1): void {
    const areas = new Set<number>();
    for (let i = 0; i < entry.length; i += 2 + entry.charCodeAt(i + 1)) {
      const end = i + 2 + entry.charCodeAt(i + 1);
      for (let k = i + 2; k < end; k++) {
        const id = entry.charCodeAt(k);
        if (this.kinds[id] === Kind.Area) areas.add(id);
        else this.totals[id]! += sign;
      }
    }
    // Distinct clients: a person with a service in an area at two instances is one client there.
    const perMunicipality = new Map<MunicipalityCode, number>();
    for (const id of areas) {
      this.totals[id]! += sign;
      const m = this.municipalities[id]!;
      perMunicipality.set(m, (perMunicipality.get(m) ?? 0) + 1);
    }
    for (const [m, n] of perMunicipality) if (n >= 2) this.totals[this.cell(Kind.MultiArea, `${m}|${n}`)]! += sign;
  }
}

/** A person's segments without the one of instance `inst`, as code units. */
function withoutSegment(entry: string, inst: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < entry.length; i += 2 + entry.charCodeAt(i + 1)) {
    const end = i + 2 + entry.charCodeAt(i + 1);
    if (entry.charCodeAt(i) !== inst) for (let k = i; k < end; k++) out.push(entry.charCodeAt(k));
  }
  return out;
}
