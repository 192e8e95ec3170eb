/**
 * One planner planning one operation, in a process of its own (started by
 * measure.ts with `fork`, so the parent can kill a runaway plan: neither
 * planner can be interrupted inside a plan, and Hive's is native code a
 * worker thread's terminate would not stop). Builds the planner from the
 * supergraph, plans the operation once (cold: the first plan of a fresh
 * planner in a fresh process), then re-plans it on the same planner (warm),
 * and reports each step over IPC as it happens, so a parent that kills it
 * over budget keeps whatever came before.
 *
 * `node --import tsx bench/planning/child.ts`; the job (ChildJob) is the first
 * IPC message; events (ChildEvent) go back the same way.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { PlannerChoice } from '../lib/options.ts';
import type { PlanShape, PlanTree } from './planShape.ts';
import { comparablePlanJson, planShape } from './planShape.ts';

export interface ChildJob {
  readonly planner: PlannerChoice;
  readonly supergraphPath: string;
  /** The normalised operation text (graphql's print). */
  readonly query: string;
  readonly operationName: string | null;
  /** Most warm re-plans. */
  readonly replans: number;
  /** No re-plan starts once the warm phase has run this long. */
  readonly warmBudgetMs: number;
}

/** What the plan looks like, measured once on the cold plan. */
export interface PlanFigures extends PlanShape {
  /** Bytes of comparablePlanJson (both planners). */
  readonly planBytes: number;
  /** Apollo only: bytes of @apollo/query-planner's pretty print (prettyFormatQueryPlan). */
  readonly prettyBytes: number | null;
}

export type ChildEvent =
  | { readonly type: 'built'; readonly ms: number; readonly version: string }
  | { readonly type: 'cold'; readonly ms: number; readonly figures: PlanFigures }
  | { readonly type: 'warm'; readonly ms: number }
  | { readonly type: 'done' }
  /** load: the planner package is missing; build: it rejected the supergraph; plan: it cannot plan the operation. */
  | { readonly type: 'failed'; readonly phase: 'load' | 'build' | 'plan'; readonly error: string };

export interface Planner {
  /** Plans the operation text (parsing included). */
  plan(query: string, operationName: string | null): PlanTree;
  /** Figures beyond the shape, from a plan of this planner. */
  figures(plan: PlanTree): PlanFigures;
}

export interface LoadedPlanner {
  readonly version: string;
  build(supergraphSdl: string): Planner;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = fileURLToPath(new URL('../', import.meta.url));

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * @apollo/query-planner as our gateway's planning worker uses it
 * (gateway/planning/planWorker.ts), from the main install: bench/ has a
 * node_modules of its own with another copy (bench/lib/mainModules.ts says why
 * that matters), so these are required from the repository root.
 */
function loadApollo(): LoadedPlanner {
  const requireFromRoot = createRequire(`${ROOT}package.json`);
  const qp = requireFromRoot('@apollo/query-planner') as typeof import('@apollo/query-planner');
  const fi = requireFromRoot('@apollo/federation-internals') as typeof import('@apollo/federation-internals');
  const { parse } = requireFromRoot('graphql') as typeof import('graphql');
  const pkgPath = requireFromRoot.resolve('@apollo/query-planner').replace(/dist\/index\.js$/, 'package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  return {
    version,
    build(sdl) {
      const supergraph = fi.Supergraph.build(sdl);
      const apiSchema = supergraph.apiSchema();
      const planner = new qp.QueryPlanner(supergraph);
      return {
        plan: (query, operationName) =>
          planner.buildQueryPlan(
            fi.operationFromDocument(apiSchema, parse(query, { noLocation: true }), operationName ? { operationName } : {}),
          ),
        figures(plan) {
          // The plan came from buildQueryPlan above: Apollo's QueryPlan, which PlanTree describes only in part.
          const apolloPlan = plan as import('@apollo/query-planner').QueryPlan;
          return {
            ...planShape(plan),
            planBytes: bytes(comparablePlanJson(plan)),
            prettyBytes: bytes(qp.prettyFormatQueryPlan(apolloPlan)),
          };
        },
      };
    },
  };
}

/** What the planning scenario uses of @graphql-hive/router-query-planner (declared here: bench/'s package is installed by the bench itself, after `tsc --noEmit` may have run without it). */
interface RustPlannerModule {
  QueryPlanner: new (supergraphSdl: string) => {
    plan(query: string, operationName: string | null | undefined, activeLabels: Set<string>, percentageValue: number): PlanTree;
  };
}

/** The Rust package, and the name by which bench/package.json installs it. */
export const RUST_PLANNER_PACKAGE = '@graphql-hive/router-query-planner';

/** Hive Router's Rust query planner (a native addon), from bench/'s own node_modules. */
function loadRust(): LoadedPlanner {
  const requireFromBench = createRequire(`${BENCH}package.json`);
  const mod = requireFromBench(RUST_PLANNER_PACKAGE) as RustPlannerModule;
  const { version } = requireFromBench(`${RUST_PLANNER_PACKAGE}/package.json`) as { version: string };
  return {
    version,
    build(sdl) {
      const planner = new mod.QueryPlanner(sdl);
      // No progressive override labels in the region's supergraph: none active, percentage 0 (as Hive's runtime passes them).
      const noLabels = new Set<string>();
      return {
        plan: (query, operationName) => planner.plan(query, operationName ?? undefined, noLabels, 0),
        figures: (plan) => ({ ...planShape(plan), planBytes: bytes(comparablePlanJson(plan)), prettyBytes: null }),
      };
    },
  };
}

/** An error as one line: name and the start of its message (the operations carry no personal data). */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s+/g, ' ').slice(0, 300);
}

