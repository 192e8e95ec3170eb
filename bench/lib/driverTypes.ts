/** The load driver's wire protocol (bench/load/driver.ts ↔ bench/lib/driver.ts): JSON lines. */

/** One HTTP request of a load (the shape bench/region/mix.ts builds too). */
export interface BenchRequest {
  readonly method: 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One autocannon instance: `connections` connections cycling through `requests` for `durationS` seconds. */
export interface LoadSpec {
  readonly label: string;
  /** e.g. `http://127.0.0.1:4000` */
  readonly origin: string;
  readonly connections: number;
  readonly durationS: number;
  readonly requests: readonly BenchRequest[];
  /** Requests per second per connection (autocannon's connectionRate); absent: as fast as answers come. */
  readonly ratePerConnection?: number;
}

export interface DriverJob {
  readonly id: number;
  /** Run at once. */
  readonly loads: readonly LoadSpec[];
}

export interface LatencyMs {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export interface LoadResult {
  readonly label: string;
  /** Responses received. */
  readonly completed: number;
  /** Seconds the load ran. */
  readonly durationS: number;
  /** completed ÷ durationS */
  readonly rps: number;
  /** Over every response (2xx or not). */
  readonly latencyMs: LatencyMs;
  /** Responses with a status outside 2xx. */
  readonly non2xx: number;
  /** 2xx responses whose body has no `"data"` or has `"errors"`. */
  readonly graphqlErrors: number;
  /** Connection errors and timeouts (autocannon's `errors`). */
  readonly connErrors: number;
  readonly timeouts: number;
  /** non2xx + graphqlErrors + connErrors */
  readonly errors: number;
  /**
   * The first few failed answers: status and each error's code, message and
   * path (never the body's data, which may be personal).
   */
  readonly errorSamples: readonly ErrorSample[];
}

export interface ErrorSample {
  readonly status: number;
  readonly errors: readonly { readonly code?: string; readonly message?: string; readonly path?: readonly (string | number)[] }[];
}

export type DriverReply =
  { readonly id: number; readonly results: readonly LoadResult[] } | { readonly id: number; readonly error: string };
