/**
 * The parent objects the region subgraph's resolvers pass on, named as
 * codegen mappers (schema/codegen.ts) so the generated resolver types
 * (subgraphs/generated/regionResolvers.ts) use them. Kept apart from
 * subgraph.ts, which imports the generated types (an import cycle otherwise).
 */

/** A Customer as the resolvers pass it around: just the code; fields load through the request's loaders. */
export interface CustomerObject {
  readonly hetu: string;
}

/** A guardian or dependant as the resolvers pass it: the code; names load from VTJ. */
export interface RelativeObject {
  readonly hetu: string;
}
