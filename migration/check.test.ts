/**
 * `check` end to end: the CLI starts the emulators on a fixtures directory,
 * reads each instance whole through its adapter over real sockets, and
 * finds exactly the messy records the generator's manifest lists for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmulators, startEmulators, type RegionEmulators } from '../adapters/emulators.ts';
import { generateRegion } from '../fixtures/generator/generate.ts';
import { PRODUCT_WRITERS, createVtjWriter } from '../fixtures/generator/writers/index.ts';
import { writeFixtureDir } from '../adapters/proconsona/testSupport.ts';
import type { CheckDetails } from './check/aggregate.ts';
import { BUNDLED_FIXTURES } from './cli.ts';
import { expectNoPersonalData, personsOf, readHtml, readManifest, readResult, readTruth, runCli, type CliRun } from './testSupport.ts';

const manifest = readManifest();
const messyOf = (instance: string, kind: string) => manifest.messy.filter((m) => m.instance === instance && m.kind === kind);
const sorted = (xs: readonly string[]) => [...xs].sort();
/** Persons the generator wrote readable (the manifest's `unreadable` ones carry no usable code). */
const readable = (instance: string) => manifest.instances[instance]!.persons - manifest.instances[instance]!.unreadable;

// Most runs read emulators started once here, through --url; the first starts its own on --fixtures (the default).
let emulators: RegionEmulators;
beforeAll(async () => {
  emulators = await startEmulators({
    fixturesDir: BUNDLED_FIXTURES,
    only: ['mediatri-sipoo', 'proconsona-sipoo', 'proconsona-loviisa', 'lifecare-phhyky', 'vtj'],
  });
}, 120_000);
afterAll(async () => {
  if (emulators) await closeEmulators(emulators);
});
const urls = (...ids: string[]) => ['vtj', ...ids].flatMap((id) => ['--url', `${id}=${emulators.get(id as never)!.address}`]);

