/**
 * Pure mapping of Pegasos answer segments to the canonical model, with every
 * quirk of pegasos.md: PID-3 identifiers found by type in either order, ZPT-2
 * overriding PID-11.9, SCH-11 instants with their own offsets, a missing SCH-8
 * meaning "unknown", amounts with a decimal point. No I/O.
 */
import {
  AdapterError,
  checkHetu,
  instance as instanceOf,
  isValidIsoDate,
  issue,
  parseEuros,
  recordMunicipality,
  formatInstant,
  type Appointment,
  type AppointmentStatus,
  type ChangedPerson,
  type ContactMode,
  type Fee,
  type FeeStatus,
  type InstanceId,
  type MunicipalityCode,
  type ProfessionalKind,
  type Provenance,
  type RecordIssue,
  type Sex,
  type SourcePerson,
} from '../../domain/index.ts';
import { ID_TYPE_HETU, ID_TYPE_LOCAL, parseOffsetStamp } from './format.ts';
import type { Hl7Segment } from './hl7.ts';

const CONTACT_MODES: Readonly<Record<string, ContactMode>> = { VO: 'ON_SITE', PUH: 'PHONE', ETA: 'VIDEO', KOTI: 'HOME_VISIT' };
const KINDS: Readonly<Record<string, ProfessionalKind>> = {
  'VO-L': 'PHYSICIAN',
  'VO-H': 'NURSE',
  'VO-TH': 'PUBLIC_HEALTH_NURSE',
  'VO-F': 'PHYSIOTHERAPIST',
  'VO-P': 'PSYCHOLOGIST',
};
const STATUSES: Readonly<Record<string, AppointmentStatus>> = {
  booked: 'BOOKED',
  complete: 'COMPLETED',
  cancelled: 'CANCELLED',
  noshow: 'NO_SHOW',
};
const SEXES: Readonly<Record<string, Sex>> = { M: 'MALE', F: 'FEMALE', U: 'UNKNOWN' };
const FEE_STATUSES: Readonly<Record<string, FeeStatus>> = { O: 'OPEN', P: 'PAID', V: 'VOIDED' };

/** The identity code and local id in a `PID-3` list, whichever order they come in. */
export function pidIdentifiers(pid: Hl7Segment): { hetu?: string; localId?: string } {
  let hetu: string | undefined;
  let localId: string | undefined;
  for (const rep of pid.repetitions(3)) {
    const type = rep.get(5);
    const value = rep.get(1);
    if (value === '') continue;
    if (type === ID_TYPE_HETU && hetu === undefined) hetu = value;
    else if (type === ID_TYPE_LOCAL && localId === undefined) localId = value;
  }
  return { ...(hetu !== undefined ? { hetu } : {}), ...(localId !== undefined ? { localId } : {}) };
}

/** `YYYYMMDD[…]` (a DT or the date part of a TS) as `YYYY-MM-DD`; undefined when not a calendar date. */
export function hl7Date(value: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:\d{2,}(?:\.\d+)?)?(?:[+-]\d{4})?$/.exec(value);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return isValidIsoDate(iso) ? iso : undefined;
}

/** What the patient answer gave: the person (if mappable) and the municipality every record belongs to. */
export interface PatientMapping {
  readonly person?: SourcePerson;
  readonly municipality: MunicipalityCode;
  readonly issues: readonly RecordIssue[];
}

/** Where an answer came from, for provenance and positions. */
export interface MapContext {
  readonly instance: InstanceId;
  /** The identity code asked for. */
  readonly hetu: string;
}

/**
 * Maps a `Q_POTILAS` answer body (`PID`, `ZPT`). An answer about another
 * identity code than the one asked, or without a PID, is a MALFORMED_RESPONSE.
 * A bad optional field is left out with an issue; the person is kept
 * (dropping the patient would hide a record that exists).
 */
