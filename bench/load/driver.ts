/**
 * The load driver: a process of its own (never the gateway's), driving load
 * with autocannon's API. `node --import tsx bench/load/driver.ts` reads one
 * JSON job per stdin line (`DriverJob`), runs all of its loads at once (one
 * autocannon instance each, e.g. one per query kind of a mix) and writes one
 * JSON line per job (`DriverReply`) on stdout.
 *
 * Every response is checked: a non-2xx status, or a body without `"data"` or
 * with `"errors"`, counts as an error.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DriverJob, DriverReply, ErrorSample, LoadResult, LoadSpec } from '../lib/driverTypes.ts';
import { errorSample } from '../lib/errorSample.ts';

/** What this file uses of autocannon (no types shipped; imported through a variable: bench/load is installed by the bench). */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  onResponse: (status: number, body: string) => void;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; timeout: number; requests: AutocannonRequest[] },
  callback: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const AUTOCANNON = 'autocannon';
const autocannon = ((await import(AUTOCANNON)) as { default: Autocannon }).default;

/** The q-quantile (0…1) of sorted values, nearest rank. */
function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** How many failed answers a load keeps as samples. */
const MAX_ERROR_SAMPLES = 3;

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let non2xx = 0;
  let graphqlErrors = 0;
  const errorSamples: ErrorSample[] = [];
  const latencies: number[] = [];
  const onResponse = (status: number, body: string) => {
    const failed = status < 200 || status >= 300 || !body.includes('"data"') || body.includes('"errors"');
    if (!failed) return;
    if (status < 200 || status >= 300) non2xx++;
    else graphqlErrors++;
    if (errorSamples.length < MAX_ERROR_SAMPLES) errorSamples.push(errorSample(status, body));
  };
  const requests = spec.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body, onResponse }));
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: spec.origin, connections: spec.connections, duration: spec.durationS, timeout: 10, requests, ...(spec.ratePerConnection ? { connectionRate: spec.ratePerConnection } : {}) },
      (err, result) => {
        if (err) {
          reject(err);
          return;
        }
        latencies.sort((a, b) => a - b);
        const sum = latencies.reduce((a, b) => a + b, 0);
        resolve({
          label: spec.label,
          completed: latencies.length,
          durationS: result.duration,
          rps: latencies.length / result.duration,
          latencyMs: {
            p50: quantileSorted(latencies, 0.5),
            p95: quantileSorted(latencies, 0.95),
            p99: quantileSorted(latencies, 0.99),
            mean: latencies.length ? sum / latencies.length : 0,
            max: latencies.at(-1) ?? 0,
          },
          non2xx,
          graphqlErrors,
          connErrors: result.errors,
          timeouts: result.timeouts,
          errors: non2xx + graphqlErrors + result.errors,
          errorSamples,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const job = JSON.parse(line) as DriverJob;
    let reply: DriverReply;
    try {
      reply = { id: job.id, results: await Promise.all(job.loads.map(runLoad)) };
    } catch (err) {
      reply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await main();
}
