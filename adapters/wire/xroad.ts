/**
 * The X-Road message protocol 4.0's SOAP headers (PR-MESS, section 2.2):
 * `client`, `service`, `id`, `userId`, `issue` and `protocolVersion` in
 * namespace http://x-road.eu/xsd/xroad.xsd, the identifiers' parts in
 * http://x-road.eu/xsd/identifiers. Format code shared by the VTJ adapter
 * (which writes the headers) and the VTJ emulator (which reads and checks
 * them, answering a SOAP fault as a security server would).
 */
import { escapeXml } from './xml.ts';

export const XROAD_NS = 'http://x-road.eu/xsd/xroad.xsd';
export const XROAD_ID_NS = 'http://x-road.eu/xsd/identifiers';
export const XROAD_PROTOCOL_VERSION = '4.0';
/** The user id of reads no person asked for (person index, statistics) when none is configured. */
export const DEFAULT_SYSTEM_USER_ID = 'regiongraph-system';

/** A service client: a member's subsystem (objectType SUBSYSTEM). */
export interface XRoadClientId {
  readonly xRoadInstance: string;
  readonly memberClass: string;
  readonly memberCode: string;
  readonly subsystemCode: string;
}

/** A service (objectType SERVICE). */
export interface XRoadServiceId {
  readonly xRoadInstance: string;
  readonly memberClass: string;
  readonly memberCode: string;
  readonly subsystemCode?: string;
  readonly serviceCode: string;
  readonly serviceVersion?: string;
}

/** VTJ's X-Road settings: who calls, which service, and the user id of system reads. */
export interface XRoadConfig {
  readonly client: XRoadClientId;
  readonly service: XRoadServiceId;
  /** Default 4.0. */
  readonly protocolVersion?: string;
  /** `userId` of reads no person asked for (person index, statistics); default `regiongraph-system`. Never an identity code. */
  readonly systemUserId?: string;
}

/** Who a read is for, as X-Road's `userId` and `issue` carry it. */
export interface XRoadCall {
  readonly userId: string;
  readonly issue?: string;
  /** The message id (a fresh UUID per call). */
  readonly id: string;
}

/** `FI/GOV/0245437-2/regiongraph` → a client id; undefined for another shape. */
export function parseXRoadClient(text: string): XRoadClientId | undefined {
  const parts = text.split('/');
  if (parts.length !== 4 || parts.some((p) => !IDENTIFIER_PART.test(p))) return undefined;
  const [xRoadInstance, memberClass, memberCode, subsystemCode] = parts as [string, string, string, string];
  return { xRoadInstance, memberClass, memberCode, subsystemCode };
}

/** `FI/GOV/0245439-9/VTJkysely/HenkilotunnuskyselyV1/v1` (subsystem and version optional: 4 to 6 parts) → a service id. */
export function parseXRoadService(text: string): XRoadServiceId | undefined {
  const parts = text.split('/');
  if (parts.length < 4 || parts.length > 6 || parts.some((p) => !IDENTIFIER_PART.test(p))) return undefined;
  const [xRoadInstance, memberClass, memberCode] = parts as [string, string, string];
  // Four parts: member and service code; five: subsystem and service code; six: with the version.
  if (parts.length === 4) return { xRoadInstance, memberClass, memberCode, serviceCode: parts[3]! };
  return {
    xRoadInstance,
    memberClass,
    memberCode,
    subsystemCode: parts[3]!,
    serviceCode: parts[4]!,
    ...(parts.length === 6 && { serviceVersion: parts[5]! }),
  };
}

/** One part of an identifier: PR-MESS 2.7 forbids `/ \ : ; %` and control characters; kept to printable ASCII here. */
const IDENTIFIER_PART = /^[\x21-\x7e]{1,255}$/;

/** An identity code anywhere in a text, in any of its forms (any century sign, or none): what a user id must never hold. */
const IDENTITY_CODE_LIKE = /\d{6}\s*[-+A-FU-Y]?\s*\d{3}[0-9A-Y]/i;

