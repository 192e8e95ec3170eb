import { describe, expect, it } from 'vitest';
import {
  CENTURY_SIGNS,
  ageOn,
  checkCharacter,
  checkHetu,
  corruptCheckCharacter,
  isSyntheticHetu,
  isValidHetu,
  makeHetu,
  normaliseLegacyHetu,
} from './hetu.ts';

/** Every sign of region.md, in the order the spec lists them. */
const SIGNS_1800 = ['+'];
const SIGNS_1900 = ['-', 'Y', 'X', 'W', 'V', 'U'];
const SIGNS_2000 = ['A', 'B', 'C', 'D', 'E', 'F'];
const ALL_SIGNS = [...SIGNS_1800, ...SIGNS_1900, ...SIGNS_2000];

/**
 * `131052-308T` is the published example of the identity-code specification (individual number
 * 308, not synthetic: these validator tests need one real-form code); with another sign, the check
 * character does not depend on the sign. Fixtures and generated data use 900–999 only.
 */
const withSign = (sign: string, ddmmyy = '131052', nnnc = '308T') => `${ddmmyy}${sign}${nnnc}`;

/** Fails the test when a reason repeats any identifying part of the code. */
function expectReasonFreeOf(reason: string, code: string): void {
  expect(reason.length).toBeGreaterThan(0);
  expect(reason).not.toContain(code);
  const digits = code.replace(/\s/g, '');
  // the date part and the individual number must not appear either
  expect(reason).not.toContain(digits.slice(0, 6));
  if (digits.length >= 10) expect(reason).not.toContain(digits.slice(7, 10));
}

