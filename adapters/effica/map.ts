/**
 * Pure reading of Effica answers: HTTP status, content type and raw bytes
 * in; canonical records and record issues (or a whole-answer error) out.
 * Every quirk of the interface (effica.md) is handled here; no I/O.
 */
import {
  checkHetu,
  emptyRecords,
  fromHelsinkiLocal,
  instance as instanceOf,
  issue,
  isValidIsoDate,
  parseEuros,
  recordMunicipality,
} from '../../domain/index.ts';
import { child, children, parseXml, text } from '../wire/xml.ts';
import type {
  AdapterErrorCode,
  ChangedPerson,
  Consent,
  ConsentType,
  Customership,
  Decision,
  DecisionOutcome,
  Fee,
  FeeStatus,
  InstanceId,
  PersonRead,
  Plan,
  PlanType,
  Provenance,
  RecordIssue,
  ServiceTask,
  SourcePerson,
} from '../../domain/index.ts';
import type { XmlNode } from '../wire/xml.ts';
import { decodeBody, efficaDateToIso, EL, parseTimestamp, VIRHE } from './format.ts';
import type { EfficaHttpAnswer } from './format.ts';

export interface AnswerError {
  readonly kind: 'error';
  readonly code: AdapterErrorCode;
  readonly reason: string;
}

export type ClientReading = { readonly kind: 'read'; readonly read: PersonRead } | { readonly kind: 'notFound' } | AnswerError;

export type ChangedReading =
  | {
      readonly kind: 'page';
      readonly sivu: number;
      readonly sivuja: number;
      readonly persons: ChangedPerson[];
      readonly issues: RecordIssue[];
    }
  | AnswerError;

const SERVICE_TASKS: ReadonlyMap<string, ServiceTask> = new Map([
  ['VANH', 'OLDER_PEOPLE'],
  ['VAMM', 'DISABILITY'],
  ['LAPE', 'FAMILIES'],
  ['LSU', 'CHILD_WELFARE'],
  ['AIKS', 'ADULT_SOCIAL_WORK'],
  ['PAIH', 'SUBSTANCE_ABUSE'],
  ['PEOI', 'FAMILY_LAW'],
]);
const OUTCOMES: ReadonlyMap<string, DecisionOutcome> = new Map([
  ['MYONTEINEN', 'GRANTED'],
  ['KIELTEINEN', 'REFUSED'],
]);
const PLAN_TYPES: ReadonlyMap<string, PlanType> = new Map([
  ['ASIAKASSUUNNITELMA', 'CLIENT_PLAN'],
  ['PALVELUSUUNNITELMA', 'SERVICE_PLAN'],
]);
const FEE_STATUSES: ReadonlyMap<string, FeeStatus> = new Map([
  ['AVOIN', 'OPEN'],
  ['MAKSETTU', 'PAID'],
  ['MITATOITY', 'VOIDED'],
]);
const CONSENT_TYPES: ReadonlyMap<string, ConsentType> = new Map(
  (['LUOVUTUS_TERVEYDENHUOLTOON', 'LUOVUTUS_SOSIAALIHUOLTOON', 'KIELTO_KANTA', 'KIELTO_HUOLTAJALLE'] as const).map((t) => [t, t]),
);
const YES_NO: ReadonlyMap<string, boolean> = new Map([
  ['K', true],
  ['E', false],
]);

const CLIENT_ARRAYS = new Set<string>([EL.customership, EL.decision, EL.plan, EL.fee, EL.consent]);
const CHANGED_ARRAYS = new Set<string>([EL.hetu]);

function fail(code: AdapterErrorCode, reason: string): AnswerError {
  return { kind: 'error', code, reason };
}

/**
 * Classifies an answer that is not a 200: the service's VIRHE documents,
 * its HTML maintenance page, or something else.
 */
function nonSuccess(answer: EfficaHttpAnswer, expected: string): { virhe?: string; error: AnswerError } {
  const { status } = answer;
  if (status === 502 || status === 503 || status === 504) {
    const html = /text\/html/i.test(answer.contentType ?? '');
    return {
      error: fail(
        'SOURCE_UNAVAILABLE',
        `expected ${expected}, received HTTP ${status}${html ? ' with an HTML maintenance page' : ''} (service down)`,
      ),
    };
  }
  const virhe = readVirhe(answer.body);
  return {
    ...(virhe ? { virhe } : {}),
    error: fail('SOURCE_ERROR', `expected ${expected}, received HTTP ${status}${virhe ? ` with VIRHE ${virhe}` : ''}`),
  };
}

