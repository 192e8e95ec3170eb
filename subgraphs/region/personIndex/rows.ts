/**
 * Turns one page of an instance's changed-persons listing into index rows:
 * validates codes, decides the municipality whose subgraph serves each
 * person's records, and counts what could not be indexed (no codes kept).
 */
import type { ChangedPage, PersonRead, SourceAdapter } from '../../../domain/sourceAdapter.ts';
import { AdapterError } from '../../../domain/errors.ts';
import { checkHetu } from '../../../domain/hetu.ts';
import type { SourceRecords } from '../../../domain/model.ts';
import { instance as instanceOf, recordMunicipality } from '../../../domain/region.ts';
import type { MunicipalityCode } from '../../../domain/region.ts';
import { parseInstant } from '../../../domain/time.ts';
import type { IndexRow, PersonIndexStore } from './store.ts';

/** Counts of listing problems by code (adapter issue codes plus the index's own). */
export type IssueCounts = Record<string, number>;

/** The index's own issue: a shared instance's municipality for a person could not be read. */
export const MUNICIPALITY_UNRESOLVED = 'MUNICIPALITY_UNRESOLVED';
/** The index's own issue: a listed change instant later than now (plus tolerance), not used for polling. */
export const CHANGE_IN_FUTURE = 'CHANGE_IN_FUTURE';

export interface PageRows {
  readonly rows: IndexRow[];
  /** Latest valid change instant on the page, epoch ms, or null. */
  readonly maxChangedAt: number | null;
}

/** Adds `n` to one issue counter. */
export function countIssue(counts: IssueCounts, code: string, n = 1): void {
  counts[code] = (counts[code] ?? 0) + n;
}

/**
 * Builds the rows of one listing page. Single-municipality instances: that
 * municipality. Shared instances: the listing's municipality where it gives
 * one, else what the index already holds for an unchanged person, else the
 * person's records read through `adapter.readPersons` in batches. Throws the
 * AdapterError when the source is unavailable while resolving (the round
 * then fails and is retried). Change instants after `notAfterMs` do not count
 * as the latest change seen.
 */
export async function pageRows(
  adapter: SourceAdapter,
  page: ChangedPage,
  store: PersonIndexStore,
  issues: IssueCounts,
  resolveBatchSize: number,
  notAfterMs: number,
  signal?: AbortSignal,
): Promise<PageRows> {
  const inst = instanceOf(adapter.instance);
  const rows: IndexRow[] = [];
  const unresolved: { index: number; changedAtMs: number | null }[] = [];
  let maxChangedAt: number | null = null;

  for (const pageIssue of page.issues) countIssue(issues, pageIssue.code);
  for (const p of page.persons) {
    if (!checkHetu(p.hetu).ok) {
      // Adapters should have reported it already; never index a code that is not one.
      countIssue(issues, 'INVALID_IDENTITY_CODE');
      continue;
    }
    const changedMs = p.changedAt === undefined ? Number.NaN : parseInstant(p.changedAt);
    const changedAt = Number.isNaN(changedMs) ? null : p.changedAt!;
    if (!Number.isNaN(changedMs)) {
      if (changedMs > notAfterMs) {
        // A change instant in the future (a wrong clock or bad data at the source) would push the
        // next `since` past every real change; index the person but do not poll from there.
        countIssue(issues, CHANGE_IN_FUTURE);
      } else if (maxChangedAt === null || changedMs > maxChangedAt) {
        maxChangedAt = changedMs;
      }
    }

    let municipality: MunicipalityCode | null;
    if (inst.municipalities.length <= 1) {
      municipality = inst.municipalities[0] ?? null;
    } else if (p.municipality !== undefined) {
      municipality = recordMunicipality(inst, p.municipality) ?? null;
      if (municipality === null) {
        // As the adapters do (common rules): the record goes to the instance's first municipality.
        countIssue(issues, 'MUNICIPALITY_OUTSIDE_INSTANCE');
        municipality = inst.municipalities[0]!;
      }
    } else {
      municipality = null;
      unresolved.push({ index: rows.length, changedAtMs: changedAt === null ? null : changedMs });
    }
    rows.push({ hetu: p.hetu, localId: p.localId ?? null, municipality, changedAt });
  }

  if (unresolved.length > 0) {
    const known = await store.known(
      adapter.instance,
      unresolved.map((u) => rows[u.index]!.hetu),
    );
    const toRead: number[] = [];
    for (const u of unresolved) {
      const k = known.get(rows[u.index]!.hetu);
      // Unchanged since it was resolved: reuse, so the polling overlap does not re-read persons.
      if (k && k.municipality !== null && u.changedAtMs !== null && k.changedAtMs === u.changedAtMs) {
        rows[u.index] = { ...rows[u.index]!, municipality: k.municipality };
      } else {
        toRead.push(u.index);
      }
    }
    for (let i = 0; i < toRead.length; i += resolveBatchSize) {
      const batch = toRead.slice(i, i + resolveBatchSize);
      const slots = await adapter.readPersons(
        batch.map((ix) => rows[ix]!.hetu),
        // Default read options on purpose: narrowing them (no fee years, an empty date window) would
        // rely on each product's handling of edge values, and only the person record is used.
        signal ? { signal } : undefined,
      );
      batch.forEach((ix, k) => {
        const slot = slots[k];
        if (slot instanceof AdapterError && slot.code === 'SOURCE_UNAVAILABLE') throw slot;
        const m = slot && !(slot instanceof AdapterError) ? readMunicipality(slot) : undefined;
        const served = m === undefined ? undefined : recordMunicipality(inst, m);
        if (served === undefined) countIssue(issues, MUNICIPALITY_UNRESOLVED);
        else rows[ix] = { ...rows[ix]!, municipality: served };
      });
    }
  }
  return { rows, maxChangedAt };
}

/** The municipality the adapter put in the provenance of a person's records. */
function readMunicipality(read: PersonRead): string | undefined {
  const r: SourceRecords = read.records;
  if (r.person) return r.person.source.municipality;
  for (const list of [r.customerships, r.decisions, r.plans, r.appointments, r.fees, r.consents]) {
    const first = list[0];
    if (first) return first.source.municipality;
  }
  return undefined;
}
