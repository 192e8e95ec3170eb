/**
 * Lifecare's patient web service on the wire (lifecare.md): versions and
 * their namespaces, operation and element names, SOAP 1.1 envelopes and
 * faults, fixture file names, and the purely syntactic split of the
 * version's date forms. Shared by the emulator, the adapter and the writer;
 * no canonical mapping here.
 */
import { escapeXml } from '../wire/xml.ts';

export type LifecareVersion = 'MR2020' | 'V2015';

/** Target namespace of each interface version. */
export const NAMESPACES: Readonly<Record<LifecareVersion, string>> = {
  MR2020: 'urn:lifecare:mr2020:potilaspalvelu',
  V2015: 'urn:lifecare:v2015:potilaspalvelu',
};

/** The version a namespace URI names, or undefined for any other URI. */
export function versionOfNamespace(ns: string | undefined): LifecareVersion | undefined {
  if (ns === NAMESPACES.MR2020) return 'MR2020';
  if (ns === NAMESPACES.V2015) return 'V2015';
  return undefined;
}

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

export const OPERATIONS = ['HaePotilas', 'HaeKaynnit', 'HaeSuunnitelmat', 'HaeMaksut', 'HaeMuuttuneet'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** `HaePotilas` → `HaePotilasPyynto`. */
export function requestElement(op: Operation): string {
  return `${op}Pyynto`;
}

/** `HaePotilas` → `HaePotilasVastaus`. */
export function responseElement(op: Operation): string {
  return `${op}Vastaus`;
}

/** The operation whose request element this is, if any. */
export function operationOfRequest(localName: string): Operation | undefined {
  return OPERATIONS.find((op) => requestElement(op) === localName);
}

/** `HaeMuuttuneet` lists at most this many codes a page. */
export const PAGE_SIZE = 500;

/** The `Koodi` values of `detail/Virhe` and the `faultcode` each goes with. */
export const FAULTS = {
  POTILAS_EI_LOYDY: { faultcode: 'soap:Client', faultstring: 'Potilasta ei löydy' },
  VIRHEELLINEN_HETU: { faultcode: 'soap:Client', faultstring: 'Virheellinen henkilötunnus' },
  PALVELU_KIIREINEN: { faultcode: 'soap:Server', faultstring: 'Palvelu on kiireinen, yritä myöhemmin uudelleen' },
  SISAINEN_VIRHE: { faultcode: 'soap:Server', faultstring: 'Sisäinen virhe' },
} as const;
export type FaultKoodi = keyof typeof FAULTS;

/** Fixture files of an instance: file name, root element, item element. */
export const FIXTURE_FILES = {
  potilaat: { file: 'potilaat.xml', root: 'Potilaat', item: 'Potilas' },
  kaynnit: { file: 'kaynnit.xml', root: 'Kaynnit', item: 'Kaynti' },
  suunnitelmat: { file: 'suunnitelmat.xml', root: 'Suunnitelmat', item: 'Suunnitelma' },
  maksut: { file: 'maksut.xml', root: 'Maksut', item: 'Maksu' },
} as const;

/** The fixture-only child of `Potilas` that `HaeMuuttuneet` reads. */
export const CHANGED_ELEMENT = 'Muutettu';

const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>';

/** A SOAP 1.1 envelope around body content, with a whole `soap:Header` element (or '' for none) before the Body. */
export function soapEnvelope(bodyContent: string, header = ''): string {
  return `${XML_DECL}<soap:Envelope xmlns:soap="${SOAP_ENV_NS}">${header}<soap:Body>${bodyContent}</soap:Body></soap:Envelope>`;
}

/** A response envelope: `<{op}Vastaus xmlns="{ns}">content</…>`. */
export function responseEnvelope(version: LifecareVersion, op: Operation, content: string): string {
  const name = responseElement(op);
  return soapEnvelope(`<${name} xmlns="${NAMESPACES[version]}">${content}</${name}>`);
}

/** A SOAP 1.1 fault envelope with `detail/Virhe/Koodi` in the version's namespace. */
export function faultEnvelope(version: LifecareVersion, koodi: FaultKoodi, faultstring: string = FAULTS[koodi].faultstring): string {
  return soapEnvelope(
    `<soap:Fault><faultcode>${FAULTS[koodi].faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring>` +
      `<detail><Virhe xmlns="${NAMESPACES[version]}"><Koodi>${koodi}</Koodi></Virhe></detail></soap:Fault>`,
  );
}

/** The SOAPAction of an operation, quoted as SOAP 1.1 sends it (the WSDL's `{ns}#{op}`). */
export function soapAction(version: LifecareVersion, op: Operation): string {
  return `"${NAMESPACES[version]}#${op}"`;
}

/**
 * A request envelope: `<{op}Pyynto xmlns="{ns}">` with one child per field,
 * in the given order (the WSDL's sequence), text escaped; undefined fields
 * are left out. `header`: a whole `soap:Header` element (WS-Security), or ''.
 */
export function requestEnvelope(
  version: LifecareVersion,
  op: Operation,
  fields: Readonly<Record<string, string | number | undefined>>,
  header = '',
): string {
  const name = requestElement(op);
  let children = '';
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value !== undefined) children += `<${key}>${escapeText(String(value))}</${key}>`;
  }
  return soapEnvelope(`<${name} xmlns="${NAMESPACES[version]}">${children}</${name}>`, header);
}

