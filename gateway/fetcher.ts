/**
 * A keep-alive HTTP client for subgraph requests, on undici's low-level
 * `dispatch` with a handler that collects the answer's bytes.
 *
 * Why not @apollo/gateway's default (make-fetch-happen): it spends about a
 * fifth of the gateway's CPU per request (issue 6). Why not undici's
 * `request` or `fetch` either: each answer then becomes a Readable stream
 * (and, with `fetch`, WHATWG objects), and a per-call AbortController; the
 * profile of the engine benchmark showed those as the largest cost left in
 * a subgraph call. Subgraph answers are small JSON documents read whole, so
 * the handler appends chunks and the caller gets one string.
 *
 * It implements the small `Fetcher` interface (@apollo/utils.fetcher) the
 * gateway's data sources and readiness probes call.
 */
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, Client, Headers } from 'undici';
import type { Dispatcher } from 'undici';

// The gateway's Fetcher types, taken from its public API rather than from its
// transitive @apollo/utils.fetcher package (not a dependency of ours).
/** `(url, init) => Promise<response>`, as @apollo/gateway's data sources call it. */
export type Fetcher = RemoteGraphQLDataSource['fetcher'];
export type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
export type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/**
 * A request option of this fetcher beyond Apollo's: send on a connection of
 * its own, opened for this request and closed after it, not on a pooled one.
 * Other fetchers ignore it.
 */
export interface FreshConnection {
  readonly freshConnection?: boolean;
}

export interface UndiciFetcherOptions {
  /** Whole answer (headers and body) deadline per request, in ms. */
  readonly timeoutMs: number;
  /** Connect deadline, in ms; default min(timeoutMs, 2 000): a subgraph that does not accept is down. */
  readonly connectTimeoutMs?: number;
  /** Most open connections per subgraph origin; default 128. */
  readonly connectionsPerOrigin?: number;
  /** Largest answer body accepted, in bytes; default 64 MiB (a larger one fails as a bad response). */
  readonly maxResponseBytes?: number;
}

/** A Fetcher plus the connection pool behind it, which close() ends. */
export interface UndiciFetcher {
  readonly fetcher: Fetcher;
  close(): Promise<void>;
}

/** An answer larger than the fetcher accepts. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly code = 'RESPONSE_TOO_LARGE';
  constructor(limit: number) {
    super(`Expected an answer of at most ${limit} bytes, received more.`);
  }
}

/** A subgraph that did not answer within the deadline. */
export class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'SUBGRAPH_TIMEOUT';
  constructor(ms: number) {
    super(`Expected an answer within ${ms} ms, received none.`);
  }
}

/**
 * The connection closed before any byte of the answer arrived: typically a
 * pooled keep-alive connection the server (or a balancer in front of a
 * replica) closed just as the request went out, e.g. a replica draining on
 * SIGTERM or killed. The request may not have been read at all, so a caller
 * may send a read again on a fresh connection (SubgraphDataSource does, once).
 */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
  readonly code = 'SUBGRAPH_CONNECTION_LOST';
  constructor(cause: Error) {
    super('Expected an answer on the connection, received its close before any byte of one.', { cause });
  }
}

