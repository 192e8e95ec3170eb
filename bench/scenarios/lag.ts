/**
 * The lag scenario (issue 14, item 5): how long after a change at a source
 * the analysts' published statistics reflect it, with the region's default
 * settings (index poll every 30 s). The region's services run in this
 * process on the generated fixtures, emulators included (the change is made
 * through the Mediatri emulator's data hook: an appointment added in Sipoo
 * and the patient marked changed). Each round adds one appointment and polls
 * the published statistics in the database (what every replica serves;
 * followers reload it within LEADER_RETRY_MS more) until Sipoo's appointment
 * totals have grown by one. Also reported: the first full walk (what a new
 * leader rebuilds after a failover) and the persons held in memory.
 */
import pino from 'pino';
import { Lifecycle } from '../../scripts/lifecycle.ts';
import { startRegionServices } from '../../scripts/region.ts';
import { PublishedStatisticsStore } from '../../subgraphs/region/statistics/store.ts';
import type { BenchOptions } from '../lib/options.ts';
import { ensureFixtures } from './regionStack.ts';

export interface LagReport {
  readonly persons: number;
  readonly fixturesDir: string;
  readonly fixturesGeneratedSeconds: number;
  /** The person index's first build (every source listed in full). */
  readonly indexBuildMs: number;
  /** The statistics' first full walk over every indexed person (a new leader's rebuild). */
  readonly firstWalkMs: number;
  readonly personsInMemory: number;
  /** Process RSS after the walk (emulators and their fixtures included, so an upper bound). */
  readonly rssMB: number;
  readonly pollIntervalMs: number;
  /** Per round: ms from the change at the source to the published statistics showing it. */
  readonly lagsMs: readonly number[];
  readonly maxLagMs: number;
  readonly medianLagMs: number;
}

/** How long a round may wait for the change to be published before the scenario fails. */
const ROUND_TIMEOUT_MS = 5 * 60_000;
const SIPOO = '753';
/** The index's default poll interval, which these measurements use. */
const POLL_MS = 30_000;

/** Runs the scenario: `npm run bench -- --scenario lag [--persons N] [--fixtures DIR] [--rounds N]`. */
export async function runLagScenario(options: BenchOptions, log: (line: string) => void): Promise<LagReport> {
  const fixturesGeneratedSeconds = await ensureFixtures(options.fixtures, options.persons, log);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: { pid: process.pid } }, pino.destination(2));
  const lifecycle = new Lifecycle({ logger, deadlineMs: 20_000, exit: () => {} });
  // The region's own defaults (the other region scenarios slow the index and statistics down on purpose).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PERSON_INDEX_') && !k.startsWith('STATISTICS_') && !k.startsWith('LEADER_')),
  );
  log(`lag: starting the region in this process on ${options.fixtures} (index, then the first statistics walk)…`);
  try {
    const started = Date.now();
    const services = await startRegionServices({ fixturesDir: options.fixtures, env, logger, lifecycle });
    const indexBuildMs = services.startMs.personIndex ?? 0;
    const walkStarted = Date.now();
    await services.statisticsDone;
    const firstWalkMs = Date.now() - walkStarted;
    const status = await services.work.status();
    log(
      `lag: up in ${((Date.now() - started) / 1000).toFixed(0)} s (index ${(indexBuildMs / 1000).toFixed(0)} s, first walk ${(firstWalkMs / 1000).toFixed(0)} s, ${status.statistics.personsInMemory} persons counted)`,
    );
    const mediatri = services.emulators.get('mediatri-sipoo');
    if (!mediatri?.hooks) throw new Error('expected the Mediatri emulator of mediatri-sipoo with its data hook, received none');
    const published = await PublishedStatisticsStore.open(services.database);
    const sipooAppointments = async (): Promise<number> => {
      const row = await published.load();
      if (!row) return Number.NaN;
      return row.statistics.cells.appointments
        .filter((c) => c.municipality === SIPOO && c.careArea === null)
        .reduce((n, c) => n + (c.value ?? 0), 0);
    };
    // A source that missed its first listing (a timeout on a loaded machine) is listed and counted a round or more later:
    // measure only once every source is counted, or a catch-up would be taken for the change.
    const settled = Date.now();
    for (;;) {
      const row = await published.load();
      const down = row?.statistics.unavailable.some((u) => u.code === 'NOT_INDEXED' || u.code === 'SOURCE_UNAVAILABLE');
      if (row && row.statistics.currentAsOf !== null && !down) break;
      if (Date.now() - settled > ROUND_TIMEOUT_MS) throw new Error('expected every source counted, received some missing still');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const lagsMs: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Rounds start at different points of the poll cycle (a round ends just after a poll): 0, 7, 14… s later.
      await new Promise((r) => setTimeout(r, (round * 7_000) % POLL_MS));
      const before = await sipooAppointments();
      const changedAt = Date.now();
      if (!mediatri.hooks.addAppointment(changedAt)) throw new Error('expected a Sipoo patient with an appointment, received none');
      for (;;) {
        if ((await sipooAppointments()) === before + 1) break;
        if (Date.now() - changedAt > ROUND_TIMEOUT_MS)
          throw new Error(`expected the change published within ${ROUND_TIMEOUT_MS / 1000} s, received no change`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const lag = Date.now() - changedAt;
      lagsMs.push(lag);
      log(`lag: round ${round + 1}/${options.rounds}: published ${(lag / 1000).toFixed(1)} s after the change`);
    }
    const sorted = [...lagsMs].sort((a, b) => a - b);
    return {
      persons: options.persons,
      fixturesDir: options.fixtures,
      fixturesGeneratedSeconds,
      indexBuildMs,
      firstWalkMs,
      personsInMemory: status.statistics.personsInMemory,
      rssMB: Math.round(process.memoryUsage().rss / 1e6),
      pollIntervalMs: POLL_MS,
      lagsMs,
      maxLagMs: sorted.at(-1) ?? 0,
      medianLagMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    };
  } finally {
    await lifecycle.stop('lag scenario done');
  }
}

/** The report's lines for the terminal. */
export function formatLagReport(r: LagReport): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return [
    `Statistics lag at ${r.persons} persons (index poll every ${s(r.pollIntervalMs)}, the region's defaults):`,
    `  change at a source → published statistics: ${r.lagsMs.map(s).join(', ')} (median ${s(r.medianLagMs)}, max ${s(r.maxLagMs)})`,
    `  index build ${s(r.indexBuildMs)}; first full walk (a new leader's rebuild) ${s(r.firstWalkMs)} for ${r.personsInMemory} persons counted; RSS ${r.rssMB} MB (emulators included)`,
  ].join('\n');
}
