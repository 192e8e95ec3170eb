/**
 * Lifecare patient web service emulator: SOAP 1.1 document/literal over
 * HTTP at `/lifecare/{instance}/PotilasPalvelu` (WSDL at `?wsdl`), serving
 * `{fixturesDir}/{instance}/` in the instance's interface version.
 *
 * Faults (shared `Faults`): `overload` and `maintenance` answer a
 * `soap:Server` fault `PALVELU_KIIREINEN`; `drop` destroys the socket;
 * `malformed` answers 200 with a truncated envelope. Faults and the request
 * count apply to SOAP calls only, not to fetching the WSDL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Faults, delay, type RunningEmulator } from '../emulator/faults.ts';
import { createEmulatorServer, listenEmulator, type EmulatorSecurity } from '../emulator/httpEmulator.ts';
import { WSSE_NS, readSoapHeader, samePassword } from '../wire/soapHeaders.ts';
import { readLiteralRequest } from '../emulator/soapRequest.ts';
import { checkHetu } from '../../domain/hetu.ts';
import { instance as instanceOf, type InstanceId } from '../../domain/region.ts';
import { fromHelsinkiLocal, isoDate, parseInstant } from '../../domain/time.ts';
import { parseXml, text, type XmlNode } from '../wire/xml.ts';
import {
  CHANGED_ELEMENT,
  FIXTURE_FILES,
  NAMESPACES,
  PAGE_SIZE,
  bodyPayloadName,
  escapeText,
  faultEnvelope,
  operationOfRequest,
  responseEnvelope,
  soapEnvelope,
  splitIsoLocal,
  splitWireDate,
  splitWireDateTime,
  type FaultKoodi,
  type LifecareVersion,
  type Operation,
} from './format.ts';
import { servedItem, type StoredItem } from './served.ts';
import { loadLifecareStore, type LifecareStore } from './store.ts';
import { lifecareWsdl } from './wsdl.ts';

export interface LifecareEmulatorOptions extends Pick<EmulatorSecurity, 'tls' | 'credentials'> {
  readonly instance: InstanceId;
  readonly fixturesDir: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Called with each SOAP request body as received (tests assert the client's envelopes). */
  readonly onRequest?: (body: string) => void;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

/** An answer: HTTP status and SOAP envelope. */
interface Answer {
  readonly status: number;
  readonly body: string;
}

class Fault {
  constructor(
    readonly koodi: FaultKoodi,
    readonly faultstring?: string,
  ) {}
}

/** Starts the emulator of one Lifecare instance on a real socket. */
export async function startLifecareEmulator(options: LifecareEmulatorOptions): Promise<RunningEmulator> {
  const inst = instanceOf(options.instance);
  if (inst.product !== 'lifecare' || !inst.version) throw new RangeError(`${options.instance} is not a Lifecare instance.`);
  const version = inst.version;
  const store = await loadLifecareStore(join(options.fixturesDir, inst.id), version);
  const faults = new Faults();
  const path = `/lifecare/${inst.id}/PotilasPalvelu`;

  const server = createEmulatorServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, { status: 500, body: faultEnvelope(version, 'SISAINEN_VIRHE') });
      else res.destroy();
    });
  }, options.tls);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Every SOAP call POSTs to the bare path: no URL object for it.
    const url = req.url === path ? undefined : new URL(req.url ?? '/', 'http://emulator');
    if (url !== undefined && url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (req.method === 'GET' && url !== undefined && [...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
      const host = req.headers.host ?? `${options.host ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`;
      const scheme = options.tls ? 'https' : 'http';
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(lifecareWsdl(version, `${scheme}://${host}${path}`));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('Request too large\n');
      return;
    }
    options.onRequest?.(body);
    if (options.credentials && !tokenMatches(body, options.credentials)) {
      send(res, { status: 500, body: authenticationFault() });
      return;
    }
    const fault = faults.next();
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (res.destroyed) return;
    switch (fault.mode) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'overload':
        send(res, { status: 500, body: faultEnvelope(version, 'PALVELU_KIIREINEN') });
        return;
      case 'maintenance':
        send(res, { status: 500, body: faultEnvelope(version, 'PALVELU_KIIREINEN', 'Palvelu on huoltokatkolla') });
        return;
      case 'malformed': {
        const full = answer(store, version, body).body;
        send(res, { status: 200, body: full.slice(0, Math.max(20, Math.floor(full.length * 0.6))) });
        return;
      }
      default:
        send(res, answer(store, version, body));
    }
  }

  return listenEmulator(server, faults, options.port, options.host, options.tls !== undefined);
}

