/**
 * The HTTP side of a SOAP 1.1 client (Lifecare, VTJ): literal envelopes
 * POSTed over undici's `request` with a keep-alive pool, a WSDL fetched with
 * GET, each exchange handed back raw (status, content type, bytes) for a
 * pure mapper. Calls never reject: a request that got no whole answer is a
 * `SoapHttpFailure` telling why (timeout, cancelled, refused, dropped, too
 * large, too many references), for the adapter to word as its AdapterError.
 * The body is counted as it arrives and the request aborted as soon as it
 * passes a limit (answerLimits.ts), so an oversize answer is never buffered.
 *
 * Why not the `soap` package: per request it re-serialised the envelope from
 * the WSDL's schema and ran axios; at 7 requests a person that was most of
 * a whole-instance read (issue 5). The envelopes are fixed text, so they are
 * written by string templates in each product's format.ts.
 */
import { Agent, type Dispatcher } from 'undici';
import { AnswerBudget } from './answerLimits.ts';
import { retryOnReset } from './retry.ts';
import type { TlsSettings } from './adapterConfig.ts';
import { tlsClientOptions } from './tls.ts';

export interface SoapHttpOptions {
  /** Whole answer (headers and body) deadline per request, in ms. */
  readonly timeoutMs: number;
  /** Most open connections to the service (the pool queues requests beyond them). */
  readonly connections: number;
  /** Largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** Most `&` references in one response body. */
  readonly maxReferences: number;
  /** TLS towards an https:// service (CA bundle, client certificate and key); verification is always on. */
  readonly tls?: TlsSettings;
}

/** One answer as it came over HTTP, before any reading. */
export interface SoapHttpAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Buffer;
}

/** Why a request got no whole answer. */
export type SoapHttpFailureKind = 'timeout' | 'cancelled' | 'refused' | 'connection' | 'tooLarge' | 'tooManyReferences';

export class SoapHttpFailure {
  constructor(
    readonly kind: SoapHttpFailureKind,
    /** The network error code, where there was one (`ECONNRESET`, `UND_ERR_SOCKET`, …). */
    readonly code: string | undefined,
    readonly cause: unknown,
  ) {}
}

const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** Our own deadline fired. */
class Deadline extends Error {}

/** The caller's signal aborted the request. */
class Cancelled extends Error {}

/** The body passed a limit while arriving; the message says which. */
class OverLimit extends Error {
  constructor(
    readonly kind: 'tooLarge' | 'tooManyReferences',
    message: string,
  ) {
    super(message);
  }
}

/** A keep-alive connection pool to one SOAP service. */
export class SoapHttpClient {
  private readonly agent: Agent;
  private lastTarget: { url: string; origin: string; path: string } | undefined;

