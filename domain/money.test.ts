import { describe, expect, it } from 'vitest';
import { formatEuros, parseEuros } from './money.ts';

describe('parseEuros', () => {
  it('reads a decimal comma', () => {
    expect(parseEuros('20,60', ',')).toBe(2060);
    expect(parseEuros('0,05', ',')).toBe(5);
    expect(parseEuros('762,00', ',')).toBe(76200);
  });

  it('reads a decimal point when the source uses one', () => {
    expect(parseEuros('20.60', '.')).toBe(2060);
    expect(parseEuros('5', '.')).toBe(500);
    expect(parseEuros('5.5', '.')).toBe(550);
  });

  it('reads whole euros and a single decimal', () => {
    expect(parseEuros('5', ',')).toBe(500);
    expect(parseEuros('5,5', ',')).toBe(550);
    expect(parseEuros('0', ',')).toBe(0);
  });

  it('reads negative amounts (refunds, corrections)', () => {
    expect(parseEuros('-3,20', ',')).toBe(-320);
    expect(parseEuros('-3.20', '.')).toBe(-320);
    expect(parseEuros('-0,05', ',')).toBe(-5);
  });

  it('tolerates surrounding spaces', () => {
    expect(parseEuros(' 20,60 ', ',')).toBe(2060);
  });

  it('is exact where floating point is not', () => {
    // 0.29 * 100 = 28.999999999999996, 1.15 * 100 = 114.99999999999999, 8.2 * 100 = 819.9999999999999
    expect(parseEuros('0,29', ',')).toBe(29);
    expect(parseEuros('1,15', ',')).toBe(115);
    expect(parseEuros('8,20', ',')).toBe(820);
    expect(parseEuros('4,35', ',')).toBe(435);
    expect(parseEuros('0.29', '.')).toBe(29);
    expect(parseEuros('1.15', '.')).toBe(115);
    expect(parseEuros('8.20', '.')).toBe(820);
    // every cent value from 0,00 to 9,99 reads exactly
    for (let cents = 0; cents < 1000; cents++) {
      const text = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
      expect(parseEuros(text, ','), text).toBe(cents);
      expect(Number.isInteger(parseEuros(text, ','))).toBe(true);
    }
  });

  it('refuses a thousands separator and the other decimal separator', () => {
    expect(parseEuros('1 234,50', ',')).toBeUndefined();
    expect(parseEuros('1.234,50', ',')).toBeUndefined();
    expect(parseEuros('1,234.50', '.')).toBeUndefined();
    expect(parseEuros('20.60', ',')).toBeUndefined();
    expect(parseEuros('20,60', '.')).toBeUndefined();
  });

  it('refuses text that is not an amount', () => {
    for (const t of [
      '',
      ' ',
      'abc',
      '20,',
      ',60',
      '20,600',
      '20,6a',
      '€20,60',
      '20,60 €',
      '+5',
      '--5',
      '1e3',
      'NaN',
      '5,-5',
      '1234567890',
    ]) {
      expect(parseEuros(t, ','), JSON.stringify(t)).toBeUndefined();
    }
  });
});

describe('formatEuros', () => {
  it('formats with two decimals and either separator', () => {
    expect(formatEuros(2060, ',')).toBe('20,60');
    expect(formatEuros(2060, '.')).toBe('20.60');
    expect(formatEuros(500, ',')).toBe('5,00');
    expect(formatEuros(5, ',')).toBe('0,05');
    expect(formatEuros(0, '.')).toBe('0.00');
    expect(formatEuros(81500, ',')).toBe('815,00');
  });

  it('formats negatives', () => {
    expect(formatEuros(-320, ',')).toBe('-3,20');
    expect(formatEuros(-5, '.')).toBe('-0.05');
    expect(formatEuros(-100, ',')).toBe('-1,00');
  });

  it('round-trips with parseEuros', () => {
    for (const cents of [0, 1, 29, 115, 820, 2060, 76200, 99999, -1, -320, 123456789]) {
      expect(parseEuros(formatEuros(cents, ','), ','), String(cents)).toBe(cents);
      expect(parseEuros(formatEuros(cents, '.'), '.'), String(cents)).toBe(cents);
    }
  });
});
