/**
 * What the distributed run starts, as data: the services, their replicas and
 * ports, the one configuration file they all read, and the environment each
 * process gets on top of it (its own port, the secrets as files). The
 * supervisor (main.ts) spawns exactly these; nothing is passed in-process.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { INSTANCES, instance as instanceOf } from '../../domain/region.ts';
import type { InstanceId } from '../../domain/region.ts';
import { SCHEMA_MUNICIPALITIES } from '../../schema/municipalities.ts';
import type { ChildSpec } from './supervisor.ts';

/** The entry point every service process runs (helper H1's), relative to the repository root. */
export const SERVICE_ENTRY = 'scripts/service/main.ts';

/** The subgraph services behind a balancer each, in start order: region, lists, then the municipalities. */
export const BALANCED_SERVICES: readonly { readonly service: string; readonly role: 'region' | 'lists' | 'municipality' }[] = [
  { service: 'region', role: 'region' },
  { service: 'lists', role: 'lists' },
  ...SCHEMA_MUNICIPALITIES.map((m) => ({ service: m.subgraph, role: 'municipality' as const })),
];

export interface TopologyInput {
  readonly fixturesDir: string;
  /** Replicas of each balanced service, by name. */
  readonly replicas: Readonly<Record<string, number>>;
  /** Ports: each gateway's, each emulator's, and each replica's by id (`region-1`, …). */
  readonly gatewayPorts: readonly number[];
  readonly emulatorPorts: Readonly<Record<InstanceId, number>>;
  readonly replicaPorts: Readonly<Record<string, number>>;
  /** Each balanced service's balancer port. */
  readonly balancerPorts: Readonly<Record<string, number>>;
  /** Fresh PostgreSQL schema of this run. */
  readonly databaseSchema: string;
  /** Files holding the secrets (mode 0600 in the run's directory). */
  readonly internalKeyFile: string;
  /** The services' log level; the gateways' is `gatewayLogLevel` (at info they log every request). */
  readonly logLevel: string;
  readonly gatewayLogLevel: string;
  /** The environment every child starts from (the supervisor's: PATH, DATABASE_URL, DEV_IDP_DIR, …). */
  readonly baseEnv: NodeJS.ProcessEnv;
  /** The generated configuration file's path. */
  readonly configFile: string;
}

/** Where an emulator on 127.0.0.1:port answers, in the form the product's adapter takes (H1's sources.{instance}.address). */
export function emulatorAddress(id: InstanceId, port: number): string {
  switch (instanceOf(id).product) {
    case 'pegasos':
      return `127.0.0.1:${port}`;
    case 'proconsona':
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    default:
      return `http://127.0.0.1:${port}`;
  }
}

/**
 * The configuration file every process reads (`--config`), as a JSON
 * document: the sources' addresses (the emulators), the emulators' own
 * ports, the subgraph URLs the gateways call (the balancers), the database
 * schema, the person index's and statistics' timing, and the shutdown
 * timing. Per-process settings (its port) and secrets (DATABASE_URL, the
 * internal key) are not in it: they come from the environment.
 */
export function configDocument(input: TopologyInput): Record<string, unknown> {
  const sources: Record<string, unknown> = {};
  const ports: Record<string, number> = {};
  for (const { id } of INSTANCES) {
    sources[id] = { address: emulatorAddress(id, input.emulatorPorts[id]) };
    ports[id] = input.emulatorPorts[id];
  }
  const subgraphs: Record<string, string> = {};
  for (const { service } of BALANCED_SERVICES) subgraphs[service] = `http://127.0.0.1:${input.balancerPorts[service]}/graphql`;
  return {
    // Readiness turns 503 first, then the server stops accepting: what a rolling update on Kubernetes needs (5 000 there).
    shutdown: { delayMs: 1_000, drainMs: 10_000 },
    database: { schema: input.databaseSchema },
    sources,
    emulators: { fixturesDir: input.fixturesDir, ports },
    // The organisation register's extract of the same region directory (absent: no unit names, as npm start does).
    units: { file: join(input.fixturesDir, 'organisations', 'units.tsv') },
    gateway: { subgraphs },
    leader: { retryMs: 1_000 },
  };
}

