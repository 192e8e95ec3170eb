import { describe, expect, it } from 'vitest';
import { suppressBreakdown, suppressCount } from './aggregates.ts';

describe('small-count suppression', () => {
  it.each([
    [0, { value: null, suppressed: true }],
    [1, { value: null, suppressed: true }],
    [4, { value: null, suppressed: true }],
    [5, { value: 5, suppressed: false }],
    [1234, { value: 1234, suppressed: false }],
  ])('count %i', (n, expected) => {
    expect(suppressCount(n)).toEqual(expected);
  });

  it('refuses what is not a count', () => {
    expect(() => suppressCount(-1)).toThrow(RangeError);
    expect(() => suppressCount(2.5)).toThrow(RangeError);
  });

  it('withholds a second cell when one small cell could be derived from the total', () => {
    const out = suppressBreakdown({ '638': 120, '753': 3, '434': 40, '018': 9 });
    expect(out.cells).toEqual({
      '638': { value: 120, suppressed: false },
      '753': { value: null, suppressed: true },
      '434': { value: 40, suppressed: false },
      '018': { value: null, suppressed: true },
    });
    expect(out.total).toEqual({ value: 172, suppressed: false });
  });

  it('needs no secondary suppression with two small cells or none', () => {
    expect(suppressBreakdown({ a: 2, b: 1, c: 50 }).cells.c).toEqual({ value: 50, suppressed: false });
    expect(suppressBreakdown({ a: 5, b: 6 }).cells).toEqual({ a: { value: 5, suppressed: false }, b: { value: 6, suppressed: false } });
    expect(suppressBreakdown({ a: 1, b: 2 }).total).toEqual({ value: null, suppressed: true });
  });
});
