/**
 * `npm run region -- --distributed [--fixtures DIR] [--replicas N] [--port N]`:
 * the region as a deployment runs it, every service an OS process of its own
 * started through the one service entry point (scripts/service/main.ts) and
 * the one configuration mechanism (a generated configuration file plus
 * environment, secrets as `_FILE`s), PostgreSQL through DATABASE_URL:
 *
 *   emulators (the legacy systems' stand-ins) · N replicas of region, lists
 *   and each municipality subgraph · two gateways
 *
 * Between the gateways and each subgraph's replicas runs a round-robin TCP
 * balancer (balancer.ts), in this process, as a Kubernetes Service would.
 * Prints the gateways' addresses; Ctrl-C or SIGTERM stops every child
 * (SIGTERM, then SIGKILL past 10 s) and exits 0. A child that exits when it
 * was not asked to is reported and restarted (supervisor.ts).
 *
 * Without `--distributed`, `npm run region` is `npm start`: the one-process demo.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { InternalKey } from '../../contract/internalToken.ts';
import { INSTANCES } from '../../domain/region.ts';
import type { InstanceId } from '../../domain/region.ts';
import { DevIdp } from '../../gateway/auth/devIdp.ts';
import { REPOSITORY_ROOT } from '../../gateway/config.ts';
import { recordIssuer } from '../devIdpIssuer.ts';
import { Balancer } from './balancer.ts';
import { startControl } from './control.ts';
import { DistributedConfigError, parseDistributedOptions } from './options.ts';
import type { DistributedOptions } from './options.ts';
import { Supervisor } from './supervisor.ts';
import type { SupervisorEvent } from './supervisor.ts';
import { BALANCED_SERVICES, childStages, configDocument } from './topology.ts';

const PREFIX = 'npm run region';

/** Free ports of 127.0.0.1, taken together then released (a small race with other programs, as any tool has). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((res, rej) => {
          const s = createServer();
          s.once('error', rej);
          s.listen(0, '127.0.0.1', () => res(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Runs `sql` on DATABASE_URL's server (schema creation and removal). */
