/**
 * The distributed run's process supervisor: starts each service as an OS
 * process of its own, waits until it answers its readiness path, restarts
 * one that exits when nobody asked it to (as a Kubernetes Deployment
 * replaces a pod), and stops them all with SIGTERM, then SIGKILL past a
 * deadline.
 *
 * Restart policy: a child that exits unexpectedly (crash, kill, or a
 * SIGTERM the supervisor did not send) is reported and started again on the
 * same port after a back-off of 1 s, doubling up to 30 s while it keeps
 * exiting within a minute of its start (Kubernetes' CrashLoopBackOff, in
 * small).
 *
 * Each child runs in a process group of its own. Why: Ctrl-C in a terminal
 * signals the whole foreground group, and a service that got SIGINT from the
 * terminal and then SIGTERM from the supervisor takes the second signal as
 * "exit now", skipping its drain; so the terminal's signal reaches the
 * supervisor alone, which sends each child one SIGTERM. SIGKILL past the
 * deadline goes to the child's group (tsx's esbuild helper included). A
 * supervisor that exits kills what is left (`killAll`); one killed with
 * SIGKILL leaves its children running, as any process manager would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One service process to run. */
export interface ChildSpec {
  /** Unique name, e.g. `region-2`, `gateway-1`, `emulators`. */
  readonly id: string;
  /** The service it is a replica of (its balancer's name), e.g. `region`; `gateway`, `emulators`. */
  readonly service: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Where it listens (127.0.0.1); for the emulators, the first of their ports. */
  readonly port: number;
  /** Resolves true once the process is ready (e.g. its /healthz answers 200); called every 200 ms while it starts. */
  readonly ready: () => Promise<boolean>;
  /** What `ready` checks, for messages, e.g. `http://127.0.0.1:4101/healthz`. */
  readonly readyWhat: string;
}

export type ChildState = 'starting' | 'ready' | 'exited' | 'restarting' | 'stopped';

/** What the supervisor reports of each child (the control endpoint's `/status`). */
export interface ChildStatus {
  readonly id: string;
  readonly service: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly state: ChildState;
  /** Starts after the first. */
  readonly restarts: number;
  /** Milliseconds from spawn to ready of the latest start (undefined while starting). */
  readonly readyMs: number | undefined;
}

export type SupervisorEvent =
  | { readonly kind: 'ready'; readonly id: string; readonly pid: number; readonly ms: number; readonly restart: number }
  | {
      readonly kind: 'exited';
      readonly id: string;
      readonly code: number | null;
      readonly signal: string | null;
      readonly expected: boolean;
    }
  | { readonly kind: 'restarting'; readonly id: string; readonly inMs: number }
  | { readonly kind: 'output'; readonly id: string; readonly line: string };

export interface SupervisorOptions {
  readonly cwd: string;
  /** Told of every start, exit, restart and each line a child prints. */
  readonly onEvent: (event: SupervisorEvent) => void;
  /** How long a start may take to become ready, ms; default 120 000. */
  readonly readyTimeoutMs?: number;
  /** How long a stop waits after SIGTERM before SIGKILL, ms; default 10 000. */
  readonly stopDeadlineMs?: number;
  /** First restart back-off, ms; default 1 000 (doubling to 30 000). */
  readonly backoffMs?: number;
}

/** Lines of a child's output kept for the report when it fails to start. */
const TAIL_LINES = 20;
const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long before exiting starts its back-off again from the first step. */
const STABLE_AFTER_MS = 60_000;

interface Running {
  readonly spec: ChildSpec;
  child: ChildProcess | undefined;
  state: ChildState;
  restarts: number;
  /** Consecutive quick exits (back-off exponent). */
  crashes: number;
  spawnedAt: number;
  readyMs: number | undefined;
  /** Signals the supervisor itself sent and expects the exit of. */
  stopRequested: boolean;
  exited: Promise<void>;
  tail: string[];
  restartTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Supervises child processes; see the module comment. */
export class Supervisor {
  private readonly children = new Map<string, Running>();
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  /** Spawns `spec` and resolves once it answers its readiness path; rejects (with its output's tail) if it exits or times out first. */
  async start(spec: ChildSpec): Promise<void> {
    if (this.children.has(spec.id)) throw new RangeError(`expected a new service id, received ${spec.id} twice`);
    const running: Running = {
      spec,
      child: undefined,
      state: 'starting',
      restarts: 0,
      crashes: 0,
      spawnedAt: 0,
      readyMs: undefined,
      stopRequested: false,
      exited: Promise.resolve(),
      tail: [],
      restartTimer: undefined,
    };
    this.children.set(spec.id, running);
    await this.spawn(running, true);
  }

