/**
 * Publishing the counters to analysts: every cell of a fixed grid (all
 * municipalities × all codes, every month between the first and last month
 * seen), so a missing row can never tell a zero apart from a withheld count,
 * and every count below 5 withheld (subgraphs/access/aggregates.ts).
 * Breakdowns published with their total (customerships over service tasks,
 * appointments over the two health care areas) get the complementary
 * suppression of `suppressBreakdown`. Filters only pick cells: a cell's
 * published value never depends on the filters, so two queries cannot be
 * subtracted to reveal a withheld count.
 */
import type { CareArea, ServiceTask } from '../../../domain/model.ts';
import { MUNICIPALITIES } from '../../../domain/region.ts';
import type { MunicipalityCode } from '../../../domain/region.ts';
import { suppressBreakdown, suppressCount } from '../../access/aggregates.ts';
import type { PublishedCount } from '../../access/aggregates.ts';
import { CARE_AREAS, SERVICE_TASKS } from '../../../contract/identity.ts';
import type { StatisticsCounts } from './counters.ts';
import type { StatisticsSnapshot } from './service.ts';

export type HealthCareArea = Exclude<CareArea, 'SOCIAL'>;
const HEALTH_AREAS: readonly HealthCareArea[] = ['PRIMARY_HEALTH', 'ORAL_HEALTH'];

export interface ClientCell extends PublishedCount {
  readonly municipality: MunicipalityCode;
  readonly careArea: CareArea;
}
export interface CustomershipCell extends PublishedCount {
  readonly municipality: MunicipalityCode;
  /** Null: every service task together (the breakdown's total). */
  readonly serviceTask: ServiceTask | null;
}
export interface AppointmentCell extends PublishedCount {
  readonly municipality: MunicipalityCode;
  /** Null: both health care areas together (the breakdown's total). */
  readonly careArea: HealthCareArea | null;
  readonly month: string;
}
export interface MultiAreaCell extends PublishedCount {
  readonly municipality: MunicipalityCode;
  /** In how many care areas the clients have services in the municipality: 2 or 3. */
  readonly careAreas: 2 | 3;
}

/** Every cell of every list, suppressed; computed once per snapshot. */
export interface PublishedStatistics {
  readonly clients: readonly ClientCell[];
  readonly customerships: readonly CustomershipCell[];
  readonly appointments: readonly AppointmentCell[];
  readonly multiAreaClients: readonly MultiAreaCell[];
}

export interface StatisticsFilter {
  readonly municipality?: MunicipalityCode;
  readonly careArea?: CareArea;
  readonly serviceTask?: ServiceTask;
  /** `YYYY-MM`, inclusive. */
  readonly fromMonth?: string;
  readonly toMonth?: string;
}

const CODES = MUNICIPALITIES.map((m) => m.code);

/** Months from `first` to `last` inclusive (`YYYY-MM`). */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  const endY = Number(last.slice(0, 4));
  const endM = Number(last.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Suppresses every cell of the counters. */
export function publish(counts: StatisticsCounts): PublishedStatistics {
  const n = (map: ReadonlyMap<string, number>, key: string): number => map.get(key) ?? 0;
  const clients: ClientCell[] = [];
  const customerships: CustomershipCell[] = [];
  const appointments: AppointmentCell[] = [];
  const multiAreaClients: MultiAreaCell[] = [];
  const months = [...counts.appointments.keys()].map((k) => k.slice(-7)).sort();
  const grid = months.length > 0 ? monthsBetween(months[0]!, months[months.length - 1]!) : [];
  for (const municipality of CODES) {
    for (const careArea of CARE_AREAS)
      clients.push({ municipality, careArea, ...suppressCount(n(counts.clients, `${municipality}|${careArea}`)) });

    const tasks = suppressBreakdown(
      Object.fromEntries(SERVICE_TASKS.map((t) => [t, n(counts.customerships, `${municipality}|${t}`)])) as Record<ServiceTask, number>,
    );
    for (const serviceTask of SERVICE_TASKS) customerships.push({ municipality, serviceTask, ...tasks.cells[serviceTask] });
    customerships.push({ municipality, serviceTask: null, ...tasks.total });

    for (const month of grid) {
      const areas = suppressBreakdown(
        Object.fromEntries(HEALTH_AREAS.map((a) => [a, n(counts.appointments, `${municipality}|${a}|${month}`)])) as Record<
          HealthCareArea,
          number
        >,
      );
      for (const careArea of HEALTH_AREAS) appointments.push({ municipality, careArea, month, ...areas.cells[careArea] });
      appointments.push({ municipality, careArea: null, month, ...areas.total });
    }

    for (const careAreas of [2, 3] as const)
      multiAreaClients.push({ municipality, careAreas, ...suppressCount(n(counts.multiAreaClients, `${municipality}|${careAreas}`)) });
  }
  return { clients, customerships, appointments, multiAreaClients };
}

/** The cells of each list the filter picks; a filter on a dimension a list lacks leaves that list alone. */
export function select(p: PublishedStatistics, f: StatisticsFilter): PublishedStatistics {
  const inMunicipality = (c: { municipality: string }): boolean => f.municipality === undefined || c.municipality === f.municipality;
  return {
    clients: p.clients.filter((c) => inMunicipality(c) && (f.careArea === undefined || c.careArea === f.careArea)),
    customerships: p.customerships.filter(
      (c) =>
        inMunicipality(c) &&
        (f.careArea === undefined || f.careArea === 'SOCIAL') &&
        (f.serviceTask === undefined || c.serviceTask === f.serviceTask),
    ),
    appointments: p.appointments.filter(
      (c) =>
        inMunicipality(c) &&
        (f.careArea === undefined || c.careArea === f.careArea) &&
        (f.fromMonth === undefined || c.month >= f.fromMonth) &&
        (f.toMonth === undefined || c.month <= f.toMonth),
    ),
    multiAreaClients: p.multiAreaClients.filter(inMunicipality),
  };
}

/**
 * What analysts are served, on every replica: the published (suppressed)
 * cells and how current they are. The leader stores this in the database
 * for the other replicas (store.ts); it holds no count below 5 and no
 * personal data.
 */
export interface ServedStatistics extends Pick<
  StatisticsSnapshot,
  'updatedAt' | 'durationMs' | 'complete' | 'unavailable' | 'currentAsOf' | 'sources'
> {
  readonly cells: PublishedStatistics;
}

/** A snapshot of the counters as served: every cell suppressed once. */
export function served(s: StatisticsSnapshot): ServedStatistics {
  const { updatedAt, durationMs, complete, unavailable, currentAsOf, sources } = s;
  return { cells: publish(s.counts), updatedAt, durationMs, complete, unavailable, currentAsOf, sources };
}
