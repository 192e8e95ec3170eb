/**
 * VTJ emulator: the population information query service over SOAP 1.1 on
 * a real socket, answering from `{fixturesDir}/vtj/henkilot.xml`.
 *
 * Faults (shared `Faults`): overload and maintenance answer HTTP 500 with a
 * `soap:Server` fault; drop closes the connection without an answer;
 * malformed sends the first half of the envelope. Faults and the request
 * count apply to queries (POST), not to fetching the WSDL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHetu } from '../../domain/index.ts';
import { delay, Faults } from '../emulator/faults.ts';
import { createEmulatorServer, listenEmulator, type EmulatorSecurity } from '../emulator/httpEmulator.ts';
import { randomUUID } from 'node:crypto';
import { readSoapHeader, samePassword, WSSE_NS, type SoapHeaderReading } from '../wire/soapHeaders.ts';
import { checkXRoadHeaders, xroadFaultEnvelope } from '../wire/xroad.ts';
import { readLiteralRequest } from '../emulator/soapRequest.ts';
import { child, parseXml, text } from '../wire/xml.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { XmlNode } from '../wire/xml.ts';
import { faultEnvelope, OPERATION, PALUUKOODI, PRODUCT_CODE, responseEnvelope, SOAP_ENV_NS, VTJ_PATH, wsdl } from './format.ts';
import { loadHenkilot } from './store.ts';

/**
 * `requireXRoad`: refuse a query whose X-Road headers are missing or name
 * another client or service, with a SOAP fault as a security server words
 * it; `credentials`: refuse one without this WS-Security UsernameToken.
 */
export interface VtjEmulatorOptions extends EmulatorSecurity {
  readonly instance?: 'vtj';
  readonly fixturesDir: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Called with each query's body as received (tests assert the client's envelopes). */
  readonly onRequest?: (body: string) => void;
}

const MAX_REQUEST_BYTES = 64 * 1024;
const XML_TYPE = 'text/xml; charset=utf-8';

/** Starts the emulator; resolves once it listens. */
export async function startVtjEmulator(options: VtjEmulatorOptions): Promise<RunningEmulator> {
  const henkilot = loadHenkilot(options.fixturesDir);
  const faults = new Faults();
  const host = options.host ?? '127.0.0.1';

  const server = createEmulatorServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, XML_TYPE, faultEnvelope('Server', 'Sisäinen virhe'));
      else res.destroy();
    });
  }, options.tls);
  const scheme = options.tls ? 'https' : 'http';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Every query POSTs to the bare path: no URL object for it.
    const url = req.url === VTJ_PATH ? undefined : new URL(req.url ?? '/', 'http://localhost');
    if (url !== undefined && url.pathname !== VTJ_PATH) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    if (req.method === 'GET' && url !== undefined && [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
      // The endpoint as the caller reached it, like a real service behind its host name.
      return send(res, 200, XML_TYPE, wsdl(`${scheme}://${req.headers.host ?? `${host}:${req.socket.localPort ?? 0}`}${VTJ_PATH}`));
    }
    if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    const body = await readBody(req);
    if (body !== undefined) options.onRequest?.(body);
    // Only a query with a Header is parsed for it: the plain envelope of an emulator run without requirements stays on the quick path.
    const headers = body !== undefined && (options.requireXRoad || options.credentials) ? readSoapHeader(body) : undefined;
    if (options.requireXRoad) {
      const refusal = checkXRoadHeaders(headers?.xroad, options.requireXRoad);
      if (refusal) return send(res, 500, XML_TYPE, xroadFaultEnvelope(SOAP_ENV_NS, refusal, randomUUID()));
    }
    if (options.credentials) {
      const token = headers?.usernameToken;
      if (!token || token.username !== options.credentials.username || !samePassword(token.password, options.credentials.password))
        return send(res, 500, XML_TYPE, authenticationFault());
    }

    const fault = faults.next();
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (res.destroyed) return;
    switch (fault.mode) {
      case 'overload':
        return send(res, 500, XML_TYPE, faultEnvelope('Server', 'Palvelu on ylikuormittunut, yritä myöhemmin uudelleen'));
      case 'maintenance':
        return send(res, 500, XML_TYPE, faultEnvelope('Server', 'Palvelussa on huoltokatko'));
      case 'drop':
        req.socket.destroy();
        return;
    }
    const answer = body === undefined ? clientFault('Pyyntö on liian suuri') : answerQuery(body, echoedHeader(headers, body));
    if (fault.mode === 'malformed') {
      return send(res, 200, XML_TYPE, answer.body.slice(0, Math.floor(answer.body.length / 2)));
    }
    send(res, answer.status, XML_TYPE, answer.body);
  }

  function answerQuery(body: string, header: string): { status: number; body: string } {
    // The plain form every client sends is read without a parse (same answer as the parser's reading).
    const literal = readLiteralRequest(body);
    let query: XmlNode | undefined;
    if (literal) {
      query = literal.element === OPERATION ? literal.fields : undefined;
    } else {
      const parsed = parseXml(body);
      if (!parsed.ok) return clientFault('Pyyntö ei ole kelvollinen SOAP-sanoma');
      query = child(child(child(parsed.doc, 'Envelope'), 'Body'), OPERATION);
    }
    if (!query) return clientFault(`Pyynnössä ei ole operaatiota ${OPERATION}`);
    if (text(query, 'Tuotekoodi') !== PRODUCT_CODE) return clientFault('Tuntematon tuotekoodi');
    const hetu = text(query, 'Henkilotunnus') ?? '';
    if (!checkHetu(hetu).ok) return { status: 200, body: responseEnvelope(PALUUKOODI.MALFORMED_CODE, undefined, header) };
    const henkilo = henkilot.get(hetu);
    if (henkilo === undefined) return { status: 200, body: responseEnvelope(PALUUKOODI.NOT_FOUND, undefined, header) };
    return { status: 200, body: responseEnvelope(PALUUKOODI.FOUND, henkilo, header) };
  }

  return listenEmulator(server, faults, options.port, host, options.tls !== undefined);
}

