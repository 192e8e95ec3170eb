/**
 * Smoke test of `npm run bench`: the engine scenario, --quick, for our
 * gateway and the direct baseline only (no comparison packages needed), run
 * as the real command in a child process; the JSON must show throughput and
 * no errors.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from './run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run bench -- --scenario engine --quick --targets ours,direct', () => {
  it('measures ours and the direct baseline with positive throughput and zero errors', { timeout: 90_000 }, async () => {
    const out = join(tmp, 'bench.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--scenario', 'engine', '--quick', '--targets', 'ours,direct', '--out', out],
      { cwd: ROOT, timeout: 85_000 },
    );
    expect(stdout).toMatch(/^ours\s+\d/m);
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    const engine = results.scenarios.engine!;
    expect(Object.keys(engine.targets)).toEqual(['ours', 'direct']);
    for (const t of [engine.targets.ours!, engine.targets.direct!]) {
      expect(t.summary.rps).toBeGreaterThan(0);
      expect(t.summary.requests).toBeGreaterThan(0);
      expect(t.summary.errors).toBe(0);
      expect(t.summary.rssMaxMB).toBeGreaterThan(0);
    }
    expect(engine.comparisons.map((c) => c.against)).toEqual(['direct']);
    expect(engine.comparisons[0]!.rps).toBeGreaterThan(0);
  });
});
