/**
 * Pure mapping of ProConsona's view rows (as the SQL client returns them:
 * integers as numbers, text and `to_char`-formatted dates as strings, NULL
 * as null) to the canonical model, with a RecordIssue for every row or
 * value that cannot be mapped. No I/O.
 */
import type { Row } from './format.ts';
import {
  fromHelsinkiLocal,
  instance as instanceOf,
  isValidIsoDate,
  issue,
  recordMunicipality,
  type Consent,
  type ConsentType,
  type Customership,
  type Decision,
  type Fee,
  type FeeStatus,
  type InstanceId,
  type MunicipalityCode,
  type Plan,
  type PlanType,
  type Provenance,
  type RecordIssue,
  type ServiceTask,
  type SourcePerson,
} from '../../domain/index.ts';

/** `PALVELUTEHTAVA_ID` → canonical service task. */
export const SERVICE_TASKS: Readonly<Record<number, ServiceTask>> = {
  1: 'OLDER_PEOPLE',
  2: 'DISABILITY',
  3: 'FAMILIES',
  4: 'CHILD_WELFARE',
  5: 'ADULT_SOCIAL_WORK',
  6: 'SUBSTANCE_ABUSE',
  7: 'FAMILY_LAW',
};

const PLAN_TYPES: Readonly<Record<string, PlanType>> = {
  Asiakassuunnitelma: 'CLIENT_PLAN',
  Palvelusuunnitelma: 'SERVICE_PLAN',
};

const FEE_STATUSES: Readonly<Record<string, FeeStatus>> = { A: 'OPEN', M: 'PAID', X: 'VOIDED' };

const CONSENT_TYPES: ReadonlySet<string> = new Set<ConsentType>([
  'LUOVUTUS_TERVEYDENHUOLTOON',
  'LUOVUTUS_SOSIAALIHUOLTOON',
  'KIELTO_KANTA',
  'KIELTO_HUOLTAJALLE',
]);

/** Thrown inside a row mapper to leave the row out with a MALFORMED_RECORD issue. */
class RowError extends Error {}

