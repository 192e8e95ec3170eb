/**
 * How the gateway calls one subgraph: a GraphQL-over-HTTP POST through the
 * keep-alive fetcher.
 *
 * Why not @apollo/gateway's RemoteGraphQLDataSource: on a non-2xx status it
 * replaces the subgraph's GraphQL errors (and their `extensions.code`) with
 * one generic error carrying the response body; mercurius answers 400 with
 * well-formed GraphQL errors (e.g. validation). Here any answer that is a
 * GraphQL response is passed on as it is, whatever the status, so the
 * subgraph's codes reach the client; anything else becomes one error with a
 * code and the subgraph's name, never the body.
 */
import type { GraphQLDataSource } from '@apollo/gateway';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { Identity } from '../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER } from '../contract/internalToken.ts';
import { GraphQLError } from './graphql.ts';
import { ConnectionLostError } from './fetcher.ts';
import type { Fetcher, FetcherRequestInit, FreshConnection } from './fetcher.ts';
import type { Telemetry } from '../telemetry/index.ts';

/** What the gateway knows of one request; passed to every subgraph call. */
export interface GatewayContext {
  readonly requestId: string;
  /** The caller's verified identity; null: anonymous. */
  readonly identity: Identity | null;
  /**
   * The internal token for one subgraph (by its supergraph name), carrying
   * this request's identity and id; absent when the gateway has no internal
   * key (its subgraphs then refuse it, unless they are not the region's).
   */
  readonly internalToken?: (subgraph: string) => Promise<string>;
}

type ProcessOptions = Parameters<GraphQLDataSource<GatewayContext>['process']>[0];
type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** Error codes the gateway itself gives a subgraph call that did not yield a GraphQL response. */
export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';
export const SUBGRAPH_BAD_RESPONSE = 'SUBGRAPH_BAD_RESPONSE';

