/**
 * The migration test case: Myrskylä's (504) records migrated from
 * lifecare-phhyky into lifecare-porvoo, once cleanly and once with
 * injected defects (lost records, appointment times shifted by the
 * daylight-saving hour, Swedish names mangled by an encoding error).
 * `diff` reads both instances from their emulators over real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRegion } from '../../fixtures/generator/generate.ts';
import { PRODUCT_WRITERS, createVtjWriter } from '../../fixtures/generator/writers/index.ts';
import { EXIT, type CommandResult } from '../report/types.ts';
import { readHtml, readResult, runCli } from '../testSupport.ts';
import type { Finding } from './engine.ts';
import { mojibake, simulateMigration, type Defect, type SimulatedMigration } from './simulatedMigration.ts';

const TODAY = '2026-11-23';

type DiffRun = Awaited<ReturnType<typeof diff>>;

let root: string;
let clean: SimulatedMigration;
let defective: SimulatedMigration;
/** The three diff runs, started together (each CLI run has its own emulator process). */
let runs: { defective: DiffRun; clean: DiffRun; defectiveWithoutBaseline: DiffRun };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'migration-diff-'));
  await generateRegion({
    persons: 2000,
    seed: 1,
    today: TODAY,
    outDir: join(root, 'region'),
    writers: PRODUCT_WRITERS,
    vtjWriter: createVtjWriter,
  });
  const plan = {
    regionDir: join(root, 'region'),
    from: 'lifecare-phhyky',
    to: 'lifecare-porvoo',
    municipality: '504',
    today: TODAY,
  } as const;
  clean = await simulateMigration({ ...plan, outDir: join(root, 'clean'), defects: false });
  defective = await simulateMigration({ ...plan, outDir: join(root, 'defective'), defects: true });
  const [a, b, c] = await Promise.all([diff('defective', true), diff('clean', true), diff('defective', false)]);
  runs = { defective: a, clean: b, defectiveWithoutBaseline: c };
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** `npm run migration -- diff …` in this process: the exit code and the JSON report. */
async function diff(dir: string, baseline: boolean): Promise<{ code: number; result: CommandResult; html: string }> {
  const cli = await runCli([
    'diff',
    '--from',
    'lifecare-phhyky',
    '--to',
    'lifecare-porvoo',
    '--municipality',
    '504',
    '--fixtures',
    join(root, dir),
    ...(baseline ? ['--baseline-fixtures', join(root, 'region')] : []),
    // Placing every Porvoo patient not in phhyky would read all of them; the scan has its own test.
    '--no-target-scan',
  ]);
  try {
    expect(cli.stderr).not.toMatch(/could not run/i);
    return { code: cli.code, result: readResult(cli, 'diff'), html: readHtml(cli, 'diff') };
  } finally {
    rmSync(cli.outDir, { recursive: true, force: true });
  }
}

function findings(r: CommandResult): Finding[] {
  return (r.details as { findings: Finding[] }).findings;
}

/** What a defect must show as in the diff's findings. */
function expected(d: Defect): Partial<Finding> {
  switch (d.kind) {
    case 'lost':
      return { hetu: d.hetu, group: d.group, kind: 'missing', key: d.key };
    case 'shifted':
      return { hetu: d.hetu, group: 'appointments', kind: 'changed', changes: [{ field: 'start', before: d.before, after: d.after }] };
    case 'mangled':
      return { hetu: d.hetu, group: 'person', kind: 'changed', changes: [{ field: d.field, before: d.before, after: d.after }] };
  }
}

