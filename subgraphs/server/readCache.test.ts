import { describe, expect, it } from 'vitest';
import { OperationReadCache, operationScope, readThrough } from './readCache.ts';

describe('OperationReadCache', () => {
  it('serves an entry within its scope until it expires, and never to another scope', async () => {
    let now = 1_000;
    const cache = new OperationReadCache<string>({ ttlMs: 100, now: () => now });
    cache.set('op-1', 'vtj', 'A', Promise.resolve('read'));
    expect(await cache.get('op-1', 'vtj', 'A')).toBe('read');
    expect(cache.get('op-2', 'vtj', 'A')).toBeUndefined();
    expect(cache.get('op-1', 'effica-porvoo', 'A')).toBeUndefined();
    now += 100;
    expect(cache.get('op-1', 'vtj', 'A')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('tells every lookup whether it hit a live entry (telemetry counts the hit rate)', () => {
    let now = 1_000;
    const lookups: boolean[] = [];
    const cache = new OperationReadCache<string>({ ttlMs: 100, now: () => now, onLookup: (hit) => lookups.push(hit) });
    cache.get('op-1', 'vtj', 'A');
    cache.set('op-1', 'vtj', 'A', Promise.resolve('read'));
    cache.get('op-1', 'vtj', 'A');
    now += 100;
    cache.get('op-1', 'vtj', 'A');
    expect(lookups).toEqual([false, true, false]);
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const cache = new OperationReadCache<number>({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) cache.set('op', 'vtj', String(i), Promise.resolve(i));
    expect(cache.size).toBe(3);
    expect(cache.get('op', 'vtj', '0')).toBeUndefined();
    expect(cache.get('op', 'vtj', '1')).toBeUndefined();
    expect(cache.get('op', 'vtj', '4')).toBeDefined();
  });

  it('drops expired entries when new ones come, so a quiet key does not stay', () => {
    let now = 0;
    const cache = new OperationReadCache<number>({ ttlMs: 10, now: () => now });
    cache.set('op-1', 'vtj', 'A', Promise.resolve(1));
    now = 50;
    cache.set('op-2', 'vtj', 'B', Promise.resolve(2));
    expect(cache.size).toBe(1);
  });

  it('scopes by request id and by caller', () => {
    const a = operationScope('req-1', { kind: 'citizen', sub: 'a', hetu: '010101-900R' });
    expect(a).not.toBe(operationScope('req-2', { kind: 'citizen', sub: 'a', hetu: '010101-900R' }));
    expect(a).not.toBe(operationScope('req-1', { kind: 'citizen', sub: 'b', hetu: '010101-900R' }));
    expect(a).not.toBe(operationScope('req-1', null));
  });

  it('refuses unusable settings', () => {
    expect(() => new OperationReadCache({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => new OperationReadCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('readThrough', () => {
  it('reads only the keys not yet read in this scope, in one call, and answers every key in order', async () => {
    const cache = new OperationReadCache<string>();
    const calls: string[][] = [];
    const read = async (keys: readonly string[]) => {
      calls.push([...keys]);
      return keys.map((k) => `read ${k}`);
    };
    expect(await readThrough(cache, 'op', 'vtj', ['A', 'B'], read)).toEqual(['read A', 'read B']);
    expect(await readThrough(cache, 'op', 'vtj', ['B', 'C', 'A', 'C'], read)).toEqual(['read B', 'read C', 'read A', 'read C']);
    expect(await readThrough(cache, 'other-op', 'vtj', ['A'], read)).toEqual(['read A']);
    expect(calls).toEqual([['A', 'B'], ['C'], ['A']]);
  });

  it('does not keep a failure: an error slot or a rejected read is asked again', async () => {
    const cache = new OperationReadCache<string | Error>();
    let calls = 0;
    const failing = async (keys: readonly string[]): Promise<(string | Error)[]> => {
      calls++;
      if (calls === 1) throw new Error('source down');
      return keys.map((k) => (k === 'B' ? new Error('B unavailable') : `read ${k}`));
    };
    await expect(readThrough(cache, 'op', 'vtj', ['A'], failing)).rejects.toThrow('source down');
    const second = await readThrough(cache, 'op', 'vtj', ['A', 'B'], failing);
    expect(second[0]).toBe('read A');
    expect(second[1]).toBeInstanceOf(Error);
    const third = await readThrough(cache, 'op', 'vtj', ['A', 'B'], failing);
    expect(third[0]).toBe('read A');
    expect(calls).toBe(3);
    expect(cache.get('op', 'vtj', 'B')).toBeUndefined();
  });
});
