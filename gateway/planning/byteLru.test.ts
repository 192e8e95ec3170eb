/** The byte-bounded LRU under every cache of the gateway: bound, order, oversize entries. */
import { describe, expect, it } from 'vitest';
import { ByteLru } from './byteLru.ts';

describe('ByteLru', () => {
  it('never holds more than its byte bound, however many distinct entries arrive', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 10_000 });
    for (let i = 0; i < 5_000; i++) {
      cache.set(`k${i}`, i, 100 + (i % 7) * 50);
      expect(cache.bytes).toBeLessThanOrEqual(10_000);
    }
    expect(cache.size).toBeGreaterThan(10);
    expect(cache.get('k4999')).toBe(4999);
    expect(cache.get('k0')).toBeUndefined();
  });

  it('drops the least recently used first; a read makes an entry recent', () => {
    const cache = new ByteLru<string, string>({ maxBytes: 300, maxEntryBytes: 300 });
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    cache.set('c', 'C', 100);
    expect(cache.get('a')).toBe('A');
    cache.set('d', 'D', 100); // evicts b, the least recently used
    expect(cache.keys()).toEqual(['c', 'a', 'd']);
    cache.set('e', 'E', 200); // evicts c and a
    expect(cache.keys()).toEqual(['d', 'e']);
    expect(cache.bytes).toBe(300);
  });

  it('does not keep an entry over the per-entry cap (default a sixteenth of the bound), nor replace one with it', () => {
    const cache = new ByteLru<string, string>({ maxBytes: 1_600 });
    expect(cache.maxEntryBytes).toBe(100);
    expect(cache.set('small', 's', 100)).toBe(true);
    expect(cache.set('big', 'b', 101)).toBe(false);
    expect(cache.get('big')).toBeUndefined();
    expect(cache.keys()).toEqual(['small']);
    // Re-setting a key with an oversize value drops the old value rather than keeping a stale one.
    expect(cache.set('small', 'S', 500)).toBe(false);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
