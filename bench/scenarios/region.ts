/**
 * The region scenario: the whole region on generated data behind our gateway,
 * a realistic mix (a citizen's next appointments, a professional's client
 * overview, a fee-ceiling query, an analyst aggregate) driven all at once,
 * each query kind by its own autocannon instance with its share of the
 * connections, so each kind's figures are measured within the mix. Then
 * legacy calls per query, one kind at a time (the counters are shared), and
 * optionally a soak: the mix for S seconds more, the gateway's RSS sampled
 * every 5 s.
 */
import type { Driver } from '../lib/driver.ts';
import type { BenchRequest, LoadResult, LoadSpec } from '../lib/driverTypes.ts';
import type { BenchOptions } from '../lib/options.ts';
import { rssBytes } from '../lib/proc.ts';
import { measureRun } from '../lib/rounds.ts';
import { rssTrend, summarize } from '../lib/stats.ts';
import type { RoundMeasurement, RssTrend, Summary } from '../lib/stats.ts';
import { QUERY_KINDS, buildAndVerifyMix, ensureFixtures, startRegionStack } from './regionStack.ts';
import type { Counts, MixSubject, MixSubjects, QueryKind, RegionMix, RegionStack } from './regionStack.ts';

/** Requests per kind in the legacy-calls phase. */
export const LEGACY_PHASE_REQUESTS = 200;
/** The client overview's p99 target under load, ms (issue 6). */
export const CLIENT_OVERVIEW_P99_TARGET_MS = 100;

export interface LegacyCallsPerQuery {
  readonly requests: number;
  /** Requests answered with an error or without data (should be 0). */
  readonly failed: number;
  /** Emulator wire requests per query: total and by instance. */
  readonly perQuery: number;
  readonly perQueryByInstance: Record<string, number>;
  /** Adapter-level reads per query (null when the services do not count them). */
  readonly readsPerQuery: number | null;
  readonly readsPerQueryByInstance: Record<string, number> | null;
  /**
   * The lean-sources target for reads per query: the mean over the requests
   * sent of (instances holding the person's records + VTJ), from the truth
   * files; null when the mix does not tell the persons (the analyst's aggregate).
   */
  readonly targetReadsPerQuery: number | null;
}

export interface RegionReport {
  readonly scenario: 'region';
  readonly wallSeconds: number;
  readonly fixturesDir: string;
  readonly fixturesGeneratedSeconds: number;
  readonly indexPersons: number;
  readonly start: { readonly servicesMs: number; readonly gatewayMs: number; readonly servicesPhasesMs: Readonly<Record<string, number>> };
  /** Connections per kind (their sum: --connections). */
  readonly connections: Readonly<Record<QueryKind, number>>;
  readonly kinds: Record<QueryKind, { readonly rounds: readonly RoundMeasurement[]; readonly summary: Summary }>;
  /** The mix as a whole: the sum of the kinds' req/s, per round, median. */
  readonly totalRps: number;
  /** The gateway process: RSS max, CPU over the measured rounds. */
  readonly gateway: { readonly rssMaxMB: number | null; readonly cpuCores: number | null };
  /** The services process (adapters, index, subgraphs; not the emulators, in processes of their own) during the measured rounds: median CPU cores, RSS max MB. */
  readonly services: { readonly rssMaxMB: number | null; readonly cpuCores: number | null };
  readonly legacyCalls: Record<QueryKind, LegacyCallsPerQuery>;
  readonly clientOverviewP99TargetMs: number;
  readonly soak?: { readonly seconds: number; readonly rss: RssTrend; readonly kinds: Record<QueryKind, LoadResult> };
}

/** `total` connections split over the kinds as evenly as whole numbers allow (at least one each). */
export function shareConnections(total: number, kinds: readonly QueryKind[] = QUERY_KINDS): Record<QueryKind, number> {
  const out = {} as Record<QueryKind, number>;
  kinds.forEach((kind, i) => {
    out[kind] = Math.max(1, Math.floor(total / kinds.length) + (i < total % kinds.length ? 1 : 0));
  });
  return out;
}

/**
 * Requests per second per connection of the analysts' aggregates. Why paced:
 * analysts are few and their aggregates cheap (precomputed counters), so an
 * unpaced analyst connection sends ten times the other kinds' requests and the
 * "mix" would be mostly aggregates; citizens and professionals run unpaced,
 * which measures what the region sustains for them.
 */
