/**
 * Query plans as text, for the trip from a planning worker to the main
 * thread, and the normalised form of a document that keys plans and refusals.
 *
 * A QueryPlan is plain data except each fetch's `operationDocumentNode`, a
 * graphql AST whose nodes may carry `loc` (a Location linking every token of
 * the text: large, and a class instance structured cloning would flatten
 * anyway). The plan is therefore sent as JSON without any `loc`, and its
 * length is the size estimate the plan cache charges.
 */
import type { QueryPlan } from '@apollo/query-planner';
import type { DocumentNode } from 'graphql';
import { print } from 'graphql';

/** A plan as JSON text, without AST locations or undefined values. */
export function serialisePlan(plan: QueryPlan): string {
  return JSON.stringify(plan, (key, value: unknown) => (key === 'loc' ? undefined : value));
}

/** The plan serialisePlan wrote; usable by @apollo/gateway's executeQueryPlan. */
export function revivePlan(text: string): QueryPlan {
  const plan = JSON.parse(text) as QueryPlan;
  if (plan === null || typeof plan !== 'object' || plan.kind !== 'QueryPlan')
    throw new TypeError('Expected a serialised query plan, received other JSON.');
  return plan;
}

/**
 * The key of one operation of a document: its operation name, then the
 * document printed by graphql (no comments, whitespace normalised), so a
 * changed comment or layout finds the same plan or refusal.
 */
export function normalisedOperationKey(document: DocumentNode, operationName: string | null): string {
  return `${operationName ?? ''}\n${print(document)}`;
}