/** The KOODI of a `VIRHE` document, or undefined when the body is not one. */
export function readVirhe(body: Uint8Array): string | undefined {
  const decoded = decodeBody(body);
  if (!decoded.ok) return undefined;
  const parsed = parseXml(decoded.text);
  if (!parsed.ok) return undefined;
  const code = text(child(parsed.doc, 'VIRHE'), 'KOODI');
  return code && /^[A-Z_]{1,40}$/.test(code) ? code : undefined;
}

/** Decodes and parses a 200 answer's XML, refusing an HTML page. */
function documentOf(answer: EfficaHttpAnswer, alwaysArray: ReadonlySet<string>): { ok: true; doc: XmlNode } | AnswerError {
  if (/text\/html/i.test(answer.contentType ?? '')) return fail('MALFORMED_RESPONSE', 'expected an XML document, received an HTML page');
  const decoded = decodeBody(answer.body);
  if (!decoded.ok) return fail('MALFORMED_RESPONSE', decoded.reason);
  const parsed = parseXml(decoded.text, alwaysArray);
  if (!parsed.ok) return fail('MALFORMED_RESPONSE', parsed.reason);
  return { ok: true, doc: parsed.doc };
}

/**
 * Reads the answer to `GET /effica/{instance}/asiakas/{hetu}` into the
 * client's records: 404 EI_LOYDY is "no such client", 400
 * VIRHEELLINEN_PYYNTO a refused identity code, 503 (the HTML page)
 * SOURCE_UNAVAILABLE, a document that cannot be read MALFORMED_RESPONSE.
 */
export function readClientAnswer(answer: EfficaHttpAnswer, instanceId: InstanceId, requestedHetu: string): ClientReading {
  if (answer.status !== 200) {
    const { virhe, error } = nonSuccess(answer, 'an ASIAKAS document');
    if (answer.status === 404 && virhe === VIRHE.NOT_FOUND) return { kind: 'notFound' };
    if (answer.status === 400 && virhe === VIRHE.BAD_REQUEST) {
      return fail('INVALID_IDENTITY_CODE', 'expected the service to accept the identity code, received VIRHEELLINEN_PYYNTO');
    }
    return error;
  }
  const doc = documentOf(answer, CLIENT_ARRAYS);
  if ('kind' in doc) return doc;
  const asiakas = child(doc.doc, EL.client);
  if (!asiakas) return fail('MALFORMED_RESPONSE', 'expected an ASIAKAS document, received another root element');
  const hetu = text(asiakas, EL.hetu);
  if (!hetu) return fail('MALFORMED_RESPONSE', 'expected ASIAKAS/HETU, received none');
  if (hetu !== requestedHetu) return fail('MALFORMED_RESPONSE', 'expected the ASIAKAS of the requested identity code, received another');
  return { kind: 'read', read: mapAsiakas(asiakas, instanceId, requestedHetu) };
}

/** An item field that cannot be read: the item is left out with this reason. */
class ItemError extends Error {}

function required(node: XmlNode, name: string): string {
  const v = text(node, name);
  if (v === undefined) throw new ItemError(`expected ${name}, received none`);
  return v;
}

function dateOf(value: string, name: string): string {
  const iso = efficaDateToIso(value);
  if (!iso || !isValidIsoDate(iso)) throw new ItemError(`expected ${name} as DD.MM.YYYY, received a value of another form`);
  return iso;
}

function requiredDate(node: XmlNode, name: string): string {
  return dateOf(required(node, name), name);
}

function optionalDate(node: XmlNode, name: string): string | undefined {
  const v = text(node, name);
  return v === undefined ? undefined : dateOf(v, name);
}

function coded<T>(node: XmlNode, name: string, table: ReadonlyMap<string, T>): T {
  const v = required(node, name);
  const c = table.get(v);
  if (c === undefined) throw new ItemError(`expected ${name} as one of ${[...table.keys()].join(', ')}, received another value`);
  return c;
}

/** Optional free text: absent when empty. */
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/**
 * Maps one `ASIAKAS` (parsed) to the client's records. Items that cannot be
 * mapped are left out with a MALFORMED_RECORD issue; the rest is served.
 */
