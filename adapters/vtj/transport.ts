/**
 * The VTJ client: a `soap` client built from the service's WSDL, sending
 * through an undici keep-alive pool. The `soap` package writes the request
 * envelope from the WSDL; the raw answer (status, content type, bytes) is
 * captured at the HTTP layer and handed to the pure reader in map.ts, so
 * what the adapter maps is exactly what the service sent.
 */
import { TransportFailure } from '../core/transportFailure.ts';
import { createClientAsync } from 'soap';
import type { Client, IHttpClient } from 'soap';
import { Agent, request } from 'undici';
import { OPERATION, PRODUCT_CODE, VTJ_PATH } from './format.ts';
import type { VtjHttpAnswer } from './map.ts';

/** Where one call's raw answer (or transport failure) is left for the caller. */
interface Capture {
  answer?: VtjHttpAnswer;
  failure?: unknown;
}

/** Per-call options passed through `soap` to the HTTP client. */
interface CallOptions {
  readonly vtjCapture?: Capture;
  readonly signal?: AbortSignal;
}

/** The service endpoint for a configured address (a base URL, or the endpoint itself). */
export function endpointOf(address: string): string {
  const base = address.replace(/\/+$/, '');
  return base.endsWith(VTJ_PATH) ? base : base + VTJ_PATH;
}


export class VtjTransport {
  private readonly agent: Agent;
  private client: Promise<Client> | undefined;
  private readonly endpoint: string;

  constructor(
    address: string,
    private readonly timeoutMs: number,
    connections: number,
  ) {
    this.endpoint = endpointOf(address);
    this.agent = new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /**
   * The `soap` client, built once from the WSDL. A failed build is
   * forgotten, so the next call tries again (the service may have been down).
   */
  ensureClient(): Promise<Client> {
    if (!this.client) {
      const httpClient = this.httpClient();
      const built = createClientAsync(`${this.endpoint}?wsdl`, { httpClient, disableCache: true, endpoint: this.endpoint });
      built.catch(() => {
        if (this.client === built) this.client = undefined;
      });
      this.client = built;
    }
    return this.client;
  }

  /** Sends one `TeeHenkilonTunnusKysely`; resolves with the raw answer or rejects with a TransportFailure. */
  async query(hetu: string, signal?: AbortSignal): Promise<VtjHttpAnswer> {
    const client = await this.ensureClient();
    const capture: Capture = {};
    const options: CallOptions = { vtjCapture: capture, ...(signal ? { signal } : {}) };
    try {
      await (client[`${OPERATION}Async`] as (args: object, options: object) => Promise<unknown>)(
        { Henkilotunnus: hetu, Tuotekoodi: PRODUCT_CODE },
        options,
      );
    } catch {
      // `soap` also reads the answer and rejects for faults; the captured
      // raw answer is what counts, read by map.ts.
    }
    if (capture.answer) return capture.answer;
    throw capture.failure instanceof TransportFailure
      ? capture.failure
      : new TransportFailure('connection', 'the request could not be sent', { cause: capture.failure });
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** The HTTP client `soap` calls: undici with keep-alive, per-request timeout, raw capture. */
  private httpClient(): IHttpClient {
    const send = async (url: string, data: unknown, headers: Record<string, string>, options: CallOptions | undefined) => {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = options?.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      try {
        const res = await request(url, {
          method: data ? 'POST' : 'GET',
          headers: data ? { ...headers, 'content-type': headers['Content-Type'] ?? 'text/xml; charset=utf-8' } : { accept: 'text/xml' },
          ...(typeof data === 'string' ? { body: data } : {}),
          dispatcher: this.agent,
          signal,
        });
        const body = new Uint8Array(await res.body.arrayBuffer());
        const ct = res.headers['content-type'];
        return { status: res.statusCode, contentType: Array.isArray(ct) ? ct[0] : ct, body };
      } catch (err) {
        if (timeout.aborted) throw new TransportFailure('timeout', `no answer within ${this.timeoutMs} ms`, { cause: err });
        if (options?.signal?.aborted) throw new TransportFailure('cancelled', 'the read was cancelled', { cause: err });
        throw new TransportFailure('connection', 'the connection failed or was closed before a whole answer', { cause: err });
      }
    };
    return {
      request: ((url: string, data: unknown, callback: (error: unknown, res?: unknown, body?: unknown) => void, exheaders?: Record<string, string>, exoptions?: CallOptions) => {
        const capture = exoptions?.vtjCapture;
        const done = send(url, data, { ...(exheaders ?? {}) }, exoptions).then(
          (answer) => {
            if (capture) capture.answer = answer;
            const text = Buffer.from(answer.body).toString('utf8');
            const res = { status: answer.status, headers: { 'content-type': answer.contentType ?? '' }, data: text };
            callback(null, res, text);
            return res;
          },
          (err: unknown) => {
            if (capture) capture.failure = err;
            callback(err);
            return undefined;
          },
        );
        // `soap` types the return as an AxiosPromise; it only ever awaits it.
        return done as unknown as ReturnType<IHttpClient['request']>;
      }) as IHttpClient['request'],
    };
  }
}
