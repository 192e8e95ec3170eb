/**
 * Parsed and validated operations by query text: clients send the same few
 * operations over and over, so each is parsed, validated and hashed once.
 * The cache is bounded by estimated bytes (planning/byteLru.ts), not entries.
 */
import { createHash } from 'node:crypto';
import { ByteLru } from './planning/byteLru.ts';
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
  /** Most estimated bytes of all kept documents (DOCUMENT_BYTES_PER_CHAR × text length each); default 16 MiB. */
  readonly maxBytes?: number;
  /** Largest estimated document kept (a larger one is prepared but not kept); default maxBytes / 16. */
  readonly maxEntryBytes?: number;
  /** Most tokens one query text may have (a bound on parsing work); default 20 000. */
  readonly maxTokens?: number;
  /** Told of every lookup, whether the text was kept (telemetry's cache hit rate). */
  readonly onLookup?: (hit: boolean) => void;
}

export const DEFAULT_DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Estimated bytes of a kept document per character of its query text: the
 * text itself (2), the AST with token locations and the validation's output.
 * Measured: 27–37 bytes of heap per character for the saved examples.
 */
export const DOCUMENT_BYTES_PER_CHAR = 40;

/** A least-recently-used cache of prepared documents, bounded by estimated bytes. */
export class DocumentCache {
  private readonly entries: ByteLru<string, PreparedDocument>;
  private readonly maxTokens: number;

  constructor(private readonly options: DocumentCacheOptions) {
    this.entries = new ByteLru({
      maxBytes: options.maxBytes ?? DEFAULT_DOCUMENT_CACHE_BYTES,
      ...(options.maxEntryBytes !== undefined ? { maxEntryBytes: options.maxEntryBytes } : {}),
    });
    this.maxTokens = options.maxTokens ?? 20_000;
  }

  /** The prepared document of a query text, parsing and validating it on first sight (kept unless over the per-entry cap). */
  get(query: string): PreparedDocument {
    const hit = this.entries.get(query);
    this.options.onLookup?.(hit !== undefined);
    if (hit) return hit;
    const prepared = this.prepare(query);
    this.entries.set(query, prepared, query.length * DOCUMENT_BYTES_PER_CHAR);
    return prepared;
  }

  /** Documents kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes of the documents kept; never above maxBytes. */
  get bytes(): number {
    return this.entries.bytes;
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