export function mapPatient(body: readonly Hl7Segment[], ctx: MapContext): PatientMapping | AdapterError {
  const pos = 'Q_POTILAS response PID';
  const pid = body.find((s) => s.name === 'PID');
  if (!pid) return new AdapterError('MALFORMED_RESPONSE', ctx.instance, 'Q_POTILAS answer: expected a PID segment, received none');
  const wrong = checkAbout(pid, ctx, 'Q_POTILAS');
  if (wrong) return wrong;
  const zpt = body.find((s) => s.name === 'ZPT');
  const issues: RecordIssue[] = [];
  const bad = (field: string, reason: string) => issues.push(issue('MALFORMED_RECORD', ctx.instance, `${pos} ${field}`, reason));
  const unmapped = (field: string, value: string, reason: string) =>
    issues.push(issue('UNMAPPED_CODE', ctx.instance, `${pos} ${field}`, reason, { unmapped: { field, value } }));

  const municipalityField = nonEmpty(zpt?.get(2)) ?? nonEmpty(pid.get(11, 9));
  const municipality = belongsTo(ctx.instance, municipalityField, pos, issues);
  const { localId } = pidIdentifiers(pid);
  if (localId === undefined) {
    bad('PID-3', 'expected PID-3 to hold a local id of type PI, received none');
    return { municipality, issues };
  }

  const birthRaw = pid.get(7);
  const birthDate = birthRaw === '' ? undefined : hl7Date(birthRaw);
  if (birthRaw !== '' && !birthDate) bad('PID-7', 'expected PID-7 birth date as YYYYMMDD, received a value of another form');
  const sexRaw = pid.get(8);
  const sex = SEXES[sexRaw.toUpperCase()];
  if (sexRaw !== '' && !sex) unmapped('PID-8', sexRaw, 'expected PID-8 M, F or U, received another code');
  const deathRaw = pid.get(29);
  const deathDate = deathRaw === '' ? undefined : hl7Date(deathRaw);
  if (deathRaw !== '' && !deathDate) bad('PID-29', 'expected PID-29 date of death as YYYYMMDD, received a value of another form');
  const langRaw = pid.get(15);
  const language = /^[A-Za-z]{2}$/.test(langRaw) ? langRaw.toLowerCase() : undefined;
  if (langRaw !== '' && !language) unmapped('PID-15', langRaw, 'expected PID-15 as a two-letter ISO 639-1 code, received another value');
  const street = pid.get(11, 1);
  const city = pid.get(11, 3);
  const postalCode = pid.get(11, 5);
  const phone = pid
    .repetitions(13)
    .map((r) => r.get(1) || r.get(12))
    .find((p) => p !== '');
  const turvaRaw = zpt?.get(1) ?? '';
  if (turvaRaw !== '' && turvaRaw !== 'Y' && turvaRaw !== 'N') {
    unmapped('ZPT-1', turvaRaw, 'expected ZPT-1 Y or N, received another value; read as a prohibition to be safe');
  }

  const person: SourcePerson = {
    hetu: ctx.hetu,
    surname: pid.get(5, 1),
    firstNames: pid.get(5, 2),
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    ...(municipalityField !== undefined ? { municipality: municipalityField } : {}),
    ...(language ? { language } : {}),
    ...(street || city || postalCode ? { address: { street, postalCode, city } } : {}),
    ...(phone ? { phone } : {}),
    turvakielto: turvaRaw !== '' && turvaRaw !== 'N',
    ...(deathDate ? { deathDate } : {}),
    source: provenance(ctx.instance, municipality, localId),
  };
  return { person, municipality, issues };
}

/** Where records of a person with this municipality field belong; an outsider goes to the first municipality, with an issue. */
function belongsTo(inst: InstanceId, field: string | undefined, pos: string, issues: RecordIssue[]): MunicipalityCode {
  const i = instanceOf(inst);
  const m = recordMunicipality(i, field);
  if (m) return m;
  issues.push(
    issue(
      'MUNICIPALITY_OUTSIDE_INSTANCE',
      inst,
      `${pos} ZPT-2`,
      `expected a municipality the instance serves (${i.municipalities.join(', ')}), received another or none`,
    ),
  );
  return i.municipalities[0]!;
}

/** The appointments of a `Q_AJANVARAUKSET` answer body. */
export function mapAppointments(
  body: readonly Hl7Segment[],
  ctx: MapContext & { readonly municipality: MunicipalityCode },
): { appointments: Appointment[]; issues: RecordIssue[] } | AdapterError {
  const pid = body.find((s) => s.name === 'PID');
  const wrong = pid && checkAbout(pid, ctx, 'Q_AJANVARAUKSET');
  if (wrong) return wrong;
  const appointments: Appointment[] = [];
  const issues: RecordIssue[] = [];
  groups(body, 'SCH').forEach((g, k) => {
    const pos = `Q_AJANVARAUKSET response SCH[${k + 1}]`;
    const r = mapAppointment(g, ctx, pos, issues);
    if (typeof r === 'string') issues.push(issue('MALFORMED_RECORD', ctx.instance, pos, r));
    else appointments.push(r);
  });
  return { appointments, issues };
}

