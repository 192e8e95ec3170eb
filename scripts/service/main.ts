/**
 * `npm run service -- <role> [--name NAME] [--config FILE]`: one service of
 * the region, as a deployment runs it (one process per service, container
 * command `node --import tsx scripts/service/main.ts <role> …`). Roles:
 * gateway, region, lists, municipality --name <porvoo|sipoo|…>, emulators.
 * Settings: a JSON or YAML file (--config or REGION_CONFIG) and the
 * environment (README, Deploying). A setting that cannot be
 * used stops the start with exit code 2 and a message naming it.
 *
 * SIGTERM: /readyz turns 503, after SHUTDOWN_DELAY_MS the server stops
 * accepting, requests in flight get SHUTDOWN_DRAIN_MS to finish, then the
 * rest closes in reverse order; exit 0 (1 past a deadline).
 */
import { createAuthenticator } from '../../gateway/auth/authenticator.ts';
import { isClusterWorker, runCluster } from '../cluster.ts';
import { recordIssuer } from '../devIdpIssuer.ts';
import { Lifecycle } from '../lifecycle.ts';
import { createRootLogger } from '../logger.ts';
import { ServiceConfigError, loadServiceConfig } from './config.ts';
import type { ServiceConfig } from './config.ts';
import {
  emulatorAddressLines,
  startEmulatorsService,
  startGatewayService,
  startListsService,
  startMunicipalityService,
  startRegionService,
} from './roles.ts';
import type { ServiceDeps } from './roles.ts';
import { SERVICE_ROLES } from './settings.ts';
import { createTelemetry } from '../../telemetry/index.ts';
import type { ServiceRole } from './settings.ts';

const USAGE = `usage: npm run service -- <${SERVICE_ROLES.join('|')}> [--name MUNICIPALITY] [--config FILE]`;

async function main(): Promise<void> {
  const [role, ...rest] = process.argv.slice(2);
  if (!(SERVICE_ROLES as readonly string[]).includes(role ?? '')) {
    process.stderr.write(
      `npm run service: expected a role (${SERVICE_ROLES.join(', ')}), received ${role === undefined ? 'none' : JSON.stringify(role)}\n${USAGE}\n`,
    );
    process.exit(2);
  }
  let config: ServiceConfig;
  try {
    config = loadServiceConfig({ role: role as ServiceRole, argv: rest, env: process.env, cwd: process.cwd() });
  } catch (err) {
    if (!(err instanceof ServiceConfigError)) throw err;
    process.stderr.write(`npm run service: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createRootLogger(config.logLevel).child({ service: config.telemetry.serviceName });
  if (config.role === 'gateway' && config.gateway.workers > 1 && !isClusterWorker()) {
    // Made once here, before the fork, so the workers do not race to create the development identity provider's key.
    await createAuthenticator(config.gateway.auth);
    const auth = config.gateway.auth;
    runCluster({
      workers: config.gateway.workers,
      logger,
      onListening: ({ port }) => {
        if (auth.kind === 'dev-idp') recordIssuer(auth.dir, port);
        logger.info({ role: 'gateway', port, workers: config.gateway.workers }, 'service listening');
      },
    });
    return;
  }
  const lifecycle = new Lifecycle({
    logger,
    ...(config.role === 'emulators' ? {} : { delayMs: config.shutdown.delayMs, drainMs: config.shutdown.drainMs }),
  });
  lifecycle.handleSignals();
  // Added before the servers, so closed after them: their last spans are exported. The emulators (stand-ins) have none.
  const { serviceName, otlpEndpoint } = config.telemetry;
  const telemetry =
    config.role === 'emulators'
      ? undefined
      : lifecycle.add('telemetry', createTelemetry({ serviceName, ...(otlpEndpoint ? { otlpEndpoint } : {}), logger }), (t) =>
          t.shutdown(),
        );
  const deps: ServiceDeps = { logger, lifecycle, ...(telemetry ? { telemetry } : {}) };
  try {
    switch (config.role) {
      case 'gateway': {
        const { url } = await startGatewayService(config, deps);
        logger.info({ role: config.role, url: `${url}/graphql` }, 'service listening');
        break;
      }
      case 'region':
      case 'lists':
      case 'municipality': {
        const start = { region: startRegionService, lists: startListsService, municipality: startMunicipalityService }[config.role] as (
          c: typeof config,
          d: ServiceDeps,
        ) => Promise<{ url: string }>;
        const { url } = await start(config, deps);
        logger.info({ role: config.role, ...(config.role === 'municipality' ? { name: config.name } : {}), url }, 'service listening');
        break;
      }
      case 'emulators': {
        const emulators = await startEmulatorsService(config, deps);
        logger.info({ role: config.role, emulators: emulators.size }, 'service listening');
        // For a region or municipality service's environment (or its configuration file's sources.*.address).
        process.stdout.write(`${emulatorAddressLines(emulators).join('\n')}\n`);
        break;
      }
    }
  } catch (err) {
    logger.error(
      { errorName: err instanceof Error ? err.name : typeof err, code: (err as { code?: unknown } | null)?.code },
      'service did not start',
    );
    // The message helps the operator (a port in use, an unreachable source); it holds no personal data at start.
    process.stderr.write(
      `npm run service: the ${config.role} service did not start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    await lifecycle.stop('start failed', 1);
  }
}

void main();
