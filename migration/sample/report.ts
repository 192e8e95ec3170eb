/**
 * A sample's outcome as the report every renderer reads: counts only, the
 * synthetic codes in the details; never an original code or the mapping.
 */
import type { CommandResult, Section } from '../report/types.ts';
import { GROUPS } from '../diff/compare.ts';
import type { SampleOutcome } from './sample.ts';
import type { Verification } from './verify.ts';

/** Issue codes that come from the data itself, so a faithful sample must reproduce them. */
export const REPRODUCED_ISSUES = ['NORMALISED_IDENTITY_CODE', 'UNMAPPED_CODE', 'MUNICIPALITY_OUTSIDE_INSTANCE'] as const;

export interface SampleMeta {
  readonly command: string;
  readonly outDir: string;
  readonly seed: number;
  readonly startedAt: string;
  readonly durationMs: number;
}

/** True when the sample read back exactly and reproduced the instance's quirks. */
export function sampleFaithful(o: SampleOutcome, v: Verification | undefined): boolean {
  if (o.unreadable > 0) return false;
  if (!v) return true;
  return v.differing === 0 && REPRODUCED_ISSUES.every((c) => (v.issues[c]?.original ?? 0) === (v.issues[c]?.sample ?? 0));
}

/** Builds the command result of a sample. */
export function sampleResult(o: SampleOutcome, v: Verification | undefined, meta: SampleMeta): CommandResult {
  const sections: Section[] = [];
  const written: Record<string, number> = Object.fromEntries(GROUPS.map((g) => [g, 0]));
  for (const r of o.expected) {
    written['person']! += 1;
    for (const g of GROUPS) if (g !== 'person') written[g]! += r[g].length;
  }
  sections.push({
    id: 'records',
    title: 'Records in the sample',
    description: v
      ? 'Records written per data group, and what the emulator and adapter read back from the sample files.'
      : 'Records written per data group (not read back: --no-verify).',
    chart: { kind: 'bars', unit: 'records', bars: GROUPS.map((g) => ({ label: g, value: written[g]! })) },
    table: {
      columns: v ? ['data group', 'written', 'read back', 'differing'] : ['data group', 'written'],
      rows: GROUPS.map((g) => (v ? [g, written[g]!, v.records[g], v.mismatches[g]] : [g, written[g]!])),
    },
  });
  const forms = new Map<string, number>();
  for (const p of o.persons) forms.set(p.hetuForm, (forms.get(p.hetuForm) ?? 0) + 1);
  sections.push({
    id: 'forms',
    title: 'Identity-code forms kept',
    description: 'Synthetic codes (individual numbers 900–999) are written in the form the original had in the instance.',
    table: { columns: ['form', 'persons'], rows: [...forms].sort((a, b) => b[1] - a[1]) },
  });
  if (v && Object.keys(v.issues).length > 0) {
    sections.push({
      id: 'issues',
      title: 'Issues reproduced',
      description: `Issues the adapter reported for the original persons and for the sample. ${REPRODUCED_ISSUES.join(', ')} come from the data and must match; records that could not be read at all are not in the sample.`,
      table: {
        columns: ['code', 'original', 'sample'],
        rows: Object.entries(v.issues)
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([code, n]) => [code, n.original, n.sample]),
      },
    });
  }
  const vtj = { vtj: 0, derived: 0, absent: 0 };
  for (const p of o.persons) vtj[p.vtj]++;
  sections.push({
    id: 'vtj',
    title: 'VTJ entries of the sample persons',
    description:
      'Pseudonymised from VTJ; derived from the instance where VTJ could not be asked; absent where VTJ does not know the person (kept so).',
    table: {
      columns: ['source', 'persons'],
      rows: [
        ['VTJ', vtj.vtj],
        ['derived from the instance', vtj.derived],
        ['absent from VTJ', vtj.absent],
      ],
    },
  });
  return {
    command: meta.command,
    status: sampleFaithful(o, v) ? 'clean' : 'problems',
    summary: {
      instance: o.instance,
      listed: o.listed,
      persons: o.persons.length,
      unreadable: o.unreadable,
      seed: meta.seed,
      out: meta.outDir,
      ...(v && { readBackEqual: v.equal, readBackDiffering: v.differing }),
    },
    sections,
    details: {
      instance: o.instance,
      out: meta.outDir,
      seed: meta.seed,
      listed: o.listed,
      unreadable: o.unreadable,
      empty: o.empty,
      vtjUnreadable: o.vtjUnreadable,
      persons: o.persons,
      ...(v && { verification: v }),
    },
    startedAt: meta.startedAt,
    durationMs: meta.durationMs,
  };
}