describe('checkHetu', () => {
  it('accepts the published examples', () => {
    for (const code of ['131052-308T', '010594Y9021', '020516C903K']) {
      const c = checkHetu(code);
      expect(c.ok, code).toBe(true);
      expect(isValidHetu(code)).toBe(true);
    }
  });

  it('reads birth date, individual number, sex and synthetic flag', () => {
    const c = checkHetu('131052-308T');
    expect(c).toEqual({
      ok: true,
      info: { hetu: '131052-308T', birthDate: '1952-10-13', individualNumber: 308, sex: 'FEMALE', synthetic: false },
    });
    const y = checkHetu('010594Y9021');
    expect(y.ok && y.info).toEqual({ hetu: '010594Y9021', birthDate: '1994-05-01', individualNumber: 902, sex: 'FEMALE', synthetic: true });
    const c2 = checkHetu('020516C903K');
    expect(c2.ok && c2.info).toEqual({ hetu: '020516C903K', birthDate: '2016-05-02', individualNumber: 903, sex: 'MALE', synthetic: true });
  });

  it('gives the right century for every century sign', () => {
    const expected: Record<string, string> = {};
    for (const s of SIGNS_1800) expected[s] = '1852-10-13';
    for (const s of SIGNS_1900) expected[s] = '1952-10-13';
    for (const s of SIGNS_2000) expected[s] = '2052-10-13';
    expect(Object.keys(CENTURY_SIGNS).sort()).toEqual([...ALL_SIGNS].sort());
    for (const sign of ALL_SIGNS) {
      const c = checkHetu(withSign(sign));
      expect(c.ok, sign).toBe(true);
      expect(c.ok && c.info.birthDate, sign).toBe(expected[sign]);
    }
  });

  it('treats codes differing only in the century sign as distinct valid codes', () => {
    const a = checkHetu('131052-308T');
    const b = checkHetu('131052A308T');
    expect(a.ok && b.ok).toBe(true);
    expect(a.ok && a.info.birthDate).not.toBe(b.ok && b.info.birthDate);
  });

  it('refuses a wrong check character, with a reason free of the code', () => {
    for (const code of ['131052-308U', '010594Y9022', '020516C903J', '131052-3080']) {
      const c = checkHetu(code);
      expect(c.ok, code).toBe(false);
      if (!c.ok) {
        expect(c.reason).toMatch(/check character/);
        expectReasonFreeOf(c.reason, code);
      }
    }
  });

  it('refuses impossible dates and accepts 29 February only in leap years', () => {
    // 31 February
    expect(checkHetu('310298-9042').ok).toBe(false);
    // 29 February 2023 (not a leap year), 2024 (leap year)
    const nonLeap = checkHetu('290223A902B');
    expect(nonLeap.ok).toBe(false);
    if (!nonLeap.ok) {
      expect(nonLeap.reason).toMatch(/date/);
      expectReasonFreeOf(nonLeap.reason, '290223A902B');
    }
    const leap = checkHetu('290224A903M');
    expect(leap.ok && leap.info.birthDate).toBe('2024-02-29');
    // 29 February of year 00: 2000 is a leap year, 1900 and 1800 are not
    expect(checkHetu('290200A901C').ok).toBe(true);
    expect(checkHetu('290200-901C').ok).toBe(false);
    expect(checkHetu('290200+901C').ok).toBe(false);
    // month 13, day 00, month 00
    expect(checkHetu('011390-901X').ok).toBe(false);
    expect(checkHetu('000190-901X').ok).toBe(false);
    expect(checkHetu('010090-901X').ok).toBe(false);
  });

  it('refuses individual numbers 000 and 001, accepts 002', () => {
    expect(checkHetu('150685-000E').ok).toBe(false);
    expect(checkHetu('150685-001F').ok).toBe(false);
    expect(checkHetu('150685-002H').ok).toBe(true);
  });

  it('refuses a wrong shape with a reason free of the code', () => {
    const bad = [
      '',
      '131052308T', // no century sign
      '131052-308', // no check character
      '131052-308TT',
      '131052*308T', // unknown sign
      '131052Z308T', // Z is no century sign
      '13105-2308T',
      ' 131052-308T',
      '131052-308T ',
      '131052 -308T',
      'ABCDEF-GHIJ',
    ];
    for (const code of bad) {
      const c = checkHetu(code);
      expect(c.ok, JSON.stringify(code)).toBe(false);
      if (!c.ok && code.length >= 6) expectReasonFreeOf(c.reason, code);
    }
  });

  it('refuses lower case (canonical form is upper case)', () => {
    for (const code of ['131052-308t', '010594y9021', '020516c903k', '020516c903K']) {
      const c = checkHetu(code);
      expect(c.ok, code).toBe(false);
      if (!c.ok) expectReasonFreeOf(c.reason, code);
    }
  });
});

describe('isSyntheticHetu', () => {
  it('is true for individual numbers 900–999 only', () => {
    expect(isSyntheticHetu('150685-899E')).toBe(false);
    expect(isSyntheticHetu('150685-900F')).toBe(true);
    expect(isSyntheticHetu('150685-999N')).toBe(true);
    expect(isSyntheticHetu('150685-002H')).toBe(false);
    expect(isSyntheticHetu('131052-308T')).toBe(false);
    expect(isSyntheticHetu('010594Y9021')).toBe(true);
  });

  it('is false for an invalid code in the synthetic range', () => {
    expect(isSyntheticHetu('150685-900G')).toBe(false);
    expect(isSyntheticHetu('150685-900f')).toBe(false);
    expect(isSyntheticHetu('')).toBe(false);
  });
});

