/**
 * Child processes of the bench: each target (gateway), the subgraphs and the
 * load driver run in a process of their own, started here and watched until
 * they print their ready line; and their memory and CPU, read from /proc.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface StartOptions<T> {
  /** A name for messages, e.g. `ours`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Reads one stdout line: the ready information, or undefined for another line. */
  readonly ready: (line: string) => T | undefined;
  /** How long to wait for the ready line; default 60 s. */
  readonly timeoutMs?: number;
  /** Give the child a stdin pipe (the driver reads its jobs there); default ignored. */
  readonly stdin?: boolean;
}

export interface Service<T> {
  readonly name: string;
  readonly pid: number;
  readonly info: T;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Reads a `{"ready":true,…}` JSON line; undefined for any other line. */
export function jsonReadyLine<T extends object>(line: string): T | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as { ready?: unknown };
    return value.ready === true ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Children still running, stopped when this process exits (a crash must not leave gateways behind). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** SIGTERM to every child still running; resolves once they have exited (SIGKILL after 5 s). */
export async function stopAllServices(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/**
 * Starts a child process and resolves once it prints its ready line; rejects
 * (with the tail of its stderr) if it exits or times out first.
 */
export function startService<T>(options: StartOptions<T>): Promise<Service<T>> {
  installExitHook();
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let stderrTail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Service<T>>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `expected ${options.name} to be ready within ${(options.timeoutMs ?? 60_000) / 1000} s, received no ready line; stderr: ${stderrTail}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    let done = false;
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (done) return;
      const info = options.ready(line);
      if (info === undefined) return;
      done = true;
      clearTimeout(timer);
      resolve({ name: options.name, pid: child.pid!, info, child, stop });
    });
    child.once('error', (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`expected ${options.name} to start, received exit ${signal ?? code}; stderr: ${stderrTail.trim()}`));
    });
  });
}

/** `node --import tsx FILE …args`: a TypeScript entry in a plain node process (so its pid is the measured one). */
export function tsxArgs(file: string, args: readonly string[] = []): string[] {
  return ['--import', 'tsx', file, ...args];
}

/** A process's resident set size in bytes (VmRSS), or undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100;

/** A process's CPU time so far (user + system) in seconds, or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export interface Usage {
  /** Largest RSS sampled, bytes. */
  readonly rssMaxBytes: number;
  /** RSS at the end, bytes. */
  readonly rssEndBytes: number;
  /** CPU seconds used during the sampling. */
  readonly cpuSeconds: number;
}

/** Samples a process's RSS every `intervalMs` and its CPU time at start and end; `stop()` gives the figures. */
export function sampleUsage(pid: number, intervalMs = 250): { stop(): Usage } {
  const cpuStart = cpuSeconds(pid) ?? 0;
  let max = rssBytes(pid) ?? 0;
  const timer = setInterval(() => {
    max = Math.max(max, rssBytes(pid) ?? 0);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const end = rssBytes(pid) ?? 0;
      return { rssMaxBytes: Math.max(max, end), rssEndBytes: end, cpuSeconds: (cpuSeconds(pid) ?? cpuStart) - cpuStart };
    },
  };
}
