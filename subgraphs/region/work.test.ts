import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SourceAdapter } from '../../domain/sourceAdapter.ts';
import { openDatabase } from '../database/database.ts';
import type { Database } from '../database/database.ts';
import { LEADER_LOCK_CLASS, parseLeaderConfig } from '../database/leader.ts';
import { ManualScheduler, TEST_DATABASE_URL, openTestDatabase } from '../database/testSupport.ts';
import type { Logger } from '../server/logger.ts';
import { systemScheduler } from '../server/scheduler.ts';
import { PersonIndexStore } from './personIndex/store.ts';
import { syntheticHetu } from './personIndex/testSupport.ts';
import type { ClientCell } from './statistics/publish.ts';
import { PublishedStatisticsStore } from './statistics/store.ts';
import { FakeRegion } from './statistics/testSupport.ts';
import { startRegionWork } from './work.ts';
import type { RegionWork, RegionWorkOptions } from './work.ts';

const P = 'PRIMARY_HEALTH' as const;
const MARCH = '2025-03-10T09:00:00+02:00';
const LC = 'lifecare-porvoo' as const;
const EF = 'effica-porvoo' as const;

/** Six Porvoo persons with a primary health appointment (Lifecare) and a families customership (Effica). */
function region(): FakeRegion {
  const r = new FakeRegion();
  for (let i = 0; i < 6; i++) {
    r.put(syntheticHetu(i), LC, { municipality: '638', appointments: [{ careArea: P, start: MARCH }] });
    r.put(syntheticHetu(i), EF, { municipality: '638', customerships: ['FAMILIES'] });
  }
  return r;
}

/** The region's adapters as one replica has them: its own objects (calls counted per replica), the same data. */
function replicaAdapters(r: FakeRegion): { adapters: SourceAdapter[]; listings: () => number } {
  let listings = 0;
  const adapters = [...r.sources.values()].map((src): SourceAdapter => ({
    instance: src.instance,
    product: src.product,
    readPersons: (h, o) => src.readPersons(h, o),
    listChanged: (since) => {
      listings++;
      return src.listChanged(since);
    },
    close: async () => {},
  }));
  return { adapters, listings: () => listings };
}

interface LogLine {
  readonly msg: string;
  readonly obj: object;
}

function logger(lines: LogLine[]): Logger {
  const put = (obj: object, msg: string): void => void lines.push({ obj, msg });
  return { info: put, warn: put, error: put };
}

/** Porvoo's clients in a care area, as served. */
function clients(work: RegionWork, careArea: ClientCell['careArea']): number | null | undefined {
  return work.statistics.current()?.cells.clients.find((c) => c.municipality === '638' && c.careArea === careArea)?.value;
}

async function until(what: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!what()) {
    if (Date.now() - t0 > ms) throw new Error(`expected the condition within ${ms} ms, received a timeout`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

function options(
  database: Database,
  store: PersonIndexStore,
  adapters: SourceAdapter[],
  lines: LogLine[],
  over: Partial<RegionWorkOptions> = {},
): RegionWorkOptions {
  return {
    database,
    store,
    adapters,
    clock: { now: () => new Date() },
    scheduler: systemScheduler,
    logger: logger(lines),
    // Polls are driven by the tests (work.poll()); the timers would only add noise.
    personIndex: { intervalMs: 3_600_000, overlapMs: 120_000, fullRefreshMs: 0 },
    statistics: { intervalMs: 3_600_000, batchSize: 10, concurrency: 2 },
    leader: { retryMs: 200 },
    ...over,
  };
}

describe('parseLeaderConfig', () => {
  it('defaults to a 5 s retry and refuses unusable values', () => {
    expect(parseLeaderConfig({})).toEqual({ retryMs: 5_000 });
    expect(parseLeaderConfig({ LEADER_RETRY_MS: '1000' })).toEqual({ retryMs: 1_000 });
    expect(() => parseLeaderConfig({ LEADER_RETRY_MS: '50' })).toThrow(
      'expected LEADER_RETRY_MS as whole milliseconds from 100 to 600000, received "50"',
    );
  });
});

describe('startRegionWork on PGlite', () => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDatabase('pglite'));
  });
  afterAll(() => cleanup?.());

  it('is the leader at once, indexes, counts, publishes with currency, and applies a change', async () => {
    const r = region();
    const { adapters } = replicaAdapters(r);
    const lines: LogLine[] = [];
    const store = await PersonIndexStore.open(db);
    const work = await startRegionWork(options(db, store, adapters, lines, { scheduler: new ManualScheduler() }));
    try {
      expect(work.isLeader()).toBe(true);
      expect(lines.map((l) => l.msg)).toContain('became leader');
      await work.settled();
      expect(work.ready()).toBe(true);
      await work.statisticsSettled();
      expect(clients(work, P)).toBe(6);
      expect(clients(work, 'SOCIAL')).toBe(6);
      const s = work.statistics.current()!;
      expect(s.sources.map((x) => x.instance)).toEqual([EF, LC]);
      expect(s.currentAsOf).not.toBeNull();
      expect(s.sources.every((x) => x.currentAsOf !== null && x.currentAsOf <= s.updatedAt)).toBe(true);

      // A seventh person's appointment at Lifecare, then an eighth's: the polls re-read the persons listed
      // (the overlap window relists the others once), not everyone.
      r.put(syntheticHetu(6), LC, { municipality: '638', appointments: [{ careArea: P, start: MARCH }] }, Date.now() - 1_000);
      await work.poll();
      expect(clients(work, P)).toBe(7);
      const reads = r.source(LC).calls.length;
      r.put(syntheticHetu(7), LC, { municipality: '638', appointments: [{ careArea: P, start: MARCH }] }, Date.now());
      await work.poll();
      expect(clients(work, P)).toBe(8);
      expect(r.source(LC).calls.slice(reads).flat().sort()).toEqual([syntheticHetu(6), syntheticHetu(7)]);
      const status = await work.status();
      expect(status).toMatchObject({ leader: true, ready: true, statistics: { counted: true, personsInMemory: 8 } });
      expect(status.statistics.lagSeconds).toBeLessThan(5);
    } finally {
      await work.stop();
    }
    expect(work.isLeader()).toBe(false);
    expect(lines.map((l) => l.msg)).toContain('leadership lost');
  });
});

