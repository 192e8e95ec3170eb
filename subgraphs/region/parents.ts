/**
 * The parent objects the region subgraph's resolvers pass on, named as
 * codegen mappers (schema/codegen.ts) so the generated resolver types
 * (subgraphs/generated/regionResolvers.ts) use them. Kept apart from
 * subgraph.ts, which imports the generated types (an import cycle otherwise).
 */
import type { Identity } from '../../contract/identity.ts';

/** A Customer as the resolvers pass it around: just the code; fields load through the request's loaders. */
export interface CustomerObject {
  readonly hetu: string;
}

/** A guardian or dependant as the resolvers pass it: the code; names load from VTJ. */
export interface RelativeObject {
  readonly hetu: string;
}

/** `me` as the resolvers pass it: the caller's identity (never null: `me` refuses anonymous callers). */
export interface ViewerObject {
  readonly identity: Identity;
}

/** A Unit as the region serves it (a professional's own unit): its OID and the register's names. */
export interface UnitView {
  readonly oid: string | null;
  readonly name: string;
  readonly nameFi: string | null;
  readonly nameSv: string | null;
}

/** A unit appointment as the unit index located it, with the professional's unit it matched. */
export interface UnitAppointmentObject {
  readonly id: string;
  /** Epoch ms of `start` (the list's sort key). */
  readonly startMs: number;
  readonly start: string;
  readonly unit: UnitView;
  /** The customer's code (resolved as `customer`). */
  readonly hetu: string;
}