/** The socket-level codes that mean the connection ended (not a deadline, a refusal or a protocol error). */
const CONNECTION_ENDED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Creates the keep-alive fetcher; close it when the gateway stops so no socket keeps the process alive. */
export function createUndiciFetcher(options: UndiciFetcherOptions): UndiciFetcher {
  const connectionOptions = {
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.connectTimeoutMs ?? Math.min(options.timeoutMs, 2_000) },
  };
  const agent = new Agent({ ...connectionOptions, connections: options.connectionsPerOrigin ?? 128 });
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const targets = new TargetCache();
  const fetcher = (url: string, init?: FetcherRequestInit & FreshConnection): Promise<FetcherResponse> =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const target = targets.get(url);
      const handler = new CollectingHandler(url, maxBytes, resolve, reject);
      // undici's own headers/body timeouts run on a coarse timer (up to a second
      // late), so the deadline is our own timer, cleared as soon as the answer is in.
      handler.timer = setTimeout(() => handler.abort(new DeadlineError(options.timeoutMs)), options.timeoutMs);
      const outer = init?.signal as AbortSignal | undefined | null;
      if (outer) {
        if (outer.aborted) return handler.abort(abortReason(outer));
        const onAbort = (): void => handler.abort(abortReason(outer));
        outer.addEventListener('abort', onAbort, { once: true });
        handler.cleanup = () => outer.removeEventListener('abort', onAbort);
      }
      const dispatchOptions: Dispatcher.DispatchOptions = {
        origin: target.origin,
        path: target.path,
        method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
        ...(init?.headers ? { headers: init.headers } : {}),
        body: init?.body ?? null,
      };
      // Why a connection of its own when asked: after a replica closed the pooled connection a request went out on,
      // other pooled connections to it are likely closed too but not yet seen so; a resend must not take one of them.
      const dispatcher = init?.freshConnection ? new Client(target.origin, connectionOptions) : agent;
      if (dispatcher !== agent) {
        const before = handler.cleanup;
        handler.cleanup = () => {
          before?.();
          void dispatcher.close().catch(() => undefined);
        };
      }
      try {
        dispatcher.dispatch(dispatchOptions, handler);
      } catch (err) {
        handler.onResponseError(undefined, err as Error);
      }
    });
  return {
    fetcher,
    async close() {
      // close() waits for requests under way; destroy() if that takes too long.
      const timer = setTimeout(() => void agent.destroy().catch(() => undefined), 2_000);
      try {
        await agent.close();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The request was aborted.', 'AbortError');
}

/** Origin and path of each URL called, parsed once (a gateway calls a handful of URLs). */
class TargetCache {
  private readonly targets = new Map<string, { origin: string; path: string }>();
  get(url: string): { origin: string; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      // Bounded: URLs come from configuration, but a probe could be given many.
      if (this.targets.size >= 256) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }
}

/** Collects one answer: status, headers and body bytes, settling the fetch once. */
class CollectingHandler implements Dispatcher.DispatchHandler {
  timer?: ReturnType<typeof setTimeout>;
  cleanup?: () => void;
  private controller?: Dispatcher.DispatchController;
  private abortedWith?: Error;
  private settled = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly url: string,
    private readonly maxBytes: number,
    private readonly resolve: (response: FetcherResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Ends the call with an error (deadline, caller's abort, size limit), before or after it started. */
  abort(reason: Error): void {
    this.abortedWith = reason;
    this.controller?.abort(reason);
    this.settle(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortedWith) controller.abort(this.abortedWith);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return this.abort(new ResponseTooLargeError(this.maxBytes));
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks, this.bytes).toString('utf8');
    this.settle(undefined, new BufferedResponse(this.url, this.status, this.headers, body));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    const code = (error as { code?: unknown }).code;
    const beforeAnswer = this.status === 0 && this.bytes === 0 && typeof code === 'string' && CONNECTION_ENDED.has(code);
    this.settle(this.abortedWith ?? (beforeAnswer ? new ConnectionLostError(error) : error));
  }

  private settle(error: Error | undefined, response?: FetcherResponse): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.cleanup?.();
    if (error) this.reject(error);
    else this.resolve(response!);
  }
}

/** A FetcherResponse over an already read body; its Headers object is built only if asked for. */
class BufferedResponse implements FetcherResponse {
  bodyUsed = false;
  readonly redirected = false;
  readonly statusText = '';
  private builtHeaders?: Headers;

  constructor(
    readonly url: string,
    readonly status: number,
    private readonly rawHeaders: Record<string, string | string[] | undefined>,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (!this.builtHeaders) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.append(name, value);
      }
      this.builtHeaders = headers;
    }
    return this.builtHeaders;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body;
  }

  async json(): Promise<unknown> {
    this.bodyUsed = true;
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    const bytes = Buffer.from(this.body, 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.rawHeaders, this.body);
  }
}
