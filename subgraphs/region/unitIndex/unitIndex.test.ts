import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyRecords } from '../../../domain/model.ts';
import type { Appointment, Customership, SourceRecords } from '../../../domain/model.ts';
import type { InstanceId } from '../../../domain/region.ts';
import type { Database } from '../../database/database.ts';
import { BACKENDS, ManualScheduler, openTestDatabase } from '../../database/testSupport.ts';
import type { Logger } from '../../server/logger.ts';
import { PersonIndexStore } from '../personIndex/store.ts';
import { syntheticHetu } from '../personIndex/testSupport.ts';
import { FakeRegion } from '../statistics/testSupport.ts';
import { startRegionWork } from '../work.ts';
import { unitIndexRows } from './rows.ts';
import type { AppointmentRow } from './rows.ts';
import { UnitIndexStore } from './store.ts';

const LC: InstanceId = 'lifecare-porvoo';
const EF: InstanceId = 'effica-porvoo';
const OID = '1.2.246.10.1061512.10.6381';
const TODAY = '2026-11-23';
const A = syntheticHetu(1);
const B = syntheticHetu(2);
const C = syntheticHetu(3);

let ids = 1;
function appointment(start: string, unit: Appointment['unit'], status: Appointment['status'] = 'BOOKED'): Appointment {
  return {
    careArea: 'PRIMARY_HEALTH',
    start,
    durationMinutes: 30,
    unit,
    status,
    // Details the index must not keep.
    note: 'Vatsakipu',
    professional: { name: 'Lotta Kallioniemi' },
    source: { instance: LC, product: 'lifecare', municipality: '638', localId: `a${ids++}` },
  };
}
function customership(c: Partial<Customership> & Pick<Customership, 'serviceTask'>): Customership {
  return {
    careArea: 'SOCIAL',
    startDate: '2024-01-01',
    extraSensitive: false,
    source: { instance: EF, product: 'effica', municipality: '638', localId: `c${ids++}` },
    ...c,
  };
}
function records(hetu: string, inst: InstanceId, r: Partial<SourceRecords>): SourceRecords {
  return { ...emptyRecords(hetu, inst), ...r };
}

