/**
 * Issue 13's fetch budget, as a test that fails: every planning operation but
 * the chains, planned by @apollo/query-planner (our gateway's planner) on the
 * committed supergraph, has a bound in FETCH_BOUNDS and stays within it, or is
 * one the schema must refuse; `customer { guardians { surname } }` is one
 * region fetch. Plan times are not asserted (the bench report flags them).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from '../../gateway/config.ts';
import { FETCH_BOUNDS, overTarget, REFUSED_BY_SCHEMA } from './budget.ts';
import { loadPlanner } from './child.ts';
import type { PlanMeasurement } from './measure.ts';
import { planningOperations } from './operations.ts';
import type { PlanTree } from './planShape.ts';
import { apiSchemaOf, validationErrors } from './validate.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDL = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const OPERATIONS = planningOperations(readFileSync(`${ROOT}README.md`, 'utf8'), 0);

/** The subgraph of each fetch node of a plan, in plan order. */
function fetchedSubgraphs(plan: PlanTree): string[] {
  const out: string[] = [];
  JSON.stringify(plan, (_key, value: unknown) => {
    const node = value as { kind?: unknown; serviceName?: unknown } | null;
    if (node && typeof node === 'object' && node.kind === 'Fetch' && typeof node.serviceName === 'string') out.push(node.serviceName);
    return value;
  });
  return out;
}

describe("issue 13's fetch budget (@apollo/query-planner, committed supergraph)", () => {
  const planner = loadPlanner('apollo').build(SDL);
  const apiSchema = apiSchemaOf(SDL);

  it('has a bound for every operation but the chains, and none for an operation that is gone', () => {
    const names = OPERATIONS.filter((op) => op.chainDepth === undefined).map((op) => op.name);
    expect(names.filter((n) => !(n in FETCH_BOUNDS) && !REFUSED_BY_SCHEMA.includes(n))).toEqual([]);
    expect([...Object.keys(FETCH_BOUNDS), ...REFUSED_BY_SCHEMA].filter((n) => !names.includes(n))).toEqual([]);
    expect(OPERATIONS.some((op) => op.chainDepth !== undefined)).toBe(false);
  });

  it.each(Object.entries(FETCH_BOUNDS))('%s: within its fetch bound', (name, bound) => {
    const op = OPERATIONS.find((o) => o.name === name)!;
    expect(validationErrors(apiSchema, op.query)).toEqual([]);
    const plan = planner.plan(op.query, op.operationName);
    const fetches = fetchedSubgraphs(plan);
    expect(
      fetches.length,
      `${name}: ${fetches.length} fetches (${fetches.join(' ')}); bound ${bound.fetches}: ${bound.why}`,
    ).toBeLessThanOrEqual(bound.fetches);
    // The bench's count (planShape) is the same count.
    expect(planner.figures(plan).fetches).toBe(fetches.length);
  });

  it('plans `customer { guardians { surname } }` as one region fetch: no municipality, no lists', () => {
    const op = OPERATIONS.find((o) => o.name === 'issue-13/guardians-surname')!;
    expect(fetchedSubgraphs(planner.plan(op.query, op.operationName))).toEqual(['region']);
  });

  it.each(REFUSED_BY_SCHEMA)('%s: refused by the schema before planning', (name) => {
    const op = OPERATIONS.find((o) => o.name === name)!;
    expect(validationErrors(apiSchema, op.query)).toEqual([expect.stringMatching(/Cannot query field "guardians" on type "Relative"/)]);
  });
});

describe('overTarget', () => {
  const planned = (warmMs: number | null, coldMs = 500): PlanMeasurement => ({
    status: 'planned',
    version: '1',
    buildMs: 100,
    coldMs,
    warmMs,
    warmSamplesMs: warmMs === null ? [] : [warmMs],
    fetches: 1,
    depth: 1,
    planBytes: 200,
    prettyBytes: 100,
  });
  it('flags warm over 50 ms (a chain: 100 ms), cold only without re-plans, and over budget; not an invalid or unplannable one', () => {
    expect(overTarget({}, planned(49.9))).toBeNull();
    expect(overTarget({}, planned(50.5))).toBe('50.5 ms > 50');
    expect(overTarget({ chainDepth: 3 }, planned(99))).toBeNull();
    expect(overTarget({ chainDepth: 3 }, planned(120))).toBe('120.0 ms > 100');
    expect(overTarget({}, planned(null, 60))).toBe('60.0 ms cold > 50');
    expect(overTarget({}, { ...planned(null), status: 'over-budget', coldMs: null })).toBe('over budget');
    expect(overTarget({}, { ...planned(null), status: 'invalid', coldMs: null })).toBeNull();
    expect(overTarget({}, { ...planned(null), status: 'cannot-plan', coldMs: null })).toBeNull();
    expect(overTarget({}, undefined)).toBeNull();
  });
});
