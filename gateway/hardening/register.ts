/**
 * Wires the hardening into the gateway's Fastify app, for the GraphQL route
 * only, in the order a request meets it:
 *
 *   routing        only GET and POST reach GraphQL; every other method, HEAD
 *                  included (Fastify would run the GET handler for it, past
 *                  these checks), is 405 METHOD_NOT_ALLOWED with
 *                  `Allow: GET, POST` before its body is read
 *   onRequest      CSRF prevention (before the body is read: a cross-site
 *                  text/plain POST is refused as CSRF_PREVENTED, not 415)
 *   body parser    the body size limit (413 REQUEST_TOO_LARGE, judged on
 *                  Content-Length before reading, else while reading)
 *   preValidation  no batched arrays; unsafe characters; tokens, depth,
 *                  aliases, root fields, directives, fragment cycles
 *   preSerialization  errors masked (gateway/errors.ts maskResponseErrors)
 *
 * Everything here runs before the engine, so a refused request calls no
 * subgraph and no source.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { maskResponseErrors } from '../errors.ts';
import { CSRF_MESSAGE, couldBeCrossSite } from './csrf.ts';
import type { HardeningLimits } from './limits.ts';
import { BATCHING_NOT_SUPPORTED, CSRF_PREVENTED, METHOD_NOT_ALLOWED, REQUEST_TOO_LARGE, resolveLimits } from './limits.ts';
import { RequestChecker } from './request.ts';
import type { OperationRequest, Refusal } from './request.ts';

export interface HardeningOptions {
  /** The GraphQL route's path (e.g. /graphql); nothing else is touched. */
  readonly path: string;
  /** Production mode: suggestions and unexpected errors' messages masked too. */
  readonly production: boolean;
  /** Limits; each unset one at its default (DEFAULT_HARDENING_LIMITS). */
  readonly limits?: Partial<HardeningLimits>;
  /** Told of every refusal (e.g. for the request's log line); never given the request's content. */
  readonly onRefused?: (req: FastifyRequest, code: string) => void;
}

/** The methods that reach GraphQL execution; the GraphQL route's GET must be added with `exposeHeadRoute: false`. */
export const GRAPHQL_METHODS = ['GET', 'POST'] as const;

/** The `Allow` header of a 405 on the GraphQL route. */
export const GRAPHQL_ALLOW = GRAPHQL_METHODS.join(', ');

/** The refusal of a method other than GET or POST on the GraphQL route (also for methods Fastify routes nowhere, e.g. PROPFIND). */
export function methodRefusal(method: string): Refusal {
  // The method is one Node's HTTP parser knows (it refuses any other), so it is safe to quote.
  return { status: 405, code: METHOD_NOT_ALLOWED, message: `Expected ${GRAPHQL_METHODS.join(' or ')}, received ${method}.` };
}

/**
 * Registers the hooks, and the 405 route for every other method. Call it
 * before the GraphQL routes are added: the body limit and the 413 answer are
 * set on the routes as they are registered.
 */
export function registerHardening(app: FastifyInstance, options: HardeningOptions): void {
  const limits = resolveLimits(options.limits);
  const checker = new RequestChecker(limits);
  const isGraphql = (req: FastifyRequest): boolean => req.routeOptions.url === options.path;

  const refuse = (req: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply => {
    options.onRefused?.(req, refusal.code);
    const error = {
      message: refusal.message,
      ...(refusal.locations ? { locations: refusal.locations } : {}),
      extensions: { code: refusal.code },
    };
    return reply
      .code(refusal.status)
      .type('application/json; charset=utf-8')
      .send({ errors: [error] });
  };

  app.addHook('onRoute', (route) => {
    if (route.url !== options.path) return;
    route.bodyLimit = limits.maxBodyBytes;
    const own = route.errorHandler;
    route.errorHandler = function (this: FastifyInstance, err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
      if (err.statusCode === 413) {
        return refuse(req, reply, {
          status: 413,
          code: REQUEST_TOO_LARGE,
          message: `Expected a request body of at most ${limits.maxBodyBytes} bytes, received a larger one.`,
        });
      }
      if (own) return own.call(this, err, req, reply);
      // Anything else goes to the app's own error handler.
      throw err;
    };
  });

  // Why a route of its own rather than Fastify's 404: a client told 405 and Allow knows what to send instead.
  // Why HEAD is not served: an answer without a body is of no use to a GraphQL client, yet would cost a whole execution.
  const methodNotAllowed = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    reply.header('allow', GRAPHQL_ALLOW);
    return refuse(req, reply, methodRefusal(req.method));
  };
  app.route({
    method: app.supportedMethods.filter((m) => !(GRAPHQL_METHODS as readonly string[]).includes(m)),
    url: options.path,
    // In onRequest: the body of a PUT or PATCH is never read.
    onRequest: methodNotAllowed,
    handler: methodNotAllowed,
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!limits.csrfPrevention || !isGraphql(req)) return;
    // A GET without a query, a document id or extensions executes nothing (a browser opening the endpoint is sent to GraphiQL).
    // One naming a trusted document by id executes it: it is judged like one with a query text.
    const params = req.query as Record<string, unknown> | undefined;
    if (req.method === 'GET' && params?.query === undefined && params?.documentId === undefined && params?.extensions === undefined) return;
    if (req.method !== 'GET' && req.method !== 'POST') return;
    if (couldBeCrossSite(req.headers)) return refuse(req, reply, { status: 400, code: CSRF_PREVENTED, message: CSRF_MESSAGE });
  });

  app.addHook('preValidation', async (req, reply) => {
    if (!isGraphql(req)) return;
    let request: OperationRequest;
    if (req.method === 'POST') {
      if (Array.isArray(req.body)) {
        return refuse(req, reply, {
          status: 400,
          code: BATCHING_NOT_SUPPORTED,
          message: 'Expected one operation as a JSON object, received an array of operations (batching is not supported).',
        });
      }
      if (typeof req.body !== 'object' || req.body === null) return;
      request = req.body as OperationRequest;
    } else if (req.method === 'GET') {
      request = getParameters(req.query as Record<string, string | string[] | undefined>);
    } else {
      return;
    }
    const refusal = checker.check(request);
    if (refusal) return refuse(req, reply, refusal);
  });

  app.addHook('preSerialization', async (req, _reply, payload) =>
    isGraphql(req) ? maskResponseErrors(payload, { production: options.production }) : payload,
  );
}

/** A GET's operation, its variables parsed when they parse (else the route answers the JSON error). */
function getParameters(query: Record<string, string | string[] | undefined>): OperationRequest {
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  let variables: unknown;
  const raw = one(query.variables);
  if (raw !== undefined && raw !== '') {
    try {
      variables = JSON.parse(raw);
    } catch {
      variables = undefined;
    }
  }
  return { query: one(query.query), operationName: one(query.operationName), variables };
}
