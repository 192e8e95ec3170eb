/**
 * A tiny seeded PRNG for the independent-oracle tests (issue 16): mulberry32,
 * so a failing case replays from its seed. `ORACLE_SEED` overrides the
 * default seed, `ORACLE_CASES` the number of cases:
 * `ORACLE_SEED=123 ORACLE_CASES=50000 npx vitest run path/to/x.oracle.test.ts`.
 */

/** The seed every oracle test starts from unless ORACLE_SEED says otherwise. */
export const DEFAULT_ORACLE_SEED = 20_261_216;

/** A generator of numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer from min to max, both included. */
export function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('expected a non-empty list to pick from, received an empty one');
  return items[Math.floor(random() * items.length)]!;
}

/** ORACLE_SEED (an integer) or the default seed. */
export function oracleSeed(): number {
  return envInteger('ORACLE_SEED') ?? DEFAULT_ORACLE_SEED;
}

/** ORACLE_CASES (a positive integer) or `fallback`. */
export function oracleCases(fallback: number): number {
  const n = envInteger('ORACLE_CASES');
  return n !== undefined && n > 0 ? n : fallback;
}

/** The generator of case `index` under `seed`: each case replays alone. */
export function caseRng(seed: number, index: number): () => number {
  return rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ index) >>> 0);
}

/** The line a failure message starts with: how to replay it. */
export function replay(seed: number, index: number): string {
  return `seed ${seed}, case ${index} (replay: ORACLE_SEED=${seed} npx vitest run <file>)`;
}

function envInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new RangeError(`expected ${name} as an integer, received ${JSON.stringify(text)}`);
  return n;
}
