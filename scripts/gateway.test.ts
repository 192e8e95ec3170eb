import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph, startTestRegion } from '../gateway/testSupport.ts';
import type { TestSubgraph } from '../gateway/testSupport.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let subgraphs: TestSubgraph[];
let supergraphFile: string;

beforeAll(async () => {
  subgraphs = await startTestRegion();
  supergraphFile = join(mkdtempSync(join(tmpdir(), 'gateway-')), 'supergraph.graphql');
  writeFileSync(supergraphFile, composeSupergraph(subgraphs));
});

afterAll(async () => {
  await Promise.all(subgraphs.map((s) => s.close()));
});

/** Starts `npm run gateway`'s script on the test supergraph; resolves with the printed address. */
async function startGateway(
  extra: readonly string[] = [],
): Promise<{ child: ChildProcess; url: string; out: () => string; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/gateway.ts', '--supergraph', supergraphFile, '--port', '0', '--log-level', 'warn', ...extra],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /Gateway: (http:\/\/\S+)\/graphql/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { child, url, out: () => out, exited };
}

async function queryPerson(url: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ person(id: "P2") { name visits { unit } } }' }),
  });
  return res.json();
}

const ANSWER = { data: { person: { name: 'Matti Virtanen', visits: [{ unit: 'Porvoon terveysasema' }] } } };

/** The pids of a process's children. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

describe('npm run gateway', () => {
  it('serves any supergraph with the URLs it names, and stops on SIGINT with exit code 0', async () => {
    const { child, url, out, exited } = await startGateway();
    expect(await queryPerson(url)).toEqual(ANSWER);
    expect(out()).toContain(`GraphiQL: ${url}/graphiql`);

    const stoppedAt = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('with --workers 2 runs two gateway processes on one port, replaces one that dies, and stops them all on SIGTERM', async () => {
    const { child, url, out, exited } = await startGateway(['--workers', '2']);
    expect(out()).toContain('(2 processes)');
    const workers = childrenOf(child.pid!);
    expect(workers).toHaveLength(2);
    for (let i = 0; i < 4; i++) expect(await queryPerson(url)).toEqual(ANSWER);

    process.kill(workers[0]!, 'SIGKILL');
    await expect.poll(() => childrenOf(child.pid!).filter((p) => !workers.includes(p)).length, { timeout: 30_000, interval: 200 }).toBe(1);
    expect(await queryPerson(url)).toEqual(ANSWER);

    const now = childrenOf(child.pid!);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of now) expect(() => process.kill(pid, 0)).toThrow();
  });
});
