import { describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import { parse } from '../graphql.ts';
import { checkDocument, documentHasUnsafeStrings } from './document.ts';
import { DEFAULT_HARDENING_LIMITS } from './limits.ts';
import type { HardeningLimits } from './limits.ts';
import { hasUnsafeCharacters, jsonHasUnsafeCharacters } from './text.ts';

const check = (query: string, limits: Partial<HardeningLimits> = {}) =>
  checkDocument(parse(query, { noLocation: true }), { ...DEFAULT_HARDENING_LIMITS, ...limits });
const code = (query: string, limits: Partial<HardeningLimits> = {}) => check(query, limits)?.code ?? null;

/** `{ person { friends { … id } } }` with `depth` levels of fields in all. */
const nested = (depth: number) => `{ person(id: "1") { ${'friends { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

describe('depth', () => {
  it('counts fields on the longest path: the limit passes, one more is QUERY_TOO_DEEP', () => {
    expect(code(nested(10))).toBeNull();
    expect(check(nested(11))).toEqual({ code: 'QUERY_TOO_DEEP', message: 'Expected fields nested at most 10 deep, received 11.' });
  });

  it('follows fragments and inline fragments', () => {
    const chain = Array.from({ length: 11 }, (_, i) => `fragment F${i} on Person { friends { ...F${i + 1} } }`).join('\n');
    expect(code(`{ person(id: "1") { ...F0 } }\n${chain}\nfragment F11 on Person { id }`)).toBe('QUERY_TOO_DEEP');
    expect(code(`{ person(id: "1") { ... on Person { ${'friends { '.repeat(9)}id${' }'.repeat(9)} } } }`)).toBe('QUERY_TOO_DEEP');
  });

  it("lets GraphiQL's schema query through (15 levels, of which the ofType chain does not count)", () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
    });
    expect(code(introspection)).toBeNull();
    // Only inside introspection: a field of the region's own schema called ofType counts.
    expect(code(`{ thing { ${'ofType { '.repeat(10)}id${' }'.repeat(10)} } }`)).toBe('QUERY_TOO_DEEP');
    // And an introspection query that fans out (fields → type → fields …) is limited like any other.
    expect(code(`{ __schema { types { ${'fields { type { '.repeat(5)}name${' } }'.repeat(5)} } } }`)).toBe('QUERY_TOO_DEEP');
  });
});

describe('aliases, root fields, fields and directives', () => {
  it('counts aliases in the operation, each fragment once per spread', () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ');
    expect(code(`{ person(id: "1") { ${aliases(30)} } }`)).toBeNull();
    expect(check(`{ person(id: "1") { ${aliases(31)} } }`)).toEqual({
      code: 'TOO_MANY_ALIASES',
      message: 'Expected at most 30 aliases in an operation, received 31.',
    });
    expect(code(`{ a: person(id: "1") { ...F } b: person(id: "2") { ...F } } fragment F on Person { ${aliases(15)} }`)).toBe(
      'TOO_MANY_ALIASES',
    );
  });

  it('counts a fan-out of fragments by its expansion, without expanding it', () => {
    // F0 spreads F1 twice, … F39 is one alias: 2^40 aliases once expanded.
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const started = performance.now();
    const result = check(`{ ...F0 }\n${fragments}\nfragment F40 on Query { a: __typename }`);
    expect(performance.now() - started).toBeLessThan(50);
    expect(result).toEqual({
      code: 'TOO_MANY_ALIASES',
      message: 'Expected at most 30 aliases in an operation, received more than a billion.',
    });
  });

  it('counts root fields through fragments', () => {
    const roots = (n: number) => Array.from({ length: n }, (_, i) => `p${i}: person(id: "${i}") { id }`).join(' ');
    expect(code(`{ ${roots(20)} }`, { maxAliases: 100 })).toBeNull();
    expect(code(`{ ${roots(21)} }`, { maxAliases: 100 })).toBe('TOO_MANY_ROOT_FIELDS');
    expect(code(`{ ...R ... on Query { x: __typename } } fragment R on Query { ${roots(20)} }`, { maxAliases: 100 })).toBe(
      'TOO_MANY_ROOT_FIELDS',
    );
  });

  it('counts fields at every level', () => {
    // GraphiQL's schema query has 229 fields once its fragments are expanded.
    expect(code(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }))).toBeNull();
    expect(code(`{ person(id: "1") { ${'friends { id } '.repeat(124)} } }`)).toBeNull();
    expect(check(`{ person(id: "1") { ${'friends { id } '.repeat(125)} } }`)).toEqual({
      code: 'TOO_MANY_FIELDS',
      message: 'Expected at most 250 fields in an operation, received 251.',
    });
  });

  it('counts directives on the operation, its variables, fields, fragments and spreads', () => {
    expect(code(`{ person(id: "1") { ${'id @skip(if: false) '.repeat(50)} } }`)).toBeNull();
    expect(code(`{ person(id: "1") { ${'id @skip(if: false) '.repeat(51)} } }`)).toBe('TOO_MANY_DIRECTIVES');
    const everywhere = `query Q($v: Int @d) @d { person(id: "1") @d { ...F @d ... @d { id @d } } } fragment F on Person @d { id @d }`;
    expect(check(everywhere, { maxDirectives: 8 })).toBeNull();
    expect(check(everywhere, { maxDirectives: 7 })).toEqual({
      code: 'TOO_MANY_DIRECTIVES',
      message: 'Expected at most 7 directives in an operation, received 8.',
    });
  });
});

describe('fragment cycles', () => {
  it('are found, direct or through others, used or not, without looping', () => {
    expect(check('{ person(id: "1") { ...A } } fragment A on Person { ...A }')).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: 'Expected fragments without cycles, received fragment "A" spread within itself.',
    });
    expect(
      code('{ person(id: "1") { ...A } } fragment A on Person { friends { ...B } } fragment B on Person { ... on Person { ...A } }'),
    ).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(code('{ __typename } fragment A on Query { ...B } fragment B on Query { ...A }')).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('are not confused with a fragment spread twice, or an unknown one (left to validation)', () => {
    expect(code('{ a: person(id: "1") { ...A } b: person(id: "2") { ...A friends { ...A } } } fragment A on Person { id }')).toBeNull();
    expect(code('{ person(id: "1") { ...Nowhere } }')).toBeNull();
  });
});

describe('unsafe characters', () => {
  it('are NUL and lone surrogates; pairs (emoji), ä, ö, å and Swedish text are fine', () => {
    expect(hasUnsafeCharacters('Åsa Öberg, Kärrby 😀')).toBe(false);
    expect(hasUnsafeCharacters('a\u0000b')).toBe(true);
    expect(hasUnsafeCharacters('a\uD800')).toBe(true);
    expect(hasUnsafeCharacters('\uDC00a')).toBe(true);
    expect(hasUnsafeCharacters('\uDBFF\uDFFF')).toBe(false);
    expect(hasUnsafeCharacters('\uDFFF\uDBFF')).toBe(true);
  });

  it('are found in variables at any depth, in keys too, without recursion', () => {
    expect(jsonHasUnsafeCharacters({ a: [1, { b: 'ok ä' }], c: null })).toBe(false);
    expect(jsonHasUnsafeCharacters({ a: [1, { b: 'x\u0000' }] })).toBe(true);
    expect(jsonHasUnsafeCharacters({ ['k\uD800']: 1 })).toBe(true);
    let deep: unknown = 'x\uDC00';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonHasUnsafeCharacters(deep)).toBe(true);
  });

  it('are found in string literals written as escapes', () => {
    expect(documentHasUnsafeStrings(parse('{ echo(text: "a\\u0000b") }'))).toBe(true);
    expect(documentHasUnsafeStrings(parse('query($t: String = "\\u0000") { echo(text: $t) }'))).toBe(true);
    expect(documentHasUnsafeStrings(parse('{ f(x: { y: ["ok", "\\u0000"] }) @d(s: "fine") }'))).toBe(true);
    expect(documentHasUnsafeStrings(parse('{ echo(text: "\\u00e4 \\uD83D\\uDE00") }'))).toBe(false);
  });
});