  /** Every child's status, in start order. */
  status(): ChildStatus[] {
    return [...this.children.values()].map((r) => ({
      id: r.spec.id,
      service: r.spec.service,
      port: r.spec.port,
      pid: r.child?.exitCode === null && r.child.signalCode === null ? r.child.pid : undefined,
      state: r.state,
      restarts: r.restarts,
      readyMs: r.readyMs,
    }));
  }

  /**
   * Sends `signal` to a child as something outside would (a kill, a node
   * drain): the supervisor treats the exit as unexpected and restarts it.
   * Returns the pid signalled.
   */
  signal(id: string, signal: NodeJS.Signals): number {
    const r = this.children.get(id);
    const pid = r?.child?.pid;
    if (!r || pid === undefined || r.child!.exitCode !== null || r.child!.signalCode !== null)
      throw new RangeError(`expected a running service, received ${id}`);
    process.kill(pid, signal);
    return pid;
  }

  /** Stops every child (SIGTERM in reverse start order at once, SIGKILL past the deadline); resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.children.values()].reverse();
    for (const r of all) {
      clearTimeout(r.restartTimer);
      r.stopRequested = true;
      if (r.child && r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
    }
    const deadline = setTimeout(() => this.killAll(), this.options.stopDeadlineMs ?? 10_000);
    await Promise.all(all.map((r) => r.exited));
    clearTimeout(deadline);
    for (const r of all) r.state = 'stopped';
  }

  /** SIGKILL to every child's process group still running, at once (a stop past its deadline, or the supervisor exiting). */
  killAll(): void {
    for (const r of this.children.values()) {
      const { child } = r;
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) continue;
      r.stopRequested = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }

  private spawn(r: Running, first: boolean): Promise<void> {
    const { spec } = r;
    const child = spawn(spec.command, [...spec.args], {
      cwd: this.options.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    r.child = child;
    r.state = 'starting';
    r.stopRequested = false;
    r.readyMs = undefined;
    r.tail = [];
    r.spawnedAt = Date.now();
    const onLine = (line: string): void => {
      r.tail.push(line);
      if (r.tail.length > TAIL_LINES) r.tail.shift();
      this.options.onEvent({ kind: 'output', id: spec.id, line });
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    r.exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        this.onExit(r, child, code, signal);
        resolve();
      }),
    );
    // A spawn error (e.g. no such command) is followed by no 'exit' when the process never ran.
    child.once('error', () => {
      if (child.pid === undefined) this.onExit(r, child, null, null);
    });
    const ready = this.waitReady(r, child);
    if (first) return ready;
    // A restart's readiness is reported through events, never thrown.
    ready.catch(() => undefined);
    return Promise.resolve();
  }

  private async waitReady(r: Running, child: ChildProcess): Promise<void> {
    const { spec } = r;
    const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
    const until = r.spawnedAt + timeoutMs;
    while (r.child === child && child.exitCode === null && child.signalCode === null) {
      if (Date.now() > until) {
        child.kill('SIGKILL');
        throw new Error(`expected ${spec.id} ready within ${timeoutMs / 1000} s (${spec.readyWhat}), received none:\n${r.tail.join('\n')}`);
      }
      if (await spec.ready().catch(() => false)) {
        if (r.child !== child || child.exitCode !== null || child.signalCode !== null) break;
        r.state = 'ready';
        r.readyMs = Date.now() - r.spawnedAt;
        this.options.onEvent({ kind: 'ready', id: spec.id, pid: child.pid!, ms: r.readyMs, restart: r.restarts });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`expected ${spec.id} to start, received exit ${child.signalCode ?? child.exitCode}:\n${r.tail.join('\n')}`);
  }

  private onExit(r: Running, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (r.child !== child) return;
    const expected = this.stopping || r.stopRequested;
    r.state = 'exited';
    this.options.onEvent({ kind: 'exited', id: r.spec.id, code, signal, expected });
    if (expected) return;
    r.crashes = Date.now() - r.spawnedAt > STABLE_AFTER_MS ? 1 : r.crashes + 1;
    const inMs = Math.min(MAX_BACKOFF_MS, (this.options.backoffMs ?? 1_000) * 2 ** (r.crashes - 1));
    r.state = 'restarting';
    this.options.onEvent({ kind: 'restarting', id: r.spec.id, inMs });
    r.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      r.restarts += 1;
      void this.spawn(r, false);
    }, inMs);
  }
}
