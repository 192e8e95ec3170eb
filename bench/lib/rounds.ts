/** One measured run of a target: warm-up, then load while its process's RSS and CPU are sampled. */
import type { Driver } from './driver.ts';
import type { BenchRequest, LoadResult, LoadSpec } from './driverTypes.ts';
import { sampleUsage } from './proc.ts';
import type { Usage } from './proc.ts';

export interface Measured {
  readonly loads: LoadResult[];
  /** The sampled process's figures, when a pid was given. */
  readonly usage?: Usage;
  /** The figures of `alsoPid` (e.g. the region's services behind the gateway). */
  readonly alsoUsage?: Usage;
}

/**
 * Runs `loads(warmupS)` unmeasured (when warmupS > 0), then `loads(durationS)`
 * while sampling process `pid`; all loads of one call run at once.
 */
export async function measureRun(
  driver: Driver,
  loads: (durationS: number) => LoadSpec[],
  options: { readonly warmupS: number; readonly durationS: number; readonly pid?: number; readonly alsoPid?: number },
): Promise<Measured> {
  if (options.warmupS > 0) await driver.run(loads(options.warmupS));
  const sampler = options.pid !== undefined ? sampleUsage(options.pid) : undefined;
  const alsoSampler = options.alsoPid !== undefined ? sampleUsage(options.alsoPid) : undefined;
  const results = await driver.run(loads(options.durationS));
  const usage = sampler?.stop();
  const alsoUsage = alsoSampler?.stop();
  return { loads: results, ...(usage ? { usage } : {}), ...(alsoUsage ? { alsoUsage } : {}) };
}

/** A GraphQL POST as the driver sends it (content-type application/json: our gateway's CSRF prevention wants it, all get it). */
export function graphqlPost(
  path: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): BenchRequest {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) };
}

/** Splits a URL into the driver's origin and path. */
export function originAndPath(url: string): { origin: string; path: string } {
  const u = new URL(url);
  return { origin: u.origin, path: `${u.pathname}${u.search}` };
}

/** POSTs one request to `origin` and resolves with the status and parsed JSON body (for answer checks, not load). */
export async function sendOnce(origin: string, request: BenchRequest): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${origin}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** JSON with object keys sorted, so two answers compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
