/**
 * The distributed run end to end (issue 14, item 3): `npm run region --
 * --distributed` on the e2e fixtures with PostgreSQL, every service an OS
 * process (emulators, two replicas of region, lists and each municipality
 * subgraph, two gateways), the balancers between. Started once for the file.
 *
 * - the answers equal the one-process region's (scripts/region.ts on the same fixtures) for the e2e query texts;
 * - both gateways serve, and every replica of the subgraphs a query touches receives requests;
 * - a replica SIGKILLed under load loses at most the requests in flight on it (connections the balancer had
 *   open to it at the kill), and answers are complete again at once; a replica SIGTERMed under load loses none;
 * - the region replica holding the leader lock killed: another takes over within seconds;
 * - SIGTERM stops every process, exit 0.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL, set by .ci/run); skipped without it. `DISTRIBUTED_FIGURES=1` prints the
 * measured figures (start time, failover, takeover) as one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../domain/time.ts';
import { HETU, writeE2ERegion } from '../e2e/testSupport/fixtures.ts';
import { CUSTOMER_QUERY } from '../e2e/testSupport/queries.ts';
import { startE2ERegion } from '../e2e/testSupport/region.ts';
import type { E2ERegion } from '../e2e/testSupport/region.ts';
import { CASES, citizen, normalise } from './testSupport/cases.ts';
import type { Case } from './testSupport/cases.ts';
import { runLoad, summarise } from './testSupport/load.ts';
import type { LoadSummary, Sample } from './testSupport/load.ts';
import { killGroup, startDistributedRun } from './testSupport/run.ts';
import type { DistributedRun } from './testSupport/run.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

/**
 * Two replicas of region, lists and the municipalities the load's person touches (Porvoo, Sipoo), one of the
 * other five: 16 processes rather than 21, each start costs seconds of CPU on CI's two cores.
 */
const TWICE = ['region', 'lists', 'porvoo', 'sipoo'];

async function ask(
  gateway: string,
  c: Pick<Case, 'query' | 'variables'>,
  token: string | undefined,
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: c.query, variables: c.variables }),
  });
  return { status: res.status, body: normalise(await res.text()) };
}

/** Exchanges each replica has received so far, by replica id. */
async function exchanges(run: DistributedRun): Promise<Record<string, number>> {
  const status = await run.status();
  return Object.fromEntries(Object.values(status.balancers).flatMap((b) => b.backends.map((c) => [c.id, c.exchanges])));
}

