/** The plan figures the planning scenario reports: fetch nodes, sequential fetch levels, comparable size. */
import { describe, expect, it } from 'vitest';
import { comparablePlanJson, planShape } from './planShape.ts';
import type { PlanTree, PlanTreeNode } from './planShape.ts';

const fetch = (serviceName: string): PlanTreeNode & { serviceName: string } => ({ kind: 'Fetch', serviceName });
const flatten = (node: PlanTreeNode): PlanTreeNode => ({ kind: 'Flatten', node });

describe('planShape', () => {
  it('counts every fetch, and as depth the fetches that must run one after another (Sequence adds, Parallel takes the longest)', () => {
    // The region's usual shape: region, then the municipalities side by side, then lists.
    const plan: PlanTree = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          fetch('region'),
          { kind: 'Parallel', nodes: [flatten(fetch('porvoo')), flatten(fetch('sipoo')), flatten(fetch('loviisa'))] },
          flatten(fetch('lists')),
        ],
      },
    };
    expect(planShape(plan)).toEqual({ fetches: 5, depth: 3 });
  });

  it('nests: a parallel branch with its own sequence is as deep as that sequence', () => {
    const plan: PlanTree = {
      kind: 'QueryPlan',
      node: {
        kind: 'Parallel',
        nodes: [fetch('a'), { kind: 'Sequence', nodes: [fetch('b'), flatten(fetch('c')), flatten({ kind: 'BatchFetch' })] }],
      },
    };
    expect(planShape(plan)).toEqual({ fetches: 4, depth: 3 });
  });

  it('counts both branches of a condition but only the longer one as depth; a deferred part after its primary', () => {
    const condition: PlanTree = {
      kind: 'QueryPlan',
      node: { kind: 'Condition', ifClause: { kind: 'Sequence', nodes: [fetch('a'), fetch('b')] }, elseClause: fetch('c') },
    };
    expect(planShape(condition)).toEqual({ fetches: 3, depth: 2 });
    const defer: PlanTree = {
      kind: 'QueryPlan',
      node: { kind: 'Defer', primary: { node: fetch('a') }, deferred: [{ node: fetch('b') }, { node: flatten(fetch('c')) }] },
    };
    expect(planShape(defer)).toEqual({ fetches: 3, depth: 2 });
  });

  it('gives an empty plan no fetches, and refuses a node kind it does not know rather than miscount', () => {
    expect(planShape({ kind: 'QueryPlan' })).toEqual({ fetches: 0, depth: 0 });
    expect(() => planShape({ kind: 'QueryPlan', node: { kind: 'Teleport' } })).toThrow(/known kind, received "Teleport"/);
    expect(() => planShape({ kind: 'Plan' })).toThrow(/QueryPlan/);
  });
});

describe('comparablePlanJson', () => {
  it("leaves out an AST of the fetch's operation and AST locations, keeping the operation text", () => {
    const plan = {
      kind: 'QueryPlan',
      node: { kind: 'Fetch', serviceName: 'region', operation: '{ a }', operationDocumentNode: { kind: 'Document', loc: { start: 0 } } },
    };
    expect(JSON.parse(comparablePlanJson(plan))).toEqual({
      kind: 'QueryPlan',
      node: { kind: 'Fetch', serviceName: 'region', operation: '{ a }' },
    });
  });
});
