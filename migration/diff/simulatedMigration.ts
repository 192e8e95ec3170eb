/**
 * Test support: a simulated migration of one municipality's records from
 * one Lifecare instance into another, written into a copy of a generated
 * region, with optional injected defects (lost records, appointment times
 * shifted by the daylight-saving hour, names mangled by an encoding error).
 *
 * The source's canonical records (the generator's truth, which is what the
 * source adapter reads) are re-provenanced with new local ids and written
 * with the Lifecare fixture writer, then appended to the target's files. A
 * person the target already holds keeps the target's patient record (a
 * migration attaches the records to it) and gains the migrated records.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import {
  formatInstant,
  instance as instanceOf,
  parseInstant,
  type InstanceId,
  type Provenance,
  type SourceRecords,
} from '../../domain/index.ts';
import { FIXTURE_FILES } from '../../adapters/lifecare/format.ts';
import { createLifecareWriter } from '../../fixtures/generator/writers/lifecare.ts';
import type { IntendedRecords } from '../../fixtures/generator/types.ts';
import type { Group, Value } from './compare.ts';

export type Defect =
  | { readonly kind: 'lost'; readonly hetu: string; readonly group: Group; readonly key: Readonly<Record<string, Value>> }
  | { readonly kind: 'shifted'; readonly hetu: string; readonly before: string; readonly after: string }
  | {
      readonly kind: 'mangled';
      readonly hetu: string;
      readonly field: 'surname' | 'firstNames';
      readonly before: string;
      readonly after: string;
    };

export interface MigrationPlan {
  readonly regionDir: string;
  readonly outDir: string;
  readonly from: InstanceId;
  readonly to: InstanceId;
  readonly municipality: string;
  readonly today: string;
  readonly defects: boolean;
}

export interface SimulatedMigration {
  /** Persons migrated. */
  readonly persons: readonly string[];
  /** Migrated persons the target held already. */
  readonly preExisting: readonly string[];
  readonly defects: readonly Defect[];
}

/** UTF-8 bytes read as Windows-1252 (`Åström` → `Ã…strÃ¶m`). */
export function mojibake(text: string): string {
  return iconv.decode(Buffer.from(text, 'utf8'), 'windows-1252');
}

function readTruth(dir: string, instance: InstanceId): SourceRecords[] {
  return readFileSync(join(dir, 'truth', `${instance}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SourceRecords);
}

// eslint-disable-next-line no-control-regex -- the ASCII range deliberately starts at NUL.
const NON_ASCII = /[^\x00-\x7f]/;

/** Writes the migrated copy of the region into `outDir` and says what was injected. */
export async function simulateMigration(plan: MigrationPlan): Promise<SimulatedMigration> {
  cpSync(plan.regionDir, plan.outDir, { recursive: true });
  const target = instanceOf(plan.to);
  const existing = new Set(readTruth(plan.regionDir, plan.to).map((r) => r.hetu));
  const migrated = readTruth(plan.regionDir, plan.from).filter((r) => r.person?.source.municipality === plan.municipality);

  // Defects go to persons new to the target, each kind to different persons.
  const defects: Defect[] = [];
  const chosen = new Set<string>();
  const pick = (test: (r: SourceRecords) => boolean, n: number): SourceRecords[] => {
    const out = migrated.filter((r) => !existing.has(r.hetu) && !chosen.has(r.hetu) && test(r)).slice(0, n);
    for (const r of out) chosen.add(r.hetu);
    return out;
  };
  const lostAppointment = new Set<string>();
  const lostFee = new Set<string>();
  const shifted = new Set<string>();
  const mangle = new Map<string, 'surname' | 'firstNames'>();
  if (plan.defects) {
    for (const r of pick((r) => r.appointments.length >= 2, 2)) {
      const a = r.appointments[0]!;
      lostAppointment.add(a.source.localId);
      defects.push({
        kind: 'lost',
        hetu: r.hetu,
        group: 'appointments',
        key: { start: a.start, careArea: a.careArea, unit: a.unit.oid ?? a.unit.name },
      });
    }
    for (const r of pick((r) => r.fees.length >= 1, 1)) {
      const f = r.fees[0]!;
      lostFee.add(f.source.localId);
      defects.push({
        kind: 'lost',
        hetu: r.hetu,
        group: 'fees',
        key: { date: f.date, amountCents: f.amountCents, description: f.description },
      });
    }
    // Summer-time appointments written as if the offset were winter's: one hour later.
    for (const r of pick((r) => r.appointments.some((a) => a.start.endsWith('+03:00')), 2)) {
      const a = r.appointments.find((x) => x.start.endsWith('+03:00'))!;
      shifted.add(a.source.localId);
      defects.push({ kind: 'shifted', hetu: r.hetu, before: a.start, after: formatInstant(parseInstant(a.start) + 3_600_000) });
    }
    for (const r of pick((r) => NON_ASCII.test(r.person!.surname), 2)) {
      mangle.set(r.hetu, 'surname');
      defects.push({ kind: 'mangled', hetu: r.hetu, field: 'surname', before: r.person!.surname, after: mojibake(r.person!.surname) });
    }
    for (const r of pick((r) => NON_ASCII.test(r.person!.firstNames), 1)) {
      mangle.set(r.hetu, 'firstNames');
      defects.push({
        kind: 'mangled',
        hetu: r.hetu,
        field: 'firstNames',
        before: r.person!.firstNames,
        after: mojibake(r.person!.firstNames),
      });
    }
  }

  const staging = mkdtempSync(join(tmpdir(), 'migration-staging-'));
  try {
    const writer = createLifecareWriter({ outDir: staging, instance: target, today: plan.today });
    let nextId = 900_000;
    const prov = (): Provenance => ({
      instance: target.id,
      product: target.product,
      municipality: target.municipalities[0]!,
      localId: String(nextId++),
    });
    for (const r of migrated) {
      const p = r.person!;
      const field = mangle.get(r.hetu);
      const intended: IntendedRecords = {
        ...r,
        instance: target.id,
        hetuForm: 'canonical',
        person: { ...p, ...(field && { [field]: mojibake(p[field]) }), source: prov() },
        customerships: [],
        decisions: [],
        consents: [],
        plans: r.plans.map((x) => ({ ...x, source: prov() })),
        appointments: r.appointments
          .filter((a) => !lostAppointment.has(a.source.localId))
          .map((a) => ({
            ...a,
            ...(shifted.has(a.source.localId) && { start: formatInstant(parseInstant(a.start) + 3_600_000) }),
            source: prov(),
          })),
        fees: r.fees.filter((f) => !lostFee.has(f.source.localId)).map((f) => ({ ...f, source: prov() })),
      };
      writer.write(intended);
    }
    await writer.close();

    for (const file of Object.values(FIXTURE_FILES)) {
      const added = readFileSync(join(staging, target.id, file.file), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('  <'))
        // The target's own patient record stays; only the migrated items join it.
        .filter((line) => file !== FIXTURE_FILES.potilaat || !existing.has(/<Hetu>([^<]*)<\/Hetu>/.exec(line)?.[1] ?? ''));
      const path = join(plan.outDir, target.id, file.file);
      const lines = readFileSync(path, 'utf8').split('\n');
      const close = lines.findLastIndex((l) => l.trim() === `</${file.root}>`);
      writeFileSync(path, [...lines.slice(0, close), ...added, ...lines.slice(close)].join('\n'));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { persons: migrated.map((r) => r.hetu), preExisting: migrated.filter((r) => existing.has(r.hetu)).map((r) => r.hetu), defects };
}
