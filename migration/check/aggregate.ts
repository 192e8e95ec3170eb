/**
 * The `check` command's findings, aggregated as reads stream past (counters
 * and the positions of findings, never records), and turned into a
 * CommandResult. Pure: no I/O, so it is tested on literal records.
 */
import {
  AdapterError,
  checkHetu,
  type AdapterErrorCode,
  type ChangedPerson,
  type InstanceId,
  type IsoDate,
  type RecordIssue,
  type SourceRecords,
  type VtjSlot,
  type PersonSlot,
} from '../../domain/index.ts';
import type { CommandResult, Section } from '../report/types.ts';
import { IssueGroups, personLabel, positionsCell, type IssueGroup, type PositionRef } from '../source/issues.ts';
import { DATA_GROUPS, FieldCounter, OFTEN_ABSENT_BY_DESIGN, type DataGroup } from './fields.ts';

/** Positions shown per row in the report's tables (the JSON has all). */
export const POSITIONS_SHOWN = 10;
/** Rows shown in long per-person tables (the JSON has all). */
export const ROWS_SHOWN = 200;

/** Issue codes about identity codes; their positions name source rows, so repeats are one finding. */
const IDENTITY_CODES: ReadonlySet<AdapterErrorCode> = new Set(['INVALID_IDENTITY_CODE', 'UNLINKED_RECORD', 'NORMALISED_IDENTITY_CODE']);

export interface PersonRef {
  readonly person: string;
  readonly hetu: string;
  readonly localId?: string;
}

/**
 * One source value no mapping rule matches, with how often it occurred.
 * Code-list values (appointment types, service codes, statuses) are not
 * personal data, so the value is shown wherever the report goes; a value
 * that does not look like a code is withheld (see `shownValue`).
 */
export interface UnmappedValue {
  readonly instance: InstanceId;
  /** The coded field as the source names it (`PID-15`, `ajanvaraus.csv TYYPPI`, `Kaynti/Kayntityyppi`). */
  readonly field: string;
  readonly value: string;
  count: number;
  /** The first positions (every position is in `unmapped`). */
  readonly positions: PositionRef[];
}

/** A listed record linked to no one (a temporary client without an identity code, …) and every record that belongs to it. */
export interface UnlinkedWithRecords {
  readonly code: AdapterErrorCode;
  readonly reason: string;
  /** The client row (`V_ASIAKAS ASIAKAS_ID=7`). */
  readonly position: string;
  /** Records per data group (`customerships`, `decisions`, `plans`, `fees`, `consents`; otherwise the source table's name). */
  readonly records: Readonly<Record<string, number>>;
  /** Every belonging record's position (`V_MAKSU MAKSU_ID=406`). */
  readonly dependents: readonly string[];
}

export interface DeceasedWithFuture {
  readonly person: string;
  readonly hetu: string;
  readonly deathDate: IsoDate;
  /** Where the death date came from: VTJ, or the instance itself when VTJ does not know the person. */
  readonly deathDateFrom: 'vtj' | 'instance';
  readonly appointmentLocalId: string;
  readonly start: string;
  readonly status: string;
}

/** Everything `check` found, as written to the JSON file's `details`. */
export interface CheckDetails {
  readonly instance: InstanceId;
  readonly today: IsoDate;
  readonly feeYears: readonly number[];
  readonly listing: { readonly rows: number; readonly persons: number };
  readonly read: { readonly persons: number; readonly withRecord: number; readonly notKnown: number };
  readonly records: Readonly<Record<DataGroup, number>>;
  readonly issues: readonly IssueGroup[];
  readonly readErrors: readonly IssueGroup[];
  readonly vtjErrors: readonly IssueGroup[];
  readonly identity: {
    readonly invalid: number;
    readonly normalised: number;
    readonly unlinked: number;
    /** Individual numbers 900–999: temporary or test codes (every synthetic code is one). */
    readonly temporary: number;
    readonly duplicates: readonly (PersonRef & { readonly ordinal: number })[];
    readonly retiredInVtj: readonly PersonRef[];
    readonly notInVtj: readonly PersonRef[];
  };
  readonly completeness: readonly { group: DataGroup; field: string; items: number; empty: number; percentEmpty: number }[];
  readonly unmapped: readonly IssueGroup[];
  /** Each unmapped value with its field, instance and count, most frequent first. */
  readonly unmappedValues: readonly UnmappedValue[];
  /** Listed records linked to no one, each with the records that belong to it. */
  readonly unlinkedWithRecords: readonly UnlinkedWithRecords[];
  readonly deceasedWithFutureAppointments: readonly DeceasedWithFuture[];
}

