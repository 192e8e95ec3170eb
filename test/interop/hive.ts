/**
 * Hive Gateway (@graphql-hive/gateway-runtime, from test/interop's own
 * node_modules) serving a supergraph over HTTP on a free port, in-process,
 * with either of its two federation runtimes:
 * - `router`: Hive Router's Rust query planner (@graphql-hive/router-runtime,
 *   a native addon shipped inside the npm package for linux/darwin x64/arm64);
 * - `stitching`: Hive Gateway's default, pure JavaScript runtime
 *   (@graphql-tools/federation).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * What this test uses of the runtime. Declared here rather than imported:
 * the package is installed by the test command, after `tsc --noEmit` has
 * run, so the type check must not depend on it being there.
 */
interface HiveRuntime {
  (req: IncomingMessage, res: ServerResponse): unknown;
  dispose(): Promise<void> | void;
}

/** The part of Hive's `onFetch` hook payload (one subgraph request) used here. */
interface OnFetchPayload {
  readonly url: string;
  readonly options: { headers?: ConstructorParameters<typeof Headers>[0] };
  /** The GraphQL context of the request to Hive Gateway: its HTTP request among others. */
  readonly context?: { readonly request?: { readonly headers: Headers } };
  setOptions(options: object): void;
}

interface HiveRuntimeModule {
  createGatewayRuntime(config: {
    supergraph: string;
    logging: boolean;
    landingPage: boolean;
    graphqlEndpoint: string;
    maskedErrors: boolean;
    unifiedGraphHandler?: unknown;
    plugins?: () => { onFetch(payload: OnFetchPayload): Promise<void> | void }[];
  }): HiveRuntime;
}

export type HivePlanner = 'router' | 'stitching';

// Variables, so TypeScript does not try to resolve the modules at type-check time.
const HIVE_RUNTIME = '@graphql-hive/gateway-runtime';
const ROUTER_RUNTIME = '@graphql-hive/router-runtime';

export interface HiveOptions {
  /** The supergraph SDL with the URLs where the subgraphs listen. */
  readonly supergraphSdl: string;
  readonly planner: HivePlanner;
  /** Subgraph name → URL (the same as in the SDL): tells `subgraphHeaders` which subgraph a request goes to. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /**
   * Extra headers of one request to subgraph `name` (e.g. the region's
   * internal token), given the `authorization` header of the request to Hive
   * Gateway it serves (null without one).
   */
  readonly subgraphHeaders?: (name: string, authorization: string | null) => Promise<Record<string, string>>;
}

export interface RunningHive {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:41234/graphql`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts Hive Gateway on 127.0.0.1, port 0. */
export async function startHiveGateway(options: HiveOptions): Promise<RunningHive> {
  const { createGatewayRuntime } = (await import(HIVE_RUNTIME)) as HiveRuntimeModule;
  const handler =
    options.planner === 'router' ? ((await import(ROUTER_RUNTIME)) as { unifiedGraphHandler: unknown }).unifiedGraphHandler : undefined;
  const nameByUrl = new Map(Object.entries(options.subgraphUrls).map(([name, url]) => [url, name]));
  const subgraphHeaders = options.subgraphHeaders;
  const runtime = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    ...(handler ? { unifiedGraphHandler: handler } : {}),
    logging: false,
    landingPage: false,
    graphqlEndpoint: '/graphql',
    // Show subgraph errors as they come (as @apollo/gateway does), not as "Unexpected error.".
    maskedErrors: false,
    plugins: () => [
      {
        async onFetch({ url, options: init, context, setOptions }) {
          const name = nameByUrl.get(url);
          if (!name || !subgraphHeaders) return;
          const headers = new Headers(init.headers);
          for (const [k, v] of Object.entries(await subgraphHeaders(name, context?.request?.headers.get('authorization') ?? null)))
            headers.set(k, v);
          setOptions({ ...init, headers: Object.fromEntries(headers) });
        },
      },
    ],
  });
  const server = createServer(runtime as RequestListener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address for Hive Gateway, received none');
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
