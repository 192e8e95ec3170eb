import { spawn } from 'node:child_process';
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

describe('npm run gateway', () => {
  it('serves any supergraph with the URLs it names, and stops on SIGINT with exit code 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/gateway.ts', '--supergraph', supergraphFile, '--port', '0', '--log-level', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /Gateway: (http:\/\/\S+)\/graphql/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ person(id: "P2") { name visits { unit } } }' }),
    });
    expect(await res.json()).toEqual({ data: { person: { name: 'Matti Virtanen', visits: [{ unit: 'Porvoon terveysasema' }] } } });
    expect(out).toContain(`GraphiQL: ${url}/graphiql`);

    const stoppedAt = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
