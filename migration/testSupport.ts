/**
 * Test helpers: run the CLI in-process with captured output, read the
 * fixtures' manifest and truth, and assert that a text holds no personal
 * data of an instance.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { InstanceId, SourceRecords } from '../domain/index.ts';
import { BUNDLED_FIXTURES, main } from './cli.ts';
import type { CommandResult } from './report/types.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outDir: string;
}

/** Runs `npm run migration -- …argv` in this process, writing reports into a fresh temp directory. */
export async function runCli(argv: readonly string[]): Promise<CliRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'migration-report-'));
  let stdout = '';
  let stderr = '';
  const code = await main([...argv, '--out', outDir], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr, outDir };
}

/** The JSON report a run wrote. */
export function readResult<D>(run: CliRun, name: string): CommandResult & { details: D } {
  return JSON.parse(readFileSync(join(run.outDir, `${name}.json`), 'utf8')) as CommandResult & { details: D };
}

/** The HTML report a run wrote. */
export function readHtml(run: CliRun, name: string): string {
  return readFileSync(join(run.outDir, `${name}.html`), 'utf8');
}

export interface MessyRecord {
  readonly kind: string;
  readonly instance: InstanceId;
  readonly hetu: string;
  readonly localId: string;
}

export interface Manifest {
  readonly today: string;
  readonly instances: Record<string, { persons: number; unreadable: number }>;
  readonly messy: readonly MessyRecord[];
}

export function readManifest(dir = BUNDLED_FIXTURES): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/** The canonical truth the generator wrote for an instance. */
export function readTruth(instance: InstanceId, dir = BUNDLED_FIXTURES): SourceRecords[] {
  return readFileSync(join(dir, 'truth', `${instance}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SourceRecords);
}

/**
 * Asserts the text holds none of these persons' identity codes (in any
 * case) nor their names (surname and first names as written).
 */
export function expectNoPersonalData(text: string, persons: readonly { hetu: string; surname?: string; firstNames?: string }[]): void {
  const lower = text.toLowerCase();
  for (const p of persons) {
    expect(lower, 'an identity code').not.toContain(p.hetu.toLowerCase());
    if (p.surname && p.firstNames) {
      expect(text, 'a full name').not.toContain(`${p.firstNames} ${p.surname}`);
      expect(text, 'a full name').not.toContain(`${p.surname} ${p.firstNames}`);
      expect(text, 'a full name').not.toContain(`${p.surname}, ${p.firstNames}`);
      expect(text, 'a surname').not.toMatch(new RegExp(`(^|[^\\p{L}])${escapeRegExp(p.surname)}([^\\p{L}]|$)`, 'u'));
    }
  }
  // Any identity-code shape at all, even of a person not listed above.
  expect(text).not.toMatch(/\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/i);
}

/** Persons of an instance's truth, as expectNoPersonalData takes them. */
export function personsOf(instance: InstanceId, dir = BUNDLED_FIXTURES): { hetu: string; surname?: string; firstNames?: string }[] {
  return readTruth(instance, dir).map((r) => ({
    hetu: r.hetu,
    ...(r.person && { surname: r.person.surname, firstNames: r.person.firstNames }),
  }));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
