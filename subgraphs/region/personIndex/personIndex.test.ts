import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEGINNING_OF_TIME } from '../../../domain/sourceAdapter.ts';
import { AdapterError, issue } from '../../../domain/errors.ts';
import { corruptCheckCharacter } from '../../../domain/hetu.ts';
import type { InstanceId } from '../../../domain/region.ts';
import { formatInstant } from '../../../domain/time.ts';
import type { Database } from '../../database/database.ts';
import type { Logger } from '../../server/logger.ts';
import { ManualClock, ManualScheduler, countingDatabase, openTestDatabase } from '../../database/testSupport.ts';
import { FakeSource, invalidCodeIssue, syntheticHetu } from './testSupport.ts';
import type { FakePerson } from './testSupport.ts';
import { PersonIndex } from './personIndex.ts';
import type { PersonIndexOptions, SourceStatus } from './personIndex.ts';
import { PersonIndexStore } from './store.ts';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const CHANGED = '2025-02-20T09:30:00+02:00';
const HETU_SHAPE = /\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/;

let db: Database;
let cleanup: () => Promise<void>;
let store: PersonIndexStore;
beforeAll(async () => {
  ({ db, cleanup } = await openTestDatabase('pglite'));
  store = await PersonIndexStore.open(db);
});
afterAll(() => cleanup?.());
beforeEach(async () => {
  await db.exec('TRUNCATE person_index, person_index_source');
});

