/**
 * graphql-js, the same instance @apollo/gateway uses.
 *
 * Why not `import … from 'graphql'`: graphql 16 ships a CommonJS build
 * (index.js, "main") and an ES module build (index.mjs, "module"). Node
 * resolves an ESM import to the CommonJS build, the one @apollo/gateway
 * requires, but Vite (vitest) picks the ES module build: two instances,
 * whose schemas and errors fail each other's instanceof checks ("Cannot use
 * GraphQLSchema … from another module or realm"). Requiring it pins one.
 */
import { createRequire } from 'node:module';

const graphql = createRequire(import.meta.url)('graphql') as typeof import('graphql');

export const {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  buildSchema,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
} = graphql;
export type GraphQLError = import('graphql').GraphQLError;
