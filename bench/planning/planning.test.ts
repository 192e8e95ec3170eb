/**
 * Smoke test of `npm run bench -- --scenario planning --quick`: the real
 * command in a child process on a few operations (a saved example, the
 * issue's `dependants`, the `guardians` chain at depths 1 and 2); the JSON
 * must hold a measured plan per operation with positive whole fetch counts.
 * Hive's Rust planner is part of it when bench/'s own package is installed
 * (`npm run bench` installs it on demand; `npm test` does not). And a runaway
 * plan is cut at its budget.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from '../../gateway/config.ts';
import { graphql } from '../lib/mainModules.ts';
import { comparisonInstalled } from '../install.ts';
import type { BenchResults } from '../run.ts';
import type { PlanningReport } from '../scenarios/planning.ts';
import { measurePlan } from './measure.ts';
import type { PlanMeasurement } from './measure.ts';
import { chainOperation } from './operations.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'bench-planning-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const QUICK = ['gateway-examples/NextAppointments', 'issue-13/dependants', 'chain/guardians-1', 'chain/guardians-2'];

/** A planned measurement's figures are whole, positive where they must be. */
function expectPlanned(m: PlanMeasurement | undefined, what: string): void {
  expect(m?.status, what).toBe('planned');
  expect(Number.isInteger(m!.fetches) && m!.fetches! > 0, `${what}: fetches ${m!.fetches}`).toBe(true);
  expect(Number.isInteger(m!.depth) && m!.depth! > 0 && m!.depth! <= m!.fetches!, `${what}: depth ${m!.depth}`).toBe(true);
  expect(m!.coldMs, what).toBeGreaterThan(0);
  expect(m!.buildMs, what).toBeGreaterThan(0);
  expect(m!.warmSamplesMs.length, what).toBeGreaterThan(0);
  expect(m!.warmMs, what).toBeGreaterThan(0);
  expect(m!.planBytes, what).toBeGreaterThan(100);
}

describe('npm run bench -- --scenario planning --quick', () => {
  let withRust = false;
  let stdout = '';
  let report: PlanningReport;

  beforeAll(async () => {
    withRust = await comparisonInstalled();
    const out = join(tmp, 'bench.json');
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        '--scenario',
        'planning',
        '--quick',
        '--planners',
        withRust ? 'apollo,rust' : 'apollo',
        '--out',
        out,
      ],
      { cwd: ROOT, timeout: 170_000 },
    ));
    report = (JSON.parse(readFileSync(out, 'utf8')) as BenchResults).scenarios.planning!;
  }, 180_000);

  it("plans the quick operations with @apollo/query-planner: cold, warm, fetches, depth and size for each, and prints the planner's table", () => {
    expect(report.operations.map((o) => o.name)).toEqual(QUICK);
    expect(report).toMatchObject({ chainDepth: 2, replans: 2, budgetMs: 5000, supergraph: { path: DEFAULT_SUPERGRAPH_PATH } });
    expect(report.supergraph.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.planners.apollo).toMatchObject({ package: '@apollo/query-planner', available: true });
    expect(report.planners.apollo!.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const op of report.operations) {
      expectPlanned(op.results.apollo, `${op.name} apollo`);
      expect(op.results.apollo!.prettyBytes).toBeGreaterThan(0);
      // The planned text is the operation as graphql prints it: no comments (the examples' first lines name demo users).
      expect(op.query).toBe(graphql.print(graphql.parse(op.query)));
      expect(op.query).not.toContain('#');
    }
    // Each level of guardians adds fetches.
    const chain = report.operations.filter((o) => o.chainDepth !== undefined).map((o) => o.results.apollo!.fetches!);
    expect(chain[1]).toBeGreaterThan(chain[0]!);
    expect(stdout).toMatch(/^chain\/guardians-2\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d+/m);
  });

  it("plans with Hive Router's Rust planner too, or says that it cannot plan", (ctx) => {
    if (!withRust)
      ctx.skip(
        "bench/'s own package (Hive Router's Rust planner) is not installed: `npm run bench -- --scenario planning` installs it; `npm test` does not",
      );
    expect(report.planners.rust).toMatchObject({ package: '@graphql-hive/router-query-planner', available: true });
    for (const op of report.operations) {
      const m = op.results.rust;
      expect(['planned', 'cannot-plan'], op.name).toContain(m?.status);
      if (m?.status === 'planned') expectPlanned(m, `${op.name} rust`);
      else expect(m?.error, op.name).toBeTruthy();
    }
    // The saved example plans; the issue's `dependants`, and the chain (guardians, the same relation the other way), it cannot (Hive 0.0.38).
    expectPlanned(report.operations.find((o) => o.name === 'gateway-examples/NextAppointments')!.results.rust, 'NextAppointments rust');
  });
});

describe('measurePlan', () => {
  it('records a plan over its budget as "over budget" and stops its process, instead of waiting for it', { timeout: 120_000 }, async () => {
    // A chain of 9 guardians takes far longer than a second to plan (8: ~15 s on a quiet machine).
    const op = chainOperation(9);
    const started = Date.now();
    const m = await measurePlan({
      planner: 'apollo',
      supergraphPath: DEFAULT_SUPERGRAPH_PATH,
      query: op.query,
      operationName: op.operationName,
      replans: 3,
      budgetMs: 1000,
    });
    expect(m).toMatchObject({ status: 'over-budget', coldMs: null, fetches: null, warmSamplesMs: [] });
    expect(m.buildMs).toBeGreaterThan(0);
    // Loading and building the planner, plus the budget: nowhere near the plan's own time.
    expect(Date.now() - started - m.buildMs!).toBeLessThan(20_000);
  });
});