/** Aggregates one instance's listing and reads. */
export class CheckAggregator {
  private readonly issues = new IssueGroups();
  private readonly readErrors = new IssueGroups();
  private readonly vtjErrors = new IssueGroups();
  private readonly seenIdentityIssues = new Set<string>();
  private readonly fields = new FieldCounter();
  private readonly duplicates: (PersonRef & { ordinal: number })[] = [];
  private readonly notInVtj: PersonRef[] = [];
  private readonly retired: PersonRef[] = [];
  private readonly deceased: DeceasedWithFuture[] = [];
  private readonly unmappedValues = new Map<string, UnmappedValue>();
  private readonly unlinked: UnlinkedWithRecords[] = [];
  private listingRows = 0;
  private persons = 0;
  private withRecord = 0;
  private notKnown = 0;
  private temporary = 0;

  constructor(
    readonly instance: InstanceId,
    readonly today: IsoDate,
    /** The fee years asked of interfaces that ask per year. */
    readonly feeYears: readonly number[] = [],
  ) {}

  /** Issues of the changed-persons listing (rows that are not persons). */
  listingIssues(issues: readonly RecordIssue[]): void {
    for (const i of issues) {
      this.issue(i, undefined);
      if (i.dependents !== undefined) {
        this.unlinked.push({
          code: i.code,
          reason: i.reason,
          position: i.position,
          records: countByGroup(i.dependents),
          dependents: i.dependents,
        });
      }
    }
  }

  /** A code the listing gave again. */
  duplicate(listed: ChangedPerson, ordinal: number): void {
    this.listingRows++;
    this.duplicates.push({
      person: personLabel(listed.localId, ordinal),
      hetu: listed.hetu,
      ordinal,
      ...(listed.localId !== undefined && { localId: listed.localId }),
    });
  }

  /** One listed person's read from the instance and from VTJ. */
  person(listed: ChangedPerson, ordinal: number, slot: PersonSlot, vtj: VtjSlot | undefined): void {
    this.listingRows++;
    this.persons++;
    const check = checkHetu(listed.hetu);
    if (check.ok && check.info.synthetic) this.temporary++;
    const localId = slot instanceof AdapterError ? listed.localId : (slot.records.person?.source.localId ?? listed.localId);
    const ref: PersonRef = { person: personLabel(localId, ordinal), hetu: listed.hetu, ...(localId !== undefined && { localId }) };

    if (slot instanceof AdapterError) {
      this.readErrors.add(slot.code, slot.message, { position: 'readPersons', person: ref.person, hetu: ref.hetu });
    } else {
      for (const i of slot.issues) this.issue(i, ref);
      const r = slot.records;
      if (r.person) this.withRecord++;
      else if (isEmptyRead(r)) this.notKnown++;
      this.fields.add(r);
      this.checkDeath(r, ref, vtj);
    }

    if (vtj === null) this.notInVtj.push(ref);
    else if (vtj instanceof AdapterError)
      this.vtjErrors.add(vtj.code, vtj.message, { position: 'VTJ', person: ref.person, hetu: ref.hetu });
    else if (vtj !== undefined && !vtj.hetuInForce) this.retired.push(ref);
  }