interface LogCall {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function persons(from: number, to: number, over: (i: number) => Partial<FakePerson> = () => ({})): FakePerson[] {
  return Array.from({ length: to - from }, (_, k) => ({
    hetu: syntheticHetu(from + k),
    localId: `L${from + k}`,
    changedAt: CHANGED,
    ...over(from + k),
  }));
}

function setup(adapters: FakeSource[], options: Partial<PersonIndexOptions> = {}) {
  const clock = new ManualClock(T0);
  const scheduler = new ManualScheduler();
  const logs: LogCall[] = [];
  const logger: Logger = {
    info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
  };
  const index = new PersonIndex({ store, adapters, clock, scheduler, logger, ...options });
  const source = async (instance: InstanceId): Promise<SourceStatus> =>
    (await index.status()).sources.find((s) => s.instance === instance)!;
  return { index, clock, scheduler, logs, source };
}

describe('PersonIndex build', () => {
  it('builds from every source, page by page, and says where each person is', async () => {
    const porvoo = new FakeSource('lifecare-porvoo', persons(0, 50), { pageSize: 7 });
    const efficaPorvoo = new FakeSource(
      'effica-porvoo',
      persons(40, 60, (i) => ({ localId: syntheticHetu(i) })),
      { pageSize: 5 },
    );
    const sipoo = new FakeSource(
      'mediatri-sipoo',
      persons(100, 123, (i) => ({ changedAt: `2025-02-2${i % 7}T08:00:00+02:00` })),
      { pageSize: 10 },
    );
    const { index, source } = setup([porvoo, efficaPorvoo, sipoo]);
    expect(index.ready).toBe(false);
    expect((await index.status()).sources.map((s) => s.state)).toEqual(['building', 'building', 'building']);

    await index.start();

    expect(index.ready).toBe(true);
    expect([porvoo.listCalls, efficaPorvoo.listCalls, sipoo.listCalls]).toEqual([
      [BEGINNING_OF_TIME],
      [BEGINNING_OF_TIME],
      [BEGINNING_OF_TIME],
    ]);
    expect(await source('lifecare-porvoo')).toEqual({
      instance: 'lifecare-porvoo',
      state: 'ready',
      built: true,
      persons: 50,
      lastSuccessfulPoll: formatInstant(T0),
      lastChangeSeen: '2025-02-20T09:30:00+02:00',
      lagSeconds: 0,
      lastErrorCode: null,
      lastErrorAt: null,
      issues: {},
    });
    expect((await source('effica-porvoo')).persons).toBe(20);
    expect((await source('mediatri-sipoo')).persons).toBe(23);
    expect((await source('mediatri-sipoo')).lastChangeSeen).toBe('2025-02-26T08:00:00+02:00');

    // Person 45 has records in two instances; 10 in one; 200 nowhere.
    const [p45, p10, p105, p200] = await index.lookup([syntheticHetu(45), syntheticHetu(10), syntheticHetu(105), syntheticHetu(200)]);
    expect(p45).toEqual([
      { instance: 'effica-porvoo', localId: syntheticHetu(45), municipality: '638' },
      { instance: 'lifecare-porvoo', localId: 'L45', municipality: '638' },
    ]);
    expect(p10).toEqual([{ instance: 'lifecare-porvoo', localId: 'L10', municipality: '638' }]);
    expect(p105).toEqual([{ instance: 'mediatri-sipoo', localId: 'L105', municipality: '753' }]);
    expect(p200).toEqual([]);

    expect((await store.sourceStates()).map((s) => [s.instance, s.state, s.built])).toEqual([
      ['effica-porvoo', 'ready', true],
      ['lifecare-porvoo', 'ready', true],
      ['mediatri-sipoo', 'ready', true],
    ]);
  });

  it('gives a single-municipality instance its municipality whatever the listing says', async () => {
    const porvoo = new FakeSource(
      'lifecare-porvoo',
      persons(0, 3, () => ({ municipality: '753' })),
    );
    const { index } = setup([porvoo]);
    await index.start();
    expect((await index.lookup([syntheticHetu(0)]))[0]).toEqual([{ instance: 'lifecare-porvoo', localId: 'L0', municipality: '638' }]);
  });

  it('looks a batch up in one query', async () => {
    const counting = countingDatabase(db);
    const countedStore = await PersonIndexStore.open(counting.db);
    const porvoo = new FakeSource('lifecare-porvoo', persons(0, 300), { pageSize: 100 });
    const { index } = setup([porvoo], { store: countedStore });
    await index.start();
    counting.queries.length = 0;
    const out = await index.lookup(Array.from({ length: 300 }, (_, i) => syntheticHetu(i)));
    expect(counting.queries).toHaveLength(1);
    expect(out.filter((l) => l.length === 1)).toHaveLength(300);
  });
});

describe('PersonIndex polling', () => {
  it('polls on the interval from the last change seen minus the overlap, picking up new and changed persons', async () => {
    const efficaPorvoo = new FakeSource('effica-porvoo', persons(0, 10));
    const { index, clock, scheduler, source } = setup([efficaPorvoo], { intervalMs: 10_000, overlapMs: 60_000 });
    await index.start();
    expect([...scheduler.pending.values()].map((t) => t.ms)).toEqual([10_000]);

    efficaPorvoo.put({ hetu: syntheticHetu(50), localId: 'NEW', changedAt: '2025-03-01T11:59:00+02:00' });
    efficaPorvoo.put({ hetu: syntheticHetu(3), localId: 'MOVED', changedAt: '2025-03-01T11:58:00+02:00' });
    clock.advance(10_000);
    expect(scheduler.fireAll()).toBe(1);
    await index.poll(); // joins the round the timer started

    expect(efficaPorvoo.listCalls).toEqual([BEGINNING_OF_TIME, '2025-02-20T09:29:00+02:00']);
    const [added, changed] = await index.lookup([syntheticHetu(50), syntheticHetu(3)]);
    expect(added).toEqual([{ instance: 'effica-porvoo', localId: 'NEW', municipality: '638' }]);
    expect(changed).toEqual([{ instance: 'effica-porvoo', localId: 'MOVED', municipality: '638' }]);
    expect(await source('effica-porvoo')).toMatchObject({
      persons: 11,
      lastSuccessfulPoll: formatInstant(T0 + 10_000),
      lastChangeSeen: '2025-03-01T11:59:00+02:00',
      lagSeconds: 0,
    });
    expect([...scheduler.pending.values()].map((t) => t.ms)).toEqual([10_000]);

    clock.advance(45_000);
    expect((await source('effica-porvoo')).lagSeconds).toBe(45);
    scheduler.fireAll();
    await index.poll();
    expect(efficaPorvoo.listCalls[2]).toBe('2025-03-01T11:58:00+02:00');
    expect((await source('effica-porvoo')).lagSeconds).toBe(0);
  });

  it('uses its own last poll when the source gives no change instants', async () => {
    const src = new FakeSource(
      'effica-porvoo',
      persons(0, 3, () => ({ changedAt: undefined })),
    );
    const { index, clock } = setup([src], { overlapMs: 60_000 });
    await index.start();
    clock.advance(30_000);
    await index.poll();
    expect(src.listCalls).toEqual([BEGINNING_OF_TIME, formatInstant(T0 - 60_000)]);
    expect((await index.status()).sources[0]!.lastChangeSeen).toBeNull();
  });

  it('does not poll from a change instant in the future, and counts it', async () => {
    const src = new FakeSource('mediatri-sipoo', [...persons(0, 3), { hetu: syntheticHetu(9), changedAt: '2099-01-01T00:00:00+02:00' }]);
    const { index, clock, source } = setup([src], { overlapMs: 60_000 });
    await index.start();
    expect(await source('mediatri-sipoo')).toMatchObject({ persons: 4, lastChangeSeen: CHANGED, issues: { CHANGE_IN_FUTURE: 1 } });
    clock.advance(30_000);
    await index.poll();
    expect(src.listCalls[1]).toBe('2025-02-20T09:29:00+02:00');
  });

  it('reports a failing source by code and keeps indexing the others; retries next round', async () => {
    const porvoo = new FakeSource('lifecare-porvoo', persons(0, 20));
    const efficaPorvoo = new FakeSource('effica-porvoo', persons(10, 30));
    const sipoo = new FakeSource('mediatri-sipoo', persons(30, 40));
    efficaPorvoo.failure = new AdapterError('SOURCE_UNAVAILABLE', 'effica-porvoo', 'expected an answer within 5000 ms, received none');
    const { index, clock, logs, source } = setup([porvoo, efficaPorvoo, sipoo]);
    await index.start();

    expect(index.ready).toBe(false);
    expect(await source('effica-porvoo')).toMatchObject({
      state: 'failing',
      built: false,
      persons: 0,
      lastSuccessfulPoll: null,
      lagSeconds: null,
      lastErrorCode: 'SOURCE_UNAVAILABLE',
      lastErrorAt: formatInstant(T0),
    });
    expect((await source('lifecare-porvoo')).state).toBe('ready');
    expect((await source('mediatri-sipoo')).persons).toBe(10);
    expect((await index.lookup([syntheticHetu(15)]))[0]!.map((e) => e.instance)).toEqual(['lifecare-porvoo']);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        obj: { instance: 'effica-porvoo', full: true, code: 'SOURCE_UNAVAILABLE', errorName: 'AdapterError' },
        msg: 'person index source failed',
      },
    ]);

    // It comes back: still a full build, since it never completed one.
    efficaPorvoo.failure = null;
    clock.advance(30_000);
    await index.poll();
    expect(efficaPorvoo.listCalls).toEqual([BEGINNING_OF_TIME, BEGINNING_OF_TIME]);
    expect(index.ready).toBe(true);
    expect(await source('effica-porvoo')).toMatchObject({ state: 'ready', persons: 20, lastErrorCode: 'SOURCE_UNAVAILABLE' });
    expect((await index.lookup([syntheticHetu(15)]))[0]!.map((e) => e.instance)).toEqual(['effica-porvoo', 'lifecare-porvoo']);

    // A built source that fails again: failing, and its lag keeps growing from the last success.
    porvoo.failure = new AdapterError('MALFORMED_RESPONSE', 'lifecare-porvoo', 'expected a SOAP envelope, received HTML');
    clock.advance(30_000);
    await index.poll();
    clock.advance(15_000);
    expect(await source('lifecare-porvoo')).toMatchObject({
      state: 'failing',
      built: true,
      persons: 20,
      lastSuccessfulPoll: formatInstant(T0 + 30_000),
      lagSeconds: 45,
      lastErrorCode: 'MALFORMED_RESPONSE',
    });
    expect(index.ready).toBe(true);

    porvoo.failure = null;
    await index.poll();
    expect(logs.at(-1)).toMatchObject({
      level: 'info',
      msg: 'person index source recovered',
      obj: { instance: 'lifecare-porvoo', full: false },
    });
  });

  it('keeps the pages a failed listing gave and lists in full again next round', async () => {
    const porvoo = new FakeSource('lifecare-porvoo', persons(0, 50), { pageSize: 7 });
    porvoo.failAfterPages = 2;
    const { index, source } = setup([porvoo]);
    await index.start();
    expect(await source('lifecare-porvoo')).toMatchObject({ state: 'failing', built: false, persons: 14, lastChangeSeen: null });
    porvoo.failAfterPages = null;
    await index.poll();
    expect(porvoo.listCalls).toEqual([BEGINNING_OF_TIME, BEGINNING_OF_TIME]);
    expect(await source('lifecare-porvoo')).toMatchObject({ state: 'ready', built: true, persons: 50 });
  });

  it('removes persons gone from a source at the periodic full listing', async () => {
    const porvoo = new FakeSource(
      'lifecare-phhyky',
      persons(0, 5, (i) => ({ municipality: i % 2 ? '504' : '616' })),
    );
    const { index, clock, logs } = setup([porvoo], { fullRefreshMs: 60_000 });
    await index.start();
    porvoo.persons.delete(syntheticHetu(2));
    clock.advance(30_000);
    await index.poll();
    expect((await index.lookup([syntheticHetu(2)]))[0]).toHaveLength(1); // incremental polls cannot see removals
    clock.advance(30_000);
    await index.poll();
    expect(porvoo.listCalls[2]).toBe(BEGINNING_OF_TIME);
    expect((await index.lookup([syntheticHetu(2)]))[0]).toEqual([]);
    expect(logs.at(-1)).toMatchObject({ obj: { instance: 'lifecare-phhyky', full: true, listed: 4, removed: 1 } });
  });

  it('stops cleanly: no timer left, none scheduled after', async () => {
    const { index, scheduler } = setup([new FakeSource('mediatri-sipoo', persons(0, 3))]);
    await index.start();
    expect(scheduler.pending.size).toBe(1);
    await index.stop();
    expect(scheduler.pending.size).toBe(0);
    await index.poll();
    expect(scheduler.pending.size).toBe(0);
  });
});

