import { describe, expect, it } from 'vitest';
import { oursReadyUrl } from '../engine/scenario.ts';
import type { LoadResult } from '../lib/driverTypes.ts';
import { formatPlanningReport, formatRegionReport, formatScaleReport } from '../lib/report.ts';
import type { PlanMeasurement } from '../planning/measure.ts';
import type { PlanningReport } from './planning.ts';
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

describe('formatPlanningReport', () => {
  const planned = (coldMs: number, fetches: number, depth: number, planBytes: number, prettyBytes: number | null): PlanMeasurement => ({
    status: 'planned',
    version: '1.0.0',
    buildMs: 900,
    coldMs,
    warmMs: coldMs / 4,
    warmSamplesMs: [coldMs / 4],
    fetches,
    depth,
    planBytes,
    prettyBytes,
  });
  const failed = (status: PlanMeasurement['status'], error: string): PlanMeasurement => ({
    ...planned(0, 0, 0, 0, null),
    status,
    coldMs: null,
    warmMs: null,
    warmSamplesMs: [],
    fetches: null,
    depth: null,
    planBytes: null,
    prettyBytes: null,
    error,
  });
  const report: PlanningReport = {
    supergraph: { path: '/repo/schema/supergraph.graphql', bytes: 1000, sha256: 'ab'.repeat(32) },
    cold: 'the first plan of a fresh planner',
    budgetMs: 5000,
    replans: 5,
    chainDepth: 2,
    planners: {
      apollo: { package: '@apollo/query-planner', version: '2.14.4', available: true, buildMsMedian: 950 },
      rust: { package: '@graphql-hive/router-query-planner', version: '0.0.38', available: true, buildMsMedian: 40 },
    },
    operations: [
      {
        name: 'issue-13/dependants',
        source: 'issue 13',
        operationName: 'Dependants',
        query: '…',
        results: { apollo: planned(120.25, 18, 4, 102_400, 98_000), rust: failed('cannot-plan', 'Error: no path to Customer.dependants') },
      },
      {
        name: 'chain/guardians-2',
        source: 'chain',
        operationName: 'GuardiansChain2',
        query: '…',
        chainDepth: 2,
        results: { apollo: failed('over-budget', 'no plan within the budget of 5000 ms'), rust: planned(3.5, 30, 6, 50_000, null) },
      },
    ],
    loadAverage: { start: 0.5, end: 1.5 },
    wallSeconds: 42,
  };

  it('prints a table per planner, a plan that did not happen saying why in its row and below the table', () => {
    const text = formatPlanningReport(report);
    expect(text).toContain('@apollo/query-planner 2.14.4; planner build (median) 950 ms');
    expect(text).toMatch(/^issue-13\/dependants\s+120\.3\s+30\.1\s+18\s+4\s+102\.4\s+98\.0$/m);
    expect(text).toMatch(/^chain\/guardians-2\s+over budget\s+–\s+–\s+–\s+–\s+–$/m);
    expect(text).toMatch(/^issue-13\/dependants\s+cannot plan\s+–\s+–\s+–\s+–$/m);
    expect(text).toMatch(/^chain\/guardians-2\s+3\.5\s+0\.9\s+30\s+6\s+50\.0$/m);
    expect(text).toContain('  issue-13/dependants: cannot plan: Error: no path to Customer.dependants');
    expect(text).toContain('  chain/guardians-2: over budget: no plan within the budget of 5000 ms');
  });
});
