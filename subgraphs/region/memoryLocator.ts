/** An in-memory PersonLocator for tests and tools: a fixed map from identity code to entries. */
import type { IndexEntry, PersonLocator, SourceIndexStatus } from './personLocator.ts';

export interface MemoryLocator extends PersonLocator {
  /** Every `locate` call's codes, in call order (to assert batching). */
  readonly calls: string[][];
  /** Replaces one person's entries. */
  set(hetu: string, entries: readonly IndexEntry[]): void;
  /** Makes the next `locate` calls reject (simulates an index whose database is down). */
  failing: boolean;
}

/** Creates a locator answering from `entries`; persons not in it have no records anywhere. */
export function createMemoryLocator(
  entries: Readonly<Record<string, readonly IndexEntry[]>> = {},
  status: readonly SourceIndexStatus[] = [],
): MemoryLocator {
  const map = new Map(Object.entries(entries).map(([h, e]) => [h, [...e]]));
  const calls: string[][] = [];
  const locator: MemoryLocator = {
    calls,
    failing: false,
    set(hetu, e) {
      map.set(hetu, [...e]);
    },
    async locate(hetus) {
      calls.push([...hetus]);
      if (locator.failing) throw new Error('The person index is unavailable.');
      return hetus.map((h) => [...(map.get(h) ?? [])]);
    },
    ready: () => true,
    status: () => [...status],
  };
  return locator;
}
