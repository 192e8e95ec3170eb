/**
 * The gateway's GraphQL hardening limits and the error codes of a refused
 * request. Every limit is configurable (gateway/config.ts: flags and
 * environment); the defaults fit every operation the region's clients and
 * GraphiQL send, with room to spare, and refuse hostile documents early.
 */

/** Limits on one GraphQL request, checked before any subgraph or source is called. */
export interface HardeningLimits {
  /** Largest request body in bytes (413 REQUEST_TOO_LARGE). */
  readonly maxBodyBytes: number;
  /** Most lexer tokens in a query text; parsing stops at the first one over (TOO_MANY_TOKENS). */
  readonly maxTokens: number;
  /** Deepest field nesting of an operation, fragments followed (QUERY_TOO_DEEP). */
  readonly maxDepth: number;
  /** Most aliases in an operation, fragments counted once per spread (TOO_MANY_ALIASES). */
  readonly maxAliases: number;
  /** Most fields in an operation's root selection, fragments expanded (TOO_MANY_ROOT_FIELDS). */
  readonly maxRootFields: number;
  /**
   * Most fields in an operation at all levels, fragments counted once per
   * spread (TOO_MANY_FIELDS). Why: graphql's validation (overlapping fields)
   * and the query planner grow faster than linearly in the number of fields,
   * so a short text repeating one field with a sub-selection a few hundred
   * times costs hundreds of milliseconds before a subgraph is even called.
   */
  readonly maxFields: number;
  /** Most directive uses in an operation, fragments counted once per spread (TOO_MANY_DIRECTIVES). */
  readonly maxDirectives: number;
  /** Refuse requests a browser could send cross-site without a preflight (CSRF_PREVENTED). */
  readonly csrfPrevention: boolean;
}

export const DEFAULT_HARDENING_LIMITS: HardeningLimits = Object.freeze({
  maxBodyBytes: 102_400,
  maxTokens: 2_000,
  maxDepth: 10,
  maxAliases: 30,
  maxRootFields: 20,
  maxFields: 250,
  maxDirectives: 50,
  csrfPrevention: true,
});

/** `extensions.code` of each refusal. */
export const REQUEST_TOO_LARGE = 'REQUEST_TOO_LARGE';
export const BATCHING_NOT_SUPPORTED = 'BATCHING_NOT_SUPPORTED';
export const TOO_MANY_TOKENS = 'TOO_MANY_TOKENS';
export const QUERY_TOO_DEEP = 'QUERY_TOO_DEEP';
export const TOO_MANY_ALIASES = 'TOO_MANY_ALIASES';
export const TOO_MANY_ROOT_FIELDS = 'TOO_MANY_ROOT_FIELDS';
export const TOO_MANY_FIELDS = 'TOO_MANY_FIELDS';
export const TOO_MANY_DIRECTIVES = 'TOO_MANY_DIRECTIVES';
export const CSRF_PREVENTED = 'CSRF_PREVENTED';
export const BAD_USER_INPUT = 'BAD_USER_INPUT';
export const GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED';
export const GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';
/** 405: a method other than GET or POST on the GraphQL route (HEAD included); nothing is read or executed. */
export const METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED';

/** Limits with every unset one at its default. */
export function resolveLimits(given?: Partial<HardeningLimits>): HardeningLimits {
  const out: Record<string, unknown> = { ...DEFAULT_HARDENING_LIMITS };
  // Why not a spread of `given`: an explicit `undefined` must not erase a default.
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) out[key] = value;
  return out as unknown as HardeningLimits;
}
