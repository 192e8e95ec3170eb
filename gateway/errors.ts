/**
 * How errors reach the client: codes and messages, never internals.
 *
 * GraphQL errors keep their message, path and extensions (a subgraph's
 * `code`, `serviceName`, and e.g. the `instance` of a missing source);
 * anything else is an internal error whose message is not shown, since it
 * may quote data. On every error: extensions that carry internals (stack
 * traces, wrapped exceptions, a subgraph's HTTP response with its URL and
 * body) are dropped, and messages lose stack frames, URLs and IP addresses.
 * maskResponseErrors (the gateway's last step before an answer is written)
 * also removes values echoed in variable errors and, in production, field
 * suggestions ("Did you mean …") and the messages of unexpected errors.
 */
import { GraphQLError } from './graphql.ts';
import type { GraphQLFormattedError } from 'graphql';

/** Extension keys dropped from every error: stack traces, wrapped exceptions and HTTP details (URL, body) of any server on the way. */
const DROPPED_EXTENSIONS = new Set(['exception', 'stacktrace', 'response', 'http']);

/** Codes of errors nobody planned for: their messages are an implementation's, not the API's. */
const UNEXPECTED_CODES = new Set(['INTERNAL_SERVER_ERROR', 'DOWNSTREAM_SERVICE_ERROR']);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';

/*
 * Codes of the engine's own refusals (the hardening layer's are in
 * hardening/limits.ts), each with its meaning:
 */
/** 400: the operation's query plan takes longer than the planning budget (or the planner's memory); refused, and refused again at once. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';
/** 503: every planning worker is busy and the queue of operations waiting for one is full. */
export const PLANNER_BUSY = 'PLANNER_BUSY';

/** The client's view of one error; `extensions.code` is always set. */
export function formatError(error: unknown): GraphQLFormattedError {
  if (!(error instanceof GraphQLError)) return { message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  const json = error.toJSON();
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json.extensions ?? {})) if (!DROPPED_EXTENSIONS.has(key)) extensions[key] = value;
  if (typeof extensions.code !== 'string') extensions.code = 'INTERNAL_SERVER_ERROR';
  return { ...json, message: scrubMessage(json.message), extensions };
}

/**
 * A message without internals: cut at the first stack frame, URLs and IPv4
 * addresses (with any port) replaced. Linear in the message's length (a
 * message may quote a long name from a hostile query).
 */
export function scrubMessage(message: string): string {
  const frame = message.search(/\n\s*at /);
  const cut = frame >= 0 ? message.slice(0, frame) : message;
  return withoutUrls(cut).replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, 'an address');
}

const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const URL_END = /[\s"'<>]/;

/** Replaces each `scheme://…` with "a URL"; by hand, since a regular expression for it backtracks on long words. */
function withoutUrls(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const sep = text.indexOf('://', from);
    if (sep < 0) return out + text.slice(from);
    let start = sep;
    while (start > from && sep - start < 32 && SCHEME_CHAR.test(text[start - 1]!)) start--;
    let end = sep + 3;
    while (end < text.length && !URL_END.test(text[end]!)) end++;
    out += `${text.slice(from, start)}a URL`;
    from = end;
  }
}

/** graphql-js appends suggestions to a message as " Did you mean …?" (validation and enum coercion). */
const SUGGESTION = / ?Did you mean [^]*\?$/;

/** graphql-js's variable coercion message quotes the value given: `Variable "$id" got invalid value …; …`. */
const INVALID_VARIABLE = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value /;

export interface MaskOptions {
  /** Production: no suggestions, and unexpected errors without their messages. */
  readonly production: boolean;
}

/** One error as the client may see it (see maskResponseErrors). */
export function maskFormattedError(error: GraphQLFormattedError, options: MaskOptions): GraphQLFormattedError {
  const code = error.extensions?.code;
  let message = scrubMessage(typeof error.message === 'string' ? error.message : '');
  // Why: the value may be personal data (an identity code sent as the wrong type); the name and the code say enough.
  const variable = INVALID_VARIABLE.exec(message);
  if (variable) message = `Variable "$${variable[1]}" got a value that is not of its type.`;
  if (options.production) {
    message = message.replace(SUGGESTION, '');
    if (typeof code !== 'string' || UNEXPECTED_CODES.has(code)) message = INTERNAL_ERROR_MESSAGE;
  }
  let extensions = error.extensions;
  if (extensions && Object.keys(extensions).some((key) => DROPPED_EXTENSIONS.has(key))) {
    extensions = Object.fromEntries(Object.entries(extensions).filter(([key]) => !DROPPED_EXTENSIONS.has(key)));
  }
  return { ...error, message, ...(extensions ? { extensions } : {}) };
}

/**
 * A GraphQL response body with every error masked (maskFormattedError); any
 * other payload as it is. The body is copied, never changed in place.
 */
export function maskResponseErrors(payload: unknown, options: MaskOptions): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const errors = (payload as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return payload;
  return {
    ...payload,
    errors: errors.map((e: unknown) => (typeof e === 'object' && e !== null ? maskFormattedError(e as GraphQLFormattedError, options) : e)),
  };
}
