/**
 * The one bridge between the resolver maps typed from the subgraph SDL
 * (subgraphs/generated/, written by `npm run codegen`) and @apollo/subgraph's
 * buildSubgraphSchema, so no resolver map is cast `as never`.
 *
 * A subgraph types its map as the generated `Resolvers<SubgraphContext<Loaders>>`
 * (or a `Pick` of it, or the per-type `…Resolvers<Context>`), so a resolver
 * whose parent, arguments, context or return type do not match its field in
 * the SDL fails the type check where the map is written; this helper only
 * hands the map on.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLScalarType } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';

/** The resolver map buildSubgraphSchema takes (@apollo/subgraph's GraphQLResolverMap, not exported by name). */
type ApolloResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;

/**
 * What every generated resolver map is: per type name, a GraphQLScalarType
 * (a custom scalar) or an object of field resolvers (functions or
 * `{ resolve }`) and `__resolveReference` / `__resolveType` / `__isTypeOf`;
 * any entry may be undefined (every key of the generated types is optional).
 */
export type TypedResolverMap = { readonly [typeName: string]: GraphQLScalarType | object | undefined };

/**
 * buildSubgraphSchema over a resolver map typed from the SDL (the generated
 * `Resolvers<Context>`, or a part of it). Entries left undefined are dropped
 * (buildSubgraphSchema would read a field of them).
 */
export function buildTypedSubgraphSchema<R extends TypedResolverMap>(typeDefs: DocumentNode, resolvers: R): GraphQLSchema {
  const map: Record<string, GraphQLScalarType | Record<string, unknown>> = {};
  for (const [typeName, value] of Object.entries(resolvers)) {
    if (value === undefined) continue;
    map[typeName] =
      value instanceof GraphQLScalarType
        ? value
        : Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, resolver]) => resolver !== undefined));
  }
  // The one conversion, and why it is sound: `map` has exactly the run-time shape buildSubgraphSchema
  // reads (scalars, and objects of functions or { resolve } per field). Its type cannot say so because
  // the generated resolvers are narrower than GraphQLResolverMap's (parent `any`, context `{}`): each
  // takes its field's parent, arguments and the subgraph's context, and a function of narrower
  // parameters is not assignable to a wider one. At run time they get exactly those: graphql-js
  // executes against the SDL the types were generated from (schema/codegen.test.ts keeps the
  // generated files current), and the context is the one the subgraph server builds (server.ts).
  return buildSubgraphSchema({ typeDefs, resolvers: map as ApolloResolverMap });
}