/**
 * The request's X-Road fields copied into the answer's Header, as PR-MESS
 * asks of a service (never the WS-Security token); '' without X-Road.
 * The answer's Header is `soap:Header` whatever prefix the request's
 * envelope had (`soapenv:`, `SOAP-ENV:`), and carries the namespace
 * declarations in scope at the request's Header (the Envelope's, then its
 * own), so the prefixes the copied fields use stay declared in the answer.
 */
function echoedHeader(headers: SoapHeaderReading | undefined, body: string): string {
  if (!headers?.xroad || headers.raw === undefined) return '';
  const open = /^<(?:([\w.-]+):)?Header\b([^>]*)>/.exec(headers.raw);
  const prefix = open?.[1];
  if (!open || prefix === undefined || open[2]!.endsWith('/')) return '';
  const close = `</${prefix}:Header>`;
  if (!headers.raw.endsWith(close)) return '';
  const inner = headers.raw.slice(open[0].length, -close.length).replace(/<(\w+:)?Security\b[\s\S]*?<\/\1?Security>/, '');
  const declarations = new Map<string, string>();
  const envelopeAttributes = /<(?:[\w.-]+:)?Envelope\b([^>]*)>/.exec(body)?.[1] ?? '';
  for (const attributes of [envelopeAttributes, open[2]!]) {
    for (const m of attributes.matchAll(/\bxmlns(?::([\w.-]+))?\s*=\s*("[^"]*"|'[^']*')/g)) declarations.set(m[1] ?? '', m[2]!);
  }
  // `soap` is the answer's own envelope prefix, declared on its Envelope.
  declarations.delete('soap');
  const declared = [...declarations].map(([p, uri]) => ` xmlns${p === '' ? '' : `:${p}`}=${uri}`).join('');
  return `<soap:Header${declared}>${inner}</soap:Header>`;
}

/** WS-Security's fault for a token that does not authenticate (WSS 1.0, section 12). */
function authenticationFault(): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body><soap:Fault>` +
    `<faultcode xmlns:wsse="${WSSE_NS}">wsse:FailedAuthentication</faultcode>` +
    `<faultstring>The security token could not be authenticated or authorized</faultstring></soap:Fault></soap:Body></soap:Envelope>`
  );
}

function clientFault(reason: string): { status: number; body: string } {
  return { status: 500, body: faultEnvelope('Client', reason) };
}

/** The request body as UTF-8, or undefined when it is larger than any query. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed) return;
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length });
  res.end(bytes);
}
