/**
 * The `conflicts` command's findings: every source record's basic data
 * against VTJ, grouped per person and kind with the instances involved, and
 * the result (charts by kind and municipality, a table keyed by instance and
 * local id; full values in the JSON only). Pure: no I/O.
 */
import {
  AdapterError,
  municipality as municipalityOf,
  type InstanceId,
  type PersonSlot,
  type VtjSlot,
  type ChangedPerson,
} from '../../domain/index.ts';
import type { CommandResult, Section } from '../report/types.ts';
import { IssueGroups, personLabel, positionsCell, type IssueGroup } from '../source/issues.ts';
import { CONFLICT_KINDS, compareWithVtj, type ConflictKind, type ConflictValue } from './compare.ts';

/** Rows shown in the per-record table (the JSON has all). */
export const ROWS_SHOWN = 500;

export interface ConflictRecord {
  readonly instance: InstanceId;
  /** The source's local id of the person (the identity code itself for Effica and Mediatri). */
  readonly localId?: string;
  /** How reports name the record without personal data. */
  readonly person: string;
  readonly municipality: string;
  readonly value: ConflictValue;
}

/** One person's conflict of one kind, with every record that holds another value than VTJ. */
export interface Conflict {
  readonly kind: ConflictKind;
  readonly hetu: string;
  readonly vtj: ConflictValue;
  readonly records: ConflictRecord[];
}

export interface ConflictsDetails {
  readonly municipality?: string;
  readonly instances: readonly InstanceId[];
  readonly compared: Readonly<Partial<Record<InstanceId, number>>>;
  readonly conflicts: readonly Conflict[];
  readonly notInVtj: readonly { instance: InstanceId; person: string; hetu: string }[];
  readonly readErrors: readonly (IssueGroup & { instance: InstanceId })[];
  readonly vtjErrors: readonly IssueGroup[];
}

const KIND_TITLES: Record<ConflictKind, string> = {
  name: 'name',
  address: 'address',
  municipality: 'municipality',
  language: 'language',
  turvakielto: 'turvakielto',
  death: 'death',
};

/** Aggregates the reads of every instance compared. */
export class ConflictsAggregator {
  private readonly conflicts = new Map<string, Conflict>();
  private readonly compared = new Map<InstanceId, number>();
  private readonly notInVtj: { instance: InstanceId; person: string; hetu: string }[] = [];
  private readonly readErrors = new Map<InstanceId, IssueGroups>();
  private readonly vtjErrors = new IssueGroups();

  constructor(
    readonly instances: readonly InstanceId[],
    /** Only records of this municipality (code) count; undefined: all. */
    readonly municipality?: string,
  ) {
    for (const i of instances) this.compared.set(i, 0);
  }

  /** One listed person's read from `instance`, with VTJ's answer. */
  person(instance: InstanceId, listed: ChangedPerson, ordinal: number, slot: PersonSlot, vtj: VtjSlot | undefined): void {
    if (slot instanceof AdapterError) {
      let g = this.readErrors.get(instance);
      if (!g) this.readErrors.set(instance, (g = new IssueGroups()));
      g.add(slot.code, slot.message, { position: 'readPersons', person: personLabel(listed.localId, ordinal), hetu: listed.hetu });
      return;
    }
    const p = slot.records.person;
    if (!p) return;
    if (this.municipality !== undefined && p.source.municipality !== this.municipality) return;
    const person = personLabel(p.source.localId, ordinal);
    if (vtj instanceof AdapterError) {
      this.vtjErrors.add(vtj.code, vtj.message, { position: 'VTJ', person: `${instance} ${person}`, hetu: listed.hetu });
      return;
    }
    if (vtj === null || vtj === undefined) {
      this.notInVtj.push({ instance, person, hetu: listed.hetu });
      return;
    }
    this.compared.set(instance, (this.compared.get(instance) ?? 0) + 1);
    for (const d of compareWithVtj(p, vtj)) {
      const key = `${p.hetu}\u0000${d.kind}`;
      let c = this.conflicts.get(key);
      if (!c) this.conflicts.set(key, (c = { kind: d.kind, hetu: p.hetu, vtj: d.vtj, records: [] }));
      c.records.push({ instance, localId: p.source.localId, person, municipality: p.source.municipality, value: d.source });
    }
  }

  details(): ConflictsDetails {
    const order = (c: Conflict): string => `${CONFLICT_KINDS.indexOf(c.kind)}`;
    return {
      ...(this.municipality !== undefined && { municipality: this.municipality }),
      instances: this.instances,
      compared: Object.fromEntries(this.compared),
      conflicts: [...this.conflicts.values()].sort((a, b) => order(a).localeCompare(order(b))),
      notInVtj: this.notInVtj,
      readErrors: [...this.readErrors].flatMap(([instance, g]) => g.list().map((x) => ({ ...x, instance }))),
      vtjErrors: this.vtjErrors.list(),
    };
  }