describe('normaliseLegacyHetu', () => {
  it('returns a canonical code as valid', () => {
    expect(normaliseLegacyHetu('131052-308T')).toEqual({ kind: 'valid', hetu: '131052-308T' });
    expect(normaliseLegacyHetu('020516C903K')).toEqual({ kind: 'valid', hetu: '020516C903K' });
  });

  it('upper-cases lower case', () => {
    expect(normaliseLegacyHetu('131052-308t')).toEqual({ kind: 'normalised', hetu: '131052-308T', fixes: ['case'] });
    expect(normaliseLegacyHetu('010594y9021')).toEqual({ kind: 'normalised', hetu: '010594Y9021', fixes: ['case'] });
    expect(normaliseLegacyHetu('020516c903k')).toEqual({ kind: 'normalised', hetu: '020516C903K', fixes: ['case'] });
  });

  it('removes surrounding and inner spaces', () => {
    expect(normaliseLegacyHetu('  131052-308T ')).toEqual({ kind: 'normalised', hetu: '131052-308T', fixes: ['spaces'] });
    expect(normaliseLegacyHetu('131052 - 308T')).toEqual({ kind: 'normalised', hetu: '131052-308T', fixes: ['spaces'] });
    expect(normaliseLegacyHetu('\t131052-308T\n')).toEqual({ kind: 'normalised', hetu: '131052-308T', fixes: ['spaces'] });
    const both = normaliseLegacyHetu(' 020516 c903k ');
    expect(both.kind).toBe('normalised');
    if (both.kind === 'normalised') {
      expect(both.hetu).toBe('020516C903K');
      expect([...both.fixes].sort()).toEqual(['case', 'spaces']);
    }
  });

  it('offers every century sign as a candidate when the date is valid in every century', () => {
    const r = normaliseLegacyHetu('131052308T');
    expect(r.kind).toBe('noCentury');
    if (r.kind === 'noCentury') {
      expect([...r.candidates].sort()).toEqual(ALL_SIGNS.map((s) => withSign(s)).sort());
      expect(r.candidates).toHaveLength(13);
      for (const c of r.candidates) expect(isValidHetu(c)).toBe(true);
    }
  });

  it('offers only the signs of centuries where 29 February exists', () => {
    // 29.2.00: only 2000 is a leap year (1800 and 1900 are not)
    const r = normaliseLegacyHetu('290200901C');
    expect(r.kind).toBe('noCentury');
    if (r.kind === 'noCentury') {
      expect([...r.candidates].sort()).toEqual(SIGNS_2000.map((s) => `290200${s}901C`).sort());
    }
    // 29.2.96: 1896, 1996 and 2096 are all leap years
    const all = normaliseLegacyHetu('2902969059');
    expect(all.kind === 'noCentury' && all.candidates.length).toBe(13);
    // 29.2.23: no century makes it a date
    const none = normaliseLegacyHetu('290223902B');
    expect(none.kind).toBe('invalid');
    if (none.kind === 'invalid') expectReasonFreeOf(none.reason, '290223902B');
  });

  it('handles a missing century sign together with lower case and spaces', () => {
    const r = normaliseLegacyHetu(' 020516 903k ');
    expect(r.kind).toBe('noCentury');
    if (r.kind === 'noCentury') expect(r.candidates).toContain('020516C903K');
  });

  it('refuses a missing century sign when the check character is wrong', () => {
    const r = normaliseLegacyHetu('131052308U');
    expect(r.kind).toBe('invalid');
    if (r.kind === 'invalid') expectReasonFreeOf(r.reason, '131052308U');
  });

  it('reads NULL, undefined, empty and blank as missing', () => {
    for (const raw of [null, undefined, '', '   ', '\t']) {
      expect(normaliseLegacyHetu(raw)).toEqual({ kind: 'missing' });
    }
  });

  it('reads garbage as invalid with a reason free of the value', () => {
    for (const raw of ['hello', '131052-308U', '13.10.1952', '131052-308T-x', '999999-999X', '131052X308TT']) {
      const r = normaliseLegacyHetu(raw);
      expect(r.kind, raw).toBe('invalid');
      if (r.kind === 'invalid') {
        expect(r.reason.length).toBeGreaterThan(0);
        expect(r.reason).not.toContain(raw);
        expect(r.reason).not.toContain(raw.toUpperCase());
      }
    }
  });
});

