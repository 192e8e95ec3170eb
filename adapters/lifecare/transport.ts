/**
 * The SOAP client of one Lifecare instance: the WSDL fetched once (its
 * target namespace tells the interface version), then each call a literal
 * envelope (format.ts) POSTed over a keep-alive undici pool. Calls never
 * reject: each gives the raw exchange (status and body, faults included)
 * for the pure mapper, or an AdapterError when no answer came (timeout,
 * refused, dropped, aborted) or it passed the instance's answer limits
 * (MALFORMED_RESPONSE: too large, too many references; reading stops there).
 */
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { answerLimits, tooLargeReason, tooManyReferencesReason, type AnswerLimits } from '../wire/answerLimits.ts';
import { AdapterError } from '../../domain/errors.ts';
import { SoapHttpFailure, SoapHttpClient } from '../wire/soapHttp.ts';
import { children, parseXml, type XmlNode, type XmlValue } from '../wire/xml.ts';
import type { Exchange } from './envelope.ts';
import { NAMESPACES, requestEnvelope, soapAction, versionOfNamespace, type LifecareVersion, type Operation } from './format.ts';
import type { CallResult } from './envelope.ts';
import { soapHeader } from '../wire/soapHeaders.ts';
import { tlsFailureReason } from '../wire/tls.ts';

/** Connections per instance: the adapter keeps about 4 persons × 6 calls in flight per readPersons, a caller a few of those. */
const CONNECTIONS = 32;

/** What the WSDL told: the version, and the operations it offers. */
interface Bound {
  readonly version: LifecareVersion;
  readonly operations: ReadonlySet<string>;
}

/** The SOAP client of one instance: the WSDL read lazily, one keep-alive pool, calls that never reject. */
export class LifecareTransport {
  readonly serviceUrl: string;
  private readonly http: SoapHttpClient;
  private bound?: Promise<Bound | AdapterError>;
  private closed = false;
  private readonly limits: AnswerLimits;
  /** The `soap:Header` of every call: the WS-Security UsernameToken when credentials are configured, else none. */
  private readonly header: string;

  constructor(private readonly config: AdapterConfig) {
    this.serviceUrl = `${config.address.replace(/\/+$/, '')}/lifecare/${config.instance}/PotilasPalvelu`;
    this.limits = answerLimits('lifecare', config.limits);
    this.header = soapHeader(config.credentials ? { credentials: config.credentials } : {});
    this.http = new SoapHttpClient({
      timeoutMs: config.timeoutMs,
      connections: config.concurrency ?? CONNECTIONS,
      ...this.limits,
      ...(config.tls && { tls: config.tls }),
    });
  }

  /**
   * The version and operations, reading the WSDL on first use; a failed
   * read is not cached, so a source that was down is asked again.
   */
  bind(): Promise<Bound | AdapterError> {
    if (!this.bound) {
      this.bound = this.build().then((b) => {
        if (b instanceof AdapterError) this.bound = undefined;
        return b;
      });
    }
    return this.bound;
  }

  private async build(): Promise<Bound | AdapterError> {
    const { instance, timeoutMs } = this.config;
    const answer = await this.http.get(`${this.serviceUrl}?wsdl`);
    if (answer instanceof SoapHttpFailure) {
      return new AdapterError(failureCode(answer), instance, `WSDL: ${describeFailure(answer, timeoutMs, this.limits)}`, {
        cause: answer.cause,
      });
    }
    if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
      return new AdapterError('SOURCE_UNAVAILABLE', instance, `WSDL: expected the service description, received HTTP ${answer.status}`);
    }
    const parsed = answer.status === 200 ? parseXml(answer.body.toString('utf8')) : undefined;
    const definitions = parsed?.ok ? element(parsed.doc['definitions']) : undefined;
    if (!definitions) {
      return new AdapterError('MALFORMED_RESPONSE', instance, 'WSDL: expected a readable WSDL, received an invalid one or an error status');
    }
    // Why: the version decides the request date form; it is read from the WSDL, not the instance name.
    const ns = definitions['@_targetNamespace'];
    const version = versionOfNamespace(typeof ns === 'string' ? ns : undefined);
    if (!version) {
      return new AdapterError(
        'MALFORMED_RESPONSE',
        instance,
        `WSDL: expected target namespace ${NAMESPACES.MR2020} or ${NAMESPACES.V2015}, received another namespace`,
      );
    }
    const operations = new Set<string>();
    for (const portType of children(definitions, 'portType')) {
      for (const op of children(portType, 'operation')) {
        const name = op['@_name'];
        if (typeof name === 'string') operations.add(name);
      }
    }
    return { version, operations };
  }

  /** Calls one operation with its request fields (in the WSDL's order); resolves to the exchange or the transport's error. */
  async call(op: Operation, fields: Readonly<Record<string, string | number | undefined>>, signal?: AbortSignal): Promise<CallResult> {
    const { instance, timeoutMs } = this.config;
    if (this.closed) return new AdapterError('SOURCE_UNAVAILABLE', instance, `${op}: expected an open adapter, received a closed one`);
    const bound = await this.bind();
    if (bound instanceof AdapterError) return bound;
    if (!bound.operations.has(op))
      return new AdapterError('MALFORMED_RESPONSE', instance, `WSDL: expected operation ${op}, received a WSDL without it`);
    const answer = await this.http.post(
      this.serviceUrl,
      soapAction(bound.version, op),
      requestEnvelope(bound.version, op, fields, this.header),
      signal,
    );
    if (answer instanceof SoapHttpFailure) {
      return new AdapterError(failureCode(answer), instance, `${op}: ${describeFailure(answer, timeoutMs, this.limits)}`, {
        cause: answer.cause,
      });
    }
    return { status: answer.status, body: answer.body.toString('utf8') } satisfies Exchange;
  }

  /** Releases pooled connections. */
  close(): void {
    this.closed = true;
    this.http.destroy();
  }
}

function element(v: XmlValue | undefined): XmlNode | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** An answer over a limit came, but cannot be read: MALFORMED_RESPONSE; no answer at all: SOURCE_UNAVAILABLE. */
function failureCode(f: SoapHttpFailure): 'MALFORMED_RESPONSE' | 'SOURCE_UNAVAILABLE' {
  return f.kind === 'tooLarge' || f.kind === 'tooManyReferences' ? 'MALFORMED_RESPONSE' : 'SOURCE_UNAVAILABLE';
}

function describeFailure(f: SoapHttpFailure, timeoutMs: number, limits: AnswerLimits): string {
  switch (f.kind) {
    case 'timeout':
      return `expected an answer within ${timeoutMs} ms, received none`;
    case 'refused':
      return 'expected a connection, received a refusal';
    case 'cancelled':
      return 'expected an answer, the request was aborted by the caller';
    case 'tooLarge':
      return tooLargeReason(limits.maxResponseBytes);
    case 'tooManyReferences':
      return tooManyReferencesReason(limits.maxReferences);
    case 'connection':
      return `expected an answer, ${tlsFailureReason(f.cause) ?? `the connection failed (${f.code ?? 'no error code'})`}`;
  }
}
