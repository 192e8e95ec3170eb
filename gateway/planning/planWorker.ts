/**
 * A planning worker thread (started by plannerPool.ts): builds its own
 * QueryPlanner from the supergraph it is given and plans one operation per
 * message, so a slow plan blocks this thread and never the gateway's event
 * loop. The pool terminates a worker whose plan runs over its time budget.
 *
 * Messages in: { id, document, operationName } (document: the normalised text).
 * Messages out: { ready: true } once built, then per job
 * { id, ok: true, plan } (plan: planText.ts JSON) or { id, ok: false, errorName }.
 * Never a message text out: a planner's message may quote the query (and so
 * an identity code); the main thread has no use for it beyond a log line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { serialisePlan } from './planText.ts';

/** What the pool gives a worker at start. */
export interface PlanWorkerData {
  readonly supergraphSdl: string;
  /** Normalised documents planned once at start, so the first real plan does not pay the JIT's warm-up. */
  readonly warmUp: readonly string[];
  /** Longest plan JSON sent back, in characters (bounds the main thread's JSON.parse). */
  readonly maxPlanChars: number;
}

export interface PlanJob {
  readonly id: number;
  readonly document: string;
  readonly operationName: string | null;
}

export type PlanReply =
  | { readonly id: number; readonly ok: true; readonly plan: string }
  | { readonly id: number; readonly ok: false; readonly errorName: string; readonly tooLarge?: boolean };

if (parentPort) {
  const port = parentPort;
  const data = workerData as PlanWorkerData;
  const supergraph = Supergraph.build(data.supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const planner = new QueryPlanner(supergraph);
  const plan = (document: string, operationName: string | null): string =>
    serialisePlan(
      planner.buildQueryPlan(
        operationFromDocument(apiSchema, parse(document, { noLocation: true }), operationName ? { operationName } : {}),
      ),
    );
  for (const document of data.warmUp) {
    try {
      plan(document, null);
    } catch {
      // A warm-up document that does not fit this supergraph (a test's) only warms less.
    }
  }
  port.on('message', (job: PlanJob) => {
    let reply: PlanReply;
    try {
      const text = plan(job.document, job.operationName);
      reply =
        text.length > data.maxPlanChars
          ? { id: job.id, ok: false, errorName: 'PlanTooLarge', tooLarge: true }
          : { id: job.id, ok: true, plan: text };
    } catch (err) {
      reply = { id: job.id, ok: false, errorName: err instanceof Error ? err.name : typeof err };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true });
}
