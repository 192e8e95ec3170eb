/**
 * Small-count suppression for the analysts' aggregates (issue 4): any count
 * below the threshold (5) is withheld, so no published cell can point at a
 * handful of identifiable people. Zero is below 5 too and is withheld like
 * any other small count (publishing "0" next to suppressed cells would let
 * a reader tell the two apart).
 */

/** The smallest count that may be published. */
export const MIN_PUBLISHED_COUNT = 5;

/** A count as published: the value, or null and `suppressed` when it was too small. */
export interface PublishedCount {
  readonly value: number | null;
  readonly suppressed: boolean;
}

/** Publishes one count: below `threshold` → `{ value: null, suppressed: true }`. */
export function suppressCount(count: number, threshold: number = MIN_PUBLISHED_COUNT): PublishedCount {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('expected a count as a non-negative integer, received another value');
  return count < threshold ? { value: null, suppressed: true } : { value: count, suppressed: false };
}

/**
 * Publishes the cells of one breakdown whose total is published too. Primary
 * suppression withholds every small cell; when exactly one cell is withheld,
 * the total minus the others would reveal it, so the smallest published cell
 * is withheld as well (secondary suppression). The total itself follows
 * `suppressCount`.
 */
export function suppressBreakdown<K extends string>(
  cells: Readonly<Record<K, number>>,
  threshold: number = MIN_PUBLISHED_COUNT,
): { readonly cells: Record<K, PublishedCount>; readonly total: PublishedCount } {
  const keys = Object.keys(cells) as K[];
  const out = {} as Record<K, PublishedCount>;
  let total = 0;
  for (const k of keys) {
    out[k] = suppressCount(cells[k], threshold);
    total += cells[k];
  }
  const withheld = keys.filter((k) => out[k].suppressed);
  if (withheld.length === 1) {
    const next = keys.filter((k) => !out[k].suppressed).sort((a, b) => cells[a] - cells[b] || a.localeCompare(b))[0];
    if (next !== undefined) out[next] = { value: null, suppressed: true };
  }
  return { cells: out, total: suppressCount(total, threshold) };
}
