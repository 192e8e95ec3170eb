/**
 * The parent object of a municipality subgraph's `{Name}Records` resolvers,
 * named as a codegen mapper (schema/codegen.ts) so the generated resolver
 * types (subgraphs/generated/municipalityResolvers.ts) use it. Kept apart
 * from subgraph.ts, which imports the generated types (an import cycle
 * otherwise).
 */
import type { MunicipalityRecords } from './records.ts';

/** A resolved reference: its id and the (shared) promise of its records. */
export interface RecordsObject {
  readonly id: string;
  readonly records: Promise<MunicipalityRecords>;
}
