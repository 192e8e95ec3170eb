/**
 * The VTJ client: the WSDL fetched once (it must name the service's
 * namespace and operation), then each query a literal envelope (format.ts)
 * POSTed over a keep-alive undici pool. The raw answer (status, content
 * type, bytes) goes to the pure reader in map.ts, so what the adapter maps
 * is exactly what the service sent; a query that got no answer is an
 * AdapterError.
 */
import { answerLimits, tooLargeReason, tooManyReferencesReason, type AnswerLimits } from '../wire/answerLimits.ts';
import { AdapterError } from '../../domain/errors.ts';
import { SoapHttpClient, SoapHttpFailure } from '../wire/soapHttp.ts';
import { children, parseXml, type XmlNode, type XmlValue } from '../wire/xml.ts';
import { OPERATION, SOAP_ACTION, VTJ_NS, VTJ_PATH, requestEnvelope } from './format.ts';
import type { VtjHttpAnswer } from './format.ts';

const QUOTED_ACTION = `"${SOAP_ACTION}"`;

/** The service endpoint for a configured address (a base URL, or the endpoint itself). */
export function endpointOf(address: string): string {
  const base = address.replace(/\/+$/, '');
  return base.endsWith(VTJ_PATH) ? base : base + VTJ_PATH;
}

export class VtjTransport {
  private readonly http: SoapHttpClient;
  private wsdl: Promise<true | AdapterError> | undefined;
  private readonly endpoint: string;
  private readonly limits: AnswerLimits;

  /** `limits`: this instance's answer limits over VTJ's defaults (answerLimits.ts). */
  constructor(
    address: string,
    private readonly timeoutMs: number,
    connections: number,
    limits?: Partial<AnswerLimits>,
  ) {
    this.endpoint = endpointOf(address);
    this.limits = answerLimits('vtj', limits);
    this.http = new SoapHttpClient({ timeoutMs, connections, ...this.limits });
  }

  /**
   * Reads the WSDL once. A failed read is forgotten, so the next query
   * tries again (the service may have been down).
   */
  ensureWsdl(): Promise<true | AdapterError> {
    if (!this.wsdl) {
      const read = this.readWsdl();
      this.wsdl = read;
      void read.then((r) => {
        if (r !== true && this.wsdl === read) this.wsdl = undefined;
      });
    }
    return this.wsdl;
  }

  private async readWsdl(): Promise<true | AdapterError> {
    const answer = await this.http.get(`${this.endpoint}?wsdl`);
    if (answer instanceof SoapHttpFailure && answer.kind !== 'tooLarge' && answer.kind !== 'tooManyReferences')
      return this.unavailable(answer);
    const parsed = answer instanceof SoapHttpFailure || answer.status !== 200 ? undefined : parseXml(answer.body.toString('utf8'));
    const definitions = parsed?.ok ? element(parsed.doc['definitions']) : undefined;
    const offers =
      definitions?.['@_targetNamespace'] === VTJ_NS &&
      children(definitions, 'portType').some((pt) => children(pt, 'operation').some((op) => op['@_name'] === OPERATION));
    if (!offers) {
      return new AdapterError(
        'SOURCE_ERROR',
        'vtj',
        'VTJ: expected a usable service description (WSDL), received one that could not be read or lacks the operation',
      );
    }
    return true;
  }

  /** Sends one `TeeHenkilonTunnusKysely`; resolves with the raw answer, or the AdapterError of a query that got none. */
  async query(hetu: string, signal?: AbortSignal): Promise<VtjHttpAnswer | AdapterError> {
    const wsdl = await this.ensureWsdl();
    if (wsdl !== true) return wsdl;
    const answer = await this.http.post(this.endpoint, QUOTED_ACTION, requestEnvelope(hetu), signal);
    if (answer instanceof SoapHttpFailure) {
      if (answer.kind === 'tooLarge' || answer.kind === 'tooManyReferences') {
        const why =
          answer.kind === 'tooLarge' ? tooLargeReason(this.limits.maxResponseBytes) : tooManyReferencesReason(this.limits.maxReferences);
        return new AdapterError('MALFORMED_RESPONSE', 'vtj', `VTJ: ${why}`, { cause: answer.cause });
      }
      return this.unavailable(answer);
    }
    return answer;
  }

  private unavailable(f: SoapHttpFailure): AdapterError {
    const why =
      f.kind === 'timeout'
        ? `no answer within ${this.timeoutMs} ms`
        : f.kind === 'cancelled'
          ? 'the read was cancelled'
          : 'the connection failed or was closed before a whole answer';
    return new AdapterError('SOURCE_UNAVAILABLE', 'vtj', `VTJ: expected an answer, but ${why}`, { cause: f.cause });
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.http.close();
  }
}

function element(v: XmlValue | undefined): XmlNode | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
