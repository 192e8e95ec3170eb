/**
 * Mediatri export bodies → canonical records (pure, no I/O). Every quirk of
 * mediatri.md is handled here: Windows-1252, `;` CSV with multi-line quoted
 * fields, `D.M.YYYY` / `H.MM` / `D.M.YYYY H.MM.SS` Helsinki local times,
 * decimal-comma euros, free-text appointment types in Finnish or Swedish.
 */
import {
  AdapterError,
  checkHetu,
  fromHelsinkiLocal,
  instance as instanceOf,
  isoDate,
  isValidLocal,
  issue,
  MUNICIPALITIES,
  parseEuros,
  recordMunicipality,
} from '../../domain/index.ts';
import type {
  Appointment,
  AppointmentStatus,
  ChangedPage,
  ChangedPerson,
  ContactMode,
  Fee,
  FeeStatus,
  InstanceId,
  MunicipalityCode,
  PersonRead,
  ProfessionalKind,
  RecordIssue,
  SourcePerson,
  Unit,
} from '../../domain/index.ts';
import { decodeWindows1252, invalidWindows1252, parseCsv } from './csv.ts';
import type { CsvRow } from './csv.ts';
import { COLUMNS, fileName, headerRow, parseDate, parseTime, parseTimestamp } from './format.ts';
import type { Table } from './format.ts';

const PRODUCT = 'mediatri';

/** `TYYPPI` values (lower case) and their professional kinds, Finnish and Swedish. */
export const PROFESSIONAL_TYPES: Readonly<Record<string, ProfessionalKind>> = {
  lääkäri: 'PHYSICIAN',
  läkare: 'PHYSICIAN',
  sairaanhoitaja: 'NURSE',
  sjukskötare: 'NURSE',
  terveydenhoitaja: 'PUBLIC_HEALTH_NURSE',
  hälsovårdare: 'PUBLIC_HEALTH_NURSE',
  hammaslääkäri: 'DENTIST',
  tandläkare: 'DENTIST',
  suuhygienisti: 'DENTAL_HYGIENIST',
  munhygienist: 'DENTAL_HYGIENIST',
};

const SEX = { M: 'MALE', N: 'FEMALE' } as const;
const LANGUAGE: Readonly<Record<string, string | null>> = { suomi: 'fi', ruotsi: 'sv', muu: null };
const CARE_AREA = { YLE: 'PRIMARY_HEALTH', HAM: 'ORAL_HEALTH' } as const;
const CONTACT: Readonly<Record<string, ContactMode>> = { K: 'ON_SITE', P: 'PHONE', V: 'VIDEO' };
const APPOINTMENT_STATUS: Readonly<Record<string, AppointmentStatus>> = { V: 'BOOKED', T: 'COMPLETED', P: 'CANCELLED', E: 'NO_SHOW' };
const FEE_STATUS: Readonly<Record<string, FeeStatus>> = { A: 'OPEN', M: 'PAID', X: 'VOIDED' };
const FLAG: Readonly<Record<string, boolean>> = { '1': true, '0': false };

/** The professional kind of a `TYYPPI` text, ignoring case and surrounding spaces; undefined when none. */
export function professionalKindOf(type: string): ProfessionalKind | undefined {
  const key = type.trim().toLowerCase();
  // hasOwn: free text such as `constructor` must not reach Object.prototype.
  return Object.hasOwn(PROFESSIONAL_TYPES, key) ? PROFESSIONAL_TYPES[key] : undefined;
}

/** What to keep of a person's read (filters the interface cannot apply itself). */
export interface MapOptions {
  readonly appointmentsFrom?: string;
  readonly appointmentsTo?: string;
  /** When given, only fees dated in these years. */
  readonly feeYears?: readonly number[];
}

/** The three export bodies of one patient, as received. */
export interface PersonBodies {
  readonly potilas: Uint8Array;
  readonly ajanvaraus: Uint8Array;
  readonly lasku: Uint8Array;
}

/** The data rows of one export body (the header checked and dropped). */
export type TableRows = readonly CsvRow[];

/**
 * Decodes and frames one export body. The body as a whole is unreadable
 * (MALFORMED_RESPONSE) when it holds bytes that are not Windows-1252 text,
 * lacks the table's header row, or is cut short (no final line end, or a
 * quoted field still open at the end). A single bad row is not: it is
 * returned with its `problem` for the mapper to report.
 */