/** `node --import tsx scripts/service/main.ts ROLE [--name NAME] --config FILE`. */
function serviceArgs(role: string, name: string | undefined, configFile: string): string[] {
  return ['--import', 'tsx', SERVICE_ENTRY, role, ...(name ? ['--name', name] : []), '--config', configFile];
}

/** True once GET url answers 200. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.body?.cancel();
  return res.ok;
}

/** True once every port accepts a TCP connection on 127.0.0.1. */
export async function tcpOpen(ports: readonly number[]): Promise<boolean> {
  const one = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setTimeout(1_000, () => (socket.destroy(), resolve(false)));
      socket.once('connect', () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  return (await Promise.all(ports.map(one))).every(Boolean);
}

/** The environment of one child: the base, its own settings, and the secrets as `_FILE` settings. */
function childEnv(input: TopologyInput, own: Record<string, string>): NodeJS.ProcessEnv {
  // The run's own key only (a REGION_INTERNAL_KEY of the caller's beside the _FILE would be refused as both).
  const { REGION_INTERNAL_KEY: _callers, ...base } = input.baseEnv;
  return {
    ...base,
    // Loopback only, whatever the caller's environment says.
    SERVICE_HOST: '127.0.0.1',
    GATEWAY_HOST: '127.0.0.1',
    ...own,
    REGION_INTERNAL_KEY_FILE: input.internalKeyFile,
    APOLLO_TELEMETRY_DISABLED: 'true',
  };
}

/** Every process of the run, grouped in start stages (each stage starts once the previous one is ready). */
export function childStages(input: TopologyInput): ChildSpec[][] {
  const node = process.execPath;
  const emulatorPorts = INSTANCES.map((i) => input.emulatorPorts[i.id]);
  const emulators: ChildSpec = {
    id: 'emulators',
    service: 'emulators',
    command: node,
    args: serviceArgs('emulators', undefined, input.configFile),
    env: childEnv(input, { LOG_LEVEL: input.logLevel }),
    port: emulatorPorts[0]!,
    ready: () => tcpOpen(emulatorPorts),
    readyWhat: `TCP ports ${emulatorPorts.join(', ')}`,
  };
  const replica = (service: string, role: string, n: number): ChildSpec => {
    const id = `${service}-${n}`;
    const port = input.replicaPorts[id]!;
    return {
      id,
      service,
      command: node,
      args: serviceArgs(role, role === 'municipality' ? service : undefined, input.configFile),
      env: childEnv(input, { SERVICE_PORT: String(port), LOG_LEVEL: input.logLevel }),
      port,
      // Readiness, as a Kubernetes probe asks it (the region replica: once the person index is built).
      ready: () => httpOk(`http://127.0.0.1:${port}/readyz`),
      readyWhat: `http://127.0.0.1:${port}/readyz`,
    };
  };
  const replicasOf = (service: string, role: string, from: number): ChildSpec[] =>
    Array.from({ length: Math.max(0, (input.replicas[service] ?? 1) - from + 1) }, (_, i) => replica(service, role, from + i));
  const gateways = input.gatewayPorts.map((port, i): ChildSpec => ({
    id: `gateway-${i + 1}`,
    service: 'gateway',
    command: node,
    args: serviceArgs('gateway', undefined, input.configFile),
    env: childEnv(input, { GATEWAY_PORT: String(port), LOG_LEVEL: input.gatewayLogLevel }),
    port,
    ready: () => httpOk(`http://127.0.0.1:${port}/readyz`),
    readyWhat: `http://127.0.0.1:${port}/readyz`,
  }));
  const municipalities = BALANCED_SERVICES.filter((s) => s.role === 'municipality');
  return [
    [emulators],
    // One region replica first: it migrates the database schema and builds the person index while the
    // municipalities (no database) start beside it; the others then find the tables made.
    [replica('region', 'region', 1), ...municipalities.flatMap((m) => replicasOf(m.service, m.role, 1))],
    [...replicasOf('region', 'region', 2), ...replicasOf('lists', 'lists', 1)],
    gateways,
  ];
}
