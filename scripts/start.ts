/**
 * `npm start [-- --fixtures DIR] [--port N]`: runs the whole region on one
 * machine (emulators, adapters, person index, subgraphs, gateway) and prints
 * the GraphiQL address. Ctrl-C (SIGINT) or SIGTERM stops everything in
 * reverse order within a few seconds and exits 0.
 */
import { GatewayConfigError } from '../gateway/config.ts';
import { recordIssuer } from './devIdpIssuer.ts';
import { Lifecycle } from './lifecycle.ts';
import { createRootLogger } from './logger.ts';
import { startRegion } from './region.ts';
import { parseStartConfig } from './startConfig.ts';
import { createTelemetry, telemetryOptionsFromEnv } from '../telemetry/index.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = parseStartConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof GatewayConfigError)) throw err;
    process.stderr.write(`npm start: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createRootLogger(config.gateway.logLevel);
  const lifecycle = new Lifecycle({ logger });
  lifecycle.handleSignals();
  try {
    // Added first, so stopped last: the services' last spans are exported.
    const otel = telemetryOptionsFromEnv(process.env, 'region-graph');
    const telemetry = otel ? lifecycle.add('telemetry', createTelemetry({ ...otel, logger }), (t) => t.shutdown()) : undefined;
    const region = await startRegion({
      gateway: config.gateway,
      fixturesDir: config.fixturesDir,
      sourceTimeoutMs: config.sourceTimeoutMs,
      env: process.env,
      logger,
      lifecycle,
      ...(telemetry ? { telemetry } : {}),
    });
    const port = Number(new URL(region.gatewayUrl).port);
    const auth = config.gateway.auth;
    if (auth.kind === 'dev-idp') {
      // So `npm run token` (another process) mints tokens naming this gateway's issuer, whatever its port.
      const forget = recordIssuer(auth.dir, port);
      lifecycle.add('issuer record', forget, (f) => f());
    }
    const lines = [
      '',
      `  Region graph is up${region.indexReady() ? '' : ' (person index still building: see /readyz)'}.`,
      `  GraphiQL: ${region.gatewayUrl}/graphiql${config.gateway.production ? ' (off in production mode)' : ''}`,
      `  GraphQL:  ${region.gatewayUrl}/graphql`,
      ...(config.gateway.production
        ? []
        : [`  Portal:   ${region.gatewayUrl}/portal/  (the sample citizen portal, in Finnish and Swedish)`]),
      `  Health:   ${region.gatewayUrl}/healthz  ${region.gatewayUrl}/readyz`,
      ...(auth.kind === 'dev-idp'
        ? [
            `  Identity: development identity provider (issuer http://localhost:${port}/dev-idp): pick a demo user in GraphiQL;`,
            '            each saved example says which one it is for (most: `citizen`, the person whose records span the region)',
            '  Token:    npm run -s token -- --as citizen      (`--list`: every demo user; the token names this gateway)',
          ]
        : [`  Identity: tokens of ${auth.issuer}`]),
      '  Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    logger.error(
      { errorName: err instanceof Error ? err.name : typeof err, code: (err as { code?: unknown } | null)?.code },
      'region did not start',
    );
    // The message helps the person starting it (a port in use, a missing directory); it holds no personal data at start.
    process.stderr.write(`npm start: the region did not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await lifecycle.stop('start failed', 1);
  }
}

void main();
