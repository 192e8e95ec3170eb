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
 * over budget is remembered (a bounded negative cache, for REFUSAL_TTL_MS)
 * and refused again at the cost of one lookup. Concurrent requests for the
 * same uncached operation share one planning job. Before any planning, an
 * operation nesting more `@requires` fields than the limit is refused at once
 * (planning/requiresDepth.ts).
 */
import { buildOperationContext } from '@apollo/gateway';
import { prettyFormatQueryPlan } from '@apollo/query-planner';
import type { QueryPlan } from '@apollo/query-planner';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Telemetry } from '../telemetry/index.ts';
import { ByteLru } from './planning/byteLru.ts';
import { PlanTooComplexError, PlannerBusyError, PlannerPool } from './planning/plannerPool.ts';
import { normalisedOperationKey, revivePlan } from './planning/planText.ts';
import { requiresDepth } from './planning/requiresDepth.ts';

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
  /** Most `@requires` fields nested on one path of an operation (QUERY_TOO_COMPLEX beyond, before planning). */
  readonly maxRequiresDepth: number;
  /** Planning worker threads. */
  readonly plannerThreads: number;
  /** Estimated bytes of all cached plans. */
  readonly planCacheBytes: number;
  /** Estimated bytes of all remembered refusals. */
  readonly refusedCacheBytes: number;
}

export const DEFAULT_PLANNING_LIMITS: PlanningLimits = Object.freeze({
  planBudgetMs: 2_000,
  // Why 2: every saved example and e2e operation nests one (a relative's lists through Relative.customer are not nested
  // in another @requires field); each further level multiplies the planner's work (a fee ceiling chain of 6 takes ~7 s).
  maxRequiresDepth: 2,
  // Why one: on the region's 2-core machines a second runaway plan would take the event loop's core too.
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
/**
 * How long a refusal over budget is remembered. Why not for ever: a plan may
 * run over budget because the machine was overloaded at the time, and a
 * legitimate operation must not stay refused after that.
 */
export const REFUSAL_TTL_MS = 60_000;

export interface QueryPlansOptions {
  readonly supergraphSdl: string;
  /** The API schema in graphql-js form (what clients' documents were validated against). */
  readonly schema: GraphQLSchema;
  readonly limits: PlanningLimits;
  /** Query texts each planning worker plans at start (so the first real plan is not a cold one); failures ignored. */
  readonly warmUp?: readonly string[];
  /** `Type.field` of the supergraph's fields resolved with `@requires` (requiresFieldsOf). */
  readonly requiresFields: ReadonlySet<string>;
  /** The clock of the refusal cache, in ms; default Date.now. */
  readonly now?: () => number;
  /** A span and a time per planning job, and the plan cache's hits and misses; absent: none. */
  readonly telemetry?: Telemetry;
}

interface CachedPlan {
  readonly plan: QueryPlan;
  text?: string;
}

/** Per document and operation name: its normalised key and operation context. */
interface DocumentOperation {
  readonly key: string;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
  /** requiresDepth.ts's estimate, computed on the first plan cache miss. */
  requiresDepth?: number;
}

/** Plans operations of one supergraph off the main thread and keeps them by normalised operation. */
export class QueryPlans {
  private readonly pool: PlannerPool;
  private readonly plans: ByteLru<string, CachedPlan>;
  /** Normalised key → until when (ms) it is refused. */
  private readonly refused: ByteLru<string, number>;
  private readonly inFlight = new Map<string, Promise<CachedPlan>>();
  /** Planning jobs sent to the workers so far. */
  private jobs = 0;
  /** Why a WeakMap: the document cache bounds how many documents live; this lives exactly as long. */
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, DocumentOperation>>();
  private readonly planCacheLookup: ((hit: boolean) => void) | undefined;

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
    this.planCacheLookup = options.telemetry?.metrics.cacheCounter('plan');
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
    let cached = this.plans.get(operation.key);
    this.planCacheLookup?.(cached !== undefined);
    if (!cached) {
      const depth = (operation.requiresDepth ??= requiresDepth(document, operationName, this.options.schema, this.options.requiresFields));
      const max = this.options.limits.maxRequiresDepth;
      if (depth > max) {
        throw new PlanTooComplexError(
          `Expected at most ${max} nested fields that need another subgraph's data (@requires), received ${depth}.`,
        );
      }
      cached = await this.plan(operation.key, operationName);
    }
    return {
      plan: cached.plan,
      operationContext: operation.operationContext,
      formatted: () => (cached.text ??= prettyFormatQueryPlan(cached.plan)),
    };
  }

  /** Cached plans and their estimated bytes (for tests and diagnostics). */
  get cacheStats(): { jobs: number; plans: number; planBytes: number; refused: number; refusedBytes: number } {
    return {
      jobs: this.jobs,
      plans: this.plans.size,
      planBytes: this.plans.bytes,
      refused: this.refused.size,
      refusedBytes: this.refused.bytes,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private budgetMessage(): string {
    return `Expected an operation the gateway can plan within ${this.options.limits.planBudgetMs} ms, received one that takes longer.`;
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
        operationContext: buildOperationContext({
          schema: this.options.schema,
          operationDocument: document,
          ...(operationName ? { operationName } : {}),
        }),
      };
      operations.set(name, operation);
    }
    return operation;
  }

  private plan(key: string, operationName: string | null): Promise<CachedPlan> {
    const now = this.options.now ?? Date.now;
    const refusedUntil = this.refused.get(key);
    if (refusedUntil !== undefined && refusedUntil > now()) return Promise.reject(new PlanTooComplexError(this.budgetMessage()));
    if (refusedUntil !== undefined) this.refused.delete(key);
    const running = this.inFlight.get(key);
    if (running) return running;
    // The key's text after the operation name line is the printed document.
    const document = key.slice(key.indexOf('\n') + 1);
    this.jobs++;
    const job = this.timed(this.pool.plan(document, operationName))
      .then(
        (json) => {
          const cached: CachedPlan = { plan: revivePlan(json) };
          // Over the per-entry cap: executed, not kept.
          this.plans.set(key, cached, json.length * PLAN_BYTES_PER_CHAR);
          return cached;
        },
        (err: unknown) => {
          if (err instanceof PlanTooComplexError) this.refused.set(key, now() + REFUSAL_TTL_MS, key.length * 2 + REFUSED_ENTRY_OVERHEAD);
          throw err;
        },
      )
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  /** A planning job in a span (`plan`, child of the request's) and the planning histogram, by outcome. */
  private timed(job: Promise<string>): Promise<string> {
    const { telemetry } = this.options;
    if (!telemetry) return job;
    const span = telemetry.tracer.startSpan('plan', { attributes: { 'regiongraph.planner.threads': this.options.limits.plannerThreads } });
    const started = performance.now();
    const done = (outcome: string): void => {
      telemetry.metrics.planningDuration.observe({ outcome }, (performance.now() - started) / 1000);
      span.setAttribute('regiongraph.planning.outcome', outcome);
      if (outcome !== 'planned') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    };
    return job.then(
      (json) => {
        done('planned');
        return json;
      },
      (err: unknown) => {
        done(err instanceof PlanTooComplexError ? 'too_complex' : err instanceof PlannerBusyError ? 'busy' : 'failed');
        throw err;
      },
    );
  }
}
