/**
 * Lifecare → canonical model (pure, no I/O). Reads the raw SOAP responses
 * of one person (HaePotilas, HaeKaynnit, HaeSuunnitelmat, HaeMaksut per
 * year) or one HaeMuuttuneet page, and handles every quirk of lifecare.md:
 * the two versions' names, dates, times and booleans, decimal-comma money,
 * and the service's codes. Items that cannot be mapped are left out with a
 * MALFORMED_RECORD issue; the rest is served.
 */
import type { ChangedPerson, PersonRead } from '../../domain/sourceAdapter.ts';
import { AdapterError, issue, type RecordIssue } from '../../domain/errors.ts';
import { checkHetu } from '../../domain/hetu.ts';
import {
  emptyRecords,
  type Appointment,
  type AppointmentStatus,
  type ContactMode,
  type Fee,
  type FeeStatus,
  type Plan,
  type PlanType,
  type ProfessionalKind,
  type Provenance,
  type Sex,
  type SourcePerson,
} from '../../domain/model.ts';
import { parseEuros } from '../../domain/money.ts';
import { instance as instanceOf, recordMunicipality, type InstanceId } from '../../domain/region.ts';
import { fromHelsinkiLocal, isValidLocal, isoDate } from '../../domain/time.ts';
import { child, children, text, type XmlNode } from '../wire/xml.ts';
import { readResponse, type CallResult } from './envelope.ts';
import { splitWireDate, splitWireDateTime, type LifecareVersion, type Operation } from './format.ts';

const PRODUCT = 'lifecare' as const;

const CARE_AREAS: Readonly<Record<string, Appointment['careArea']>> = { PTH: 'PRIMARY_HEALTH', STH: 'ORAL_HEALTH' };
const PROFESSIONAL_KINDS: Readonly<Record<string, ProfessionalKind>> = {
  LAAK: 'PHYSICIAN',
  HOIT: 'NURSE',
  TERV: 'PUBLIC_HEALTH_NURSE',
  FYST: 'PHYSIOTHERAPIST',
  PSYK: 'PSYCHOLOGIST',
  HAMM: 'DENTIST',
  SUHY: 'DENTAL_HYGIENIST',
};
const CONTACT_MODES: Readonly<Record<string, ContactMode>> = { VO: 'ON_SITE', PUH: 'PHONE', VID: 'VIDEO', KOTI: 'HOME_VISIT' };
const VISIT_STATUSES: Readonly<Record<string, AppointmentStatus>> = {
  VARATTU: 'BOOKED',
  TOTEUTUNUT: 'COMPLETED',
  PERUTTU: 'CANCELLED',
  EIS: 'NO_SHOW',
};
const PLAN_TYPES: Readonly<Record<string, PlanType>> = { TERVEYS_JA_HOITO: 'HEALTH_AND_CARE_PLAN', KUNTOUTUS: 'REHABILITATION_PLAN' };
const FEE_STATUSES: Readonly<Record<string, FeeStatus>> = { AVOIN: 'OPEN', MAKSETTU: 'PAID', MITATOITY: 'VOIDED' };
const TURVAKIELTO: Readonly<Record<LifecareVersion, Readonly<Record<string, boolean>>>> = {
  MR2020: { true: true, false: false },
  V2015: { '1': true, '0': false },
};
const SEXES: Readonly<Record<string, Sex>> = { '1': 'MALE', '2': 'FEMALE' };

/** The raw answers for one person. */
export interface PersonResponses {
  readonly potilas: CallResult;
  readonly kaynnit: CallResult;
  readonly suunnitelmat: CallResult;
  readonly maksut: readonly { readonly year: number; readonly result: CallResult }[];
}

/** Thrown inside an item mapper: the item is left out with this reason. */
class Malformed extends Error {}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Maps one person's responses. Patient not found → empty records; a failed
 * call (fault, unreadable body, transport error) → that error for the slot.
 */
