import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { AuditEventInput } from './events.ts';
import { AuditBatcher } from './store.ts';

const event = (n: number): AuditEventInput => ({
  at: new Date('2026-11-23T10:00:00Z'),
  requestId: `request-${n}`,
  action: 'READ',
  actorSub: 'batcher-test',
  actorRole: 'citizen',
  subjectHetu: makeHetu('1980-01-01', 960 + n),
  dataGroups: ['BASIC'],
  outcome: 'ALLOWED',
  basis: 'SELF',
  emergency: false,
});

/** A store whose writes wait until released, recording what each held. */
function slowStore() {
  const writes: string[][] = [];
  const release: (() => void)[] = [];
  return {
    writes,
    release: () => release.shift()?.(),
    record: (events: readonly AuditEventInput[]) => {
      writes.push(events.map((e) => e.requestId));
      return new Promise<string[]>((resolve) => release.push(() => resolve([])));
    },
  };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('AuditBatcher (group commit)', () => {
  it('writes the calls of one turn together, and every call made while a write is under way in the next one, after it', async () => {
    const store = slowStore();
    const batcher = new AuditBatcher(store);
    const first = [batcher.record([event(1)]), batcher.record([event(2)])];
    await turn();
    expect(store.writes).toEqual([['request-1', 'request-2']]);
    // While that write is under way: three more requests' events, over several turns.
    const second = [batcher.record([event(3)])];
    await turn();
    second.push(batcher.record([event(4)]));
    await turn();
    second.push(batcher.record([event(5)]));
    await turn();
    expect(store.writes).toHaveLength(1);
    let settled = false;
    void Promise.all(second).then(() => (settled = true));
    store.release();
    await Promise.all(first);
    await turn();
    expect(store.writes).toEqual([
      ['request-1', 'request-2'],
      ['request-3', 'request-4', 'request-5'],
    ]);
    expect(settled).toBe(false); // each caller waits for the write that holds its events
    store.release();
    await Promise.all(second);
  });

  it('fails every call of a failed write (fail closed), and writes the next ones anew', async () => {
    let fail = true;
    const writes: number[] = [];
    const batcher = new AuditBatcher({
      record: async (events) => {
        writes.push(events.length);
        if (fail) throw new Error('database down');
        return [];
      },
    });
    const calls = [batcher.record([event(1)]), batcher.record([event(2)])];
    for (const c of calls) await expect(c).rejects.toThrow('database down');
    fail = false;
    await expect(batcher.record([event(3)])).resolves.toBeUndefined();
    expect(writes).toEqual([2, 1]);
  });
});

describe('AuditBatcher onWrite', () => {
  it('tells each write and its events, a failed one as failed (telemetry counts audit write failures)', async () => {
    const outcomes: [string, number][] = [];
    let fail = false;
    const store = {
      record: async (events: readonly AuditEventInput[]) => {
        if (fail) throw new Error('database down');
        return events.map(() => '1');
      },
    };
    const batcher = new AuditBatcher(store, (outcome, events) => outcomes.push([outcome, events]));
    await Promise.all([batcher.record([event(1)]), batcher.record([event(2), event(3)])]);
    fail = true;
    await expect(batcher.record([event(4)])).rejects.toThrow('database down');
    expect(outcomes).toEqual([
      ['ok', 3],
      ['failed', 1],
    ]);
  });
});