describe('diff of a simulated migration of Myrskylä from lifecare-phhyky into lifecare-porvoo', () => {
  it('the simulation migrates persons, some of whom Porvoo held already, and injects each kind of defect', () => {
    expect(mojibake('Åström')).toBe('Ã…strÃ¶m');
    expect(clean.defects).toEqual([]);
    expect(clean.persons.length).toBeGreaterThan(20);
    // This seed has persons who moved between the two municipalities, so the baseline matters.
    expect(clean.preExisting.length).toBeGreaterThan(0);
    const kinds = defective.defects.map((d) =>
      d.kind === 'mangled' ? `${d.kind}:${d.field}` : d.kind === 'lost' ? `${d.kind}:${d.group}` : d.kind,
    );
    expect(kinds.sort()).toEqual([
      'lost:appointments',
      'lost:appointments',
      'lost:fees',
      'mangled:firstNames',
      'mangled:surname',
      'mangled:surname',
      'shifted',
      'shifted',
    ]);
  });

  it('finds exactly each injected defect, with the fields concerned', () => {
    const { code, result: r, html } = runs.defective;
    expect(code).toBe(EXIT.PROBLEMS);
    expect(r.status).toBe('problems');
    expect(r.command).toBe('diff --from lifecare-phhyky --to lifecare-porvoo --municipality 504');
    expect(r.summary).toMatchObject({
      personsCompared: clean.persons.length,
      personsUnreadable: 0,
      missingInB: 3,
      extraInB: 0,
      changed: 5,
    });
    const found = findings(r);
    expect(found).toHaveLength(defective.defects.length);
    for (const d of defective.defects) expect(found).toContainEqual(expect.objectContaining(expected(d)));

    const groups = r.sections.find((s) => s.id === 'groups')!.table!.rows;
    expect(groups).toContainEqual(['appointments', expect.any(Number), 2, 0, 2]);
    expect(groups).toContainEqual(['fees', expect.any(Number), 1, 0, 0]);
    expect(groups).toContainEqual(['person (basic data)', expect.any(Number), 0, 0, 3]);
    const fields = r.sections.find((s) => s.id === 'fields')!.table!.rows;
    expect(fields).toEqual(
      expect.arrayContaining([
        ['appointments', 'start', 2],
        ['person (basic data)', 'surname', 2],
        ['person (basic data)', 'firstNames', 1],
      ]),
    );
    expect(fields).toHaveLength(3);
    const persons = r.sections.find((s) => s.id === 'persons')!.table!.rows;
    expect(persons).toContainEqual(['held by B before migration', clean.preExisting.length]);

    // No personal values outside the JSON details: no codes, no names before or after.
    for (const visible of [JSON.stringify({ summary: r.summary, sections: r.sections }), html]) {
      expect(visible).not.toMatch(/\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/);
      for (const d of defective.defects) {
        if (d.kind === 'mangled') for (const v of [d.before, d.after]) expect(visible).not.toContain(v.split(' ')[0]);
      }
    }
  });

  it('a clean migration gives an empty diff, exit code 0', () => {
    const { code, result: r } = runs.clean;
    expect(code).toBe(0);
    expect(r.status).toBe('clean');
    expect(r.summary).toMatchObject({
      personsCompared: clean.persons.length,
      personsWithDifferences: 0,
      missingInB: 0,
      extraInB: 0,
      changed: 0,
    });
    expect(findings(r)).toEqual([]);
    expect(r.sections.find((s) => s.id === 'fields')).toBeUndefined();
    expect(r.summary.recordsEqual).toBeGreaterThan(100);
  });

  it('without the baseline, every defect is still found; the rest concerns only persons Porvoo held already', () => {
    const { code, result: r } = runs.defectiveWithoutBaseline;
    expect(code).toBe(EXIT.PROBLEMS);
    expect(r.status).toBe('problems');
    const found = findings(r);
    for (const d of defective.defects) expect(found).toContainEqual(expect.objectContaining(expected(d)));
    const explained = new Set(defective.defects.map((d) => d.hetu));
    const others = found.filter((f) => !explained.has(f.hetu));
    expect(others.length).toBeGreaterThan(0);
    for (const f of others) expect(defective.preExisting).toContain(f.hetu);
    // Their own Porvoo records are extra, their basic data is Porvoo's: nothing of theirs is missing.
    expect(others.filter((f) => f.kind === 'missing')).toEqual([]);
  });
});
