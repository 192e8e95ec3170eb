/**
 * One subgraph service: Fastify with mercurius serving a schema built with
 * @apollo/subgraph at `/graphql`, plus `/healthz` (liveness) and `/readyz`
 * (readiness, setSubgraphReadiness). Every request but those two must carry the gateway's internal token (internalToken.ts) for
 * this subgraph, or it is refused with 401 and `UNAUTHENTICATED_INTERNAL`
 * before its body is read. Every request gets its own context (the request
 * id and identity from that token, fresh DataLoaders, missing sources); each
 * source missing from the answer is appended as one `SOURCE_UNAVAILABLE`
 * error while the data stays. Request, header and idle deadlines and a
 * connection cap (serverLimits.ts) keep a slow client from holding it; a
 * caller's request id is kept only as a UUID or trace id (requestId.ts).
 */
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import mercurius from 'mercurius';
import type { MercuriusContext } from 'mercurius';
import type { Logger } from './logger.ts';
import { MissingSources } from './context.ts';
import type { RequestContext } from './context.ts';
import { INTERNAL_TOKEN_HEADER, InternalTokenError, UNAUTHENTICATED_INTERNAL, verifyInternalToken } from '../../contract/internalToken.ts';
import type { InternalClaims, InternalKey } from '../../contract/internalToken.ts';
import type { Identity } from '../../contract/identity.ts';
import { requestIdOf } from '../../contract/requestId.ts';
import { SUBGRAPH_SERVER_LIMITS, capConnections, resolveServerLimits, serverTimeoutOptions } from '../../contract/serverLimits.ts';
import type { ServerLimits } from '../../contract/serverLimits.ts';

export interface SubgraphServerOptions<Loaders> {
  /** The subgraph's name, as the supergraph names it (logs, /healthz). */
  readonly name: string;
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  /** Fresh loaders for one request (DataLoader caches live for one request only). */
  readonly createLoaders: (request: { readonly identity: Identity | null; readonly requestId: string }) => Loaders;
  /** The key of the gateway's internal tokens; requests without a valid one for `name` are refused. */
  readonly internalKey: InternalKey;
  /** Largest request body in bytes; default Fastify's 1 MiB (see DEFAULT_BODY_LIMIT). */
  readonly bodyLimit?: number;
  /** Timeouts and connection caps; each unset one at SUBGRAPH_SERVER_LIMITS's. */
  readonly server?: Partial<ServerLimits>;
}

/**
 * Fastify's own default. Before issue 13 the lists subgraph needed 32 MiB: it
 * was sent every record of a customer as GraphQL objects. Now a lists field is
 * sent only its kinds as canonical JSON: on the 100 000-person region the
 * largest is 19 kB for one person and 30 kB for a fee ceiling with the
 * dependants, so 30 aliased customers (the alias limit) stay under 1 MiB. A
 * larger body is refused (413) and the gateway names the subgraph.
 */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/** The context a resolver receives: ours plus mercurius's own fields. */
export type SubgraphContext<Loaders> = RequestContext<Loaders> & MercuriusContext;

/** The verified internal token of each request, set before its body is read. */
const verified = new WeakMap<FastifyRequest, InternalClaims>();
/** Each app's subgraph name (test helpers sign tokens for it). */
const names = new WeakMap<FastifyInstance, string>();
/** Each app's readiness, set by the process that runs it (setSubgraphReadiness); unset: ready while it answers. */
const readinessChecks = new WeakMap<FastifyInstance, () => boolean | Promise<boolean>>();

/**
 * What the app's `/readyz` answers: 200 `{"ready":true}` while `check` says
 * yes, else 503 `{"ready":false}` (e.g. while the process drains after
 * SIGTERM, or the person index is being built). Liveness (`/healthz`) is apart.
 */
export function setSubgraphReadiness(app: FastifyInstance, check: () => boolean | Promise<boolean>): void {
  readinessChecks.set(app, check);
}

/** The subgraph name an app was created with (the audience its internal tokens must name). */
export function subgraphNameOf(app: FastifyInstance): string | undefined {
  return names.get(app);
}

