/**
 * The harness's side of the load driver: starts bench/load/driver.ts as a
 * child process (load never runs in a gateway's process, nor in the
 * harness's) and sends it jobs.
 */
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { DriverJob, DriverReply, LoadResult, LoadSpec } from './driverTypes.ts';
import { jsonReadyLine, startService, tsxArgs } from './proc.ts';
import type { Service } from './proc.ts';

const DRIVER_FILE = fileURLToPath(new URL('../load/driver.ts', import.meta.url));

export interface Driver {
  readonly pid: number;
  /** Runs the loads at once in the driver; resolves with one result per load, in order. */
  run(loads: readonly LoadSpec[]): Promise<LoadResult[]>;
  stop(): Promise<void>;
}

/** Starts the driver process (bench/load must be installed: ensureLoadInstalled). */
export async function startDriver(): Promise<Driver> {
  const service: Service<object> = await startService({
    name: 'load driver',
    command: process.execPath,
    args: tsxArgs(DRIVER_FILE),
    ready: (line) => jsonReadyLine(line),
    stdin: true,
  });
  const child = service.child;
  const pending = new Map<number, { resolve: (r: LoadResult[]) => void; reject: (e: Error) => void }>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let reply: DriverReply;
    try {
      reply = JSON.parse(line) as DriverReply;
    } catch {
      return;
    }
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if ('error' in reply) waiter.reject(new Error(`the load driver failed: ${reply.error}`));
    else waiter.resolve([...reply.results]);
  });
  child.once('exit', (code, signal) => {
    for (const w of pending.values()) w.reject(new Error(`expected the load driver to run, received exit ${signal ?? code}`));
    pending.clear();
  });
  let nextId = 1;
  return {
    pid: service.pid,
    run(loads) {
      const job: DriverJob = { id: nextId++, loads };
      return new Promise((resolve, reject) => {
        pending.set(job.id, { resolve, reject });
        child.stdin!.write(`${JSON.stringify(job)}\n`);
      });
    },
    stop: () => service.stop(),
  };
}
