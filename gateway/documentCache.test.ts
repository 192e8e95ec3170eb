import { describe, expect, it } from 'vitest';
import { DOCUMENT_BYTES_PER_CHAR, DocumentCache } from './documentCache.ts';
import { buildSchema, specifiedRules } from './graphql.ts';

const schema = buildSchema('type Query { a: Int, b: String }');

describe('DocumentCache', () => {
  it('parses and validates a query text once, keeping the most recently used within its byte bound', () => {
    // Room for two 5-character texts.
    const cache = new DocumentCache({
      schema,
      rules: specifiedRules,
      maxBytes: 10 * DOCUMENT_BYTES_PER_CHAR,
      maxEntryBytes: 10 * DOCUMENT_BYTES_PER_CHAR,
    });
    const a = cache.get('{ a }');
    expect(a.errors).toBeUndefined();
    expect(a.queryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.get('{ a }')).toBe(a);
    const b = cache.get('{ b }');
    cache.get('{ a }'); // a is now the most recent
    cache.get('{a b}'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(10 * DOCUMENT_BYTES_PER_CHAR);
    expect(cache.get('{ a }')).toBe(a);
    expect(cache.get('{ b }')).not.toBe(b);
  });

  it('prepares a text over the per-entry cap without keeping it, and never exceeds its bound', () => {
    const cache = new DocumentCache({ schema, rules: specifiedRules, maxBytes: 1_000 * DOCUMENT_BYTES_PER_CHAR });
    const long = `{ ${'a '.repeat(40)}}`; // 84 characters, over the cap of 1 000 / 16
    const prepared = cache.get(long);
    expect(prepared.errors).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.get(long)).not.toBe(prepared);
    for (let i = 0; i < 500; i++) {
      cache.get(`{ a${' '.repeat(i % 40)} }`);
      expect(cache.bytes).toBeLessThanOrEqual(1_000 * DOCUMENT_BYTES_PER_CHAR);
    }
    expect(cache.size).toBeGreaterThan(10);
  });

  it('keeps parse and validation failures with their codes, and bounds parsing work', () => {
    const cache = new DocumentCache({ schema, rules: specifiedRules, maxTokens: 50 });
    expect(cache.get('{ a ').errorCode).toBe('GRAPHQL_PARSE_FAILED');
    expect(cache.get('{ c }').errorCode).toBe('GRAPHQL_VALIDATION_FAILED');
    const huge = `{ ${Array.from({ length: 100 }, (_, i) => `x${i}: a`).join(' ')} }`;
    expect(cache.get(huge).errorCode).toBe('GRAPHQL_PARSE_FAILED');
  });
});
