/**
 * SOAP 1.1 headers of the SOAP products (Lifecare, VTJ): a WS-Security
 * UsernameToken with the password as text (OASIS WSS 1.0 UsernameToken
 * Profile, `#PasswordText`) and VTJ's X-Road headers (xroad.ts). The
 * clients write the `Header` element; the emulators read it back with the
 * safe parser and check it. Format code only, no mapping.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Credentials } from './adapterConfig.ts';
import { child, escapeXml, parseXml, text, type XmlNode } from './xml.ts';
import { XROAD_HEADER_NAMESPACES, xroadHeaderFields, type XRoadCall, type XRoadConfig, type XRoadHeaderReading } from './xroad.ts';

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** The `wsse:Security` header with a UsernameToken; `soapPrefix` is the envelope's prefix (for `mustUnderstand`). */
export function wsSecurityHeader(credentials: Credentials, soapPrefix = 'soap'): string {
  return (
    `<wsse:Security xmlns:wsse="${WSSE_NS}" ${soapPrefix}:mustUnderstand="1"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(credentials.username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_TEXT}">${escapeXml(credentials.password)}</wsse:Password>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}

/** What a request's header asks for: credentials and, for VTJ, the X-Road call. */
export interface SoapHeaderParts {
  readonly credentials?: Credentials;
  readonly xroad?: { readonly config: XRoadConfig; readonly call: XRoadCall };
}

/** The whole `soap:Header` element, or '' when there is nothing to send (the envelope then has no Header). */
export function soapHeader(parts: SoapHeaderParts, soapPrefix = 'soap'): string {
  if (!parts.credentials && !parts.xroad) return '';
  const ns = parts.xroad ? XROAD_HEADER_NAMESPACES : '';
  const xroad = parts.xroad ? xroadHeaderFields(parts.xroad.config, parts.xroad.call) : '';
  const security = parts.credentials ? wsSecurityHeader(parts.credentials, soapPrefix) : '';
  return `<${soapPrefix}:Header${ns}>${xroad}${security}</${soapPrefix}:Header>`;
}

/** A request's headers as the emulator reads them. */
export interface SoapHeaderReading {
  /** The UsernameToken, if there is one with a `#PasswordText` password. */
  readonly usernameToken?: Credentials;
  /** The X-Road fields, if the header holds any in X-Road's namespace. */
  readonly xroad?: XRoadHeaderReading;
  /** The header element as sent (the emulator echoes X-Road's fields in its answer, as PR-MESS asks of a service). */
  readonly raw?: string;
}

/**
 * Reads the Header of a request envelope (emulator side). Undefined when
 * the body is no readable XML; a reading without parts when it has no
 * Header.
 */
export function readSoapHeader(body: string): SoapHeaderReading | undefined {
  const parsed = parseXml(body);
  if (!parsed.ok) return undefined;
  const header = child(child(parsed.doc, 'Envelope'), 'Header');
  if (!header) return {};
  const raw = /<(?:[\w.-]+:)?Header\b[\s\S]*?<\/(?:[\w.-]+:)?Header>/.exec(body)?.[0];
  const token = child(child(header, 'Security'), 'UsernameToken');
  const password = child(token, 'Password');
  const username = text(token, 'Username');
  const passwordText = password ? (typeof password['#text'] === 'string' ? password['#text'] : '') : undefined;
  const usernameToken =
    username !== undefined && passwordText !== undefined && (password?.['@_Type'] ?? PASSWORD_TEXT) === PASSWORD_TEXT
      ? { username, password: passwordText }
      : undefined;
  const xroad = body.includes(XROAD_HEADER_NS_MARK) ? readXRoad(header) : undefined;
  return { ...(usernameToken && { usernameToken }), ...(xroad && { xroad }), ...(raw !== undefined && { raw }) };
}

const XROAD_HEADER_NS_MARK = '"http://x-road.eu/xsd/xroad.xsd"';

function readXRoad(header: XmlNode): XRoadHeaderReading | undefined {
  const ids = (node: XmlNode | undefined, names: readonly string[]): Record<string, string> | undefined => {
    if (!node) return undefined;
    const out: Record<string, string> = {};
    for (const name of names) {
      const v = text(node, name);
      if (v !== undefined) out[name] = v;
    }
    const objectType = node['@_objectType'];
    if (typeof objectType === 'string') out['objectType'] = objectType;
    return out;
  };
  const client = ids(child(header, 'client'), ['xRoadInstance', 'memberClass', 'memberCode', 'subsystemCode']);
  const service = ids(child(header, 'service'), [
    'xRoadInstance',
    'memberClass',
    'memberCode',
    'subsystemCode',
    'serviceCode',
    'serviceVersion',
  ]);
  const fields: Record<string, string> = {};
  for (const name of ['id', 'userId', 'issue', 'protocolVersion'] as const) {
    const v = text(header, name);
    if (v !== undefined) fields[name] = v;
  }
  if (!client && !service && Object.keys(fields).length === 0) return undefined;
  return { ...(client && { client }), ...(service && { service }), ...fields };
}

/** Compares a password without telling by timing how much of it matched (both hashed to one length first). */
export function samePassword(given: string, expected: string): boolean {
  const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
