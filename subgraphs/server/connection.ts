/**
 * Relay cursor paging of an ordered list (`first`/`after`, `pageInfo`).
 *
 * A cursor is base64url of the JSON of the item's sort key followed by its
 * stable id: it names a position in the list's order, not an index, so a
 * page asked after items were added or removed before it still resumes right
 * after the last item the client saw. Cursors carry what the list is sorted
 * by (dates, ids), never a name or an identity code.
 */
import { GraphQLError } from 'graphql';

/** One item of a page with its cursor. */
export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

/** A page of a list: its edges, where it ends, and how many items the whole (filtered) list has. */
export interface Connection<T> {
  readonly edges: Edge<T>[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly totalCount: number;
}

/** One component of a sort key: a string or number; the last component is the item's unique id. */
export type SortKey = readonly (string | number)[];

/** The page size when `first` is not given, and the largest a client may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Longer than any cursor made here for the project's keys; refused before decoding. */
const MAX_CURSOR_CHARS = 512;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The cursor of an item with this sort key. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key a cursor names; null when the text is not a cursor made by encodeCursor. */
export function decodeCursor(cursor: string): SortKey | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length === 0) return null;
  if (!value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) return null;
  // Why the round trip: a cursor must be exactly one we made, not a lookalike that decodes to the same key.
  return encodeCursor(value as SortKey) === cursor ? (value as SortKey) : null;
}

/** -1, 0 or 1: how `a` sorts against `b`, component by component (numbers before strings of the same position). */
function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * One page of `items`, which are already in the list's order; `keyOf` gives
 * each item's sort key ending with its unique id, `descending` says whether
 * the list is ordered by that key from the largest. `first`: 1 to `max`
 * (default 20); `after`: the endCursor of a previous page. Out-of-range
 * `first` or a cursor not made here: BAD_USER_INPUT.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => SortKey,
  args: { readonly first?: number | null; readonly after?: string | null },
  options: { readonly descending?: boolean; readonly max?: number } = {},
): Connection<T> {
  const max = options.max ?? MAX_PAGE_SIZE;
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`expected first from 1 to ${max}, received ${first}`);
  let start = 0;
  if (args.after != null) {
    const after = decodeCursor(args.after);
    if (!after) throw badInput('expected after as a cursor from a previous page, received another value');
    const sign = options.descending ? -1 : 1;
    start = items.findIndex((item) => sign * compareKeys(keyOf(item), after) > 0);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: start + first < items.length, endCursor: edges.length > 0 ? edges[edges.length - 1]!.cursor : null },
    totalCount: items.length,
  };
}

/**
 * `items` in the order of their sort keys (ascending, or descending from the
 * largest), each key computed once: the order `paginate` pages in. A list
 * sorted otherwise (e.g. ties broken by instance and local id) must be put in
 * this order first, or a cursor would skip or repeat items.
 */
export function sortByKey<T>(items: readonly T[], keyOf: (item: T) => SortKey, descending = false): T[] {
  const sign = descending ? -1 : 1;
  return items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => sign * compareKeys(a.key, b.key))
    .map((k) => k.item);
}
