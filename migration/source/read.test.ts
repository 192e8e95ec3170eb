/** The streaming reader against a scripted adapter: pipelining, duplicates, retries, a source that stops, a failed listing. */
import { describe, expect, it } from 'vitest';
import {
  AdapterError,
  emptyRecords,
  type ChangedPage,
  type PersonSlot,
  type SourceAdapter,
  type VtjAdapter,
  type VtjSlot,
} from '../../domain/index.ts';
import { readInstance, SourceStopped, type ListedRead } from './read.ts';

const unavailable = () =>
  new AdapterError('SOURCE_UNAVAILABLE', 'lifecare-porvoo', 'HaePotilas: expected an answer within 30000 ms, received none');

function fakeAdapter(
  pages: string[][],
  answer: (hetu: string, attempt: number) => PersonSlot,
  failListingAfter?: number,
): SourceAdapter & { calls: string[][] } {
  const attempts = new Map<string, number>();
  const calls: string[][] = [];
  return {
    instance: 'lifecare-porvoo',
    product: 'lifecare',
    calls,
    async readPersons(hetus) {
      calls.push([...hetus]);
      return hetus.map((h) => {
        const n = (attempts.get(h) ?? 0) + 1;
        attempts.set(h, n);
        return answer(h, n);
      });
    },
    async *listChanged(): AsyncIterable<ChangedPage> {
      for (let i = 0; i < pages.length; i++) {
        if (failListingAfter !== undefined && i >= failListingAfter)
          throw new AdapterError('SOURCE_UNAVAILABLE', 'lifecare-porvoo', 'HaeMuuttuneet: expected a connection, received a refusal');
        await new Promise((r) => setTimeout(r, 1));
        yield { persons: pages[i]!.map((hetu) => ({ hetu, localId: `L${hetu}` })), issues: [] };
      }
    },
    async close() {},
  };
}

const ok = (hetu: string): PersonSlot => ({ records: emptyRecords(hetu, 'lifecare-porvoo'), issues: [] });
const codes = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `P${from + i}`);

describe('readInstance', () => {
  it('reads every listed person once, in batches, as the listing pages arrive; a code listed again is reported, not read again', async () => {
    const adapter = fakeAdapter([codes(7), [...codes(5, 7), 'P3']], ok);
    const reads: ListedRead[] = [];
    const duplicates: [string, number][] = [];
    const vtjAsked: string[] = [];
    const vtj: VtjAdapter = {
      instance: 'vtj',
      async readPersons(hetus): Promise<VtjSlot[]> {
        vtjAsked.push(...hetus);
        return hetus.map(() => null);
      },
      async close() {},
    };
    const summary = await readInstance({
      adapter,
      vtj,
      batchSize: 4,
      concurrency: 2,
      onDuplicate: (p, ordinal) => duplicates.push([p.hetu, ordinal]),
      onBatch: (b) => reads.push(...b),
    });
    expect(summary).toEqual({ listed: 13, read: 12 });
    expect(duplicates).toEqual([['P3', 13]]);
    expect(reads.map((r) => r.listed.hetu).sort()).toEqual(codes(12).sort());
    expect(reads.every((r) => r.vtj === null)).toBe(true);
    expect(vtjAsked.sort()).toEqual(codes(12).sort());
    for (const c of adapter.calls) expect(c.length).toBeLessThanOrEqual(4);
    const p8 = reads.find((r) => r.listed.hetu === 'P8')!;
    expect(p8.ordinal).toBe(9);
    expect(p8.listed.localId).toBe('LP8');
  });

  it('reads only the persons `include` accepts', async () => {
    const reads: ListedRead[] = [];
    await readInstance({ adapter: fakeAdapter([codes(6)], ok), include: (p) => p.hetu !== 'P2', onBatch: (b) => reads.push(...b) });
    expect(reads.map((r) => r.listed.hetu).sort()).toEqual(['P0', 'P1', 'P3', 'P4', 'P5']);
  });

  it('asks once more for a person the source was too busy to answer', async () => {
    const adapter = fakeAdapter([codes(3)], (h, attempt) => (h === 'P1' && attempt === 1 ? unavailable() : ok(h)));
    const reads: ListedRead[] = [];
    await readInstance({ adapter, onBatch: (b) => reads.push(...b) });
    expect(reads.every((r) => !(r.slot instanceof AdapterError))).toBe(true);
    expect(adapter.calls).toContainEqual(['P1']);
  });

  it('a person that stays unavailable is handed on as its error', async () => {
    const adapter = fakeAdapter([codes(3)], (h) => (h === 'P1' ? unavailable() : ok(h)));
    const reads: ListedRead[] = [];
    await readInstance({ adapter, retryDelayMs: 1, onBatch: (b) => reads.push(...b) });
    expect(reads.find((r) => r.listed.hetu === 'P1')!.slot).toBeInstanceOf(AdapterError);
  });

  it('stops when five batches in a row fail whole, saying after how many persons', async () => {
    const adapter = fakeAdapter([codes(20), codes(100, 20)], (h) => (Number(h.slice(1)) < 20 ? ok(h) : unavailable()));
    const err = await readInstance({ adapter, batchSize: 10, concurrency: 1, retryDelayMs: 1, onBatch: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceStopped);
    expect((err as SourceStopped).afterPersons).toBe(20);
    expect((err as SourceStopped).lastError.code).toBe('SOURCE_UNAVAILABLE');
  });

  it('rejects with the listing’s error when the listing fails', async () => {
    const adapter = fakeAdapter([codes(5), codes(5, 5)], ok, 1);
    const err = await readInstance({ adapter, onBatch: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).message).toMatch(/^HaeMuuttuneet: /);
  });
});
