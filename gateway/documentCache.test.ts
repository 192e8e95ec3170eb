import { describe, expect, it } from 'vitest';
import { DocumentCache } from './documentCache.ts';
import { buildSchema, specifiedRules } from './graphql.ts';

const schema = buildSchema('type Query { a: Int, b: String }');

describe('DocumentCache', () => {
  it('parses and validates a query text once, keeping the most recently used', () => {
    const cache = new DocumentCache({ schema, rules: specifiedRules, maxEntries: 2 });
    const a = cache.get('{ a }');
    expect(a.errors).toBeUndefined();
    expect(a.queryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.get('{ a }')).toBe(a);
    cache.get('{ b }');
    cache.get('{ a }'); // a is now the most recent
    cache.get('{ a b }'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get('{ a }')).toBe(a);
  });

  it('keeps parse and validation failures with their codes, and bounds parsing work', () => {
    const cache = new DocumentCache({ schema, rules: specifiedRules, maxTokens: 50 });
    expect(cache.get('{ a ').errorCode).toBe('GRAPHQL_PARSE_FAILED');
    expect(cache.get('{ c }').errorCode).toBe('GRAPHQL_VALIDATION_FAILED');
    const huge = `{ ${Array.from({ length: 100 }, (_, i) => `x${i}: a`).join(' ')} }`;
    expect(cache.get(huge).errorCode).toBe('GRAPHQL_PARSE_FAILED');
  });
});
