/**
 * Limits on a parsed GraphQL document: depth, aliases, root fields and
 * directives per operation, with fragments followed and fragment cycles
 * found. Runs before graphql's validation (some of whose rules are
 * quadratic in the number of fields) and before any subgraph is called.
 *
 * Linear in the document's size: each fragment's figures are computed once
 * (per context, see below) and multiplied by its spreads, so a fragment
 * spread many times, or fragments spreading each other in a fan-out, cost
 * no more than their text. A cycle is found while computing, never looped.
 */
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import type { HardeningLimits } from './limits.ts';
import {
  GRAPHQL_VALIDATION_FAILED,
  QUERY_TOO_DEEP,
  TOO_MANY_ALIASES,
  TOO_MANY_DIRECTIVES,
  TOO_MANY_FIELDS,
  TOO_MANY_ROOT_FIELDS,
} from './limits.ts';
import { hasUnsafeCharacters } from './text.ts';

/** Why a document is refused: a code and a one-sentence message. */
export interface DocumentViolation {
  readonly code: string;
  readonly message: string;
}

/** What one selection set holds, fragments expanded. */
interface Figures {
  /** Longest chain of nested fields (a leaf field is 1). */
  height: number;
  aliases: number;
  directives: number;
  /** Fields directly in this selection set (through inline fragments and spreads). */
  fields: number;
  /** Fields at every level. */
  total: number;
}

class FragmentCycle extends Error {
  constructor(readonly fragment: string) {
    super(fragment);
  }
}

/** `__schema` and `__type` open the schema's own description (introspection). */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Counts one document. Why a context flag: inside introspection the
 * `ofType` chain (a type's list and non-null wrappers, one object per level,
 * no fan-out, a few levels in any schema) does not count towards depth, so
 * GraphiQL's schema query (15 levels, 9 of them `ofType`: 6 counted) fits a depth
 * limit that suits the region's own operations.
 */
class Counter {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly done = new Map<string, Figures>();
  private readonly open = new Set<string>();

  constructor(document: DocumentNode) {
    for (const def of document.definitions) {
      // The first of two fragments with one name; graphql's validation refuses such a document later.
      if (def.kind === 'FragmentDefinition' && !this.fragments.has(def.name.value)) this.fragments.set(def.name.value, def);
    }
  }

  fragmentNames(): IterableIterator<string> {
    return this.fragments.keys();
  }

  /** A fragment's figures, or undefined for an unknown name (validation reports it). Throws FragmentCycle. */
  fragment(name: string, introspection: boolean): Figures | undefined {
    const def = this.fragments.get(name);
    if (!def) return undefined;
    const inside = introspection || def.typeCondition.name.value.startsWith('__');
    const key = inside ? `${name}\u0001i` : name;
    const known = this.done.get(key);
    if (known) return known;
    if (this.open.has(name)) throw new FragmentCycle(name);
    this.open.add(name);
    const figures = this.selectionSet(def.selectionSet, inside);
    figures.directives += def.directives?.length ?? 0;
    this.open.delete(name);
    this.done.set(key, figures);
    return figures;
  }

  selectionSet(set: SelectionSetNode, introspection: boolean): Figures {
    const out: Figures = { height: 0, aliases: 0, directives: 0, fields: 0, total: 0 };
    const add = (inner: Figures): void => {
      out.height = Math.max(out.height, inner.height);
      out.aliases += inner.aliases;
      out.directives += inner.directives;
      out.fields += inner.fields;
      out.total += inner.total;
    };
    for (const selection of set.selections) {
      out.directives += selection.directives?.length ?? 0;
      if (selection.kind === 'Field') {
        out.fields += 1;
        out.total += 1;
        if (selection.alias) out.aliases += 1;
        const name = selection.name.value;
        let height = 1;
        if (selection.selectionSet) {
          const inner = this.selectionSet(selection.selectionSet, introspection || INTROSPECTION_ROOTS.has(name));
          out.aliases += inner.aliases;
          out.directives += inner.directives;
          out.total += inner.total;
          height = (introspection && name === 'ofType' ? 0 : 1) + inner.height;
        }
        out.height = Math.max(out.height, height);
      } else if (selection.kind === 'InlineFragment') {
        const condition = selection.typeCondition?.name.value;
        add(this.selectionSet(selection.selectionSet, introspection || (condition !== undefined && condition.startsWith('__'))));
      } else {
        const inner = this.fragment(selection.name.value, introspection);
        if (inner) add(inner);
      }
    }
    return out;
  }
}

/** The first limit a document breaks, or null. */
export function checkDocument(
  document: DocumentNode,
  limits: Pick<HardeningLimits, 'maxDepth' | 'maxAliases' | 'maxRootFields' | 'maxFields' | 'maxDirectives'>,
): DocumentViolation | null {
  const counter = new Counter(document);
  try {
    // Every fragment, used or not, so a cycle anywhere is found here rather than by a later recursive pass.
    for (const name of counter.fragmentNames()) counter.fragment(name, false);
    for (const def of document.definitions) {
      if (def.kind !== 'OperationDefinition') continue;
      const figures = counter.selectionSet(def.selectionSet, false);
      let directives = figures.directives + (def.directives?.length ?? 0);
      for (const variable of def.variableDefinitions ?? []) directives += variable.directives?.length ?? 0;
      if (figures.height > limits.maxDepth) {
        return { code: QUERY_TOO_DEEP, message: `Expected fields nested at most ${limits.maxDepth} deep, received ${figures.height}.` };
      }
      if (figures.aliases > limits.maxAliases) {
        return {
          code: TOO_MANY_ALIASES,
          message: `Expected at most ${limits.maxAliases} aliases in an operation, received ${count(figures.aliases)}.`,
        };
      }
      if (figures.fields > limits.maxRootFields) {
        return {
          code: TOO_MANY_ROOT_FIELDS,
          message: `Expected at most ${limits.maxRootFields} root fields in an operation, received ${count(figures.fields)}.`,
        };
      }
      if (figures.total > limits.maxFields) {
        return {
          code: TOO_MANY_FIELDS,
          message: `Expected at most ${limits.maxFields} fields in an operation, received ${count(figures.total)}.`,
        };
      }
      if (directives > limits.maxDirectives) {
        return {
          code: TOO_MANY_DIRECTIVES,
          message: `Expected at most ${limits.maxDirectives} directives in an operation, received ${count(directives)}.`,
        };
      }
    }
  } catch (err) {
    if (err instanceof FragmentCycle) {
      return {
        code: GRAPHQL_VALIDATION_FAILED,
        message: `Expected fragments without cycles, received fragment "${err.fragment}" spread within itself.`,
      };
    }
    // Nesting too deep for the stack: only reachable with a token limit raised far above the default.
    if (err instanceof RangeError)
      return { code: QUERY_TOO_DEEP, message: `Expected fields nested at most ${limits.maxDepth} deep, received far deeper.` };
    throw err;
  }
  return null;
}

/** A count as text; a fan-out of fragments can make one too large to print usefully. */
function count(n: number): string {
  return n > 1e9 ? 'more than a billion' : String(n);
}

/**
 * True when a string literal of the document holds a NUL character or a lone
 * surrogate (written as an escape such as `\u0000`; the raw text is checked
 * before parsing). Iterative over the syntax tree.
 */
export function documentHasUnsafeStrings(document: DocumentNode): boolean {
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const n = node as Record<string, unknown>;
    if (n.kind === 'StringValue' && typeof n.value === 'string' && hasUnsafeCharacters(n.value)) return true;
    for (const key of Object.keys(n)) {
      if (key === 'loc') continue;
      const v = n[key];
      if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  return false;
}
