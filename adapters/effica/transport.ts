/**
 * HTTP GET against one Effica instance over an undici keep-alive pool, with
 * a per-request timeout. The body is read as bytes: decoding is the
 * reader's job (ISO-8859-1 by the XML declaration), never the transport's.
 * It is counted as it arrives (size, references) and the request abandoned
 * as soon as it passes the instance's answer limits.
 */
import { AnswerBudget, answerLimits, readWithin, type AnswerLimits } from '../wire/answerLimits.ts';
import { retryOnReset } from '../wire/retry.ts';
import { TransportFailure } from '../wire/transportFailure.ts';
import { Agent, request } from 'undici';
import type { EfficaHttpAnswer } from './format.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { basicAuthorization } from '../wire/httpAuth.ts';
import { tlsClientOptions, tlsFailureReason } from '../wire/tls.ts';

export class EfficaTransport {
  private readonly agent: Agent;
  private readonly base: string;
  private readonly limits: AnswerLimits;
  private readonly timeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;

  /**
   * `config.address` is the service's base URL (`http(s)://host:port`), or
   * that with `/effica/{instance}` already appended; `config.limits` this
   * instance's answer limits over Effica's defaults; `config.tls` its TLS
   * and `config.credentials` HTTP Basic (https only, checked at creation).
   */
  constructor(config: AdapterConfig, connections: number) {
    this.timeoutMs = config.timeoutMs;
    this.limits = answerLimits('effica', config.limits);
    const trimmed = config.address.replace(/\/+$/, '');
    const suffix = `/effica/${config.instance}`;
    this.base = trimmed.endsWith(suffix) ? trimmed.slice(0, -suffix.length) : trimmed;
    this.headers = {
      accept: 'application/xml, text/xml',
      ...(config.credentials && { authorization: basicAuthorization(config.credentials) }),
    };
    this.agent = new Agent({ connections, keepAliveTimeout: 30_000, pipelining: 1, connect: tlsClientOptions(config.tls) });
  }

  /** GETs a path (starting with `/effica/`); rejects only with a TransportFailure. */
  async get(path: string, signal?: AbortSignal): Promise<EfficaHttpAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    let answer: EfficaHttpAnswer | { readonly refused: string };
    try {
      answer = await retryOnReset(async () => {
        const res = await request(this.base + path, {
          method: 'GET',
          headers: this.headers,
          dispatcher: this.agent,
          signal: combined,
        });
        const budget = new AnswerBudget(this.limits, true);
        const declared = budget.declared(res.headers['content-length']);
        if (declared) {
          res.body.destroy();
          return { refused: declared.reason };
        }
        const body = await readWithin(res.body, budget);
        if (!(body instanceof Uint8Array)) return { refused: body.reason };
        const ct = res.headers['content-type'];
        return { status: res.statusCode, contentType: Array.isArray(ct) ? ct[0] : ct, body };
      }, combined);
    } catch (err) {
      if (timeout.aborted) throw new TransportFailure('timeout', `no answer within ${this.timeoutMs} ms`, { cause: err });
      if (signal?.aborted) throw new TransportFailure('cancelled', 'the read was cancelled', { cause: err });
      throw new TransportFailure('connection', tlsFailureReason(err) ?? 'the connection failed or was closed before a whole answer', {
        cause: err,
      });
    }
    if ('refused' in answer) throw new TransportFailure('tooLarge', answer.refused);
    return answer;
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}