  result(meta: { startedAt: string; durationMs: number }): CommandResult {
    const d = this.details();
    const records = d.conflicts.flatMap((c) => c.records.map((r) => ({ ...r, kind: c.kind, conflict: c })));
    const byKind = new Map<ConflictKind, number>(CONFLICT_KINDS.map((k) => [k, 0]));
    for (const r of records) byKind.set(r.kind, byKind.get(r.kind)! + 1);
    const municipalities = [...new Set(records.map((r) => r.municipality))].sort();
    const cell = (m: string, k: ConflictKind): number => records.filter((r) => r.municipality === m && r.kind === k).length;
    const compared = Object.values(d.compared).reduce((n, x) => n + (x ?? 0), 0);
    const unreadable = d.readErrors.reduce((n, g) => n + g.count, 0);
    const vtjUnreadable = d.vtjErrors.reduce((n, g) => n + g.count, 0);
    const problems = records.length + d.notInVtj.length + unreadable + vtjUnreadable;

    const sections: Section[] = [
      {
        id: 'by-kind',
        title: 'Conflicts by kind',
        description:
          records.length === 0
            ? 'Every record compared holds the same basic data as VTJ.'
            : 'Source records whose basic data differs from VTJ, the master, per kind of data. A person may conflict in several kinds and several instances.',
        chart: { kind: 'bars', unit: 'records', bars: CONFLICT_KINDS.map((k) => ({ label: KIND_TITLES[k], value: byKind.get(k)! })) },
        table: {
          columns: ['kind', 'records', 'persons', 'instances'],
          rows: CONFLICT_KINDS.map((k) => {
            const of = records.filter((r) => r.kind === k);
            return [
              KIND_TITLES[k],
              of.length,
              new Set(of.map((r) => r.conflict.hetu)).size,
              [...new Set(of.map((r) => r.instance))].sort().join(', '),
            ];
          }),
        },
      },
      {
        id: 'by-municipality',
        title: 'Conflicts by municipality',
        description:
          'The same conflicts by the municipality each record belongs to (for a shared instance, the one it has for the person).',
        chart: {
          kind: 'bars',
          unit: 'records',
          bars: municipalities.flatMap((m) =>
            CONFLICT_KINDS.filter((k) => cell(m, k) > 0).map((k) => ({
              label: KIND_TITLES[k],
              value: cell(m, k),
              group: municipalityName(m),
            })),
          ),
        },
        table: {
          columns: ['municipality', ...CONFLICT_KINDS.map((k) => KIND_TITLES[k]), 'all'],
          rows: municipalities.map((m) => [
            municipalityName(m),
            ...CONFLICT_KINDS.map((k) => cell(m, k)),
            records.filter((r) => r.municipality === m).length,
          ]),
        },
      },
      {
        id: 'conflicts',
        title: 'Records in conflict with VTJ',
        description:
          'Each record that differs from VTJ, by instance and local id, with the other instances where the same person differs in the same kind. Values (what the source and VTJ hold) are in the JSON file only.',
        table: {
          columns: ['instance', 'person', 'municipality', 'kind', 'also in'],
          rows: records
            .slice()
            .sort(
              (a, b) =>
                a.instance.localeCompare(b.instance) ||
                a.person.localeCompare(b.person, 'en', { numeric: true }) ||
                a.kind.localeCompare(b.kind),
            )
            .slice(0, ROWS_SHOWN)
            .map((r) => [
              r.instance,
              r.person,
              municipalityName(r.municipality),
              KIND_TITLES[r.kind],
              r.conflict.records
                .filter((o) => o.instance !== r.instance || o.person !== r.person)
                .map((o) => o.instance)
                .join(', '),
            ]),
          ...(records.length > ROWS_SHOWN && { truncated: records.length - ROWS_SHOWN }),
        },
      },
      {
        id: 'compared',
        title: 'Records compared per instance',
        description:
          'Persons read from each instance and compared with VTJ; persons VTJ does not know, and reads that failed, are not compared.',
        table: {
          columns: ['instance', 'compared', 'not in VTJ', 'not readable'],
          rows: d.instances.map((i) => [
            i,
            d.compared[i] ?? 0,
            d.notInVtj.filter((x) => x.instance === i).length,
            d.readErrors.filter((g) => g.instance === i).reduce((n, g) => n + g.count, 0),
          ]),
        },
      },
    ];
    if (unreadable + vtjUnreadable > 0) {
      sections.push({
        id: 'errors',
        title: 'Read errors',
        description: 'Persons that could not be read from their instance or from VTJ, and so were not compared.',
        table: {
          columns: ['source', 'code', 'reason', 'count', 'first positions'],
          rows: [
            ...d.readErrors.map((g) => [g.instance, g.code, g.reason, g.count, positionsCell(g.positions, 10)]),
            ...d.vtjErrors.map((g) => ['vtj', g.code, g.reason, g.count, positionsCell(g.positions, 10)]),
          ],
        },
      });
    }
    return {
      command: `conflicts${this.municipality !== undefined ? ` --municipality ${this.municipality}` : ''}`,
      status: problems > 0 ? 'problems' : 'clean',
      summary: {
        ...(this.municipality !== undefined && { municipality: municipalityName(this.municipality) }),
        instances: d.instances.length,
        'records compared': compared,
        'records in conflict': records.length,
        'persons in conflict': new Set(records.map((r) => r.conflict.hetu)).size,
        ...Object.fromEntries(CONFLICT_KINDS.map((k) => [`${KIND_TITLES[k]} conflicts`, byKind.get(k)!])),
        'persons not in VTJ': d.notInVtj.length,
        'persons not readable': unreadable + vtjUnreadable,
      },
      sections,
      details: d,
      startedAt: meta.startedAt,
      durationMs: meta.durationMs,
    };
  }
}

/** `Porvoo (638)`. */
export function municipalityName(code: string): string {
  const m = municipalityOf(code);
  return m ? `${m.nameFi} (${code})` : code;
}
