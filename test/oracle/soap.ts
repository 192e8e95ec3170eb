/**
 * The `soap` package (node-soap) as an independent SOAP stack for the
 * oracle tests: its server serving a WSDL on a loopback port, its
 * WSDL-driven client, and the normalising of what its client parsed.
 * Nothing here reaches beyond 127.0.0.1: the server listens on it, and the
 * client is told not to use a proxy from the environment (the suite's
 * loopback guard refuses anything else anyway).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import type { Random } from './random.ts';

/** A `soap` server on a loopback port. */
export interface SoapOracleServer {
  /** `http://127.0.0.1:port`: the base address an adapter is configured with. */
  readonly address: string;
  readonly soap: soap.Server;
  close(): Promise<void>;
}

/** How `soap`'s server writes its answers: another envelope prefix, `<X />` for empty elements, no chunking. */
export type SoapServerForm = Pick<soap.IServerOptions, 'envelopeKey' | 'useEmptyTag' | 'enableChunkedEncoding'>;

/** The second form every oracle serves in: as legitimate as soap's default, and unlike what our emulators write. */
export const OTHER_FORM: SoapServerForm = { envelopeKey: 'SOAP-ENV', useEmptyTag: true, enableChunkedEncoding: false };

/**
 * Starts `soap`'s server for `path` with `services`; `wsdl` gets the
 * endpoint URL (known once the port is) and returns the WSDL text.
 */
export async function listenSoap(
  path: string,
  services: soap.IServices,
  wsdl: (location: string) => string,
  form: SoapServerForm = {},
): Promise<SoapOracleServer> {
  const http: HttpServer = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const server = soap.listen(http, { path, services, xml: wsdl(address + path), ...form });
  return {
    address,
    soap: server,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Axios options for every request of `soap`'s client: no proxy from the environment, loopback only. */
export const LOOPBACK_ONLY = { proxy: false } as const;

/** `soap`'s client for a WSDL URL (or file), never through a proxy; `envelopeKey`: its envelope prefix (default `soap`). */
export function soapClient(wsdlUrl: string, options: { endpoint?: string; envelopeKey?: string } = {}): Promise<soap.Client> {
  return soap.createClientAsync(
    wsdlUrl,
    { wsdl_options: { ...LOOPBACK_ONLY }, ...(options.envelopeKey !== undefined && { envelopeKey: options.envelopeKey }) },
    options.endpoint,
  );
}

/** The SOAP 1.1 fault `soap`'s client rejected a call with, as it parsed it; undefined when the error is no fault. */
export function soapFault(err: unknown): { faultcode?: unknown; faultstring?: unknown; detail?: unknown } | undefined {
  const root = (err as { root?: { Envelope?: { Body?: { Fault?: unknown } } } } | undefined)?.root;
  const fault = root?.Envelope?.Body?.Fault;
  return typeof fault === 'object' && fault !== null ? (fault as { faultcode?: unknown }) : undefined;
}

/** Leaves as strings (soap converts xsd:int, xsd:long and xsd:boolean), empty objects as '', `attributes` kept. */
export function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Date) throw new TypeError('soap parsed a date as a Date: compare its text instead');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '';
    return Object.fromEntries(entries.map(([k, v]) => [k, normalise(v)]));
  }
  return String(value);
}

/** A list as soap parsed it (absent, one object or an array) as an array. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A generated text of 1 to 8 `pieces`, never starting or ending with white
 * space (the services' texts are trimmed; the specs have no padded values).
 */
export function textOf(rng: Random, pieces: readonly string[]): string {
  let out = '';
  const n = rng.int(1, 8);
  for (let i = 0; i < n; i++) out += rng.pick(pieces);
  return /^\s|\s$/.test(out) ? `x${out}x` : out;
}