export function mapAsiakas(a: XmlNode, instanceId: InstanceId, hetu: string): PersonRead {
  const inst = instanceOf(instanceId);
  const issues: RecordIssue[] = [];
  const note = (code: AdapterErrorCode, position: string, reason: string, unmapped?: { field: string; value: string }) =>
    issues.push(issue(code, instanceId, position, reason, unmapped && { unmapped }));

  const kunta = text(a, 'KUNTA');
  let municipality = recordMunicipality(inst, kunta);
  if (!municipality) {
    municipality = inst.municipalities[0]!;
    note(
      'MUNICIPALITY_OUTSIDE_INSTANCE',
      'ASIAKAS/KUNTA',
      `expected one of the instance's municipalities ${inst.municipalities.join(', ')}, received another or none`,
    );
  }
  const prov = (localId: string): Provenance => ({ instance: instanceId, product: 'effica', municipality: municipality!, localId });

  const person = mapPerson(a, hetu, kunta, prov, note);

  const list = <T>(group: string, name: string, map: (node: XmlNode, position: string) => T): T[] => {
    const out: T[] = [];
    children(child(a, group), name).forEach((node, i) => {
      const position = `ASIAKAS/${group}/${name}[${i + 1}]`;
      try {
        out.push(map(node, position));
      } catch (err) {
        if (!(err instanceof ItemError)) throw err;
        note('MALFORMED_RECORD', position, err.message);
      }
    });
    return out;
  };

  const customerships = list(EL.customerships, EL.customership, (n, position): Customership => {
    const localId = required(n, 'ASIAKKUUSNRO');
    const serviceTask = coded(n, 'PALVELUTEHTAVA', SERVICE_TASKS);
    const startDate = requiredDate(n, 'ALKUPVM');
    const endDate = optionalDate(n, 'LOPPUPVM');
    const salassa = text(n, 'SALASSA');
    let extraSensitive = salassa === undefined ? undefined : YES_NO.get(salassa);
    if (extraSensitive === undefined) {
      // Fail safe: a customership whose secrecy cannot be read is treated as secret.
      extraSensitive = true;
      note('UNMAPPED_CODE', `${position}/SALASSA`, 'expected SALASSA K or E, received another value or none; read as extra-sensitive', {
        field: 'ASIAKKUUS/SALASSA',
        value: salassa ?? '',
      });
    }
    return {
      careArea: 'SOCIAL',
      serviceTask,
      ...optional('service', text(n, 'PALVELU')),
      ...optional('unit', text(n, 'YKSIKKO')),
      ...optional('responsibleWorker', text(n, 'VASTUUTYONTEKIJA')),
      startDate,
      ...optional('endDate', endDate),
      extraSensitive,
      source: prov(localId),
    };
  });

  const decisions = list(EL.decisions, EL.decision, (n): Decision => ({
    customershipId: required(n, 'ASIAKKUUSNRO'),
    service: text(n, 'PALVELU') ?? '',
    decisionDate: requiredDate(n, 'PAATOSPVM'),
    validFrom: requiredDate(n, 'VOIMASSA_ALKAEN'),
    ...optional('validTo', optionalDate(n, 'VOIMASSA_ASTI')),
    outcome: coded(n, 'RATKAISU', OUTCOMES),
    source: prov(required(n, 'PAATOSNRO')),
  }));

  const plans = list(EL.plans, EL.plan, (n): Plan => ({
    careArea: 'SOCIAL',
    type: coded(n, 'TYYPPI', PLAN_TYPES),
    startDate: requiredDate(n, 'LAADITTU'),
    ...optional('reviewDate', optionalDate(n, 'TARKISTETAAN')),
    ...optional('responsible', text(n, 'LAATIJA')),
    ...optional('customershipId', text(n, 'ASIAKKUUSNRO')),
    source: prov(required(n, 'NRO')),
  }));

  const fees = list(EL.fees, EL.fee, (n): Fee => {
    const localId = required(n, 'LASKUNRO');
    const date = requiredDate(n, 'PVM');
    const amountCents = parseEuros(required(n, 'SUMMA'), ',');
    if (amountCents === undefined) throw new ItemError('expected SUMMA as euros with a decimal comma, received a value of another form');
    return {
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date,
      description: text(n, 'SELITE') ?? '',
      amountCents,
      accruesToCeiling: coded(n, 'MAKSUKATTO', YES_NO),
      status: coded(n, 'TILA', FEE_STATUSES),
      source: prov(localId),
    };
  });

  const consents = list(EL.consents, EL.consent, (n): Consent => ({
    type: coded(n, 'TYYPPI', CONSENT_TYPES),
    givenOn: requiredDate(n, 'ANNETTU'),
    ...optional('withdrawnOn', optionalDate(n, 'PERUTTU')),
    source: prov(required(n, 'NRO')),
  }));

  return {
    records: { ...emptyRecords(hetu, instanceId), ...(person ? { person } : {}), customerships, decisions, plans, fees, consents },
    issues,
  };
}

