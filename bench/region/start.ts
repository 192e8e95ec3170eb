/**
 * The region side of the benchmark, in one process: every service of the
 * region except the gateway (scripts/region.ts's startRegionServices),
 * the statistics' first refresh awaited, the person index padded to the
 * requested size, and a small control endpoint for the harness's counters.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { INSTANCES } from '../../domain/region.ts';
import { DevIdp } from '../../gateway/auth/devIdp.ts';
import { startEmulatorHosts } from '../../migration/source/open.ts';
import type { EmulatorHost } from '../../migration/source/open.ts';
import { INTERNAL_KEY_ENV, InternalKey } from '../../contract/internalToken.ts';
import type { Lifecycle } from '../../scripts/lifecycle.ts';
import { startRegionServices } from '../../scripts/region.ts';
import type { RunningRegionServices } from '../../scripts/region.ts';
import { ReadCounter, legacyCalls } from './counting.ts';
import { listenFree } from '../lib/serve.ts';
import { padPersonIndex } from './padding.ts';

/**
 * Settings the benchmark changes from the region's defaults unless the
 * environment sets them: the person index polls hourly (not every 30 s) and
 * the statistics refresh daily (not every 10 min), so the sources see only
 * the traffic of the queries measured, and a refresh never walks the padding.
 */
export const BENCH_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  PERSON_INDEX_POLL_MS: '3600000',
  PERSON_INDEX_FULL_REFRESH_MS: '0',
  STATISTICS_REFRESH_MS: '86400000',
};

/** Further listings of a source that failed its first one before the start is given up. */
const MAX_INDEX_RETRIES = 3;

export interface BenchRegionOptions {
  readonly fixturesDir: string;
  /** Persons the index should hold (fixtures' persons plus padding); default: the fixtures' own only. */
  readonly indexPersons?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: FastifyBaseLogger;
  readonly lifecycle: Lifecycle;
}

/** What the ready line tells the harness. */
export interface ReadyLine {
  readonly ready: true;
  readonly subgraphUrls: Readonly<Record<string, string>>;
  readonly internalKey: string;
  readonly devIdpDir: string;
  readonly controlUrl: string;
  readonly indexPersons: number;
  readonly startMs: Readonly<Record<string, number>>;
}

export interface BenchRegion {
  readonly ready: ReadyLine;
  readonly services: RunningRegionServices;
  readonly reads: ReadCounter;
}

/**
 * Starts the region's services for the benchmark and resolves once the
 * person index is built, the statistics computed and the padding loaded.
 * Everything is registered with the lifecycle (the caller stops it).
 */
export async function startBenchRegion(options: BenchRegionOptions): Promise<BenchRegion> {
  const { lifecycle } = options;
  const env = { ...BENCH_ENV_DEFAULTS, ...options.env };
  const started = Date.now();
  const keyText = env[INTERNAL_KEY_ENV]?.trim();
  const internalKey = keyText ? InternalKey.fromSecret(keyText) : InternalKey.generate();

  // The gateway (another process) and the mix's tokens share the development identity provider's key through this directory.
  let devIdpDir = env.DEV_IDP_DIR?.trim() ? resolve(env.DEV_IDP_DIR.trim()) : undefined;
  if (!devIdpDir) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-region-idp-'));
    lifecycle.add('dev-idp directory', dir, (d) => rm(d, { recursive: true, force: true }));
    devIdpDir = dir;
  }
  await DevIdp.open({ dir: devIdpDir, port: 0 });

  // The emulated legacy systems run in child processes, as the real ones run on other machines:
  // in the services' own thread they took about half of its CPU, and the subgraphs' latency with it.
  let mark = Date.now();
  const hosts = lifecycle.add(
    'emulator processes',
    await startEmulatorHosts(
      options.fixturesDir,
      INSTANCES.map((i) => i.id),
    ),
    (h) => h.stop(),
  );
  const emulatorsMs = Date.now() - mark;
  const reads = new ReadCounter();
  const services = await startRegionServices({
    sourceAddresses: hosts.addresses,
    fixturesDir: options.fixturesDir,
    env,
    logger: options.logger,
    lifecycle,
    internalKey,
    subgraphSources: reads.wrap,
  });
  const startMs: Record<string, number> = { ...services.startMs, emulators: emulatorsMs };
  mark = Date.now();
  await services.statisticsDone;
  startMs.statistics = Date.now() - mark;
  // A source that missed its first listing (a timeout on a loaded machine) would leave its persons out of
  // the index and the counts: list it again, a few times, then count again; or refuse to start.
  if (!services.work.ready()) {
    mark = Date.now();
    for (let round = 0; round < MAX_INDEX_RETRIES && !services.work.ready(); round++) await services.work.poll();
    const missing = (await services.work.locator.status()).filter((s) => !s.built).map((s) => s.instance);
    if (missing.length > 0)
      throw new Error(
        `expected the person index built from every source, received none from ${missing.join(', ')} after ${MAX_INDEX_RETRIES} more tries`,
      );
    await services.work.refreshStatistics();
    startMs.retries = Date.now() - mark;
  }

  mark = Date.now();
  const padding = await padPersonIndex(services.database, options.indexPersons ?? 0);
  startMs.padding = Date.now() - mark;
  if (options.indexPersons !== undefined && padding.persons > options.indexPersons) {
    options.logger.warn(
      { requested: options.indexPersons, persons: padding.persons },
      'the fixtures alone hold more persons than requested; the index holds them all',
    );
  }

  const control = await listenControl(hosts, reads);
  lifecycle.add(
    'control endpoint',
    control.server,
    (s) =>
      new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      }),
  );
  startMs.total = Date.now() - started;
  return {
    services,
    reads,
    ready: {
      ready: true,
      subgraphUrls: services.subgraphs.urls,
      internalKey: internalKey.exportSecret(),
      devIdpDir,
      controlUrl: control.url,
      indexPersons: padding.persons,
      startMs,
    },
  };
}

/** `GET /legacy-calls` and `GET /reads` on 127.0.0.1 (a free port). */
async function listenControl(hosts: EmulatorHost, reads: ReadCounter): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const body =
      req.method !== 'GET'
        ? undefined
        : path === '/legacy-calls'
          ? legacyCalls(await hosts.requests())
          : path === '/reads'
            ? reads.counts()
            : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"expected GET /legacy-calls or GET /reads"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  });
  return { server, url: `http://127.0.0.1:${await listenFree(server)}` };
}