/** The header carrying the gateway's request id to the subgraphs, for log correlation. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** One subgraph endpoint. */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    readonly url: string,
    private readonly fetcher: Fetcher,
    private readonly telemetry?: Telemetry,
  ) {}

  async process(options: ProcessOptions): Promise<SubgraphResponse> {
    const { telemetry } = this;
    if (!telemetry) return this.call(options);
    // A client span per call, child of @apollo/gateway's gateway.fetch; its context goes to the subgraph as `traceparent`.
    const span = telemetry.tracer.startSpan(`subgraph ${this.name}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'regiongraph.subgraph': this.name, 'http.request.method': 'POST' },
    });
    const started = performance.now();
    try {
      const response = await this.call(options, span);
      this.finish(
        telemetry,
        span,
        started,
        response.errors ? 'graphql_errors' : 'ok',
        response.errors?.map((e) => codeOf(e.extensions)) ?? [],
      );
      return response;
    } catch (err) {
      this.finish(telemetry, span, started, 'error', [codeOf((err as { extensions?: unknown }).extensions)]);
      throw err;
    }
  }

  private finish(telemetry: Telemetry, span: Span, started: number, outcome: string, codes: readonly string[]): void {
    const { metrics } = telemetry;
    metrics.subgraphFetches.inc({ subgraph: this.name, outcome });
    metrics.subgraphFetchDuration.observe({ subgraph: this.name }, (performance.now() - started) / 1000);
    const labels = codes.map((c) => metrics.code(c));
    for (const code of labels) metrics.subgraphFetchErrors.inc({ subgraph: this.name, code });
    if (labels.length > 0) {
      const distinct = [...new Set(labels)];
      span.setAttribute('regiongraph.error_codes', distinct);
      // Codes only: a subgraph's error messages are its own and never copied into a span.
      span.setStatus({ code: SpanStatusCode.ERROR, message: distinct.join(' ') });
    }
    span.setAttribute('regiongraph.subgraph.outcome', outcome);
    span.end();
  }

  private async call(options: ProcessOptions, span?: Span): Promise<SubgraphResponse> {
    const { request } = options;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    const context = options.context as Partial<GatewayContext> | undefined;
    if (typeof context?.requestId === 'string') headers[REQUEST_ID_HEADER] = context.requestId;
    // Signed per call: the token names this subgraph as its audience and lives 60 s at most.
    if (context?.internalToken) headers[INTERNAL_TOKEN_HEADER] = await context.internalToken(this.name);
    if (span) this.telemetry?.inject(trace.setSpan(activeContext(), span), headers);
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    let status: number;
    let text: string;
    try {
      let response;
      try {
        response = await this.fetcher(this.url, { method: 'POST', headers, body });
      } catch (err) {
        // Why once, and never for a mutation: a pooled connection closed under the request (a replica draining or
        // killed) most likely carried nothing; a read sent again on a fresh connection reaches a live replica, at
        // worst reading (and auditing) twice, but a mutation might be carried out twice. The resend takes a connection of its
        // own: other pooled connections to the same replica may be closed too, not yet seen so.
        if (!(err instanceof ConnectionLostError) || isMutation(request.query)) throw err;
        span?.setAttribute('regiongraph.subgraph.retried', true);
        const again: FetcherRequestInit & FreshConnection = { method: 'POST', headers, body, freshConnection: true };
        response = await this.fetcher(this.url, again);
      }
      status = response.status;
      text = await response.text();
      span?.setAttribute('http.response.status_code', status);
    } catch (err) {
      throw this.unavailable(err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.badResponse(status, 'a body that is not JSON');
    }
    if (!isGraphQLResponse(parsed)) throw this.badResponse(status, 'JSON that is not a GraphQL response');
    if (parsed.errors) for (const error of parsed.errors) normalisePath(error);
    return parsed;
  }

  private unavailable(err: unknown): GraphQLError {
    const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown };
    const timedOut = name === 'TimeoutError' || (typeof code === 'string' && /TIMEOUT/.test(code));
    return new GraphQLError(timedOut ? `Subgraph ${this.name} did not answer in time.` : `Subgraph ${this.name} could not be reached.`, {
      extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: this.name },
    });
  }

  private badResponse(status: number, what: string): GraphQLError {
    return new GraphQLError(`Expected a GraphQL response from subgraph ${this.name}, received HTTP ${status} with ${what}.`, {
      extensions: { code: SUBGRAPH_BAD_RESPONSE, serviceName: this.name },
    });
  }
}

/** Whether a subgraph operation (as @apollo/gateway writes it: `mutation …`, `query …` or `{ … }`) is a mutation. */
function isMutation(query: string | undefined): boolean {
  return query !== undefined && /^\s*mutation\b/.test(query);
}

/** The active OpenTelemetry context (named apart from the GraphQL context of `process`). */
function activeContext(): ReturnType<typeof context.active> {
  return context.active();
}

/** A GraphQL error's `extensions.code`, or INTERNAL_SERVER_ERROR. */
function codeOf(extensions: unknown): string {
  const code = (extensions as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Turns list indices a subgraph wrote as strings back into numbers.
 * Why: mercurius serialises error paths through a response schema whose items
 * are strings (`["_entities", "0", "fees"]`), and @apollo/gateway maps an
 * entity fetch's error to the client's path (`["person", "fees"]`) only when
 * the index is a number. A GraphQL field name never starts with a digit, so a
 * segment of digits alone is always an index.
 */
function normalisePath(error: { path?: ReadonlyArray<string | number> }): void {
  if (!Array.isArray(error.path)) return;
  (error as { path: (string | number)[] }).path = error.path.map((p) => (typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p));
}

/** `{ data?, errors?, extensions? }` with at least data or errors, as GraphQL over HTTP defines it. */
function isGraphQLResponse(value: unknown): value is SubgraphResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const dataOk = v.data === undefined || v.data === null || (typeof v.data === 'object' && !Array.isArray(v.data));
  const errorsOk = v.errors === undefined || (Array.isArray(v.errors) && v.errors.every((e) => typeof e === 'object' && e !== null));
  return dataOk && errorsOk && (v.data !== undefined || Array.isArray(v.errors));
}
