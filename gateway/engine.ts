/**
 * The gateway's execution engine: @apollo/gateway's federation query planner
 * and query-plan executor, behind a small interface the HTTP layer calls.
 *
 * Not ApolloGateway's `executor`, nor Apollo Server: per request they hash the
 * query, rebuild the operation context, re-coerce the variables and look the
 * plan up by hash; here all of that is done once per operation and kept
 * by normalised operation (queryPlans.ts), so a repeated operation goes
 * straight to `executeQueryPlan` (issue 6's profile, README "Performance").
 * Plans are built in worker threads within a time budget, never on the event
 * loop (README "Planning off the event loop").
 */
import { executeQueryPlan } from '@apollo/gateway';
import type { GraphQLDataSource, ServiceMap } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { SubgraphDataSource } from './dataSource.ts';
import { exampleOperations } from './examples.ts';
import type { GatewayContext } from './dataSource.ts';
import { DocumentCache } from './documentCache.ts';
import type { Fetcher } from './fetcher.ts';
import { formatError } from './errors.ts';
import { GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, getVariableValues, specifiedRules } from './graphql.ts';
import type { GatewayLogger } from './logging.ts';
import { apolloLogger, safeError } from './logging.ts';
import { PlanTooComplexError, PlannerBusyError } from './planning/plannerPool.ts';
import { requiresFieldsOf } from './planning/requiresDepth.ts';
import { DEFAULT_PLANNING_LIMITS, QueryPlans } from './queryPlans.ts';
import type { PlannedOperation, PlanningLimits } from './queryPlans.ts';
import { PLANNER_BUSY, QUERY_TOO_COMPLEX } from './errors.ts';
import type { Telemetry } from '../telemetry/index.ts';

/** A GraphQL request as it arrives (POST body or GET parameters), not yet checked. */
export interface GraphQLRequestBody {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
  readonly extensions?: unknown;
}

export interface ExecuteOptions {
  readonly method: 'GET' | 'POST';
  readonly context: GatewayContext;
  /** Request headers the engine may read (lower-case names). */
  readonly header?: (name: string) => string | undefined;
}

