/**
 * `npm run bench -- [--scenario engine|region|scale|planning|lag|all] [options]`:
 * starts what it measures (each target and the load driver in processes of
 * their own), runs interleaved rounds with warm-up, prints the tables and
 * writes the JSON (bench/results/bench-<timestamp>.json by default). The
 * planning scenario needs no load: it plans operations in planner processes
 * of its own. Options: bench/lib/options.ts (`--help`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEngineScenario } from './engine/scenario.ts';
import type { EngineReport } from './engine/scenario.ts';
import { ensureComparisonInstalled, ensureLoadInstalled } from './install.ts';
import { startDriver } from './lib/driver.ts';
import type { Driver } from './lib/driver.ts';
import { stopAllServices } from './lib/proc.ts';
import { BenchUsageError, parseBenchArgs } from './lib/options.ts';
import type { BenchOptions } from './lib/options.ts';
import { formatEngineReport, formatPlanningReport, formatRegionReport, formatScaleReport } from './lib/report.ts';
import { runPlanningScenario } from './scenarios/planning.ts';
import type { PlanningReport } from './scenarios/planning.ts';
import { runRegionScenario } from './scenarios/region.ts';
import type { RegionReport } from './scenarios/region.ts';
import { runScaleScenario } from './scenarios/scale.ts';
import { formatLagReport, runLagScenario } from './scenarios/lag.ts';
import type { LagReport } from './scenarios/lag.ts';
import type { ScaleReport } from './scenarios/scale.ts';

export interface BenchResults {
  readonly command: string;
  readonly startedAt: string;
  readonly options: BenchOptions;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGB: number;
    readonly node: string;
    /** 1-minute load average when the bench started (above `cpus`: the machine was busy with other work). */
    readonly loadAverageAtStart: number;
  };
  readonly scenarios: { engine?: EngineReport; region?: RegionReport; scale?: ScaleReport; planning?: PlanningReport; lag?: LagReport };
  readonly wallSeconds: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const started = Date.now();
  // Interrupted: stop the gateways, services and driver cleanly (they clean up their temporary files), then exit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`npm run bench: ${signal}, stopping the processes it started…\n`);
      void stopAllServices().finally(() => process.exit(130));
    });
  }
  // Only the load scenarios need the load driver (autocannon).
  const needsLoad = options.scenarios.some((s) => s !== 'planning' && s !== 'lag');
  if (needsLoad) await ensureLoadInstalled();
  if (
    (options.scenarios.includes('engine') && options.targets.some((t) => t === 'stock' || t === 'hive')) ||
    (options.scenarios.includes('planning') && options.planners.includes('rust'))
  )
    await ensureComparisonInstalled();

  const results: BenchResults = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date(started).toISOString(),
    options,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGB: Math.round(totalmem() / 1e9),
      node: process.version,
      loadAverageAtStart: loadavg()[0]!,
    },
    scenarios: {},
    wallSeconds: 0,
  };
  const write = () => {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify({ ...results, wallSeconds: (Date.now() - started) / 1000 }, null, 2)}\n`);
  };
  const driver: Driver | undefined = needsLoad ? await startDriver() : undefined;
  try {
    for (const scenario of options.scenarios) {
      if (scenario === 'planning') {
        const report = await runPlanningScenario(options, log);
        results.scenarios.planning = report;
        process.stdout.write(`\n${formatPlanningReport(report)}\n\n`);
      } else if (scenario === 'lag') {
        const report = await runLagScenario(options, log);
        results.scenarios.lag = report;
        process.stdout.write(`\n${formatLagReport(report)}\n\n`);
      } else if (!driver) {
        throw new Error(`expected the load driver for the ${scenario} scenario, received none`);
      } else if (scenario === 'engine') {
        const report = await runEngineScenario(options, driver, log);
        results.scenarios.engine = report;
        process.stdout.write(`\n${formatEngineReport(report)}\n\n`);
      } else if (scenario === 'region') {
        const report = await runRegionScenario(options, driver, log);
        results.scenarios.region = report;
        process.stdout.write(`\n${formatRegionReport(report)}\n\n`);
      } else {
        const report = await runScaleScenario(options, driver, log);
        results.scenarios.scale = report;
        process.stdout.write(`\n${formatScaleReport(report)}\n\n`);
      }
      // Written after each scenario: a later one failing keeps the earlier figures.
      write();
    }
  } finally {
    await driver?.stop();
  }
  write();
  process.stdout.write(`Results: ${options.out} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`npm run bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
