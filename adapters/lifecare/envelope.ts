/**
 * Reads one raw SOAP response of the patient web service (pure, no I/O):
 * the payload element and the interface version its namespace names, or a
 * fault by its `detail/Virhe/Koodi`, or why the body cannot be read.
 */
import { AdapterError } from '../../domain/errors.ts';
import type { InstanceId } from '../../domain/region.ts';
import { child, text, type XmlNode } from '../wire/xml.ts';
import { parseXmlFast } from '../wire/xmlFast.ts';
import { NAMESPACES, bodyPayloadName, responseElement, versionOfNamespace, type LifecareVersion, type Operation } from './format.ts';

/** One HTTP exchange as the transport saw it. */
export interface Exchange {
  /** HTTP status; 200 when the client did not say. */
  readonly status: number;
  readonly body: string;
}

export type ResponseReading =
  | { readonly kind: 'ok'; readonly version: LifecareVersion; readonly payload: XmlNode }
  /** Fault `POTILAS_EI_LOYDY`. */
  | { readonly kind: 'notFound' }
  | { readonly kind: 'error'; readonly error: AdapterError };

/**
 * Classifies a response to `op`: payload (with the version from the
 * payload's namespace, never from the instance name), patient not found,
 * or an AdapterError (other faults, unreadable bodies, unknown namespace).
 */
export function readResponse(op: Operation, exchange: Exchange, instance: InstanceId): ResponseReading {
  const fail = (code: ConstructorParameters<typeof AdapterError>[0], message: string): ResponseReading => ({
    kind: 'error',
    error: new AdapterError(code, instance, message),
  });
  // The quick reader for plain answers; anything else (hostile input included) goes to the safe parser.
  const parsed = parseXmlFast(exchange.body);
  if (!parsed.ok) {
    // A gateway or proxy in front of the service answers busy in HTML or plain text.
    if (exchange.status === 502 || exchange.status === 503 || exchange.status === 504) {
      return fail('SOURCE_UNAVAILABLE', `${op}: expected a SOAP response, received HTTP ${exchange.status} without one`);
    }
    return fail('MALFORMED_RESPONSE', `${op}: ${parsed.reason}`);
  }
  const body = child(child(parsed.doc, 'Envelope'), 'Body');
  if (!body) {
    if (exchange.status >= 500)
      return fail('SOURCE_UNAVAILABLE', `${op}: expected a SOAP response, received HTTP ${exchange.status} without one`);
    return fail('MALFORMED_RESPONSE', `${op}: expected a SOAP 1.1 Envelope with a Body, received another document`);
  }
  const fault = child(body, 'Fault');
  if (fault) return readFault(op, fault, instance);
  const name = responseElement(op);
  if (body[name] === undefined) {
    return fail('MALFORMED_RESPONSE', `${op}: expected ${name} in the SOAP Body, received another element`);
  }
  const ns = bodyPayloadName(exchange.body)?.namespace;
  const version = versionOfNamespace(ns);
  if (!version) {
    return fail(
      'MALFORMED_RESPONSE',
      `${op}: expected ${name} in namespace ${NAMESPACES.MR2020} or ${NAMESPACES.V2015}, received another namespace`,
    );
  }
  return { kind: 'ok', version, payload: child(body, name) ?? {} };
}

/** Maps a SOAP fault by its `Koodi` (lifecare.md: Faults). */
export function readFault(op: Operation, fault: XmlNode, instance: InstanceId): ResponseReading {
  const koodi = text(child(child(fault, 'detail'), 'Virhe'), 'Koodi');
  const error = (code: ConstructorParameters<typeof AdapterError>[0], message: string): ResponseReading => ({
    kind: 'error',
    error: new AdapterError(code, instance, message),
  });
  switch (koodi) {
    case 'POTILAS_EI_LOYDY':
      return { kind: 'notFound' };
    case 'VIRHEELLINEN_HETU':
      return error('INVALID_IDENTITY_CODE', `${op}: the source refused the identity code as malformed (VIRHEELLINEN_HETU)`);
    case 'PALVELU_KIIREINEN':
      return error('SOURCE_UNAVAILABLE', `${op}: the source answered that it is busy (PALVELU_KIIREINEN)`);
    case 'SISAINEN_VIRHE':
      return error('SOURCE_ERROR', `${op}: the source answered with an internal error (SISAINEN_VIRHE)`);
    default:
      if (koodi === undefined && /(?:^|:)(?:FailedAuthentication|InvalidSecurity(?:Token)?)$/.test(text(fault, 'faultcode') ?? ''))
        return error('SOURCE_ERROR', `${op}: the source refused the WS-Security credentials (${text(fault, 'faultcode')})`);
      return error(
        'SOURCE_ERROR',
        `${op}: expected a fault with a known Koodi, received ${koodi === undefined ? 'none' : 'an unknown one'}`,
      );
  }
}

/** What a transport call gave: an exchange, or the transport's own error (timeout, refused, dropped). */
export type CallResult = Exchange | AdapterError;
