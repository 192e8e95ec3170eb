/**
 * Several gateway processes on one port (node:cluster), for a machine with
 * more cores than one Node process can use: the gateway's work per request
 * is CPU on one thread, so N cores serve about N times the load (README,
 * "Capacity").
 *
 * The primary only forks, restarts a worker that dies (at most
 * `maxRestarts` within a minute, then it stops everything and exits 1) and
 * passes SIGTERM/SIGINT on; each worker runs the whole gateway.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger } from '../subgraphs/server/logger.ts';

export interface ClusterOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** Called once, when every worker listens, with the address one of them reported. */
  readonly onListening: (address: { address: string; port: number }) => void;
  /** Most worker restarts within a minute before the primary gives up; default 5. */
  readonly maxRestarts?: number;
  /** How long a stop waits for the workers before killing them, in ms; default 8 000. */
  readonly stopDeadlineMs?: number;
}

/** Whether this process is a worker forked by runCluster (it then runs the gateway itself). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Runs the primary: forks the workers and supervises them until a signal stops it. */
export function runCluster(options: ClusterOptions): void {
  const { logger } = options;
  const maxRestarts = options.maxRestarts ?? 5;
  const restarts: number[] = [];
  const listening = new Set<number>();
  let reported = false;
  let stopping = false;
  let exitCode = 0;

  const fork = (): Worker => cluster.fork();
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (!reported && listening.size >= options.workers) {
      reported = true;
      options.onListening({ address: address.address ?? '127.0.0.1', port: address.port });
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0]! > 60_000) restarts.shift();
    if (restarts.length >= maxRestarts) {
      logger.error({ code, signal, restarts: restarts.length }, 'gateway workers keep exiting; stopping');
      stop(1);
      return;
    }
    restarts.push(now);
    logger.warn({ code, signal }, 'a gateway worker exited; starting another');
    fork();
  });

  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(code);
    for (const w of workers) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of workers) w.process.kill('SIGKILL');
      process.exit(code === 0 ? 1 : code);
    }, options.stopDeadlineMs ?? 8_000).unref();
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  for (let i = 0; i < options.workers; i++) fork();
}