export function readTable(instance: InstanceId, table: Table, bytes: Uint8Array): TableRows | AdapterError {
  const text = decodeWindows1252(bytes);
  const where = fileName(table);
  if (invalidWindows1252(text)) {
    return new AdapterError('MALFORMED_RESPONSE', instance, `Expected ${where} as Windows-1252 text, received bytes that are not.`);
  }
  const parsed = parseCsv(text, { fieldCount: COLUMNS[table].length });
  const [header, ...rows] = parsed.rows;
  if (!header || header.line !== 1 || header.raw !== headerRow(table)) {
    return new AdapterError('MALFORMED_RESPONSE', instance, `Expected ${where} to begin with its header row, received another first line.`);
  }
  if (!parsed.endsWithLineEnd || rows.some((r) => r.unterminated)) {
    return new AdapterError('MALFORMED_RESPONSE', instance, `Expected ${where} to end with a complete row, received a body cut short.`);
  }
  return rows;
}

function position(table: Table, row: CsvRow): string {
  return `${fileName(table)} line ${row.line}`;
}

/** Column accessor for a well-formed row. */
function columns<T extends Table>(table: T, row: CsvRow): Record<(typeof COLUMNS)[T][number], string> {
  const out: Record<string, string> = {};
  COLUMNS[table].forEach((name, k) => {
    out[name] = row.fields[k]!;
  });
  return out as Record<(typeof COLUMNS)[T][number], string>;
}

/** Thrown inside a row mapper for a value that cannot be mapped; caught per row. */
class RowProblem extends Error {}

function required(value: string, column: string): string {
  if (value.trim() === '') throw new RowProblem(`expected ${column} to have a value, received an empty field`);
  return value;
}

function code<T>(table: Readonly<Record<string, T>>, value: string, column: string): T {
  const v = value.trim();
  if (!Object.hasOwn(table, v))
    throw new RowProblem(`expected ${column} as one of ${Object.keys(table).join(', ')}, received another value`);
  return table[v]!;
}

function date(value: string, column: string): { year: number; month: number; day: number } {
  const d = parseDate(value.trim());
  if (!d || !isValidLocal({ ...d, hour: 0, minute: 0, second: 0 })) {
    throw new RowProblem(`expected ${column} as a calendar date D.M.YYYY, received a value of another form`);
  }
  return d;
}

function timestamp(value: string, column: string): string {
  const t = parseTimestamp(value.trim());
  if (!t) throw new RowProblem(`expected ${column} as D.M.YYYY H.MM.SS, received a value of another form`);
  const r = fromHelsinkiLocal(t);
  if (!r.ok) throw new RowProblem(`expected ${column} as a Helsinki local time, received one that is ${r.reason}`);
  return r.instant;
}

