/**
 * A diff's outcome as the report every renderer reads. Sections hold
 * counts only (by data group, by field name, by side and code): personal
 * values appear in the details alone, which go to the JSON file.
 */
import type { BarChart, CommandResult, Section } from '../report/types.ts';
import { GROUPS } from './compare.ts';
import { isClean, type DiffOutcome, type Side } from './engine.ts';

export interface DiffMeta {
  readonly command: string;
  readonly from: string;
  readonly to: string;
  readonly municipality?: string;
  readonly baseline: boolean;
  /** Fee years read, or undefined for the adapters' default. */
  readonly feeYears?: readonly number[];
  readonly startedAt: string;
  readonly durationMs: number;
}

const GROUP_LABELS: Record<(typeof GROUPS)[number], string> = {
  person: 'person (basic data)',
  customerships: 'customerships',
  decisions: 'decisions',
  plans: 'plans',
  appointments: 'appointments',
  fees: 'fees',
  consents: 'consents',
};

const SIDE_LABELS: Record<Side, string> = { from: 'A (from)', to: 'B (to)', baseline: 'B before migration' };

/** Builds the command result of a diff. */
export function diffResult(o: DiffOutcome, meta: DiffMeta): CommandResult {
  const totals = { missing: 0, extra: 0, changed: 0, matched: 0 };
  for (const g of GROUPS) {
    totals.missing += o.groups[g].missing;
    totals.extra += o.groups[g].extra;
    totals.changed += o.groups[g].changed;
    totals.matched += o.groups[g].matched;
  }
  const sections: Section[] = [];
  const scope = `${meta.from} (A) against ${meta.to} (B)${meta.municipality ? `, persons of municipality ${meta.municipality}` : ''}`;

  const bars: BarChart['bars'][number][] = [];
  for (const g of GROUPS) {
    const c = o.groups[g];
    for (const [kind, value] of [
      ['missing in B', c.missing],
      ['extra in B', c.extra],
      ['changed', c.changed],
    ] as const) {
      if (value > 0) bars.push({ label: kind, value, group: GROUP_LABELS[g] });
    }
  }
  sections.push({
    id: 'groups',
    title: 'Differences per data group',
    description: `Records of ${scope}, matched by identity code and natural keys (not local ids); provenance is not compared.`,
    ...(bars.length > 0 && { chart: { kind: 'bars', unit: 'records', bars } }),
    table: {
      columns: ['data group', 'equal', 'missing in B', 'extra in B', 'changed'],
      rows: GROUPS.map((g) => [GROUP_LABELS[g], o.groups[g].matched, o.groups[g].missing, o.groups[g].extra, o.groups[g].changed]),
    },
  });

  const fieldRows: [string, string, number][] = [];
  for (const g of GROUPS) {
    for (const [field, n] of Object.entries(o.groups[g].fields)) fieldRows.push([GROUP_LABELS[g], field, n]);
  }
  fieldRows.sort((x, y) => y[2] - x[2] || x[0].localeCompare(y[0]) || x[1].localeCompare(y[1]));
  if (fieldRows.length > 0) {
    sections.push({
      id: 'fields',
      title: 'Changed fields',
      description: 'How many changed records differ in each field; the values before and after are in the JSON details only.',
      chart: { kind: 'bars', unit: 'records', bars: fieldRows.map(([g, f, n]) => ({ label: `${g}: ${f}`, value: n })) },
      table: { columns: ['data group', 'field', 'records'], rows: fieldRows },
    });
  }

  const p = o.persons;
  sections.push({
    id: 'persons',
    title: 'Persons',
    description: meta.baseline
      ? 'Persons B held before the migration are compared against B before the migration for their basic data and own records.'
      : 'Persons B already held before the migration show their own records as extra in B; compare with --baseline to leave them out.',
    table: {
      columns: ['persons', 'count'],
      rows: [
        ['listed by A', p.listed.from],
        ['listed by B', p.listed.to],
        ...(meta.baseline ? [['listed by B before migration', p.listed.baseline] as [string, number]] : []),
        ['compared', p.compared],
        ['with differences', p.withDifferences],
        ...(meta.baseline ? [['held by B before migration', p.preExisting] as [string, number]] : []),
        ['outside the municipality', p.outOfScope],
        ['could not be read', p.unreadable],
        ...(p.notScanned > 0 ? [['listed by B only, not read (--no-target-scan)', p.notScanned] as [string, number]] : []),
      ],
    },
  });

  const issueRows: [string, string, number][] = [];
  for (const side of ['from', 'to', 'baseline'] as const) {
    for (const [code, n] of Object.entries(o.issues[side])) issueRows.push([SIDE_LABELS[side], code, n]);
  }
  if (issueRows.length > 0) {
    sections.push({
      id: 'issues',
      title: 'Issues while reading',
      description: 'Record issues and read errors the adapters reported; a record one side could not read shows as missing or extra.',
      table: { columns: ['side', 'code', 'count'], rows: issueRows },
    });
  }

  return {
    command: meta.command,
    status: isClean(o) ? 'clean' : 'problems',
    summary: {
      from: meta.from,
      to: meta.to,
      ...(meta.municipality && { municipality: meta.municipality }),
      ...(meta.feeYears && { feeYears: meta.feeYears.join(', ') }),
      personsCompared: p.compared,
      personsWithDifferences: p.withDifferences,
      personsUnreadable: p.unreadable,
      recordsEqual: totals.matched,
      missingInB: totals.missing,
      extraInB: totals.extra,
      changed: totals.changed,
    },
    sections,
    details: {
      from: meta.from,
      to: meta.to,
      ...(meta.municipality && { municipality: meta.municipality }),
      baseline: meta.baseline,
      persons: o.persons,
      groups: o.groups,
      issues: o.issues,
      findings: o.findings,
      findingsLeftOut: o.findingsLeftOut,
    },
    startedAt: meta.startedAt,
    durationMs: meta.durationMs,
  };
}
