/**
 * The gateway's execution engine: @apollo/gateway's query planner and
 * executor behind a small interface the HTTP layer calls.
 *
 * No Apollo Server: the request pipeline is ours and holds only what the
 * region uses (a parse/validate cache, variable coercion, the executor,
 * error formatting), so issue 6 can replace the executor or the result
 * merging without touching the HTTP layer (server.ts).
 */
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { Headers } from 'undici';
import { SubgraphDataSource } from './dataSource.ts';
import type { GatewayContext } from './dataSource.ts';
import { DocumentCache } from './documentCache.ts';
import type { Fetcher } from './fetcher.ts';
import { formatError } from './errors.ts';
import { GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, getVariableValues, specifiedRules } from './graphql.ts';
import type { GatewayLogger } from './logging.ts';
import { apolloLogger, safeError } from './logging.ts';

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

export interface ApolloEngineOptions {
  readonly supergraphSdl: string;
  /** Subgraph name → URL replacing the supergraph's (names match ignoring case and `-`/`_`). */
  readonly subgraphUrls?: Readonly<Record<string, string>>;
  readonly fetcher: Fetcher;
  readonly logger: GatewayLogger;
  /** No introspection and no query plans in answers. */
  readonly production: boolean;
  /** Most query texts whose parse and validation are kept; default 1 000. */
  readonly documentCacheSize?: number;
}

/** An override map naming a subgraph the supergraph does not have. */
export class UnknownSubgraphError extends Error {
  override readonly name = 'UnknownSubgraphError';
}

type RequestContext = Parameters<ApolloGateway['executor']>[0];

/** Loads the supergraph into @apollo/gateway and returns the engine; throws if it does not load. */
export async function createApolloEngine(options: ApolloEngineOptions): Promise<GatewayEngine> {
  const overrides = new Map(Object.entries(options.subgraphUrls ?? {}).map(([name, url]) => [normaliseName(name), url]));
  const subgraphs = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: apolloLogger(options.logger),
    // Used by the gateway for its own downloads only (none with a static supergraph); subgraph calls go through buildService.
    fetcher: options.fetcher,
    buildService({ name, url }): GraphQLDataSource {
      const target = overrides.get(normaliseName(name)) ?? url;
      if (!target) throw new UnknownSubgraphError(`Expected a URL for subgraph ${name}, received none from the supergraph or the overrides.`);
      subgraphs.set(name, target);
      return new SubgraphDataSource(name, target, options.fetcher);
    },
    // The query plan of an operation in its answer (header Apollo-Query-Plan-Experimental), for the README and debugging.
    __exposeQueryPlanExperimental: !options.production,
  });
  const { schema, executor } = await gateway.load();
  const unknown = [...overrides.keys()].filter((n) => ![...subgraphs.keys()].some((s) => normaliseName(s) === n));
  if (unknown.length > 0) {
    await gateway.stop();
    throw new UnknownSubgraphError(
      `Expected subgraph URL overrides for subgraphs of the supergraph (${[...subgraphs.keys()].join(', ')}), received ${unknown.join(', ')}.`,
    );
  }
  return new ApolloEngine(gateway, executor, schema, subgraphs, options);
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

class ApolloEngine implements GatewayEngine {
  private readonly documents: DocumentCache;
  private readonly apolloLog: ReturnType<typeof apolloLogger>;

  constructor(
    private readonly gateway: ApolloGateway,
    private readonly executor: ApolloGateway['executor'],
    readonly schema: GraphQLSchema,
    readonly subgraphs: ReadonlyMap<string, string>,
    private readonly options: ApolloEngineOptions,
  ) {
    this.apolloLog = apolloLogger(options.logger);
    this.documents = new DocumentCache({
      schema,
      rules: options.production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules,
      ...(options.documentCacheSize !== undefined ? { maxEntries: options.documentCacheSize } : {}),
    });
  }

  async execute(body: GraphQLRequestBody, options: ExecuteOptions): Promise<ExecutionOutcome> {
    const { query, operationName, variables } = body;
    if (typeof query !== 'string' || query.trim() === '') return requestError(400, 'BAD_REQUEST', 'Expected a query string, received none.');
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
        operationName ? 'Expected operationName to name an operation of the document, received another name.' : 'Expected operationName, since the document has several operations.',
      );
    }
    const name = operation.name?.value ?? null;
    const type = operation.operation;
    if (options.method === 'GET' && type !== 'query') {
      return { ...requestError(405, 'BAD_REQUEST', `Expected a query over GET, received a ${type}; use POST.`, name, type), headers: { allow: 'POST' } };
    }
    if (type === 'subscription') return requestError(400, 'BAD_REQUEST', 'Expected a query or mutation, received a subscription, which the gateway does not serve.', name, type);
    const inputs = (variables ?? {}) as Record<string, unknown>;
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 25 });
    if (coerced.errors) return errorsOutcome(400, coerced.errors, 'BAD_USER_INPUT', name, type);

    const requestContext = this.requestContext(query, prepared.queryHash, document, operation, name, inputs, options);
    let result;
    try {
      result = await this.executor(requestContext);
    } catch (err) {
      // Why only name and code: an internal error's message may quote data.
      this.options.logger.error({ ...safeError(err), operationName: name }, 'operation failed');
      return requestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error.', name, type);
    }
    const out: GraphQLResponseBody = {};
    const errors = result.errors?.map(formatError) ?? [];
    if (errors.length > 0) out.errors = errors;
    if ('data' in result) out.data = result.data ?? null;
    if (result.extensions) out.extensions = result.extensions;
    return { status: 200, body: out, operationName: name, operationType: type, errorCodes: errors.map(codeOf) };
  }

  private requestContext(
    query: string,
    queryHash: string,
    document: NonNullable<ReturnType<DocumentCache['get']>['document']>,
    operation: NonNullable<ReturnType<typeof getOperationAST>>,
    operationName: string | null,
    variables: Record<string, unknown>,
    options: ExecuteOptions,
  ): RequestContext {
    const planHeader = this.options.production ? undefined : options.header?.('apollo-query-plan-experimental');
    const http = planHeader
      ? { method: options.method, url: '/graphql', headers: new Headers({ 'apollo-query-plan-experimental': planHeader }) }
      : undefined;
    // The executor reads request, document, operation, queryHash, context, metrics and logger;
    // cache, schemaHash and overallCachePolicy are Apollo Server's and unused here.
    return {
      request: { query, variables, ...(operationName ? { operationName } : {}), ...(http ? { http } : {}) },
      document,
      operation,
      operationName,
      queryHash,
      source: query,
      schema: this.schema,
      context: options.context,
      logger: this.apolloLog,
      metrics: {},
    } as unknown as RequestContext;
  }

  async close(): Promise<void> {
    await this.gateway.stop();
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
