/**
 * From the person index's entries to `{Municipality}Records` references: one
 * per municipality holding the person's records, naming only that
 * municipality's instances. An entry whose municipality the index could not
 * tell (a shared instance) yields a reference to every municipality the
 * instance serves; each of those subgraphs keeps only its own records.
 */
import { instance as instanceOf, MUNICIPALITIES } from '../../domain/region.ts';
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';
import { schemaMunicipality } from '../../schema/municipalities.ts';
import type { IndexEntry } from './personLocator.ts';
import { encodeRecordsRef } from '../municipality/recordsRef.ts';

export interface RecordsReference {
  readonly __typename: string;
  readonly id: string;
  readonly municipality: MunicipalityCode;
}

/** The references of one person, in the region table's municipality order. */
export function recordsReferences(hetu: string, entries: readonly IndexEntry[]): RecordsReference[] {
  const byMunicipality = new Map<MunicipalityCode, Set<InstanceId>>();
  for (const e of entries) {
    if (e.instance === 'vtj') continue;
    const served = instanceOf(e.instance).municipalities;
    const targets = e.municipality !== null && served.includes(e.municipality) ? [e.municipality] : served;
    for (const m of targets) {
      const set = byMunicipality.get(m) ?? new Set<InstanceId>();
      set.add(e.instance);
      byMunicipality.set(m, set);
    }
  }
  return MUNICIPALITIES.filter((m) => byMunicipality.has(m.code)).map((m) => ({
    __typename: schemaMunicipality(m.code).typeName,
    id: encodeRecordsRef({ hetu, municipality: m.code, instances: [...byMunicipality.get(m.code)!] }),
    municipality: m.code,
  }));
}
