/**
 * The distributed run as the tests use it: `npm run region -- --distributed`
 * (its node process, in a process group of its own) on a fixtures
 * directory, with PostgreSQL, free ports and the control endpoint; the
 * gateways' addresses read from what it prints, everything else from the
 * control endpoint. Stopping it checks the stop a person or a process
 * manager makes (SIGTERM, code 0, no process left).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Identity } from '../../../contract/identity.ts';
import { DevIdp } from '../../../gateway/auth/devIdp.ts';
import type { RunStatus, SignalAnswer } from '../../../scripts/distributed/control.ts';
import { groupAlive, groupGone } from '../../e2e/testSupport/processGroup.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface RunOptions {
  readonly fixturesDir: string;
  readonly databaseUrl: string;
  /** The development identity provider's key directory the gateways share. */
  readonly devIdpDir: string;
  /** Further flags, e.g. `--replicas 1 --scale region=2`. */
  readonly args?: readonly string[];
  /** How long the start may take, ms; default 240 000 (a machine shared with other work is slow to start 16 processes). */
  readonly timeoutMs?: number;
}

/** A line the run (or one of its services, `[id] …`) printed, and when it arrived. */
export interface OutputLine {
  readonly at: number;
  readonly text: string;
}

export interface DistributedRun {
  readonly gateways: readonly string[];
  readonly controlUrl: string;
  /** Milliseconds from the spawn until it printed that it is up. */
  readonly startMs: number;
  readonly child: ChildProcess;
  /** Lines kept so far: those naming a leader, and the last few hundred of the rest. */
  lines(): readonly OutputLine[];
  /** The output's tail, for failure messages. */
  tail(): string;
  status(): Promise<RunStatus>;
  signal(id: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<SignalAnswer>;
  /** A bearer token for `identity`, valid at gateway `i`. */
  token(i: number, identity: Identity): Promise<string>;
  /** SIGTERM to the run's process; resolves with its exit code and how long the stop took. */
  stop(): Promise<{ code: number | null; ms: number; groupGone: boolean }>;
}

const KEEP_LINES = 400;

/** Starts the distributed run and resolves once it prints its gateways (every service ready). */
export async function startDistributedRun(options: RunOptions): Promise<DistributedRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: options.databaseUrl, DEV_IDP_DIR: options.devIdpDir };
  delete env.DATABASE_SCHEMA;
  const args = [
    '--import',
    'tsx',
    'scripts/distributed/main.ts',
    '--distributed',
    '--fixtures',
    options.fixturesDir,
    ...(options.args ?? []),
    '--port',
    '0',
    '--control',
  ];
  const spawnedAt = Date.now();
  // Its own process group: whatever happens, afterAll can end every process of the run at once.
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const kept: OutputLine[] = [];
  let rest: OutputLine[] = [];
  let stdout = '';
  // DISTRIBUTED_LOG=FILE keeps everything the run printed (the kept lines are only a tail).
  const logFile = process.env.DISTRIBUTED_LOG;
  const onText = (chunk: Buffer, partial: { text: string }): void => {
    if (logFile) appendFileSync(logFile, chunk);
    partial.text += chunk.toString('utf8');
    const parts = partial.text.split('\n');
    partial.text = parts.pop()!;
    const at = Date.now();
    for (const text of parts) {
      const line = { at, text };
      if (/leader/i.test(text)) kept.push(line);
      else {
        rest.push(line);
        if (rest.length > 2 * KEEP_LINES) rest = rest.slice(-KEEP_LINES);
      }
    }
  };
  const outPartial = { text: '' };
  const errPartial = { text: '' };
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    onText(d, outPartial);
  });
  child.stderr!.on('data', (d: Buffer) => onText(d, errPartial));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const tail = (): string =>
    rest
      .slice(-60)
      .map((l) => l.text)
      .join('\n');

  const up = await new Promise<{ gateways: string[]; controlUrl: string }>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 240_000;
    const timer = setTimeout(
      () => reject(new Error(`expected the distributed run up within ${timeoutMs / 1000} s, received:\n${tail()}`)),
      timeoutMs,
    );
    const look = (): void => {
      const gateways = /Gateways: (.+)/.exec(stdout);
      const control = /Control: +(http:\/\/\S+)\/status/.exec(stdout);
      if (gateways && control) {
        clearTimeout(timer);
        resolve({ gateways: gateways[1]!.trim().split(/\s+/), controlUrl: control[1]! });
      }
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`expected the distributed run up, received an exit (${signal ?? code}):\n${tail()}`));
    });
  }).catch((err: unknown) => {
    // A start that failed or timed out must not leave its processes behind.
    killGroup({ child });
    throw err;
  });
  const startMs = Date.now() - spawnedAt;
  const idps = await Promise.all(up.gateways.map((g) => DevIdp.open({ dir: options.devIdpDir, port: Number(new URL(g).port) })));

  return {
    gateways: up.gateways,
    controlUrl: up.controlUrl,
    startMs,
    child,
    lines: () => [...kept, ...rest].sort((a, b) => a.at - b.at),
    tail,
    async status() {
      return (await (await fetch(`${up.controlUrl}/status`)).json()) as RunStatus;
    },
    async signal(id, signal) {
      const res = await fetch(`${up.controlUrl}/signal?id=${encodeURIComponent(id)}&signal=${signal}`, { method: 'POST' });
      if (res.status !== 200) throw new Error(`expected the signal sent, received ${res.status}: ${await res.text()}`);
      return (await res.json()) as SignalAnswer;
    },
    async token(i, identity) {
      return (await idps[i]!.mint(identity)).token;
    },
    async stop() {
      // The run's process group, and each service's own (the supervisor starts every service in a group of its own).
      const groups = [child.pid!, ...childrenOf(child.pid!)];
      const at = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const { code } = await exited;
      const ms = Date.now() - at;
      const gone = await Promise.all(groups.map((g) => groupGone(g, 2_000)));
      return { code, ms, groupGone: gone.every(Boolean) };
    },
  };
}

/** Pids of the processes whose parent is `pid` (Linux: /proc; elsewhere none). */
function childrenOf(pid: number): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": read after the last ")".
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

/** Ends every process of the run at once, the services' groups first (a failed test's leftovers). */
export function killGroup(run: Pick<DistributedRun, 'child'> | undefined): void {
  const pid = run?.child.pid;
  if (pid === undefined) return;
  for (const group of [...childrenOf(pid), pid]) {
    try {
      if (groupAlive(group)) process.kill(-group, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}
