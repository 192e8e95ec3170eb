/**
 * The SOAP client of one Lifecare instance, built with the `soap` package
 * from the service's WSDL. Calls never reject: each gives the raw exchange
 * (status and body, faults included) for the pure mapper, or an
 * AdapterError when no answer came (timeout, refused, dropped, aborted).
 * One keep-alive agent per instance reuses connections.
 */
import { retryOnReset } from '../core/retry.ts';
import { Agent } from 'node:http';
import * as soap from 'soap';
import type { AdapterConfig } from '../core/adapter.ts';
import { AdapterError } from '../core/errors.ts';
import type { Exchange } from './envelope.ts';
import { NAMESPACES, versionOfNamespace, type LifecareVersion, type Operation } from './format.ts';
import type { CallResult } from './map.ts';

/** Largest response accepted; a person's answers and a 500-code page are far smaller. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A built client and the version its WSDL names. */
interface Bound {
  readonly client: soap.Client;
  readonly version: LifecareVersion;
}

/** The shape of the promise methods the `soap` client defines from the WSDL. */
type SoapMethod = (args: object, options: object) => Promise<[unknown, string, unknown, string]>;

/** Axios errors and soap's response errors, as far as this module reads them. */
interface ClientError {
  readonly code?: string;
  readonly body?: unknown;
  readonly response?: { readonly status?: number };
}

/**
 * Why: soap's HttpClient cuts everything before the Envelope (a DOCTYPE
 * included) out of a response, which would hide hostile declarations from
 * the safe parser, and the regular expression it does that with is
 * quadratic on large bodies. This client hands the body on as received.
 */
class VerbatimHttpClient extends soap.HttpClient {
  override handleResponse(_req: unknown, _res: unknown, body: unknown): unknown {
    return body;
  }
}

/** The SOAP client of one instance: built lazily from the WSDL, one keep-alive agent, calls that never reject. */
export class LifecareTransport {
  readonly serviceUrl: string;
  // Idle sockets close after 4 s, before a server's usual 5 s keep-alive ends, so a reused socket is never one the server is closing.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16, timeout: 4_000 });
  private bound?: Promise<Bound | AdapterError>;
  private closed = false;

  constructor(private readonly config: AdapterConfig) {
    this.serviceUrl = `${config.address.replace(/\/+$/, '')}/lifecare/${config.instance}/PotilasPalvelu`;
  }

  /**
   * The client and version, building it from the WSDL on first use; a
   * failed build is not cached, so a source that was down is retried.
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
    let client: soap.Client;
    try {
      client = await soap.createClientAsync(
        `${this.serviceUrl}?wsdl`,
        {
          disableCache: true,
          httpClient: new VerbatimHttpClient(),
          wsdl_options: this.httpOptions(timeoutMs),
        },
        // The WSDL's own address may name a host behind a proxy; use the configured one.
        this.serviceUrl,
      );
    } catch (err) {
      const e = err as ClientError & Error;
      const reason = e.code ? describeNetworkError(e.code, timeoutMs) : 'expected a readable WSDL, received an invalid one or an error status';
      return new AdapterError(e.code ? 'SOURCE_UNAVAILABLE' : 'MALFORMED_RESPONSE', instance, `WSDL: ${reason}`, { cause: err });
    }
    // Why: the version decides the request date form; it is read from the WSDL, not the instance name.
    const ns = (client.wsdl.definitions as { $targetNamespace?: string }).$targetNamespace;
    const version = versionOfNamespace(ns);
    if (!version) {
      return new AdapterError(
        'MALFORMED_RESPONSE',
        instance,
        `WSDL: expected target namespace ${NAMESPACES.MR2020} or ${NAMESPACES.V2015}, received another namespace`,
      );
    }
    return { client, version };
  }

  private httpOptions(timeoutMs: number, signal?: AbortSignal): Record<string, unknown> {
    return {
      timeout: timeoutMs,
      httpAgent: this.agent,
      // The integration layer talks to the source directly, whatever HTTP_PROXY says.
      proxy: false,
      maxContentLength: MAX_RESPONSE_BYTES,
      ...(signal && { signal }),
    };
  }

  /** Calls one operation; resolves to the exchange or the transport's error. */
  async call(op: Operation, args: object, signal?: AbortSignal): Promise<CallResult> {
    const { instance, timeoutMs } = this.config;
    if (this.closed) return new AdapterError('SOURCE_UNAVAILABLE', instance, `${op}: expected an open adapter, received a closed one`);
    const bound = await this.bind();
    if (bound instanceof AdapterError) return bound;
    const method = (bound.client as unknown as Record<string, SoapMethod>)[`${op}Async`];
    if (!method) return new AdapterError('MALFORMED_RESPONSE', instance, `WSDL: expected operation ${op}, received a WSDL without it`);
    try {
      const [, raw] = await retryOnReset(() => method.call(bound.client, args, this.httpOptions(timeoutMs, signal)), signal);
      return { status: 200, body: raw } satisfies Exchange;
    } catch (err) {
      const e = err as ClientError;
      // soap rejects faults and unparseable bodies with the response attached: let the mapper read them.
      if (typeof e.body === 'string' && e.response) return { status: e.response.status ?? 200, body: e.body };
      const code = e.code === 'ERR_BAD_RESPONSE' || e.code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' ? 'MALFORMED_RESPONSE' : 'SOURCE_UNAVAILABLE';
      return new AdapterError(code, instance, `${op}: ${describeNetworkError(e.code, timeoutMs)}`, { cause: err });
    }
  }

  /** Releases pooled connections. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
  }
}

function describeNetworkError(code: string | undefined, timeoutMs: number): string {
  switch (code) {
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return `expected an answer within ${timeoutMs} ms, received none`;
    case 'ECONNREFUSED':
      return 'expected a connection, received a refusal';
    case 'ERR_CANCELED':
      return 'expected an answer, the request was aborted by the caller';
    case 'ERR_BAD_RESPONSE':
    case 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED':
      return `expected a response of at most ${MAX_RESPONSE_BYTES} bytes, received a larger or broken one`;
    default:
      return `expected an answer, the connection failed (${code ?? 'no error code'})`;
  }
}
