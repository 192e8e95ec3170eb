/**
 * Test support: Customer representations as the gateway sends them to the
 * lists subgraph, in the shape of a field's @requires (schema/sdl.ts
 * `recordsRequirement`): VTJ's facts, the region-level missing sources, the
 * municipality subgraphs holding records (`recordHolders`) and one field per
 * municipality: its records of the kinds required as canonical JSON, or
 * null. Not used in production.
 */
import type { Appointment, Consent, Customership, Decision, Fee, Plan } from '../../domain/model.ts';
import type { MunicipalityCode } from '../../domain/region.ts';
import { RECORD_LISTS } from '../../schema/model.ts';
import type { RecordListField } from '../../schema/model.ts';
import { SCHEMA_MUNICIPALITIES } from '../../schema/municipalities.ts';
import type { MissingSource } from '../server/context.ts';

/** One municipality subgraph's answer for a person: its lists (absent: empty) and missing sources. */
export interface MunicipalityRecordsJson {
  readonly appointments?: readonly Appointment[];
  readonly customerships?: readonly Customership[];
  readonly decisions?: readonly Decision[];
  readonly plans?: readonly Plan[];
  readonly fees?: readonly Fee[];
  readonly consents?: readonly Consent[];
  readonly missingSources?: readonly MissingSource[];
}

export interface RepresentationOptions {
  /** VTJ's facts; default a person without guardians or turvakielto; null: VTJ does not know them or could not be read. */
  readonly vtjFacts?: { readonly guardians: readonly string[]; readonly turvakielto: boolean } | null;
  readonly regionMissingSources?: readonly MissingSource[];
  /**
   * The municipalities holding the person's records (they go into
   * `recordHolders`): their records, or null when their subgraph failed
   * (the gateway then passes the reference as null).
   */
  readonly holders?: Partial<Record<MunicipalityCode, MunicipalityRecordsJson | null>>;
  /** References the region sent although the municipality is no holder (null or not). */
  readonly others?: Partial<Record<MunicipalityCode, MunicipalityRecordsJson | null>>;
  /** The record kinds the requirement selects; default every kind. */
  readonly kinds?: readonly RecordListField[];
  /** The persons this customer is a guardian of (the fee ceiling's requirement), built with `customerRepresentation` too. */
  readonly vtjDependants?: readonly Record<string, unknown>[];
}

const ALL_KINDS: readonly RecordListField[] = RECORD_LISTS.map((l) => l.field);

/** A municipality's reference as the gateway passes it on: only the kinds selected, plus its missing sources. */
function recordsJson(records: MunicipalityRecordsJson, kinds: readonly RecordListField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of kinds) out[k] = records[k] ?? [];
  out.missingSources = records.missingSources ?? [];
  return out;
}

/** A Customer representation for `_entities` of the lists subgraph (with `__typename`; nested dependants without). */
export function customerRepresentation(hetu: string, options: RepresentationOptions = {}): Record<string, unknown> {
  return { __typename: 'Customer', ...customerFields(hetu, options) };
}

/** A dependant inside `vtjDependants`, as the requirement selects it (no `__typename`). */
export function dependantRepresentation(hetu: string, options: RepresentationOptions = {}): Record<string, unknown> {
  return customerFields(hetu, options);
}

function customerFields(hetu: string, options: RepresentationOptions): Record<string, unknown> {
  const kinds = options.kinds ?? ALL_KINDS;
  const holders = options.holders ?? {};
  const others = options.others ?? {};
  const rep: Record<string, unknown> = {
    hetu,
    vtjFacts: options.vtjFacts === undefined ? { guardians: [], turvakielto: false } : options.vtjFacts,
    regionMissingSources: options.regionMissingSources ?? [],
    recordHolders: SCHEMA_MUNICIPALITIES.filter((m) => m.code in holders).map((m) => m.subgraph),
  };
  for (const m of SCHEMA_MUNICIPALITIES) {
    const records = m.code in holders ? holders[m.code] : others[m.code];
    rep[m.customerField] = records ? recordsJson(records, kinds) : null;
  }
  if (options.vtjDependants) rep.vtjDependants = options.vtjDependants;
  return rep;
}
