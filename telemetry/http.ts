/**
 * Telemetry on a Fastify service: `GET /metrics` (Prometheus text format)
 * and a server span per request on the traced routes, with its count and
 * time by route and status. The span is the parent of everything the
 * route's handler does (the handler runs in its context), so the gateway's
 * own and @apollo/gateway's spans, and a subgraph's source calls, nest under
 * it. Attributes: method, route, status code, and for GraphQL the operation
 * name (a GraphQL Name only) and type; never the URL's query string, the
 * body, variables or headers.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isGraphQLName } from './labels.ts';
import type { OperationOutcome } from './metrics.ts';
import type { Telemetry } from './telemetry.ts';

export const METRICS_PATH = '/metrics';

/** Span attribute names (OpenTelemetry's semantic conventions for HTTP and GraphQL, and two of our own). */
export const REQUEST_ATTRIBUTES = {
  method: 'http.request.method',
  route: 'http.route',
  status: 'http.response.status_code',
  operationName: 'graphql.operation.name',
  operationType: 'graphql.operation.type',
  errorCodes: 'regiongraph.error_codes',
  server: 'regiongraph.server',
} as const;

/** Serves the telemetry's registry at GET /metrics (no authentication: it holds no personal data; keep it off the public network). */
export function registerMetricsRoute(app: FastifyInstance, telemetry: Telemetry): void {
  const { registry } = telemetry.metrics;
  app.get(METRICS_PATH, { exposeHeadRoute: false }, async (_req, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
  });
}

export interface TraceRequestsOptions {
  /** The server's name on its spans and the `server` label (e.g. `gateway`, `region`, `porvoo`). */
  readonly server: string;
  /** Routes (as registered) that get a span; default `/graphql`. Probes and /metrics are not traced. */
  readonly routes?: readonly string[];
  /**
   * Continue the caller's trace from its `traceparent` header. True for the
   * subgraphs (their caller is the gateway); false for the gateway, whose
   * callers are clients: a trace starts there.
   */
  readonly continueTrace: boolean;
}

interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
}

/** Each traced request's span. */
const spans = new WeakMap<FastifyRequest, RequestSpan>();

/**
 * Adds a server span per request on `routes` (call before the routes are
 * added: the route handlers are wrapped as they are registered).
 */
export function traceRequests(app: FastifyInstance, telemetry: Telemetry, options: TraceRequestsOptions): void {
  const routes = new Set(options.routes ?? ['/graphql']);
  const { metrics } = telemetry;
  app.addHook('onRoute', (route) => {
    if (!routes.has(route.url)) return;
    const handler = route.handler;
    // Why wrap the handler: a hook cannot make its context the handler's; this way everything the handler starts is a child.
    route.handler = function (this: FastifyInstance, req, reply) {
      const own = spans.get(req);
      return own ? context.with(own.context, handler, this, req, reply) : handler.call(this, req, reply);
    };
  });
  app.addHook('onRequest', async (req) => {
    const route = req.routeOptions.url;
    if (route === undefined || !routes.has(route)) return;
    const parent = options.continueTrace ? telemetry.extract(req.headers) : ROOT_CONTEXT;
    const span = telemetry.tracer.startSpan(
      `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [REQUEST_ATTRIBUTES.method]: req.method,
          [REQUEST_ATTRIBUTES.route]: route,
          [REQUEST_ATTRIBUTES.server]: options.server,
        },
      },
      parent,
    );
    spans.set(req, { span, context: trace.setSpan(parent, span) });
  });
  const finish = async (req: FastifyRequest, status: number | undefined, seconds: number): Promise<void> => {
    const own = spans.get(req);
    if (!own) return;
    spans.delete(req);
    const route = req.routeOptions.url ?? 'not-found';
    const { span } = own;
    if (status !== undefined) {
      span.setAttribute(REQUEST_ATTRIBUTES.status, status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
    } else {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted' });
    }
    span.end();
    metrics.httpRequests.inc({ server: options.server, route, status: status === undefined ? 'aborted' : String(status) });
    metrics.httpDuration.observe({ server: options.server, route }, seconds);
  };
  app.addHook('onResponse', async (req, reply) => finish(req, reply.statusCode, reply.elapsedTime / 1000));
  app.addHook('onRequestAbort', async (req) => finish(req, undefined, 0));
}

/**
 * Puts what a GraphQL request was on its server span: operation name (only
 * if a GraphQL Name), type and error codes; an answer with errors marks the
 * span as an error whose message is the codes.
 */
export function annotateOperation(req: FastifyRequest, outcome: OperationOutcome): void {
  const own = spans.get(req);
  if (!own) return;
  const { span } = own;
  if (outcome.operationName && isGraphQLName(outcome.operationName))
    span.setAttribute(REQUEST_ATTRIBUTES.operationName, outcome.operationName);
  if (outcome.operationType) span.setAttribute(REQUEST_ATTRIBUTES.operationType, outcome.operationType);
  if (outcome.errorCodes.length > 0) {
    const codes = [...new Set(outcome.errorCodes)].filter((c) => /^[A-Z][A-Z0-9_]{0,63}$/.test(c));
    span.setAttribute(REQUEST_ATTRIBUTES.errorCodes, codes);
    span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(' ') });
  }
}