/** An integer column; `required` NULL or a non-integer is a RowError. */
function int(row: Row, col: string, required: true): number;
function int(row: Row, col: string, required: false): number | undefined;
function int(row: Row, col: string, required: boolean): number | undefined {
  const v = row[col];
  if (v === null || v === undefined) {
    if (required) throw new RowError(`expected ${col} as an integer, received NULL`);
    return undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new RowError(`expected ${col} as an integer, received a value of another type`);
}

function text(row: Row, col: string, required: true): string;
function text(row: Row, col: string, required: false): string | undefined;
function text(row: Row, col: string, required: boolean): string | undefined {
  const v = row[col];
  if (v === null || v === undefined) {
    if (required) throw new RowError(`expected ${col}, received NULL`);
    return undefined;
  }
  if (typeof v === 'string') return v;
  throw new RowError(`expected ${col} as text, received a value of another type`);
}

function date(row: Row, col: string, required: true): string;
function date(row: Row, col: string, required: false): string | undefined;
function date(row: Row, col: string, required: boolean): string | undefined {
  const v = required ? text(row, col, true) : text(row, col, false);
  if (v === undefined) return undefined;
  if (!isValidIsoDate(v)) throw new RowError(`expected ${col} as YYYY-MM-DD, received a value of another form`);
  return v;
}

/** A 0/1 flag column: 1 true, 0 or NULL false. */
function flag(row: Row, col: string): boolean {
  const v = int(row, col, false);
  if (v === undefined || v === 0) return false;
  if (v === 1) return true;
  throw new RowError(`expected ${col} as 0 or 1, received another number`);
}

/** Runs a row mapper; a RowError becomes a MALFORMED_RECORD issue. */
function attempt<T>(instance: InstanceId, position: string, issues: RecordIssue[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof RowError)) throw err;
    issues.push(issue('MALFORMED_RECORD', instance, position, err.message));
    return undefined;
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * MUUTETTU (`YYYY-MM-DD HH:MM:SS`, Helsinki local) as an instant: the
 * repeated October hour reads as summer time; the skipped March hour or
 * another form is `{ ok: false }`.
 */
export function parseMuutettu(value: string): { ok: true; instant: string } | { ok: false; reason: string } {
  const m = TIMESTAMP.exec(value);
  if (!m) return { ok: false, reason: 'expected MUUTETTU as YYYY-MM-DD HH:MM:SS, received a value of another form' };
  const r = fromHelsinkiLocal({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! });
  if (!r.ok) return { ok: false, reason: `expected MUUTETTU as a Helsinki local time, received one where ${r.reason}` };
  return { ok: true, instant: r.instant };
}

/** An id for a position: the integer, or `?` for anything else (never echo unknown values). */
export function idText(value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : '?';
}

/** Position of a V_ASIAKAS row in issues. */
export function asiakasPosition(asiakasId: unknown): string {
  return `V_ASIAKAS ASIAKAS_ID=${idText(asiakasId)}`;
}

/** The person and the municipality its records belong to. */
export interface MappedPerson {
  readonly person: SourcePerson;
  readonly municipality: MunicipalityCode;
}

/**
 * Maps a V_ASIAKAS row read for `hetu` (the canonical code it links to).
 * The row's ASIAKAS_ID must already be known to be an integer.
 */
export function mapPerson(instanceId: InstanceId, hetu: string, row: Row, issues: RecordIssue[]): MappedPerson {
  const inst = instanceOf(instanceId);
  const asiakasId = row.ASIAKAS_ID as number;
  const position = asiakasPosition(asiakasId);
  const kunta = typeof row.KUNTA_KOODI === 'string' ? row.KUNTA_KOODI.trim() : '';
  const municipalityField = kunta === '' ? undefined : kunta;
  let municipality = recordMunicipality(inst, municipalityField);
  if (municipality === undefined) {
    municipality = inst.municipalities[0]!;
    issues.push(
      issue(
        'MUNICIPALITY_OUTSIDE_INSTANCE',
        instanceId,
        position,
        `expected KUNTA_KOODI to be one of ${inst.municipalities.join(', ')}, received another municipality or NULL`,
      ),
    );
  }
  const source: Provenance = { instance: instanceId, product: 'proconsona', municipality, localId: String(asiakasId) };

  // Names are required by the model; a NULL name is served as empty rather than losing the client.
  const surname = typeof row.SUKUNIMI === 'string' ? row.SUKUNIMI : '';
  const firstNames = typeof row.ETUNIMET === 'string' ? row.ETUNIMET : '';

  let language: string | undefined;
  const kieli = row.KIELI_KOODI;
  if (kieli === 1) language = 'fi';
  else if (kieli === 2) language = 'sv';
  else if (kieli !== 9 && kieli !== null && kieli !== undefined) {
    issues.push(
      issue('UNMAPPED_CODE', instanceId, position, 'expected KIELI_KOODI 1, 2 or 9, received another value', {
        unmapped: { field: 'V_ASIAKAS KIELI_KOODI', value: String(kieli) },
      }),
    );
  }

  const street = row.LAHIOSOITE;
  const postalCode = row.POSTINUMERO;
  const city = row.POSTITOIMIPAIKKA;
  const address =
    typeof street === 'string' && typeof postalCode === 'string' && typeof city === 'string' ? { street, postalCode, city } : undefined;

  let changedAt: string | undefined;
  if (typeof row.MUUTETTU === 'string') {
    const r = parseMuutettu(row.MUUTETTU);
    if (r.ok) changedAt = r.instant;
    else issues.push(issue('MALFORMED_RECORD', instanceId, position, r.reason));
  }

  const person: SourcePerson = {
    hetu,
    surname,
    firstNames,
    ...(municipalityField !== undefined && { municipality: municipalityField }),
    ...(language !== undefined && { language }),
    ...(address !== undefined && { address }),
    turvakielto: row.TURVAKIELTO === 1,
    ...(changedAt !== undefined && { changedAt }),
    source,
  };
  return { person, municipality };
}

function provenance(instance: InstanceId, municipality: MunicipalityCode, localId: number): Provenance {
  return { instance, product: 'proconsona', municipality, localId: String(localId) };
}

/** Maps V_ASIAKKUUS rows. */
export function mapCustomerships(
  instance: InstanceId,
  municipality: MunicipalityCode,
  rows: readonly Row[],
  issues: RecordIssue[],
): Customership[] {
  const out: Customership[] = [];
  for (const row of rows) {
    const item = attempt(instance, `V_ASIAKKUUS ASIAKKUUS_ID=${idText(row.ASIAKKUUS_ID)}`, issues, (): Customership => {
      const id = int(row, 'ASIAKKUUS_ID', true);
      const taskId = int(row, 'PALVELUTEHTAVA_ID', true);
      const serviceTask = SERVICE_TASKS[taskId];
      if (!serviceTask) throw new RowError('expected PALVELUTEHTAVA_ID 1 to 7, received another number');
      const unit = text(row, 'YKSIKKO_NIMI', false);
      const responsibleWorker = text(row, 'TYONTEKIJA_NIMI', false);
      const startDate = date(row, 'ALKAA', true);
      const endDate = date(row, 'PAATTYY', false);
      return {
        careArea: 'SOCIAL',
        serviceTask,
        ...(unit !== undefined && { unit }),
        ...(responsibleWorker !== undefined && { responsibleWorker }),
        startDate,
        ...(endDate !== undefined && { endDate }),
        extraSensitive: flag(row, 'SALAINEN'),
        source: provenance(instance, municipality, id),
      };
    });
    if (item) out.push(item);
  }
  return out;
}

/** Maps V_PAATOS rows. */
export function mapDecisions(
  instance: InstanceId,
  municipality: MunicipalityCode,
  rows: readonly Row[],
  issues: RecordIssue[],
): Decision[] {
  const out: Decision[] = [];
  for (const row of rows) {
    const item = attempt(instance, `V_PAATOS PAATOS_ID=${idText(row.PAATOS_ID)}`, issues, (): Decision => {
      const id = int(row, 'PAATOS_ID', true);
      const customershipId = int(row, 'ASIAKKUUS_ID', true);
      const service = text(row, 'PALVELU', true);
      const decisionDate = date(row, 'PAATOSPVM', true);
      const validFrom = date(row, 'ALKAA', true);
      const validTo = date(row, 'PAATTYY', false);
      const myonteinen = int(row, 'MYONTEINEN', true);
      if (myonteinen !== 0 && myonteinen !== 1) throw new RowError('expected MYONTEINEN 1 or 0, received another number');
      return {
        customershipId: String(customershipId),
        service,
        decisionDate,
        validFrom,
        ...(validTo !== undefined && { validTo }),
        outcome: myonteinen === 1 ? 'GRANTED' : 'REFUSED',
        source: provenance(instance, municipality, id),
      };
    });
    if (item) out.push(item);
  }
  return out;
}

/** Maps V_SUUNNITELMA rows (social care plans). */
export function mapPlans(instance: InstanceId, municipality: MunicipalityCode, rows: readonly Row[], issues: RecordIssue[]): Plan[] {
  const out: Plan[] = [];
  for (const row of rows) {
    const item = attempt(instance, `V_SUUNNITELMA SUUNNITELMA_ID=${idText(row.SUUNNITELMA_ID)}`, issues, (): Plan => {
      const id = int(row, 'SUUNNITELMA_ID', true);
      const customershipId = int(row, 'ASIAKKUUS_ID', true);
      const tyyppi = text(row, 'TYYPPI', true);
      const type = PLAN_TYPES[tyyppi];
      if (!type) throw new RowError('expected TYYPPI Asiakassuunnitelma or Palvelusuunnitelma, received another value');
      const startDate = date(row, 'LAADITTU', true);
      const reviewDate = date(row, 'TARKISTETAAN', false);
      const responsible = text(row, 'LAATIJA', false);
      return {
        careArea: 'SOCIAL',
        type,
        startDate,
        ...(reviewDate !== undefined && { reviewDate }),
        ...(responsible !== undefined && { responsible }),
        customershipId: String(customershipId),
        source: provenance(instance, municipality, id),
      };
    });
    if (item) out.push(item);
  }
  return out;
}

/** Maps V_MAKSU rows: SUMMA_SNT is already integer cents. */
export function mapFees(instance: InstanceId, municipality: MunicipalityCode, rows: readonly Row[], issues: RecordIssue[]): Fee[] {
  const out: Fee[] = [];
  for (const row of rows) {
    const item = attempt(instance, `V_MAKSU MAKSU_ID=${idText(row.MAKSU_ID)}`, issues, (): Fee => {
      const id = int(row, 'MAKSU_ID', true);
      const feeDate = date(row, 'PVM', true);
      const description = text(row, 'SELITE', true);
      const amountCents = int(row, 'SUMMA_SNT', true);
      const tila = text(row, 'TILA', true).trim();
      const status = FEE_STATUSES[tila];
      if (!status) throw new RowError('expected TILA A, M or X, received another value');
      return {
        careArea: 'SOCIAL',
        register: 'SOCIAL',
        date: feeDate,
        description,
        amountCents,
        accruesToCeiling: flag(row, 'KATTOON'),
        status,
        source: provenance(instance, municipality, id),
      };
    });
    if (item) out.push(item);
  }
  return out;
}

/** Maps V_SUOSTUMUS rows. */
export function mapConsents(instance: InstanceId, municipality: MunicipalityCode, rows: readonly Row[], issues: RecordIssue[]): Consent[] {
  const out: Consent[] = [];
  for (const row of rows) {
    const item = attempt(instance, `V_SUOSTUMUS SUOSTUMUS_ID=${idText(row.SUOSTUMUS_ID)}`, issues, (): Consent => {
      const id = int(row, 'SUOSTUMUS_ID', true);
      const tyyppi = text(row, 'TYYPPI', true);
      if (!CONSENT_TYPES.has(tyyppi)) throw new RowError('expected TYYPPI to be a known consent type, received another value');
      const givenOn = date(row, 'ANNETTU', true);
      const withdrawnOn = date(row, 'PERUTTU', false);
      return {
        type: tyyppi as ConsentType,
        givenOn,
        ...(withdrawnOn !== undefined && { withdrawnOn }),
        source: provenance(instance, municipality, id),
      };
    });
    if (item) out.push(item);
  }
  return out;
}