function optional(value: string): string | undefined {
  return value.trim() === '' ? undefined : value;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function mapPatient(instance: InstanceId, row: CsvRow, municipality: MunicipalityCode): SourcePerson {
  const c = columns('potilas', row);
  const person: Mutable<SourcePerson> = {
    hetu: c.HETU,
    surname: required(c.SUKUNIMI, 'SUKUNIMI'),
    firstNames: c.ETUNIMET,
    turvakielto: code(FLAG, c.TURVAKIELTO, 'TURVAKIELTO'),
    source: { instance, product: PRODUCT, municipality, localId: c.HETU },
  };
  if (optional(c.SYNT)) person.birthDate = isoDate(date(c.SYNT, 'SYNT'));
  if (optional(c.SUKUP)) person.sex = code(SEX, c.SUKUP, 'SUKUP');
  if (optional(c.KOTIKUNTA)) person.municipality = c.KOTIKUNTA.trim();
  if (optional(c.KIELI)) {
    const language = code(LANGUAGE, c.KIELI.toLowerCase(), 'KIELI');
    if (language) person.language = language;
  }
  if (optional(c.OSOITE) || optional(c.POSTINRO) || optional(c.POSTITMP)) {
    person.address = { street: c.OSOITE, postalCode: c.POSTINRO, city: c.POSTITMP };
  }
  if (optional(c.PUHELIN)) person.phone = c.PUHELIN;
  if (optional(c.MUUTETTU)) person.changedAt = timestamp(c.MUUTETTU, 'MUUTETTU');
  return person;
}

function mapAppointment(instance: InstanceId, row: CsvRow, municipality: MunicipalityCode, issues: RecordIssue[]): Appointment {
  const c = columns('ajanvaraus', row);
  const localId = required(c.VARAUSNRO, 'VARAUSNRO').trim();
  const day = date(c.PVM, 'PVM');
  const time = parseTime(c.KLO.trim());
  if (!time) throw new RowProblem('expected KLO as H.MM, received a value of another form');
  const start = fromHelsinkiLocal({ ...day, ...time, second: 0 });
  if (!start.ok) throw new RowProblem(`expected PVM and KLO as a Helsinki local time, received one that is ${start.reason}`);
  if (!/^\d{1,5}$/.test(c.KESTO.trim())) throw new RowProblem('expected KESTO as whole minutes, received a value of another form');
  const unit: Mutable<Unit> = { name: required(c.YKSIKKO, 'YKSIKKO') };
  if (optional(c.YKSIKKO_OID)) unit.oid = c.YKSIKKO_OID.trim();
  const appointment: Mutable<Appointment> = {
    careArea: code(CARE_AREA, c.ALUE, 'ALUE'),
    start: start.instant,
    durationMinutes: Number(c.KESTO.trim()),
    unit,
    status: code(APPOINTMENT_STATUS, c.TILA, 'TILA'),
    source: { instance, product: PRODUCT, municipality, localId },
  };
  if (optional(c.YHTEYS)) appointment.contactMode = code(CONTACT, c.YHTEYS, 'YHTEYS');
  if (optional(c.TEKIJA)) appointment.professional = { name: c.TEKIJA };
  if (optional(c.LISATIETO)) appointment.note = c.LISATIETO;
  // Decided last: the UNMAPPED_CODE issue belongs only to a row that is served.
  if (optional(c.TYYPPI)) {
    const kind = professionalKindOf(c.TYYPPI);
    if (kind) appointment.professionalKind = kind;
    else {
      issues.push(
        issue(
          'UNMAPPED_CODE',
          instance,
          position('ajanvaraus', row),
          'expected TYYPPI as a known professional type in Finnish or Swedish, received free text of another kind',
          {
            // The appointment type, chosen by the clerk: a code-list value, not personal data (the report still shows only code-like values).
            unmapped: { field: 'ajanvaraus.csv TYYPPI', value: c.TYYPPI.trim() },
          },
        ),
      );
    }
  }
  return appointment;
}

function mapFee(instance: InstanceId, row: CsvRow, municipality: MunicipalityCode): Fee {
  const c = columns('lasku', row);
  const localId = required(c.LASKUNRO, 'LASKUNRO').trim();
  const day = date(c.PVM, 'PVM');
  const amountCents = parseEuros(c.SUMMA, ',');
  if (amountCents === undefined) throw new RowProblem('expected SUMMA as euros with a decimal comma, received a value of another form');
  const fee: Mutable<Fee> = {
    register: 'HEALTH',
    date: isoDate(day),
    description: c.SELITE,
    amountCents,
    accruesToCeiling: code(FLAG, c.KATTO, 'KATTO'),
    status: code(FEE_STATUS, c.TILA, 'TILA'),
    source: { instance, product: PRODUCT, municipality, localId },
  };
  const careArea = feeCareArea(instance);
  if (careArea) fee.careArea = careArea;
  return fee;
}

/**
 * The care area of an instance's fees: the one care area it serves in the
 * region table (mediatri-loviisa: oral health), or undefined when it keeps
 * one fee list for two (mediatri-sipoo).
 */
export function feeCareArea(instance: InstanceId): 'PRIMARY_HEALTH' | 'ORAL_HEALTH' | undefined {
  const areas = new Set<'PRIMARY_HEALTH' | 'ORAL_HEALTH'>();
  for (const m of MUNICIPALITIES) {
    if (m.primaryHealth === instance) areas.add('PRIMARY_HEALTH');
    if (m.oralHealth === instance) areas.add('ORAL_HEALTH');
  }
  return areas.size === 1 ? [...areas][0] : undefined;
}

/**
 * Maps one row, catching its problem: a malformed row becomes a
 * MALFORMED_RECORD issue with its line and is left out.
 */
function each<T>(instance: InstanceId, table: Table, rows: TableRows, hetu: string, issues: RecordIssue[], map: (row: CsvRow) => T): T[] {
  const out: T[] = [];
  const hetuAt = (COLUMNS[table] as readonly string[]).indexOf('HETU');
  for (const row of rows) {
    const at = position(table, row);
    if (row.problem !== undefined) {
      issues.push(issue('MALFORMED_RECORD', instance, at, row.problem));
      continue;
    }
    if (row.fields[hetuAt] !== hetu) {
      issues.push(
        issue('MALFORMED_RECORD', instance, at, 'expected rows of the requested identity code only, received a row of another code'),
      );
      continue;
    }
    try {
      out.push(map(row));
    } catch (e) {
      if (!(e instanceof RowProblem)) throw e;
      issues.push(issue('MALFORMED_RECORD', instance, at, e.message));
    }
  }
  return out;
}

/**
 * Maps the three answers for one patient into their records. The patient's
 * municipality comes from the potilas row's KOTIKUNTA (recordMunicipality);
 * with no usable potilas row, appointments and fees are still served, under
 * the instance's only municipality, or for a shared instance its first one
 * with a MUNICIPALITY_OUTSIDE_INSTANCE issue.
 */
export function mapPerson(instance: InstanceId, hetu: string, bodies: PersonBodies, options: MapOptions = {}): PersonRead | AdapterError {
  const tables = {
    potilas: readTable(instance, 'potilas', bodies.potilas),
    ajanvaraus: readTable(instance, 'ajanvaraus', bodies.ajanvaraus),
    lasku: readTable(instance, 'lasku', bodies.lasku),
  };
  for (const t of Object.values(tables)) if (t instanceof AdapterError) return t;
  const potilas = tables.potilas as TableRows;
  const issues: RecordIssue[] = [];
  const inst = instanceOf(instance);

  // The municipality: from the first well-formed potilas row of this code, even if its other fields fail.
  const patientRow = potilas.find((r) => r.problem === undefined && r.fields[0] === hetu);
  const kotikunta = patientRow ? columns('potilas', patientRow).KOTIKUNTA.trim() : undefined;
  const m = recordMunicipality(inst, kotikunta) ?? inst.municipalities[0]!;
  const outside = recordMunicipality(inst, kotikunta) === undefined;
  if (outside && patientRow) {
    issues.push(
      issue(
        'MUNICIPALITY_OUTSIDE_INSTANCE',
        instance,
        position('potilas', patientRow),
        "expected KOTIKUNTA as one of the instance's municipalities, received another; records go to its first municipality",
      ),
    );
  }

  let seenPatient = false;
  const persons = each(instance, 'potilas', potilas, hetu, issues, (row) => {
    if (seenPatient) throw new RowProblem('expected one patient row per identity code, received another');
    seenPatient = true;
    return mapPatient(instance, row, m);
  });
  const from = options.appointmentsFrom;
  const to = options.appointmentsTo;
  const appointments = each(instance, 'ajanvaraus', tables.ajanvaraus as TableRows, hetu, issues, (row) =>
    mapAppointment(instance, row, m, issues),
  ).filter((a) => {
    const day = localDay(a.start);
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  });
  const years = options.feeYears;
  const fees = each(instance, 'lasku', tables.lasku as TableRows, hetu, issues, (row) => mapFee(instance, row, m)).filter(
    (f) => years === undefined || years.includes(Number(f.date.slice(0, 4))),
  );
  if (outside && !patientRow && appointments.length + fees.length > 0) {
    issues.unshift(
      issue(
        'MUNICIPALITY_OUTSIDE_INSTANCE',
        instance,
        fileName('potilas'),
        "expected a patient row naming the municipality, received none; records go to the instance's first municipality",
      ),
    );
  }
  const records = { hetu, instance, customerships: [], decisions: [], plans: [], appointments, fees, consents: [] };
  const person = persons[0];
  return { records: person ? { ...records, person } : records, issues };
}

/** The local date of an instant this module wrote (its first ten characters are the Helsinki date). */
function localDay(instant: string): string {
  return instant.slice(0, 10);
}

/**
 * Maps a `?muuttunut=` answer of potilas into changed persons. Rows whose
 * HETU is not a valid code are INVALID_IDENTITY_CODE issues; a malformed
 * row is a MALFORMED_RECORD issue; an unreadable MUUTETTU lists the person
 * without `changedAt`, with an issue.
 */
export function mapChanged(instance: InstanceId, bytes: Uint8Array): ChangedPage | AdapterError {
  const rows = readTable(instance, 'potilas', bytes);
  if (rows instanceof AdapterError) return rows;
  const persons: ChangedPerson[] = [];
  const issues: RecordIssue[] = [];
  for (const row of rows) {
    const at = position('potilas', row);
    if (row.problem !== undefined) {
      issues.push(issue('MALFORMED_RECORD', instance, at, row.problem));
      continue;
    }
    const c = columns('potilas', row);
    const check = checkHetu(c.HETU);
    if (!check.ok) {
      issues.push(
        issue('INVALID_IDENTITY_CODE', instance, at, `expected HETU as a valid identity code, received an invalid one (${check.reason})`),
      );
      continue;
    }
    const person: Mutable<ChangedPerson> = { hetu: c.HETU, localId: c.HETU };
    if (optional(c.KOTIKUNTA)) person.municipality = c.KOTIKUNTA.trim();
    if (optional(c.MUUTETTU)) {
      try {
        person.changedAt = timestamp(c.MUUTETTU, 'MUUTETTU');
      } catch (e) {
        if (!(e instanceof RowProblem)) throw e;
        issues.push(issue('MALFORMED_RECORD', instance, at, e.message));
      }
    }
    persons.push(person);
  }
  return { persons, issues };
}