export function mapPersonResponses(hetu: string, instanceId: InstanceId, r: PersonResponses): PersonRead | AdapterError {
  const inst = instanceOf(instanceId);
  const potilas = read('HaePotilas', r.potilas, instanceId);
  if (potilas.kind === 'notFound') return { records: emptyRecords(hetu, instanceId), issues: [] };
  const lists = [
    read('HaeKaynnit', r.kaynnit, instanceId),
    read('HaeSuunnitelmat', r.suunnitelmat, instanceId),
    ...r.maksut.map((m) => read('HaeMaksut', m.result, instanceId)),
  ];
  if (potilas.kind === 'error') return potilas.error;
  for (const l of lists) if (l.kind === 'error') return l.error;

  const issues: RecordIssue[] = [];
  const node = child(potilas.payload, 'Potilas');
  if (!node)
    return new AdapterError(
      'MALFORMED_RESPONSE',
      instanceId,
      'HaePotilas: expected one Potilas in HaePotilasVastaus, received none or several',
    );

  const kotikunta = text(node, 'Kotikunta');
  let municipality = recordMunicipality(inst, kotikunta);
  if (municipality === undefined) {
    municipality = inst.municipalities[0]!;
    issues.push(
      issue(
        'MUNICIPALITY_OUTSIDE_INSTANCE',
        instanceId,
        'HaePotilas response Potilas',
        'expected Kotikunta to be a municipality this instance serves, received another',
      ),
    );
  }
  const base = { instance: instanceId, product: PRODUCT, municipality };

  let person: SourcePerson | undefined;
  try {
    person = mapPotilas(node, potilas.version, hetu, base, issues);
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    issues.push(issue('MALFORMED_RECORD', instanceId, 'HaePotilas response Potilas', err.message));
  }

  const [kaynnit, suunnitelmat, ...maksut] = lists;
  const appointments = mapItems(kaynnit!, 'Kaynti', 'HaeKaynnit response', hetu, base, issues, mapKaynti);
  const plans = mapItems(suunnitelmat!, 'Suunnitelma', 'HaeSuunnitelmat response', hetu, base, issues, mapSuunnitelma);
  const fees = maksut.flatMap((m, i) => mapItems(m, 'Maksu', `HaeMaksut ${r.maksut[i]!.year} response`, hetu, base, issues, mapMaksu));

  const records = { ...emptyRecords(hetu, instanceId), appointments, plans, fees };
  return { records: person ? { ...records, person } : records, issues };
}

function read(op: Operation, result: CallResult, instance: InstanceId) {
  return result instanceof AdapterError ? ({ kind: 'error', error: result } as const) : readResponse(op, result, instance);
}

type ProvenanceBase = Omit<Provenance, 'localId'>;
type Reading = ReturnType<typeof read>;
type ItemMapper<T> = (node: XmlNode, version: LifecareVersion, base: ProvenanceBase, issues: UnmappedSink) => T;
/** Collects UNMAPPED_CODE reasons of one item (the item is still served), with the element and its value. */
type UnmappedSink = (reason: string, field: string, value: string) => void;

function mapItems<T>(
  reading: Reading,
  element: string,
  where: string,
  hetu: string,
  base: ProvenanceBase,
  issues: RecordIssue[],
  mapper: ItemMapper<T>,
): T[] {
  // A list of a patient unknown to the list operation (changed in between) is empty.
  if (reading.kind !== 'ok') return [];
  const out: T[] = [];
  children(reading.payload, element).forEach((node, i) => {
    const position = `${where} ${element}[${i + 1}]`;
    try {
      const owner = text(node, 'Hetu');
      if (owner !== undefined && owner !== hetu) throw new Malformed('expected Hetu of the requested patient, received another code');
      out.push(
        mapper(node, reading.version, base, (reason, field, value) =>
          issues.push(issue('UNMAPPED_CODE', base.instance, position, reason, { unmapped: { field: `${element}/${field}`, value } })),
        ),
      );
    } catch (err) {
      if (!(err instanceof Malformed)) throw err;
      issues.push(issue('MALFORMED_RECORD', base.instance, position, err.message));
    }
  });
  return out;
}

function required(node: XmlNode, name: string): string {
  const v = text(node, name);
  if (v === undefined) throw new Malformed(`expected ${name}, received none`);
  return v;
}

