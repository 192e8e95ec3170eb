/**
 * Parsed and validated operations by query text: clients send the same few
 * operations over and over, so each is parsed, validated and hashed once.
 */
import { createHash } from 'node:crypto';
import { GraphQLError, parse, validate } from './graphql.ts';
import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';

/** A query text as the gateway will execute it. */
export interface PreparedDocument {
  readonly document?: DocumentNode;
  /** sha256 of the query text (hex): the query plan cache key. */
  readonly queryHash: string;
  /** Parse or validation errors; when set, the operation is not executed. */
  readonly errors?: readonly GraphQLError[];
  readonly errorCode?: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED';
}

export interface DocumentCacheOptions {
  readonly schema: GraphQLSchema;
  readonly rules: readonly ValidationRule[];
  /** Most query texts kept; default 1 000. */
  readonly maxEntries?: number;
  /** Most tokens one query text may have (a bound on parsing work); default 20 000. */
  readonly maxTokens?: number;
}

/** A least-recently-used cache of prepared documents. */
export class DocumentCache {
  private readonly entries = new Map<string, PreparedDocument>();
  private readonly maxEntries: number;
  private readonly maxTokens: number;

  constructor(private readonly options: DocumentCacheOptions) {
    this.maxEntries = options.maxEntries ?? 1_000;
    this.maxTokens = options.maxTokens ?? 20_000;
  }

  /** The prepared document of a query text, parsing and validating it on first sight. */
  get(query: string): PreparedDocument {
    const hit = this.entries.get(query);
    if (hit) {
      // Re-insert so the Map's insertion order is the recency order.
      this.entries.delete(query);
      this.entries.set(query, hit);
      return hit;
    }
    const prepared = this.prepare(query);
    this.entries.set(query, prepared);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return prepared;
  }

  get size(): number {
    return this.entries.size;
  }

  private prepare(query: string): PreparedDocument {
    const queryHash = createHash('sha256').update(query).digest('hex');
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.maxTokens });
    } catch (err) {
      const error = err instanceof GraphQLError ? err : new GraphQLError('Expected a GraphQL document, received text that does not parse.');
      return { queryHash, errors: [error], errorCode: 'GRAPHQL_PARSE_FAILED' };
    }
    const errors = validate(this.options.schema, document, this.options.rules);
    if (errors.length > 0) return { document, queryHash, errors, errorCode: 'GRAPHQL_VALIDATION_FAILED' };
    return { document, queryHash };
  }
}
