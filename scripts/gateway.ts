/**
 * `npm run gateway -- --supergraph FILE --port N`: the gateway alone, on any
 * supergraph, calling the subgraph URLs the supergraph names (or those given
 * with `--subgraph NAME=URL` / `SUBGRAPH_URL_{NAME}`). Options: gateway/config.ts.
 */
import { readFile } from 'node:fs/promises';
import { createAuthenticator } from '../gateway/auth/authenticator.ts';
import { GatewayConfigError, parseGatewayConfig } from '../gateway/config.ts';
import { createGateway } from '../gateway/server.ts';
import { isClusterWorker, runCluster } from './cluster.ts';
import { recordIssuer } from './devIdpIssuer.ts';
import { Lifecycle } from './lifecycle.ts';
import { createRootLogger } from './logger.ts';
import { gatewayOptionsOf } from './service/roles.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = parseGatewayConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof GatewayConfigError)) throw err;
    process.stderr.write(`npm run gateway: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createRootLogger(config.logLevel);
  if (config.workers > 1 && !isClusterWorker()) {
    // Made once here, before the fork, so the workers do not race to create the development identity provider's key.
    await createAuthenticator(config.auth);
    runCluster({
      workers: config.workers,
      logger,
      onListening: ({ port }) => {
        // So `npm run token` mints for this gateway's issuer (scripts/devIdpIssuer.ts); the record names the primary.
        if (config.auth.kind === 'dev-idp') recordIssuer(config.auth.dir, port);
        printAddress(`http://${urlHost(config.host)}:${port}`, config.production, config.workers);
      },
    });
    return;
  }
  const lifecycle = new Lifecycle({ logger });
  lifecycle.handleSignals();
  try {
    const supergraphSdl = await readFile(config.supergraphPath, 'utf8');
    const app = await createGateway({
      supergraphSdl,
      subgraphUrls: config.subgraphUrls,
      logger,
      ...gatewayOptionsOf(config),
      // Only with REGION_INTERNAL_KEY: the region's subgraphs, run elsewhere, share it.
      ...(config.internalKey ? { internalKey: config.internalKey } : {}),
    });
    lifecycle.add('gateway', app, (a) => a.close());
    const url = await app.listen({ port: config.port, host: config.host });
    // A worker's address is printed once, by the primary.
    if (!isClusterWorker()) {
      // So `npm run token` mints for this gateway's issuer (scripts/devIdpIssuer.ts).
      if (config.auth.kind === 'dev-idp')
        lifecycle.add('issuer record', recordIssuer(config.auth.dir, Number(new URL(url).port)), (forget) => forget());
      printAddress(url, config.production, 1);
    }
  } catch (err) {
    logger.error({ errorName: err instanceof Error ? err.name : typeof err }, 'gateway did not start');
    process.stderr.write(`npm run gateway: the gateway did not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await lifecycle.stop('start failed', 1);
  }
}

function printAddress(url: string, production: boolean, workers: number): void {
  const processes = workers > 1 ? ` (${workers} processes)` : '';
  process.stdout.write(`\n  Gateway: ${url}/graphql${processes}${production ? '' : `\n  GraphiQL: ${url}/graphiql`}\n\n`);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

void main();
