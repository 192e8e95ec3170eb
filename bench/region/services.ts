/**
 * The region's services for the benchmark, as a child process of the
 * harness (bench/run.ts):
 *
 *   node --import tsx bench/region/services.ts --fixtures DIR [--index-persons N]
 *
 * Starts everything of the region except the gateway (start.ts), then prints
 * ONE line to stdout, `{"ready":true,"subgraphUrls":{…},"internalKey":"…",
 * "devIdpDir":"…","controlUrl":"http://127.0.0.1:…","indexPersons":N,
 * "startMs":{…}}`, and runs until SIGTERM or SIGINT (a clean stop, exit 0).
 * Logs go to stderr (warn, or LOG_LEVEL). The index database is PGlite in
 * memory, or DATABASE_URL when set. `startMs` holds each start phase in
 * order: database, emulators, adapters, personIndex (the full listing of
 * every source), subgraphs, statistics (the wait for the first refresh after
 * the subgraphs listen), padding, and total.
 *
 * Control endpoint (127.0.0.1): `GET /legacy-calls` → `{"byInstance":{id:n},
 * "total":n}`, wire requests each emulator served since start (the index's
 * listing and the statistics' reads included: take differences); `GET
 * /reads` → `{"byInstance":{id:calls},"total":n,"personsByInstance":{id:n},
 * "persons":n}`, the subgraphs' readPersons calls and the persons they asked,
 * VTJ as `vtj`.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { Lifecycle } from '../../scripts/lifecycle.ts';
import { startBenchRegion } from './start.ts';

const USAGE = 'usage: node --import tsx bench/region/services.ts --fixtures DIR [--index-persons N]';

function fail(message: string): never {
  process.stderr.write(`bench/region/services: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { fixtures?: string; 'index-persons'?: string };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { fixtures: { type: 'string' }, 'index-persons': { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : 'expected known options, received others');
  }
  if (!values.fixtures) fail('expected --fixtures DIR, received none');
  const raw = values['index-persons'];
  if (raw !== undefined && (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))))
    fail(`expected --index-persons as a whole number, received ${JSON.stringify(raw)}`);

  const logger = pino(
    { level: process.env.LOG_LEVEL ?? 'warn', timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } },
    pino.destination(2),
  );
  const lifecycle = new Lifecycle({ logger, deadlineMs: 10_000 });
  lifecycle.handleSignals();
  try {
    const region = await startBenchRegion({
      fixturesDir: resolve(values.fixtures),
      ...(raw !== undefined ? { indexPersons: Number(raw) } : {}),
      env: process.env,
      logger,
      lifecycle,
    });
    process.stdout.write(`${JSON.stringify(region.ready)}\n`);
  } catch (err) {
    logger.error({ errorName: err instanceof Error ? err.name : typeof err }, 'region services did not start');
    // At start the message holds no personal data (a missing directory, a port in use).
    process.stderr.write(`bench/region/services: did not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await lifecycle.stop('start failed', 1);
  }
}

void main();
