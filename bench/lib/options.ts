/** `npm run bench`'s command line (pure: parsed from argv, nothing started). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const SCENARIOS = ['engine', 'region', 'scale', 'planning', 'lag'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The engine scenario's targets: ours, the two comparison gateways, and the two baselines. */
export const ENGINE_TARGETS = ['ours', 'stock', 'hive', 'direct', 'plain'] as const;
export type EngineTarget = (typeof ENGINE_TARGETS)[number];

/** The planning scenario's planners: @apollo/query-planner (our gateway's) and Hive Router's Rust planner. */
export const PLANNERS = ['apollo', 'rust'] as const;
export type PlannerChoice = (typeof PLANNERS)[number];

export interface BenchOptions {
  readonly scenarios: readonly Scenario[];
  /** Seconds of each measured run. */
  readonly durationS: number;
  readonly rounds: number;
  /** Seconds of load before each measured run, not measured. */
  readonly warmupS: number;
  readonly connections: number;
  /** Where the JSON goes. */
  readonly out: string;
  /** The region scenario's generated persons. */
  readonly persons: number;
  /** The region's fixtures directory (generated there when it has no manifest.json). */
  readonly fixtures: string;
  /** The scale scenario's person index sizes. */
  readonly indexSizes: readonly number[];
  /** Seconds of the region soak (RSS every 5 s); 0: no soak. */
  readonly soakS: number;
  readonly quick: boolean;
  /** The engine scenario's targets, in order. */
  readonly targets: readonly EngineTarget[];
  /** Planning: the longest chain of each family planned (1..chainDepth; fee ceilings at most 6). */
  readonly chainDepth: number;
  /** Planning: seconds one plan may take before it is recorded as over budget (and its process killed). */
  readonly planBudgetS: number;
  /** Planning: most warm re-plans per operation and planner. */
  readonly replans: number;
  /** Planning: the planners, in order. */
  readonly planners: readonly PlannerChoice[];
  /** Planning: only the operations whose name contains one of these (case-insensitive); null: all (with --quick, a few). */
  readonly operations: readonly string[] | null;
  /** Planning: the supergraph planned (default the committed schema/supergraph.graphql). */
  readonly supergraph: string | null;
}

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const USAGE = `npm run bench -- [options]
  --scenario engine|region|scale|planning|lag|all   default all (lag: change at a source → published statistics)
  --targets LIST       engine targets, comma-separated: ${ENGINE_TARGETS.join(',')} (default all)
  --duration S         seconds per measured run (default 10)
  --rounds N           interleaved rounds (default 3; lag: changes measured)
  --warmup S           seconds of warm-up before each run (default 3)
  --connections N      concurrent connections (default 32; a mix shares them)
  --persons N          region: generated persons (default 100000)
  --fixtures DIR       region: the generated region (default /tmp/region-graph-bench-<persons>; generated if missing)
  --index-sizes LIST   scale: person index sizes (default 1000,100000,1000000)
  --soak S             region: run the mix S seconds more, sampling gateway RSS every 5 s
  --chain N            planning: chains (relatives, relatives-lists, ceilings ≤ 6) of depth 1..N (default 6; --quick 2)
  --plan-budget S      planning: seconds a plan may take, then "over budget" (default 5)
  --replans N          planning: warm re-plans per operation (default 5; --quick 2)
  --planners LIST      planning: ${PLANNERS.join(',')} (default both; rust: Hive Router's planner, installed with bench/)
  --operations LIST    planning: only operations whose name contains one of these (comma-separated)
  --supergraph FILE    planning: the supergraph to plan (default schema/supergraph.graphql)
  --out FILE           JSON results (default bench/results/bench-<timestamp>.json)
  --quick              1 round of 2 s, no warm-up (smoke test); planning: a few operations`;

function whole(raw: string | undefined, flag: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min)
    throw new BenchUsageError(`expected --${flag} as a whole number ≥ ${min}, received ${JSON.stringify(raw)}`);
  return n;
}

function list<T extends string>(raw: string, flag: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw new BenchUsageError(`expected --${flag} from ${allowed.join(', ')}, received ${JSON.stringify(item)}`);
  }
  if (items.length === 0) throw new BenchUsageError(`expected --${flag} to name at least one, received none`);
  return [...new Set(items)] as T[];
}

function names(raw: string, flag: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new BenchUsageError(`expected --${flag} to name at least one, received none`);
  return items;
}

/** A filesystem-safe timestamp, e.g. `2026-11-23T10-04-05Z`. */
export function timestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Parses `npm run bench`'s arguments; throws BenchUsageError for an unusable one. */
export function parseBenchArgs(argv: readonly string[], now = new Date(), cwd = process.cwd()): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        targets: { type: 'string' },
        duration: { type: 'string' },
        rounds: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        persons: { type: 'string' },
        fixtures: { type: 'string' },
        'index-sizes': { type: 'string' },
        soak: { type: 'string' },
        chain: { type: 'string' },
        'plan-budget': { type: 'string' },
        replans: { type: 'string' },
        planners: { type: 'string' },
        operations: { type: 'string' },
        supergraph: { type: 'string' },
        out: { type: 'string' },
        quick: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new BenchUsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) throw new BenchUsageError(USAGE);
  const quick = values.quick === true;
  const scenario = values.scenario ?? 'all';
  const scenarios = scenario === 'all' ? [...SCENARIOS] : list(scenario, 'scenario', SCENARIOS);
  const persons = whole(values.persons, 'persons', 100_000, 1);
  const indexSizes = values['index-sizes']
    ? values['index-sizes'].split(',').map((s) => whole(s.trim(), 'index-sizes', 0, 1))
    : [1_000, 100_000, 1_000_000];
  return {
    scenarios,
    durationS: whole(values.duration, 'duration', quick ? 2 : 10, 1),
    rounds: whole(values.rounds, 'rounds', quick ? 1 : 3, 1),
    warmupS: whole(values.warmup, 'warmup', quick ? 0 : 3, 0),
    connections: whole(values.connections, 'connections', 32, 1),
    out: resolve(cwd, values.out ?? `bench/results/bench-${timestamp(now)}.json`),
    persons,
    fixtures: resolve(cwd, values.fixtures ?? `/tmp/region-graph-bench-${persons}`),
    indexSizes,
    soakS: whole(values.soak, 'soak', 0, 0),
    quick,
    targets: values.targets ? list(values.targets, 'targets', ENGINE_TARGETS) : [...ENGINE_TARGETS],
    chainDepth: whole(values.chain, 'chain', quick ? 2 : 6, 0),
    planBudgetS: whole(values['plan-budget'], 'plan-budget', 5, 1),
    replans: whole(values.replans, 'replans', quick ? 2 : 5, 0),
    planners: values.planners ? list(values.planners, 'planners', PLANNERS) : [...PLANNERS],
    operations: values.operations ? names(values.operations, 'operations') : null,
    supergraph: values.supergraph ? resolve(cwd, values.supergraph) : null,
  };
}
