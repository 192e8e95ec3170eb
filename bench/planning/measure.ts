/**
 * Measures one planner on one operation in a child process of its own
 * (child.ts), with a time budget: a cold plan over budget is recorded as
 * "over budget" and the child is killed (SIGKILL), so a runaway plan cannot
 * hang the bench. Warm re-plans stop at the budget too.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.ts';
import type { PlannerChoice } from '../lib/options.ts';
import type { ChildEvent, ChildJob, PlanFigures } from './child.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

/**
 * - planned: cold and warm figures;
 * - over-budget: the cold plan took longer than the budget (child killed);
 * - invalid: the supergraph's API schema refuses the operation: not planned (the validation message in `error`; set by the scenario, never by measurePlan);
 * - cannot-plan: the planner refused the operation (its error in `error`);
 * - unavailable: the planner package could not be loaded;
 * - failed: anything else (the planner rejected the supergraph, the child died; `error`).
 */
export type PlanStatus = 'planned' | 'over-budget' | 'invalid' | 'cannot-plan' | 'unavailable' | 'failed';

export interface PlanMeasurement {
  readonly status: PlanStatus;
  /** The planner package's version, once loaded. */
  readonly version: string | null;
  /** Building the planner from the supergraph (Apollo: Supergraph.build + new QueryPlanner; Hive: new QueryPlanner). */
  readonly buildMs: number | null;
  /** The first plan of the fresh planner, in a fresh process (parsing included). */
  readonly coldMs: number | null;
  /** The median of the warm re-plans on the same planner. */
  readonly warmMs: number | null;
  readonly warmSamplesMs: readonly number[];
  /** Fetch nodes, sequential fetch levels and sizes, of the cold plan (null unless planned). */
  readonly fetches: number | null;
  readonly depth: number | null;
  readonly planBytes: number | null;
  readonly prettyBytes: number | null;
  /** Why not planned (one line). */
  readonly error?: string;
}

export interface MeasureJob {
  readonly planner: PlannerChoice;
  readonly supergraphPath: string;
  /** Normalised operation text. */
  readonly query: string;
  readonly operationName: string | null;
  readonly replans: number;
  readonly budgetMs: number;
  /** Longest wait for the planner to load and build; default 120 s (a loaded machine). */
  readonly buildTimeoutMs?: number;
}

/** The child of the measurement under way: killed if the bench exits (a crash must not leave a planner running). */
let current: ChildProcess | undefined;
let exitHook = false;

/** Plans one operation with one planner in a child process; never rejects (failures are a status). */
export function measurePlan(job: MeasureJob): Promise<PlanMeasurement> {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => current?.kill('SIGKILL'));
  }
  return new Promise((resolve) => {
    const child = fork(CHILD, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    current = child;
    let stderrTail = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000);
    });

    let version: string | null = null;
    let buildMs: number | null = null;
    let coldMs: number | null = null;
    let figures: PlanFigures | null = null;
    const warm: number[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (status: PlanStatus, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (current === child) current = undefined;
      const planned = status === 'planned';
      resolve({
        status,
        version,
        buildMs,
        coldMs: planned ? coldMs : null,
        warmMs: planned && warm.length > 0 ? median(warm) : null,
        warmSamplesMs: planned ? warm : [],
        fetches: planned ? (figures?.fetches ?? null) : null,
        depth: planned ? (figures?.depth ?? null) : null,
        planBytes: planned ? (figures?.planBytes ?? null) : null,
        prettyBytes: planned ? (figures?.prettyBytes ?? null) : null,
        ...(error !== undefined ? { error } : {}),
      });
    };
    const arm = (ms: number, onTimeout: () => void): void => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };

    arm(job.buildTimeoutMs ?? 120_000, () =>
      finish('failed', `expected the planner to load and build within ${(job.buildTimeoutMs ?? 120_000) / 1000} s, received nothing`),
    );
    child.on('message', (event: ChildEvent) => {
      switch (event.type) {
        case 'built':
          version = event.version;
          buildMs = event.ms;
          arm(job.budgetMs, () => finish('over-budget', `no plan within the budget of ${job.budgetMs} ms`));
          return;
        case 'cold':
          coldMs = event.ms;
          figures = event.figures;
          // The child starts no re-plan after budgetMs; one started just before may take about a cold plan's time.
          arm(job.budgetMs + 2 * event.ms + 2_000, () => finish('planned'));
          return;
        case 'warm':
          warm.push(event.ms);
          return;
        case 'done':
          finish('planned');
          return;
        case 'failed':
          finish(event.phase === 'plan' ? 'cannot-plan' : event.phase === 'load' ? 'unavailable' : 'failed', event.error);
          return;
      }
    });
    child.once('error', (err) => finish('failed', `${err.name}: ${err.message}`));
    child.once('exit', (code, signal) => {
      // A moment for messages still in the pipe; then, after cold, a child that died during re-plans still leaves a measured plan.
      setTimeout(() => {
        if (coldMs !== null) finish('planned');
        else finish('failed', `planner process exited (${signal ?? code}) before a plan: ${stderrTail.trim().slice(-300)}`);
      }, 200);
    });
    const message: ChildJob = {
      planner: job.planner,
      supergraphPath: job.supergraphPath,
      query: job.query,
      operationName: job.operationName,
      replans: job.replans,
      warmBudgetMs: job.budgetMs,
    };
    child.send(message);
  });
}