const DATE_FORM: Record<LifecareVersion, string> = { MR2020: 'YYYY-MM-DD', V2015: 'D.M.YYYY' };
const TIME_FORM: Record<LifecareVersion, string> = { MR2020: 'YYYY-MM-DDThh:mm:ss', V2015: 'D.M.YYYY h:mm' };

/** A date in the version's form → `YYYY-MM-DD`; throws Malformed. */
function readDate(version: LifecareVersion, name: string, value: string): string {
  const parts = splitWireDate(version, value);
  if (!parts) throw new Malformed(`expected ${name} as ${DATE_FORM[version]}, received a value of another form`);
  if (!isValidLocal({ ...parts, hour: 0, minute: 0, second: 0 }))
    throw new Malformed(`expected ${name} as a calendar date, received an impossible date`);
  return isoDate(parts);
}

/** A Helsinki local time in the version's form → instant with offset; throws Malformed (skipped hour included). */
function readTime(version: LifecareVersion, name: string, value: string): string {
  const parts = splitWireDateTime(version, value);
  if (!parts) throw new Malformed(`expected ${name} as ${TIME_FORM[version]}, received a value of another form`);
  const r = fromHelsinkiLocal(parts);
  if (!r.ok)
    throw new Malformed(
      `expected ${name} as a Helsinki local time, received ${r.reason.startsWith('the local time') ? 'one in the hour skipped when summer time begins' : 'an impossible date or time'}`,
    );
  return r.instant;
}

function optionalDate(version: LifecareVersion, node: XmlNode, name: string): string | undefined {
  const v = text(node, name);
  return v === undefined ? undefined : readDate(version, name, v);
}

/** `LINDSTRÖM-AHO` → `Lindström-Aho`: each space- or hyphen-separated part capitalised. */
export function titleCase(upper: string): string {
  return upper.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}

function isUpperWord(w: string): boolean {
  return w === w.toUpperCase() && w !== w.toLowerCase();
}

/**
 * V2015 `Nimi`: the surname in capitals (one or more leading upper-case
 * words), then the first names. When every word is in capitals the first
 * word is taken as the surname. Throws (the patient is then left out as
 * MALFORMED_RECORD) when the name does not begin with a word in capitals.
 */
export function splitV2015Name(nimi: string): { surname: string; firstNames: string } {
  const words = nimi.trim().split(/\s+/);
  let n = 0;
  while (n < words.length && isUpperWord(words[n]!)) n++;
  if (n === 0) throw new Malformed('expected Nimi to begin with the surname in capitals, received a name without one');
  if (n === words.length && n > 1) n = 1;
  return { surname: titleCase(words.slice(0, n).join(' ')), firstNames: words.slice(n).join(' ') };
}