/** Builds the Fastify app of one subgraph (not listening; call `listen` or `inject`). */
export function createSubgraphServer<Loaders>(options: SubgraphServerOptions<Loaders>): FastifyInstance {
  const { name, logger } = options;
  const limits = resolveServerLimits(options.server, SUBGRAPH_SERVER_LIMITS);
  const app = Fastify({
    // Internal, but it must not hang either: the same request and header deadlines as the gateway (serverLimits.ts).
    ...serverTimeoutOptions(limits),
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // A caller's (the gateway's) request id is kept so logs can be joined, if it is a UUID or trace id; anything else gets a fresh one.
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
  });
  capConnections(app.server, limits);
  names.set(app, name);
  // Why onRequest: the token is checked before the body is read or parsed, for every route
  // (a 404 included) but the health probe.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' && (request.routeOptions.url === '/healthz' || request.routeOptions.url === '/readyz')) return;
    const header = request.headers[INTERNAL_TOKEN_HEADER];
    try {
      verified.set(request, await verifyInternalToken(options.internalKey, typeof header === 'string' ? header : undefined, name));
    } catch (err) {
      if (!(err instanceof InternalTokenError)) throw err;
      logger.warn({ service: name, requestId: String(request.id), reason: err.reason }, 'request without a valid internal token refused');
      return reply
        .code(401)
        .header('cache-control', 'no-store')
        .send({ errors: [{ message: err.message, extensions: { code: UNAUTHENTICATED_INTERNAL, reason: err.reason } }] });
    }
  });
  app.get('/healthz', async () => ({ status: 'ok', service: name }));
  app.get('/readyz', async (_request, reply) => {
    const check = readinessChecks.get(app);
    let ready = true;
    try {
      ready = check ? (await check()) === true : true;
    } catch (err) {
      ready = false;
      logger.warn({ service: name, errorName: err instanceof Error ? err.name : typeof err }, 'readiness check failed');
    }
    // Anyone may ask (a probe holds no token): the status alone, as the gateway's /readyz.
    return reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ ready });
  });
  app.register(async (instance) => {
    await instance.register(mercurius, {
      schema: options.schema,
      path: '/graphql',
      graphiql: false,
      context: (request): RequestContext<Loaders> => {
        const claims = verified.get(request);
        // Unreachable without claims (the hook refused the request); fail closed all the same.
        if (!claims)
          throw new GraphQLError('Expected a verified internal token, received none.', { extensions: { code: UNAUTHENTICATED_INTERNAL } });
        return {
          // The gateway's request id, signed: audit entries name it.
          requestId: claims.requestId,
          identity: claims.identity,
          loaders: options.createLoaders({ identity: claims.identity, requestId: claims.requestId }),
          missing: new MissingSources(),
          accessErrors: [],
        };
      },
      errorFormatter: (execution, context) => {
        const errors = execution.errors.map((e) => maskUnexpected(e, name, logger, context as unknown as SubgraphContext<Loaders>));
        return mercurius.defaultErrorFormatter({ ...execution, errors }, context);
      },
    });
    instance.graphql.addHook('onResolution', async (execution, context) => {
      const { missing, accessErrors: extra } = context as unknown as SubgraphContext<Loaders>;
      if (extra && extra.length > 0) {
        // Denials that went with served data (the allowed records of a list): never a silent omission.
        (execution as { errors?: unknown[] }).errors = [...(execution.errors ?? []), ...extra.map((e) => e.toJSON())];
      }
      if (!missing) return;
      const list = missing.list();
      if (list.length === 0) return;
      // Why here: the resolvers that met the failure already returned what the other sources gave.
      const appended = missing.errors().map((e) => e.toJSON());
      (execution as { errors?: unknown[] }).errors = [...(execution.errors ?? []), ...appended];
      logger.warn(
        { service: name, requestId: (context as unknown as SubgraphContext<Loaders>).requestId, missing: list },
        'answered without some sources',
      );
    });
  });
  return app;
}

/**
 * Errors we raise carry `extensions.code`; anything else is a programming
 * error whose message might hold data, so it leaves as a generic
 * INTERNAL_SERVER_ERROR and is logged by name only.
 */
function maskUnexpected<Loaders>(error: GraphQLError, service: string, logger: Logger, context: SubgraphContext<Loaders>): GraphQLError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError || error.extensions?.code) return error;
  // mercurius's own validation errors carry the GraphQL errors inside.
  if (Array.isArray((original as { errors?: unknown }).errors)) return error;
  logger.error({ service, requestId: context?.requestId, errorName: original.name, path: error.path }, 'resolver failed');
  return new GraphQLError('Internal error in the subgraph.', {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
