/**
 * Pure functions of the region-wide lists: merge the items of every source,
 * filter and sort them. Sorting is total (ties broken by instance and local
 * id) so the same records always give the same order.
 */
import type {
  Appointment,
  AppointmentStatus,
  CareArea,
  Consent,
  Customership,
  Decision,
  Fee,
  FeeStatus,
  Plan,
  Provenance,
  ServiceTask,
} from '../../domain/model.ts';
import { parseInstant } from '../../domain/time.ts';

/** Compares provenances: by instance, then local id (numeric-aware). */
export function compareSource(a: Provenance, b: Provenance): number {
  return a.instance.localeCompare(b.instance) || a.localId.localeCompare(b.localId, 'en', { numeric: true });
}

/** Merges lists and sorts by a string key (dates `YYYY-MM-DD` sort as strings), ties by source. */
export function mergeByDate<T extends { source: Provenance }>(lists: readonly (readonly T[])[], date: (item: T) => string): T[] {
  return lists.flat().sort((a, b) => date(a).localeCompare(date(b)) || compareSource(a.source, b.source));
}

export interface AppointmentFilter {
  /** Inclusive instant. */
  readonly from?: string;
  /** Exclusive instant. */
  readonly to?: string;
  /** Only appointments starting at or after this instant (epoch ms): "upcoming". */
  readonly notBefore?: number;
  readonly status?: readonly AppointmentStatus[];
  readonly careArea?: readonly CareArea[];
  readonly order?: 'ASC' | 'DESC';
  /** At most this many, after sorting. */
  readonly first?: number;
}

/**
 * Merges appointments of every source, sorted by start instant (instants of
 * different offsets compare by the moment, not the text), filtered by time
 * window, status and care area.
 */
export function mergeAppointments(lists: readonly (readonly Appointment[])[], filter: AppointmentFilter = {}): Appointment[] {
  const from = filter.from === undefined ? -Infinity : parseInstant(filter.from);
  const to = filter.to === undefined ? Infinity : parseInstant(filter.to);
  const notBefore = filter.notBefore ?? -Infinity;
  const keyed = lists
    .flat()
    .map((a) => ({ a, t: parseInstant(a.start) }))
    .filter(({ t }) => t >= from && t < to && t >= notBefore)
    .filter(({ a }) => !filter.status || filter.status.includes(a.status))
    .filter(({ a }) => !filter.careArea || filter.careArea.includes(a.careArea))
    .sort((x, y) => x.t - y.t || compareSource(x.a.source, y.a.source));
  if (filter.order === 'DESC') keyed.reverse();
  const out = keyed.map(({ a }) => a);
  return filter.first === undefined ? out : out.slice(0, filter.first);
}

/** Customerships by start date; `open` true: without end date, false: ended. */
export function mergeCustomerships(
  lists: readonly (readonly Customership[])[],
  filter: { serviceTask?: readonly ServiceTask[]; open?: boolean } = {},
): Customership[] {
  return mergeByDate(lists, (c) => c.startDate)
    .filter((c) => !filter.serviceTask || filter.serviceTask.includes(c.serviceTask))
    .filter((c) => filter.open === undefined || (c.endDate === undefined) === filter.open);
}

/** Decisions by decision date. */
export function mergeDecisions(lists: readonly (readonly Decision[])[]): Decision[] {
  return mergeByDate(lists, (d) => d.decisionDate);
}

/** Plans by start date, optionally of some care areas. */
export function mergePlans(lists: readonly (readonly Plan[])[], filter: { careArea?: readonly CareArea[] } = {}): Plan[] {
  return mergeByDate(lists, (p) => p.startDate).filter((p) => !filter.careArea || filter.careArea.includes(p.careArea));
}

/** Fees by date, optionally of one calendar year and some statuses. */
export function mergeFees(lists: readonly (readonly Fee[])[], filter: { year?: number; status?: readonly FeeStatus[] } = {}): Fee[] {
  return mergeByDate(lists, (f) => f.date)
    .filter((f) => filter.year === undefined || f.date.startsWith(`${filter.year}-`))
    .filter((f) => !filter.status || filter.status.includes(f.status));
}

/** Consents by the date given; `inForce` true: not withdrawn, false: withdrawn. */
export function mergeConsents(lists: readonly (readonly Consent[])[], filter: { inForce?: boolean } = {}): Consent[] {
  return mergeByDate(lists, (c) => c.givenOn).filter(
    (c) => filter.inForce === undefined || (c.withdrawnOn === undefined) === filter.inForce,
  );
}

/** Missing sources without duplicates, sorted by instance. */
export function mergeMissing<T extends { instance: string; code: string }>(lists: readonly (readonly T[])[]): T[] {
  const seen = new Map<string, T>();
  for (const m of lists.flat()) if (!seen.has(m.instance)) seen.set(m.instance, m);
  return [...seen.values()].sort((a, b) => a.instance.localeCompare(b.instance));
}
