import { describe, expect, it } from 'vitest';
import type { LoadResult } from './driverTypes.ts';
import { compare, median, ratio, rotate, rssTrend, summarize } from './stats.ts';
import type { RoundMeasurement } from './stats.ts';

function load(rps: number, p99: number, extra: Partial<LoadResult> = {}): LoadResult {
  return {
    label: 'x',
    completed: rps * 10,
    durationS: 10,
    rps,
    latencyMs: { p50: p99 / 4, p95: p99 / 2, p99, mean: p99 / 3, max: p99 * 2 },
    non2xx: 0,
    graphqlErrors: 0,
    connErrors: 0,
    timeouts: 0,
    errors: 0,
    errorSamples: [],
    ...extra,
  };
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides, and is null for a missing or zero divisor', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(undefined, 3)).toBeNull();
    expect(ratio(Number.NaN, 3)).toBeNull();
  });
});

describe('summarize', () => {
  const rounds: RoundMeasurement[] = [
    { round: 0, load: load(1000, 40, { errors: 1, non2xx: 1 }), rssMaxBytes: 120e6, rssEndBytes: 110e6, cpuSeconds: 8 },
    { round: 1, load: load(3000, 10), rssMaxBytes: 150e6, rssEndBytes: 140e6, cpuSeconds: 9 },
    { round: 2, load: load(2000, 20, { errors: 2, graphqlErrors: 2 }), rssMaxBytes: 130e6, rssEndBytes: 125e6, cpuSeconds: 10 },
  ];
  it('gives medians over rounds, sums of requests and errors, the largest RSS and the last round’s end RSS', () => {
    const s = summarize(rounds);
    expect(s.rps).toBe(2000);
    expect(s.rpsByRound).toEqual([1000, 3000, 2000]);
    expect(s.p99Ms).toBe(20);
    expect(s.p50Ms).toBe(5);
    expect(s.requests).toBe(60_000);
    expect(s.errors).toBe(3);
    expect(s.errorBreakdown).toEqual({ non2xx: 1, graphqlErrors: 2, connErrors: 0, timeouts: 0 });
    expect(s.rssMaxMB).toBe(150);
    expect(s.rssEndMB).toBe(125);
    expect(s.cpuCores).toBe(0.9);
    // 9 s of CPU over 30 000 requests = 0.3 ms, the median of 0.8, 0.3, 0.5
    expect(s.cpuMsPerRequest).toBeCloseTo(0.5);
  });
  it('leaves memory and CPU null when no process was sampled', () => {
    const s = summarize([{ round: 0, load: load(10, 1) }]);
    expect(s.rssMaxMB).toBeNull();
    expect(s.cpuCores).toBeNull();
  });
  it('refuses no rounds', () => {
    expect(() => summarize([])).toThrow(/at least one round/);
  });
});

describe('compare', () => {
  it('gives ours ÷ each other target, of the medians and round by round', () => {
    const ours = [0, 1, 2].map((r) => ({ round: r, load: load([4000, 4400, 3600][r]!, 10), cpuSeconds: 20 }));
    const stock = [0, 1, 2].map((r) => ({ round: r, load: load([1000, 1100, 800][r]!, 50), cpuSeconds: 20 }));
    const [c] = compare(ours, { stock });
    expect(c!.against).toBe('stock');
    expect(c!.rps).toBe(4);
    expect(c!.rpsByRound).toEqual([4, 4, 4.5]);
    expect(c!.p99).toBe(0.2);
    // 0.5 ms of CPU per request against 2 ms (the medians of 20 s over 40 000/44 000/36 000 and 10 000/11 000/8 000 requests)
    expect(c!.cpuPerRequest).toBeCloseTo(0.25);
  });
  it('is null for a round the other target did not run', () => {
    const [c] = compare(
      [
        { round: 0, load: load(100, 1) },
        { round: 1, load: load(100, 1) },
      ],
      { hive: [{ round: 0, load: load(50, 1) }] },
    );
    expect(c!.rpsByRound).toEqual([2, null]);
    expect(c!.cpuPerRequest).toBeNull();
  });
});

describe('rssTrend', () => {
  it('fits the slope in MB per minute', () => {
    const samples = [0, 5, 10, 15, 20].map((tS) => ({ tS, bytes: 100e6 + tS * 1e6 }));
    const t = rssTrend(samples);
    expect(t.slopeMBPerMin).toBeCloseTo(60);
    expect(t.startMB).toBe(100);
    expect(t.endMB).toBe(120);
    expect(t.maxMB).toBe(120);
  });
  it('is flat for a flat run', () => {
    expect(
      rssTrend([
        { tS: 0, bytes: 5e6 },
        { tS: 60, bytes: 5e6 },
      ]).slopeMBPerMin,
    ).toBe(0);
  });
});

describe('rotate', () => {
  it('puts each target first once every n rounds', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(rotate([], 2)).toEqual([]);
  });
});