describe.skipIf(!TEST_DATABASE_URL)(
  `startRegionWork, two replicas on one PostgreSQL database${TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
  () => {
    const schema = `test_work_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const open: Database[] = [];
    const works: RegionWork[] = [];
    const replica = async (r: FakeRegion, lines: LogLine[]) => {
      const db = await openDatabase({ kind: 'postgres', url: TEST_DATABASE_URL!, poolSize: 3, schema });
      open.push(db);
      const { adapters, listings } = replicaAdapters(r);
      const work = await startRegionWork(options(db, await PersonIndexStore.open(db), adapters, lines));
      works.push(work);
      return { db, work, listings };
    };
    afterEach(async () => {
      await Promise.all(works.splice(0).map((w) => w.stop()));
    });
    afterAll(async () => {
      await open[0]?.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await Promise.all(open.map((d) => d.close()));
    });

    it('only the leader polls; the follower serves its published figures; a stopped leader is replaced within the retry interval', async () => {
      const r = region();
      const linesA: LogLine[] = [];
      const linesB: LogLine[] = [];
      const a = await replica(r, linesA);
      await a.work.settled();
      const b = await replica(r, linesB);
      expect([a.work.isLeader(), b.work.isLeader()]).toEqual([true, false]);
      await a.work.statisticsSettled();
      expect(clients(a.work, P)).toBe(6);

      // The follower: readiness and figures from the database, no listing of its own.
      await b.work.poll();
      expect(b.work.ready()).toBe(true);
      expect(b.work.statistics.current()).toEqual(a.work.statistics.current());
      expect((await b.work.locator.status()).map((s) => [s.instance, s.built, s.persons])).toEqual([
        [LC, true, 6],
        [EF, true, 6],
      ]);
      expect((await b.work.locator.locate([syntheticHetu(1)]))[0]!.map((e) => e.instance)).toEqual([EF, LC]);

      r.put(syntheticHetu(6), LC, { municipality: '638', appointments: [{ careArea: P, start: MARCH }] }, Date.now());
      await a.work.poll();
      await b.work.poll();
      expect(clients(b.work, P)).toBe(7);
      expect(b.listings()).toBe(0);
      expect(linesB.map((l) => l.msg)).not.toContain('became leader');

      // The leader stops (a rolling update): the follower takes over within the retry interval and goes on.
      const listedBefore = a.listings();
      const t0 = Date.now();
      await a.work.stop();
      const tookMs = await until(() => b.work.isLeader(), 2_000);
      console.info(`failover after stop: ${Date.now() - t0} ms (retry interval 200 ms)`);
      expect(tookMs).toBeLessThan(1_000);
      await b.work.settled();
      // The new leader goes on from the database's source states: changes only, no full listing again.
      expect(r.source(LC).listCalls.at(-1)).not.toBe('1900-01-01T00:00:00+02:00');
      expect(b.work.statistics.current()).not.toBeNull(); // the previous leader's figures, served meanwhile
      await b.work.statisticsSettled();
      r.put(syntheticHetu(7), LC, { municipality: '638', appointments: [{ careArea: P, start: MARCH }] }, Date.now());
      await b.work.poll();
      expect(clients(b.work, P)).toBe(8);
      expect(a.listings()).toBe(listedBefore);
    });

    it('a leader whose lock connection breaks stops at once; another takes over within the retry interval', async () => {
      const r = region();
      const linesA: LogLine[] = [];
      const a = await replica(r, linesA);
      await a.work.settled();
      const c = await replica(r, []);
      expect([a.work.isLeader(), c.work.isLeader()]).toEqual([true, false]);
      await a.work.statisticsSettled();

      // As if the leader's process died: the server ends its session (and with it the lock).
      const [row] = await c.db.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = hashtext($2)::oid AND granted`,
        [LEADER_LOCK_CLASS, schema],
      );
      const t0 = Date.now();
      await c.db.query('SELECT pg_terminate_backend($1)', [row!.pid]);
      await until(() => !a.work.isLeader(), 1_000);
      expect(linesA.map((l) => l.msg)).toContain('leadership lost');
      await until(() => c.work.isLeader(), 2_000);
      console.info(`failover after the lock connection was cut: ${Date.now() - t0} ms (retry interval 200 ms)`);
      await c.work.statisticsSettled();
      expect(clients(c.work, P)).toBe(6);
      // Fencing: a write in the name of the old leader's session (it holds no lock now) changes nothing.
      const published = await PublishedStatisticsStore.open(c.db);
      const version = await published.version();
      expect(await published.save(c.work.statistics.current()!, new Date(), row!.pid)).toBeNull();
      expect(await published.version()).toBe(version);
      // The old leader, still running, is a follower now: it polls nothing and may take over again later.
      const before = r.source(LC).listCalls.length;
      await a.work.poll();
      expect(r.source(LC).listCalls.length).toBe(before);
      expect(a.work.isLeader()).toBe(false);
    });
  },
);