  constructor(private readonly options: SoapHttpOptions) {
    this.agent = new Agent({
      connections: options.connections,
      pipelining: 1,
      // Under a server's usual 5 s keep-alive, so a reused socket is rarely one the server is closing (retryOnReset covers the rest).
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 4_000,
      maxResponseSize: options.maxResponseBytes,
      connect: { timeout: Math.min(options.timeoutMs, 10_000), ...tlsClientOptions(options.tls) },
      // Our own deadline below decides; undici's timers are coarse (up to a second late).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** Fetches a document (the WSDL) with GET. */
  get(url: string, signal?: AbortSignal): Promise<SoapHttpAnswer | SoapHttpFailure> {
    return this.exchange(url, 'GET', undefined, undefined, signal);
  }

  /** POSTs one envelope with its SOAPAction (the quoted action URI). */
  post(url: string, soapAction: string, envelope: string, signal?: AbortSignal): Promise<SoapHttpAnswer | SoapHttpFailure> {
    return this.exchange(url, 'POST', soapAction, envelope, signal);
  }

  private async exchange(
    url: string,
    method: 'GET' | 'POST',
    soapAction: string | undefined,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SoapHttpAnswer | SoapHttpFailure> {
    if (signal?.aborted) return new SoapHttpFailure('cancelled', undefined, signal.reason);
    const target = this.target(url);
    if (target instanceof Error) return new SoapHttpFailure('connection', undefined, target);
    const headers: Record<string, string> =
      method === 'POST' ? { 'content-type': XML_CONTENT_TYPE, soapaction: soapAction ?? '""' } : { accept: 'text/xml' };
    const options: Dispatcher.DispatchOptions = {
      origin: target.origin,
      path: target.path,
      method,
      headers,
      ...(body !== undefined && { body }),
    };
    try {
      return await retryOnReset(() => this.once(options, signal), signal);
    } catch (err) {
      return classify(err, signal);
    }
  }

  /** Origin and path of a URL; a client calls one or two URLs, so the last one is kept. */
  private target(url: string): { origin: string; path: string } | Error {
    if (this.lastTarget?.url === url) return this.lastTarget;
    try {
      const u = new URL(url);
      this.lastTarget = { url, origin: u.origin, path: `${u.pathname}${u.search}` };
      return this.lastTarget;
    } catch (err) {
      return err as Error;
    }
  }

  /**
   * One attempt through the pool's low-level dispatch. Why not undici's
   * `request`: at hundreds of thousands of calls its response stream and
   * per-call AbortSignal were a large part of the reader's time; the answers
   * are small and read whole, so a handler collects the chunks.
   */
  private once(options: Dispatcher.DispatchOptions, signal: AbortSignal | undefined): Promise<SoapHttpAnswer> {
    return new Promise<SoapHttpAnswer>((resolve, reject) => {
      const exchange = new PendingExchange(resolve, reject, signal, this.options.timeoutMs, new AnswerBudget(this.options, true));
      this.agent.dispatch(options, exchange);
    });
  }

  /** Closes the pool: waits briefly for requests under way, then destroys. */
  async close(): Promise<void> {
    const timer = setTimeout(() => void this.agent.destroy().catch(() => undefined), 1_000);
    try {
      await this.agent.close();
    } catch {
      // Already closed or destroyed.
    } finally {
      clearTimeout(timer);
    }
  }

  /** Destroys the pool at once. */
  destroy(): void {
    void this.agent.destroy().catch(() => undefined);
  }
}

/**
 * One request in flight: the dispatch handler that collects the answer, our
 * deadline and the caller's signal. A class rather than closures: at
 * hundreds of thousands of requests, per-request closures cost measurably.
 */
class PendingExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private aborted: Error | undefined;
  private settled = false;
  private status = 0;
  private contentType: string | undefined;
  private readonly chunks: Buffer[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (answer: SoapHttpAnswer) => void,
    private readonly reject: (err: unknown) => void,
    private readonly signal: AbortSignal | undefined,
    timeoutMs: number,
    private readonly budget: AnswerBudget,
  ) {
    this.timer = setTimeout(onDeadline, timeoutMs, this);
    if (signal) watch(signal, this);
  }

  /** Settles at once, also while the request still waits in the pool's queue (it is aborted when it starts). */
  abort(reason: Error): void {
    this.aborted ??= reason;
    this.controller?.abort(reason);
    this.settle(reason);
  }

  private settle(err: unknown, answer?: SoapHttpAnswer): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    if (this.signal) unwatch(this.signal, this);
    if (answer) this.resolve(answer);
    else this.reject(err);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(this.aborted);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    const ct = headers['content-type'];
    this.contentType = Array.isArray(ct) ? ct[0] : ct;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.aborted) return;
    const refused = this.budget.add(chunk);
    if (refused !== undefined) {
      // Abort now: the rest of the body is never read (the connection is closed).
      this.abort(new OverLimit(refused.kind, refused.reason));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.settle(undefined, { status: this.status, ...(this.contentType !== undefined && { contentType: this.contentType }), body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.settle(this.aborted ?? err);
  }
}

function onDeadline(exchange: PendingExchange): void {
  exchange.abort(new Deadline());
}

/**
 * The requests in flight under each caller's signal, behind one listener
 * per signal. Why: a whole-instance read passes one signal to hundreds of
 * thousands of requests, and an EventTarget listener added and removed per
 * request was a visible share of the reader's time.
 */
const watched = new WeakMap<AbortSignal, Set<PendingExchange>>();

function watch(signal: AbortSignal, exchange: PendingExchange): void {
  let set = watched.get(signal);
  if (!set) {
    const created = new Set<PendingExchange>();
    set = created;
    watched.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const e of [...created]) e.abort(new Cancelled());
      },
      { once: true },
    );
  }
  set.add(exchange);
}

function unwatch(signal: AbortSignal, exchange: PendingExchange): void {
  watched.get(signal)?.delete(exchange);
}

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function classify(err: unknown, signal: AbortSignal | undefined): SoapHttpFailure {
  const code = errorCode(err);
  if (err instanceof Deadline) return new SoapHttpFailure('timeout', code, err);
  if (err instanceof Cancelled || signal?.aborted) return new SoapHttpFailure('cancelled', code, err);
  if (err instanceof OverLimit) return new SoapHttpFailure(err.kind, undefined, err);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return new SoapHttpFailure('tooLarge', code, err);
  if (code === 'ECONNREFUSED') return new SoapHttpFailure('refused', code, err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new SoapHttpFailure('timeout', code, err);
  return new SoapHttpFailure('connection', code, err);
}
