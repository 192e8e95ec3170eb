/**
 * Reads the Customer representation the gateway sends the lists subgraph
 * (the @requires selection, GraphQL-shaped) back into canonical items:
 * nulls become absent fields and a provenance's municipality object becomes
 * its code again.
 */
import type { Appointment, Consent, Customership, Decision, Fee, Plan } from '../../domain/model.ts';
import { municipalityOfType } from '../../schema/municipalities.ts';
import { RECORD_LISTS } from '../../schema/model.ts';
import type { RecordListField } from '../../schema/model.ts';
import type { MissingSource } from '../server/context.ts';

/** One `sources` entry as it arrives: a records reference with the required lists. */
export interface SourceRepresentation {
  readonly __typename: string;
  readonly id: string;
  readonly [list: string]: unknown;
}

/** VTJ's data as the region subgraph passes it (`Customer.vtj`, GraphQL-shaped: nulls for absent fields). */
export interface VtjRepresentation {
  readonly hetuInForce?: boolean | null;
  readonly surname?: string | null;
  readonly firstNames?: string | null;
  readonly address?: Readonly<Record<string, string | null>> | null;
  readonly municipality?: { readonly code: string; readonly nameFi: string; readonly nameSv: string } | null;
  readonly language?: string | null;
  readonly turvakielto?: boolean | null;
  readonly deathDate?: string | null;
  readonly guardians?: readonly string[] | null;
  readonly dependants?: readonly string[] | null;
}

/** The Customer representation as the lists subgraph receives it. */
export interface CustomerRepresentation {
  readonly hetu: string;
  /** Null when VTJ does not know the person or could not be read. */
  readonly vtj?: VtjRepresentation | null;
  readonly sources?: readonly SourceRepresentation[] | null;
  readonly regionMissingSources?: readonly MissingSource[] | null;
  /** The persons this customer is a guardian of (the fee ceiling's requirement). */
  readonly vtjDependants?: readonly CustomerRepresentation[] | null;
}

/** Every canonical list of a customer gathered from all its sources, plus what is missing. */
export interface GatheredRecords {
  readonly appointments: Appointment[][];
  readonly customerships: Customership[][];
  readonly decisions: Decision[][];
  readonly plans: Plan[][];
  readonly fees: Fee[][];
  readonly consents: Consent[][];
  readonly missingSources: MissingSource[];
}

/** Removes null-valued keys, recursively (GraphQL null = canonical "absent"). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  return out;
}

/** One item back to canonical form. */
export function itemFromGraph<T>(item: unknown): T {
  const clean = withoutNulls(item) as { source?: { municipality?: { code?: string } | string } };
  const m = clean.source?.municipality;
  if (clean.source && typeof m === 'object' && m !== null) clean.source.municipality = m.code;
  return clean as T;
}

/**
 * Gathers a customer's lists from the representation. A source entry whose
 * lists did not arrive (its municipality subgraph failed) is reported as a
 * missing source `subgraph:{name}` with code SUBGRAPH_UNAVAILABLE.
 */
export function gatherRecords(
  customer: CustomerRepresentation,
  lists: readonly RecordListField[] = RECORD_LISTS.map((l) => l.field),
): GatheredRecords {
  const out: GatheredRecords = {
    appointments: [],
    customerships: [],
    decisions: [],
    plans: [],
    fees: [],
    consents: [],
    missingSources: [],
  };
  out.missingSources.push(...(customer.regionMissingSources ?? []));
  for (const source of customer.sources ?? []) {
    const arrived = lists.every((l) => Array.isArray(source[l])) && Array.isArray(source.missingSources);
    if (!arrived) {
      const m = municipalityOfType(source.__typename);
      out.missingSources.push({ instance: `subgraph:${m ? m.subgraph : source.__typename}`, code: 'SUBGRAPH_UNAVAILABLE' });
      continue;
    }
    for (const l of lists) (out[l] as unknown[][]).push((source[l] as unknown[]).map((i) => itemFromGraph(i)));
    out.missingSources.push(...(source.missingSources as MissingSource[]));
  }
  return out;
}