describe('unitIndexRows', () => {
  it('keeps the locator of appointments from 12 months back and of open customerships, nothing else of a record', () => {
    const recent = appointment('2026-11-24T09:00:00+02:00', { oid: OID, name: 'Porvoo terveysasema' }, 'CANCELLED');
    const old = appointment('2025-11-01T09:00:00+02:00', { oid: OID, name: 'Porvoo terveysasema' });
    const byName = appointment('2026-12-01T09:00:00+02:00', { name: '  Porvoo   Kotisairaanhoito ' });
    const rows = unitIndexRows(LC, A, records(A, LC, { appointments: [recent, old, byName] }), TODAY);
    expect(rows.appointments).toEqual([
      { instance: LC, localId: recent.source.localId, hetu: A, unitKey: OID, startMs: Date.parse(recent.start) },
      // Names compare as the policy compares them: trimmed, whitespace collapsed, case-insensitive.
      { instance: LC, localId: byName.source.localId, hetu: A, unitKey: 'porvoo kotisairaanhoito', startMs: Date.parse(byName.start) },
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/Vatsakipu|Kallioniemi/);

    const open = customership({ serviceTask: 'OLDER_PEOPLE', unit: 'Porvoon Kotihoito' });
    const endsToday = customership({ serviceTask: 'FAMILIES', endDate: TODAY });
    const ended = customership({ serviceTask: 'FAMILIES', endDate: '2026-11-22' });
    const child = customership({ serviceTask: 'CHILD_WELFARE', extraSensitive: true });
    const social = unitIndexRows(EF, B, records(B, EF, { customerships: [open, endsToday, ended, child] }), TODAY);
    expect(social.customerships).toEqual([
      {
        instance: EF,
        localId: open.source.localId,
        hetu: B,
        unitKey: 'porvoon kotihoito',
        municipality: '638',
        serviceTask: 'OLDER_PEOPLE',
        endDate: null,
        restricted: false,
      },
      {
        instance: EF,
        localId: endsToday.source.localId,
        hetu: B,
        unitKey: null,
        municipality: '638',
        serviceTask: 'FAMILIES',
        endDate: TODAY,
        restricted: false,
      },
      {
        instance: EF,
        localId: child.source.localId,
        hetu: B,
        unitKey: null,
        municipality: '638',
        serviceTask: 'CHILD_WELFARE',
        endDate: null,
        restricted: true,
      },
    ]);
    expect(unitIndexRows(LC, A, null, TODAY)).toEqual({ appointments: [], customerships: [] });
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(`UnitIndexStore on ${backend.name}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: UnitIndexStore;
    beforeAll(async () => {
      ({ db, cleanup } = await openTestDatabase(backend.name));
      await PersonIndexStore.open(db);
      store = await UnitIndexStore.open(db);
    });
    afterAll(() => cleanup?.());

    const row = (hetu: string, localId: string, unitKey: string, start: string): AppointmentRow => ({
      instance: LC,
      localId,
      hetu,
      unitKey,
      startMs: Date.parse(start),
    });

    it("replaces a person's rows per instance, answers a window by unit in start order, and drops what the person index no longer holds", async () => {
      const a1 = row(A, '1', OID, '2026-11-24T10:00:00+02:00');
      const a2 = row(A, '2', OID, '2026-11-24T08:00:00+02:00');
      const b1 = row(B, '3', 'other', '2026-11-24T09:00:00+02:00');
      expect(await store.replace(LC, [{ hetu: A, rows: { appointments: [a1, a2], customerships: [] } }], null)).toBe(true);
      expect(await store.replace(LC, [{ hetu: B, rows: { appointments: [b1], customerships: [] } }], null)).toBe(true);
      const from = Date.parse('2026-11-24T00:00:00+02:00');
      const to = Date.parse('2026-11-25T00:00:00+02:00');
      expect(await store.appointments([OID], from, to, 10)).toEqual([a2, a1]);
      expect(await store.appointments([OID, 'other'], from, to, 10)).toEqual([a2, b1, a1]);
      // The window's end is exclusive.
      expect(await store.appointments([OID], from, a1.startMs, 10)).toEqual([a2]);
      expect(await store.appointments([OID, 'other'], from, to, 2)).toEqual([a2, b1]);
      expect(await store.appointments([], from, to, 10)).toEqual([]);

      // A's records read again: one appointment left there.
      await store.replace(LC, [{ hetu: A, rows: { appointments: [a1], customerships: [] } }], null);
      expect(await store.appointments([OID], from, to, 10)).toEqual([a1]);
      // Another instance's rows of A are not touched by a replacement at this one.
      await store.replace(EF, [{ hetu: A, rows: { appointments: [], customerships: [] } }], null);
      expect(await store.appointments([OID], from, to, 10)).toEqual([a1]);

      // Neither A nor B is in the person index: a prune (after a full walk) drops both.
      await db.query(`INSERT INTO person_index (hetu, instance, last_seen) VALUES ($1, $2, now())`, [A, LC]);
      expect(await store.prune(null)).toBe(true);
      expect(await store.appointments([OID, 'other'], from, to, 10)).toEqual([a1]);
    });

    it('lists customership candidates by unit or team, in pages by person, and round-trips what the policy decides on', async () => {
      const open = { instance: EF, municipality: '638', serviceTask: 'OLDER_PEOPLE' as const, endDate: null, restricted: false };
      await store.replace(
        EF,
        [
          { hetu: A, rows: { appointments: [], customerships: [{ ...open, localId: '1', hetu: A, unitKey: 'kotihoito' }] } },
          {
            hetu: B,
            rows: {
              appointments: [],
              customerships: [
                { ...open, localId: '2', hetu: B, unitKey: null, endDate: '2026-12-31' },
                { ...open, localId: '3', hetu: B, unitKey: null, serviceTask: 'CHILD_WELFARE', restricted: true },
              ],
            },
          },
          { hetu: C, rows: { appointments: [], customerships: [{ ...open, localId: '4', hetu: C, unitKey: null, municipality: '753' }] } },
        ],
        null,
      );
      const team = { unitKeys: [], municipality: '638', serviceTasks: ['OLDER_PEOPLE' as const, 'CHILD_WELFARE' as const] };
      const all = await store.customershipCandidates(team, '', 100);
      expect(all.map((r) => [r.hetu, r.localId])).toEqual([
        [A, '1'],
        [B, '2'],
        [B, '3'],
      ]);
      expect(all[1]).toEqual({ ...open, instance: EF, localId: '2', hetu: B, unitKey: null, endDate: '2026-12-31' });
      expect(all[2]!.restricted).toBe(true);
      expect((await store.customershipCandidates(team, A, 1)).map((r) => r.localId)).toEqual(['2']);
      const byUnit = { unitKeys: ['kotihoito'], municipality: '018', serviceTasks: [] };
      expect((await store.customershipCandidates(byUnit, '', 100)).map((r) => r.hetu)).toEqual([A]);
    });

    it.runIf(backend.name === 'postgres')('writes nothing for a leader whose session no longer holds the lock (fenced)', async () => {
      const before = await store.counts();
      const gone = row(C, '9', OID, '2026-11-24T09:00:00+02:00');
      expect(await store.replace(LC, [{ hetu: C, rows: { appointments: [gone], customerships: [] } }], 999_999)).toBe(false);
      expect(await store.prune(999_999)).toBe(false);
      expect(await store.counts()).toEqual(before);
    });
  });
}

describe('the leader keeps the unit index from the statistics reads (PGlite)', () => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDatabase('pglite'));
  });
  afterAll(() => cleanup?.());

  it('fills it in the first walk and replaces a changed person after a poll', async () => {
    const r = new FakeRegion();
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    for (let i = 0; i < 5; i++) {
      r.put(syntheticHetu(i), LC, { municipality: '638', appointments: [{ careArea: 'PRIMARY_HEALTH', start: soon }] });
      r.put(syntheticHetu(i), EF, { municipality: '638', customerships: ['FAMILIES'] });
    }
    const lines: string[] = [];
    const logger: Logger = { info: () => {}, warn: (_o, m) => void lines.push(m), error: (_o, m) => void lines.push(m) };
    const store = await PersonIndexStore.open(db);
    const work = await startRegionWork({
      database: db,
      store,
      adapters: [...r.sources.values()],
      clock: { now: () => new Date() },
      scheduler: new ManualScheduler(),
      logger,
      personIndex: { intervalMs: 3_600_000, overlapMs: 120_000, fullRefreshMs: 0 },
      statistics: { intervalMs: 3_600_000, batchSize: 2, concurrency: 2 },
      leader: { retryMs: 200 },
    });
    try {
      await work.statisticsSettled();
      const from = Date.now();
      const to = from + 2 * 86_400_000;
      // The fake sources name the unit "Terveysasema" (no OID): its key is the normalised name.
      const unit = ['terveysasema'];
      expect((await work.unitIndex.appointments(unit, from, to, 100)).map((a) => a.hetu).sort()).toEqual(
        [0, 1, 2, 3, 4].map(syntheticHetu).sort(),
      );
      const team = { unitKeys: [], municipality: '638', serviceTasks: ['FAMILIES' as const] };
      expect(await work.unitIndex.customershipCandidates(team, '', 100)).toHaveLength(5);

      // Person 0 gets a second appointment: the poll re-reads them and replaces their rows.
      r.put(
        syntheticHetu(0),
        LC,
        {
          municipality: '638',
          appointments: [
            { careArea: 'PRIMARY_HEALTH', start: soon },
            { careArea: 'PRIMARY_HEALTH', start: soon },
          ],
        },
        Date.now() - 1_000,
      );
      await work.poll();
      const after = (await work.unitIndex.appointments(unit, from, to, 100)).map((a) => a.hetu);
      expect(after.filter((h) => h === syntheticHetu(0))).toHaveLength(2);
      expect(after).toHaveLength(6);
      // A safety-net walk rewrites the same rows and prunes nothing of persons still indexed.
      await work.refreshStatistics();
      expect(await work.unitIndex.appointments(unit, from, to, 100)).toHaveLength(6);
      expect(lines).toEqual([]);
    } finally {
      await work.stop();
    }
  });
});
