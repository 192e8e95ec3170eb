/**
 * Hive Gateway (@graphql-hive/gateway-runtime with its default runtime, from
 * bench/'s own package) on node:http, serving the same supergraph:
 * `node --import tsx bench/engine/targets/hive.ts --supergraph FILE`
 * prints `{"ready":true,"url":"http://127.0.0.1:P/graphql"}` and runs until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { announceReady, exitOnSignal, listenFree, requiredArg } from '../../lib/serve.ts';

/** The part of the runtime used here (imported through a variable, see stock.ts). */
interface HiveRuntime {
  (req: IncomingMessage, res: ServerResponse): unknown;
  dispose(): Promise<void> | void;
}
interface HiveRuntimeModule {
  createGatewayRuntime(config: { supergraph: string; logging: boolean; landingPage: boolean; graphqlEndpoint: string }): HiveRuntime;
}
const HIVE_RUNTIME = '@graphql-hive/gateway-runtime';

const supergraph = readFileSync(requiredArg('supergraph'), 'utf8');
const { createGatewayRuntime } = (await import(HIVE_RUNTIME)) as HiveRuntimeModule;
const runtime = createGatewayRuntime({ supergraph, logging: false, landingPage: false, graphqlEndpoint: '/graphql' });
const server = createServer(runtime);
const port = await listenFree(server);
exitOnSignal(async () => {
  server.closeAllConnections();
  server.close();
  await runtime.dispose();
});
announceReady({ url: `http://127.0.0.1:${port}/graphql` });