/** Whether a text holds something shaped like an identity code. */
export function holdsIdentityCode(text: string): boolean {
  return IDENTITY_CODE_LIKE.test(text);
}

/** Why the settings are wrong, or undefined. */
export function xroadConfigProblem(config: XRoadConfig): string | undefined {
  const parts: [string, string | undefined][] = [
    ['client.xRoadInstance', config.client?.xRoadInstance],
    ['client.memberClass', config.client?.memberClass],
    ['client.memberCode', config.client?.memberCode],
    ['client.subsystemCode', config.client?.subsystemCode],
    ['service.xRoadInstance', config.service?.xRoadInstance],
    ['service.memberClass', config.service?.memberClass],
    ['service.memberCode', config.service?.memberCode],
    ['service.serviceCode', config.service?.serviceCode],
  ];
  for (const [name, value] of parts) {
    if (value === undefined || !IDENTIFIER_PART.test(value))
      return `expected ${name} as printable text, received ${value === undefined ? 'none' : 'another value'}`;
  }
  for (const name of ['subsystemCode', 'serviceVersion'] as const) {
    const value = config.service[name];
    if (value !== undefined && !IDENTIFIER_PART.test(value)) return `expected service.${name} as printable text, received another value`;
  }
  if (config.protocolVersion !== undefined && !/^4\.\d{1,3}$/.test(config.protocolVersion))
    return `expected protocolVersion 4.x, received "${config.protocolVersion}"`;
  const system = config.systemUserId;
  if (system !== undefined && !/^[\x21-\x7e]{1,128}$/.test(system))
    return 'expected systemUserId as printable text, received another value';
  if (system !== undefined && holdsIdentityCode(system)) return 'expected systemUserId without an identity code, received one holding one';
  return undefined;
}

/**
 * The X-Road header fields, in PR-MESS's order (client, service, id,
 * userId, issue, protocolVersion), with the two namespaces declared on the
 * `Header` element by the caller (`xroadHeaderNamespaces`).
 */
export function xroadHeaderFields(config: XRoadConfig, call: XRoadCall): string {
  const c = config.client;
  const s = config.service;
  const id = (name: string, value: string | undefined): string =>
    value === undefined ? '' : `<id:${name}>${escapeXml(value)}</id:${name}>`;
  return (
    `<xrd:client id:objectType="SUBSYSTEM">${id('xRoadInstance', c.xRoadInstance)}${id('memberClass', c.memberClass)}` +
    `${id('memberCode', c.memberCode)}${id('subsystemCode', c.subsystemCode)}</xrd:client>` +
    `<xrd:service id:objectType="SERVICE">${id('xRoadInstance', s.xRoadInstance)}${id('memberClass', s.memberClass)}` +
    `${id('memberCode', s.memberCode)}${id('subsystemCode', s.subsystemCode)}${id('serviceCode', s.serviceCode)}` +
    `${id('serviceVersion', s.serviceVersion)}</xrd:service>` +
    `<xrd:id>${escapeXml(call.id)}</xrd:id>` +
    `<xrd:userId>${escapeXml(call.userId)}</xrd:userId>` +
    (call.issue === undefined ? '' : `<xrd:issue>${escapeXml(call.issue)}</xrd:issue>`) +
    `<xrd:protocolVersion>${escapeXml(config.protocolVersion ?? XROAD_PROTOCOL_VERSION)}</xrd:protocolVersion>`
  );
}

/** The namespace declarations the header fields need, for the `Header` element. */
export const XROAD_HEADER_NAMESPACES = ` xmlns:xrd="${XROAD_NS}" xmlns:id="${XROAD_ID_NS}"`;

