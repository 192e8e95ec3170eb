/**
 * Pure reading of one VTJ answer (HTTP status, content type, raw bytes of
 * the SOAP envelope) into a `VtjPerson`, "no such person", or an error.
 * No I/O here: every quirk of the interface is handled in this module.
 */
import type { VtjHttpAnswer } from './format.ts';
import { isValidIsoDate } from '../../domain/index.ts';
import { child, children, text } from '../wire/xml.ts';
import { parseXmlFast } from '../wire/xmlFast.ts';
import type { AdapterErrorCode, VtjPerson } from '../../domain/index.ts';
import type { XmlNode } from '../wire/xml.ts';
import { EL, PALUUKOODI, RESPONSE_ELEMENT, vtjDateToIso } from './format.ts';

export type VtjReading =
  | { readonly kind: 'found'; readonly person: VtjPerson }
  | { readonly kind: 'notFound' }
  | { readonly kind: 'error'; readonly code: AdapterErrorCode; readonly reason: string };

const ALWAYS_ARRAY = new Set<string>([EL.guardian, EL.dependant]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: AdapterErrorCode, reason: string): VtjReading {
  return { kind: 'error', code, reason };
}

/** An HTTP status that gateways use for "not now": unavailable rather than broken. */
function isUnavailableStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/**
 * Reads one answer to `TeeHenkilonTunnusKysely` for `requestedHetu`.
 * A SOAP `Server` fault (overload, maintenance) is SOURCE_UNAVAILABLE; a
 * `Client` fault is SOURCE_ERROR; an unreadable envelope MALFORMED_RESPONSE;
 * a readable envelope whose `Henkilo` cannot be mapped MALFORMED_RECORD.
 */
export function readVtjAnswer(answer: VtjHttpAnswer, requestedHetu: string): VtjReading {
  let xml: string;
  try {
    xml = utf8.decode(answer.body);
  } catch {
    if (answer.status !== 200) return httpFailure(answer.status);
    return fail('MALFORMED_RESPONSE', 'expected a UTF-8 SOAP envelope, received bytes that are not UTF-8');
  }
  // The quick reader for plain answers; anything else (hostile input included) goes to the safe parser.
  const parsed = parseXmlFast(xml, ALWAYS_ARRAY);
  if (!parsed.ok) {
    if (answer.status !== 200) return httpFailure(answer.status);
    return fail('MALFORMED_RESPONSE', parsed.reason);
  }
  const body = child(child(parsed.doc, 'Envelope'), 'Body');
  if (!body) {
    if (answer.status !== 200) return httpFailure(answer.status);
    return fail('MALFORMED_RESPONSE', 'expected a SOAP Envelope with a Body, received XML of another shape');
  }
  const fault = child(body, 'Fault');
  if (fault) {
    // SOAP 1.1: a Server fault means the message was fine but the service
    // could not process it now (the service's overload and maintenance
    // answers); a Client fault means the request itself was refused.
    const code = (text(fault, 'faultcode') ?? '').replace(/^[^:]*:/, '');
    // X-Road's security server words its own faults as dotted codes (`Server.ServerProxy.AccessDenied`): a
    // refused client or service is a setting to fix, not a busy service; only its network and timeout faults are "not now".
    if (/^(?:Client|Server)\.[\w.]{1,120}$/.test(code)) {
      return /NetworkError|Timeout|ServiceFailed/.test(code)
        ? fail('SOURCE_UNAVAILABLE', `expected an answer, received the X-Road fault ${code}`)
        : fail('SOURCE_ERROR', `expected an answer, received the X-Road fault ${code}`);
    }
    if (code === 'Server') {
      return fail('SOURCE_UNAVAILABLE', 'expected an answer, received a SOAP Server fault (overloaded or in maintenance)');
    }
    return fail('SOURCE_ERROR', 'expected an answer, received a SOAP fault other than Server');
  }
  if (answer.status !== 200) return httpFailure(answer.status);
  const response = child(body, RESPONSE_ELEMENT);
  if (!response) return fail('MALFORMED_RESPONSE', `expected ${RESPONSE_ELEMENT} in the SOAP Body, received another element`);
  const paluukoodi = text(response, 'Paluukoodi');
  if (paluukoodi === PALUUKOODI.NOT_FOUND) return { kind: 'notFound' };
  if (paluukoodi === PALUUKOODI.MALFORMED_CODE) {
    return fail('INVALID_IDENTITY_CODE', 'expected the service to accept the identity code, received Paluukoodi 0002 (malformed code)');
  }
  if (paluukoodi !== PALUUKOODI.FOUND) {
    return fail('MALFORMED_RESPONSE', 'expected Paluukoodi 0000, 0001 or 0002, received another value');
  }
  const henkilo = child(response, EL.henkilo);
  if (!henkilo) return fail('MALFORMED_RESPONSE', 'expected a Henkilo with Paluukoodi 0000, received none');
  const mapped = mapHenkilo(henkilo);
  if (!mapped.ok) return fail('MALFORMED_RECORD', mapped.reason);
  if (mapped.person.hetu !== requestedHetu) {
    return fail('MALFORMED_RESPONSE', 'expected the Henkilo of the requested identity code, received another');
  }
  return { kind: 'found', person: mapped.person };
}

