/**
 * Smoke test of `npm run bench -- --scenario planning --quick`: the real
 * command in a child process on a few operations (a saved example, issue 13's
 * operations, each chain at depths 1 and 2); the JSON must hold a measured
 * plan per operation with positive whole fetch counts, and the old guardians
 * chain reported as refused by the schema, for both planners.
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

const QUICK = [
  'gateway-examples/NextAppointments',
  'issue-13/dependants',
  'issue-13/guardians-surname',
  'issue-13/guardians-8',
  'chain/relatives-1',
  'chain/relatives-2',
  'chain/relatives-lists-1',
  'chain/relatives-lists-2',
  'chain/ceilings-1',
  'chain/ceilings-2',
];
const INVALID = 'issue-13/guardians-8';

/** The old chain: refused by the API schema before either planner saw it. */
function expectInvalid(m: PlanMeasurement | undefined, what: string): void {
  expect(m, what).toMatchObject({ status: 'invalid', coldMs: null, buildMs: null, fetches: null });
  expect(m!.error, what).toMatch(/^refused by the schema: Cannot query field "guardians" on type "Relative"\./);
}

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
      if (op.name === INVALID) {
        expectInvalid(op.results.apollo, `${op.name} apollo`);
        expect(op.invalid).toEqual(['Cannot query field "guardians" on type "Relative".']);
        continue;
      }
      expectPlanned(op.results.apollo, `${op.name} apollo`);
      expect(op.results.apollo!.prettyBytes).toBeGreaterThan(0);
      // The planned text is the operation as graphql prints it: no comments (the examples' first lines name demo users).
      expect(op.query).toBe(graphql.print(graphql.parse(op.query)));
      expect(op.query).not.toContain('#');
    }
    const fetches = (name: string): number => report.operations.find((o) => o.name === name)!.results.apollo!.fetches!;
    // Relatives through customer stay one region fetch; each level's appointments add fetches; so does each fee ceiling.
    expect([fetches('issue-13/guardians-surname'), fetches('chain/relatives-1'), fetches('chain/relatives-2')]).toEqual([1, 1, 1]);
    expect(fetches('chain/relatives-lists-2')).toBeGreaterThan(fetches('chain/relatives-lists-1'));
    expect(fetches('chain/ceilings-2')).toBeGreaterThan(fetches('chain/ceilings-1'));
    expect(stdout).toMatch(/^chain\/ceilings-2\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d+/m);
    expect(stdout).toMatch(/^issue-13\/guardians-8\s+invalid\s+–/m);
    expect(stdout).toContain('  issue-13/guardians-8: invalid: refused by the schema: Cannot query field "guardians" on type "Relative".');
    expect(stdout).toMatch(/^ {2}Over issue 13's plan-time target \(warm > 50 ms; a chain > 100 ms\): /m);
  });

  it("plans with Hive Router's Rust planner too, or says that it cannot plan", (ctx) => {
    if (!withRust)
      ctx.skip(
        "bench/'s own package (Hive Router's Rust planner) is not installed: `npm run bench -- --scenario planning` installs it; `npm test` does not",
      );
    expect(report.planners.rust).toMatchObject({ package: '@graphql-hive/router-query-planner', available: true });
    for (const op of report.operations) {
      const m = op.results.rust;
      if (op.name === INVALID) {
        expectInvalid(m, `${op.name} rust`);
        continue;
      }
      expect(['planned', 'cannot-plan'], op.name).toContain(m?.status);
      if (m?.status === 'planned') expectPlanned(m, `${op.name} rust`);
      else expect(m?.error, op.name).toBeTruthy();
    }
    // The saved example and the relatives plan; fee ceilings nested in fee ceilings it cannot ("Expected a single parent", Hive 0.0.38).
    const rust = (name: string): PlanMeasurement | undefined => report.operations.find((o) => o.name === name)!.results.rust;
    expectPlanned(rust('gateway-examples/NextAppointments'), 'NextAppointments rust');
    expectPlanned(rust('chain/relatives-2'), 'relatives-2 rust');
  });
});

describe('measurePlan', () => {
  it('records a plan over its budget as "over budget" and stops its process, instead of waiting for it', { timeout: 120_000 }, async () => {
    // Six nested fee ceilings take far longer than a second to plan (~7 s on a quiet machine).
    const op = chainOperation('ceilings', 6);
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
