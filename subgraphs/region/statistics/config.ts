/** The statistics' settings from the environment, parsed once at the boundary. */

export interface StatisticsConfig {
  readonly intervalMs: number;
  readonly batchSize: number;
  readonly concurrency: number;
}

/** A setting that cannot be used. */
export class StatisticsConfigError extends Error {
  override readonly name = 'StatisticsConfigError';
}

/**
 * Reads `STATISTICS_REFRESH_MS` (pause between full walks over every indexed
 * person, the safety net behind the changes applied from each index poll;
 * default 21 600 000 = 6 h, at least 1 000), `STATISTICS_BATCH_SIZE` (persons
 * per read; default 50) and `STATISTICS_CONCURRENCY` (reads under way at once;
 * default 8).
 */
export function parseStatisticsConfig(env: Readonly<Record<string, string | undefined>>): StatisticsConfig {
  return {
    intervalMs: whole(env, 'STATISTICS_REFRESH_MS', 6 * 3_600_000, 1_000, 'whole milliseconds'),
    batchSize: whole(env, 'STATISTICS_BATCH_SIZE', 50, 1, 'a whole number'),
    concurrency: whole(env, 'STATISTICS_CONCURRENCY', 8, 1, 'a whole number'),
  };
}

function whole(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number, what: string): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new StatisticsConfigError(`expected ${name} as ${what} of at least ${min}, received ${JSON.stringify(raw)}`);
  }
  return n;
}
