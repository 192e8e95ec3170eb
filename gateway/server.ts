/**
 * The gateway's HTTP layer: a Fastify app serving GraphQL at /graphql (POST,
 * and GET for queries; any other method 405), GraphiQL at /graphiql, the
 * sample citizen portal at /portal (development only),
 * /healthz (liveness: the process answers) and /readyz (readiness, cached:
 * the status for anyone, the details for operators), with one structured
 * log line per request and nothing personal in it.
 *
 * Every GraphQL request's bearer token is verified before its body is read
 * (gateway/auth/); every subgraph call carries an internal token for that
 * subgraph with the verified identity (contract/internalToken.ts).
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../contract/internalToken.ts';
import { requestIdOf } from '../contract/requestId.ts';
import { capConnections, resolveServerLimits, serverTimeoutOptions } from '../contract/serverLimits.ts';
import type { ServerLimits } from '../contract/serverLimits.ts';
import type { InternalKey } from '../contract/internalToken.ts';
import { AuthError, anonymousOnly, createAuthenticator, singleAuthorization } from './auth/authenticator.ts';
import type { AuthConfig } from './auth/config.ts';
import { DEMO_USERS } from './auth/demoUsers.ts';
import { DEV_IDP_TOKEN_PATH, registerDevIdpRoutes } from './auth/routes.ts';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS } from './config.ts';
import type { EngineLimits } from './config.ts';
import type { GatewayContext } from './dataSource.ts';
import { REQUEST_ID_HEADER } from './dataSource.ts';
import { createEngine } from './engine.ts';
import type { EngineOptions, ExecutionOutcome, GatewayEngine, GraphQLRequestBody } from './engine.ts';
import { exampleOperations } from './examples.ts';
import type { ExampleOperation, ExampleOptions } from './examples.ts';
import { registerCors } from './cors.ts';
import { createUndiciFetcher } from './fetcher.ts';
import type { Fetcher } from './fetcher.ts';
import { GRAPHIQL_PATH, registerGraphiql } from './graphiql.ts';
import { portalUsers, registerPortal } from './portal.ts';
import { GRAPHQL_ALLOW, methodRefusal, registerHardening } from './hardening/register.ts';
import type { HardeningLimits } from './hardening/limits.ts';
import { ReadinessCache, readiness } from './health.ts';
import { registerLocalization } from './i18n/localize.ts';
import { TrustedDocuments, loadTrustedDocuments, registerTrustedDocuments } from './trusted/index.ts';
import type { TrustedDocumentMode, TrustedSource } from './trusted/index.ts';
import type { ReadyCheck } from './health.ts';
import { SafeLogController, loggedOperationName, safeError, withBoundedFields } from './logging.ts';
import { annotateOperation, registerMetricsRoute, traceRequests } from '../telemetry/index.ts';
import type { Telemetry } from '../telemetry/index.ts';

export const GRAPHQL_PATH = '/graphql';
/** The header carrying the readiness key, which shows /readyz's details (CreateGatewayOptions.readinessKey). */
export const READINESS_KEY_HEADER = 'x-readiness-key';
/** How long a /readyz result is served before the subgraphs are probed again. */
export const DEFAULT_READY_CACHE_MS = 5_000;

