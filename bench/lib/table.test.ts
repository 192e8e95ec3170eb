import { describe, expect, it } from 'vitest';
import type { EngineReport } from '../engine/scenario.ts';
import { formatEngineReport } from './report.ts';
import { fmt, fmtRatio, fmtRps, formatTable } from './table.ts';

describe('formatTable', () => {
  it('pads the first column left-aligned and the others right-aligned, under a rule', () => {
    expect(
      formatTable(
        ['', 'req/s'],
        [
          ['ours', '4 812'],
          ['stock', '512'],
        ],
      ),
    ).toBe(['       req/s', '-----  -----', 'ours   4 812', 'stock    512'].join('\n'));
  });
});

describe('number formats', () => {
  it('formats ratios, rates and missing values', () => {
    expect(fmtRatio(4.129)).toBe('4.13×');
    expect(fmtRatio(null)).toBe('–');
    expect(fmtRps(12345.6)).toBe('12 346');
    expect(fmtRps(999)).toBe('999');
    expect(fmt(Number.NaN)).toBe('–');
    expect(fmt(1.234, 1)).toBe('1.2');
  });
});

describe('formatEngineReport', () => {
  const summary = (rps: number, p99: number) => ({
    rounds: 1,
    rps,
    rpsByRound: [rps],
    p50Ms: 1,
    p95Ms: 2,
    p99Ms: p99,
    requests: rps * 10,
    errors: 0,
    errorBreakdown: { non2xx: 0, graphqlErrors: 0, connErrors: 0, timeouts: 0 },
    errorSamples: [],
    rssMaxMB: 100,
    rssEndMB: 90,
    cpuCores: 1,
    cpuMsPerRequest: 0.5,
  });
  const report: EngineReport = {
    scenario: 'engine',
    wallSeconds: 60,
    query: 'query Q { x }',
    notes: ['a note'],
    targets: {
      ours: { description: 'ours', measuredProcess: 'p', rounds: [], summary: summary(2000, 20) },
      stock: { description: 'stock', measuredProcess: 'p', rounds: [], summary: summary(500, 100) },
      direct: { description: 'direct', measuredProcess: 'p', rounds: [], summary: summary(9000, 5) },
    },
    comparisons: [
      { against: 'stock', rps: 4, rpsByRound: [4], p99: 0.2, cpuPerRequest: 0.25 },
      { against: 'direct', rps: 2000 / 9000, rpsByRound: [2000 / 9000], p99: 4, cpuPerRequest: 3 },
    ],
    loadAverage: { min: 1.5, max: 6.2 },
    limit: { issueLimitRps: 5000, directThirdRps: 3000, oursShareOfIssueLimit: 0.4, oursShareOfDirectThird: 2 / 3 },
  };
  it('prints each target, the ratios and the distance to the limit', () => {
    const text = formatEngineReport(report, 2);
    expect(text).toMatch(/^ours\s+2 000\s+1\.0\s+2\.0\s+20\.0\s+0\s+20000\s+100\s+1\.00\s+0\.500$/m);
    expect(text).toMatch(/^stock\s+4\.00×\s+4\.00×\s+0\.20×\s+0\.25×$/m);
    expect(text).toMatch(/^direct\s+0\.22×/m);
    expect(text).toContain("ours 2 000 req/s = 40 % of the issue's ~5 000 req/s; 67 % of this run's limit (direct ÷ 3 = 3 000 req/s)");
    expect(text).toContain('Note: a note');
    expect(text).toContain('Machine load average (1 min) after the runs: 1.5–6.2 on 2 cores: other work competed');
  });
});