  private issue(i: RecordIssue, ref: PersonRef | undefined): void {
    if (IDENTITY_CODES.has(i.code)) {
      const key = `${i.code}\u0000${i.position}\u0000${i.reason}`;
      if (this.seenIdentityIssues.has(key)) return;
      this.seenIdentityIssues.add(key);
    }
    const pos: PositionRef = { position: i.position, ...(ref && { person: ref.person, hetu: ref.hetu }) };
    this.issues.add(i.code, i.reason, pos);
    if (i.code === 'UNMAPPED_CODE' && i.unmapped) this.unmappedValue(i.source, i.unmapped.field, shownValue(i.unmapped.value), pos);
  }

  /** One more occurrence of a value: a map lookup, so counting stays O(1) per record. */
  private unmappedValue(instance: InstanceId, field: string, value: string, pos: PositionRef): void {
    const key = `${instance}\u0000${field}\u0000${value}`;
    let v = this.unmappedValues.get(key);
    if (!v) {
      v = { instance, field, value, count: 0, positions: [] };
      this.unmappedValues.set(key, v);
    }
    v.count++;
    if (v.positions.length < POSITIONS_SHOWN) v.positions.push(pos);
  }

  private checkDeath(r: SourceRecords, ref: PersonRef, vtj: VtjSlot | undefined): void {
    const fromVtj = vtj && !(vtj instanceof AdapterError) ? vtj.deathDate : undefined;
    const deathDate = fromVtj ?? (vtj === null ? r.person?.deathDate : undefined);
    if (deathDate === undefined) return;
    for (const a of r.appointments) {
      // Instants carry the Helsinki offset, so their first ten characters are the Helsinki date.
      if (a.start.slice(0, 10) >= this.today) {
        this.deceased.push({
          person: ref.person,
          hetu: ref.hetu,
          deathDate,
          deathDateFrom: fromVtj !== undefined ? 'vtj' : 'instance',
          appointmentLocalId: a.source.localId,
          start: a.start,
          status: a.status,
        });
      }
    }
  }

  /** The details as the JSON file holds them. */
  details(): CheckDetails {
    const count = (code: AdapterErrorCode): number => this.issues.total((g) => g.code === code);
    return {
      instance: this.instance,
      today: this.today,
      feeYears: this.feeYears,
      listing: { rows: this.listingRows, persons: this.persons },
      read: { persons: this.persons, withRecord: this.withRecord, notKnown: this.notKnown },
      records: Object.fromEntries(DATA_GROUPS.map((g) => [g, this.fields.items.get(g)!])) as Record<DataGroup, number>,
      issues: this.issues.list(),
      readErrors: this.readErrors.list(),
      vtjErrors: this.vtjErrors.list(),
      identity: {
        invalid: count('INVALID_IDENTITY_CODE') + this.readErrors.total((g) => g.code === 'INVALID_IDENTITY_CODE'),
        normalised: count('NORMALISED_IDENTITY_CODE'),
        unlinked: count('UNLINKED_RECORD'),
        temporary: this.temporary,
        duplicates: this.duplicates,
        retiredInVtj: this.retired,
        notInVtj: this.notInVtj,
      },
      completeness: this.fields.rows().map((r) => ({ ...r, percentEmpty: r.items === 0 ? 0 : round1((100 * r.empty) / r.items) })),
      unmapped: this.issues.list((g) => g.code === 'UNMAPPED_CODE'),
      unmappedValues: [...this.unmappedValues.values()].sort(
        (a, b) => b.count - a.count || a.field.localeCompare(b.field) || a.value.localeCompare(b.value),
      ),
      unlinkedWithRecords: this.unlinked,
      deceasedWithFutureAppointments: this.deceased,
    };
  }