function mapAppointment(
  g: Group,
  ctx: MapContext & { readonly municipality: MunicipalityCode },
  pos: string,
  issues: RecordIssue[],
): Appointment | string {
  const sch = g.head;
  const ais = g.segment('AIS');
  const ail = g.segment('AIL');
  const aip = g.segment('AIP');
  const id = sch.get(1);
  if (id === '') return 'expected SCH-1 appointment id, received an empty field';
  const start = parseOffsetStamp(sch.get(11, 4));
  if (start === undefined) return 'expected SCH-11.4 start as YYYYMMDDHHMM+HHMM, received a value of another form';
  const end = parseOffsetStamp(sch.get(11, 5));
  if (end === undefined) return 'expected SCH-11.5 end as YYYYMMDDHHMM+HHMM, received a value of another form';
  if (end < start) return 'expected SCH-11.5 end at or after SCH-11.4 start, received an earlier end';
  const status = STATUSES[sch.get(25).toLowerCase()];
  if (!status) return 'expected SCH-25 Booked, Complete, Cancelled or Noshow, received another value';
  const unitName = ail?.get(3, 4, 1) ?? '';
  if (unitName === '') return 'expected AIL-3.4 unit name, received none';
  const unitOid = ail?.get(3, 4, 2) ?? '';

  const modeCode = sch.get(8, 1);
  const contactMode = CONTACT_MODES[modeCode];
  if (modeCode !== '' && !contactMode) {
    issues.push(
      issue('UNMAPPED_CODE', ctx.instance, `${pos} SCH-8`, 'expected SCH-8 VO, PUH, ETA or KOTI, received another code', {
        unmapped: { field: 'SCH-8', value: modeCode },
      }),
    );
  }
  const kindCode = ais?.get(3, 1) ?? '';
  const professionalKind = KINDS[kindCode];
  if (kindCode !== '' && !professionalKind) {
    issues.push(
      issue('UNMAPPED_CODE', ctx.instance, `${pos} AIS-3`, 'expected AIS-3 VO-L, VO-H, VO-TH, VO-F or VO-P, received another code', {
        unmapped: { field: 'AIS-3', value: kindCode },
      }),
    );
  }
  const name = aip ? [aip.get(3, 3), aip.get(3, 2)].filter((s) => s !== '').join(' ') : '';
  // AIP-4 is a coded role: the text is its second component, or the first where only text is written.
  const title = aip ? aip.get(4, 2) || aip.get(4, 1) : '';
  const note = sch.get(6, 2);
  return {
    careArea: 'PRIMARY_HEALTH',
    ...(professionalKind ? { professionalKind } : {}),
    ...(contactMode ? { contactMode } : {}),
    start: formatInstant(start),
    durationMinutes: Math.round((end - start) / 60_000),
    unit: { ...(unitOid !== '' ? { oid: unitOid } : {}), name: unitName },
    ...(name !== '' ? { professional: { name, ...(title !== '' ? { title } : {}) } } : {}),
    status,
    ...(note !== '' ? { note } : {}),
    source: provenance(ctx.instance, ctx.municipality, id),
  };
}

/** The fees of a `Q_MAKSUT` answer body for one year. */
export function mapFees(
  body: readonly Hl7Segment[],
  ctx: MapContext & { readonly municipality: MunicipalityCode; readonly year: number },
): { fees: Fee[]; issues: RecordIssue[] } | AdapterError {
  const pid = body.find((s) => s.name === 'PID');
  const wrong = pid && checkAbout(pid, ctx, 'Q_MAKSUT');
  if (wrong) return wrong;
  const fees: Fee[] = [];
  const issues: RecordIssue[] = [];
  groups(body, 'FT1').forEach((g, k) => {
    const pos = `Q_MAKSUT ${ctx.year} response FT1[${k + 1}]`;
    const r = mapFee(g, ctx);
    if (typeof r === 'string') issues.push(issue('MALFORMED_RECORD', ctx.instance, pos, r));
    else fees.push(r);
  });
  return { fees, issues };
}

