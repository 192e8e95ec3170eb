/**
 * Test support: runs operations through @apollo/gateway's executor over the
 * committed supergraph, against running subgraph services, without an HTTP
 * server in front. Not used in production.
 */
import { randomUUID } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { getOperationAST, parse } from 'graphql';
import { readSupergraph, supergraphWithUrls } from '../../schema/supergraph.ts';
import type { Identity } from '../../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../contract/internalToken.ts';
import type { InternalKey } from '../../contract/internalToken.ts';

export interface FederatedResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Turns off stock @apollo/gateway's anonymous telemetry. Its constructor
 * (2.14: `dist/index.js`) calls `createDataCollectionExporter()` unless
 * APOLLO_TELEMETRY_DISABLED is `true` or `1`: an OTLP exporter posting to
 * usage-reporting.api.apollographql.com, whose resource detectors first probe
 * the cloud metadata addresses (169.254.169.254, metadata.google.internal).
 * Nothing this project runs may reach anything but its own services, so every
 * place that builds a stock ApolloGateway calls this first.
 */
export function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}

/**
 * Loads a gateway over the given subgraph URLs; returns `execute` and `stop`.
 * Every subgraph call carries an internal token signed with `internalKey`
 * for `identity` (default anonymous), as the region's gateway sends.
 */
export async function federatedExecutor(
  urls: Readonly<Record<string, string>>,
  internalKey: InternalKey,
  identity: Identity | null = null,
): Promise<{
  execute(query: string, variables?: Record<string, unknown>): Promise<FederatedResult>;
  stop(): Promise<void>;
}> {
  disableApolloTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphWithUrls(readSupergraph(), urls),
    logger: quiet,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        async willSendRequest({ request, context }) {
          // One request id per operation, as the gateway makes (the subgraphs' operation read cache is keyed by it).
          const requestId = (context as { requestId?: string }).requestId ?? 'test-request';
          request.http?.headers.set(INTERNAL_TOKEN_HEADER, await signInternalToken(internalKey, { audience: name, requestId, identity }));
        },
      }),
  });
  const { schema, executor } = await gateway.load();
  return {
    async execute(query, variables = {}) {
      const document = parse(query);
      const operation = getOperationAST(document);
      if (!operation) throw new Error('expected one operation');
      // The request context Apollo Server would build; the executor reads only these fields.
      const context = {
        request: { query, variables },
        document,
        source: query,
        operation,
        operationName: operation.name?.value ?? null,
        schema,
        schemaHash: 'test',
        context: { requestId: randomUUID() },
        cache: new Map(),
        queryHash: query,
        logger: quiet,
        metrics: {},
        overallCachePolicy: { restrict() {}, replace() {} },
      };
      return (await executor(context as never)) as FederatedResult;
    },
    stop: () => gateway.stop(),
  };
}
