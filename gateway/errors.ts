/**
 * How errors from the executor reach the client: GraphQL errors keep their
 * message, path and extensions (a subgraph's `code`, `serviceName`, and
 * e.g. the `instance` of a missing source); anything else is an internal
 * error whose message is not shown, since it may quote data.
 */
import { GraphQLError } from './graphql.ts';
import type { GraphQLFormattedError } from 'graphql';

/** Extension keys dropped from every error: stack traces and wrapped exceptions of any server on the way. */
const DROPPED_EXTENSIONS = new Set(['exception', 'stacktrace']);

/** The client's view of one error; `extensions.code` is always set. */
export function formatError(error: unknown): GraphQLFormattedError {
  if (!(error instanceof GraphQLError)) return { message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  const json = error.toJSON();
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json.extensions ?? {})) if (!DROPPED_EXTENSIONS.has(key)) extensions[key] = value;
  if (typeof extensions.code !== 'string') extensions.code = 'INTERNAL_SERVER_ERROR';
  return { ...json, extensions };
}
