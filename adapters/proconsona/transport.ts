/**
 * The SQL client: a small `pg` pool per instance, a client-side deadline per
 * query (`config.timeoutMs`, covering waiting for a connection too), a
 * limit on the bytes of one query's result rows (the instance's answer
 * limit: counted as rows arrive, the connection dropped once it is passed),
 * and the mapping of failures to the adapter error catalogue.
 */
import pg from 'pg';
import { AdapterError } from '../../domain/index.ts';
import { type AdapterConfig } from '../wire/adapterConfig.ts';
import { answerLimits } from '../wire/answerLimits.ts';
import { addressSelectsTls } from '../wire/adapterConfig.ts';
import { tlsClientOptions, tlsFailureReason } from '../wire/tls.ts';
import type { Row } from './format.ts';

/** Date/time type OIDs read as the server's text, never as JavaScript Dates. */
const TEXT_TYPES = new Set([1082 /* date */, 1114 /* timestamp */, 1184 /* timestamptz */, 1083 /* time */]);

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEXT_TYPES.has(oid)) return (value: string) => value;
    // pg's typings overload on the format literal; forward it as given.
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** SQLSTATEs (or classes) meaning "not now": the source is unavailable rather than broken. */
function unavailableState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources, incl. 53300 too_many_connections
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now (maintenance, starting up)
    code === '57014' // query_canceled (statement_timeout)
  );
}

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export interface SqlTransportOptions {
  /**
   * Connections kept. The emulator (PGlite) runs one statement at a time
   * but serves several connections, so a few are enough; default 4.
   */
  readonly poolSize?: number;
}

/** A pooled, deadline-bound SQL client for one instance. */
export class SqlTransport {
  private readonly pool: pg.Pool;
  private readonly maxResultBytes: number;

  constructor(
    private readonly config: AdapterConfig,
    options: SqlTransportOptions = {},
  ) {
    this.maxResultBytes = answerLimits('proconsona', config.limits).maxResponseBytes;
    const connection = pgConnection(config);
    this.pool = new pg.Pool({
      connectionString: connection.connectionString,
      ...(connection.secure && { ssl: tlsClientOptions(config.tls) }),
      max: config.concurrency ?? options.poolSize ?? 4,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: config.timeoutMs,
      allowExitOnIdle: true,
      types,
    });
    // An idle connection the server dropped: the pool discards it and the next query reconnects.
    this.pool.on('error', () => {});
    // A connection lost during a query fails that query; pg also emits it as an event, which must not crash the process.
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /** Runs one SELECT; rejects with an AdapterError only. */
  async query(text: string, values: readonly unknown[], signal?: AbortSignal): Promise<QueryResult> {
    const instance = this.config.instance;
    if (signal?.aborted) throw new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance}: the read was cancelled before it was sent`);
    let client: pg.PoolClient | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    let refuse: ((err: AdapterError) => void) | undefined;
    const overLimit = new Promise<never>((_, reject) => (refuse = reject));
    const limit = this.maxResultBytes;
    // On a deadline or abort, the connection in use is destroyed: its answer may still come, and must not reach the next query.
    const abandon = (): void => {
      settled = true;
      client?.release(true);
      client = undefined;
    };
    const work = (async (): Promise<QueryResult> => {
      const c = await this.pool.connect();
      if (settled) {
        c.release(true);
        throw new Error('abandoned');
      }
      client = c;
      // Why the connection's own events: pg gathers every row before answering; counting them as they arrive lets a result over the limit be dropped early.
      const connection = (c as unknown as pg.Client).connection;
      let bytes = 0;
      const onRow = (row: { length: number }): void => {
        bytes += row.length;
        if (bytes > limit && !settled) {
          abandon();
          refuse?.(
            new AdapterError(
              'MALFORMED_RESPONSE',
              instance,
              `${instance}: expected a query result of at most ${limit} bytes, received a larger one`,
            ),
          );
        }
      };
      connection.on('dataRow', onRow);
      try {
        const result = await c.query({ text, values: values as unknown[] });
        client = undefined;
        c.release();
        return { columns: result.fields.map((f) => f.name), rows: result.rows as Row[] };
      } finally {
        connection.off('dataRow', onRow);
      }
    })();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandon();
        reject(new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance} did not answer within ${this.config.timeoutMs} ms`));
      }, this.config.timeoutMs);
      if (signal) {
        onAbort = () => {
          abandon();
          reject(new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance}: the read was cancelled`));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
    work.catch(() => {}); // its failure after the deadline is of no interest
    overLimit.catch(() => {}); // only ever read through the race
    try {
      return await Promise.race([work, deadline, overLimit]);
    } catch (err) {
      if (client) {
        // The query failed on a live connection: a server error leaves it usable, anything else does not.
        (client as pg.PoolClient).release(err instanceof pg.DatabaseError ? undefined : true);
        client = undefined;
      }
      throw toAdapterError(err, instance);
    } finally {
      settled = true;
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connection string parameters about TLS: replaced by the `ssl` option built from the instance's settings. */
const SSL_PARAMETERS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'sslnegotiation'];

/**
 * The connection string pg is given, and whether TLS is on. Why rewritten:
 * pg lets a connection string's values override its other options, and its
 * `sslmode` handling can turn verification off; so the TLS parameters are
 * taken out (TLS is on for require/verify-ca/verify-full, always fully
 * verified, adapterConfig.ts), and configured credentials are written into
 * it as the user and password.
 */
export function pgConnection(config: Pick<AdapterConfig, 'address' | 'credentials'>): { connectionString: string; secure: boolean } {
  const secure = addressSelectsTls(config.address);
  const url = new URL(config.address);
  for (const name of SSL_PARAMETERS) url.searchParams.delete(name);
  if (config.credentials) {
    url.username = encodeURIComponent(config.credentials.username);
    url.password = encodeURIComponent(config.credentials.password);
  }
  return { connectionString: url.toString(), secure };
}

/** Maps a client or server failure to the catalogue; the message names the instance and never the server's text. */
export function toAdapterError(err: unknown, instance: AdapterConfig['instance']): AdapterError {
  if (err instanceof AdapterError) return err;
  if (err instanceof pg.DatabaseError) {
    const code = err.code ?? 'unknown';
    return unavailableState(code)
      ? new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance} refused the query with SQLSTATE ${code}`, { cause: err })
      : new AdapterError('SOURCE_ERROR', instance, `${instance} failed the query with SQLSTATE ${code}`, { cause: err });
  }
  const tls = tlsFailureReason(err);
  if (tls) return new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance} could not be connected to: ${tls}`, { cause: err });
  const sys = (err as NodeJS.ErrnoException | undefined)?.code;
  if (sys === 'ECONNREFUSED') {
    return new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance} refused the connection`, { cause: err });
  }
  if (typeof sys === 'string' && /^E[A-Z]+$/.test(sys)) {
    return new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance} could not be reached (${sys})`, { cause: err });
  }
  // pg reports a dropped connection or a connect timeout as a plain Error.
  return new AdapterError('SOURCE_UNAVAILABLE', instance, `${instance} closed the connection or could not be connected to`, {
    cause: err,
  });
}
