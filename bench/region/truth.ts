/**
 * Reads a fixtures directory's truth files (truth/*.jsonl: what each
 * instance's adapter must read back, and VTJ's persons) into a sample of
 * persons for the benchmark's mix: streaming, line by line, keeping the full
 * records only of a deterministic sample (by a hash of the identity code),
 * so a region of a million persons is read in bounded memory.
 */
import { createReadStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Appointment, Consent, Customership, Decision, Fee, Plan, VtjPerson } from '../../domain/model.ts';
import type { InstanceId } from '../../domain/region.ts';

/** One sampled person: VTJ's data and their records region-wide, by instance. */
export interface TruthPerson {
  readonly hetu: string;
  readonly vtj: VtjPerson | undefined;
  readonly instances: InstanceId[];
  readonly records: {
    appointments: Appointment[];
    customerships: Customership[];
    decisions: Decision[];
    plans: Plan[];
    fees: Fee[];
    consents: Consent[];
  };
}

export interface TruthSample {
  /** The generator's "today" (manifest.json). */
  readonly today: string;
  /** Persons the fixtures hold (manifest.json). */
  readonly persons: number;
  /** Sampled persons holding records in at least one instance, in sample order (by hash). */
  readonly sample: readonly TruthPerson[];
  /** Every person (sampled or not) with a KIELTO_HUOLTAJALLE consent record anywhere. */
  readonly guardianProhibitions: ReadonlySet<string>;
  /** True when the sample is every person of the fixtures. */
  readonly complete: boolean;
}

/** FNV-1a, 32 bits: a cheap, stable spread of identity codes. */
export function hashCode(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface TruthLine {
  readonly hetu: string;
  readonly instance: InstanceId;
  readonly appointments?: Appointment[];
  readonly customerships?: Customership[];
  readonly decisions?: Decision[];
  readonly plans?: Plan[];
  readonly fees?: Fee[];
  readonly consents?: Consent[];
}

async function* lines(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line.trim() !== '') yield line;
}

/**
 * Samples about `size` persons (all when the fixtures hold fewer) with their
 * VTJ data and records. Only the persons whose hash falls in the sample are
 * parsed in full; the others' lines are scanned for a guardian prohibition only.
 */
export async function readTruthSample(fixturesDir: string, size: number): Promise<TruthSample> {
  const manifest = JSON.parse(await readFile(join(fixturesDir, 'manifest.json'), 'utf8')) as { today?: unknown; persons?: unknown };
  if (typeof manifest.today !== 'string' || typeof manifest.persons !== 'number') {
    throw new Error(`expected ${join(fixturesDir, 'manifest.json')} with today and persons, received another shape`);
  }
  const every = Math.max(1, Math.floor(manifest.persons / Math.max(1, size)));
  const inSample = (hetu: string): boolean => hashCode(hetu) % every === 0;
  const truthDir = join(fixturesDir, 'truth');
  const files = (await readdir(truthDir)).filter((f) => f.endsWith('.jsonl')).sort();
  const vtjFile = files.find((f) => f === 'vtj.jsonl');
  if (!vtjFile) throw new Error(`expected ${join(truthDir, 'vtj.jsonl')}, received a directory without it`);

  const byHetu = new Map<string, TruthPerson>();
  const vtj = new Map<string, VtjPerson>();
  for await (const line of lines(join(truthDir, vtjFile))) {
    // The code is the first field of every line: no need to parse the others' lines.
    const hetu = /^\{"hetu":"([^"]+)"/.exec(line)?.[1];
    if (hetu === undefined || !inSample(hetu)) continue;
    vtj.set(hetu, JSON.parse(line) as VtjPerson);
  }
  const prohibitions = new Set<string>();
  for (const file of files.filter((f) => f !== vtjFile)) {
    for await (const line of lines(join(truthDir, file))) {
      const hetu = /^\{"hetu":"([^"]+)"/.exec(line)?.[1];
      const sampled = hetu !== undefined && inSample(hetu);
      if (!sampled && !line.includes('KIELTO_HUOLTAJALLE')) continue;
      const t = JSON.parse(line) as TruthLine;
      if ((t.consents ?? []).some((c) => c.type === 'KIELTO_HUOLTAJALLE')) prohibitions.add(t.hetu);
      if (!sampled) continue;
      let p = byHetu.get(t.hetu);
      if (!p) {
        p = {
          hetu: t.hetu,
          vtj: vtj.get(t.hetu),
          instances: [],
          records: { appointments: [], customerships: [], decisions: [], plans: [], fees: [], consents: [] },
        };
        byHetu.set(t.hetu, p);
      }
      if (!p.instances.includes(t.instance)) p.instances.push(t.instance);
      for (const k of ['appointments', 'customerships', 'decisions', 'plans', 'fees', 'consents'] as const) {
        (p.records[k] as unknown[]).push(...(t[k] ?? []));
      }
    }
  }
  const sample = [...byHetu.values()].sort((a, b) => hashCode(a.hetu) - hashCode(b.hetu) || (a.hetu < b.hetu ? -1 : 1));
  return { today: manifest.today, persons: manifest.persons, sample, guardianProhibitions: prohibitions, complete: every === 1 };
}
