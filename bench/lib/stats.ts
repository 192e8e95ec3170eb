/**
 * The bench's statistics: rounds of one target summarised (medians over
 * rounds), ratios between targets, the RSS trend of a soak. Pure functions.
 */
import type { ErrorSample, LoadResult } from './driverTypes.ts';

/** The median of `xs` (mean of the two middle values for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `a ÷ b`, or null when either is missing, not finite, or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/** One measured round of one target (or one query kind). */
export interface RoundMeasurement {
  readonly round: number;
  readonly load: LoadResult;
  /** The measured process's RSS (max and at the end of the round), bytes; absent when no process is measured. */
  readonly rssMaxBytes?: number;
  readonly rssEndBytes?: number;
  /** The measured process's CPU seconds during the round. */
  readonly cpuSeconds?: number;
}

export interface Summary {
  readonly rounds: number;
  /** Median over rounds of requests per second. */
  readonly rps: number;
  readonly rpsByRound: readonly number[];
  /** Medians over rounds of each round's latency percentile, ms. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Responses and errors over all rounds. */
  readonly requests: number;
  readonly errors: number;
  readonly errorBreakdown: {
    readonly non2xx: number;
    readonly graphqlErrors: number;
    readonly connErrors: number;
    readonly timeouts: number;
  };
  /** The first few failed answers over the rounds (status, error codes and messages; no data). */
  readonly errorSamples: readonly ErrorSample[];
  /** Largest RSS seen in any round and the last round's end RSS, MB (10^6 bytes); null when not measured. */
  readonly rssMaxMB: number | null;
  readonly rssEndMB: number | null;
  /** Median over rounds: CPU cores used (CPU seconds ÷ wall seconds) and CPU milliseconds per request. */
  readonly cpuCores: number | null;
  readonly cpuMsPerRequest: number | null;
}

const MB = 1e6;

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Summarises the rounds of one target; throws for none. */
export function summarize(rounds: readonly RoundMeasurement[]): Summary {
  if (rounds.length === 0) throw new Error('expected at least one round to summarise, received none');
  const loads = rounds.map((r) => r.load);
  const rss = rounds.filter((r) => r.rssMaxBytes !== undefined);
  const cpu = rounds.filter((r) => r.cpuSeconds !== undefined);
  const last = [...rounds].sort((a, b) => a.round - b.round).at(-1)!;
  return {
    rounds: rounds.length,
    rps: median(loads.map((l) => l.rps)),
    rpsByRound: loads.map((l) => l.rps),
    p50Ms: median(loads.map((l) => l.latencyMs.p50)),
    p95Ms: median(loads.map((l) => l.latencyMs.p95)),
    p99Ms: median(loads.map((l) => l.latencyMs.p99)),
    requests: sum(loads.map((l) => l.completed)),
    errors: sum(loads.map((l) => l.errors)),
    errorBreakdown: {
      non2xx: sum(loads.map((l) => l.non2xx)),
      graphqlErrors: sum(loads.map((l) => l.graphqlErrors)),
      connErrors: sum(loads.map((l) => l.connErrors)),
      timeouts: sum(loads.map((l) => l.timeouts)),
    },
    errorSamples: loads.flatMap((l) => l.errorSamples ?? []).slice(0, 3),
    rssMaxMB: rss.length ? Math.max(...rss.map((r) => r.rssMaxBytes!)) / MB : null,
    rssEndMB: last.rssEndBytes !== undefined ? last.rssEndBytes / MB : null,
    cpuCores: cpu.length ? median(cpu.map((r) => r.cpuSeconds! / r.load.durationS)) : null,
    cpuMsPerRequest: cpu.length
      ? median(cpu.filter((r) => r.load.completed > 0).map((r) => (r.cpuSeconds! * 1000) / r.load.completed))
      : null,
  };
}

/** Ours against one other target, measured side by side. */
export interface Comparison {
  readonly against: string;
  /** ours' median req/s ÷ theirs */
  readonly rps: number | null;
  /** ours' req/s ÷ theirs in each round (same round, adjacent in time): min and max show how steady the ratio is. */
  readonly rpsByRound: readonly (number | null)[];
  /** ours' p99 ÷ theirs (below 1: ours is faster at the tail). */
  readonly p99: number | null;
  /**
   * ours' CPU ms per request ÷ theirs (below 1: ours costs less). Steadier
   * than req/s on a machine shared with other work: it does not depend on
   * how much CPU the process got.
   */
  readonly cpuPerRequest: number | null;
}

/** Ratios of `ours` to each of `others` (by name), round by round as well as of the medians. */
export function compare(ours: readonly RoundMeasurement[], others: Readonly<Record<string, readonly RoundMeasurement[]>>): Comparison[] {
  const mine = summarize(ours);
  return Object.entries(others).map(([against, theirs]) => {
    const s = summarize(theirs);
    const byRound = ours.map((o) => ratio(o.load.rps, theirs.find((t) => t.round === o.round)?.load.rps));
    return {
      against,
      rps: ratio(mine.rps, s.rps),
      rpsByRound: byRound,
      p99: ratio(mine.p99Ms, s.p99Ms),
      cpuPerRequest: ratio(mine.cpuMsPerRequest ?? undefined, s.cpuMsPerRequest ?? undefined),
    };
  });
}

export interface RssTrend {
  readonly samples: number;
  readonly startMB: number;
  readonly endMB: number;
  readonly maxMB: number;
  /** Least-squares slope over the run, MB per minute. */
  readonly slopeMBPerMin: number;
}

/** The RSS trend of a soak from samples `{ tS: seconds since start, bytes }`; throws for fewer than two. */
export function rssTrend(samples: readonly { readonly tS: number; readonly bytes: number }[]): RssTrend {
  if (samples.length < 2) throw new Error(`expected at least two RSS samples, received ${samples.length}`);
  const n = samples.length;
  const mx = sum(samples.map((s) => s.tS)) / n;
  const my = sum(samples.map((s) => s.bytes)) / n;
  const sxy = sum(samples.map((s) => (s.tS - mx) * (s.bytes - my)));
  const sxx = sum(samples.map((s) => (s.tS - mx) ** 2));
  const slopePerS = sxx === 0 ? 0 : sxy / sxx;
  return {
    samples: n,
    startMB: samples[0]!.bytes / MB,
    endMB: samples[n - 1]!.bytes / MB,
    maxMB: Math.max(...samples.map((s) => s.bytes)) / MB,
    slopeMBPerMin: (slopePerS * 60) / MB,
  };
}

/** `items` rotated left by `r` places (round r's order: each target goes first once every n rounds). */
export function rotate<T>(items: readonly T[], r: number): T[] {
  if (items.length === 0) return [];
  const k = ((r % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