function mapFee(g: Group, ctx: MapContext & { readonly municipality: MunicipalityCode }): Fee | string {
  const ft1 = g.head;
  const zft = g.segment('ZFT');
  const id = ft1.get(2);
  if (id === '') return 'expected FT1-2 invoice id, received an empty field';
  const date = hl7Date(ft1.get(4, 1));
  if (!date) return 'expected FT1-4 date as YYYYMMDD, received a value of another form';
  const description = ft1.get(7, 2) || ft1.get(7, 1);
  if (description === '') return 'expected FT1-7 fee code and text, received an empty field';
  const amountCents = parseEuros(ft1.get(11, 1, 1), '.');
  if (amountCents === undefined) return 'expected FT1-11 amount as euros with a decimal point, received a value of another form';
  const currency = ft1.get(11, 2) || ft1.get(11, 1, 2);
  if (currency !== '' && currency !== 'EUR') return 'expected FT1-11 currency EUR, received another currency';
  if (!zft) return 'expected a ZFT segment after FT1, received none';
  const accrues = zft.get(1);
  if (accrues !== 'Y' && accrues !== 'N') return 'expected ZFT-1 Y or N, received another value';
  const status = FEE_STATUSES[zft.get(2)];
  if (!status) return 'expected ZFT-2 O, P or V, received another value';
  return {
    careArea: 'PRIMARY_HEALTH',
    register: 'HEALTH',
    date,
    description,
    amountCents,
    accruesToCeiling: accrues === 'Y',
    status,
    source: provenance(ctx.instance, ctx.municipality, id),
  };
}

/** One page of a `Q_MUUTTUNEET` answer: the changed patients and the continuation pointer, if more follow. */
export function mapChanged(
  body: readonly Hl7Segment[],
  ctx: { readonly instance: InstanceId; readonly page: number },
): { persons: ChangedPerson[]; issues: RecordIssue[]; continuation?: string } {
  const persons: ChangedPerson[] = [];
  const issues: RecordIssue[] = [];
  let k = 0;
  let continuation: string | undefined;
  for (const seg of body) {
    if (seg.name === 'DSC') {
      continuation = nonEmpty(seg.get(1));
      continue;
    }
    if (seg.name !== 'PID') continue;
    k++;
    const pos = `Q_MUUTTUNEET page ${ctx.page} PID[${k}]`;
    const { hetu, localId } = pidIdentifiers(seg);
    if (hetu === undefined) {
      issues.push(
        issue('INVALID_IDENTITY_CODE', ctx.instance, pos, 'expected PID-3 to hold an identity code of type NNFIN, received none'),
      );
      continue;
    }
    const check = checkHetu(hetu);
    if (!check.ok) {
      issues.push(
        issue('INVALID_IDENTITY_CODE', ctx.instance, pos, `expected a valid identity code in PID-3, received one where ${check.reason}`),
      );
      continue;
    }
    persons.push({ hetu, ...(localId !== undefined ? { localId } : {}) });
  }
  return { persons, issues, ...(continuation !== undefined ? { continuation } : {}) };
}

/** A segment and the segments after it up to the next one of its kind. */
interface Group {
  readonly head: Hl7Segment;
  segment(name: string): Hl7Segment | undefined;
}

function groups(body: readonly Hl7Segment[], headName: string): Group[] {
  const out: { head: Hl7Segment; rest: Hl7Segment[] }[] = [];
  for (const seg of body) {
    if (seg.name === headName) out.push({ head: seg, rest: [] });
    else if (seg.name !== 'PID') out[out.length - 1]?.rest.push(seg);
  }
  return out.map((g) => ({ head: g.head, segment: (name: string) => g.rest.find((s) => s.name === name) }));
}

/** An answer about another person than the one asked must not be served as theirs. */
function checkAbout(pid: Hl7Segment, ctx: MapContext, query: string): AdapterError | undefined {
  const { hetu } = pidIdentifiers(pid);
  if (hetu === undefined)
    return new AdapterError(
      'MALFORMED_RESPONSE',
      ctx.instance,
      `${query} answer: expected PID-3 to hold an identifier of type NNFIN, received none`,
    );
  if (hetu !== ctx.hetu)
    return new AdapterError(
      'MALFORMED_RESPONSE',
      ctx.instance,
      `${query} answer: expected PID-3 to hold the identity code asked for, received another`,
    );
  return undefined;
}

function provenance(instance: InstanceId, municipality: MunicipalityCode, localId: string): Provenance {
  return { instance, product: 'pegasos', municipality, localId };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