/**
 * The user id a call carries: the caller's subject, or the system user id
 * for reads no person asked for. A subject holding an identity code is
 * never sent (X-Road's logs would keep it): the system user id goes
 * instead, and the `issue` (the request id) still ties the call to the
 * region's own audit log.
 */
export function xroadUserId(config: XRoadConfig, caller: { readonly userId: string } | undefined): string {
  const system = config.systemUserId ?? DEFAULT_SYSTEM_USER_ID;
  // Printable text only (no control characters), at most 256 characters, as the subject validator allows.
  if (!caller || !/^[\x20-\x7e\u00a0-\uffff]{1,256}$/.test(caller.userId) || holdsIdentityCode(caller.userId)) return system;
  return caller.userId;
}

/** What the emulator read from a request's X-Road headers. */
export interface XRoadHeaderReading {
  readonly client?: Partial<Record<keyof XRoadClientId, string>> & { readonly objectType?: string };
  readonly service?: Partial<Record<keyof XRoadServiceId, string>> & { readonly objectType?: string };
  readonly id?: string;
  readonly userId?: string;
  readonly issue?: string;
  readonly protocolVersion?: string;
}

/** Why a request's X-Road headers are refused: a security server's fault code and text. */
export interface XRoadRefusal {
  readonly faultcode: string;
  readonly faultstring: string;
}

/**
 * Checks the headers of a request against what the service accepts.
 * Fault codes as X-Road's security server words them (`Client.` for the
 * client's own mistake, `Server.ServerProxy.` for the provider's refusal).
 */
export function checkXRoadHeaders(reading: XRoadHeaderReading | undefined, expected: XRoadConfig): XRoadRefusal | undefined {
  const missing = (field: string): XRoadRefusal => ({
    faultcode: 'Client.MissingHeaderField',
    faultstring: `Required header field ${field} is missing`,
  });
  if (!reading) return missing('client');
  for (const field of ['client', 'service', 'id', 'protocolVersion'] as const) if (reading[field] === undefined) return missing(field);
  if (reading.protocolVersion !== (expected.protocolVersion ?? XROAD_PROTOCOL_VERSION))
    return { faultcode: 'Client.InvalidProtocolVersion', faultstring: 'Unsupported protocol version' };
  const c = expected.client;
  const rc = reading.client!;
  if (
    rc.objectType !== 'SUBSYSTEM' ||
    rc.xRoadInstance !== c.xRoadInstance ||
    rc.memberClass !== c.memberClass ||
    rc.memberCode !== c.memberCode ||
    rc.subsystemCode !== c.subsystemCode
  )
    return {
      faultcode: 'Server.ServerProxy.AccessDenied',
      faultstring: 'Request is not allowed: the client is not permitted to use the service',
    };
  const s = expected.service;
  const rs = reading.service!;
  if (
    rs.objectType !== 'SERVICE' ||
    rs.xRoadInstance !== s.xRoadInstance ||
    rs.memberClass !== s.memberClass ||
    rs.memberCode !== s.memberCode ||
    rs.subsystemCode !== s.subsystemCode ||
    rs.serviceCode !== s.serviceCode ||
    rs.serviceVersion !== s.serviceVersion
  )
    return { faultcode: 'Server.ServerProxy.UnknownService', faultstring: 'Unknown service: the request names another service' };
  if (reading.userId === undefined || reading.userId === '') return missing('userId');
  return undefined;
}

/** A SOAP 1.1 fault as X-Road's security server writes one (PR-MESS Annex D.1). */
export function xroadFaultEnvelope(soapEnvNs: string, refusal: XRoadRefusal, detail: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="${soapEnvNs}"><SOAP-ENV:Body><SOAP-ENV:Fault>` +
    `<faultcode>${escapeXml(refusal.faultcode)}</faultcode><faultstring>${escapeXml(refusal.faultstring)}</faultstring>` +
    `<faultactor></faultactor><detail><faultDetail xmlns="">${escapeXml(detail)}</faultDetail></detail>` +
    `</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}