/**
 * The local name and namespace URI of the first element inside the SOAP
 * Body, read from the raw text (the shared XML parser drops namespace
 * declarations). Declarations on the element itself, on Body and on
 * Envelope are in scope; the innermost wins. Undefined when there is no
 * Body element.
 */
export function bodyPayloadName(xml: string): { localName: string; namespace: string | undefined } | undefined {
  const envelope = /<(?:([\w.-]+):)?Envelope\b([^>]*)>/.exec(xml);
  const body = /<(?:([\w.-]+):)?Body\b([^>]*)>/.exec(xml);
  if (!envelope || !body || body.index < envelope.index) return undefined;
  const afterBody = xml.slice(body.index + body[0].length);
  const first = /<(?:([\w.-]+):)?([\w.-]+)\b([^>]*)>/.exec(afterBody.replace(/<!--[\s\S]*?-->/g, ''));
  if (!first || first[0].startsWith('</')) return undefined;
  const prefix = first[1];
  const declared = (attrs: string): string | undefined => {
    const re = prefix ? new RegExp(`\\bxmlns:${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*(["'])(.*?)\\1`) : /\bxmlns\s*=\s*(["'])(.*?)\1/;
    return re.exec(attrs)?.[2];
  };
  const namespace = declared(first[3] ?? '') ?? declared(body[2] ?? '') ?? declared(envelope[2] ?? '');
  return { localName: first[2]!, namespace };
}

/** Calendar parts as written, not yet checked to be a real date. */
export interface WireDateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}
export interface WireDateTimeParts extends WireDateParts {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FI_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const FI_LOCAL = /^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})$/;

/** The version's date form: MR2020 `YYYY-MM-DD`, V2015 `D.M.YYYY`. Syntax only. */
export function splitWireDate(version: LifecareVersion, value: string): WireDateParts | undefined {
  if (version === 'MR2020') {
    const m = ISO_DATE.exec(value);
    return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]! } : undefined;
  }
  const m = FI_DATE.exec(value);
  return m ? { year: +m[3]!, month: +m[2]!, day: +m[1]! } : undefined;
}

/** The version's local time form: MR2020 `YYYY-MM-DDThh:mm:ss`, V2015 `D.M.YYYY h:mm`. Syntax only. */
export function splitWireDateTime(version: LifecareVersion, value: string): WireDateTimeParts | undefined {
  if (version === 'MR2020') return splitIsoLocal(value);
  const m = FI_LOCAL.exec(value);
  return m ? { year: +m[3]!, month: +m[2]!, day: +m[1]!, hour: +m[4]!, minute: +m[5]!, second: 0 } : undefined;
}

/** `YYYY-MM-DDThh:mm:ss` (Muutettu, MuuttunutJalkeen: both versions). Syntax only. */
export function splitIsoLocal(value: string): WireDateTimeParts | undefined {
  const m = ISO_LOCAL.exec(value);
  return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! } : undefined;
}

/** Writes a date in the version's form. */
export function formatWireDate(version: LifecareVersion, d: WireDateParts): string {
  if (version === 'MR2020') return `${String(d.year).padStart(4, '0')}-${pad2(d.month)}-${pad2(d.day)}`;
  return `${d.day}.${d.month}.${d.year}`;
}

/** Escapes element text (`&`, `<`, `>`); quotes need no escaping outside attributes. */
export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
