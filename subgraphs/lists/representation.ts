/**
 * Reads the Customer representation the gateway sends the lists subgraph
 * (its fields' @requires selection): VTJ's facts for the policy, the
 * region-level sources that failed, and per municipality holding the
 * person the record kinds asked, as the canonical JSON the municipality
 * subgraph wrote (`RecordList`), so nothing is converted back from GraphQL.
 */
import type { MunicipalityRecords } from '../municipality/records.ts';
import { SCHEMA_MUNICIPALITIES } from '../../schema/municipalities.ts';
import type { RecordListField } from '../../schema/model.ts';
import type { MissingSource } from '../server/context.ts';

/** VTJ's facts of a person as the region subgraph passes them (`Customer.vtjFacts`). */
export interface VtjFactsRepresentation {
  readonly guardians: readonly string[];
  readonly turvakielto: boolean;
}

/** The Customer representation as the lists subgraph receives it. */
export interface CustomerRepresentation {
  readonly hetu: string;
  /** Null when VTJ does not know the person or could not be read. */
  readonly vtjFacts?: VtjFactsRepresentation | null;
  readonly regionMissingSources?: readonly MissingSource[] | null;
  /** The municipality subgraphs holding the person's records (`Customer.recordHolders`). */
  readonly recordHolders?: readonly string[] | null;
  /** The persons this customer is a guardian of (the fee ceiling's requirement). */
  readonly vtjDependants?: readonly CustomerRepresentation[] | null;
  /** `porvooRecords` …: one municipality's records of the kinds required; null where the person index knows none. */
  readonly [customerField: string]: unknown;
}

/** Every canonical list of a customer gathered from all its municipalities, plus what is missing: a municipality's lists, region-wide. */
export type GatheredRecords = MunicipalityRecords;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Gathers a customer's lists of the `kinds` from the representation. A
 * municipality the region names as a holder whose records did not arrive
 * (its subgraph failed, so the gateway passed its reference as null or
 * without them) is reported as a missing source `subgraph:{name}` with code
 * SUBGRAPH_UNAVAILABLE: never a silent gap.
 */
export function gatherRecords(customer: CustomerRepresentation, kinds: readonly RecordListField[]): GatheredRecords {
  const out: GatheredRecords = {
    appointments: [],
    customerships: [],
    decisions: [],
    plans: [],
    fees: [],
    consents: [],
    missingSources: [...(customer.regionMissingSources ?? [])],
  };
  const holders = new Set(customer.recordHolders ?? []);
  for (const m of SCHEMA_MUNICIPALITIES) {
    const ref = customer[m.customerField];
    if (!holders.has(m.subgraph) && (ref === null || ref === undefined)) continue; // no record of the person there
    const arrived = isRecord(ref) && kinds.every((k) => Array.isArray(ref[k])) && Array.isArray(ref.missingSources);
    if (!arrived) {
      out.missingSources.push({ instance: `subgraph:${m.subgraph}`, code: 'SUBGRAPH_UNAVAILABLE' });
      continue;
    }
    // Why no validation of the items: they are the canonical model as our municipality subgraph serialised it, and they
    // reach this subgraph only inside a gateway request carrying the region's signed internal token.
    for (const k of kinds) (out[k] as unknown[]).push(...(ref[k] as unknown[]));
    out.missingSources.push(...(ref.missingSources as MissingSource[]));
  }
  return out;
}

/** A UnitAppointment as the lists subgraph receives it (`UnitAppointment.appointment`'s @requires): its id and the customer's records. */
export interface UnitAppointmentRepresentation {
  readonly id: string;
  readonly customer?: CustomerRepresentation | null;
}