export const ANALYST_RATE_PER_CONNECTION = 5;

function mixLoads(stack: RegionStack, mix: RegionMix, connections: Record<QueryKind, number>): (durationS: number) => LoadSpec[] {
  return (durationS) =>
    QUERY_KINDS.map((kind) => ({
      label: kind,
      origin: stack.gatewayOrigin,
      connections: connections[kind],
      durationS,
      requests: mix[kind],
      ...(kind === 'analystAggregate' ? { ratePerConnection: ANALYST_RATE_PER_CONNECTION } : {}),
    }));
}

function delta(after: Counts, before: Counts, per: number): { total: number; byInstance: Record<string, number> } {
  const byInstance: Record<string, number> = {};
  for (const [id, n] of Object.entries(after.byInstance)) {
    const d = n - (before.byInstance[id] ?? 0);
    if (d !== 0) byInstance[id] = d / per;
  }
  return { total: (after.total - before.total) / per, byInstance };
}

/** Sends `requests` through the gateway a few at a time (not a load: the counters' phase); resolves with how many failed. */
async function sendAll(origin: string, requests: readonly BenchRequest[], concurrency = 4): Promise<number> {
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      const res = await fetch(`${origin}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      const text = await res.text();
      if (!res.ok || !text.includes('"data"') || text.includes('"errors"')) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

/**
 * The lean-sources target of one request (issue 13): one read per instance
 * holding the person's records and one VTJ read of the person; the client
 * overview also asks its guardians' and dependants' names (one VTJ read
 * each, no record read); the fee ceiling also reads each VTJ dependant as a
 * person (VTJ and their instances).
 */
export function targetReads(kind: QueryKind, subject: MixSubject): number {
  const own = subject.instances.length + 1;
  if (kind === 'clientOverview') return own + (subject.relatives ?? 0);
  if (kind === 'feeCeiling') return own + (subject.dependants ?? []).reduce((n, d) => n + d.instances.length + 1, 0);
  return own;
}

/** Legacy calls (and adapter reads) per query, one kind at a time, LEGACY_PHASE_REQUESTS requests each. */
export async function measureLegacyCalls(
  stack: RegionStack,
  mix: RegionMix,
  subjects: MixSubjects,
  count = LEGACY_PHASE_REQUESTS,
): Promise<Record<QueryKind, LegacyCallsPerQuery>> {
  const out = {} as Record<QueryKind, LegacyCallsPerQuery>;
  for (const kind of QUERY_KINDS) {
    const persons = subjects[kind];
    const target =
      persons && persons.length > 0
        ? Array.from({ length: count }, (_, i) => targetReads(kind, persons[i % persons.length]!)).reduce((a, b) => a + b, 0) / count
        : null;
    const requests = Array.from({ length: count }, (_, i) => mix[kind][i % mix[kind].length]!);
    const [callsBefore, readsBefore] = [await stack.legacyCalls(), await stack.reads()];
    const failed = await sendAll(stack.gatewayOrigin, requests);
    const [callsAfter, readsAfter] = [await stack.legacyCalls(), await stack.reads()];
    const calls = delta(callsAfter, callsBefore, count);
    const reads = readsBefore && readsAfter ? delta(readsAfter, readsBefore, count) : null;
    out[kind] = {
      requests: count,
      failed,
      perQuery: calls.total,
      perQueryByInstance: calls.byInstance,
      readsPerQuery: reads?.total ?? null,
      readsPerQueryByInstance: reads?.byInstance ?? null,
      targetReadsPerQuery: target,
    };
  }
  return out;
}

/** Runs the region scenario; `log` gets progress lines. */
export async function runRegionScenario(options: BenchOptions, driver: Driver, log: (line: string) => void): Promise<RegionReport> {
  const started = Date.now();
  const fixturesGeneratedSeconds = await ensureFixtures(options.fixtures, options.persons, log);
  const stack = await startRegionStack({ fixturesDir: options.fixtures, log });
  try {
    const { mix, subjects } = await buildAndVerifyMix(stack, options.fixtures);
    log(`region: mix built and verified (${QUERY_KINDS.map((k) => `${k} ${mix[k].length}`).join(', ')} requests)`);
    // Counted first, on a cold region: the mix's load would otherwise have warmed any cache the counts should see through.
    const legacyCalls = await measureLegacyCalls(stack, mix, subjects);
    log(`region: legacy calls per query: ${QUERY_KINDS.map((k) => `${k} ${legacyCalls[k].perQuery.toFixed(2)}`).join(', ')}`);

    const connections = shareConnections(options.connections);
    const loads = mixLoads(stack, mix, connections);
    const rounds = Object.fromEntries(QUERY_KINDS.map((k) => [k, [] as RoundMeasurement[]])) as Record<QueryKind, RoundMeasurement[]>;
    const gatewayRounds: RoundMeasurement[] = [];
    const servicesRounds: RoundMeasurement[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const m = await measureRun(driver, loads, {
        warmupS: options.warmupS,
        durationS: options.durationS,
        pid: stack.gateway.pid,
        alsoPid: stack.services.pid,
      });
      const usage = m.usage ? { rssMaxBytes: m.usage.rssMaxBytes, rssEndBytes: m.usage.rssEndBytes, cpuSeconds: m.usage.cpuSeconds } : {};
      for (const load of m.loads) rounds[load.label as QueryKind].push({ round: r, load, ...usage });
      const total = m.loads.reduce((a, l) => a + l.rps, 0);
      gatewayRounds.push({ round: r, load: { ...m.loads[0]!, rps: total, durationS: m.loads[0]!.durationS }, ...usage });
      if (m.alsoUsage)
        servicesRounds.push({
          round: r,
          load: m.loads[0]!,
          rssMaxBytes: m.alsoUsage.rssMaxBytes,
          rssEndBytes: m.alsoUsage.rssEndBytes,
          cpuSeconds: m.alsoUsage.cpuSeconds,
        });
      log(
        `region: round ${r + 1}/${options.rounds} ${Math.round(total)} req/s in all; ` +
          m.loads.map((l) => `${l.label} ${Math.round(l.rps)} req/s p99 ${l.latencyMs.p99.toFixed(0)} ms ${l.errors} err`).join('; '),
      );
    }
    const gatewaySummary = summarize(gatewayRounds);
    const servicesSummary = servicesRounds.length ? summarize(servicesRounds) : undefined;

    let soak: RegionReport['soak'];
    if (options.soakS > 0) {
      log(`region: soak, ${options.soakS} s of the mix, gateway RSS every 5 s…`);
      const samples: { tS: number; bytes: number }[] = [];
      const t0 = Date.now();
      const sample = () => {
        const bytes = rssBytes(stack.gateway.pid);
        if (bytes !== undefined) samples.push({ tS: (Date.now() - t0) / 1000, bytes });
      };
      sample();
      const timer = setInterval(sample, 5000);
      const results = await driver.run(loads(options.soakS));
      clearInterval(timer);
      sample();
      soak = {
        seconds: options.soakS,
        rss: rssTrend(samples),
        kinds: Object.fromEntries(results.map((l) => [l.label, l])) as Record<QueryKind, LoadResult>,
      };
      log(
        `region: soak RSS ${soak.rss.startMB.toFixed(0)} → ${soak.rss.endMB.toFixed(0)} MB (max ${soak.rss.maxMB.toFixed(0)}), slope ${soak.rss.slopeMBPerMin.toFixed(2)} MB/min`,
      );
    }

    return {
      scenario: 'region',
      wallSeconds: (Date.now() - started) / 1000,
      fixturesDir: options.fixtures,
      fixturesGeneratedSeconds,
      indexPersons: stack.services.info.indexPersons,
      start: { servicesMs: stack.servicesStartMs, gatewayMs: stack.gatewayStartMs, servicesPhasesMs: stack.services.info.startMs },
      connections,
      kinds: Object.fromEntries(
        QUERY_KINDS.map((k) => [k, { rounds: rounds[k], summary: summarize(rounds[k]) }]),
      ) as unknown as RegionReport['kinds'],
      totalRps: gatewaySummary.rps,
      gateway: { rssMaxMB: gatewaySummary.rssMaxMB, cpuCores: gatewaySummary.cpuCores },
      services: { rssMaxMB: servicesSummary?.rssMaxMB ?? null, cpuCores: servicesSummary?.cpuCores ?? null },
      legacyCalls,
      clientOverviewP99TargetMs: CLIENT_OVERVIEW_P99_TARGET_MS,
      ...(soak ? { soak } : {}),
    };
  } finally {
    await stack.stop();
  }
}
