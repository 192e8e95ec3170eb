/**
 * `npm start` as a person runs it: the whole region in a child process in
 * its own process group, the GraphiQL address printed, then stopped the
 * way a terminal (Ctrl-C: SIGINT to the foreground group) or a process
 * manager (SIGTERM to the process it started) stops it. Afterwards no
 * process of the group may remain (tsx's esbuild service included) and the
 * printed port must refuse connections.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DevIdp } from '../../gateway/auth/devIdp.ts';
import { HETU, writeE2ERegion } from './testSupport/fixtures.ts';
import { groupAlive, groupGone } from './testSupport/processGroup.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** "Within a few seconds" (issue 3): the Lifecycle's own deadline is 5 s. */
const STOP_WITHIN_MS = 5_000;

interface Started {
  readonly child: ChildProcess;
  /** The gateway's base URL as printed, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const started: ChildProcess[] = [];
let fixturesDir: string;

/**
 * The environment of a child region: the index in PGlite (DATABASE_URL, set
 * in CI, would share one PostgreSQL table between parallel regions), and the
 * development identity provider's key in a temp directory of its own.
 */
function childEnv(name: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DEV_IDP_DIR: join(fixturesDir, `.dev-idp-${name}`) };
  delete env.DATABASE_URL;
  return env;
}

/** Spawns a command in its own process group and waits for the "GraphiQL:" line. */
async function startRegionProcess(name: string, command: string, args: readonly string[]): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: childEnv(name), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`expected the GraphiQL address within 80 s, received:\n${out.slice(-2_000)}`)), 80_000);
    const look = () => {
      const m = /GraphiQL: (http:\/\/\S+)\/graphiql/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', look);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`expected the region running, received an exit with code ${code}:\n${out.slice(-2_000)}`));
    });
  });
  return { child, url, exited, output: () => out };
}

beforeAll(async () => {
  fixturesDir = mkdtempSync(join(tmpdir(), 'region-e2e-start-'));
  await writeE2ERegion(fixturesDir);
});

afterAll(() => {
  // Whatever a failed test left running: the whole group, at once.
  for (const child of started) if (child.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  rmSync(fixturesDir, { recursive: true, force: true });
});

// Concurrent: each test waits mostly on its own child process's start.
describe.concurrent('npm start', () => {
  it('runs the whole region on the bundled fixtures, and Ctrl-C (SIGINT to its process group) stops it within a few seconds with code 0, leaving no process', async ({
    expect,
  }) => {
    const region = await startRegionProcess('sigint', process.execPath, [
      '--import',
      'tsx',
      'scripts/start.ts',
      '--port',
      '0',
      '--log-level',
      'warn',
    ]);
    expect(region.output()).toContain(`GraphQL:  ${region.url}/graphql`);
    // Up means every subgraph answers and the person index is built. Soft: the stop below is tested either way.
    const ready = await fetch(`${region.url}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 200, body: { ready: true } });

    const pgid = region.child.pid!;
    const stoppedAt = Date.now();
    process.kill(-pgid, 'SIGINT');
    const { code } = await region.exited;
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(STOP_WITHIN_MS);
    expect(await groupGone(pgid, 1_000)).toBe(true);
    await expect(fetch(`${region.url}/healthz`)).rejects.toThrow();
  }, 120_000);

  it('runs on any directory given with --fixtures, and SIGTERM to the npm process (as a process manager sends it) stops everything within a few seconds, leaving no process', async ({
    expect,
  }) => {
    const region = await startRegionProcess('sigterm', 'npm', [
      'start',
      '--',
      '--fixtures',
      fixturesDir,
      '--port',
      '0',
      '--log-level',
      'warn',
    ]);
    // Signed in as the person asked about, with a token of the child's development identity provider (same key directory and port).
    const idp = await DevIdp.open({ dir: join(fixturesDir, '.dev-idp-sigterm'), port: Number(new URL(region.url).port) });
    const { token } = await idp.mint({ kind: 'citizen', sub: 'e2e-start', hetu: HETU.moved });
    const res = await fetch(`${region.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'query($h: ID!) { customer(hetu: $h) { surname appointments { source { instance } } } }',
        variables: { h: HETU.moved },
      }),
    });
    const body = (await res.json()) as { data?: { customer: { surname: string; appointments: unknown[] } } };
    expect(body.data?.customer.surname).toBe('Äijälä');
    expect(body.data?.customer.appointments).toHaveLength(5);

    const pgid = region.child.pid!;
    const stoppedAt = Date.now();
    region.child.kill('SIGTERM');
    await region.exited;
    // npm may exit before its child has stopped; what counts is that the whole group is gone in time.
    expect(await groupGone(pgid, STOP_WITHIN_MS - (Date.now() - stoppedAt))).toBe(true);
    await expect(fetch(`${region.url}/healthz`)).rejects.toThrow();
  }, 120_000);
});
