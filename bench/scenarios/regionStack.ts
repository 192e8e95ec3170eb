/**
 * The region under test, for the region and scale scenarios: the generated
 * fixtures (generated when missing), the region's services as one child
 * process (bench/region/services.ts) and OUR gateway as another
 * (scripts/gateway.ts with `--subgraph NAME=URL` for each subgraph), plus the
 * query mix (bench/region/mix.ts). The region side is another helper's: its
 * modules are loaded through their file URLs and typed here by the interface
 * the harness relies on, so the harness type-checks and runs its other
 * scenarios whatever state that side is in.
 */
import type { ReadyLine } from '../region/start.ts';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRequest } from '../lib/driverTypes.ts';
import { jsonReadyLine, startService, tsxArgs } from '../lib/proc.ts';
import type { Service } from '../lib/proc.ts';
import { oursReadyUrl } from '../engine/scenario.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVICES_FILE = join(ROOT, 'bench/region/services.ts');
const MIX_FILE = join(ROOT, 'bench/region/mix.ts');
const CHECK_FILE = join(ROOT, 'bench/region/check.ts');

/** The query kinds of the region mix. */
export const QUERY_KINDS = ['citizenAppointments', 'clientOverview', 'feeCeiling', 'analystAggregate'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];
export type RegionMix = Record<QueryKind, BenchRequest[]>;

/** The services' ready line (bench/region/services.ts). */
export type ServicesReady = ReadyLine;

/** A request's persons (bench/region/mix.ts's MixSubject): the instances the truth files say hold their records. */
export interface MixSubject {
  readonly hetu: string;
  readonly instances: readonly string[];
  /** VTJ's guardians and dependants (absent from a mix module older than issue 13: taken as none). */
  readonly relatives?: number;
  /** A fee ceiling's VTJ dependants. */
  readonly dependants?: readonly MixSubject[];
}
export type MixSubjects = Partial<Record<QueryKind, readonly MixSubject[]>>;

interface MixModule {
  buildDetailedRegionMix?(options: {
    fixturesDir: string;
    devIdpDir: string;
    persons?: number;
    gatewayPort?: number;
  }): Promise<{ mix: RegionMix; subjects: MixSubjects }>;
  buildRegionMix(options: { fixturesDir: string; devIdpDir: string; persons?: number; gatewayPort?: number }): Promise<RegionMix>;
  verifyMix?(gatewayUrl: string, mix: RegionMix): Promise<void>;
}
interface CheckModule {
  verifyMix(gatewayUrl: string, mix: RegionMix): Promise<void>;
}

/** Counters of the control endpoint: `GET /legacy-calls`, `GET /reads`. */
export interface Counts {
  readonly byInstance: Record<string, number>;
  readonly total: number;
}

export interface RegionStack {
  readonly services: Service<ServicesReady>;
  readonly gateway: Service<{ url: string }>;
  /** e.g. `http://127.0.0.1:41234` */
  readonly gatewayOrigin: string;
  readonly gatewayUrl: string;
  /** The gateway's own start, ms (process spawn to its ready line). */
  readonly gatewayStartMs: number;
  readonly servicesStartMs: number;
  legacyCalls(): Promise<Counts>;
  reads(): Promise<Counts | null>;
  stop(): Promise<void>;
}

/** Generates the region's fixtures into `dir` unless it holds a manifest.json already; resolves with the seconds it took (0: present). */
export async function ensureFixtures(dir: string, persons: number, log: (line: string) => void): Promise<number> {
  if (existsSync(join(dir, 'manifest.json'))) return 0;
  log(`region: generating ${persons} persons into ${dir} (npm run fixtures; once, reused by later runs)…`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      tsxArgs(join(ROOT, 'fixtures/generator/cli.ts'), [
        '--persons',
        String(persons),
        '--seed',
        '1',
        '--today',
        '2026-11-23',
        '--out',
        dir,
      ]),
      { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`expected the fixtures generator to exit 0, received ${signal ?? code}`)),
    );
  });
  const seconds = (Date.now() - started) / 1000;
  log(`region: generated in ${seconds.toFixed(0)} s`);
  return seconds;
}

