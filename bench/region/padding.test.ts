import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHetu, makeHetu } from '../../domain/hetu.ts';
import { INSTANCES, instance as instanceOf } from '../../domain/region.ts';
import type { InstanceId } from '../../domain/region.ts';
import { openDatabase } from '../../subgraphs/database/database.ts';
import type { Database } from '../../subgraphs/database/database.ts';
import { PersonIndexStore } from '../../subgraphs/region/personIndex/store.ts';
import { padPersonIndex } from './padding.ts';

let db: Database;
let store: PersonIndexStore;
/** The first code padding would make (1900-01-01, sign U, number 900): a fixture person holds it here. */
const TAKEN = makeHetu('1900-01-01', 900, 'U');
const OWN = makeHetu('1975-05-05', 911);

beforeAll(async () => {
  db = await openDatabase({ kind: 'pglite' });
  store = await PersonIndexStore.open(db);
  const row = (hetu: string) => ({ hetu, localId: '7', municipality: '638' as const, changedAt: null });
  await store.upsert('lifecare-porvoo', [row(TAKEN), row(OWN)], new Date('2026-11-23T08:00:00Z'));
});
afterAll(() => db?.close());

describe('padPersonIndex', () => {
  it('fills the index to the number of persons asked, with valid synthetic codes, one or two instances each, leaving existing persons as they were', async () => {
    const result = await padPersonIndex(db, 3_000);
    expect(result).toEqual({ before: 2, inserted: 2_998, persons: 3_000, rows: expect.any(Number) });
    const rows = await db.query<{ hetu: string; instance: InstanceId; municipality: string; local_id: string | null }>(
      'SELECT hetu, instance, municipality, local_id FROM person_index',
    );
    expect(rows).toHaveLength(2 + result.rows);
    const byHetu = new Map<string, typeof rows>();
    for (const r of rows) byHetu.set(r.hetu, [...(byHetu.get(r.hetu) ?? []), r]);
    expect(byHetu.size).toBe(3_000);
    expect(byHetu.get(TAKEN)).toEqual([{ hetu: TAKEN, instance: 'lifecare-porvoo', municipality: '638', local_id: '7' }]);
    const counts = new Map<number, number>();
    for (const [hetu, list] of byHetu) {
      const c = checkHetu(hetu);
      expect(c.ok && c.info.synthetic, hetu).toBe(true);
      counts.set(list.length, (counts.get(list.length) ?? 0) + 1);
      for (const r of list) {
        expect(INSTANCES.some((i) => i.id === r.instance && i.product !== 'vtj')).toBe(true);
        expect(r.municipality).toBe(instanceOf(r.instance).municipalities[0]);
      }
      expect(new Set(list.map((r) => r.instance)).size).toBe(list.length);
    }
    // A third of the padding names two instances.
    expect(counts.get(2)).toBeGreaterThan(900);
    expect(counts.get(2)).toBeLessThan(1_100);
    // Lookups find padding persons like any other.
    const padded = [...byHetu.keys()].find((h) => h !== TAKEN && h !== OWN)!;
    expect((await store.lookup([padded]))[0]!.length).toBeGreaterThan(0);
  });

  it('adds nothing when the index already holds as many persons', async () => {
    expect(await padPersonIndex(db, 10)).toEqual({ before: 3_000, inserted: 0, persons: 3_000, rows: 0 });
  });

  it('refuses a size that is not a whole number', async () => {
    await expect(padPersonIndex(db, -1)).rejects.toThrow(RangeError);
    await expect(padPersonIndex(db, 1.5)).rejects.toThrow(RangeError);
  });
});
