/**
 * Label values a client or a source chooses, bounded so that a metric's
 * series stay few (each distinct label set is a series held in memory until
 * the process ends) and hold no personal data: only GraphQL Names and
 * upper-case codes pass, and after `max` distinct values every new one is
 * counted as `other`.
 */

/** A GraphQL Name (spec §2.1.9): letters, digits and `_`, not starting with a digit. Cannot hold an identity code's `-`/`+`. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** An error code as this project writes them (`SOURCE_UNAVAILABLE`, `FORBIDDEN`). */
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
/** Longest value kept; a longer one is `other`. */
const MAX_LENGTH = 64;

/** The value of a label series that was not kept. */
export const OTHER = 'other';
/** An operation without a name. */
export const ANONYMOUS = 'anonymous';

/**
 * Most distinct operation names per process. Why 100: the region's clients
 * (portal, professionals' client, analysts' tool, GraphiQL examples) send a
 * few dozen named operations; 100 names × the other labels × a histogram's 13
 * buckets stays under ~100 000 series values, a few MB.
 */
export const MAX_OPERATION_NAMES = 100;
/** Most distinct error codes per process (the catalogues have about 40). */
export const MAX_ERROR_CODES = 60;

/** Admits at most `max` distinct values of a pattern; anything else is `other`. */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly pattern: RegExp,
    private readonly max: number,
  ) {}

  /** The label value for `value`: itself if it has the pattern and is (or still fits) among the kept ones, else `other`. */
  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (value.length > MAX_LENGTH || !this.pattern.test(value) || this.seen.size >= this.max) return OTHER;
    this.seen.add(value);
    return value;
  }
}

/** Operation names: GraphQL Names only, at most MAX_OPERATION_NAMES, null → `anonymous`. */
export class OperationNames {
  private readonly names = new BoundedLabel(GRAPHQL_NAME, MAX_OPERATION_NAMES);

  of(name: string | null | undefined): string {
    return name === null || name === undefined || name === '' ? ANONYMOUS : this.names.of(name);
  }
}

/** Error codes: upper-case codes only, at most MAX_ERROR_CODES. */
export function errorCodeLabels(): BoundedLabel {
  return new BoundedLabel(ERROR_CODE, MAX_ERROR_CODES);
}

/** Whether a string is a GraphQL Name (what a span may carry as an operation name). */
export function isGraphQLName(value: string): boolean {
  return value.length <= MAX_LENGTH && GRAPHQL_NAME.test(value);
}
