/**
 * `conflicts` end to end on the bundled fixtures: every instance read
 * through its adapter and compared with VTJ; the addresses the generator
 * made conflict are found, and the only other conflicts are the old records
 * of persons who moved to another municipality.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { INSTANCES, type InstanceId } from '../domain/index.ts';
import type { ConflictsDetails } from './conflicts/aggregate.ts';
import { expectNoPersonalData, personsOf, readHtml, readManifest, readResult, runCli, type CliRun } from './testSupport.ts';

const manifest = readManifest();
let run: CliRun;

beforeAll(async () => {
  run = await runCli(['conflicts']);
}, 180_000);

describe('conflicts on the bundled fixtures', () => {
  it('finds every address the generator made conflict with VTJ, with VTJ’s value', () => {
    expect(run.stderr).not.toMatch(/npm run migration:/);
    expect(run.code).toBe(1);
    const d = readResult<ConflictsDetails>(run, 'conflicts').details;
    const expected = manifest.messy.filter((m) => m.kind === 'addressConflictsWithVtj');
    expect(expected.length).toBeGreaterThan(0);
    const address = d.conflicts.filter((c) => c.kind === 'address');
    const moved = new Set(
      d.conflicts.filter((c) => c.kind === 'municipality').flatMap((c) => c.records.map((r) => `${r.instance} ${c.hetu}`)),
    );
    // Address conflicts of records whose municipality is VTJ's: exactly the manifest's.
    const stale = address.flatMap((c) =>
      c.records.filter((r) => !moved.has(`${r.instance} ${c.hetu}`)).map((r) => `${r.instance} ${c.hetu}`),
    );
    expect(stale.sort()).toEqual(expected.map((m) => `${m.instance} ${m.hetu}`).sort());
    for (const c of address.filter((x) => expected.some((m) => m.hetu === x.hetu))) {
      expect(c.vtj).toMatchObject({ postalCode: expect.any(String), cityFi: expect.any(String) });
      expect(c.records[0]!.value).toMatchObject({ street: expect.stringMatching(/^Vanha /) });
    }
    // The rest are persons who moved: their old instance keeps the old address and municipality.
    for (const c of address)
      for (const r of c.records)
        if (moved.has(`${r.instance} ${c.hetu}`))
          expect(r.municipality).not.toBe(d.conflicts.find((x) => x.kind === 'municipality' && x.hetu === c.hetu)!.vtj);
    // Nothing else differs in the generated region.
    expect(new Set(d.conflicts.map((c) => c.kind))).toEqual(new Set(['address', 'municipality']));
    expect(d.notInVtj).toEqual([]);
    expect(d.readErrors).toEqual([]);
    const records = INSTANCES.filter((i) => i.product !== 'vtj').reduce(
      (n, i) => n + manifest.instances[i.id]!.persons - manifest.instances[i.id]!.unreadable,
      0,
    );
    expect(Object.values(d.compared).reduce((n, x) => n + (x ?? 0), 0)).toBe(records);
  });

  it('shows counts by kind and municipality and a table by instance and local id, with no codes, names or values', () => {
    const result = readResult<ConflictsDetails>(run, 'conflicts');
    const byKind = result.sections.find((s) => s.id === 'by-kind')!;
    const address = result.details.conflicts.filter((c) => c.kind === 'address').reduce((n, c) => n + c.records.length, 0);
    expect(byKind.chart!.bars.find((b) => b.label === 'address')!.value).toBe(address);
    const table = result.sections.find((s) => s.id === 'conflicts')!.table!;
    expect(table.columns).toEqual(['instance', 'person', 'municipality', 'kind', 'also in']);
    expect(table.rows.length).toBe(result.summary['records in conflict']);
    expect(table.rows).toContainEqual(['pegasos-loviisa', 'person 1014', 'Loviisa (434)', 'address', '']);
    const shown = run.stdout + readHtml(run, 'conflicts');
    expect(shown).not.toContain('Vanha ');
    const everyone = INSTANCES.filter((i) => i.product !== 'vtj').flatMap((i) => personsOf(i.id as InstanceId));
    expectNoPersonalData(shown, everyone);
  });
});

describe('conflicts --municipality', () => {
  it('reads only the instances serving that municipality and keeps only its records', async () => {
    const sipoo = await runCli(['conflicts', '--municipality', 'Sibbo', '--quiet']);
    expect(sipoo.code).toBe(1);
    const r = readResult<ConflictsDetails>(sipoo, 'conflicts');
    expect(r.command).toBe('conflicts --municipality 753');
    expect(r.details.instances).toEqual(['mediatri-sipoo', 'proconsona-sipoo']);
    expect(r.details.conflicts.length).toBeGreaterThan(0);
    for (const c of r.details.conflicts) for (const rec of c.records) expect(rec.municipality).toBe('753');
    const expected = manifest.messy.filter(
      (m) => m.kind === 'addressConflictsWithVtj' && (m.instance === 'mediatri-sipoo' || m.instance === 'proconsona-sipoo'),
    );
    for (const m of expected) expect(r.details.conflicts.some((c) => c.kind === 'address' && c.hetu === m.hetu)).toBe(true);
  }, 120_000);
});
