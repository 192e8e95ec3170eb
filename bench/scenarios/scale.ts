/**
 * The scale scenario: the client overview alone, on regions whose person
 * index holds 1 000, 100 000 and 1 000 000 persons (--index-sizes). The
 * sources are the bundled fixtures (600 persons) in every case; only the
 * index grows (bench/region pads it with synthetic persons), so the figures
 * show what the index's size costs a query. Interleaved: each round starts
 * each size in turn (services + gateway), warms up, measures, stops it.
 */
import { fileURLToPath } from 'node:url';
import type { Driver } from '../lib/driver.ts';
import type { BenchOptions } from '../lib/options.ts';
import { measureRun } from '../lib/rounds.ts';
import { ratio, rotate, summarize } from '../lib/stats.ts';
import type { RoundMeasurement, Summary } from '../lib/stats.ts';
import { buildAndVerifyMix, startRegionStack } from './regionStack.ts';

/** The bundled fixtures: the sources of every size. */
export const SCALE_FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
/** Throughput at the largest index ÷ at the smallest: at least this (issue 6: within 10 %). */
export const SCALE_TARGET_RATIO = 0.9;

export interface ScaleReport {
  readonly scenario: 'scale';
  readonly wallSeconds: number;
  readonly fixturesDir: string;
  readonly sizes: readonly {
    readonly requested: number;
    /** What the index held (the services' ready line). */
    readonly indexPersons: number;
    /** Services' start per round, ms (the padding's load included). */
    readonly servicesStartMs: readonly number[];
    readonly paddingMs: readonly number[];
    /** The services process's CPU cores in each measured round. */
    readonly servicesCpuCores: readonly number[];
    readonly rounds: readonly RoundMeasurement[];
    readonly summary: Summary;
  }[];
  /** req/s at the largest size ÷ at the smallest (median of rounds each), and round by round. */
  readonly largestToSmallest: number | null;
  readonly largestToSmallestByRound: readonly (number | null)[];
  readonly target: number;
}

/** Runs the scale scenario; `log` gets progress lines. */
export async function runScaleScenario(options: BenchOptions, driver: Driver, log: (line: string) => void): Promise<ScaleReport> {
  const started = Date.now();
  const sizes = [...options.indexSizes];
  const per = new Map(
    sizes.map((s) => [
      s,
      {
        indexPersons: 0,
        servicesStartMs: [] as number[],
        paddingMs: [] as number[],
        servicesCpuCores: [] as number[],
        rounds: [] as RoundMeasurement[],
      },
    ]),
  );
  for (let r = 0; r < options.rounds; r++) {
    for (const size of rotate(sizes, r)) {
      const entry = per.get(size)!;
      const stack = await startRegionStack({ fixturesDir: SCALE_FIXTURES, indexPersons: size, log });
      try {
        entry.indexPersons = stack.services.info.indexPersons;
        entry.servicesStartMs.push(stack.servicesStartMs);
        entry.paddingMs.push(stack.services.info.startMs.padding ?? 0);
        const { mix } = await buildAndVerifyMix(stack, SCALE_FIXTURES);
        const loads = (durationS: number) => [
          {
            label: 'clientOverview',
            origin: stack.gatewayOrigin,
            connections: options.connections,
            durationS,
            requests: mix.clientOverview,
          },
        ];
        const m = await measureRun(driver, loads, {
          warmupS: options.warmupS,
          durationS: options.durationS,
          pid: stack.gateway.pid,
          alsoPid: stack.services.pid,
        });
        const load = m.loads[0]!;
        if (m.alsoUsage) entry.servicesCpuCores.push(m.alsoUsage.cpuSeconds / load.durationS);
        entry.rounds.push({
          round: r,
          load,
          ...(m.usage ? { rssMaxBytes: m.usage.rssMaxBytes, rssEndBytes: m.usage.rssEndBytes, cpuSeconds: m.usage.cpuSeconds } : {}),
        });
        log(
          `scale: round ${r + 1}/${options.rounds} index ${entry.indexPersons}: ${Math.round(load.rps)} req/s, p99 ${load.latencyMs.p99.toFixed(1)} ms, ${load.errors} errors`,
        );
      } finally {
        await stack.stop();
      }
    }
  }
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  const reports = sizes.map((size) => {
    const e = per.get(size)!;
    return {
      requested: size,
      indexPersons: e.indexPersons,
      servicesStartMs: e.servicesStartMs,
      paddingMs: e.paddingMs,
      servicesCpuCores: e.servicesCpuCores,
      rounds: e.rounds,
      summary: summarize(e.rounds),
    };
  });
  const small = per.get(smallest)!.rounds;
  const large = per.get(largest)!.rounds;
  return {
    scenario: 'scale',
    wallSeconds: (Date.now() - started) / 1000,
    fixturesDir: SCALE_FIXTURES,
    sizes: reports,
    largestToSmallest: ratio(summarize(large).rps, summarize(small).rps),
    largestToSmallestByRound: large.map((l) => ratio(l.load.rps, small.find((s) => s.round === l.round)?.load.rps)),
    target: SCALE_TARGET_RATIO,
  };
}
