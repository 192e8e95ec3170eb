/**
 * Stock @apollo/gateway (2.14.4, from bench/'s own package) in @apollo/server's
 * `startStandaloneServer` with defaults (its default fetcher, make-fetch-happen):
 * `node --import tsx bench/engine/targets/stock.ts --supergraph FILE`
 * prints `{"ready":true,"url":"http://127.0.0.1:P/"}` and runs until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { announceReady, exitOnSignal, requiredArg } from '../../lib/serve.ts';

// Declared here, imported through variables: bench/'s package is installed by
// the bench itself, after `tsc --noEmit` may have run without it.
interface ApolloServerModule {
  ApolloServer: new (config: { gateway: unknown }) => { stop(): Promise<void> };
}
interface StandaloneModule {
  startStandaloneServer(server: unknown, options: { listen: { port: number; host: string } }): Promise<{ url: string }>;
}
interface GatewayModule {
  ApolloGateway: new (config: { supergraphSdl: string }) => unknown;
}
const SERVER = '@apollo/server';
const STANDALONE = '@apollo/server/standalone';
const GATEWAY = '@apollo/gateway';

// Stock @apollo/gateway's constructor starts Apollo's anonymous telemetry (an OTLP
// exporter to apollographql.com whose resource detectors probe cloud metadata
// addresses) unless this is set; a benchmark sends nothing off the machine.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

const supergraphSdl = readFileSync(requiredArg('supergraph'), 'utf8');
const { ApolloServer } = (await import(SERVER)) as ApolloServerModule;
const { startStandaloneServer } = (await import(STANDALONE)) as StandaloneModule;
const { ApolloGateway } = (await import(GATEWAY)) as GatewayModule;
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
exitOnSignal(() => server.stop());
announceReady({ url });