function mapPotilas(node: XmlNode, version: LifecareVersion, hetu: string, base: ProvenanceBase, issues: RecordIssue[]): SourcePerson {
  const unmapped: UnmappedSink = (reason, field, value) =>
    issues.push(
      issue('UNMAPPED_CODE', base.instance, 'HaePotilas response Potilas', reason, { unmapped: { field: `Potilas/${field}`, value } }),
    );
  const localId = required(node, 'PotilasId');
  if (required(node, 'Hetu') !== hetu) throw new Malformed('expected Hetu of the requested patient, received another code');
  const names =
    version === 'MR2020'
      ? { surname: required(node, 'Sukunimi'), firstNames: required(node, 'Etunimet'), callName: text(node, 'Kutsumanimi') }
      : { ...splitV2015Name(required(node, 'Nimi')), callName: undefined };

  const birthDate = optionalDate(version, node, 'Syntymaaika');
  const deathDate = optionalDate(version, node, 'Kuolinpaiva');

  const turva = required(node, 'Turvakielto');
  const turvakielto = lookup<boolean>(TURVAKIELTO[version], turva);
  if (turvakielto === undefined) {
    throw new Malformed(`expected Turvakielto as ${version === 'MR2020' ? 'true or false' : '1 or 0'}, received another value`);
  }

  const sukupuoli = text(node, 'Sukupuoli');
  const sex = sukupuoli === undefined ? undefined : lookup(SEXES, sukupuoli);
  if (sukupuoli !== undefined && sex === undefined) unmapped('expected Sukupuoli 1 or 2, received another code', 'Sukupuoli', sukupuoli);

  const language = readLanguage(text(node, 'Aidinkieli'), 'Aidinkieli', unmapped);
  const serviceLanguage =
    version === 'MR2020'
      ? readLanguage(text(node, 'Asiointikieli'), 'Asiointikieli', unmapped)
      : // V2015 has no Asiointikieli: the region serves in Finnish and Swedish.
        language === 'fi' || language === 'sv'
        ? language
        : 'fi';

  const osoite = child(node, 'Osoite');
  let address: SourcePerson['address'];
  if (osoite) {
    const street = text(osoite, 'Lahiosoite');
    const postalCode = text(osoite, 'Postinumero');
    const city = text(osoite, 'Postitoimipaikka');
    if (street === undefined || postalCode === undefined || city === undefined) {
      throw new Malformed('expected Osoite with Lahiosoite, Postinumero and Postitoimipaikka, received one without them all');
    }
    address = { street, postalCode, city };
  }
  const municipality = text(node, 'Kotikunta');
  const phone = text(node, 'Puhelin');

  return {
    hetu,
    surname: names.surname,
    firstNames: names.firstNames,
    ...(names.callName !== undefined && { callName: names.callName }),
    ...(birthDate !== undefined && { birthDate }),
    ...(sex !== undefined && { sex }),
    ...(municipality !== undefined && { municipality }),
    ...(language !== undefined && { language }),
    ...(serviceLanguage !== undefined && { serviceLanguage }),
    ...(address !== undefined && { address }),
    ...(phone !== undefined && { phone }),
    turvakielto,
    ...(deathDate !== undefined && { deathDate }),
    source: { ...base, localId },
  };
}

function readLanguage(value: string | undefined, name: string, unmapped: UnmappedSink): string | undefined {
  if (value === undefined) return undefined;
  if (/^[a-z]{2}$/.test(value)) return value;
  unmapped(`expected ${name} as an ISO 639-1 code, received another value`, name, value);
  return undefined;
}

function mapKaynti(node: XmlNode, version: LifecareVersion, base: ProvenanceBase, unmapped: UnmappedSink): Appointment {
  const localId = required(node, 'KayntiId');
  const careArea = lookup(CARE_AREAS, required(node, 'Palvelualue'));
  if (!careArea) throw new Malformed('expected Palvelualue PTH or STH, received another code');
  const status = lookup(VISIT_STATUSES, required(node, 'Tila'));
  if (!status) throw new Malformed('expected Tila VARATTU, TOTEUTUNUT, PERUTTU or EIS, received another code');
  const start = readTime(version, 'Alkuaika', required(node, 'Alkuaika'));
  const kesto = required(node, 'KestoMin');
  if (!/^\d{1,5}$/.test(kesto)) throw new Malformed('expected KestoMin as whole minutes, received another value');
  const yksikko = child(node, 'Yksikko');
  const unitName = text(yksikko, 'Nimi');
  if (unitName === undefined) throw new Malformed('expected Yksikko with Nimi, received none');
  const oid = text(yksikko, 'Tunnus');

  const tyyppi = text(node, 'Kayntityyppi');
  const professionalKind = tyyppi === undefined ? undefined : lookup(PROFESSIONAL_KINDS, tyyppi);
  if (tyyppi !== undefined && !professionalKind)
    unmapped('expected Kayntityyppi LAAK, HOIT, TERV, FYST, PSYK, HAMM or SUHY, received another code', 'Kayntityyppi', tyyppi);
  const tapa = text(node, 'Yhteystapa');
  const contactMode = tapa === undefined ? undefined : lookup(CONTACT_MODES, tapa);
  if (tapa !== undefined && !contactMode) unmapped('expected Yhteystapa VO, PUH, VID or KOTI, received another code', 'Yhteystapa', tapa);

  const ammattilainen = child(node, 'Ammattilainen');
  const proName = text(ammattilainen, 'Nimi');
  const title = text(ammattilainen, 'Nimike');

  return {
    careArea,
    ...(professionalKind && { professionalKind }),
    ...(contactMode && { contactMode }),
    start,
    durationMinutes: Number(kesto),
    unit: oid === undefined ? { name: unitName } : { oid, name: unitName },
    ...(proName !== undefined && { professional: title === undefined ? { name: proName } : { name: proName, title } }),
    status,
    source: { ...base, localId },
  };
}

