/**
 * The planning scenario: how costly the committed supergraph is to plan.
 * Every operation of bench/planning/operations.ts (README, saved examples,
 * end-to-end tests' queries, issue 13's operations, three chains of depth 1..N)
 * is validated against the supergraph's API schema (an operation it refuses is
 * "invalid" for every planner, and planned by none), then planned by
 * @apollo/query-planner (the planner our gateway uses) and by Hive Router's
 * Rust planner, each operation and planner in a fresh child process: planner
 * build time, cold plan, warm re-plans (median), fetch nodes, sequential fetch
 * levels, plan size. A plan over the budget is "over budget" (its process
 * killed), an operation the planner refuses "cannot plan". Nothing is started
 * but the planners' processes, one at a time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SUPERGRAPH_PATH } from '../../gateway/config.ts';
import type { BenchOptions, PlannerChoice } from '../lib/options.ts';
import { graphql } from '../lib/mainModules.ts';
import { median } from '../lib/stats.ts';
import { RUST_PLANNER_PACKAGE } from '../planning/child.ts';
import { measurePlan } from '../planning/measure.ts';
import type { PlanMeasurement } from '../planning/measure.ts';
import type { ChainFamily } from '../planning/operations.ts';
import { planningOperations, QUICK_OPERATIONS, selectOperations } from '../planning/operations.ts';
import { apiSchemaOf, validationErrors } from '../planning/validate.ts';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** What "cold" means in this scenario's figures. */
export const COLD_DEFINITION =
  'the first plan of a planner built for that operation alone, in a fresh process (planner code not yet warmed up by the JIT); ' +
  'building the planner is measured apart (buildMs)';

export interface PlannerInfo {
  readonly package: string;
  /** The version that planned (null if it never loaded). */
  readonly version: string | null;
  /** False when the package could not be loaded (then every result is "unavailable" and `reason` says why). */
  readonly available: boolean;
  readonly reason?: string;
  /** Median time to build the planner from the supergraph, over the operations. */
  readonly buildMsMedian: number | null;
}

export interface PlanningOperationReport {
  readonly name: string;
  readonly source: string;
  readonly operationName: string | null;
  /** The planned text: graphql's print of the operation (no comments), as our gateway plans it. */
  readonly query: string;
  readonly chain?: ChainFamily;
  readonly chainDepth?: number;
  /** The API schema's validation messages when it refuses the operation (every planner's result is then "invalid"). */
  readonly invalid?: readonly string[];
  /** Per planner that ran. */
  readonly results: Partial<Record<PlannerChoice, PlanMeasurement>>;
}

export interface PlanningReport {
  readonly supergraph: { readonly path: string; readonly bytes: number; readonly sha256: string };
  readonly cold: string;
  readonly budgetMs: number;
  readonly replans: number;
  readonly chainDepth: number;
  readonly planners: Partial<Record<PlannerChoice, PlannerInfo>>;
  readonly operations: readonly PlanningOperationReport[];
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly wallSeconds: number;
}

const PACKAGES: Readonly<Record<PlannerChoice, string>> = {
  apollo: '@apollo/query-planner',
  rust: RUST_PLANNER_PACKAGE,
};

/** Runs the planning scenario on the committed supergraph (or --supergraph); `log` gets a line per plan. */
export async function runPlanningScenario(options: BenchOptions, log: (line: string) => void): Promise<PlanningReport> {
  const started = Date.now();
  const supergraphPath = options.supergraph ?? DEFAULT_SUPERGRAPH_PATH;
  const loadStart = loadavg()[0]!;
  const sdl = readFileSync(supergraphPath);
  const all = planningOperations(readFileSync(README, 'utf8'), options.chainDepth);
  const filters = options.operations ?? (options.quick ? QUICK_OPERATIONS : null);
  const operations = filters ? selectOperations(all, filters) : all;
  const budgetMs = options.planBudgetS * 1000;
  let apiSchema: ReturnType<typeof apiSchemaOf> | null = null;
  try {
    apiSchema = apiSchemaOf(sdl.toString('utf8'));
  } catch (err) {
    log(`planning: no API schema to validate against (the planners will say what they make of it): ${String(err).slice(0, 200)}`);
  }
  log(
    `planning: ${operations.length} operations × ${options.planners.join(', ')}; budget ${options.planBudgetS} s per plan, up to ${options.replans} warm re-plans`,
  );

  const unavailable = new Map<PlannerChoice, string>();
  const reports: PlanningOperationReport[] = [];
  for (const op of operations) {
    const query = graphql.print(graphql.parse(op.query));
    const invalid = apiSchema ? validationErrors(apiSchema, query) : [];
    const results: Partial<Record<PlannerChoice, PlanMeasurement>> = {};
    for (const planner of options.planners) {
      const reason = unavailable.get(planner);
      const m: PlanMeasurement =
        invalid.length > 0
          ? { ...emptyMeasurement('invalid'), error: `refused by the schema: ${invalid.join(' ')}` }
          : reason
            ? { ...emptyMeasurement('unavailable'), error: reason }
            : await measurePlan({ planner, supergraphPath, query, operationName: op.operationName, replans: options.replans, budgetMs });
      if (m.status === 'unavailable' && !reason) unavailable.set(planner, m.error ?? 'not loadable');
      results[planner] = m;
      log(`planning: ${op.name} ${planner}: ${describeMeasurement(m)}`);
    }
    reports.push({
      name: op.name,
      source: op.source,
      operationName: op.operationName,
      query,
      ...(op.chain !== undefined ? { chain: op.chain } : {}),
      ...(op.chainDepth !== undefined ? { chainDepth: op.chainDepth } : {}),
      ...(invalid.length > 0 ? { invalid } : {}),
      results,
    });
  }

  const planners: Partial<Record<PlannerChoice, PlannerInfo>> = {};
  for (const planner of options.planners) {
    const measured = reports.map((r) => r.results[planner]).filter((m): m is PlanMeasurement => m !== undefined);
    const builds = measured.map((m) => m.buildMs).filter((ms): ms is number => ms !== null);
    const reason = unavailable.get(planner);
    planners[planner] = {
      package: PACKAGES[planner],
      version: measured.find((m) => m.version !== null)?.version ?? null,
      available: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      buildMsMedian: builds.length > 0 ? median(builds) : null,
    };
  }
  return {
    supergraph: { path: supergraphPath, bytes: sdl.length, sha256: createHash('sha256').update(sdl).digest('hex') },
    cold: COLD_DEFINITION,
    budgetMs,
    replans: options.replans,
    chainDepth: options.chainDepth,
    planners,
    operations: reports,
    loadAverage: { start: loadStart, end: loadavg()[0]! },
    wallSeconds: (Date.now() - started) / 1000,
  };
}

function emptyMeasurement(status: PlanMeasurement['status']): PlanMeasurement {
  return {
    status,
    version: null,
    buildMs: null,
    coldMs: null,
    warmMs: null,
    warmSamplesMs: [],
    fetches: null,
    depth: null,
    planBytes: null,
    prettyBytes: null,
  };
}

/** One measurement as a progress line. */
function describeMeasurement(m: PlanMeasurement): string {
  if (m.status !== 'planned') return `${m.status}${m.error ? ` (${m.error.slice(0, 160)})` : ''}`;
  return `cold ${m.coldMs?.toFixed(1)} ms, warm ${m.warmMs?.toFixed(1) ?? '–'} ms (${m.warmSamplesMs.length}), ${m.fetches} fetches, depth ${m.depth}, ${m.planBytes} B`;
}
