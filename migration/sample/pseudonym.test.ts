import { describe, expect, it } from 'vitest';
import { checkHetu, makeHetu, type RecordIssue } from '../../domain/index.ts';
import { maskText, Pseudonymiser } from './pseudonym.ts';
import { hetuFormOf } from './sample.ts';

describe('Pseudonymiser.code', () => {
  it('gives valid synthetic codes with the same birth date, sex and century sign, consistently', () => {
    const originals = ['131052-308T', '010594Y9021', '020516C903K', makeHetu('1999-12-31', 903)];
    const ps = new Pseudonymiser(7, { codes: originals, words: [] });
    for (const o of originals) {
      const s = ps.code(o);
      const c = checkHetu(s);
      if (!c.ok) throw new Error(c.reason);
      const orig = checkHetu(o);
      if (!orig.ok) throw new Error(orig.reason);
      expect(c.info.synthetic).toBe(true);
      expect(c.info.birthDate).toBe(orig.info.birthDate);
      expect(c.info.sex).toBe(orig.info.sex);
      expect(s[6]).toBe(o[6]);
      expect(s).not.toBe(o);
      expect(ps.code(o)).toBe(s);
      expect(ps.assigned(o)).toBe(s);
    }
  });

  it('never gives a code the instance lists, nor two codes a missing century sign would confuse', () => {
    // The same date in two centuries: their sign-less forms must differ.
    const a = makeHetu('1950-03-03', 901);
    const b = makeHetu('2050-03-03'.replace('2050', '1850'), 903);
    const listed = Array.from({ length: 40 }, (_, i) => makeHetu('1950-03-03', 905 + 2 * i).replace('-', i % 2 ? 'Y' : '-'));
    const ps = new Pseudonymiser(1, { codes: [a, b, ...listed], words: [] });
    const sa = ps.code(a);
    const sb = ps.code(b);
    expect([a, b, ...listed]).not.toContain(sa);
    expect(sa.slice(0, 6) + sa.slice(7)).not.toBe(sb.slice(0, 6) + sb.slice(7));
    for (const l of listed) expect(sa.slice(7, 10)).not.toBe(l.slice(7, 10));
  });

  it('moves to a later birth date only when that date has no number left', () => {
    const taken = Array.from({ length: 50 }, (_, i) => makeHetu('1970-07-07', 900 + 2 * i)); // every female number
    const other = makeHetu('1970-07-07', 901);
    const ps = new Pseudonymiser(3, { codes: taken, words: [] });
    const c = checkHetu(ps.code(taken[0]!));
    expect(c.ok && c.info.birthDate).toBe('1970-07-08');
    const m = checkHetu(ps.code(other));
    expect(m.ok && m.info.birthDate).toBe('1970-07-07');
  });

  it('gives a code holding a letter when asked (a lower-case legacy form must show)', () => {
    const ps = new Pseudonymiser(9, { codes: [], words: [] });
    for (let n = 0; n < 20; n++) expect(ps.code(makeHetu('1961-02-0' + ((n % 9) + 1), 900 + 2 * n), { letter: true })).toMatch(/[A-Z]/);
  });
});

describe('Pseudonymiser names and numbers', () => {
  it('replaces each word consistently whatever its case, keeping case, length, hyphens and ä/ö/å kinds', () => {
    const ps = new Pseudonymiser(2, { codes: [], words: ['Åström', 'Lindström-Aho', 'Maija', 'Liisa'] });
    const s = ps.name('Åström');
    expect(s).not.toBe('Åström');
    expect(s).toHaveLength(6);
    expect(s).toMatch(/^[ÄÖÅ][a-zäöå]{5}$/);
    expect(ps.name('ÅSTRÖM')).toBe(s.toLocaleUpperCase('fi-FI'));
    expect(ps.name('Lindström-Aho')).toMatch(/^[A-Z][a-zäöå]{8}-[A-Z][a-z]{2}$/);
    const first = ps.name('Maija Liisa');
    expect(first.split(' ')).toEqual([ps.name('Maija'), ps.name('Liisa')]);
    expect(['Maija', 'Liisa', 'Åström']).not.toContain(ps.name('Liisa'));
  });

  it("never maps a word to an original word or to another word's pseudonym", () => {
    const words = ['Aho', 'Eko', 'Ari', 'Uki', 'Oli', 'Ida', 'Emu'];
    const ps = new Pseudonymiser(11, { codes: [], words });
    const out = words.map((w) => ps.name(w));
    for (const o of out) expect(words.map((w) => w.toUpperCase())).not.toContain(o.toUpperCase());
    expect(new Set(out).size).toBe(words.length);
  });

  it('keeps the region of a postal code and the prefix and layout of a phone number, consistently', () => {
    const ps = new Pseudonymiser(4, { codes: [], words: [] });
    const p = ps.postalCode('07600');
    expect(p).toMatch(/^07\d{3}$/);
    expect(ps.postalCode('07600')).toBe(p);
    const ph = ps.phone('040 123 4567');
    expect(ph).toMatch(/^040 \d{3} \d{4}$/);
    expect(ph).not.toBe('040 123 4567');
    expect(ps.phone('040 123 4567')).toBe(ph);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const make = (seed: number) => new Pseudonymiser(seed, { codes: [], words: [] });
    expect(make(5).name('Virtanen')).toBe(make(5).name('Virtanen'));
    expect(make(5).code('131052-308T')).toBe(make(5).code('131052-308T'));
    expect(make(5).name('Virtanen Matti Juhani')).not.toBe(make(6).name('Virtanen Matti Juhani'));
  });
});

describe('maskText', () => {
  it('masks letters and digits, keeping layout, quotes, separators and line breaks', () => {
    expect(maskText('Asiakas toivoo "aamupäivää"\r\nSoita 040; klo 9')).toBe('Xxxxxxx xxxxxx "xxxxxäxxää"\r\nXxxxx 000; xxx 0');
  });
});

describe('hetuFormOf', () => {
  const normalised = (reason: string): RecordIssue => ({
    code: 'NORMALISED_IDENTITY_CODE',
    source: 'proconsona-sipoo',
    position: 'V_ASIAKAS ASIAKAS_ID=1',
    reason,
  });
  it("reads the legacy form from the adapter's normalisation reasons", () => {
    expect(hetuFormOf([])).toBe('canonical');
    expect(hetuFormOf([normalised('expected HETU in canonical form, received it in lower case; read it upper-cased without spaces')])).toBe(
      'lowercase',
    );
    expect(hetuFormOf([normalised('expected HETU in canonical form, received it with spaces; read it upper-cased without spaces')])).toBe(
      'spaces',
    );
    expect(
      hetuFormOf([
        normalised(
          'expected HETU with a century sign, received one without it; restored the sign of the one population-register person whose code and surname fit',
        ),
      ]),
    ).toBe('noCentury');
    expect(hetuFormOf([{ code: 'UNMAPPED_CODE', source: 'mediatri-sipoo', position: 'x', reason: 'y' }])).toBe('canonical');
  });
});