export interface CreateGatewayOptions {
  /** The supergraph SDL (composed with @apollo/composition). */
  readonly supergraphSdl: string;
  /** Subgraph name → URL replacing the supergraph's (e.g. services started on free ports). */
  readonly subgraphUrls?: Readonly<Record<string, string>>;
  /** A pino logger; the app logs through it (one child per request, with its id). */
  readonly logger: FastifyBaseLogger;
  /** The HTTP client for subgraph calls; default a keep-alive undici client, closed with the app. */
  readonly fetcher?: Fetcher;
  /** Deadline of one subgraph answer for the default fetcher; default 15 000 ms. */
  readonly subgraphTimeoutMs?: number;
  /** Production: no GraphiQL, no introspection, no query plans in answers. */
  readonly production?: boolean;
  /** Further readiness checks by name, e.g. `{ personIndex: () => index.ready }`. */
  readonly readyChecks?: Readonly<Record<string, ReadyCheck>>;
  /** Deadline of one subgraph probe of /readyz; default 2 000 ms. */
  readonly readyTimeoutMs?: number;
  /** How long a /readyz result is served before the subgraphs are probed again; default 5 000 ms. */
  readonly readyCacheMs?: number;
  /**
   * True once the process is shutting down (SIGTERM): /readyz then answers 503
   * at once, cache or not, so the load balancer stops sending before the
   * server stops accepting. Default never.
   */
  readonly draining?: () => boolean;
  /** A secret whose holder (header x-readiness-key) sees /readyz's details; analysts' tokens see them too. Absent: analysts only. */
  readonly readinessKey?: string;
  /** "Now" in ms (the readiness cache's clock); default Date.now. */
  readonly now?: () => number;
  /** GraphiQL's saved examples: options for the built-in ones (gateway/examples.ts), or a list of one's own. */
  readonly examples?: ExampleOptions | readonly ExampleOperation[];
  /** The execution engine; default @apollo/gateway's (createEngine). Issue 6 plugs a faster one in here. */
  readonly createEngine?: (options: EngineOptions) => Promise<GatewayEngine>;
  /** Largest request body in bytes on routes other than /graphql (whose limit is hardening.maxBodyBytes); default 1 MiB. */
  readonly bodyLimit?: number;
  /** Request, header, keep-alive and idle timeouts and connection caps (contract/serverLimits.ts); each unset one at its default. */
  readonly server?: Partial<ServerLimits>;
  /** GraphQL hardening limits (gateway/hardening); each unset one at its default. */
  readonly hardening?: Partial<HardeningLimits>;
  /** How users' tokens are verified (gateway/auth/config.ts); absent: every request is anonymous and any token is refused. */
  readonly auth?: AuthConfig;
  /** The key of the internal tokens sent to the subgraphs; absent: none are sent (the region's subgraphs then refuse every call). */
  readonly internalKey?: InternalKey;
  /** Planning limits and cache byte bounds (gateway/config.ts); each unset one at its default. */
  readonly engine?: Partial<EngineLimits>;
  /** Traces (a server span per GraphQL request, subgraph calls, planning) and metrics at GET /metrics; absent: neither. */
  readonly telemetry?: Telemetry;
  /** Origins whose pages may call /graphql (gateway/cors.ts), exact `scheme://host[:port]`; absent or empty: none. */
  readonly corsOrigins?: readonly string[];
  /** Trusted documents (gateway/trusted/): the mode and where the registered `.graphql` files are; absent: mode off. */
  readonly trustedDocuments?: { readonly mode: TrustedDocumentMode; readonly sources: readonly TrustedSource[] };
}

/** What the request log line says about a GraphQL request. */
interface OperationLog {
  operationName: string | null;
  operationType?: string | null;
  errorCodes: readonly string[];
  /** The caller's kind (citizen, professional, analyst) or anonymous; never who. */
  identity?: string;
  /** Why a token was refused. */
  authReason?: string;
}

const operationLogs = new WeakMap<FastifyRequest, OperationLog>();
/** Each GraphQL request's verified identity (null: anonymous), set before its body is read. */
const identities = new WeakMap<FastifyRequest, Identity | null>();

/**
 * A request id: the caller's `x-request-id` when it is a UUID or a W3C trace
 * id (forms that cannot carry personal data), else a new UUID; the caller's
 * other value is never echoed, logged or forwarded (contract/requestId.ts).
 */
function requestId(req: IncomingMessage): string {
  return requestIdOf(req.headers[REQUEST_ID_HEADER]);
}

/**
 * Creates the gateway app: loads the supergraph into the engine (throws if it
 * does not load or an override names no subgraph). The caller listens on it;
 * `app.close()` stops the engine and closes the subgraph connections.
 */