describe('check on the bundled fixtures', () => {
  it('mediatri-sipoo: every appointment type no rule maps, and nothing else; no personal data on screen or in the HTML', async () => {
    const run = await runCli(['check', 'mediatri-sipoo', '--quiet', '--today', manifest.today, ...urls('mediatri-sipoo')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const { details: d, summary } = readResult<CheckDetails>(run, 'check');
    const expected = messyOf('mediatri-sipoo', 'unmappedAppointmentType');
    expect(expected.length).toBeGreaterThan(0);
    // Each unmapped type is an UNMAPPED_CODE issue of the person it belongs to.
    expect(d.unmapped).toHaveLength(1);
    expect(sorted(d.unmapped[0]!.positions.map((p) => p.hetu!))).toEqual(sorted(expected.map((m) => m.hetu)));
    for (const p of d.unmapped[0]!.positions) expect(p.position).toMatch(/^ajanvaraus\.csv line \d+$/);
    // …and the item is served with its professional kind empty.
    const kind = d.completeness.find((r) => r.group === 'appointments' && r.field === 'professionalKind')!;
    expect(kind.empty).toBe(expected.length);
    expect(d.issues.map((g) => g.code)).toEqual(['UNMAPPED_CODE']);
    // Each unmapped value is listed with its field, instance and count, so the mapping can be extended.
    expect(d.unmappedValues.reduce((n, v) => n + v.count, 0)).toBe(expected.length);
    for (const v of d.unmappedValues) {
      expect(v).toMatchObject({ instance: 'mediatri-sipoo', field: 'ajanvaraus.csv TYYPPI' });
      // As the clerks wrote them (case varies; matching ignores it).
      expect(['kontrolli', 'återbesök']).toContain(v.value.toLowerCase());
    }
    expect(d.identity).toMatchObject({
      invalid: messyOf('mediatri-sipoo', 'invalidCheckCharacter').length,
      normalised: 0,
      unlinked: 0,
      duplicates: [],
      notInVtj: [],
    });
    expect(d.records.person).toBe(readable('mediatri-sipoo'));
    expect(d.records.appointments).toBe(readTruth('mediatri-sipoo').reduce((n, r) => n + r.appointments.length, 0));
    expect(d.deceasedWithFutureAppointments).toEqual([]);
    expect(summary['persons listed']).toBe(readable('mediatri-sipoo'));

    const loud = await runCli(['check', 'mediatri-sipoo']);
    expect(loud.code).toBe(1);
    expect(loud.stdout).toContain('check mediatri-sipoo: problems found');
    expect(loud.stdout).toContain('UNMAPPED_CODE');
    expect(loud.stdout).toMatch(/mediatri-sipoo\s+ajanvaraus\.csv TYYPPI\s+(kontrolli|återbesök)\s+\d+/i);
    expect(readHtml(loud, 'check')).toMatch(/<td>ajanvaraus\.csv TYYPPI<\/td><td>(kontrolli|återbesök)<\/td>/i);
    // Mediatri keys patients by identity code: persons are named by their place in the listing.
    expect(loud.stdout).toMatch(/listed person #\d+ · ajanvaraus\.csv line \d+/);
    const persons = personsOf('mediatri-sipoo');
    expectNoPersonalData(loud.stdout + loud.stderr, persons);
    expectNoPersonalData(readHtml(loud, 'check'), persons);
  }, 120_000);

  it('proconsona-sipoo and -loviisa: legacy code forms read after normalisation, invalid check characters and unlinked rows, at their rows', async () => {
    for (const instance of ['proconsona-sipoo', 'proconsona-loviisa'] as const) {
      const run = await runCli(['check', instance, '--quiet', '--today', manifest.today, ...urls(instance)]);
      expect(run.code).toBe(1);
      const d = readResult<CheckDetails>(run, 'check').details;
      const of = (code: string) => d.issues.filter((g) => g.code === code).flatMap((g) => g.positions);
      const count = (...kinds: string[]) => kinds.flatMap((k) => messyOf(instance, k)).length;
      // A legacy form read for a person: the person's code (JSON only) and the row ProConsona keeps it in.
      const legacy = ['legacyHetuLowercase', 'legacyHetuSpaces', 'legacyHetuNoCentury'].flatMap((k) => messyOf(instance, k));
      const rowOf = new Map(readTruth(instance).map((t) => [t.hetu, `V_ASIAKAS ASIAKAS_ID=${t.person!.source.localId}`]));
      expect(sorted(of('NORMALISED_IDENTITY_CODE').map((p) => p.hetu!))).toEqual(sorted(legacy.map((m) => m.hetu)));
      expect(sorted(of('NORMALISED_IDENTITY_CODE').map((p) => p.position))).toEqual(sorted(legacy.map((m) => rowOf.get(m.hetu)!)));
      // Rows with no usable code are found by the listing, at a row, for no one.
      expect(of('INVALID_IDENTITY_CODE')).toHaveLength(count('invalidCheckCharacter'));
      expect(of('UNLINKED_RECORD')).toHaveLength(count('legacyHetuNull'));
      for (const p of [...of('INVALID_IDENTITY_CODE'), ...of('UNLINKED_RECORD')]) {
        expect(p.position).toMatch(/^V_ASIAKAS ASIAKAS_ID=\d+$/);
        expect(p.hetu).toBeUndefined();
      }
      expect(d.identity.invalid).toBe(messyOf(instance, 'invalidCheckCharacter').length);
      expect(d.identity.duplicates).toEqual([]);
      expect(d.identity.notInVtj).toEqual([]);
      expect(d.records.person).toBe(readTruth(instance).length);
      const persons = personsOf(instance);
      expectNoPersonalData(run.stdout, persons);
      expectNoPersonalData(readHtml(run, 'check'), persons);
    }
    // The bundled region has a lower-case code in Sipoo and an invalid check character in Loviisa.
    expect(messyOf('proconsona-sipoo', 'legacyHetuLowercase')).toHaveLength(1);
    expect(messyOf('proconsona-loviisa', 'invalidCheckCharacter')).toHaveLength(1);
  }, 120_000);

  it('lifecare-phhyky: an instance with nothing wrong is clean and exits 0', async () => {
    const run = await runCli(['check', 'lifecare-phhyky', '--today', manifest.today, ...urls('lifecare-phhyky')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^check lifecare-phhyky: clean/);
    const d = readResult<CheckDetails>(run, 'check').details;
    expect(d.records.person).toBe(readable('lifecare-phhyky'));
    expect(d.identity.temporary).toBe(d.read.persons);
  }, 120_000);
});

describe('check of a ProConsona instance with a temporary client without an identity code', () => {
  let dir: string;
  let own: RegionEmulators;
  beforeAll(async () => {
    // The adapter tests' literal views: client 7 has HETU NULL and a customership, a decision, a plan, two fees and a consent.
    dir = writeFixtureDir('proconsona-loviisa');
    own = await startEmulators({ fixturesDir: dir, only: ['proconsona-loviisa'] });
  }, 120_000);
  afterAll(async () => {
    if (own) await closeEmulators(own);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the client row together with every record that belongs to it', async () => {
    const run = await runCli([
      'check',
      'proconsona-loviisa',
      '--quiet',
      '--today',
      '2025-06-01',
      '--url',
      `proconsona-loviisa=${own.get('proconsona-loviisa')!.address}`,
      '--url',
      `vtj=${emulators.get('vtj')!.address}`,
    ]);
    expect(run.code).toBe(1);
    const { details: d, summary } = readResult<CheckDetails>(run, 'check');
    const temporary = d.unlinkedWithRecords.find((u) => u.position === 'V_ASIAKAS ASIAKAS_ID=7')!;
    expect(temporary).toMatchObject({
      code: 'UNLINKED_RECORD',
      records: { customerships: 1, decisions: 1, plans: 1, fees: 2, consents: 1 },
    });
    expect(temporary.dependents).toContain('V_MAKSU MAKSU_ID=407');
    expect(summary['records of rows linked to no one']).toBe(d.unlinkedWithRecords.reduce((n, u) => n + u.dependents.length, 0));
    const html = readHtml(run, 'check');
    expect(html).toContain('Records linked to no one, with every record that belongs to them');
    expect(html).toContain('V_SUUNNITELMA SUUNNITELMA_ID=304');
    const loud = await runCli([
      'check',
      'proconsona-loviisa',
      '--today',
      '2025-06-01',
      '--url',
      `proconsona-loviisa=${own.get('proconsona-loviisa')!.address}`,
      '--url',
      `vtj=${emulators.get('vtj')!.address}`,
    ]);
    expect(loud.stdout).toMatch(/V_ASIAKAS ASIAKAS_ID=7\s+UNLINKED_RECORD\s+1\s+1\s+1\s+2\s+1\s+V_ASIAKKUUS ASIAKKUUS_ID=107/);
    expect(loud.stdout).not.toContain('Tilapäinen');
  }, 120_000);
});

describe('check on a generated region with deceased persons who still have appointments', () => {
  let dir: string;
  let run: CliRun;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'migration-check-'));
    // Seed 6 gives a deceased Askola patient with a booked appointment after the day of generation.
    await generateRegion({ persons: 250, seed: 6, today: '2026-11-23', outDir: dir, writers: PRODUCT_WRITERS, vtjWriter: createVtjWriter });
    run = await runCli(['check', 'lifecare-askola', '--fixtures', dir, '--quiet']);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists each future appointment of a person VTJ records as deceased, counted from the region’s day', () => {
    const m = readManifest(dir);
    const expected = m.messy.filter((x) => x.instance === 'lifecare-askola' && x.kind === 'deceasedWithFutureAppointment');
    expect(expected.length).toBeGreaterThan(0);
    expect(run.code).toBe(1);
    const { details: d, summary } = readResult<CheckDetails>(run, 'check');
    expect(d.today).toBe(m.today);
    expect(sorted(d.deceasedWithFutureAppointments.map((x) => `${x.hetu} ${x.appointmentLocalId}`))).toEqual(
      sorted(expected.map((x) => `${x.hetu} ${x.localId}`)),
    );
    for (const x of d.deceasedWithFutureAppointments) {
      expect(x.deathDateFrom).toBe('vtj');
      expect(x.start.slice(0, 10) >= m.today).toBe(true);
    }
    expect(summary['deceased with future appointments']).toBe(new Set(expected.map((x) => x.hetu)).size);
    expect(d.identity.invalid).toBe(m.messy.filter((x) => x.instance === 'lifecare-askola' && x.kind === 'invalidCheckCharacter').length);
    const html = readHtml(run, 'check');
    expect(html).toContain('Deceased persons with future appointments');
    expectNoPersonalData(html, personsOf('lifecare-askola', dir));
  });
});
