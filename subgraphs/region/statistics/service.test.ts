import { describe, expect, it } from 'vitest';
import { syntheticHetu } from '../personIndex/testSupport.ts';
import type { Logger } from '../../server/logger.ts';
import { ManualClock, ManualScheduler } from '../../database/testSupport.ts';
import { helsinkiMonth } from './counters.ts';
import { publish } from './publish.ts';
import { StatisticsService } from './service.ts';
import type { ChangedPersons, StatisticsSnapshot } from './service.ts';
import { Contributions } from './contributions.ts';
import { CountersBuilder } from './counters.ts';
import type { InstanceId } from '../../../domain/region.ts';
import { FakeRegion } from './testSupport.ts';

const P = 'PRIMARY_HEALTH' as const;
const O = 'ORAL_HEALTH' as const;
const MARCH = '2025-03-10T09:00:00+02:00';

/**
 * Porvoo (638): A1 P+O+S, A2 P+O+S, A3 P+O, A4 P+S, A5 P only (three
 * appointments, one of them in May Helsinki time), A6 O+S, A7 S only.
 * Sipoo (753): B1..B6 P+S; A1 also has a primary appointment in Sipoo.
 * Loviisa's shared Pegasos: C1 in Loviisa (434), C2 in Lapinjärvi (407).
 */
function population(): { region: FakeRegion; hetus: Record<string, string> } {
  const region = new FakeRegion();
  const names = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'C1', 'C2'];
  const h = Object.fromEntries(names.map((n, i) => [n, syntheticHetu(100 + i)]));
  const lc = 'lifecare-porvoo' as const;
  const ef = 'effica-porvoo' as const;
  region.put(h.A1!, lc, {
    municipality: '638',
    appointments: [
      { careArea: P, start: MARCH },
      { careArea: O, start: MARCH },
    ],
  });
  region.put(h.A2!, lc, {
    municipality: '638',
    appointments: [
      { careArea: P, start: MARCH },
      { careArea: O, start: MARCH },
    ],
  });
  region.put(h.A3!, lc, {
    municipality: '638',
    appointments: [
      { careArea: P, start: MARCH },
      { careArea: O, start: MARCH },
    ],
  });
  region.put(h.A4!, lc, { municipality: '638', appointments: [{ careArea: P, start: MARCH }] });
  // 21:30Z on 30 April is 00:30 on 1 May in Helsinki (summer time, +03:00).
  region.put(h.A5!, lc, {
    municipality: '638',
    appointments: [
      { careArea: P, start: MARCH },
      { careArea: P, start: MARCH },
      { careArea: P, start: '2025-04-30T21:30:00Z' },
    ],
  });
  region.put(h.A6!, lc, { municipality: '638', appointments: [{ careArea: O, start: MARCH }] });
  region.put(h.A1!, ef, { municipality: '638', customerships: ['FAMILIES'] });
  region.put(h.A2!, ef, { municipality: '638', customerships: ['OLDER_PEOPLE', 'OLDER_PEOPLE'] });
  region.put(h.A4!, ef, { municipality: '638', customerships: ['FAMILIES'] });
  region.put(h.A6!, ef, { municipality: '638', customerships: ['FAMILIES'] });
  region.put(h.A7!, ef, { municipality: '638', customerships: ['FAMILIES', 'FAMILIES', 'CHILD_WELFARE'] });
  for (const b of ['B1', 'B2', 'B3', 'B4', 'B5', 'B6']) {
    region.put(h[b]!, 'mediatri-sipoo', { municipality: '753', appointments: [{ careArea: P, start: '2025-04-02T10:00:00+03:00' }] });
    region.put(h[b]!, 'proconsona-sipoo', { municipality: '753', customerships: ['DISABILITY'] });
  }
  region.put(h.A1!, 'mediatri-sipoo', { municipality: '753', appointments: [{ careArea: P, start: '2024-12-01T10:00:00+02:00' }] });
  region.put(h.C1!, 'pegasos-loviisa', { municipality: '434', appointments: [{ careArea: P, start: '2025-02-01T10:00:00+02:00' }] });
  region.put(h.C2!, 'pegasos-loviisa', { municipality: '407', appointments: [{ careArea: P, start: '2025-02-01T10:00:00+02:00' }] });
  return { region, hetus: h };
}

