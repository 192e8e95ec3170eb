/**
 * A 50 000-client instance, written by the fixture writer, loads in
 * seconds and answers batch reads and full listings over the socket. With
 * PROCONSONA_TEST_DATABASE_URL set, the same fixtures are also loaded into
 * that real PostgreSQL server (schema per instance) and read through it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proconsonaWriter } from '../../fixtures/generator/writers/proconsona.ts';
import type { IntendedRecords } from '../../fixtures/generator/types.ts';
import { AdapterError, BEGINNING_OF_TIME, collectChanged, instance, makeHetu, type PersonSlot } from '../../domain/index.ts';
import { createProconsonaAdapter } from './adapter.ts';
import { startProconsonaEmulator, type ProconsonaEmulator } from './emulator.ts';

const INST = instance('proconsona-sipoo');
const N = 50_000;
const clock = { now: () => new Date('2025-11-01T10:00:00Z') };
let dir: string;
const codes: string[] = [];

function person(i: number): IntendedRecords {
  const day = new Date(Date.UTC(1930, 0, 1) + Math.floor(i / 100) * 86_400_000).toISOString().slice(0, 10);
  const hetu = makeHetu(day, 900 + (i % 100));
  const src = (localId: string) => ({ instance: INST.id, product: 'proconsona' as const, municipality: '753' as const, localId });
  return {
    hetu,
    instance: INST.id,
    hetuForm: i % 10 === 0 ? 'lowercase' : i % 10 === 1 ? 'spaces' : 'canonical',
    person: {
      hetu,
      surname: `Sukunimi${i}`,
      firstNames: 'Etu',
      municipality: '753',
      language: 'fi',
      turvakielto: false,
      changedAt: '2025-06-01T12:00:00+03:00',
      source: src(`p${i}`),
    },
    customerships: [
      {
        careArea: 'SOCIAL',
        serviceTask: 'OLDER_PEOPLE',
        unit: 'Kotihoito',
        startDate: '2024-01-01',
        extraSensitive: false,
        source: src(`c${i}`),
      },
    ],
    decisions: [
      {
        customershipId: `c${i}`,
        service: 'Kotihoito',
        decisionDate: '2024-01-01',
        validFrom: '2024-01-01',
        outcome: 'GRANTED',
        source: src(`d${i}`),
      },
    ],
    plans: [],
    appointments: [],
    fees: [
      {
        careArea: 'SOCIAL',
        register: 'SOCIAL',
        date: '2025-02-01',
        description: 'Kotihoito',
        amountCents: 2060,
        accruesToCeiling: true,
        status: 'OPEN',
        source: src(`f${i}a`),
      },
      {
        careArea: 'SOCIAL',
        register: 'SOCIAL',
        date: '2025-03-01',
        description: 'Kotihoito',
        amountCents: 2060,
        accruesToCeiling: true,
        status: 'PAID',
        source: src(`f${i}b`),
      },
    ],
    consents: [{ type: 'LUOVUTUS_TERVEYDENHUOLTOON', givenOn: '2024-01-01', source: src(`s${i}`) }],
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proconsona-scale-'));
  const writer = proconsonaWriter({ outDir: dir, instance: INST, today: '2025-11-01' });
  for (let i = 0; i < N; i++) {
    const p = person(i);
    codes.push(p.hetu);
    writer.write(p);
  }
  await writer.close();
});

function ok(slot: PersonSlot | undefined) {
  if (!slot || slot instanceof AdapterError) throw new Error(`expected a read, got ${String(slot)}`);
  return slot.records;
}

describe('a 50 000-client instance', () => {
  let emulator: ProconsonaEmulator;
  afterAll(async () => emulator?.close());

  it('loads in seconds and serves a batch of 200 and the full listing', async () => {
    const started = Date.now();
    emulator = await startProconsonaEmulator({ instance: INST.id, fixturesDir: dir });
    const loadMs = Date.now() - started;
    expect(loadMs).toBeLessThan(20_000);
    const adapter = createProconsonaAdapter({ instance: INST.id, address: emulator.address, timeoutMs: 10_000, clock });
    try {
      const batch = codes.slice(20_000, 20_200);
      const before = emulator.faults.requests;
      const slots = await adapter.readPersons(batch);
      expect(emulator.faults.requests - before).toBe(6);
      expect(slots.map((s) => ok(s).person?.hetu)).toEqual(batch);
      expect(ok(slots[0]).fees.map((f) => f.amountCents)).toEqual([2060, 2060]);
      const all = await collectChanged(adapter.listChanged(BEGINNING_OF_TIME));
      expect(all.persons).toHaveLength(N);
      expect(all.issues).toEqual([]);
    } finally {
      await adapter.close();
    }
  });
});

describe.skipIf(!process.env.PROCONSONA_TEST_DATABASE_URL)('on a real PostgreSQL server', () => {
  it('loads into a schema named after the instance and is read through the returned connection string', async () => {
    const emulator = await startProconsonaEmulator({
      instance: INST.id,
      fixturesDir: dir,
      databaseUrl: process.env.PROCONSONA_TEST_DATABASE_URL!,
    });
    const adapter = createProconsonaAdapter({ instance: INST.id, address: emulator.address, timeoutMs: 10_000, clock });
    try {
      expect(emulator.address).toContain('search_path');
      const slots = await adapter.readPersons([codes[10]!, codes[11]!, codes[12]!]);
      expect(slots.map((s) => ok(s).person?.hetu)).toEqual([codes[10], codes[11], codes[12]]);
      emulator.faults.set({ mode: 'maintenance', times: 1 });
      expect((await adapter.readPersons([codes[12]!]))[0]).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    } finally {
      await adapter.close();
      await emulator.close();
    }
  });
});
