/**
 * Seeded randomness for the independent-oracle tests (`*.oracle.test.ts`):
 * a tiny PRNG (mulberry32), helpers to pick and draw from it, the seed and
 * case count a run uses, and the words a failure names its case with so it
 * can be replayed.
 *
 * The seed is fixed by default (every run tests the same cases);
 * `ORACLE_SEED` overrides it and `ORACLE_CASES` the number of cases:
 * `ORACLE_SEED=123 ORACLE_CASES=50000 npx vitest run adapters/lifecare/soap.oracle.test.ts`.
 */

/** The default seed of every oracle test. */
export const DEFAULT_SEED = 20_260_116;

/** A seeded source of numbers in [0, 1). */
export interface Random {
  /** The next number in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** `count` distinct elements of `items` (all of them when there are fewer), in a random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** A string of `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string;
}

/** mulberry32: a 32-bit state, fast, good enough to spread test cases (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max] (both inclusive) drawn from a bare generator (for tests that pass the generator around). */
export function int(next: () => number, min: number, max: number): number {
  if (!Number.isInteger(min) || !Number.isInteger(max) || max < min)
    throw new RangeError(`int: expected integers min <= max, received ${min}, ${max}`);
  return min + Math.floor(next() * (max - min + 1));
}

/** One element of a non-empty list drawn from a bare generator. */
export function pick<T>(next: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick: expected a non-empty list');
  return items[int(next, 0, items.length - 1)]!;
}

/** A Random over mulberry32 from `seed`. */
export function random(seed: number): Random {
  const next = mulberry32(seed);
  return {
    next,
    int: (min: number, max: number) => int(next, min, max),
    pick: <T>(items: readonly T[]): T => pick(next, items),
    chance: (p: number) => next() < p,
    sample<T>(items: readonly T[], count: number): T[] {
      const copy = [...items];
      const n = Math.min(count, copy.length);
      // A partial Fisher–Yates shuffle: the first n places.
      for (let i = 0; i < n; i++) {
        const j = int(next, i, copy.length - 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, n);
    },
    string(alphabet: string, length: number): string {
      const chars = [...alphabet];
      let out = '';
      for (let i = 0; i < length; i++) out += chars[int(next, 0, chars.length - 1)];
      return out;
    },
  };
}

/** The run's seed: `ORACLE_SEED` when set (an integer), else the default. */
export function oracleSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['ORACLE_SEED'];
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`ORACLE_SEED: expected an integer, received ${JSON.stringify(raw)}`);
  return seed;
}

/** The number of cases: `ORACLE_CASES` when set (a positive integer), else the test's own default. */
export function oracleCases(defaultCases: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['ORACLE_CASES'];
  if (raw === undefined || raw === '') return defaultCases;
  const cases = Number(raw);
  if (!Number.isSafeInteger(cases) || cases < 1)
    throw new RangeError(`ORACLE_CASES: expected a positive integer, received ${JSON.stringify(raw)}`);
  return cases;
}

/**
 * The seed of case `index` of a run with `seed`: each case draws from its
 * own Random, so one case can be replayed without running those before it.
 */
export function caseSeed(seed: number, index: number): number {
  // Two rounds of a 32-bit mix of the pair (splitmix-like), so neighbouring cases get unrelated streams.
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The Random of case `index` of a run with `seed`. */
export function caseRandom(seed: number, index: number): Random {
  return random(caseSeed(seed, index));
}

/** Names a case in a failure message, with the command that replays the run. */
export function describeCase(seed: number, index: number, what?: string): string {
  return `oracle case ${index} of seed ${seed}${what ? ` (${what})` : ''}; replay: ORACLE_SEED=${seed} npx vitest run <this file>`;
}

/** The bare generator of case `index` of a run with `seed` (caseRandom without the helpers). */
export function caseRng(seed: number, index: number): () => number {
  return mulberry32(caseSeed(seed, index));
}

/** The words a failure starts with: which case, and how to replay it (describeCase). */
export function replay(seed: number, index: number): string {
  return describeCase(seed, index);
}
