/**
 * Query plans by operation: @apollo/gateway's federation planner
 * (@apollo/query-planner) run once per (document, operation name) and kept
 * beside the parsed document, together with everything else the executor
 * needs per operation (its operation context), so a repeated operation costs
 * no planning, hashing or re-analysis at all.
 *
 * Why beside the document (a WeakMap on the DocumentNode): the document cache
 * already bounds how many operations are kept (least recently used first), so
 * a plan lives exactly as long as its document stays cached.
 */
import { buildOperationContext } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import type { Schema, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import type { QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** What executing one operation of a document needs, computed once. */
export interface PlannedOperation {
  readonly plan: QueryPlan;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
  /** The plan in @apollo/query-planner's text form (for the Apollo-Query-Plan-Experimental answer), made on first ask. */
  formatted(): string;
}

/** Plans operations of one supergraph and keeps them per document. */
export class QueryPlans {
  private readonly planner: QueryPlanner;
  private readonly apiSchema: Schema;
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, PlannedOperation>>();

  constructor(
    supergraph: Supergraph,
    /** The API schema in graphql-js form (what clients' documents were validated against). */
    private readonly schema: GraphQLSchema,
  ) {
    this.apiSchema = supergraph.apiSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** The planned operation (throws the planner's error for a document it cannot plan). */
  get(document: DocumentNode, operationName: string | null): PlannedOperation {
    let operations = this.byDocument.get(document);
    if (!operations) {
      operations = new Map();
      this.byDocument.set(document, operations);
    }
    const key = operationName ?? '';
    let planned = operations.get(key);
    if (!planned) {
      planned = this.plan(document, operationName);
      operations.set(key, planned);
    }
    return planned;
  }

  private plan(document: DocumentNode, operationName: string | null): PlannedOperation {
    const name = operationName ?? undefined;
    const operation = operationFromDocument(this.apiSchema, document, { operationName: name });
    const plan = this.planner.buildQueryPlan(operation);
    const operationContext = buildOperationContext({ schema: this.schema, operationDocument: document, operationName: name });
    let text: string | undefined;
    return { plan, operationContext, formatted: () => (text ??= prettyFormatQueryPlan(plan)) };
  }
}
