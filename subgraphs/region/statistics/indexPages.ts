/**
 * Which persons to count: every person the person index holds, with the
 * instances holding their records, in pages. The statistics read the index
 * only; a function of this shape can come from anywhere (tests pass one
 * over a hand-built population).
 */
import type { InstanceId } from '../../../domain/region.ts';
import type { PersonIndexStore } from '../personIndex/store.ts';

/** One indexed person: the code and the instances holding their records. */
export interface IndexedPerson {
  readonly hetu: string;
  readonly instances: readonly InstanceId[];
}

/** Pages through every indexed person, each person once, in pages of at most `pageSize`. */
export type PersonPages = (pageSize: number, signal?: AbortSignal) => AsyncIterable<readonly IndexedPerson[]>;

/**
 * Pages through the person index's table, read-only, by code (keyset paging:
 * each page one indexed query, no cursor held open between pages, so the
 * poller's upserts go on meanwhile). A person seen by several instances comes
 * once with all of them.
 */
export function personPagesFromStore(store: Pick<PersonIndexStore, 'db'>): PersonPages {
  return async function* pages(pageSize, signal) {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new RangeError('expected pageSize as a positive integer, received another value');
    let after = '';
    for (;;) {
      signal?.throwIfAborted();
      const rows = await store.db.query<{ hetu: string; instances: InstanceId[] }>(
        `SELECT hetu, array_agg(instance ORDER BY instance) AS instances
           FROM person_index WHERE hetu > $1
          GROUP BY hetu ORDER BY hetu LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => ({ hetu: r.hetu, instances: r.instances }));
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.hetu;
    }
  };
}
