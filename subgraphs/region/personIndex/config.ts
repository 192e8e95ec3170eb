/** The person index's settings from the environment, parsed once at the boundary. */

export interface PersonIndexConfig {
  readonly intervalMs: number;
  readonly overlapMs: number;
  readonly fullRefreshMs: number;
}

/** A setting that cannot be used. */
export class PersonIndexConfigError extends Error {
  override readonly name = 'PersonIndexConfigError';
}

/**
 * Reads `PERSON_INDEX_POLL_MS` (default 30 000, at least 100),
 * `PERSON_INDEX_OVERLAP_MS` (default 120 000) and
 * `PERSON_INDEX_FULL_REFRESH_MS` (default 21 600 000 = 6 h; 0 = only while a
 * source was never built, per the database).
 */
export function parsePersonIndexConfig(env: Readonly<Record<string, string | undefined>>): PersonIndexConfig {
  return {
    intervalMs: wholeMs(env, 'PERSON_INDEX_POLL_MS', 30_000, 100),
    overlapMs: wholeMs(env, 'PERSON_INDEX_OVERLAP_MS', 120_000, 0),
    fullRefreshMs: wholeMs(env, 'PERSON_INDEX_FULL_REFRESH_MS', 6 * 3_600_000, 0),
  };
}

function wholeMs(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new PersonIndexConfigError(`expected ${name} as whole milliseconds of at least ${min}, received ${JSON.stringify(raw)}`);
  }
  return n;
}
