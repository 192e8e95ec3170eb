import { describe, expect, it } from 'vitest';
import { oursReadyUrl } from '../engine/scenario.ts';
import type { LoadResult } from '../lib/driverTypes.ts';
import { formatRegionReport, formatScaleReport } from '../lib/report.ts';
import { summarize } from '../lib/stats.ts';
import type { LegacyCallsPerQuery, RegionReport } from './region.ts';
import { shareConnections } from './region.ts';
import type { ScaleReport } from './scale.ts';

function load(label: string, rps: number, p99: number): LoadResult {
  return {
    label,
    completed: rps * 10,
    durationS: 10,
    rps,
    latencyMs: { p50: p99 / 4, p95: p99 / 2, p99, mean: p99 / 3, max: p99 },
    non2xx: 0,
    graphqlErrors: 0,
    connErrors: 0,
    timeouts: 0,
    errors: 0,
    errorSamples: [],
  };
}

describe('shareConnections', () => {
  it('splits the connections over the kinds, the remainder to the first ones, at least one each', () => {
    expect(shareConnections(32)).toEqual({ citizenAppointments: 8, clientOverview: 8, feeCeiling: 8, analystAggregate: 8 });
    expect(shareConnections(10)).toEqual({ citizenAppointments: 3, clientOverview: 3, feeCeiling: 2, analystAggregate: 2 });
    expect(shareConnections(2)).toEqual({ citizenAppointments: 1, clientOverview: 1, feeCeiling: 1, analystAggregate: 1 });
  });
});

describe('oursReadyUrl', () => {
  it('reads the URL from our gateway’s start line and nothing else', () => {
    expect(oursReadyUrl('  Gateway: http://127.0.0.1:41234/graphql')).toEqual({ url: 'http://127.0.0.1:41234/graphql' });
    expect(oursReadyUrl('  GraphiQL: http://127.0.0.1:41234/graphiql')).toBeUndefined();
  });
});

const kind = (label: string, rps: number, p99: number) => {
  const rounds = [{ round: 0, load: load(label, rps, p99), rssMaxBytes: 150e6, rssEndBytes: 140e6, cpuSeconds: 10 }];
  return { rounds, summary: summarize(rounds) };
};
const legacy = (perQuery: number, reads: number | null, target: number | null): LegacyCallsPerQuery => ({
  requests: 200,
  failed: 0,
  perQuery,
  perQueryByInstance: perQuery ? { 'lifecare-porvoo': perQuery - 1, vtj: 1 } : ({} as Record<string, number>),
  readsPerQuery: reads,
  readsPerQueryByInstance: null,
  targetReadsPerQuery: target,
});

describe('formatRegionReport', () => {
  const report: RegionReport = {
    scenario: 'region',
    wallSeconds: 100,
    fixturesDir: '/tmp/gen',
    fixturesGeneratedSeconds: 0,
    indexPersons: 100_000,
    start: { servicesMs: 40_000, gatewayMs: 3_000, servicesPhasesMs: {} },
    connections: { citizenAppointments: 8, clientOverview: 8, feeCeiling: 8, analystAggregate: 8 },
    kinds: {
      citizenAppointments: kind('citizenAppointments', 300, 60),
      clientOverview: kind('clientOverview', 250, 80),
      feeCeiling: kind('feeCeiling', 200, 90),
      analystAggregate: kind('analystAggregate', 900, 20),
    },
    totalRps: 1650,
    gateway: { rssMaxMB: 150, cpuCores: 0.8 },
    services: { rssMaxMB: 900, cpuCores: 1.1 },
    legacyCalls: {
      citizenAppointments: legacy(3.5, 2.5, 2.5),
      clientOverview: legacy(4, 2.6, 2.6),
      feeCeiling: legacy(5, 3, 3),
      analystAggregate: legacy(0, 0, null),
    },
    clientOverviewP99TargetMs: 100,
    soak: {
      seconds: 600,
      rss: { samples: 121, startMB: 140, endMB: 142, maxMB: 150, slopeMBPerMin: 0.1 },
      kinds: { citizenAppointments: load('citizenAppointments', 290, 70) } as NonNullable<RegionReport['soak']>['kinds'],
    },
  };
  it('prints each kind, the client overview’s p99 against its target, the legacy calls and the soak', () => {
    const text = formatRegionReport(report);
    expect(text).toMatch(/^clientOverview\s+250\s+20\.0\s+40\.0\s+80\.0\s+0\s+2500\s+150/m);
    expect(text).toContain('The mix in all: 1 650 req/s');
    expect(text).toContain('Client overview p99 80.0 ms at 250 req/s within the mix (target < 100 ms): met.');
    expect(text).toMatch(/^clientOverview\s+4\.00\s+2\.60\s+2\.60\s+0$/m);
    expect(text).toContain('  clientOverview: lifecare-porvoo 3.00, vtj 1.00');
    expect(text).toContain('Soak 600 s: gateway RSS 140 → 142 MB (max 150, 121 samples every 5 s), slope 0.10 MB/min');
  });
});

describe('formatScaleReport', () => {
  const size = (n: number, rps: number) => {
    const rounds = [{ round: 0, load: load('clientOverview', rps, 50) }];
    return {
      requested: n,
      indexPersons: n,
      servicesStartMs: [20_000],
      paddingMs: [n / 100],
      servicesCpuCores: [1],
      rounds,
      summary: summarize(rounds),
    };
  };
  it('prints each size and the largest-to-smallest ratio against the target', () => {
    const report: ScaleReport = {
      scenario: 'scale',
      wallSeconds: 300,
      fixturesDir: '/repo/fixtures',
      sizes: [size(1000, 400), size(1_000_000, 380)],
      largestToSmallest: 0.95,
      largestToSmallestByRound: [0.95],
      target: 0.9,
    };
    const text = formatScaleReport(report);
    expect(text).toMatch(/^index 1 000 000\s+380/m);
    expect(text).toContain('Largest ÷ smallest index req/s: 0.95× (per round 0.95×; target ≥ 0.90×): met.');
  });
});