/** A free TCP port of 127.0.0.1 (the gateway's port must be known before it starts: its tokens' issuer names it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('expected a free port, received none'))));
    });
  });
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`expected ${url} to answer 200, received ${res.status}`);
  return (await res.json()) as T;
}

/** Starts the region's services (index padded to `indexPersons` when given) and our gateway over them. */
export async function startRegionStack(options: {
  fixturesDir: string;
  indexPersons?: number;
  log: (line: string) => void;
}): Promise<RegionStack> {
  let started = Date.now();
  const services = await startService({
    name: 'region services',
    command: process.execPath,
    args: tsxArgs(SERVICES_FILE, [
      '--fixtures',
      options.fixturesDir,
      ...(options.indexPersons !== undefined ? ['--index-persons', String(options.indexPersons)] : []),
    ]),
    cwd: ROOT,
    ready: (line) => jsonReadyLine<ServicesReady>(line),
    // 100 000 fixtures persons and a 1 M padded index take minutes on 2 cores.
    timeoutMs: 20 * 60_000,
  });
  const servicesStartMs = Date.now() - started;
  options.log(
    `region: services up in ${(servicesStartMs / 1000).toFixed(1)} s (pid ${services.pid}, index ${services.info.indexPersons} persons)`,
  );
  let gateway: Service<{ url: string }>;
  try {
    const port = await freePort();
    started = Date.now();
    gateway = await startService({
      name: 'our gateway',
      command: process.execPath,
      args: tsxArgs(join(ROOT, 'scripts/gateway.ts'), [
        '--port',
        String(port),
        '--log-level',
        'warn',
        ...Object.entries(services.info.subgraphUrls).flatMap(([name, url]) => ['--subgraph', `${name}=${url}`]),
      ]),
      cwd: ROOT,
      env: { ...process.env, REGION_INTERNAL_KEY: services.info.internalKey, DEV_IDP_DIR: services.info.devIdpDir },
      ready: oursReadyUrl,
    });
  } catch (err) {
    await services.stop();
    throw err;
  }
  const gatewayStartMs = Date.now() - started;
  const gatewayOrigin = new URL(gateway.info.url).origin;
  options.log(`region: our gateway up at ${gateway.info.url} in ${(gatewayStartMs / 1000).toFixed(1)} s (pid ${gateway.pid})`);
  return {
    services,
    gateway,
    gatewayOrigin,
    gatewayUrl: gateway.info.url,
    gatewayStartMs,
    servicesStartMs,
    legacyCalls: () => getJson<Counts>(`${services.info.controlUrl}/legacy-calls`),
    reads: () => getJson<Counts>(`${services.info.controlUrl}/reads`).catch(() => null),
    async stop() {
      await gateway.stop();
      await services.stop();
    },
  };
}

/**
 * Builds the mix (bench/region/mix.ts) for the running stack, with each
 * request's persons when the module tells them, and checks one request of
 * each kind (bench/region/check.ts).
 */
export async function buildAndVerifyMix(
  stack: RegionStack,
  fixturesDir: string,
  persons?: number,
): Promise<{ mix: RegionMix; subjects: MixSubjects }> {
  const mixModule = (await import(new URL(`file://${MIX_FILE}`).href)) as MixModule;
  const mixOptions = {
    fixturesDir,
    devIdpDir: stack.services.info.devIdpDir,
    ...(persons !== undefined ? { persons } : {}),
    gatewayPort: Number(new URL(stack.gatewayUrl).port),
  };
  const { mix, subjects } = mixModule.buildDetailedRegionMix
    ? await mixModule.buildDetailedRegionMix(mixOptions)
    : { mix: await mixModule.buildRegionMix(mixOptions), subjects: {} };
  for (const kind of QUERY_KINDS) {
    if (!Array.isArray(mix[kind]) || mix[kind].length === 0)
      throw new Error(`expected the region mix to hold ${kind} requests, received none`);
  }
  const verify =
    mixModule.verifyMix ??
    (existsSync(CHECK_FILE) ? ((await import(new URL(`file://${CHECK_FILE}`).href)) as CheckModule).verifyMix : undefined);
  if (!verify) throw new Error('expected bench/region/check.ts (or mix.ts) to export verifyMix, received neither');
  await verify(stack.gatewayUrl, mix);
  return { mix, subjects };
}