function mapPerson(
  a: XmlNode,
  hetu: string,
  kunta: string | undefined,
  prov: (localId: string) => Provenance,
  note: (code: AdapterErrorCode, position: string, reason: string, unmapped?: { field: string; value: string }) => void,
): SourcePerson | undefined {
  const surname = text(a, 'SUKUNIMI');
  if (surname === undefined) {
    note('MALFORMED_RECORD', 'ASIAKAS', 'expected ASIAKAS/SUKUNIMI, received none; the client record is left out');
    return undefined;
  }

  let changedAt: string | undefined;
  const muutettu = a[`@_${EL.changedAt}`];
  if (typeof muutettu === 'string' && muutettu !== '') {
    const local = parseTimestamp(muutettu);
    const resolved = local ? fromHelsinkiLocal(local) : undefined;
    if (resolved?.ok) changedAt = resolved.instant;
    else
      note(
        'MALFORMED_RECORD',
        'ASIAKAS/@MUUTETTU',
        'expected MUUTETTU as a Helsinki local YYYYMMDDHHMMSS, received a value of another form or a skipped hour',
      );
  }

  let language: string | undefined;
  const kieli = text(a, 'KIELI');
  if (kieli !== undefined) {
    if (/^[A-Za-z]{2}$/.test(kieli)) language = kieli.toLowerCase();
    else
      note('UNMAPPED_CODE', 'ASIAKAS/KIELI', 'expected KIELI as a two-letter ISO 639-1 code, received a value of another form', {
        field: 'ASIAKAS/KIELI',
        value: kieli,
      });
  }

  const turva = text(a, 'TURVAKIELTO');
  let turvakielto = turva === undefined ? undefined : YES_NO.get(turva);
  if (turvakielto === undefined) {
    // Fail safe: an unreadable security prohibition is treated as in force.
    turvakielto = true;
    note('UNMAPPED_CODE', 'ASIAKAS/TURVAKIELTO', 'expected TURVAKIELTO K or E, received another value or none; read as in force', {
      field: 'ASIAKAS/TURVAKIELTO',
      value: turva ?? '',
    });
  }

  const street = text(a, 'OSOITE');
  return {
    hetu,
    surname,
    firstNames: text(a, 'ETUNIMET') ?? '',
    ...optional('municipality', kunta),
    ...optional('language', language),
    ...(street !== undefined ? { address: { street, postalCode: text(a, 'POSTINRO') ?? '', city: text(a, 'TOIMIPAIKKA') ?? '' } } : {}),
    turvakielto,
    ...optional('changedAt', changedAt),
    // Effica keys clients by identity code: the code as written is the local id.
    source: prov(hetu),
  };
}

/**
 * Reads one page of `GET /effica/{instance}/muuttuneet`. Listed codes that
 * are not valid identity codes become INVALID_IDENTITY_CODE issues.
 */
export function readChangedPage(answer: EfficaHttpAnswer, instanceId: InstanceId, sivu: number): ChangedReading {
  if (answer.status !== 200) return nonSuccess(answer, 'a MUUTTUNEET page').error;
  const doc = documentOf(answer, CHANGED_ARRAYS);
  if ('kind' in doc) return doc;
  const root = child(doc.doc, EL.changed);
  if (!root) return fail('MALFORMED_RESPONSE', 'expected a MUUTTUNEET document, received another root element');
  const page = root['@_SIVU'];
  const pages = root['@_SIVUJA'];
  if (typeof page !== 'string' || typeof pages !== 'string' || !/^\d{1,6}$/.test(page) || !/^\d{1,6}$/.test(pages)) {
    return fail('MALFORMED_RESPONSE', 'expected MUUTTUNEET with numeric SIVU and SIVUJA, received other attributes');
  }
  if (Number(page) !== sivu) return fail('MALFORMED_RESPONSE', `expected page ${sivu} of the listing, received page ${Number(page)}`);
  const persons: ChangedPerson[] = [];
  const issues: RecordIssue[] = [];
  children(root, EL.hetu).forEach((node, i) => {
    const code = text(node, '#text') ?? '';
    const check = checkHetu(code);
    if (check.ok) persons.push({ hetu: code });
    else
      issues.push(
        issue(
          'INVALID_IDENTITY_CODE',
          instanceId,
          `muuttuneet sivu ${sivu} HETU[${i + 1}]`,
          `expected a valid identity code, received one where ${check.reason}`,
        ),
      );
  });
  return { kind: 'page', sivu, sivuja: Number(pages), persons, issues };
}
