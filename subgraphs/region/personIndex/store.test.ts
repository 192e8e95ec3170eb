import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../database/database.ts';
import { BACKENDS, countingDatabase, openTestDatabase } from '../../database/testSupport.ts';
import { syntheticHetu } from './testSupport.ts';
import { PersonIndexStore } from './store.ts';
import type { IndexRow } from './store.ts';

const A = syntheticHetu(1);
const B = syntheticHetu(2);
const C = syntheticHetu(3);
const T0 = new Date('2025-03-01T10:00:00Z');
const T1 = new Date('2025-03-01T10:05:00Z');

function row(hetu: string, over: Partial<IndexRow> = {}): IndexRow {
  return { hetu, localId: null, municipality: null, changedAt: null, ...over };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(
    `PersonIndexStore on ${backend.name}${backend.available ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
    () => {
      let db: Database;
      let cleanup: () => Promise<void>;
      let store: PersonIndexStore;
      beforeAll(async () => {
        ({ db, cleanup } = await openTestDatabase(backend.name));
        store = await PersonIndexStore.open(db);
      });
      afterAll(() => cleanup?.());
      beforeEach(async () => {
        await db.exec('TRUNCATE person_index, person_index_source');
      });

      it('migrates once: opening again applies nothing and keeps rows', async () => {
        await store.upsert('effica-porvoo', [row(A)], T0);
        await PersonIndexStore.open(db);
        expect(await store.counts()).toEqual(new Map([['effica-porvoo', 1]]));
      });

      it('answers a batch in request order, one list per code, a person in two instances in both', async () => {
        await store.upsert(
          'lifecare-porvoo',
          [row(A, { localId: '1001', municipality: '638' }), row(B, { localId: '1002', municipality: '638' })],
          T0,
        );
        await store.upsert('effica-porvoo', [row(A, { localId: A, municipality: '638', changedAt: '2025-02-01T08:00:00+02:00' })], T0);
        const out = await store.lookup([C, A, B, A]);
        expect(out).toEqual([
          [],
          [
            { instance: 'effica-porvoo', localId: A, municipality: '638' },
            { instance: 'lifecare-porvoo', localId: '1001', municipality: '638' },
          ],
          [{ instance: 'lifecare-porvoo', localId: '1002', municipality: '638' }],
          [
            { instance: 'effica-porvoo', localId: A, municipality: '638' },
            { instance: 'lifecare-porvoo', localId: '1001', municipality: '638' },
          ],
        ]);
        expect(out[1]).not.toBe(out[3]);
        expect(await store.lookup([])).toEqual([]);
      });

      it('looks a batch of 500 codes up in one query', async () => {
        const codes = Array.from({ length: 500 }, (_, i) => syntheticHetu(i));
        await store.upsert(
          'mediatri-sipoo',
          codes.map((h) => row(h, { municipality: '753' })),
          T0,
        );
        const counting = countingDatabase(db);
        const counted = await PersonIndexStore.open(counting.db);
        counting.queries.length = 0;
        const out = await counted.lookup(codes);
        expect(counting.queries).toHaveLength(1);
        expect(out.every((l) => l.length === 1 && l[0]!.municipality === '753')).toBe(true);
      });

      it('refreshes a person, keeping stored values where the new listing has none', async () => {
        await store.upsert('pegasos-loviisa', [row(A, { localId: 'P1', municipality: '434', changedAt: '2025-02-01T08:00:00+02:00' })], T0);
        await store.upsert('pegasos-loviisa', [row(A, { municipality: '407' })], T1);
        expect(await store.lookup([A])).toEqual([[{ instance: 'pegasos-loviisa', localId: 'P1', municipality: '407' }]]);
        await store.upsert('pegasos-loviisa', [row(A, { localId: 'P2', changedAt: '2025-02-02T08:00:00+02:00' })], T1);
        expect(await store.lookup([A])).toEqual([[{ instance: 'pegasos-loviisa', localId: 'P2', municipality: '407' }]]);
        const known = await store.known('pegasos-loviisa', [A, B]);
        expect([...known]).toEqual([[A, { municipality: '407', changedAtMs: Date.parse('2025-02-02T08:00:00+02:00') }]]);
      });

      it('takes the last of duplicate codes in one page', async () => {
        const n = await store.upsert('proconsona-loviisa', [row(A, { municipality: '434' }), row(A, { municipality: '407' })], T0);
        expect(n).toBe(1);
        expect((await store.lookup([A]))[0]).toEqual([{ instance: 'proconsona-loviisa', localId: null, municipality: '407' }]);
      });

      it('prunes only the instance persons not seen since a moment', async () => {
        await store.upsert('effica-phhyky', [row(A), row(B)], T0);
        await store.upsert('lifecare-phhyky', [row(A)], T0);
        await store.upsert('effica-phhyky', [row(B)], T1);
        expect(await store.prune('effica-phhyky', T1)).toEqual([A]);
        expect(await store.counts()).toEqual(
          new Map([
            ['effica-phhyky', 1],
            ['lifecare-phhyky', 1],
          ]),
        );
        expect((await store.lookup([A]))[0]!.map((e) => e.instance)).toEqual(['lifecare-phhyky']);
      });

      it('records and reads back source states', async () => {
        const s = {
          instance: 'effica-porvoo' as const,
          state: 'failing' as const,
          built: true,
          lastFullBuild: T0.getTime(),
          lastSuccess: T0.getTime(),
          lastChangeSeen: Date.parse('2025-02-01T08:00:00+02:00'),
          lastErrorCode: 'SOURCE_UNAVAILABLE',
          lastErrorAt: T1.getTime(),
        };
        await store.saveSourceState({ ...s, state: 'ready' }, T0);
        await store.saveSourceState(s, T1);
        expect(await store.sourceStates()).toEqual([s]);
      });

      it('indexes 100 000 persons in a few seconds', async () => {
        const rows = Array.from({ length: 100_000 }, (_, i) =>
          row(syntheticHetu(i), { localId: String(i), municipality: '638', changedAt: '2025-02-01T08:00:00+02:00' }),
        );
        const t = performance.now();
        for (let i = 0; i < rows.length; i += 1000) await store.upsert('lifecare-porvoo', rows.slice(i, i + 1000), T0);
        const insertMs = performance.now() - t;
        const t3 = performance.now();
        const found = await store.lookup(rows.slice(0, 1000).map((r) => r.hetu));
        const lookupMs = performance.now() - t3;
        console.log(
          `[${backend.name}] 100 000 rows: insert in pages of 1 000 ${Math.round(insertMs)} ms, lookup of 1 000 ${Math.round(lookupMs)} ms`,
        );
        expect(await store.counts()).toEqual(new Map([['lifecare-porvoo', 100_000]]));
        expect(found.every((l) => l.length === 1)).toBe(true);
        expect(insertMs).toBeLessThan(20_000); // row-by-row inserts would take minutes; this only guards against that
      });
    },
  );
}
