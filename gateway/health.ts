/**
 * Readiness: every subgraph answers a trivial query, and every check the
 * caller passes in (e.g. "the person index is built") says yes. Served from
 * a short-lived cache (ReadinessCache), so that /readyz, which anyone may
 * call, costs at most one round of subgraph probes per cache period however
 * often it is called.
 */
import type { Fetcher } from './fetcher.ts';

/** A readiness check of something the gateway depends on; true when ready. */
export type ReadyCheck = () => boolean | Promise<boolean>;

export interface SubgraphHealth {
  readonly ok: boolean;
  /** Why not: HTTP status, `UNREACHABLE`, `TIMEOUT` or `BAD_RESPONSE`. */
  readonly reason?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly subgraphs: Record<string, SubgraphHealth>;
  readonly checks: Record<string, boolean>;
  /** What is not ready, e.g. `subgraph lists`, `personIndex`. */
  readonly notReady: string[];
}

const PROBE = JSON.stringify({ query: '{ __typename }' });

/** Headers a probe of one subgraph carries (the gateway's signed internal token: subgraphs refuse anything else). */
export type ProbeHeaders = (subgraph: string) => Promise<Record<string, string>>;

/** Sends `{ __typename }` to one subgraph; ok when it answers 200 with `data.__typename`. */
export async function probeSubgraph(
  fetcher: Fetcher,
  url: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<SubgraphHealth> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: PROBE,
      signal,
    });
    const text = await response.text();
    if (response.status !== 200) return { ok: false, reason: `HTTP_${response.status}` };
    const body = JSON.parse(text) as { data?: { __typename?: unknown } };
    return typeof body?.data?.__typename === 'string' ? { ok: true } : { ok: false, reason: 'BAD_RESPONSE' };
  } catch (err) {
    if (signal.aborted) return { ok: false, reason: 'TIMEOUT' };
    return { ok: false, reason: err instanceof SyntaxError ? 'BAD_RESPONSE' : 'UNREACHABLE' };
  }
}

/** Probes every subgraph and runs every check, concurrently. A check that throws is not ready. */
export async function readiness(
  fetcher: Fetcher,
  subgraphs: ReadonlyMap<string, string>,
  checks: Readonly<Record<string, ReadyCheck>>,
  timeoutMs: number,
  onCheckError?: (name: string, err: unknown) => void,
  probeHeaders?: ProbeHeaders,
): Promise<Readiness> {
  const [probes, results] = await Promise.all([
    Promise.all(
      [...subgraphs].map(
        async ([name, url]) => [name, await probeSubgraph(fetcher, url, timeoutMs, probeHeaders ? await probeHeaders(name) : {})] as const,
      ),
    ),
    Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          return [name, (await check()) === true] as const;
        } catch (err) {
          onCheckError?.(name, err);
          return [name, false] as const;
        }
      }),
    ),
  ]);
  const notReady = [...probes.filter(([, h]) => !h.ok).map(([n]) => `subgraph ${n}`), ...results.filter(([, ok]) => !ok).map(([n]) => n)];
  return { ready: notReady.length === 0, subgraphs: Object.fromEntries(probes), checks: Object.fromEntries(results), notReady };
}

/** A readiness result and when it was computed (ms since the epoch, by the cache's clock). */
export interface CheckedReadiness {
  readonly readiness: Readiness;
  readonly checkedAt: number;
}

export interface ReadinessCacheOptions {
  /** Computes readiness afresh (probes every subgraph, runs every check). */
  readonly refresh: () => Promise<Readiness>;
  /** How long a result is served before the next call computes a new one. */
  readonly maxAgeMs: number;
  /** "Now" in ms; default Date.now. */
  readonly now?: () => number;
}

/**
 * Readiness computed at most once per `maxAgeMs`, with at most one
 * computation in flight: callers arriving while one runs wait for it. Why
 * not on a timer: nothing is probed while nobody asks, and there is no timer
 * to stop. Bound: subgraph probes ≤ subgraphs × (1 + elapsed / maxAgeMs).
 */
export class ReadinessCache {
  private last: CheckedReadiness | undefined;
  private inFlight: Promise<CheckedReadiness> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ReadinessCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The last result if younger than maxAgeMs, else the one being computed (started if none is). */
  get(): Promise<CheckedReadiness> {
    const last = this.last;
    if (last && this.now() - last.checkedAt < this.options.maxAgeMs) return Promise.resolve(last);
    if (!this.inFlight) {
      const started = this.now();
      this.inFlight = this.options
        .refresh()
        .then((readiness) => {
          this.last = { readiness, checkedAt: started };
          return this.last;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }
}
