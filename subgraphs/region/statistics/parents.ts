/**
 * The parent objects the statistics resolvers pass on, named as codegen
 * mappers (schema/codegen.ts) so the generated resolver types use them. Kept
 * apart from resolvers.ts, which imports the generated types (an import cycle
 * otherwise). The count cells are publish.ts's.
 */
import type { PublishedStatistics, ServedStatistics } from './publish.ts';

/** RegionStatistics as the resolvers pass it on: the snapshot and the cells picked. */
export interface StatisticsObject {
  readonly snapshot: ServedStatistics;
  readonly cells: PublishedStatistics;
}