/** A planner package, loaded (throws when it cannot be: the Rust one is installed with bench/ on demand). */
export function loadPlanner(planner: PlannerChoice): LoadedPlanner {
  return planner === 'apollo' ? loadApollo() : loadRust();
}

/** Runs one job, calling `emit` for each event; returns once done or failed. */
export function runJob(job: ChildJob, emit: (event: ChildEvent) => void): void {
  let loaded: LoadedPlanner;
  try {
    loaded = loadPlanner(job.planner);
  } catch (err) {
    emit({ type: 'failed', phase: 'load', error: oneLine(err) });
    return;
  }
  const sdl = readFileSync(job.supergraphPath, 'utf8');
  let planner: Planner;
  const buildStart = performance.now();
  try {
    planner = loaded.build(sdl);
  } catch (err) {
    emit({ type: 'failed', phase: 'build', error: oneLine(err) });
    return;
  }
  emit({ type: 'built', ms: performance.now() - buildStart, version: loaded.version });

  let plan: PlanTree;
  const coldStart = performance.now();
  try {
    plan = planner.plan(job.query, job.operationName);
  } catch (err) {
    emit({ type: 'failed', phase: 'plan', error: oneLine(err) });
    return;
  }
  const coldMs = performance.now() - coldStart;
  emit({ type: 'cold', ms: coldMs, figures: planner.figures(plan) });

  const warmStart = performance.now();
  for (let i = 0; i < job.replans && performance.now() - warmStart < job.warmBudgetMs; i++) {
    const t = performance.now();
    planner.plan(job.query, job.operationName);
    emit({ type: 'warm', ms: performance.now() - t });
  }
  emit({ type: 'done' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.send) {
  // Nothing here builds an ApolloGateway (only its planner), but nothing may report anywhere either.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const send = (event: ChildEvent): Promise<void> =>
    new Promise((resolve) => {
      process.send!(event, undefined, undefined, () => resolve());
    });
  process.once('message', (job: ChildJob) => {
    // Each event is sent as it happens (an IPC write goes out at once on an idle pipe, so a synchronous plan
    // afterwards does not hold it back); the process exits once the last one is out.
    let last = Promise.resolve();
    runJob(job, (event) => {
      last = send(event);
    });
    void last.then(() => process.exit(0));
  });
  // The parent went away: nothing left to report to.
  process.once('disconnect', () => process.exit(0));
}