function httpFailure(status: number): VtjReading {
  if (isUnavailableStatus(status)) {
    return fail('SOURCE_UNAVAILABLE', `expected a SOAP answer, received HTTP ${status} without a SOAP envelope`);
  }
  return fail('SOURCE_ERROR', `expected a SOAP answer, received HTTP ${status} without a SOAP envelope`);
}

type Mapped = { readonly ok: true; readonly person: VtjPerson } | { readonly ok: false; readonly reason: string };

/** Maps one `Henkilo` element (parsed) to a `VtjPerson`. */
export function mapHenkilo(h: XmlNode): Mapped {
  const hetu = text(h, EL.hetu);
  if (!hetu) return { ok: false, reason: 'expected Henkilo/Henkilotunnus, received none' };
  const inForceCode = attribute(h, EL.hetu, EL.hetuInForce);
  // An absent attribute is read as "in force": only an explicit 0 retires a code.
  if (inForceCode !== undefined && inForceCode !== '0' && inForceCode !== '1') {
    return { ok: false, reason: 'expected voimassaolokoodi 0 or 1, received another value' };
  }
  const surname = text(child(h, EL.surnameGroup), EL.surname);
  if (!surname) return { ok: false, reason: 'expected NykyinenSukunimi/Sukunimi, received none' };
  const firstNames = text(child(h, EL.firstNamesGroup), EL.firstNames) ?? '';

  const turvaCode = text(child(h, EL.turvakieltoGroup), EL.turvakielto);
  if (turvaCode !== undefined && turvaCode !== '0' && turvaCode !== '1') {
    return { ok: false, reason: 'expected TurvakieltoTieto 0 or 1, received another value' };
  }

  let deathDate: string | undefined;
  const death = text(child(h, EL.deathGroup), EL.deathDate);
  if (death !== undefined) {
    deathDate = vtjDateToIso(death);
    if (!deathDate || !isValidIsoDate(deathDate))
      return { ok: false, reason: 'expected Kuolinpvm as YYYYMMDD, received a value of another form' };
  }

  const a = child(h, EL.address);
  const streetFi = text(a, EL.streetFi);
  let address: VtjPerson['address'];
  if (a && streetFi) {
    const streetSv = text(a, EL.streetSv);
    const citySv = text(a, EL.citySv);
    address = {
      streetFi,
      // An empty Swedish form: the Finnish form serves both languages (vtj.md).
      ...(streetSv ? { streetSv } : {}),
      postalCode: text(a, EL.postalCode) ?? '',
      cityFi: text(a, EL.cityFi) ?? '',
      ...(citySv ? { citySv } : {}),
    };
  }

  const k = child(h, EL.municipality);
  const code = text(k, EL.municipalityCode);
  let municipality: VtjPerson['municipality'];
  if (code !== undefined) {
    if (!/^\d{3}$/.test(code)) return { ok: false, reason: 'expected Kuntanumero as three digits, received a value of another form' };
    const nameFi = text(k, EL.municipalityFi) ?? '';
    municipality = { code, nameFi, nameSv: text(k, EL.municipalitySv) ?? nameFi };
  }

  const language = text(child(h, EL.languageGroup), EL.language)?.toLowerCase();

  return {
    ok: true,
    person: {
      hetu,
      hetuInForce: inForceCode !== '0',
      surname,
      firstNames,
      ...(address ? { address } : {}),
      ...(municipality ? { municipality } : {}),
      ...(language ? { language } : {}),
      turvakielto: turvaCode === '1',
      ...(deathDate ? { deathDate } : {}),
      guardians: codes(child(h, EL.guardians), EL.guardian),
      dependants: codes(child(h, EL.dependants), EL.dependant),
    },
  };
}

/** The `Henkilotunnus` of each listed guardian or dependant, in order. */
function codes(list: XmlNode | undefined, name: string): string[] {
  const out: string[] = [];
  for (const item of children(list, name)) {
    const code = text(item, EL.hetu);
    if (code) out.push(code);
  }
  return out;
}

function attribute(node: XmlNode, name: string, attr: string): string | undefined {
  const v = node[name];
  if (v === undefined || typeof v === 'string' || Array.isArray(v)) return undefined;
  const a = v[`@_${attr}`];
  return typeof a === 'string' ? a : undefined;
}