describe('PersonIndex municipalities of shared instances', () => {
  it('takes the municipality from the listing where it gives one', async () => {
    const phhyky = new FakeSource(
      'effica-phhyky',
      persons(0, 6, (i) => ({ municipality: i === 5 ? '434' : i % 2 ? '504' : '616' })),
    );
    const { index, source } = setup([phhyky]);
    await index.start();
    expect(phhyky.readCalls).toEqual([]);
    const found = await index.lookup([syntheticHetu(0), syntheticHetu(1), syntheticHetu(5)]);
    expect(found.map((l) => l[0]!.municipality)).toEqual(['616', '504', '504']);
    expect((await source('effica-phhyky')).issues).toEqual({ MUNICIPALITY_OUTSIDE_INSTANCE: 1 });
  });

  it('reads persons in batches where the listing does not say, and re-reads only changed ones', async () => {
    const pegasos = new FakeSource(
      'pegasos-loviisa',
      persons(0, 25, (i) => ({ municipality: i % 2 ? '407' : '434' })),
      {
        listsMunicipality: false,
      },
    );
    const { index, clock, source } = setup([pegasos], { resolveBatchSize: 10 });
    await index.start();
    expect(pegasos.readCalls).toEqual([10, 10, 5]);
    const found = await index.lookup([syntheticHetu(0), syntheticHetu(1)]);
    expect(found).toEqual([
      [{ instance: 'pegasos-loviisa', localId: 'L0', municipality: '434' }],
      [{ instance: 'pegasos-loviisa', localId: 'L1', municipality: '407' }],
    ]);

    // The overlap lists all 25 again, unchanged: nothing is re-read.
    clock.advance(30_000);
    await index.poll();
    expect(pegasos.listCalls).toHaveLength(2);
    expect(pegasos.readCalls).toEqual([10, 10, 5]);

    // Person 0 moves to Lapinjärvi; person 2 changes but cannot be read; person 30 is new and cannot be read.
    pegasos.put({ hetu: syntheticHetu(0), localId: 'L0', municipality: '407', changedAt: '2025-03-01T11:00:00+02:00' });
    pegasos.put({ hetu: syntheticHetu(2), localId: 'L2', municipality: '407', changedAt: '2025-03-01T11:00:00+02:00' });
    pegasos.put({ hetu: syntheticHetu(30), localId: 'L30', municipality: '407', changedAt: '2025-03-01T11:00:00+02:00' });
    pegasos.brokenReads.add(syntheticHetu(2)).add(syntheticHetu(30));
    clock.advance(30_000);
    await index.poll();
    expect(pegasos.readCalls).toEqual([10, 10, 5, 3]);
    const after = await index.lookup([syntheticHetu(0), syntheticHetu(2), syntheticHetu(30)]);
    expect(after.map((l) => l[0]!.municipality)).toEqual(['407', '434', null]);
    expect((await source('pegasos-loviisa')).issues).toEqual({ MUNICIPALITY_UNRESOLVED: 2 });
  });

  it('fails the round when the source is unavailable while resolving', async () => {
    const pegasos = new FakeSource(
      'pegasos-loviisa',
      persons(0, 5, () => ({ municipality: '434' })),
      { listsMunicipality: false },
    );
    pegasos.readFailure = new AdapterError('SOURCE_UNAVAILABLE', 'pegasos-loviisa', 'expected an answer within 5000 ms, received none');
    const { index, source } = setup([pegasos]);
    await index.start();
    expect(await source('pegasos-loviisa')).toMatchObject({ state: 'failing', built: false, lastErrorCode: 'SOURCE_UNAVAILABLE' });
    pegasos.readFailure = null;
    await index.poll();
    expect(await source('pegasos-loviisa')).toMatchObject({ state: 'ready', persons: 5 });
    expect((await index.lookup([syntheticHetu(4)]))[0]![0]!.municipality).toBe('434');
  });
});

