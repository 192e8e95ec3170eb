/**
 * HTTP client of Mediatri's export service: keep-alive connections (undici
 * Pool), a deadline per request (`config.timeoutMs`, covering the body too),
 * and the service's answers turned into bytes or an AdapterError. A body is
 * counted as it arrives and abandoned as soon as it passes the instance's
 * byte limit (MALFORMED_RESPONSE), never buffered whole.
 */
import { AnswerBudget, answerLimits, readWithin, type AnswerLimits } from '../wire/answerLimits.ts';
import { retryOnReset } from '../wire/retry.ts';
import { Pool } from 'undici';
import { AdapterError } from '../../domain/index.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { exportPath, fileName } from './format.ts';
import type { Table } from './format.ts';
import { basicAuthorization } from '../wire/httpAuth.ts';
import { tlsClientOptions, tlsFailureReason } from '../wire/tls.ts';

/** Connections kept open to one instance; the adapter runs at most this many requests at once. */
export const CONNECTIONS = 12;

/** One instance's export service over pooled keep-alive HTTP connections. */
export class MediatriTransport {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly limits: AnswerLimits;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(private readonly config: AdapterConfig) {
    this.limits = answerLimits('mediatri', config.limits);
    const url = new URL(config.address);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.headers = { accept: 'text/csv', ...(config.credentials && { authorization: basicAuthorization(config.credentials) }) };
    this.pool = new Pool(url.origin, {
      connections: config.concurrency ?? CONNECTIONS,
      connect: tlsClientOptions(config.tls),
      keepAliveTimeout: 30_000,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      connectTimeout: config.timeoutMs,
    });
  }

  /**
   * GETs one table's export. Resolves to the body bytes of a 200 answer;
   * rejects with SOURCE_UNAVAILABLE (no answer in time, connection refused
   * or dropped, a 500 "server trouble" answer, or cancelled) or SOURCE_ERROR
   * (any other status).
   */
  async get(table: Table, query: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Uint8Array> {
    const { instance, timeoutMs } = this.config;
    const where = fileName(table);
    const search = new URLSearchParams(query).toString();
    const path = `${this.prefix}${exportPath(instance, table)}?${search}`;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    try {
      const res = await retryOnReset(async () => {
        const r = await this.pool.request({ method: 'GET', path, signal: combined, headers: this.headers });
        if (r.statusCode === 200) {
          const budget = new AnswerBudget(this.limits, false);
          const declared = budget.declared(r.headers['content-length']);
          if (declared) {
            r.body.destroy();
            return { statusCode: 200, body: declared };
          }
          return { statusCode: 200, body: await readWithin(r.body, budget) };
        }
        await r.body.dump().catch(() => undefined);
        return { statusCode: r.statusCode, body: undefined };
      }, combined);
      const body = res.body;
      if (body instanceof Uint8Array) return body;
      if (body !== undefined) throw new AdapterError('MALFORMED_RESPONSE', instance, `${where}: ${body.reason}.`);
      if (res.statusCode === 500) {
        throw new AdapterError('SOURCE_UNAVAILABLE', instance, `Expected ${where}, received a 500 server-trouble answer.`);
      }
      throw new AdapterError('SOURCE_ERROR', instance, `Expected ${where} with status 200, received status ${res.statusCode}.`);
    } catch (e) {
      if (e instanceof AdapterError) throw e;
      if (deadline.signal.aborted) {
        throw new AdapterError('SOURCE_UNAVAILABLE', instance, `Expected ${where} within ${timeoutMs} ms, received no complete answer.`, {
          cause: e,
        });
      }
      if (signal?.aborted) {
        throw new AdapterError('SOURCE_UNAVAILABLE', instance, `Expected ${where}, received no answer before the request was cancelled.`, {
          cause: e,
        });
      }
      const tls = tlsFailureReason(e);
      if (tls) throw new AdapterError('SOURCE_UNAVAILABLE', instance, `Expected ${where}, but ${tls}.`, { cause: e });
      const name = (e as { code?: string } | null)?.code ?? 'an error';
      throw new AdapterError('SOURCE_UNAVAILABLE', instance, `Expected ${where}, received a refused or dropped connection (${name}).`, {
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
