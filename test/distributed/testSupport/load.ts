/**
 * A bounded steady load for the distributed tests: `clients` concurrent
 * clients, each sending one operation after another for `durationMs` to the
 * gateways in turn (client i to gateway i mod n), every answer checked
 * against the answer it must equal. Each request is recorded with its start
 * and end times, so failures and latency can be set against the moment a
 * replica was killed.
 */
import { Agent, fetch } from 'undici';

/** A gateway and a token it accepts. */
export interface LoadTarget {
  readonly url: string;
  readonly token: string;
}

export interface LoadOptions {
  readonly targets: readonly LoadTarget[];
  readonly clients: number;
  readonly durationMs: number;
  /** The operation sent (a JSON body for /graphql). */
  readonly body: string;
  /** The complete answer, normalised with `normalise`: anything else is a failure. */
  readonly expected: string;
  /** Normalises an answer body before it is compared (e.g. drops request ids). */
  readonly normalise: (body: string) => string;
  /** Per-request deadline, ms; default 20 000. */
  readonly timeoutMs?: number;
  /** Called at these offsets (ms from the start) while the load runs, e.g. to kill a replica. */
  readonly at?: readonly { readonly afterMs: number; readonly run: () => Promise<void> }[];
}

/** One request of the load. */
export interface Sample {
  /** ms since the epoch. */
  readonly start: number;
  readonly end: number;
  readonly target: number;
  /** Undefined for a complete answer; else what was wrong (status, error code, or `incomplete`). */
  readonly failure?: string;
}

/** Runs the load; resolves with every request's sample once the last client has stopped (and every `at` has run). */
export async function runLoad(options: LoadOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const started = Date.now();
  const until = started + options.durationMs;
  // One pool for the load, closed at the end, so no keep-alive socket outlives the test.
  const dispatcher = new Agent({ connections: options.clients, keepAliveTimeout: 4_000 });
  const client = async (i: number): Promise<void> => {
    const target = i % options.targets.length;
    const { url, token } = options.targets[target]!;
    while (Date.now() < until) {
      const start = Date.now();
      let failure: string | undefined;
      try {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: options.body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
          dispatcher,
        });
        const text = await res.text();
        if (res.status !== 200) failure = `status ${res.status}`;
        else if (options.normalise(text) !== options.expected) failure = incomplete(text);
      } catch (err) {
        failure = errorCode(err);
      }
      samples.push({ start, end: Date.now(), target, ...(failure ? { failure } : {}) });
    }
  };
  const scheduled = (options.at ?? []).map(
    (a) => new Promise<void>((resolve, reject) => setTimeout(() => a.run().then(resolve, reject), a.afterMs)),
  );
  try {
    await Promise.all([...Array.from({ length: options.clients }, (_, i) => client(i)), ...scheduled]);
  } finally {
    await dispatcher.close();
  }
  return samples.sort((a, b) => a.start - b.start);
}

/** `incomplete`, with the error codes and services the answer names (never its data), so a failure says what went missing. */
function incomplete(text: string): string {
  let errors: unknown;
  try {
    errors = (JSON.parse(text) as { errors?: unknown }).errors;
  } catch {
    return 'incomplete (not JSON)';
  }
  if (!Array.isArray(errors) || errors.length === 0) return 'incomplete (no error: other data)';
  const codes = errors.map((e: { extensions?: { code?: unknown; serviceName?: unknown; instance?: unknown } }) =>
    [e.extensions?.code, e.extensions?.serviceName, e.extensions?.instance].filter((x) => typeof x === 'string').join('/'),
  );
  return `incomplete (${[...new Set(codes)].sort().join(', ')})`;
}

function errorCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string } } | null)?.cause;
  if (cause?.code) return cause.code;
  return err instanceof Error ? err.name : 'error';
}

/** Latency percentile (nearest rank) of samples, ms; 0 for none. */
export function percentile(samples: readonly Sample[], p: number): number {
  if (samples.length === 0) return 0;
  const ms = samples.map((s) => s.end - s.start).sort((a, b) => a - b);
  return ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)]!;
}

/** What a load around one moment (a kill) looked like. */
export interface LoadSummary {
  readonly requests: number;
  readonly failures: number;
  /** Failures by reason, e.g. `{ incomplete: 2 }`. */
  readonly failureReasons: Readonly<Record<string, number>>;
  /** Requests per second over the whole load. */
  readonly rate: number;
  /** p50 and p99 latency of requests that ended before the moment, ms. */
  readonly before: { readonly p50: number; readonly p99: number };
  /** Longest latency of a request in flight at the moment or started within `windowMs` after it, ms (the blip). */
  readonly blipMaxMs: number;
  /** p50 of requests started after `windowMs` past the moment, ms. */
  readonly afterP50: number;
  /** Failures of requests started more than `windowMs` after the moment: none may remain once the balancer routes around. */
  readonly lateFailures: number;
}

/** Summarises a load against a moment (ms since the epoch). */
export function summarise(samples: readonly Sample[], moment: number, windowMs = 3_000): LoadSummary {
  const failed = samples.filter((s) => s.failure !== undefined);
  const reasons: Record<string, number> = {};
  for (const s of failed) reasons[s.failure!] = (reasons[s.failure!] ?? 0) + 1;
  const first = samples[0]?.start ?? 0;
  const last = Math.max(0, ...samples.map((s) => s.end));
  const before = samples.filter((s) => s.end < moment);
  const around = samples.filter((s) => s.end >= moment && s.start <= moment + windowMs);
  const after = samples.filter((s) => s.start > moment + windowMs);
  return {
    requests: samples.length,
    failures: failed.length,
    failureReasons: reasons,
    rate: samples.length / Math.max(0.001, (last - first) / 1000),
    before: { p50: percentile(before, 50), p99: percentile(before, 99) },
    blipMaxMs: Math.max(0, ...around.map((s) => s.end - s.start)),
    afterP50: percentile(after, 50),
    lateFailures: after.filter((s) => s.failure !== undefined).length,
  };
}
