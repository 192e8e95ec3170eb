/**
 * The refresh on the bundled fixtures, through the real emulators (real
 * sockets) and adapters: the counts equal those computed from the
 * generator's truth files, and the time is reported. The persons come from
 * the sources' full listings held in memory (what the person index would
 * hold; personPagesFromStore is tested on the database in
 * indexPages.test.ts), which keeps this file free of PGlite's start-up.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEGINNING_OF_TIME, collectChanged } from '../../../domain/sourceAdapter.ts';
import type { SourceRecords } from '../../../domain/model.ts';
import type { InstanceId } from '../../../domain/region.ts';
import { closeEmulators, startEmulators } from '../../../adapters/emulators.ts';
import type { RegionEmulators } from '../../../adapters/emulators.ts';
import { createSources } from '../../../adapters/sources.ts';
import type { RegionSources } from '../../../adapters/sources.ts';
import { silentLogger } from '../../server/logger.ts';
import { systemScheduler } from '../../server/scheduler.ts';
import { CountersBuilder } from './counters.ts';
import type { StatisticsCounts } from './counters.ts';
import type { IndexedPerson, PersonPages } from './indexPages.ts';
import { publish } from './publish.ts';
import { StatisticsService } from './service.ts';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const clock = { now: () => new Date('2026-11-23T10:00:00+02:00') };

let emulators: RegionEmulators;
let sources: RegionSources;
let indexed: IndexedPerson[];

beforeAll(async () => {
  emulators = await startEmulators({ fixturesDir: FIXTURES });
  sources = await createSources({
    addresses: Object.fromEntries([...emulators].map(([id, e]) => [id, e.address])) as Partial<Record<InstanceId, string>>,
    clock,
  });
  const byHetu = new Map<string, InstanceId[]>();
  for (const [id, adapter] of sources.adapters) {
    for (const p of (await collectChanged(adapter.listChanged(BEGINNING_OF_TIME))).persons)
      (byHetu.get(p.hetu) ?? byHetu.set(p.hetu, []).get(p.hetu)!).push(id);
  }
  indexed = [...byHetu].map(([hetu, instances]) => ({ hetu, instances }));
}, 60_000);

afterAll(async () => {
  await sources?.close();
  if (emulators) await closeEmulators(emulators);
});

/** The counts the generator's truth files imply (every record instance, persons grouped by code). */
function truthCounts(): StatisticsCounts {
  const byHetu = new Map<string, SourceRecords[]>();
  for (const file of readdirSync(`${FIXTURES}truth`).filter((f) => f.endsWith('.jsonl') && f !== 'vtj.jsonl')) {
    for (const line of readFileSync(`${FIXTURES}truth/${file}`, 'utf8').split('\n')) {
      if (line === '') continue;
      const r = JSON.parse(line) as SourceRecords;
      (byHetu.get(r.hetu) ?? byHetu.set(r.hetu, []).get(r.hetu)!).push(r);
    }
  }
  const b = new CountersBuilder();
  for (const reads of byHetu.values()) b.addPerson(reads);
  return b.counts();
}

const sortedEntries = (m: ReadonlyMap<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('statistics on the bundled fixtures', () => {
  it('refreshes through the emulators and adapters, matching the truth files', async () => {
    const pages: PersonPages = async function* (pageSize) {
      for (let i = 0; i < indexed.length; i += pageSize) yield indexed.slice(i, i + pageSize);
    };
    const service = new StatisticsService({
      persons: pages,
      adapters: sources.adapters,
      clock: { now: () => new Date() },
      scheduler: systemScheduler,
      logger: silentLogger,
    });
    const first = (await service.refresh())!;
    console.info(`statistics refresh on the bundled fixtures: ${first.persons} persons in ${first.durationMs} ms`);
    expect(first.complete).toBe(true);
    expect(first.unavailable).toEqual([]);
    const truth = truthCounts();
    expect(sortedEntries(first.counts.clients)).toEqual(sortedEntries(truth.clients));
    expect(sortedEntries(first.counts.customerships)).toEqual(sortedEntries(truth.customerships));
    expect(sortedEntries(first.counts.appointments)).toEqual(sortedEntries(truth.appointments));
    expect(sortedEntries(first.counts.multiAreaClients)).toEqual(sortedEntries(truth.multiAreaClients));
    const p = publish(first.counts);
    expect(p.clients.some((c) => !c.suppressed)).toBe(true);
    expect(p.clients.every((c) => c.suppressed === (c.value === null) && (c.value === null || c.value >= 5))).toBe(true);
  }, 60_000);
});
