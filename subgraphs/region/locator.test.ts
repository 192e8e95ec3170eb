import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { locatorFromPersonIndex } from './locator.ts';

describe('locatorFromPersonIndex', () => {
  it('passes lookups through and reports the per-source status', async () => {
    const hetu = makeHetu('1970-01-01', 960);
    const calls: string[][] = [];
    const status = {
      instance: 'effica-porvoo' as const,
      state: 'failing',
      built: true,
      persons: 3,
      lastSuccessfulPoll: null,
      lastChangeSeen: null,
      lagSeconds: null,
      lastErrorCode: 'SOURCE_UNAVAILABLE',
    };
    const locator = locatorFromPersonIndex({
      ready: false,
      lookup: async (hetus) => {
        calls.push([...hetus]);
        return hetus.map(() => [{ instance: 'effica-porvoo', municipality: '638', localId: null }]);
      },
      status: async () => ({ ready: false, sources: [status] }),
    });
    expect(await locator.locate([hetu])).toEqual([[{ instance: 'effica-porvoo', municipality: '638', localId: null }]]);
    expect(calls).toEqual([[hetu]]);
    expect(locator.ready()).toBe(false);
    expect(await locator.status()).toEqual([status]);
  });
});
