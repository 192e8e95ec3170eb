/**
 * Adapts the person index (subgraphs/region/personIndex/) to the
 * PersonLocator the region subgraph codes against. Typed structurally so
 * the two sides can evolve separately.
 */
import type { IndexEntry, PersonLocator, SourceIndexStatus } from './personLocator.ts';

/** What the locator needs of the person index. */
export interface PersonIndexLike {
  lookup(hetus: readonly string[]): Promise<IndexEntry[][]>;
  readonly ready: boolean;
  status(): Promise<{ readonly sources: readonly SourceIndexStatus[] }>;
}

/** A PersonLocator over the person index. */
export function locatorFromPersonIndex(index: PersonIndexLike): PersonLocator {
  return {
    locate: (hetus) => index.lookup(hetus),
    ready: () => index.ready,
    status: async () => (await index.status()).sources.map((s) => ({ ...s })),
  };
}