/** The GraphQL response body. */
export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** An answer plus what may be logged about it (never data, variables or query text). */
export interface ExecutionOutcome {
  readonly status: number;
  readonly body: GraphQLResponseBody;
  /** The operation's name as the document spells it, or null. */
  readonly operationName: string | null;
  readonly operationType: 'query' | 'mutation' | 'subscription' | null;
  /** `extensions.code` of every error, in order. */
  readonly errorCodes: readonly string[];
  /** Extra headers for the HTTP answer (e.g. Allow on a 405). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the HTTP layer needs from an engine; a faster engine (issue 6) implements the same. */
export interface GatewayEngine {
  /** The API schema clients query. */
  readonly schema: GraphQLSchema;
  /** Every subgraph: name → URL in use. */
  readonly subgraphs: ReadonlyMap<string, string>;
  execute(body: GraphQLRequestBody, options: ExecuteOptions): Promise<ExecutionOutcome>;
  close(): Promise<void>;
}

export interface EngineOptions {
  readonly supergraphSdl: string;
  /** Subgraph name → URL replacing the supergraph's (names match ignoring case and `-`/`_`). */
  readonly subgraphUrls?: Readonly<Record<string, string>>;
  readonly fetcher: Fetcher;
  readonly logger: GatewayLogger;
  /** No introspection and no query plans in answers. */
  readonly production: boolean;
  /** Most estimated bytes of parsed documents kept (documentCache.ts); default 16 MiB. */
  readonly documentCacheBytes?: number;
  /** Planning budget, threads and plan cache bounds; each unset one at its default (queryPlans.ts). */
  readonly planning?: Partial<PlanningLimits>;
  /** Query texts each planning worker plans at start; default the saved GraphiQL examples. */
  readonly planWarmUp?: readonly string[];
  /** Spans and metrics of subgraph calls, planning and the caches; absent: none. */
  readonly telemetry?: Telemetry;
}

/** An override map naming a subgraph the supergraph does not have. */
export class UnknownSubgraphError extends Error {
  override readonly name = 'UnknownSubgraphError';
}

/** The request context `executeQueryPlan` reads (its type is Apollo Server's, most of which it does not use). */
type RequestContext = Parameters<typeof executeQueryPlan>[2];

/** Loads the supergraph and returns the engine; throws if it does not load or an override names no subgraph. */
export async function createEngine(options: EngineOptions): Promise<GatewayEngine> {
  const supergraph = Supergraph.build(options.supergraphSdl);
  const overrides = new Map(Object.entries(options.subgraphUrls ?? {}).map(([name, url]) => [normaliseName(name), url]));
  const subgraphs = new Map<string, string>();
  const serviceMap: { [name: string]: GraphQLDataSource } = Object.create(null);
  for (const { name, url } of supergraph.subgraphsMetadata()) {
    const target = overrides.get(normaliseName(name)) ?? url;
    if (!target) throw new UnknownSubgraphError(`Expected a URL for subgraph ${name}, received none from the supergraph or the overrides.`);
    subgraphs.set(name, target);
    serviceMap[name] = new SubgraphDataSource(name, target, options.fetcher, options.telemetry);
  }
  const unknown = [...overrides.keys()].filter((n) => ![...subgraphs.keys()].some((s) => normaliseName(s) === n));
  if (unknown.length > 0) {
    throw new UnknownSubgraphError(
      `Expected subgraph URL overrides for subgraphs of the supergraph (${[...subgraphs.keys()].join(', ')}), received ${unknown.join(', ')}.`,
    );
  }
  const engine = new FederationEngine(supergraph, serviceMap, subgraphs, options);
  try {
    await engine.ready();
  } catch (err) {
    await engine.close();
    throw err;
  }
  return engine;
}

/** Planning limits with every unset one at its default. */
export function resolvePlanningLimits(given?: Partial<PlanningLimits>): PlanningLimits {
  const out: Record<string, number> = { ...DEFAULT_PLANNING_LIMITS };
  // Why not a spread of `given`: an explicit `undefined` must not erase a default, and other keys (cache bounds) do not belong.
  for (const key of Object.keys(DEFAULT_PLANNING_LIMITS) as (keyof PlanningLimits)[]) {
    const value = given?.[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as PlanningLimits;
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

class FederationEngine implements GatewayEngine {
  readonly schema: GraphQLSchema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly apiSchema: ReturnType<Supergraph['apiSchema']>;
  private readonly documents: DocumentCache;
  private readonly plans: QueryPlans;
  private readonly apolloLog: ReturnType<typeof apolloLogger>;

  constructor(
    supergraph: Supergraph,
    private readonly serviceMap: ServiceMap,
    readonly subgraphs: ReadonlyMap<string, string>,
    private readonly options: EngineOptions,
  ) {
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.plans = new QueryPlans({
      supergraphSdl: options.supergraphSdl,
      schema: this.schema,
      limits: resolvePlanningLimits(options.planning),
      warmUp: options.planWarmUp ?? exampleOperations().map((e) => e.query),
      requiresFields: requiresFieldsOf(supergraph),
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });
    this.apolloLog = apolloLogger(options.logger);
    this.documents = new DocumentCache({
      schema: this.schema,
      rules: options.production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules,
      ...(options.documentCacheBytes !== undefined ? { maxBytes: options.documentCacheBytes } : {}),
      ...(options.telemetry ? { onLookup: options.telemetry.metrics.cacheCounter('document') } : {}),
    });
  }

  /** Resolves once the planning workers are ready. */
  ready(): Promise<void> {
    return this.plans.ready();
  }

  async execute(body: GraphQLRequestBody, options: ExecuteOptions): Promise<ExecutionOutcome> {
    const { query, operationName, variables } = body;
    if (typeof query !== 'string' || query.trim() === '')
      return requestError(400, 'BAD_REQUEST', 'Expected a query string, received none.');
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return requestError(400, 'BAD_REQUEST', 'Expected operationName as a string, received another type.');
    }
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return requestError(400, 'BAD_REQUEST', 'Expected variables as a JSON object, received another type.');
    }
    const prepared = this.documents.get(query);
    if (prepared.errors) return errorsOutcome(400, prepared.errors, prepared.errorCode!, null, null);
    const document = prepared.document!;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) {
      return requestError(
        400,
        'OPERATION_RESOLUTION_FAILURE',
        operationName
          ? 'Expected operationName to name an operation of the document, received another name.'
          : 'Expected operationName, since the document has several operations.',
      );
    }
    const name = operation.name?.value ?? null;
    const type = operation.operation;
    if (options.method === 'GET' && type !== 'query') {
      return {
        ...requestError(405, 'BAD_REQUEST', `Expected a query over GET, received a ${type}; use POST.`, name, type),
        headers: { allow: 'POST' },
      };
    }
    if (type === 'subscription')
      return requestError(
        400,
        'BAD_REQUEST',
        'Expected a query or mutation, received a subscription, which the gateway does not serve.',
        name,
        type,
      );
    const inputs = (variables ?? {}) as Record<string, unknown>;
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 25 });
    if (coerced.errors) return errorsOutcome(400, coerced.errors, 'BAD_USER_INPUT', name, type);

