/**
 * Reads a written sample back through the product's emulator and adapter
 * and compares it with what was meant to be written: every record (by
 * natural key, all fields) and the issues the adapter reports.
 */
import { AdapterError, instance as instanceOf, type InstanceId, type ReadOptions } from '../../domain/index.ts';
import { mapBounded } from '../../adapters/wire/concurrency.ts';
import { comparePerson, GROUPS, isIdentical, type Group } from '../diff/compare.ts';
import { openSources, type OpenOptions } from '../diff/sources.ts';
import type { SampleOutcome } from './sample.ts';

export interface Verification {
  /** Persons read back equal in every record. */
  readonly equal: number;
  /** Persons read back with differences (or not at all). */
  readonly differing: number;
  /** Records read back per group. */
  readonly records: Record<Group, number>;
  /** Records that differ, are missing or extra, per group. */
  readonly mismatches: Record<Group, number>;
  /** Issue codes: reported for the originals, and for the sample. */
  readonly issues: Record<string, { original: number; sample: number }>;
}

/** Starts the emulators on the sample directory, reads every sample person and compares. */
export async function verifySample(
  outDir: string,
  outcome: SampleOutcome,
  readOptions: ReadOptions = {},
  open: OpenOptions = {},
): Promise<Verification> {
  const id = outcome.instance as InstanceId;
  const needsVtj = instanceOf(id).product === 'proconsona';
  const sources = await openSources(
    [{ instance: id, endpoint: { fixturesDir: outDir } }],
    needsVtj ? { fixturesDir: outDir } : undefined,
    open,
  );
  try {
    const adapter = sources.adapters[0]!;
    const zero = () => Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<Group, number>;
    const records = zero();
    const mismatches = zero();
    const issues: Record<string, { original: number; sample: number }> = {};
    for (const p of outcome.persons) {
      for (const [code, n] of Object.entries(p.issues)) (issues[code] ??= { original: 0, sample: 0 }).original += n;
    }
    let equal = 0;
    let differing = 0;
    const starts: number[] = [];
    for (let i = 0; i < outcome.expected.length; i += 20) starts.push(i);
    await mapBounded(starts, 4, async (i) => {
      const want = outcome.expected.slice(i, i + 20);
      const slots = await adapter.readPersons(
        want.map((r) => r.hetu),
        readOptions,
      );
      slots.forEach((slot, k) => {
        const wanted = want[k]!;
        if (slot instanceof AdapterError) {
          differing++;
          (issues[slot.code] ??= { original: 0, sample: 0 }).sample++;
          return;
        }
        for (const x of slot.issues) (issues[x.code] ??= { original: 0, sample: 0 }).sample++;
        const c = comparePerson(wanted, slot.records);
        for (const g of GROUPS) {
          records[g] += g === 'person' ? (slot.records.person ? 1 : 0) : slot.records[g].length;
          mismatches[g] += c[g].missing.length + c[g].extra.length + c[g].changed.length;
        }
        if (isIdentical(c)) equal++;
        else differing++;
      });
    });
    return { equal, differing, records, mismatches, issues };
  } finally {
    await sources.close();
  }
}