  /** The command's result. */
  result(meta: { startedAt: string; durationMs: number }): CommandResult {
    const d = this.details();
    const issueCount = d.issues.reduce((n, g) => n + g.count, 0);
    const unreadable = d.readErrors.reduce((n, g) => n + g.count, 0);
    const vtjUnreadable = d.vtjErrors.reduce((n, g) => n + g.count, 0);
    const records = DATA_GROUPS.reduce((n, g) => n + d.records[g], 0);
    const problems =
      issueCount +
      unreadable +
      vtjUnreadable +
      d.identity.duplicates.length +
      d.identity.notInVtj.length +
      d.identity.retiredInVtj.length +
      d.deceasedWithFutureAppointments.length;
    return {
      command: `check ${this.instance}`,
      status: problems > 0 ? 'problems' : 'clean',
      summary: {
        instance: this.instance,
        today: this.today,
        ...(this.feeYears.length > 0 && { 'fee years': yearsText(this.feeYears) }),
        'persons listed': d.listing.persons,
        'persons read': d.read.persons - unreadable,
        records,
        issues: issueCount,
        'persons not readable': unreadable,
        'invalid identity codes': d.identity.invalid,
        'persons not in VTJ': d.identity.notInVtj.length,
        'unmapped values': d.unmappedValues.length,
        'records of rows linked to no one': d.unlinkedWithRecords.reduce((n, u) => n + u.dependents.length, 0),
        'deceased with future appointments': new Set(d.deceasedWithFutureAppointments.map((x) => x.hetu)).size,
      },
      sections: sections(d),
      details: d,
      startedAt: meta.startedAt,
      durationMs: meta.durationMs,
    };
  }
}

/** `2024–2026`, or `2022, 2026` when not consecutive. */
function yearsText(years: readonly number[]): string {
  const ys = [...years].sort((a, b) => a - b);
  const consecutive = ys.every((y, i) => i === 0 || y === ys[i - 1]! + 1);
  return consecutive && ys.length > 1 ? `${ys[0]}–${ys[ys.length - 1]}` : ys.join(', ');
}

/** Longest value shown as a code; anything longer is free text. */
const CODE_MAX = 40;
const CODE_LIKE = /^[\p{L}\p{N}][\p{L}\p{N} .,_\-/()+&:]*$/u;
const HETU_SHAPED = /\d{6}\s*[-+A-FU-Ya-fu-y]?\s*\d{3}/;

/**
 * The value as the report shows it: a code-list value as the source wrote
 * it; `(empty)` for none; anything that does not look like a code (long,
 * several lines, odd characters, digits shaped like an identity code) is
 * withheld, so free text typed into a coded field never reaches a report.
 */
export function shownValue(value: string): string {
  const v = value.trim();
  if (v === '') return '(empty)';
  if (v.length > CODE_MAX || !CODE_LIKE.test(v) || HETU_SHAPED.test(v)) return '(not shown: not a code-like value)';
  return v;
}

/** Source tables whose records belong to a client, as the canonical data groups (ProConsona's views). */
const TABLE_GROUPS: Readonly<Record<string, DataGroup>> = {
  V_ASIAKKUUS: 'customerships',
  V_PAATOS: 'decisions',
  V_SUUNNITELMA: 'plans',
  V_MAKSU: 'fees',
  V_SUOSTUMUS: 'consents',
};

function countByGroup(positions: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of positions) {
    const table = p.split(' ')[0] ?? p;
    const group = TABLE_GROUPS[table] ?? table;
    out[group] = (out[group] ?? 0) + 1;
  }
  return out;
}

