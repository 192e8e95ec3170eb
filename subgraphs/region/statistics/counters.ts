/**
 * The analysts' counters (issue 4): what one refresh accumulates while it
 * walks every indexed person. Only counts are kept; a person's records are
 * folded into the counters and dropped ("no new copies", CONTEXT.md).
 *
 * Definitions (where the issue is silent):
 * - a person is a client of a care area in a municipality when they have at
 *   least one service there: a customership (SOCIAL) or an appointment (its
 *   care area) whose provenance names that municipality (the municipality
 *   the record belongs to, not the residence: the register is the source);
 * - customerships and appointments are counted as records, whatever their
 *   state (open or closed; booked, completed, cancelled or no-show);
 * - an appointment's month is its Helsinki local month (`YYYY-MM`);
 * - clients with services in several care areas are counted per
 *   municipality, by how many care areas they have services in there (2 or 3).
 */
import type { CareArea, ServiceTask, SourceRecords } from '../../../domain/model.ts';
import type { MunicipalityCode } from '../../../domain/region.ts';
import { p2, parseInstant, toHelsinkiLocal } from '../../../domain/time.ts';

/** The counts of one completed refresh; read-only once published. */
export interface StatisticsCounts {
  /** Distinct clients by `municipality|careArea`. */
  readonly clients: ReadonlyMap<string, number>;
  /** Customerships by `municipality|serviceTask`. */
  readonly customerships: ReadonlyMap<string, number>;
  /** Appointments by `municipality|careArea|YYYY-MM`. */
  readonly appointments: ReadonlyMap<string, number>;
  /** Clients with services in 2 or 3 care areas, by `municipality|areas`. */
  readonly multiAreaClients: ReadonlyMap<string, number>;
  /** Appointments whose start could not be read as an instant (not in any month cell). */
  readonly appointmentsWithoutMonth: number;
}

/** `YYYY-MM` of an instant in Helsinki local time, or undefined when it is not an instant. */
export function helsinkiMonth(instant: string): string | undefined {
  const ms = parseInstant(instant);
  if (Number.isNaN(ms)) return undefined;
  const l = toHelsinkiLocal(ms);
  return `${l.year}-${p2(l.month)}`;
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Accumulates one refresh's counters; `counts()` hands them over when the walk is done. */
export class CountersBuilder {
  private readonly clients = new Map<string, number>();
  private readonly customerships = new Map<string, number>();
  private readonly appointments = new Map<string, number>();
  private readonly multiAreaClients = new Map<string, number>();
  private appointmentsWithoutMonth = 0;

  /**
   * Folds in everything that could be read of ONE person (one entry per
   * instance read). Call once per person: distinct-client counts rely on it.
   */
  addPerson(reads: readonly SourceRecords[]): void {
    const areasByMunicipality = new Map<MunicipalityCode, Set<CareArea>>();
    const area = (m: MunicipalityCode, a: CareArea): void => {
      let set = areasByMunicipality.get(m);
      if (!set) areasByMunicipality.set(m, (set = new Set()));
      set.add(a);
    };
    for (const r of reads) {
      for (const c of r.customerships) {
        increment(this.customerships, `${c.source.municipality}|${c.serviceTask satisfies ServiceTask}`);
        area(c.source.municipality, c.careArea);
      }
      for (const a of r.appointments) {
        const month = helsinkiMonth(a.start);
        if (month === undefined) this.appointmentsWithoutMonth++;
        else increment(this.appointments, `${a.source.municipality}|${a.careArea}|${month}`);
        area(a.source.municipality, a.careArea);
      }
    }
    for (const [m, areas] of areasByMunicipality) {
      for (const a of areas) increment(this.clients, `${m}|${a}`);
      if (areas.size >= 2) increment(this.multiAreaClients, `${m}|${areas.size}`);
    }
  }

  /** The counters gathered so far (the builder must not be used afterwards). */
  counts(): StatisticsCounts {
    return {
      clients: this.clients,
      customerships: this.customerships,
      appointments: this.appointments,
      multiAreaClients: this.multiAreaClients,
      appointmentsWithoutMonth: this.appointmentsWithoutMonth,
    };
  }
}
