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
import { randomUUID } from 'node:crypto';
import type { ReadCaller } from '../../domain/sourceAdapter.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { soapHeader } from '../wire/soapHeaders.ts';
import { tlsFailureReason } from '../wire/tls.ts';
import { xroadUserId } from '../wire/xroad.ts';

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
  private readonly timeoutMs: number;

  /** `connections`: queries in flight at most (the adapter's concurrency). */
  constructor(
    private readonly config: AdapterConfig,
    connections: number,
  ) {
    this.timeoutMs = config.timeoutMs;
    this.endpoint = endpointOf(config.address);
    this.limits = answerLimits('vtj', config.limits);
    this.http = new SoapHttpClient({ timeoutMs: config.timeoutMs, connections, ...this.limits, ...(config.tls && { tls: config.tls }) });
  }

  /**
   * The `soap:Header` of one query: X-Road's fields (a fresh message id,
   * the caller's user id and issue, or the system user id) and the
   * WS-Security UsernameToken, as configured; '' when neither is.
   */
  header(caller: ReadCaller | undefined): string {
    const { xroad, credentials } = this.config;
    return soapHeader({
      ...(credentials && { credentials }),
      ...(xroad && {
        xroad: {
          config: xroad,
          call: { id: randomUUID(), userId: xroadUserId(xroad, caller), ...(caller?.issue !== undefined && { issue: caller.issue }) },
        },
      }),
    });
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

  /**
   * Sends one `TeeHenkilonTunnusKysely` (`caller`: whose read it is, for
   * X-Road's userId and issue; none for system reads); resolves with the
   * raw answer, or the AdapterError of a query that got none.
   */
  async query(hetu: string, signal?: AbortSignal, caller?: ReadCaller): Promise<VtjHttpAnswer | AdapterError> {
    const wsdl = await this.ensureWsdl();
    if (wsdl !== true) return wsdl;
    const answer = await this.http.post(this.endpoint, QUOTED_ACTION, requestEnvelope(hetu, this.header(caller)), signal);
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
          : (tlsFailureReason(f.cause) ?? `the connection failed or was closed before a whole answer (${f.code ?? 'no error code'})`);
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