/** Whether the request's WS-Security UsernameToken holds exactly the expected credentials. */
function tokenMatches(body: string, expected: { readonly username: string; readonly password: string }): boolean {
  const token = readSoapHeader(body)?.usernameToken;
  return token !== undefined && token.username === expected.username && samePassword(token.password, expected.password);
}

/** WS-Security's fault for a token that does not authenticate (WSS 1.0, section 12). */
function authenticationFault(): string {
  return soapEnvelope(
    `<soap:Fault><faultcode xmlns:wsse="${WSSE_NS}">wsse:FailedAuthentication</faultcode>` +
      `<faultstring>The security token could not be authenticated or authorized</faultstring></soap:Fault>`,
  );
}

function send(res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(a.body) }).end(a.body);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers one SOAP request from the store. */
function answer(store: LifecareStore, version: LifecareVersion, body: string): Answer {
  try {
    const payload = readRequest(version, body);
    return { status: 200, body: responseEnvelope(version, payload.op, operate(store, version, payload.op, payload.node)) };
  } catch (err) {
    if (err instanceof Fault) return { status: 500, body: faultEnvelope(version, err.koodi, err.faultstring) };
    throw err;
  }
}

function readRequest(version: LifecareVersion, body: string): { op: Operation; node: XmlNode } {
  // The plain form every client sends is read without a parse (same answer as the parser's reading).
  const literal = readLiteralRequest(body);
  if (literal) {
    const op = operationOfRequest(literal.element);
    if (!op) throw new Fault('SISAINEN_VIRHE', 'Tuntematon operaatio');
    if (literal.namespace !== NAMESPACES[version]) throw new Fault('SISAINEN_VIRHE', 'Tuntematon nimiavaruus');
    return { op, node: literal.fields };
  }
  const name = bodyPayloadName(body);
  const parsed = parseXml(body);
  if (!name || !parsed.ok) throw new Fault('SISAINEN_VIRHE', 'Pyyntö ei ole SOAP-sanoma');
  const op = operationOfRequest(name.localName);
  if (!op) throw new Fault('SISAINEN_VIRHE', 'Tuntematon operaatio');
  if (name.namespace !== NAMESPACES[version]) throw new Fault('SISAINEN_VIRHE', 'Tuntematon nimiavaruus');
  const envelope = parsed.doc['Envelope'];
  const soapBody = typeof envelope === 'object' && !Array.isArray(envelope) ? envelope['Body'] : undefined;
  const node = typeof soapBody === 'object' && !Array.isArray(soapBody) ? soapBody[name.localName] : undefined;
  return { op, node: typeof node === 'object' && !Array.isArray(node) ? node : {} };
}