/** A logger that keeps what it was given, to check nothing personal is logged. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (obj: object, msg: string): void => void lines.push(`${msg} ${JSON.stringify(obj)}`);
  return { lines, info: put, warn: put, error: put };
}

function service(region: FakeRegion, over: Partial<ConstructorParameters<typeof StatisticsService>[0]> = {}) {
  const clock = new ManualClock(Date.parse('2025-06-01T08:00:00Z'));
  const scheduler = new ManualScheduler();
  const logger = recordingLogger();
  const svc = new StatisticsService({ persons: region.pages, adapters: [...region.sources.values()], clock, scheduler, logger, ...over });
  return { svc, clock, scheduler, logger };
}

const entries = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

describe('StatisticsService', () => {
  it('counts clients, customerships, appointments and multi-area clients exactly', async () => {
    const { region } = population();
    const { svc } = service(region, { batchSize: 2, pageSize: 4 });
    const s = (await svc.refresh())!;
    expect(s.complete).toBe(true);
    expect(s.persons).toBe(15);
    expect(entries(s.counts.clients)).toEqual({
      '407|PRIMARY_HEALTH': 1,
      '434|PRIMARY_HEALTH': 1,
      '638|ORAL_HEALTH': 4,
      '638|PRIMARY_HEALTH': 5,
      '638|SOCIAL': 5,
      '753|PRIMARY_HEALTH': 7,
      '753|SOCIAL': 6,
    });
    expect(entries(s.counts.customerships)).toEqual({
      '638|CHILD_WELFARE': 1,
      '638|FAMILIES': 5,
      '638|OLDER_PEOPLE': 2,
      '753|DISABILITY': 6,
    });
    expect(entries(s.counts.appointments)).toEqual({
      '407|PRIMARY_HEALTH|2025-02': 1,
      '434|PRIMARY_HEALTH|2025-02': 1,
      '638|ORAL_HEALTH|2025-03': 4,
      '638|PRIMARY_HEALTH|2025-03': 6,
      '638|PRIMARY_HEALTH|2025-05': 1,
      '753|PRIMARY_HEALTH|2024-12': 1,
      '753|PRIMARY_HEALTH|2025-04': 6,
    });
    // A1 counts in Porvoo (3 areas) and, with one area, not in Sipoo's multi-area cells.
    expect(entries(s.counts.multiAreaClients)).toEqual({ '638|2': 3, '638|3': 2, '753|2': 6 });
  });

  it('reads in batches of batchSize per instance with fees not asked, and records when and how long', async () => {
    const { region } = population();
    const { svc, clock } = service(region, { batchSize: 2, pageSize: 100 });
    const lifecare = region.source('lifecare-porvoo');
    const slow = lifecare.readPersons.bind(lifecare);
    lifecare.readPersons = async (h, o) => {
      clock.advance(1_000);
      return slow(h, o);
    };
    const s = (await svc.refresh())!;
    expect(lifecare.calls.map((c) => c.length)).toEqual([2, 2, 2]);
    expect(region.source('pegasos-loviisa').calls.map((c) => c.length)).toEqual([2]);
    expect(lifecare.options[0]?.feeYears).toEqual([]);
    expect(s.startedAt).toBe('2025-06-01T11:00:00+03:00');
    expect(s.durationMs).toBe(3_000);
    expect(s.completedAt).toBe('2025-06-01T11:00:03+03:00');
  });

  it('bounds the reads under way', async () => {
    const { region } = population();
    let active = 0;
    let peak = 0;
    for (const src of region.sources.values()) {
      const read = src.readPersons.bind(src);
      src.readPersons = async (h, o) => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        return read(h, o);
      };
    }
    const { svc } = service(region, { batchSize: 1, concurrency: 3 });
    await svc.refresh();
    expect(peak).toBe(3);
  });

  it('marks the counts incomplete and names an unavailable source, counting what the others gave', async () => {
    const { region } = population();
    region.source('proconsona-sipoo').failWith = 'SOURCE_UNAVAILABLE';
    const { svc, logger } = service(region, { batchSize: 2, concurrency: 1 });
    const s = (await svc.refresh())!;
    expect(s.complete).toBe(false);
    expect(s.unavailable).toEqual([{ instance: 'proconsona-sipoo', code: 'SOURCE_UNAVAILABLE' }]);
    expect(s.counts.clients.get('753|SOCIAL')).toBeUndefined();
    expect(s.counts.clients.get('753|PRIMARY_HEALTH')).toBe(7);
    // After the first timeout the source is not asked again in this refresh.
    expect(region.source('proconsona-sipoo').calls).toHaveLength(1);
    expect(logger.lines.join('\n')).toContain('proconsona-sipoo');
  });

  it('names instances with no adapter and sources the index has not listed in full', async () => {
    const { region } = population();
    const adapters = [...region.sources.values()].filter((a) => a.instance !== 'pegasos-loviisa');
    const { svc } = service(region, {
      adapters,
      indexStatus: () => [
        { instance: 'effica-phhyky', built: false },
        { instance: 'lifecare-porvoo', built: true },
      ],
    });
    const s = (await svc.refresh())!;
    expect(s.unavailable).toEqual([
      { instance: 'effica-phhyky', code: 'NOT_INDEXED' },
      { instance: 'pegasos-loviisa', code: 'NOT_CONFIGURED' },
    ]);
    expect(s.counts.clients.get('434|PRIMARY_HEALTH')).toBeUndefined();
  });

  it('replaces the counters atomically: during a refresh the previous complete set is served', async () => {
    const { region } = population();
    const { svc } = service(region);
    const first = (await svc.refresh())!;
    // The second refresh: one source answers, another is held back.
    region.put(syntheticHetu(500), 'lifecare-porvoo', { municipality: '638', appointments: [{ careArea: O, start: MARCH }] });
    let release!: () => void;
    region.source('mediatri-sipoo').gate = new Promise<void>((r) => (release = r));
    const second = svc.refresh();
    await new Promise((r) => setTimeout(r, 10));
    expect(region.source('lifecare-porvoo').calls.length).toBeGreaterThan(1);
    expect(svc.current()).toBe(first);
    expect(svc.current()!.counts.clients.get('638|ORAL_HEALTH')).toBe(4);
    expect(svc.refresh()).toBe(second); // joined, not doubled
    release();
    const s = (await second)!;
    expect(svc.current()).toBe(s);
    expect(s.counts.clients.get('638|ORAL_HEALTH')).toBe(5);
    expect(first.counts.clients.get('638|ORAL_HEALTH')).toBe(4);
  });

  it('keeps the previous counts when the index walk fails, logging a code only, and retries a failed first walk soon', async () => {
    const { region, hetus } = population();
    const { svc, logger } = service(region);
    const first = await svc.refresh();
    const retries = new ManualScheduler();
    const failing = new StatisticsService({
      persons: async function* () {
        yield region.indexed().slice(0, 2);
        throw new Error(`relation lookup failed for ${hetus.A1}`);
      },
      adapters: [...region.sources.values()],
      clock: new ManualClock(0),
      scheduler: retries,
      logger,
    });
    expect(await failing.start()).toBeNull();
    expect(failing.failure()?.code).toBe('STATISTICS_REFRESH_FAILED');
    // Nothing counted yet: tried again in a minute, not after the 6 h safety-net interval.
    expect([...retries.pending.values()].map((t) => t.ms)).toEqual([60_000]);
    await failing.stop();
    expect(svc.current()).toBe(first);
    const log = logger.lines.join('\n');
    for (const h of Object.values(hetus)) expect(log).not.toContain(h);
    expect(log).toContain('statistics refresh failed');
  });

  it('walks after start, then on the safety-net interval (default 6 h) until stopped', async () => {
    const { region } = population();
    const { svc, scheduler } = service(region);
    const first = await svc.start();
    expect(first?.complete).toBe(true);
    expect([...scheduler.pending.values()].map((t) => t.ms)).toEqual([21_600_000]);
    region.put(syntheticHetu(600), 'effica-porvoo', { municipality: '638', customerships: ['FAMILIES'] });
    scheduler.fireAll();
    await new Promise((r) => setTimeout(r, 10));
    expect(svc.current()).not.toBe(first);
    expect(svc.current()!.counts.customerships.get('638|FAMILIES')).toBe(6);
    expect(scheduler.pending.size).toBe(1);
    await svc.stop();
    expect(scheduler.pending.size).toBe(0);
  });

  it('never logs an identity code', async () => {
    const { region, hetus } = population();
    region.source('effica-porvoo').failWith = 'MALFORMED_RESPONSE';
    const { svc, logger } = service(region);
    await svc.refresh();
    const log = logger.lines.join('\n');
    for (const h of Object.values(hetus)) expect(log).not.toContain(h);
    expect(log).toContain('"code":"MALFORMED_RESPONSE"');
  });
});

describe('helsinkiMonth', () => {
  it('takes the Helsinki local month of an instant, whatever its offset', () => {
    expect(helsinkiMonth('2025-04-30T21:30:00Z')).toBe('2025-05');
    expect(helsinkiMonth('2025-12-31T22:30:00Z')).toBe('2026-01');
    expect(helsinkiMonth('2025-03-31T23:59:00+03:00')).toBe('2025-03');
    expect(helsinkiMonth('not an instant')).toBeUndefined();
  });
});

describe('publish', () => {
  it('suppresses every count below 5 (4 → null, 5 → 5) over a full grid, with complementary suppression', async () => {
    const { region } = population();
    const { svc } = service(region);
    const p = publish((await svc.refresh())!.counts);
    const client = (m: string, a: string) => p.clients.find((c) => c.municipality === m && c.careArea === a);
    expect(client('638', 'PRIMARY_HEALTH')).toMatchObject({ value: 5, suppressed: false });
    expect(client('638', 'ORAL_HEALTH')).toMatchObject({ value: null, suppressed: true });
    expect(client('753', 'PRIMARY_HEALTH')).toMatchObject({ value: 7, suppressed: false });
    // Zero is withheld like any small count, and every municipality × care area is listed.
    expect(client('616', 'SOCIAL')).toMatchObject({ value: null, suppressed: true });
    expect(p.clients).toHaveLength(7 * 3);
    // Appointments in Porvoo, March: oral 4 is withheld, so primary (6) is too, as the total (10) is published.
    const march = p.appointments.filter((c) => c.municipality === '638' && c.month === '2025-03');
    expect(march.map((c) => [c.careArea, c.value, c.suppressed])).toEqual([
      ['PRIMARY_HEALTH', null, true],
      ['ORAL_HEALTH', null, true],
      [null, 10, false],
    ]);
    // Months run without gaps from the first to the last seen, region-wide.
    expect([...new Set(p.appointments.map((c) => c.month))]).toEqual(['2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05']);
    const porvooTasks = p.customerships.filter((c) => c.municipality === '638');
    expect(porvooTasks.find((c) => c.serviceTask === 'FAMILIES')).toMatchObject({ value: 5, suppressed: false });
    expect(porvooTasks.find((c) => c.serviceTask === 'OLDER_PEOPLE')).toMatchObject({ value: null, suppressed: true });
    expect(porvooTasks.find((c) => c.serviceTask === null)).toMatchObject({ value: 8, suppressed: false });
    expect(p.multiAreaClients.find((c) => c.municipality === '753' && c.careAreas === 2)).toMatchObject({ value: 6, suppressed: false });
    expect(p.multiAreaClients.find((c) => c.municipality === '638' && c.careAreas === 3)).toMatchObject({ value: null, suppressed: true });
  });
});

describe('parseStatisticsConfig', () => {
  it('defaults to a 6-hour safety-net walk and refuses unusable values', async () => {
    const { parseStatisticsConfig, StatisticsConfigError } = await import('./config.ts');
    expect(parseStatisticsConfig({})).toEqual({ intervalMs: 21_600_000, batchSize: 50, concurrency: 8 });
    expect(parseStatisticsConfig({ STATISTICS_REFRESH_MS: '60000', STATISTICS_CONCURRENCY: '2' })).toMatchObject({
      intervalMs: 60_000,
      concurrency: 2,
    });
    expect(() => parseStatisticsConfig({ STATISTICS_REFRESH_MS: '10' })).toThrow(StatisticsConfigError);
    expect(() => parseStatisticsConfig({ STATISTICS_BATCH_SIZE: '1.5' })).toThrow(/STATISTICS_BATCH_SIZE/);
  });
});

describe('StatisticsService kept current from the change listings', () => {
  const T1 = Date.parse('2025-06-01T08:05:00Z');
  const listing = (instance: InstanceId, hetus: string[], startedMs = T1, removed: string[] = []): ChangedPersons => ({
    instance,
    full: false,
    startedMs,
    listed: hetus.map((hetu) => ({ hetu, changedAtMs: startedMs - 1_000 })),
    removed,
  });

  it('replaces a changed person’s contribution: moved between cells, counted once however often applied', async () => {
    const { region, hetus } = population();
    const { svc } = service(region);
    await svc.refresh();
    // A5 had three primary health appointments (two in March, one in May); now one oral health appointment in April.
    region.put(hetus.A5!, 'lifecare-porvoo', { municipality: '638', appointments: [{ careArea: O, start: '2025-04-03T10:00:00+03:00' }] });
    const reads = region.source('lifecare-porvoo').calls.length;
    await svc.changed(listing('lifecare-porvoo', [hetus.A5!]));
    await svc.changed(listing('lifecare-porvoo', [hetus.A5!], T1 + 30_000)); // the overlap lists it again
    const s = (await svc.update())!;
    expect(region.source('lifecare-porvoo').calls.slice(reads)).toEqual([[hetus.A5], [hetus.A5]]);
    expect(s.counts.clients.get('638|PRIMARY_HEALTH')).toBe(4);
    expect(s.counts.clients.get('638|ORAL_HEALTH')).toBe(5);
    expect(s.counts.appointments.get('638|PRIMARY_HEALTH|2025-03')).toBe(4);
    expect(s.counts.appointments.has('638|PRIMARY_HEALTH|2025-05')).toBe(false);
    expect(s.counts.appointments.get('638|ORAL_HEALTH|2025-04')).toBe(1);
    expect(svc.current()).toBe(s);
    // The same as counting everyone again from scratch.
    const { svc: fresh } = service(region);
    expect(entries((await fresh.refresh())!.counts.appointments)).toEqual(entries(s.counts.appointments));
    expect(entries(fresh.current()!.counts.clients)).toEqual(entries(s.counts.clients));
    expect(entries(fresh.current()!.counts.multiAreaClients)).toEqual(entries(s.counts.multiAreaClients));
  });

  it('decrements for a removed record, and drops what a person removed from an instance counted there', async () => {
    const { region, hetus } = population();
    const { svc } = service(region);
    await svc.refresh();
    region.put(hetus.A7!, 'effica-porvoo', { municipality: '638', customerships: ['FAMILIES', 'CHILD_WELFARE'] });
    await svc.changed(listing('effica-porvoo', [hetus.A7!]));
    region.remove(hetus.B1!, 'proconsona-sipoo');
    await svc.changed(listing('proconsona-sipoo', [], T1, [hetus.B1!]));
    const s = (await svc.update())!;
    expect(s.counts.customerships.get('638|FAMILIES')).toBe(4);
    expect(s.counts.customerships.get('638|CHILD_WELFARE')).toBe(1);
    expect(s.counts.customerships.get('753|DISABILITY')).toBe(5);
    expect(s.counts.clients.get('753|SOCIAL')).toBe(5);
    expect(s.counts.clients.get('753|PRIMARY_HEALTH')).toBe(7); // B1 still has their Mediatri appointment
    expect(s.counts.multiAreaClients.get('753|2')).toBe(5);
    // Removed persons are not read.
    expect(
      region
        .source('proconsona-sipoo')
        .calls.flat()
        .filter((h) => h === hetus.B1),
    ).toHaveLength(1);
  });

  it('says per source how current the counts are; a source that cannot be read keeps its instant until it can', async () => {
    const { region, hetus } = population();
    const T0 = Date.parse('2025-06-01T07:59:30Z');
    const built = [...region.sources.keys()].map((instance) => ({ instance, built: true, lastSuccessfulPoll: new Date(T0).toISOString() }));
    const { svc } = service(region, { indexStatus: () => built });
    const first = (await svc.refresh())!;
    expect(first.currentAsOf).toBe('2025-06-01T10:59:30+03:00');
    expect(new Set(first.sources.map((s) => s.currentAsOf))).toEqual(new Set(['2025-06-01T10:59:30+03:00']));

    await svc.changed(listing('lifecare-porvoo', []));
    for (const inst of region.sources.keys()) if (inst !== 'effica-porvoo') await svc.changed(listing(inst, []));
    region.source('effica-porvoo').failWith = 'SOURCE_UNAVAILABLE';
    region.put(hetus.A1!, 'effica-porvoo', { municipality: '638', customerships: ['FAMILIES', 'OLDER_PEOPLE'] });
    await svc.changed(listing('effica-porvoo', [hetus.A1!]));
    const down = (await svc.update())!;
    expect(down.sources.find((s) => s.instance === 'lifecare-porvoo')?.currentAsOf).toBe('2025-06-01T11:05:00+03:00');
    expect(down.sources.find((s) => s.instance === 'effica-porvoo')?.currentAsOf).toBe('2025-06-01T10:59:30+03:00');
    expect(down.currentAsOf).toBe('2025-06-01T10:59:30+03:00'); // the oldest source bounds them
    expect(down.complete).toBe(false);
    expect(down.unavailable).toEqual([{ instance: 'effica-porvoo', code: 'SOURCE_UNAVAILABLE' }]);
    expect(down.counts.customerships.get('638|OLDER_PEOPLE')).toBe(2); // A1's old contribution kept meanwhile

    // Back: the next listing (even an empty one) reads the person whose read failed.
    region.source('effica-porvoo').failWith = null;
    await svc.changed(listing('effica-porvoo', [], T1 + 30_000));
    const up = (await svc.update())!;
    expect(up.complete).toBe(true);
    expect(up.counts.customerships.get('638|OLDER_PEOPLE')).toBe(3);
    expect(up.sources.find((s) => s.instance === 'effica-porvoo')?.currentAsOf).toBe('2025-06-01T11:05:30+03:00');
    expect(up.currentAsOf).toBe('2025-06-01T11:05:00+03:00');
  });

  it('ignores listings before the first walk (which reads everyone after them) and publishes nothing until it completes', async () => {
    const { region, hetus } = population();
    const published: StatisticsSnapshot[] = [];
    const { svc } = service(region, { onPublish: async (s) => void published.push(s) });
    await svc.changed(listing('lifecare-porvoo', [hetus.A1!]));
    expect(await svc.update()).toBeNull();
    expect(region.source('lifecare-porvoo').calls).toEqual([]);
    expect(published).toEqual([]);
    await svc.refresh();
    expect(published).toHaveLength(1);
    expect(svc.persons).toBe(15);
  });

  it('skips in a full listing the persons unchanged since the counts (less the overlap)', async () => {
    const { region, hetus } = population();
    const { svc } = service(region, { overlapMs: 60_000 });
    await svc.refresh(); // as of the walk's start, 08:00Z (no index status)
    const reads = region.source('lifecare-porvoo').calls.length;
    await svc.changed({
      instance: 'lifecare-porvoo',
      full: true,
      startedMs: T1,
      listed: [
        { hetu: hetus.A1!, changedAtMs: Date.parse('2025-05-01T00:00:00Z') },
        { hetu: hetus.A2!, changedAtMs: Date.parse('2025-06-01T07:59:30Z') },
        { hetu: hetus.A3!, changedAtMs: null },
      ],
      removed: [],
    });
    expect(region.source('lifecare-porvoo').calls.slice(reads).flat().sort()).toEqual([hetus.A2, hetus.A3].sort());
  });
});

describe('Contributions', () => {
  it('sums to what counting every person once gives, after any order of replacements', () => {
    const { region } = population();
    const people = region.indexed();
    const builder = new CountersBuilder();
    const c = new Contributions();
    // Everyone in, then everyone's parts replaced in reverse order with the same records: no change.
    for (const p of people) {
      builder.addPerson(p.instances.map((i) => region.source(i).records.get(p.hetu)!));
      for (const i of p.instances) c.set(p.hetu, i, region.source(i).records.get(p.hetu)!);
    }
    for (const p of [...people].reverse()) for (const i of p.instances) c.set(p.hetu, i, region.source(i).records.get(p.hetu)!);
    const want = builder.counts();
    const got = c.counts();
    for (const k of ['clients', 'customerships', 'appointments', 'multiAreaClients'] as const)
      expect(entries(got[k])).toEqual(entries(want[k]));
    expect(c.size).toBe(15);
    // Everyone out: nothing left, no zero cells listed.
    for (const p of people) for (const i of p.instances) c.set(p.hetu, i, null);
    expect(c.size).toBe(0);
    expect(c.counts()).toEqual({
      clients: new Map(),
      customerships: new Map(),
      appointments: new Map(),
      multiAreaClients: new Map(),
      appointmentsWithoutMonth: 0,
    });
  });
});
