/**
 * Planning in worker threads: the plans equal the planner's own in-thread
 * plans, repeats and concurrent requests cost one job, a plan over budget is
 * refused (and refused again at once, whatever its comments), and the plan
 * cache stays within its byte bound.
 */
import { ceilingChain } from './planning/testSupport.ts';
import { readFileSync } from 'node:fs';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from './config.ts';
import { exampleOperations } from './examples.ts';
import { parse } from './graphql.ts';
import { PlanTooComplexError } from './planning/plannerPool.ts';
import { requiresFieldsOf } from './planning/requiresDepth.ts';
import { DEFAULT_PLANNING_LIMITS, QueryPlans } from './queryPlans.ts';
import { CEILING_QUERY, CUSTOMER_QUERY } from '../test/e2e/testSupport/queries.ts';

const sdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
const supergraph = Supergraph.build(sdl);
const apiSchema = supergraph.apiSchema();
const schema = apiSchema.toGraphQLJSSchema();
const requiresFields = requiresFieldsOf(supergraph);

const chain = (n: number, comment = '') => ceilingChain(n, '010150-999K', comment);

let plans: QueryPlans;

beforeAll(async () => {
  plans = new QueryPlans({
    supergraphSdl: sdl,
    schema,
    requiresFields,
    limits: { ...DEFAULT_PLANNING_LIMITS, plannerThreads: 1, planBudgetMs: 5_000 },
  });
  await plans.ready();
});

afterAll(async () => {
  await plans?.close();
});

describe('plans made in a worker', () => {
  const operations: [string, string][] = [
    ...exampleOperations({ year: 2026 }).map((e): [string, string] => [e.name, e.query]),
    ['Customer (e2e)', CUSTOMER_QUERY],
    ['Ceiling (e2e)', CEILING_QUERY],
    ['__typename', '{ __typename }'],
  ];
  const inThread = new QueryPlanner(supergraph);

  it.each(operations)('equal the in-thread plan: %s', async (_name, query) => {
    const document = parse(query);
    const expected = prettyFormatQueryPlan(inThread.buildQueryPlan(operationFromDocument(apiSchema, document)));
    const planned = await plans.get(document, null);
    expect(planned.formatted()).toBe(expected);
    expect(planned.operationContext.operation.kind).toBe('OperationDefinition');
  });

  it('are planned once per normalised operation: comments and layout do not matter, concurrent requests share one job', async () => {
    const query = '{ customer(hetu: "010150-999K") { surname firstNames } }';
    const before = plans.cacheStats.jobs;
    const [a, b, c] = await Promise.all([
      plans.get(parse(query), null),
      plans.get(parse(`# another comment\n${query}`), null),
      plans.get(parse(query.replace(/ /g, '\n  ')), null),
    ]);
    expect(plans.cacheStats.jobs - before).toBe(1);
    expect(b.plan).toBe(a.plan);
    expect(c.plan).toBe(a.plan);
    // The operation name is part of the key.
    const named = 'query A { __typename } query B { customer(hetu: "010150-999K") { surname } }';
    const [pa, pb] = await Promise.all([plans.get(parse(named), 'A'), plans.get(parse(named), 'B')]);
    expect(pa.formatted()).not.toBe(pb.formatted());
    expect(plans.cacheStats.jobs - before).toBe(3);
  });
});

describe('the planning budget', () => {
  let tight: QueryPlans;
  beforeAll(async () => {
    tight = new QueryPlans({
      supergraphSdl: sdl,
      schema,
      requiresFields,
      limits: { ...DEFAULT_PLANNING_LIMITS, planBudgetMs: 150, maxRequiresDepth: 100 },
    });
    await tight.ready();
  });
  afterAll(async () => {
    await tight?.close();
  });

  it('refuses a plan over budget, replaces the worker, and refuses the same operation again at once whatever its comments', async () => {
    let started = performance.now();
    await expect(tight.get(parse(chain(6)), null)).rejects.toBeInstanceOf(PlanTooComplexError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(tight.cacheStats.refused).toBe(1);
    const jobs = tight.cacheStats.jobs;
    started = performance.now();
    await expect(tight.get(parse(chain(6, '# changed\n').replace(/ \{/g, '{')), null)).rejects.toBeInstanceOf(PlanTooComplexError);
    expect(performance.now() - started).toBeLessThan(50);
    expect(tight.cacheStats.jobs).toBe(jobs);
    // The replacement worker plans the next operation.
    const planned = await tight.get(parse('{ __typename }'), null);
    expect(planned.plan.kind).toBe('QueryPlan');
  });
});

describe('the nesting of @requires fields', () => {
  it('refuses a chain of fee ceilings over the limit before any planning, and plans one within it', async () => {
    const jobs = plans.cacheStats.jobs;
    const started = performance.now();
    const refusal = plans.get(parse(chain(8)), null);
    await expect(refusal).rejects.toBeInstanceOf(PlanTooComplexError);
    await expect(refusal).rejects.toThrow("Expected at most 2 nested fields that need another subgraph's data (@requires), received 8.");
    expect(performance.now() - started).toBeLessThan(50);
    expect(plans.cacheStats.jobs).toBe(jobs);
    // Through a fragment too.
    const viaFragment = `{ customer(hetu: "010150-999K") { ...G } } fragment G on Customer { ${'feeCeiling(year: 2026) { includesDependants { '.repeat(3)}surname${' } }'.repeat(3)} }`;
    await expect(plans.get(parse(viaFragment), null)).rejects.toThrow('received 3.');
    expect((await plans.get(parse(chain(2)), null)).plan.node).toBeDefined();
    // A chain of relatives has no nested @requires at all, however deep: it plans.
    const relatives = `{ customer(hetu: "010150-999K") { ${'guardians { customer { appointments { start } '.repeat(6)}surname${' } }'.repeat(6)} } }`;
    expect((await plans.get(parse(relatives), null)).plan.node).toBeDefined();
  });
});

describe('the plan cache', () => {
  it('stays within its byte bound; a plan over the per-entry cap is used but not kept', async () => {
    // 16 × 1 KiB: the per-entry cap (a sixteenth) is 1 KiB, below the client overview's plan (~28 KB estimated) and
    // above each small operation below (VTJ's fields only: one region fetch, under 1 KB).
    const small = new QueryPlans({
      supergraphSdl: sdl,
      schema,
      requiresFields,
      limits: { ...DEFAULT_PLANNING_LIMITS, planCacheBytes: 16 * 1024 },
      warmUp: [],
    });
    try {
      await small.ready();
      const overview = exampleOperations({ year: 2026 }).find((e) => e.name === 'ClientOverview')!.query;
      const big = await small.get(parse(overview), null);
      expect(big.plan.node).toBeDefined();
      expect(small.cacheStats.plans).toBe(0);
      const fields = ['surname', 'firstNames', 'hetu', 'municipality { code nameFi nameSv }', 'address { streetFi postalCode cityFi }'];
      for (let i = 0; i < 64; i++) {
        const selection = fields.filter((_, f) => (i >> f) & 1).join(' ') || '__typename';
        await small.get(parse(`{ customer(hetu: "010150-999K") { ${selection} } a${i}: __typename }`), null);
        expect(small.cacheStats.planBytes).toBeLessThanOrEqual(16 * 1024);
      }
      expect(small.cacheStats.plans).toBeGreaterThan(1);
      expect(small.cacheStats.plans).toBeLessThan(64);
    } finally {
      await small.close();
    }
  });
});
