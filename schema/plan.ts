/**
 * Query plans of the composed supergraph, built with the same planner the
 * gateway uses, for the README and the plan-shape test.
 */
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { prettyFormatQueryPlan, QueryPlanner } from '@apollo/query-planner';
import type { PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { parse } from 'graphql';

/** A planner for one supergraph: build once, plan many operations. */
export function createPlanner(supergraphSdl: string): (query: string, operationName?: string) => QueryPlan {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  return (query, operationName) =>
    planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(query), operationName ? { operationName } : undefined));
}

/** Plans one operation against a supergraph SDL. */
export function planOperation(supergraphSdl: string, query: string, operationName?: string): QueryPlan {
  return createPlanner(supergraphSdl)(query, operationName);
}

/** The planner's own pretty print (every fetch's full selection). */
export function prettyPlan(plan: QueryPlan): string {
  return prettyFormatQueryPlan(plan);
}

/**
 * The plan's skeleton, one line per node: which subgraph is fetched, in what
 * order, at which path.
 */
export function outlinePlan(plan: QueryPlan): string {
  const lines: string[] = [];
  const walk = (node: PlanNode | SubscriptionNode, depth: number, path = ''): void => {
    const pad = '  '.repeat(depth);
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel':
        lines.push(`${pad}${node.kind}`);
        node.nodes.forEach((n) => walk(n, depth + 1));
        return;
      case 'Flatten':
        walk(node.node, depth, node.path.join('.'));
        return;
      case 'Fetch':
        lines.push(`${pad}Fetch ${node.serviceName}${path ? ` at ${path}` : ''}`);
        return;
      default:
        lines.push(`${pad}${node.kind}`);
    }
  };
  if (plan.node) walk(plan.node, 0);
  return lines.join('\n');
}
