/**
 * Test support for the sample tests: run `sample` through the CLI, read an
 * instance through its emulator and adapter, a person's dates-and-codes
 * signature, and the sample's files as bytes and as text.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  AdapterError,
  BEGINNING_OF_TIME,
  collectChanged,
  instance as instanceOf,
  type InstanceId,
  type PersonRead,
  type SourceRecords,
} from '../../domain/index.ts';
import { openSources } from '../diff/sources.ts';
import type { CommandResult } from '../report/types.ts';
import { readResult, runCli } from '../testSupport.ts';
import type { SamplePerson } from './sample.ts';

/** `npm run migration -- sample …` in this process; the sample and its reports go to a fresh directory (`out`). */
export async function runSample(args: readonly string[]): Promise<{ code: number; out: string; result: CommandResult }> {
  const cli = await runCli(['sample', ...args]);
  expect(cli.stderr).not.toMatch(/could not run/i);
  return { code: cli.code, out: cli.outDir, result: readResult(cli, 'sample') };
}

/** The sample persons a result lists (synthetic codes). */
export function samplePersons(r: CommandResult): SamplePerson[] {
  return (r.details as { persons: SamplePerson[] }).persons;
}

/** Reads the given persons (default: every person the instance lists) through its emulator and adapter. */
export async function readAll(dir: string, instance: InstanceId, codes?: readonly string[]): Promise<PersonRead[]> {
  const vtj = instanceOf(instance).product === 'proconsona' ? { fixturesDir: dir } : undefined;
  const s = await openSources([{ instance, endpoint: { fixturesDir: dir } }], vtj);
  try {
    const adapter = s.adapters[0]!;
    const hetus = codes ?? (await collectChanged(adapter.listChanged(BEGINNING_OF_TIME))).persons.map((p) => p.hetu);
    const slots = await adapter.readPersons(hetus, { feeYears: [2024, 2025, 2026] });
    return slots.map((slot) => {
      if (slot instanceof AdapterError) throw slot;
      return slot;
    });
  } finally {
    await s.close();
  }
}

/** A person's dates and codes: everything pseudonymisation leaves as it was. */
export function signature(r: SourceRecords): string {
  const p = r.person!;
  const sorted = (xs: string[]) => xs.sort().join('|');
  return JSON.stringify([
    [p.birthDate, p.sex, p.municipality, p.language, p.serviceLanguage, p.turvakielto, p.deathDate, p.address?.city],
    sorted(
      r.appointments.map((a) =>
        [a.start, a.careArea, a.status, a.professionalKind, a.contactMode, a.durationMinutes, a.unit.oid, a.unit.name].join(),
      ),
    ),
    sorted(r.fees.map((f) => [f.date, f.amountCents, f.status, f.accruesToCeiling, f.description, f.careArea, f.register].join())),
    sorted(r.plans.map((x) => [x.type, x.startDate, x.endDate, x.reviewDate, x.title].join())),
    sorted(r.customerships.map((c) => [c.serviceTask, c.startDate, c.endDate, c.extraSensitive, c.unit].join())),
    sorted(r.decisions.map((d) => [d.service, d.decisionDate, d.validFrom, d.validTo, d.outcome].join())),
    sorted(r.consents.map((c) => [c.type, c.givenOn, c.withdrawnOn].join())),
  ]);
}

/** Every file of a directory tree: raw bytes (as Latin-1 text) and text decoded as its writer encoded it. */
export function sampleText(dir: string): { bytes: string; text: string } {
  let bytes = '';
  let text = '';
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const raw = readFileSync(join(entry.parentPath, entry.name));
    bytes += `${raw.toString('latin1')}\n`;
    const product = entry.parentPath.slice(dir.length);
    text += /mediatri/.test(product)
      ? iconv.decode(raw, 'windows-1252')
      : /effica|pegasos/.test(product)
        ? raw.toString('latin1')
        : raw.toString('utf8');
    text += '\n';
  }
  return { bytes, text };
}

/** True when the word appears in the text as a whole word (not inside a longer one), as written or in capitals. */
export function hasWord(text: string, word: string): boolean {
  return [word, word.toLocaleUpperCase('fi-FI')].some((w) => {
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\d])${escaped}(?![\\p{L}\\d])`, 'u').test(text);
  });
}

/**
 * A temp directory for one test file's regions, and `sample` runs whose output
 * directories are removed with it: registers the file's beforeAll/afterAll.
 */
export function sampleWorkspace(): { root: () => string; sample: typeof runSample } {
  let root = '';
  const outs: string[] = [];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'migration-sample-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    for (const o of outs) rmSync(o, { recursive: true, force: true });
  });
  return {
    root: () => root,
    async sample(args) {
      const r = await runSample(args);
      outs.push(r.out);
      return r;
    },
  };
}