function operate(store: LifecareStore, version: LifecareVersion, op: Operation, req: XmlNode): string {
  if (op === 'HaeMuuttuneet') return changedPage(store, req);
  const hetu = text(req, 'Hetu');
  if (hetu === undefined || !checkHetu(hetu).ok) throw new Fault('VIRHEELLINEN_HETU');
  const patient = store.patients.get(hetu);
  if (patient === undefined) throw new Fault('POTILAS_EI_LOYDY');
  const { potilaat, kaynnit, suunnitelmat, maksut } = FIXTURE_FILES;
  switch (op) {
    case 'HaePotilas': {
      const served = servedItem(patient, potilaat.item, undefined, CHANGED_ELEMENT);
      // A stored record the service cannot read fails inside the service.
      if (!served) throw new Fault('SISAINEN_VIRHE');
      return served.xml;
    }
    case 'HaeKaynnit': {
      const from = requestDate(version, text(req, 'Alkaen'));
      const to = requestDate(version, text(req, 'Asti'));
      return concatServed(store.visits.get(hetu), kaynnit.item, 'Alkuaika', (alku) => {
        if (from === undefined && to === undefined) return true;
        const parts = alku === undefined ? undefined : splitWireDateTime(version, alku);
        if (!parts) return false;
        const date = isoDate(parts);
        return (from === undefined || date >= from) && (to === undefined || date <= to);
      });
    }
    case 'HaeSuunnitelmat':
      return concatServed(store.plans.get(hetu), suunnitelmat.item);
    case 'HaeMaksut': {
      const vuosi = text(req, 'Vuosi');
      if (vuosi === undefined || !/^\d{4}$/.test(vuosi)) throw new Fault('SISAINEN_VIRHE', 'Vuosi puuttuu tai on virheellinen');
      const year = Number(vuosi);
      return concatServed(
        store.fees.get(hetu),
        maksut.item,
        'Paivays',
        (paivays) => paivays !== undefined && yearOf(version, paivays) === year,
      );
    }
  }
}

/** The answers of the readable items that pass `keep` (given the text of `filterChild`), concatenated. */
function concatServed(
  items: readonly StoredItem[] | undefined,
  item: string,
  filterChild?: string,
  keep?: (filterText: string | undefined) => boolean,
): string {
  let out = '';
  for (const stored of items ?? []) {
    const served = servedItem(stored, item, filterChild);
    if (served && (keep === undefined || keep(served.filterText))) out += served.xml;
  }
  return out;
}

/**
 * The year of a stored date, read leniently (a calendar-invalid date of the
 * right year is still served, for the client to report).
 */
function yearOf(version: LifecareVersion, value: string): number | undefined {
  const m = (version === 'MR2020' ? /^(\d{4})-/ : /\.(\d{4})$/).exec(value);
  return m ? Number(m[1]) : undefined;
}

/**
 * A request date as `YYYY-MM-DD`; undefined when absent. The version's own
 * form is what clients send, but both forms are accepted (lenient reader).
 */
function requestDate(version: LifecareVersion, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parts = splitWireDate(version, value) ?? splitWireDate(version === 'MR2020' ? 'V2015' : 'MR2020', value);
  if (!parts) throw new Fault('SISAINEN_VIRHE', 'Päivämäärä on virheellinen');
  return isoDate(parts);
}

function changedPage(store: LifecareStore, req: XmlNode): string {
  const since = text(req, 'MuuttunutJalkeen');
  const sivu = text(req, 'Sivu') ?? '1';
  if (!/^\d{1,6}$/.test(sivu) || Number(sivu) < 1) throw new Fault('SISAINEN_VIRHE', 'Sivu on virheellinen');
  const sinceMs = since === undefined ? Number.NaN : sinceEpoch(since);
  if (Number.isNaN(sinceMs)) throw new Fault('SISAINEN_VIRHE', 'MuuttunutJalkeen on virheellinen');
  const list = store.changed;
  // First entry changed strictly after `since` (the list is sorted by time).
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.changedAt > sinceMs) hi = mid;
    else lo = mid + 1;
  }
  const total = list.length - lo;
  const pages = Math.ceil(total / PAGE_SIZE);
  const start = lo + (Number(sivu) - 1) * PAGE_SIZE;
  const rows = list.slice(start, Math.min(list.length, start + PAGE_SIZE));
  return rows.map((r) => `<Hetu>${escapeText(r.hetu)}</Hetu>`).join('') + `<Sivuja>${pages}</Sivuja>`;
}

function sinceEpoch(value: string): number {
  const local = splitIsoLocal(value);
  if (local) {
    const r = fromHelsinkiLocal(local);
    return r.ok ? r.epochMs : Number.NaN;
  }
  return parseInstant(value);
}