export async function createGateway(options: CreateGatewayOptions): Promise<FastifyInstance> {
  const production = options.production ?? false;
  // Every line's operationName bounded and filtered (a client chooses it), whoever writes the line.
  const logger = withBoundedFields(options.logger);
  // First: a key file that cannot be read fails the start before anything else is opened.
  const tokenCacheBytes = options.engine?.tokenCacheBytes;
  const { telemetry } = options;
  const tokenCache = {
    ...(tokenCacheBytes !== undefined ? { maxBytes: tokenCacheBytes } : {}),
    ...(telemetry ? { onLookup: telemetry.metrics.cacheCounter('verified_token') } : {}),
  };
  const authenticator = options.auth ? await createAuthenticator(options.auth, tokenCache) : anonymousOnly;
  // Read before anything is opened too: a document that does not parse fails the start.
  const trustedMode = options.trustedDocuments?.mode ?? 'off';
  const trustedDocuments = new TrustedDocuments(
    trustedMode,
    trustedMode === 'off' ? new Map() : loadTrustedDocuments(options.trustedDocuments?.sources ?? []),
  );
  const ownFetcher = options.fetcher
    ? undefined
    : createUndiciFetcher({ timeoutMs: options.subgraphTimeoutMs ?? DEFAULT_SUBGRAPH_TIMEOUT_MS });
  const fetcher = options.fetcher ?? ownFetcher!.fetcher;
  let engine: GatewayEngine;
  try {
    engine = await (options.createEngine ?? createEngine)({
      supergraphSdl: options.supergraphSdl,
      ...(options.subgraphUrls ? { subgraphUrls: options.subgraphUrls } : {}),
      fetcher,
      logger,
      production,
      ...(options.engine ? { planning: options.engine } : {}),
      ...(options.engine?.documentCacheBytes !== undefined ? { documentCacheBytes: options.engine.documentCacheBytes } : {}),
      ...(telemetry ? { telemetry } : {}),
    });
  } catch (err) {
    await ownFetcher?.close();
    throw err;
  }

  const serverLimits = resolveServerLimits(options.server);
  const app = Fastify({
    // Request, header, keep-alive and idle deadlines (contract/serverLimits.ts): a slow client cannot hold a connection.
    ...serverTimeoutOptions(serverLimits),
    loggerInstance: logger,
    // Fastify's own request lines log the URL, which for GET holds the query and variables.
    logController: new SafeLogController(),
    genReqId: requestId,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    return503OnClosing: true,
  });

  capConnections(app.server, serverLimits);

  app.addHook('onRequest', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'not-found';
    const op = operationLogs.get(req);
    const line = {
      method: req.method,
      route,
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(op ? { operationName: loggedOperationName(op.operationName), errorCodes: op.errorCodes } : {}),
      ...(op?.identity ? { identity: op.identity } : {}),
      ...(op?.authReason ? { authReason: op.authReason } : {}),
    };
    // GraphQL requests at info; probes and GraphiQL assets at debug, so they do not drown the rest.
    if (route === GRAPHQL_PATH) req.log.info(line, 'request');
    else req.log.debug(line, 'request');
    if (telemetry && route === GRAPHQL_PATH) {
      const outcome = {
        operationName: op?.operationName ?? null,
        operationType: op?.operationType ?? null,
        errorCodes: op?.errorCodes ?? [],
      };
      annotateOperation(req, outcome);
      telemetry.metrics.graphqlRequest(outcome, reply.elapsedTime / 1000);
    }
  });
  if (telemetry) {
    // After the hook above: its onResponse annotates the request's span before this one ends it.
    traceRequests(app, telemetry, { server: 'gateway', continueTrace: false });
    registerMetricsRoute(app, telemetry);
  }
  app.addHook('onClose', async () => {
    await engine.close();
    await ownFetcher?.close();
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    // Never the message: a JSON parse error quotes the body it failed on.
    if (status >= 500) req.log.error({ ...safeError(err), statusCode: status }, 'request failed');
    else req.log.info({ ...safeError(err), statusCode: status }, 'request refused');
    const message =
      status === 415
        ? 'Expected Content-Type application/json, received another.'
        : status === 413
          ? 'Expected a smaller request body.'
          : status < 500
            ? 'Expected a JSON request body, received one that does not parse.'
            : 'Internal server error.';
    return reply.code(status).send({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });
  app.setNotFoundHandler((req, reply) => {
    // A method Fastify routes nowhere (e.g. PROPFIND) on the GraphQL path: 405 like the other methods the hardening refuses.
    if (req.url === GRAPHQL_PATH || req.url.startsWith(`${GRAPHQL_PATH}?`)) {
      const refusal = methodRefusal(req.method);
      operationLogs.set(req, { operationName: null, errorCodes: [refusal.code] });
      return reply
        .code(refusal.status)
        .header('allow', GRAPHQL_ALLOW)
        .send({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
    }
    return reply.code(404).send({ error: 'Not found.' });
  });

  // Browsers on other origins (before the hardening: a preflight is answered before the route's 405 for OPTIONS).
  registerCors(app, { path: GRAPHQL_PATH, origins: options.corsOrigins ?? [] });
  // The answer's language, chosen before anything can refuse the request; its errors localized after the masking.
  const localization = registerLocalization(app, { path: GRAPHQL_PATH });
  // A document id replaced by its registered text before the hardening's checks read the request.
  registerTrustedDocuments(app, {
    path: GRAPHQL_PATH,
    documents: trustedDocuments,
    onRefused: (req, code) => operationLogs.set(req, { operationName: null, errorCodes: [code] }),
  });

  // ── GraphQL hardening (gateway/hardening/register.ts) ──────────────────────
  // Body size, CSRF, batching, tokens, depth, aliases, root fields, directives,
  // unsafe characters, error masking: all before the engine runs. Must come
  // before the /graphql routes (it sets their body limit as they are added).
  registerHardening(app, {
    path: GRAPHQL_PATH,
    production,
    ...(options.hardening ? { limits: options.hardening } : {}),
    onRefused: (req, code) => operationLogs.set(req, { operationName: null, errorCodes: [code] }),
  });
  // ── end of GraphQL hardening ───────────────────────────────────────────────
  localization.localizeErrors();

  // Before the body is read: a refused token costs no parsing, and no operation runs.
  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      identities.set(req, await authenticator.authenticate(singleAuthorization(req.raw.rawHeaders)));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      operationLogs.set(req, { operationName: null, errorCodes: [err.code], authReason: err.reason });
      // RFC 6750: the client learns the scheme and that its token is the problem (400: the request, e.g. a repeated header).
      if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="region-graph", error="invalid_token"');
      if (err.status === 400) reply.header('www-authenticate', 'Bearer realm="region-graph", error="invalid_request"');
      return reply
        .code(err.status)
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send({ errors: [{ message: err.message, extensions: { code: err.code, reason: err.reason } }] });
    }
  };

  const { internalKey } = options;
  const run = async (req: FastifyRequest, reply: FastifyReply, method: 'GET' | 'POST', body: GraphQLRequestBody) => {
    // No entry only if the hook did not run; the least privilege then.
    const identity = identities.get(req) ?? null;
    const requestId = req.id;
    const context: GatewayContext = {
      requestId,
      identity,
      ...(internalKey ? { internalToken: (audience: string) => signInternalToken(internalKey, { audience, requestId, identity }) } : {}),
    };
    const outcome: ExecutionOutcome = await engine.execute(body, {
      method,
      context,
      header: (name) => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : undefined;
      },
    });
    operationLogs.set(req, {
      operationName: outcome.operationName,
      operationType: outcome.operationType,
      errorCodes: outcome.errorCodes,
      identity: identity?.kind ?? 'anonymous',
    });
    if (outcome.headers) reply.headers(outcome.headers);
    return reply.code(outcome.status).type('application/json; charset=utf-8').send(outcome.body);
  };

  app.post(GRAPHQL_PATH, { onRequest: authenticate }, async (req, reply) => {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      operationLogs.set(req, { operationName: null, errorCodes: ['BAD_REQUEST'] });
      return reply.code(400).send({
        errors: [{ message: 'Expected a JSON object with a query, received another body.', extensions: { code: 'BAD_REQUEST' } }],
      });
    }
    return run(req, reply, 'POST', body as GraphQLRequestBody);
  });

  // No HEAD twin: the hardening answers HEAD with 405 (gateway/hardening/register.ts).
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>(
    GRAPHQL_PATH,
    { onRequest: authenticate, exposeHeadRoute: false },
    async (req, reply) => {
      const q = req.query;
      const asksNothing = q.query === undefined && q.documentId === undefined && q.extensions === undefined;
      if (asksNothing && !production && (req.headers.accept ?? '').includes('text/html')) {
        // A person opening the endpoint in a browser wants the IDE.
        return reply.redirect(GRAPHIQL_PATH, 302);
      }
      const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
      let variables: unknown;
      const rawVariables = one(q.variables);
      if (rawVariables !== undefined && rawVariables !== '') {
        try {
          variables = JSON.parse(rawVariables);
        } catch {
          operationLogs.set(req, { operationName: null, errorCodes: ['BAD_REQUEST'] });
          return reply.code(400).send({
            errors: [{ message: 'Expected variables as JSON, received text that does not parse.', extensions: { code: 'BAD_REQUEST' } }],
          });
        }
      }
      const operationName = one(q.operationName);
      return run(req, reply, 'GET', { query: one(q.query), ...(operationName ? { operationName } : {}), variables });
    },
  );

  app.get('/healthz', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  const readyChecks = options.readyChecks ?? {};
  const probeKey = options.internalKey;
  const readyCache = new ReadinessCache({
    maxAgeMs: options.readyCacheMs ?? DEFAULT_READY_CACHE_MS,
    ...(options.now ? { now: options.now } : {}),
    refresh: () => {
      // One id per round of probes (not a caller's: many callers share the round).
      const requestId = randomUUID();
      return readiness(
        fetcher,
        engine.subgraphs,
        readyChecks,
        options.readyTimeoutMs ?? 2_000,
        (name, err) => logger.warn({ check: name, ...safeError(err) }, 'readiness check failed'),
        // An anonymous probe, signed like every other subgraph call: subgraphs refuse unsigned requests.
        probeKey
          ? async (name) => ({ [INTERNAL_TOKEN_HEADER]: await signInternalToken(probeKey, { audience: name, requestId, identity: null }) })
          : undefined,
      );
    },
  });
  const readinessKey = options.readinessKey ? createHash('sha256').update(options.readinessKey).digest() : undefined;
  /** Whether this caller may see which subgraph or check is not ready: the readiness key, or an analyst's token. */
  const mayReadDetail = async (req: FastifyRequest): Promise<boolean> => {
    const given = req.headers[READINESS_KEY_HEADER];
    if (readinessKey && typeof given === 'string') {
      // Digests compared: equal lengths, and the time taken says nothing of the key.
      return timingSafeEqual(createHash('sha256').update(given).digest(), readinessKey);
    }
    if (req.headers.authorization === undefined) return false;
    try {
      return (await authenticator.authenticate(singleAuthorization(req.raw.rawHeaders)))?.kind === 'analyst';
    } catch (err) {
      if (err instanceof AuthError) return false;
      throw err;
    }
  };
  const draining = options.draining;
  app.get('/readyz', async (req, reply) => {
    // Not cached: the 503 must be seen by the next probe after SIGTERM.
    if (draining?.()) return reply.code(503).header('cache-control', 'no-store').send({ ready: false });
    const [{ readiness: result, checkedAt }, detail] = await Promise.all([readyCache.get(), mayReadDetail(req)]);
    reply.code(result.ready ? 200 : 503).header('cache-control', 'no-store');
    // Anyone: the status alone. The details name the region's services and what is down, for operators only.
    return reply.send(detail ? { ...result, checkedAt: new Date(checkedAt).toISOString() } : { ready: result.ready });
  });

  const { devIdp } = authenticator;
  if (devIdp) {
    registerDevIdpRoutes(app, devIdp, { production });
    // Configured with port 0, the issuer names the port the gateway got.
    if (options.auth?.kind === 'dev-idp' && options.auth.port === 0) {
      app.addHook('onListen', async () => {
        const address = app.server.address();
        if (address !== null && typeof address === 'object') devIdp.listeningOn(address.port);
      });
    }
  }

  if (!production) {
    const examples = Array.isArray(options.examples)
      ? (options.examples as readonly ExampleOperation[])
      : exampleOperations(options.examples as ExampleOptions | undefined);
    registerGraphiql(app, {
      endpoint: GRAPHQL_PATH,
      examples,
      logger,
      ...(devIdp
        ? { identityPicker: { tokenEndpoint: DEV_IDP_TOKEN_PATH, users: DEMO_USERS.map(({ id, label }) => ({ id, label })) } }
        : {}),
    });
    // The sample citizen portal (portal/), signing in as a demo citizen through the development identity provider.
    registerPortal(app, {
      endpoint: GRAPHQL_PATH,
      logger,
      ...(devIdp ? { identity: { tokenEndpoint: DEV_IDP_TOKEN_PATH, users: portalUsers(DEMO_USERS) } } : {}),
    });
  }
  return app;
}
