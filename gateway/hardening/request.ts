/**
 * The checks on one GraphQL request that need no schema and call nothing:
 * unsafe characters in the query text, operation name and variables; the
 * token limit (enforced by graphql's parser itself, so parsing stops at the
 * first token over); then the document limits (document.ts). Parsing here is
 * repeated by the engine's document cache on first sight; a small cache of
 * accepted query texts keeps the usual, repeated operations at one lookup.
 */
import type { DocumentNode } from 'graphql';
import { GraphQLError, parse } from '../graphql.ts';
import { checkDocument, documentHasUnsafeStrings } from './document.ts';
import type { HardeningLimits } from './limits.ts';
import { BAD_USER_INPUT, GRAPHQL_PARSE_FAILED, QUERY_TOO_DEEP, TOO_MANY_TOKENS } from './limits.ts';
import { hasUnsafeCharacters, jsonHasUnsafeCharacters } from './text.ts';

/** A refused request: the HTTP status and the one error the client gets. */
export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Where in the query text, for a parse error. */
  readonly locations?: readonly { line: number; column: number }[];
}

/** The parts of a GraphQL request these checks read (POST body or GET parameters, variables parsed). */
export interface OperationRequest {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
}

const UNSAFE_MESSAGE = (where: string): string =>
  `Expected text without NUL characters or unpaired surrogates, received ${where} with one.`;

/** Accepted query texts longer than this are not kept (the cache holds at most entries × this many characters). */
const MAX_CACHED_QUERY_LENGTH = 16_384;
const MAX_CACHED_QUERIES = 1_000;

/** Checks requests against one set of limits. */
export class RequestChecker {
  private readonly accepted = new Map<string, true>();

  constructor(private readonly limits: HardeningLimits) {}

  /** The first check the request fails, or null. A request that is not even shaped right is left to the engine to answer. */
  check(request: OperationRequest): Refusal | null {
    const { query, operationName, variables } = request;
    if (typeof operationName === 'string' && hasUnsafeCharacters(operationName))
      return refusal(BAD_USER_INPUT, UNSAFE_MESSAGE('an operation name'));
    if (typeof query === 'string') {
      const refused = this.checkQuery(query);
      if (refused) return refused;
    }
    if (variables !== undefined && variables !== null && jsonHasUnsafeCharacters(variables))
      return refusal(BAD_USER_INPUT, UNSAFE_MESSAGE('a variable'));
    return null;
  }

  private checkQuery(query: string): Refusal | null {
    if (this.accepted.has(query)) {
      // Re-insert so the Map's insertion order is the recency order.
      this.accepted.delete(query);
      this.accepted.set(query, true);
      return null;
    }
    if (hasUnsafeCharacters(query)) return refusal(BAD_USER_INPUT, UNSAFE_MESSAGE('a query text'));
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens, noLocation: true });
    } catch (err) {
      if (err instanceof GraphQLError) {
        // graphql 16 words it "more that N tokens".
        if (/contains more tha[nt] \d+ tokens/.test(err.message)) {
          return refusal(TOO_MANY_TOKENS, `Expected a query text of at most ${this.limits.maxTokens} tokens, received more.`);
        }
        return {
          ...refusal(GRAPHQL_PARSE_FAILED, err.message),
          ...(err.locations ? { locations: err.locations.map(({ line, column }) => ({ line, column })) } : {}),
        };
      }
      // graphql's parser is recursive: nesting beyond the stack (only with a token limit raised far above the default).
      if (err instanceof RangeError)
        return refusal(QUERY_TOO_DEEP, `Expected fields nested at most ${this.limits.maxDepth} deep, received far deeper.`);
      throw err;
    }
    // An escape such as \u0000 puts a NUL into a string value that the raw text does not show.
    if (query.includes('\\u') && documentHasUnsafeStrings(document))
      return refusal(BAD_USER_INPUT, UNSAFE_MESSAGE('a string in the query text'));
    const violation = checkDocument(document, this.limits);
    if (violation) return refusal(violation.code, violation.message);
    this.remember(query);
    return null;
  }

  private remember(query: string): void {
    if (query.length > MAX_CACHED_QUERY_LENGTH) return;
    this.accepted.set(query, true);
    if (this.accepted.size > MAX_CACHED_QUERIES) this.accepted.delete(this.accepted.keys().next().value!);
  }
}

function refusal(code: string, message: string, status = 400): Refusal {
  return { status, code, message };
}
