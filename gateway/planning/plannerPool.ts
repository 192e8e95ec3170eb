/**
 * A small pool of planning worker threads (planWorker.ts), so that building a
 * query plan — which for some valid documents takes seconds (README
 * "Planning off the event loop") — never blocks the gateway's event loop.
 *
 * Each plan has a time budget from the moment a worker takes it. A plan over
 * budget cannot be interrupted inside the planner, so its worker is
 * terminated and replaced, and the caller gets PlanTooComplexError. Jobs wait
 * in a bounded queue while every worker is busy (PlannerBusyError beyond it).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PlanJob, PlanReply, PlanWorkerData } from './planWorker.ts';

export interface PlannerPoolOptions {
  readonly supergraphSdl: string;
  /** Worker threads; at least 1. */
  readonly threads: number;
  /** Longest time one plan may take in a worker, in ms. */
  readonly budgetMs: number;
  /** Normalised documents each worker plans once before taking jobs. */
  readonly warmUp?: readonly string[];
  /** Most jobs waiting for a worker; default 16 × threads. */
  readonly maxQueue?: number;
  /** Longest plan JSON a worker sends back, in characters; default 8 Mi. */
  readonly maxPlanChars?: number;
  /** Heap limit of one worker (its old generation), in MiB; default 512. */
  readonly workerHeapMb?: number;
}

/** The plan ran over its time budget (or its worker over its memory): the operation is refused. */
export class PlanTooComplexError extends Error {
  override readonly name = 'PlanTooComplexError';
}

/** Every worker busy and the queue full. */
export class PlannerBusyError extends Error {
  override readonly name = 'PlannerBusyError';
}

/** The planner failed on the operation (its error's name only: the message may quote the query). */
export class PlanFailedError extends Error {
  override readonly name = 'PlanFailedError';
  constructor(readonly plannerError: string) {
    super(`Expected a query plan, received the planner's ${plannerError}.`);
  }
}

interface Job {
  readonly job: PlanJob;
  readonly resolve: (planJson: string) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running?: Job;
  timer?: NodeJS.Timeout;
}

/** Starts after this many workers in a row die before being ready: the pool gives up (a supergraph the worker cannot load). */
const MAX_FAILED_STARTS = 3;

/**
 * The worker entry is TypeScript; Node 20 cannot load it in a worker by
 * itself, and a worker does not inherit the main thread's loader hooks. So
 * each worker first registers tsx's ESM loader (the ESM build of its API:
 * require.resolve names the CommonJS one), then imports planWorker.ts.
 */
function workerBootstrap(): string {
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const entry = new URL('./planWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

/** Plans operations in worker threads within a time budget. */
export class PlannerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly bootstrap = workerBootstrap();
  private readonly data: PlanWorkerData;
  private readonly maxQueue: number;
  private nextId = 1;
  private failedStarts = 0;
  private closed = false;
  private broken: Error | undefined;
  private readonly readyWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly options: PlannerPoolOptions) {
    this.data = {
      supergraphSdl: options.supergraphSdl,
      warmUp: options.warmUp ?? [],
      maxPlanChars: options.maxPlanChars ?? 8 * 1024 * 1024,
    };
    this.maxQueue = options.maxQueue ?? 16 * options.threads;
    for (let i = 0; i < Math.max(1, options.threads); i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has built its planner (and warmed up); rejects if they cannot start. */
  ready(): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** The plan of one operation of a normalised document, as planText.ts JSON. */
  plan(document: string, operationName: string | null): Promise<string> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new PlanFailedError('pool closed'));
    if (this.queue.length >= this.maxQueue)
      return Promise.reject(new PlannerBusyError(`Expected at most ${this.maxQueue} operations waiting for a planner, received more.`));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, document, operationName }, resolve, reject });
      this.dispatch();
    });
  }

  /** Jobs waiting for a worker (for tests). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Terminates every worker; waiting and running jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new PlanFailedError('pool closed');
    for (const job of this.queue.splice(0)) job.reject(closing);
    await Promise.all(
      this.slots.map((slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.running?.reject(closing);
        slot.running = undefined;
        return slot.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(this.bootstrap, {
      eval: true,
      workerData: this.data,
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerHeapMb ?? 512 },
    });
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (message: PlanReply | { ready: true }) => this.onMessage(slot, message));
    worker.on('error', (err) => this.onExit(slot, err));
    worker.on('exit', () => this.onExit(slot, undefined));
    return slot;
  }

  private onMessage(slot: Slot, message: PlanReply | { ready: true }): void {
    if ('ready' in message) {
      slot.ready = true;
      this.failedStarts = 0;
      if (this.slots.every((s) => s.ready)) for (const w of this.readyWaiters.splice(0)) w.resolve();
      this.dispatch();
      return;
    }
    const running = slot.running;
    if (!running || running.job.id !== message.id) return;
    clearTimeout(slot.timer);
    slot.running = undefined;
    slot.timer = undefined;
    if (message.ok) running.resolve(message.plan);
    else
      running.reject(
        message.tooLarge
          ? new PlanTooComplexError(`Expected a query plan of at most ${this.data.maxPlanChars} characters, received a larger one.`)
          : new PlanFailedError(message.errorName),
      );
    this.dispatch();
  }

  /** A worker ended: by our terminate (already replaced), by running out of memory, or by a crash. */
  private onExit(slot: Slot, err: Error | undefined): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return;
    if (slot.timer) clearTimeout(slot.timer);
    const running = slot.running;
    slot.running = undefined;
    if (running) {
      const outOfMemory = (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      running.reject(
        outOfMemory
          ? new PlanTooComplexError("Expected an operation whose query plan fits the planner's memory, received one that does not.")
          : new PlanFailedError(err?.name ?? 'worker exit'),
      );
    }
    if (!slot.ready && ++this.failedStarts >= MAX_FAILED_STARTS) {
      this.broken = new PlanFailedError(err?.name ?? 'worker exit at start');
      for (const job of this.queue.splice(0)) job.reject(this.broken);
      for (const w of this.readyWaiters.splice(0)) w.reject(this.broken);
      this.slots.splice(index, 1);
      return;
    }
    void slot.worker.terminate();
    this.slots[index] = this.spawn();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.running) continue;
      const next = this.queue.shift()!;
      slot.running = next;
      slot.timer = setTimeout(() => this.overBudget(slot), this.options.budgetMs);
      slot.worker.postMessage(next.job);
    }
  }

  /** A runaway plan cannot be interrupted inside the planner: its worker is replaced. */
  private overBudget(slot: Slot): void {
    const running = slot.running;
    const index = this.slots.indexOf(slot);
    slot.running = undefined;
    slot.timer = undefined;
    running?.reject(
      new PlanTooComplexError(
        `Expected an operation the gateway can plan within ${this.options.budgetMs} ms, received one that takes longer.`,
      ),
    );
    if (index >= 0 && !this.closed) {
      // Replaced first: the old worker's exit event then finds it gone from the pool.
      this.slots[index] = this.spawn();
      void slot.worker.terminate();
    }
  }
}
