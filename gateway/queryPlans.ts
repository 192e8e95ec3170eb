/**
 * Query plans by operation: @apollo/gateway's federation planner
 * (@apollo/query-planner), run in worker threads (planning/plannerPool.ts)
 * within a time budget, once per normalised operation, and kept in a cache
 * bounded by bytes; with everything else the executor needs per operation
 * (its operation context), so a repeated operation costs no planning,
 * hashing or re-analysis at all.
 *
 * Keys are the normalised document (graphql's print: no comments, layout
 * normalised) with the operation name, so a changed comment or whitespace
 * finds the same plan — and the same refusal: an operation whose plan ran
 * over budget is remembered (a bounded negative cache) and refused again at
 * the cost of one lookup. Concurrent requests for the same uncached
 * operation share one planning job.
 */
import { buildOperationContext } from '@apollo/gateway';
import { prettyFormatQueryPlan } from '@apollo/query-planner';
import type { QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { ByteLru } from './planning/byteLru.ts';
import { PlanTooComplexError, PlannerPool } from './planning/plannerPool.ts';
import { normalisedOperationKey, revivePlan } from './planning/planText.ts';

/** What executing one operation of a document needs, computed once. */
export interface PlannedOperation {
  readonly plan: QueryPlan;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
  /** The plan in @apollo/query-planner's text form (for the Apollo-Query-Plan-Experimental answer), made on first ask. */
  formatted(): string;
}

/** Limits of planning and its caches (gateway/config.ts; README "GraphQL hardening"). */
export interface PlanningLimits {
  /** Longest time one plan may take, in ms (QUERY_TOO_COMPLEX beyond). */
  readonly planBudgetMs: number;
  /** Planning worker threads. */
  readonly plannerThreads: number;
  /** Estimated bytes of all cached plans. */
  readonly planCacheBytes: number;
  /** Estimated bytes of all remembered refusals. */
  readonly refusedCacheBytes: number;
}

export const DEFAULT_PLANNING_LIMITS: PlanningLimits = Object.freeze({
  planBudgetMs: 800,
  plannerThreads: 1,
  planCacheBytes: 64 * 1024 * 1024,
  refusedCacheBytes: 1024 * 1024,
});

/**
 * Estimated bytes of a cached plan per character of its JSON. Measured: a
 * revived plan takes 0.4–1.6 bytes of heap per JSON character (the saved
 * examples and a guardians chain); 2 leaves room for the formatted text.
 */
const PLAN_BYTES_PER_CHAR = 2;
/** A remembered refusal: its key (two bytes a character) plus the Map entry. */
const REFUSED_ENTRY_OVERHEAD = 64;

export interface QueryPlansOptions {
  readonly supergraphSdl: string;
  /** The API schema in graphql-js form (what clients' documents were validated against). */
  readonly schema: GraphQLSchema;
  readonly limits: PlanningLimits;
  /** Query texts each planning worker plans at start (so the first real plan is not a cold one); failures ignored. */
  readonly warmUp?: readonly string[];
}

interface CachedPlan {
  readonly plan: QueryPlan;
  text?: string;
}

/** Per document and operation name: its normalised key and operation context. */
interface DocumentOperation {
  readonly key: string;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
}

/** Plans operations of one supergraph off the main thread and keeps them by normalised operation. */
export class QueryPlans {
  private readonly pool: PlannerPool;
  private readonly plans: ByteLru<string, CachedPlan>;
  private readonly refused: ByteLru<string, true>;
  private readonly inFlight = new Map<string, Promise<CachedPlan>>();
  /** Why a WeakMap: the document cache bounds how many documents live; this lives exactly as long. */
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, DocumentOperation>>();

  constructor(private readonly options: QueryPlansOptions) {
    const { limits } = options;
    this.pool = new PlannerPool({
      supergraphSdl: options.supergraphSdl,
      threads: limits.plannerThreads,
      budgetMs: limits.planBudgetMs,
      warmUp: options.warmUp ?? [],
    });
    this.plans = new ByteLru({ maxBytes: limits.planCacheBytes });
    this.refused = new ByteLru({ maxBytes: limits.refusedCacheBytes });
  }

  /** Resolves once the planning workers are ready; rejects if they cannot start. */
  ready(): Promise<void> {
    return this.pool.ready();
  }

  /**
   * The planned operation. Rejects with PlanTooComplexError (over budget, now
   * or before), PlannerBusyError (queue full) or PlanFailedError (the planner
   * failed on it).
   */
  async get(document: DocumentNode, operationName: string | null): Promise<PlannedOperation> {
    const operation = this.operation(document, operationName);
    const cached = this.plans.get(operation.key) ?? (await this.plan(operation.key, operationName));
    return {
      plan: cached.plan,
      operationContext: operation.operationContext,
      formatted: () => (cached.text ??= prettyFormatQueryPlan(cached.plan)),
    };
  }

  /** Cached plans and their estimated bytes (for tests and diagnostics). */
  get cacheStats(): { plans: number; planBytes: number; refused: number; refusedBytes: number } {
    return { plans: this.plans.size, planBytes: this.plans.bytes, refused: this.refused.size, refusedBytes: this.refused.bytes };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private operation(document: DocumentNode, operationName: string | null): DocumentOperation {
    let operations = this.byDocument.get(document);
    if (!operations) {
      operations = new Map();
      this.byDocument.set(document, operations);
    }
    const name = operationName ?? '';
    let operation = operations.get(name);
    if (!operation) {
      operation = {
        key: normalisedOperationKey(document, operationName),
        operationContext: buildOperationContext({ schema: this.options.schema, operationDocument: document, ...(operationName ? { operationName } : {}) }),
      };
      operations.set(name, operation);
    }
    return operation;
  }

  private plan(key: string, operationName: string | null): Promise<CachedPlan> {
    if (this.refused.get(key)) return Promise.reject(new PlanTooComplexError(`Expected an operation planned within ${this.options.limits.planBudgetMs} ms, received one that took longer before.`));
    const running = this.inFlight.get(key);
    if (running) return running;
    // The key's text after the operation name line is the printed document.
    const document = key.slice(key.indexOf('\n') + 1);
    const job = this.pool
      .plan(document, operationName)
      .then(
        (json) => {
          const cached: CachedPlan = { plan: revivePlan(json) };
          // Over the per-entry cap: executed, not kept.
          this.plans.set(key, cached, json.length * PLAN_BYTES_PER_CHAR);
          return cached;
        },
        (err: unknown) => {
          if (err instanceof PlanTooComplexError) this.refused.set(key, true, key.length * 2 + REFUSED_ENTRY_OVERHEAD);
          throw err;
        },
      )
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }
}
