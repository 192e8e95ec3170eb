/**
 * The parent objects of the lists subgraph's resolvers that are not a
 * canonical item or the Customer representation, named as codegen mappers
 * (schema/codegen.ts). Kept apart from subgraph.ts, which imports the
 * generated types (an import cycle otherwise).
 */
import type { Fee } from '../../domain/model.ts';
import type { MissingSource } from '../server/context.ts';
import type { CustomerRepresentation } from './representation.ts';

/** A fee counted towards a ceiling, as `CeilingFee`: the fee, whose it is, the running sum. */
export interface CeilingFeeObject {
  readonly fee: Fee;
  readonly customer: CustomerRepresentation;
  readonly runningTotalCents: number;
}

/**
 * A fee ceiling status as `Customer.feeCeiling` computes it: every field of
 * `FeeCeilingStatus` but the connection, which `countedFeesConnection` pages
 * from `countedFees`.
 */
export interface FeeCeilingObject {
  readonly year: number;
  readonly ceilingCents: number;
  readonly accruedCents: number;
  readonly reached: boolean;
  readonly reachedOn: string | null;
  readonly feesAfterCeiling: readonly Fee[];
  readonly countedFees: readonly CeilingFeeObject[];
  readonly includesDependants: readonly CustomerRepresentation[];
  readonly minorFeesCountTowards: CustomerRepresentation | null;
  readonly missingSources: readonly MissingSource[];
  readonly complete: boolean;
}