    let planned: PlannedOperation;
    try {
      planned = await this.plans.get(document, typeof operationName === 'string' ? operationName : null);
    } catch (err) {
      // Its messages name a limit and a count, never the query.
      if (err instanceof PlanTooComplexError) return requestError(400, QUERY_TOO_COMPLEX, err.message, name, type);
      if (err instanceof PlannerBusyError)
        return requestError(
          503,
          PLANNER_BUSY,
          'Expected a free query planner, received none: every planner is busy; try again shortly.',
          name,
          type,
        );
      this.options.logger.error({ ...safeError(err), operationName: name }, 'operation failed');
      return requestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.', name, type);
    }
    let result;
    try {
      const requestContext = {
        request: { query, variables: inputs, ...(name ? { operationName: name } : {}) },
        document,
        operation,
        operationName: name,
        queryHash: prepared.queryHash,
        source: query,
        schema: this.schema,
        context: options.context,
        logger: this.apolloLog,
        metrics: {},
      } as unknown as RequestContext;
      result = await executeQueryPlan(
        planned.plan,
        this.serviceMap,
        requestContext,
        planned.operationContext,
        this.supergraphSchema,
        this.apiSchema,
      );
    } catch (err) {
      // Why only name and code: an internal error's message may quote data.
      this.options.logger.error({ ...safeError(err), operationName: name }, 'operation failed');
      return requestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.', name, type);
    }
    const out: GraphQLResponseBody = {};
    const errors = result.errors?.map(formatError) ?? [];
    if (errors.length > 0) out.errors = errors;
    if ('data' in result) out.data = result.data ?? null;
    const extensions: Record<string, unknown> = { ...result.extensions };
    // The query plan of an operation in its answer (header Apollo-Query-Plan-Experimental), for the README and debugging.
    if (!this.options.production && planned.plan.node && options.header?.('apollo-query-plan-experimental')) {
      extensions.__queryPlanExperimental = planned.formatted();
    }
    if (Object.keys(extensions).length > 0) out.extensions = extensions;
    return { status: 200, body: out, operationName: name, operationType: type, errorCodes: errors.map(codeOf) };
  }

  async close(): Promise<void> {
    // The planning workers; the fetcher's connections belong to its creator.
    await this.plans.close();
  }
}

function codeOf(error: GraphQLFormattedError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

function errorsOutcome(
  status: number,
  errors: readonly GraphQLError[],
  code: string,
  operationName: string | null,
  operationType: ExecutionOutcome['operationType'],
): ExecutionOutcome {
  const formatted = errors.map((e) => {
    const json = e.toJSON();
    return { ...json, extensions: { ...json.extensions, code } };
  });
  return { status, body: { errors: formatted }, operationName, operationType, errorCodes: formatted.map(() => code) };
}

function requestError(
  status: number,
  code: string,
  message: string,
  operationName: string | null = null,
  operationType: ExecutionOutcome['operationType'] = null,
): ExecutionOutcome {
  return { status, body: { errors: [{ message, extensions: { code } }] }, operationName, operationType, errorCodes: [code] };
}
