import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../database/database.ts';
import { BACKENDS, openTestDatabase } from '../../database/testSupport.ts';
import { syntheticHetu } from '../personIndex/testSupport.ts';
import { PersonIndexStore } from '../personIndex/store.ts';
import { personPagesFromStore } from './indexPages.ts';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`personPagesFromStore on ${backend.name}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: PersonIndexStore;
    beforeAll(async () => {
      ({ db, cleanup } = await openTestDatabase(backend.name));
      store = await PersonIndexStore.open(db);
    });
    afterAll(() => cleanup?.());

    it('walks every indexed person once, with all their instances, in pages', async () => {
      const hetus = Array.from({ length: 7 }, (_, i) => syntheticHetu(i));
      const row = (hetu: string) => ({ hetu, localId: null, municipality: null, changedAt: null });
      const seen = new Date('2025-03-01T10:00:00Z');
      await store.upsert('lifecare-porvoo', hetus.map(row), seen);
      await store.upsert('effica-porvoo', [row(hetus[2]!), row(hetus[6]!)], seen);
      const pages = [];
      for await (const page of personPagesFromStore(store)(3)) pages.push(page);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      const all = pages.flat();
      expect(all.map((p) => p.hetu)).toEqual([...hetus].sort());
      expect(all.find((p) => p.hetu === hetus[2])?.instances).toEqual(['effica-porvoo', 'lifecare-porvoo']);
      expect(all.find((p) => p.hetu === hetus[0])?.instances).toEqual(['lifecare-porvoo']);
    });
  });
}