function mapSuunnitelma(node: XmlNode, version: LifecareVersion, base: ProvenanceBase): Plan {
  const localId = required(node, 'SuunnitelmaId');
  const type = lookup(PLAN_TYPES, required(node, 'Tyyppi'));
  if (!type) throw new Malformed('expected Tyyppi TERVEYS_JA_HOITO or KUNTOUTUS, received another code');
  const startDate = readDate(version, 'Alkaa', required(node, 'Alkaa'));
  const endDate = optionalDate(version, node, 'Paattyy');
  const title = text(node, 'Otsikko');
  const responsible = text(node, 'Vastuuhenkilo');
  return {
    // Lifecare's plans are health plans of primary care (the spec gives no care area).
    careArea: 'PRIMARY_HEALTH',
    type,
    ...(title !== undefined && { title }),
    startDate,
    ...(endDate !== undefined && { endDate }),
    ...(responsible !== undefined && { responsible }),
    source: { ...base, localId },
  };
}

function mapMaksu(node: XmlNode, version: LifecareVersion, base: ProvenanceBase): Fee {
  const localId = required(node, 'LaskuId');
  const date = readDate(version, 'Paivays', required(node, 'Paivays'));
  const description = required(node, 'Selite');
  const amountCents = parseEuros(required(node, 'Summa'), ',');
  if (amountCents === undefined) throw new Malformed('expected Summa as euros with a decimal comma, received another value');
  const katto = required(node, 'Maksukattoon');
  if (katto !== 'K' && katto !== 'E') throw new Malformed('expected Maksukattoon K or E, received another value');
  const status = lookup(FEE_STATUSES, required(node, 'Tila'));
  if (!status) throw new Malformed('expected Tila AVOIN, MAKSETTU or MITATOITY, received another code');
  // One fee list serves both care areas, and it does not say which: careArea stays absent.
  return { register: 'HEALTH', date, description, amountCents, accruesToCeiling: katto === 'K', status, source: { ...base, localId } };
}

/** One HaeMuuttuneet page, mapped. */
export interface ChangedPageReading {
  readonly persons: ChangedPerson[];
  readonly issues: RecordIssue[];
  /** `Sivuja`: pages in all. */
  readonly pages: number;
}

/** Maps one HaeMuuttuneet page; a failed call or unreadable page is an AdapterError. */
export function mapChangedPage(page: number, result: CallResult, instanceId: InstanceId): ChangedPageReading | AdapterError {
  const reading = read('HaeMuuttuneet', result, instanceId);
  if (reading.kind === 'error') return reading.error;
  if (reading.kind === 'notFound') return { persons: [], issues: [], pages: 0 };
  const sivuja = text(reading.payload, 'Sivuja');
  if (sivuja === undefined || !/^\d{1,7}$/.test(sivuja)) {
    return new AdapterError('MALFORMED_RESPONSE', instanceId, 'HaeMuuttuneet: expected Sivuja as a whole number, received another value');
  }
  const persons: ChangedPerson[] = [];
  const issues: RecordIssue[] = [];
  children(reading.payload, 'Hetu').forEach((node, i) => {
    const code = typeof node['#text'] === 'string' ? node['#text'] : '';
    const check = checkHetu(code);
    if (check.ok) persons.push({ hetu: code });
    else
      issues.push(
        issue(
          'INVALID_IDENTITY_CODE',
          instanceId,
          `HaeMuuttuneet page ${page} response Hetu[${i + 1}]`,
          `expected a valid identity code, received one that is not (${check.reason})`,
        ),
      );
  });
  return { persons, issues, pages: Number(sivuja) };
}
