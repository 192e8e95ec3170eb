/**
 * Validation of an operation against the supergraph's API schema (what a
 * client may ask, as our gateway validates it), before any planner sees it: an
 * operation the schema refuses is reported "invalid" with the validation
 * message, for every planner, instead of as a planner's failure.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { GraphQLSchema } from 'graphql';

// From the main install, as the gateway loads them (bench/ has a node_modules of its own with another graphql).
const requireFromRoot = createRequire(fileURLToPath(new URL('../../package.json', import.meta.url)));
const fi = requireFromRoot('@apollo/federation-internals') as typeof import('@apollo/federation-internals');
const gql = requireFromRoot('graphql') as typeof import('graphql');

/** The API schema of a supergraph (throws when @apollo/federation-internals refuses the supergraph). */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return fi.Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** The validation messages of `query` against `schema` (syntax errors included); empty when valid. */
export function validationErrors(schema: GraphQLSchema, query: string): string[] {
  let document;
  try {
    document = gql.parse(query, { noLocation: true });
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
  return gql.validate(schema, document).map((e) => e.message);
}