describe('makeHetu', () => {
  it('builds the published examples', () => {
    expect(makeHetu('1952-10-13', 308)).toBe('131052-308T');
    expect(makeHetu('1994-05-01', 902, 'Y')).toBe('010594Y9021');
    expect(makeHetu('2016-05-02', 903, 'C')).toBe('020516C903K');
  });

  it('uses the classic sign of the century by default', () => {
    expect(makeHetu('1852-10-13', 308)).toBe('131052+308T');
    expect(makeHetu('1999-12-31', 950)[6]).toBe('-');
    expect(makeHetu('2000-01-01', 950)[6]).toBe('A');
  });

  it('round-trips through checkHetu with every sign', () => {
    const cases: [string, string[]][] = [
      ['1852-10-13', SIGNS_1800],
      ['1996-02-29', SIGNS_1900],
      ['2024-02-29', SIGNS_2000],
      ['2000-02-29', SIGNS_2000],
      ['1900-01-01', SIGNS_1900],
    ];
    for (const [birthDate, signs] of cases) {
      for (const sign of signs) {
        for (const nnn of [2, 99, 900, 901, 999]) {
          const code = makeHetu(birthDate, nnn, sign);
          expect(code[6]).toBe(sign);
          const c = checkHetu(code);
          expect(c.ok, code).toBe(true);
          if (c.ok) {
            expect(c.info.birthDate).toBe(birthDate);
            expect(c.info.individualNumber).toBe(nnn);
            expect(c.info.sex).toBe(nnn % 2 === 1 ? 'MALE' : 'FEMALE');
          }
        }
      }
    }
  });

  it('throws for a sign of the wrong century', () => {
    expect(() => makeHetu('1994-05-01', 902, 'A')).toThrow(RangeError);
    expect(() => makeHetu('2016-05-02', 903, '-')).toThrow(RangeError);
    expect(() => makeHetu('2016-05-02', 903, 'Y')).toThrow(RangeError);
    expect(() => makeHetu('1852-10-13', 308, '-')).toThrow(RangeError);
    expect(() => makeHetu('1952-10-13', 308, '+')).toThrow(RangeError);
    expect(() => makeHetu('1952-10-13', 308, 'Z')).toThrow(RangeError);
  });
});

describe('checkCharacter and corruptCheckCharacter', () => {
  it('computes DDMMYYNNN mod 31', () => {
    expect(checkCharacter('131052308')).toBe('T');
    expect(checkCharacter('010594902')).toBe('1');
    expect(checkCharacter('020516903')).toBe('K');
  });

  it('gives an invalid code of the same shape', () => {
    for (const code of ['131052-308T', '010594Y9021', '020516C903K', makeHetu('1990-01-01', 901), '150685-999N']) {
      const bad = corruptCheckCharacter(code);
      expect(bad).toHaveLength(11);
      expect(bad.slice(0, 10)).toBe(code.slice(0, 10));
      expect(bad).not.toBe(code);
      const c = checkHetu(bad);
      expect(c.ok, bad).toBe(false);
      if (!c.ok) expect(c.reason).toMatch(/check character/);
    }
  });

  it('wraps around at the last check character', () => {
    // 150685-999 has check character N; find one whose check is Y (the last)
    let code = '';
    for (let n = 900; n <= 999 && !code; n++) {
      const c = makeHetu('1985-06-15', n);
      if (c.endsWith('Y')) code = c;
    }
    expect(code).not.toBe('');
    expect(corruptCheckCharacter(code).endsWith('0')).toBe(true);
    expect(isValidHetu(corruptCheckCharacter(code))).toBe(false);
  });
});

describe('ageOn', () => {
  it('counts whole years, turning on the birthday', () => {
    expect(ageOn('2000-06-15', '2026-06-14')).toBe(25);
    expect(ageOn('2000-06-15', '2026-06-15')).toBe(26);
    expect(ageOn('2000-06-15', '2026-07-01')).toBe(26);
    expect(ageOn('2000-06-15', '2026-05-31')).toBe(25);
    expect(ageOn('2008-01-01', '2025-12-31')).toBe(17);
    expect(ageOn('2008-01-01', '2026-01-01')).toBe(18);
    expect(ageOn('2026-03-01', '2026-03-01')).toBe(0);
  });

  it('handles a 29 February birthday in leap years', () => {
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20);
  });
});