function isEmptyRead(r: SourceRecords): boolean {
  return DATA_GROUPS.every((g) => g === 'person' || r[g].length === 0);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

const GROUP_TITLES: Record<DataGroup, string> = {
  person: 'persons (patient/client records)',
  customerships: 'customerships',
  decisions: 'decisions',
  plans: 'plans',
  appointments: 'appointments',
  fees: 'fees',
  consents: 'consents',
};

function issueRows(groups: readonly IssueGroup[]): (string | number)[][] {
  return groups.map((g) => [g.code, g.reason, g.count, positionsCell(g.positions, POSITIONS_SHOWN)]);
}

function refsTable(refs: readonly PersonRef[], what: string): Section['table'] {
  return {
    columns: ['person', what],
    rows: refs.slice(0, ROWS_SHOWN).map((r) => [r.person, r.localId !== undefined && r.person.startsWith('person ') ? r.localId : '']),
    ...(refs.length > ROWS_SHOWN && { truncated: refs.length - ROWS_SHOWN }),
  };
}

function sections(d: CheckDetails): Section[] {
  const all = [...d.issues, ...d.readErrors, ...d.vtjErrors.map((g) => ({ ...g, reason: `VTJ: ${g.reason.replace(/^VTJ: /, '')}` }))];
  const out: Section[] = [
    {
      id: 'records',
      title: 'Records per data group',
      description: `What ${d.instance} holds, as its adapter reads it: ${d.read.persons} persons listed and read, ${d.read.withRecord} with a patient or client record${
        d.feeYears.length > 0 ? `; fees of ${yearsText(d.feeYears)} where the interface asks per year` : ''
      }.`,
      chart: { kind: 'bars', unit: 'records', bars: DATA_GROUPS.map((g) => ({ label: g, value: d.records[g] })) },
      table: { columns: ['data group', 'records'], rows: DATA_GROUPS.map((g) => [GROUP_TITLES[g], d.records[g]]) },
    },
    {
      id: 'errors',
      title: 'Errors by reason',
      description:
        all.length === 0
          ? 'No record issues and no read errors.'
          : 'Every record issue and read error, grouped by code and reason, with the first positions (all positions are in the JSON file).',
      ...(all.length > 0 && {
        // Grouped by code, so each bar is labelled with its reason alone.
        chart: {
          kind: 'bars' as const,
          unit: 'occurrences',
          bars: [...all]
            .sort((a, b) => a.code.localeCompare(b.code) || b.count - a.count)
            .map((g) => ({ label: g.reason, value: g.count, group: g.code })),
        },
      }),
      table: { columns: ['code', 'reason', 'count', 'first positions'], rows: issueRows(all) },
    },
    identitySection(d),
    {
      id: 'completeness',
      title: 'Field completeness',
      description:
        'How often each canonical field is empty, per data group (only groups the instance holds). Some fields are empty by design for many items (a living person has no death date, an open customership no end date); they are marked.',
      chart: {
        kind: 'bars',
        unit: '% empty',
        bars: d.completeness.filter((r) => r.items > 0).map((r) => ({ label: r.field, value: r.percentEmpty, group: r.group })),
      },
      table: {
        columns: ['data group', 'field', 'items', 'empty', '% empty', 'empty by design'],
        rows: d.completeness
          .filter((r) => r.items > 0)
          .map((r) => [
            r.group,
            r.field,
            r.items,
            r.empty,
            r.percentEmpty,
            OFTEN_ABSENT_BY_DESIGN.has(`${r.group}.${r.field}`) ? 'often' : '',
          ]),
      },
    },
    {
      id: 'unmapped',
      title: 'Values outside the canonical code maps',
      description:
        d.unmapped.length === 0
          ? 'Every coded value maps to a canonical code.'
          : 'Source values no mapping rule matches (UNMAPPED_CODE), each with its field, instance and count, so the mapping can be extended; the item is served with that field empty. Code-list values are shown; a value that does not look like a code (free text) is not.',
      table: {
        columns: ['instance', 'field', 'value', 'count', 'first positions'],
        rows: d.unmappedValues
          .slice(0, ROWS_SHOWN)
          .map((v) => [v.instance, v.field, v.value, v.count, positionsCell(v.positions, POSITIONS_SHOWN)]),
        ...(d.unmappedValues.length > ROWS_SHOWN && { truncated: d.unmappedValues.length - ROWS_SHOWN }),
      },
    },
    {
      id: 'unlinked-records',
      title: 'Records linked to no one, with every record that belongs to them',
      description:
        d.unlinkedWithRecords.length === 0
          ? 'Every listed client links to a person.'
          : 'Listed rows without a usable identity code (a temporary client with none, a legacy code that fits no single person, an invalid code), each with the customerships, decisions, plans, fees and consents that belong to it: none of them reaches anyone until the row is fixed.',
      table: {
        columns: ['row', 'finding', 'customerships', 'decisions', 'plans', 'fees', 'consents', 'records'],
        rows: d.unlinkedWithRecords
          .slice(0, ROWS_SHOWN)
          .map((u) => [
            u.position,
            u.code,
            u.records.customerships ?? 0,
            u.records.decisions ?? 0,
            u.records.plans ?? 0,
            u.records.fees ?? 0,
            u.records.consents ?? 0,
            u.dependents.slice(0, POSITIONS_SHOWN).join('; ') +
              (u.dependents.length > POSITIONS_SHOWN ? `; … ${u.dependents.length - POSITIONS_SHOWN} more in the JSON file` : ''),
          ]),
        ...(d.unlinkedWithRecords.length > ROWS_SHOWN && { truncated: d.unlinkedWithRecords.length - ROWS_SHOWN }),
      },
    },
    {
      id: 'not-in-vtj',
      title: 'Persons not in VTJ',
      description:
        d.identity.notInVtj.length === 0
          ? 'Every person of the instance is in the population register.'
          : `${d.identity.notInVtj.length} persons of the instance are unknown to the population register (identity codes in the JSON file).`,
      table: refsTable(d.identity.notInVtj, 'local id'),
    },
    {
      id: 'deceased',
      title: 'Deceased persons with future appointments',
      description:
        d.deceasedWithFutureAppointments.length === 0
          ? `No deceased person has an appointment on or after ${d.today}.`
          : `Appointments on or after ${d.today} of persons VTJ records as deceased (cancelled ones included, with their status).`,
      table: {
        columns: ['person', 'appointment', 'date', 'status'],
        rows: d.deceasedWithFutureAppointments
          .slice(0, ROWS_SHOWN)
          .map((x) => [x.person, x.appointmentLocalId, x.start.slice(0, 10), x.status]),
        ...(d.deceasedWithFutureAppointments.length > ROWS_SHOWN && { truncated: d.deceasedWithFutureAppointments.length - ROWS_SHOWN }),
      },
    },
  ];
  return out;
}

function identitySection(d: CheckDetails): Section {
  const groupsOf = (code: AdapterErrorCode) => d.issues.filter((g) => g.code === code).flatMap((g) => g.positions);
  const people = (refs: readonly PersonRef[]): string =>
    refs
      .slice(0, POSITIONS_SHOWN)
      .map((r) => r.person)
      .join('; ') + (refs.length > POSITIONS_SHOWN ? `; … ${refs.length - POSITIONS_SHOWN} more in the JSON file` : '');
  const rows: [string, number, string][] = [
    [
      'invalid identity codes (INVALID_IDENTITY_CODE)',
      d.identity.invalid,
      positionsCell(groupsOf('INVALID_IDENTITY_CODE'), POSITIONS_SHOWN),
    ],
    [
      'legacy forms read after normalisation (NORMALISED_IDENTITY_CODE)',
      d.identity.normalised,
      positionsCell(groupsOf('NORMALISED_IDENTITY_CODE'), POSITIONS_SHOWN),
    ],
    ['linked to no one (UNLINKED_RECORD)', d.identity.unlinked, positionsCell(groupsOf('UNLINKED_RECORD'), POSITIONS_SHOWN)],
    ['the same person listed twice', d.identity.duplicates.length, people(d.identity.duplicates)],
    ['retired in VTJ', d.identity.retiredInVtj.length, people(d.identity.retiredInVtj)],
    ['not in VTJ', d.identity.notInVtj.length, people(d.identity.notInVtj)],
    ['temporary codes (individual number 900–999)', d.identity.temporary, ''],
  ];
  return {
    id: 'identity',
    title: 'Identity-code quality',
    description:
      'Codes the listing and the reads reported, and what VTJ says of the listed codes. Temporary codes are counted for information: every code in synthetic data is one.',
    chart: { kind: 'bars', unit: 'codes', bars: rows.map(([label, value]) => ({ label: label.replace(/ \(.*\)$/, ''), value })) },
    table: { columns: ['finding', 'count', 'first positions'], rows },
  };
}