/** Waits until every service is ready again (the supervisor restarts a killed one). */
async function allReady(run: DistributedRun, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const services = (await run.status()).services;
    if (services.every((s) => s.state === 'ready')) return;
    if (Date.now() > until)
      throw new Error(
        `expected every service ready again, received ${services
          .filter((s) => s.state !== 'ready')
          .map((s) => `${s.id} ${s.state}`)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The region replica that logged 'became leader' last (at or after `since`), or undefined. */
function leaderSince(run: DistributedRun, since: number): { id: string; at: number } | undefined {
  const line = [...run.lines()].reverse().find((l) => l.at >= since && /^\[region-\d+\] .*became leader/.test(l.text));
  return line ? { id: /^\[(region-\d+)\]/.exec(line.text)![1]!, at: line.at } : undefined;
}

/** Figures measured along the way, printed at the end with DISTRIBUTED_FIGURES=1. */
const figures: Record<string, unknown> = {};

describe.skipIf(!DATABASE_URL)(
  `the distributed region${DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL not set; it needs PostgreSQL)'}`,
  () => {
    let dir: string;
    let run: DistributedRun;
    /** The answer of the load's operation, complete (taken before any kill). */
    let loadExpected: string;
    const loadCase = { query: CUSTOMER_QUERY, variables: { hetu: HETU.moved } };
    const loadBody = JSON.stringify(loadCase);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'region-distributed-test-'));
      await writeE2ERegion(join(dir, 'fixtures'));
      run = await startDistributedRun({
        fixturesDir: join(dir, 'fixtures'),
        databaseUrl: DATABASE_URL!,
        devIdpDir: join(dir, 'dev-idp'),
        args: ['--replicas', '1', ...TWICE.flatMap((name) => ['--scale', `${name}=2`])],
      });
      figures.startMs = run.startMs;
      figures.servicesReadyMs = (await run.status()).startMs;
    }, 270_000);

    afterAll(() => {
      killGroup(run);
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (process.env.DISTRIBUTED_FIGURES) process.stdout.write(`distributed figures: ${JSON.stringify(figures)}\n`);
    });

    it('runs every service as a process of its own: emulators, two replicas of region, lists and the touched municipalities, one of the others, two gateways', async () => {
      const status = await run.status();
      const ids = status.services.map((s) => s.id);
      expect(ids).toContain('emulators');
      expect(ids.filter((id) => id.startsWith('gateway-'))).toEqual(['gateway-1', 'gateway-2']);
      const balanced = Object.keys(status.balancers).sort();
      expect(balanced).toEqual(['askola', 'lapinjarvi', 'lists', 'loviisa', 'myrskyla', 'porvoo', 'pukkila', 'region', 'sipoo']);
      for (const name of balanced)
        expect(status.balancers[name]!.backends.map((b) => b.id)).toEqual(
          TWICE.includes(name) ? [`${name}-1`, `${name}-2`] : [`${name}-1`],
        );
      expect(status.services).toHaveLength(1 + TWICE.length * 2 + (9 - TWICE.length) + 2);
      expect(status.services.every((s) => s.state === 'ready' && s.pid !== undefined)).toBe(true);
      expect(new Set(status.services.map((s) => s.pid)).size).toBe(status.services.length);
    });

    it("answers every e2e query as the one-process region does (scripts/region.ts's startRegion on the same fixtures)", async () => {
      let baseline: E2ERegion | undefined;
      try {
        // The distributed services run on the system clock; so does the baseline here (upcoming appointments, ages).
        baseline = await startE2ERegion({ clock: systemClock });
        for (const [i, c] of CASES.entries()) {
          const g = i % 2;
          const [mine, theirs] = await Promise.all([
            ask(run.gateways[g]!, c, c.as ? await run.token(g, c.as) : undefined),
            ask(baseline.gatewayUrl, c, c.as ? await baseline.tokenFor(c.as) : undefined),
          ]);
          expect({ case: c.name, ...mine }).toEqual({ case: c.name, ...theirs });
        }
      } finally {
        await baseline?.stop();
      }
      const moved = await ask(run.gateways[0]!, loadCase, await run.token(0, citizen(HETU.moved)));
      expect(moved.body).toContain('Äijälä');
      expect(moved.body).not.toContain('"errors"');
      loadExpected = moved.body;
    }, 90_000);

    it('serves through both gateways, and every replica of the subgraphs a query touches receives requests', async () => {
      const before = await exchanges(run);
      const tokens = await Promise.all(run.gateways.map((_, g) => run.token(g, citizen(HETU.moved))));
      // Concurrent, so each gateway opens several connections per subgraph and the balancers spread them.
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => ask(run.gateways[i % 2]!, loadCase, tokens[i % 2])));
      expect(answers.every((a) => a.status === 200 && a.body === loadExpected)).toBe(true);
      const after = await exchanges(run);
      const moved = (id: string) => after[id]! - (before[id] ?? 0);
      // The moved person's records are in Porvoo and Sipoo: region, lists and those two municipalities are touched.
      for (const id of ['region-1', 'region-2', 'lists-1', 'lists-2', 'porvoo-1', 'porvoo-2', 'sipoo-1', 'sipoo-2'])
        expect({ id, received: moved(id) > 0 }).toEqual({ id, received: true });
      figures.spread = Object.fromEntries(['region-1', 'region-2', 'porvoo-1', 'porvoo-2'].map((id) => [id, moved(id)]));
    }, 30_000);

    /** Load on both gateways while `events` run; returns the samples and the signals' answers. */
    async function loadWith(durationMs: number, events: { afterMs: number; id: string; signal: 'SIGKILL' | 'SIGTERM' }[]) {
      const targets = await Promise.all(run.gateways.map(async (url, g) => ({ url, token: await run.token(g, citizen(HETU.moved)) })));
      const signals: Awaited<ReturnType<DistributedRun['signal']>>[] = [];
      const samples = await runLoad({
        targets,
        clients: 20,
        durationMs,
        body: loadBody,
        expected: loadExpected,
        normalise,
        at: events.map((e) => ({ afterMs: e.afterMs, run: async () => void signals.push(await run.signal(e.id, e.signal)) })),
      });
      return { samples, signals };
    }

    const describeLoad = (
      samples: readonly Sample[],
      moment: number,
      lastMoment: number,
    ): LoadSummary & { lateFailuresAfterLast: number } => ({
      ...summarise(samples, moment),
      lateFailuresAfterLast: summarise(samples, lastMoment).lateFailures,
    });

    it('under load, a SIGKILLed region replica and a SIGKILLed municipality replica lose at most the requests in flight on them; answers are complete again at once', async () => {
      const { samples, signals } = await loadWith(9_000, [
        { afterMs: 2_500, id: 'region-2', signal: 'SIGKILL' },
        { afterMs: 4_500, id: 'porvoo-1', signal: 'SIGKILL' },
      ]);
      // The supervisor restarts both (as a Deployment would); the next tests need them back.
      await allReady(run);
      const [region, porvoo] = signals;
      const summary = describeLoad(samples, region!.at, porvoo!.at);
      const allowed = region!.open + porvoo!.open;
      figures.sigkill = {
        ...summary,
        inFlightAtKill: { region: region!.awaiting, porvoo: porvoo!.awaiting },
        openAtKill: { region: region!.open, porvoo: porvoo!.open },
      };
      expect(summary.requests).toBeGreaterThan(50);
      expect(summary.failures).toBeLessThanOrEqual(allowed);
      // Once the balancer routes around the dead replicas (3 s after the last kill), nothing fails.
      expect(summary.lateFailuresAfterLast).toBe(0);
      // Every failure was under way at a kill, or sent within a moment of it on a connection to the dead
      // replica the gateway had not yet seen closed (the news travels replica → balancer → gateway).
      for (const s of samples.filter((x) => x.failure))
        expect({ start: s.start, end: s.end, nearAKill: signals.some((k) => s.end >= k.at && s.start <= k.at + 1_000) }).toMatchObject({
          nearAKill: true,
        });
      const status = await run.status();
      expect(status.services.find((s) => s.id === 'region-2')!.restarts).toBeGreaterThanOrEqual(1);
      expect(status.services.find((s) => s.id === 'porvoo-1')!.restarts).toBeGreaterThanOrEqual(1);
      const again = await ask(run.gateways[1]!, loadCase, await run.token(1, citizen(HETU.moved)));
      expect(again.body).toBe(loadExpected);
    }, 90_000);

    it('under load, a SIGTERMed replica drains: no request fails', async () => {
      await allReady(run);
      const { samples, signals } = await loadWith(6_000, [{ afterMs: 2_000, id: 'region-1', signal: 'SIGTERM' }]);
      const summary = summarise(samples, signals[0]!.at);
      figures.sigterm = { ...summary, openAtSignal: signals[0]!.open, inFlightAtSignal: signals[0]!.awaiting };
      expect(summary.requests).toBeGreaterThan(30);
      expect({ failures: summary.failures, reasons: summary.failureReasons }).toEqual({ failures: 0, reasons: {} });
      await allReady(run);
    }, 60_000);

    it('the region replica holding the leader lock killed, another becomes leader within seconds', async () => {
      const leader = leaderSince(run, 0);
      expect(leader, `expected a region replica to have logged 'became leader', received none:\n${run.tail()}`).toBeDefined();
      const kill = await run.signal(leader!.id, 'SIGKILL');
      let next: { id: string; at: number } | undefined;
      const until = Date.now() + 20_000;
      while (!(next = leaderSince(run, kill.at)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(next, `expected a new leader within 20 s, received none:\n${run.tail()}`).toBeDefined();
      figures.leaderTakeoverMs = next!.at - kill.at;
      figures.leaderTakeover = { from: leader!.id, to: next!.id };
      expect(next!.at - kill.at).toBeLessThan(10_000);
      await allReady(run);
    }, 60_000);

    it('SIGTERM stops every process of the run within seconds, exit code 0', async () => {
      const stopped = await run.stop();
      figures.stopMs = stopped.ms;
      expect(stopped).toMatchObject({ code: 0, groupGone: true });
      expect(stopped.ms).toBeLessThan(15_000);
    }, 30_000);
  },
);
