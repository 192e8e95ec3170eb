/** Operation names as the logs hold them: bounded, and only the GraphQL Name grammar. */
import { describe, expect, it } from 'vitest';
import { NOT_A_NAME, loggedOperationName } from './logging.ts';

describe('loggedOperationName', () => {
  it('keeps a GraphQL Name of at most 100 characters, cuts a longer one with its length, and applying it twice changes nothing', () => {
    expect(loggedOperationName('ClientOverview')).toBe('ClientOverview');
    expect(loggedOperationName(`_${'x'.repeat(99)}`)).toBe(`_${'x'.repeat(99)}`);
    const cut = loggedOperationName(`Q${'a'.repeat(89_999)}`);
    expect(cut).toBe(`Q${'a'.repeat(99)}…(90000 characters)`);
    expect(loggedOperationName(cut)).toBe(cut);
    expect(loggedOperationName(null)).toBeNull();
  });

  it('replaces anything that is not a GraphQL Name: an identity code, spaces, a leading digit, a long non-name, another type', () => {
    for (const name of ['021289-9032', 'Matti Virtanen', '1st', '', `a-${'b'.repeat(200)}`, 'Nimi\u0000', 'Åsa'] as const)
      expect(loggedOperationName(name), name).toBe(NOT_A_NAME);
    expect(loggedOperationName(42)).toBe(NOT_A_NAME);
  });
});
