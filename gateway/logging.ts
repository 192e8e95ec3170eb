/**
 * Logging without personal data. The gateway logs, per request: its id,
 * method, route (never the query string: a GET carries the operation and its
 * variables there), status, duration, operation name and error codes. Never
 * variables, bodies, query texts, results or error messages (a message may
 * quote a value). Text a client chooses is bounded and filtered first: an
 * operation name is logged only if it is a GraphQL Name, cut at 100
 * characters; a request id only if it is a UUID or a trace id
 * (contract/requestId.ts).
 */
import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';

/** The logger the gateway is given: a pino instance (or anything shaped like one). */
export type GatewayLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** @apollo/gateway's logger shape: one message argument per call. */
interface ApolloLogger {
  debug(message?: unknown): void;
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

/**
 * Adapts the pino logger for @apollo/gateway. Its messages are about loading
 * the supergraph and planning; debug output (query plans, which may hold
 * literal values from a query text) is dropped.
 */
export function apolloLogger(log: GatewayLogger): ApolloLogger {
  const text = (m: unknown): string => (typeof m === 'string' ? m : m instanceof Error ? m.name : 'apollo gateway message');
  return {
    debug() {},
    info: (m) => log.info({ lib: '@apollo/gateway' }, text(m)),
    warn: (m) => log.warn({ lib: '@apollo/gateway' }, text(m)),
    error: (m) => log.error({ lib: '@apollo/gateway' }, text(m)),
  };
}

/** What may be logged of a thrown error: its name and code, never its message. */
export function safeError(err: unknown): { errorName: string; code?: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return {
    errorName: err instanceof Error ? err.name : typeof err,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * Fastify's own log lines, made safe: no per-request lines (the gateway's
 * onResponse hook writes one without the URL), and errors Fastify logs by
 * itself reduced to name and code. Its defaults would log the URL (a GET's
 * query and variables) and error messages (a JSON parse error quotes the body).
 */
export class SafeLogController extends LogController {
  constructor() {
    super({ disableRequestLogging: true });
  }

  override defaultErrorLog(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    const line = { ...safeError(error), statusCode: reply.statusCode };
    if (reply.statusCode >= 500) reply.log.error(line, 'request failed');
    else reply.log.info(line, 'request refused');
  }

  override streamError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn(safeError(error), 'response stream failed');
  }

  override writeHeadError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn(safeError(error), 'response headers not written');
  }

  override serializerError(error: Error, _request: FastifyRequest, reply: FastifyReply, metadata: { statusCode: number }): void {
    reply.log.error({ ...safeError(error), statusCode: metadata.statusCode }, 'response not serialised');
  }
}

/** Longest operation name logged as it is; a longer one is cut, with a marker saying how long it was. */
export const MAX_LOGGED_OPERATION_NAME = 100;
/** What is logged instead of an operation name that is not a GraphQL Name (it could hold any text). */
export const NOT_A_NAME = '(not a GraphQL name)';

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** A name this function already cut: logged again as it is (so applying it twice changes nothing). */
const ALREADY_CUT = new RegExp(`^[_A-Za-z][_0-9A-Za-z]{${MAX_LOGGED_OPERATION_NAME - 1}}…\\(\\d+ characters\\)$`);

/**
 * An operation name as the logs may hold it: null as null; a GraphQL Name of
 * at most 100 characters as it is; a longer one cut to 100 with `…(N
 * characters)`; anything else (not a string, not the Name grammar: spaces,
 * dashes, an identity code) as NOT_A_NAME. Why: a 90 kB name made a 90 kB
 * log line, and a name is text the client chose. Linear in the name's length.
 */
export function loggedOperationName(name: unknown): string | null {
  if (name === null || name === undefined) return null;
  if (typeof name !== 'string') return NOT_A_NAME;
  if (name.length <= MAX_LOGGED_OPERATION_NAME) return GRAPHQL_NAME.test(name) ? name : NOT_A_NAME;
  if (ALREADY_CUT.test(name)) return name;
  return GRAPHQL_NAME.test(name) ? `${name.slice(0, MAX_LOGGED_OPERATION_NAME)}…(${name.length} characters)` : NOT_A_NAME;
}

/**
 * The gateway's logger with `operationName` passed through
 * loggedOperationName on every line, whoever writes it (the request line,
 * the engine's "operation failed"). A pino child: its per-request children
 * keep the serializer.
 */
export function withBoundedFields(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { serializers: { operationName: loggedOperationName } });
}