describe('PersonIndex listing issues and personal data', () => {
  it('counts listing issues per source and indexes no invalid code', async () => {
    const bad = corruptCheckCharacter(syntheticHetu(99));
    const sipoo = new FakeSource('proconsona-sipoo', [...persons(0, 4), { hetu: bad, localId: 'X', changedAt: CHANGED }], {
      listingIssues: [
        invalidCodeIssue('proconsona-sipoo', 'V_ASIAKAS ASIAKAS_ID=7'),
        invalidCodeIssue('proconsona-sipoo', 'V_ASIAKAS ASIAKAS_ID=9'),
        issue(
          'UNLINKED_RECORD',
          'proconsona-sipoo',
          'V_ASIAKAS ASIAKAS_ID=12',
          'expected one person for a legacy code, received two candidates',
        ),
      ],
    });
    const { index, source } = setup([sipoo]);
    await index.start();
    expect(await source('proconsona-sipoo')).toMatchObject({ persons: 4, issues: { INVALID_IDENTITY_CODE: 3, UNLINKED_RECORD: 1 } });
    expect((await index.lookup([bad]))[0]).toEqual([]);
  });

  it('puts no identity code into status or logs, whatever happens', async () => {
    const porvoo = new FakeSource('lifecare-porvoo', persons(0, 10));
    const pegasos = new FakeSource(
      'pegasos-loviisa',
      persons(10, 20, () => ({ municipality: '434' })),
      { listsMunicipality: false },
    );
    pegasos.brokenReads.add(syntheticHetu(11));
    const failing = new FakeSource('effica-porvoo', persons(20, 30));
    failing.failure = new AdapterError('SOURCE_ERROR', 'effica-porvoo', 'expected a result set, received an internal error');
    const { index, clock, logs } = setup([porvoo, pegasos, failing]);
    await index.start();
    clock.advance(30_000);
    await index.poll();
    const text = JSON.stringify({ status: await index.status(), logs });
    expect(logs.length).toBeGreaterThan(3);
    expect(text).not.toMatch(HETU_SHAPE);
    expect(text).not.toContain('internal error'); // adapter messages are not passed on either
  });

  it('logs a database failure by SQLSTATE only', async () => {
    const broken = countingDatabase(db).db;
    const failingStore = await PersonIndexStore.open({
      ...broken,
      query: async (sql, params) => {
        if (sql.includes('INSERT INTO person_index ')) {
          throw Object.assign(new Error(`duplicate key value (hetu)=(${syntheticHetu(1)})`), { code: '23505' });
        }
        return broken.query(sql, params);
      },
    });
    const { index, logs, source } = setup([new FakeSource('lifecare-porvoo', persons(0, 3))], { store: failingStore });
    await index.start();
    expect((await source('lifecare-porvoo')).lastErrorCode).toBe('DATABASE_ERROR_23505');
    expect(JSON.stringify(logs)).not.toMatch(HETU_SHAPE);
  });
});

describe('PersonIndex at scale', () => {
  it(`indexes 100 000 persons listed in pages of 1 000 in a few seconds`, async () => {
    const porvoo = new FakeSource('lifecare-porvoo', persons(0, 60_000), { pageSize: 1000 });
    const askola = new FakeSource('lifecare-askola', persons(60_000, 100_000), { pageSize: 1000 });
    const { index } = setup([porvoo, askola]);
    const t = performance.now();
    await index.start();
    const ms = performance.now() - t;
    console.log(`PersonIndex build of 100 000 persons from 2 sources (PGlite): ${Math.round(ms)} ms`);
    const status = await index.status();
    expect(status.sources.map((s) => s.persons)).toEqual([60_000, 40_000]);
    expect(ms).toBeLessThan(20_000); // a guard against row-by-row writes, not a benchmark
  });
});
