/**
 * A person's rows of the unit index from their records at one instance:
 * per appointment the unit's key and the start instant, per open
 * customership what the care relation matches on (subgraphs/access/policy.ts:
 * `appointmentUnitKey`, `customershipLocator`), each with the record's local
 * id. Nothing else of a record is kept.
 */
import type { IsoDate, SourceRecords } from '../../../domain/model.ts';
import type { InstanceId } from '../../../domain/region.ts';
import { parseInstant } from '../../../domain/time.ts';
import { addMonths, appointmentUnitKey, customershipLocator } from '../../access/policy.ts';
import type { CustomershipLocator } from '../../access/policy.ts';

/** Where a person has an appointment: the unit's key (`appointmentUnitKey`) and the start instant. */
export interface AppointmentRow {
  readonly instance: InstanceId;
  readonly localId: string;
  readonly hetu: string;
  readonly unitKey: string;
  /** Epoch milliseconds. */
  readonly startMs: number;
}

/** Where a person has an open customership: what the care relation matches on (`CustomershipLocator`). */
export interface CustomershipRow extends CustomershipLocator {
  readonly instance: InstanceId;
  readonly localId: string;
  readonly hetu: string;
}

/** One person's rows at one instance. */
export interface PersonRows {
  readonly appointments: readonly AppointmentRow[];
  readonly customerships: readonly CustomershipRow[];
}

/** How far back appointments are indexed: the care relation's window (12 calendar months before today). */
export const APPOINTMENT_HORIZON_MONTHS = 12;

/**
 * The rows of one person's records at `instance` on `today` (Helsinki):
 * appointments starting no earlier than 12 months before today (older ones
 * give no care relation), customerships open today (no end date or one not
 * before today). An unparseable start is left out.
 */
export function unitIndexRows(instance: InstanceId, hetu: string, records: SourceRecords | null, today: IsoDate): PersonRows {
  if (!records) return { appointments: [], customerships: [] };
  const horizon = Date.parse(`${addMonths(today, -APPOINTMENT_HORIZON_MONTHS)}T00:00:00+02:00`) - 3_600_000;
  const appointments: AppointmentRow[] = [];
  for (const a of records.appointments) {
    const startMs = parseInstant(a.start);
    if (Number.isNaN(startMs) || startMs < horizon) continue;
    appointments.push({ instance, localId: a.source.localId, hetu, unitKey: appointmentUnitKey(a), startMs });
  }
  const customerships: CustomershipRow[] = [];
  for (const c of records.customerships) {
    const locator = customershipLocator(c);
    if (locator.endDate !== null && locator.endDate < today) continue;
    customerships.push({ instance, localId: c.source.localId, hetu, ...locator });
  }
  return { appointments, customerships };
}