async function onDatabase(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function say(line: string): void {
  process.stderr.write(`${PREFIX}: ${line}\n`);
}

function describe(event: SupervisorEvent): string | undefined {
  switch (event.kind) {
    case 'ready':
      return `${event.id} ${event.restart > 0 ? `restarted (${event.restart}) and ` : ''}ready in ${(event.ms / 1000).toFixed(1)} s (pid ${event.pid})`;
    case 'exited':
      return event.expected ? undefined : `${event.id} exited unexpectedly (${event.signal ?? `code ${event.code}`})`;
    case 'restarting':
      return `${event.id} restarting in ${(event.inMs / 1000).toFixed(0)} s`;
    case 'output':
      return undefined;
  }
}

async function run(options: DistributedOptions): Promise<void> {
  const startedAt = Date.now();
  const databaseUrl = process.env.DATABASE_URL!.trim();
  const runDir = mkdtempSync(join(tmpdir(), 'region-distributed-'));
  const ownSchema = options.databaseSchema === undefined;
  const schema = options.databaseSchema ?? `region_distributed_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const balancers = new Map<string, { balancer: Balancer; port: number }>();
  let forgetIssuer: (() => void) | undefined;
  let control: Awaited<ReturnType<typeof startControl>> | undefined;
  let readyMs = 0;
  let schemaMade = false;
  const supervisor = new Supervisor({
    cwd: REPOSITORY_ROOT,
    onEvent: (event) => {
      if (event.kind === 'output') process.stderr.write(`[${event.id}] ${event.line}\n`);
      const line = describe(event);
      if (line) say(line);
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = (reason: string, code: number): Promise<void> => {
    if (stopping) return stopping;
    say(`stopping (${reason})`);
    stopping = (async () => {
      control?.server.close();
      await supervisor.stop();
      await Promise.all([...balancers.values()].map((b) => b.balancer.close()));
      forgetIssuer?.();
      if (ownSchema && schemaMade)
        await onDatabase(databaseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => say(`could not drop schema ${schema}`));
      rmSync(runDir, { recursive: true, force: true });
      say('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // Why not within 2 s: under `npm run` one Ctrl-C arrives twice, from the terminal and forwarded by npm.
      if (Date.now() - firstSignalAt < 2_000) return;
      // A second Ctrl-C: no more waiting (the schema stays: dropping it would be more waiting).
      supervisor.killAll();
      rmSync(runDir, { recursive: true, force: true });
      process.exit(130);
    }
    firstSignalAt = Date.now();
    void stop(signal, 0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The children run in process groups of their own: whatever ends this process ends them too.
  process.on('exit', () => supervisor.killAll());
  process.on('uncaughtException', (err) => {
    say(`stopping on an uncaught ${err.name}`);
    void stop('uncaughtException', 1);
  });

  try {
    // The one internal key, as a secret file only the services read.
    const internalKeyFile = join(runDir, 'internal-key');
    writeFileSync(internalKeyFile, `${InternalKey.generate().exportSecret()}\n`, { mode: 0o600 });
    // The schema exists before any service starts, so two replicas never race to create it.
    if (ownSchema) {
      await onDatabase(databaseUrl, `CREATE SCHEMA ${schema}`);
      schemaMade = true;
    }
    // Both gateways share the development identity provider's key; made here so they do not race to make two.
    const devIdpDir = resolve(REPOSITORY_ROOT, process.env.DEV_IDP_DIR?.trim() || '.data/dev-idp');
    await DevIdp.open({ dir: devIdpDir, port: 0 });

    const replicaIds = BALANCED_SERVICES.flatMap(({ service }) =>
      Array.from({ length: options.replicas[service]! }, (_, i) => `${service}-${i + 1}`),
    );
    const ports = await freePorts(INSTANCES.length + replicaIds.length + (options.gatewayPorts[0] === 0 ? 2 : 0));
    const emulatorPorts = Object.fromEntries(INSTANCES.map((inst, i) => [inst.id, ports[i]!])) as Record<InstanceId, number>;
    const replicaPorts = Object.fromEntries(replicaIds.map((id, i) => [id, ports[INSTANCES.length + i]!]));
    const gatewayPorts = options.gatewayPorts[0] === 0 ? ports.slice(-2) : [...options.gatewayPorts];

    for (const { service } of BALANCED_SERVICES) {
      const balancer = new Balancer({
        name: service,
        backends: Array.from({ length: options.replicas[service]! }, (_, i) => ({
          id: `${service}-${i + 1}`,
          host: '127.0.0.1',
          port: replicaPorts[`${service}-${i + 1}`]!,
        })),
      });
      balancers.set(service, { balancer, port: await balancer.listen() });
    }
    const input = {
      fixturesDir: options.fixturesDir,
      replicas: options.replicas,
      gatewayPorts,
      emulatorPorts,
      replicaPorts,
      balancerPorts: Object.fromEntries([...balancers].map(([name, b]) => [name, b.port])),
      databaseSchema: schema,
      internalKeyFile,
      logLevel: options.logLevel,
      gatewayLogLevel: options.gatewayLogLevel,
      baseEnv: { ...process.env, DEV_IDP_DIR: devIdpDir },
      configFile: join(runDir, 'region.config.json'),
    };
    writeFileSync(input.configFile, `${JSON.stringify(configDocument(input), null, 2)}\n`);

    for (const stage of childStages(input)) await Promise.all(stage.map((spec) => supervisor.start(spec)));
    readyMs = Date.now() - startedAt;

    const gateways = gatewayPorts.map((p) => `http://127.0.0.1:${p}`);
    forgetIssuer = recordIssuer(devIdpDir, gatewayPorts[0]!);
    if (options.control) control = await startControl({ supervisor, balancers, gateways, startMs: () => readyMs });
    const statuses = supervisor.status();
    const table = statuses.map((s) => `    ${s.id.padEnd(14)} pid ${String(s.pid ?? '-').padEnd(8)} port ${s.port}`);
    const lines = [
      '',
      `  Region graph (distributed) is up: ${statuses.length} processes, ready in ${(readyMs / 1000).toFixed(1)} s.`,
      `  Gateways: ${gateways.join('  ')}`,
      `  GraphiQL: ${gateways[0]}/graphiql`,
      `  Balancers: ${[...balancers].map(([name, b]) => `${name} :${b.port}`).join(', ')}`,
      `  Database: schema ${schema} on DATABASE_URL${ownSchema ? ' (dropped at the stop)' : ''}`,
      `  Config:   ${input.configFile}`,
      ...(control ? [`  Control:  ${control.url}/status`] : []),
      `  Token:    npm run -s token -- --as citizen   (for the second gateway: --port ${gatewayPorts[1]})`,
      '  Processes:',
      ...table,
      '  Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    process.stderr.write(`${PREFIX}: the distributed region did not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await stop('start failed', 1);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (!argv.includes('--distributed')) {
    // Without the flag: the one-process demo, exactly `npm start` (it reads process.argv itself).
    await import('../start.ts');
    return;
  }
  let options: DistributedOptions;
  try {
    options = parseDistributedOptions(argv, process.env);
  } catch (err) {
    if (!(err instanceof DistributedConfigError)) throw err;
    process.stderr.write(`${PREFIX} -- --distributed: ${err.message}\n`);
    process.exit(2);
  }
  await run(options);
}

void main();
