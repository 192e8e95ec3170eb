import { describe, expect, it } from 'vitest';
import type { RecordIssue } from '../../domain/index.ts';
import { linkRow, sameSurname, signlessCandidates } from './identity.ts';
import { mapConsents, mapCustomerships, mapDecisions, mapFees, mapPerson, mapPlans, parseMuutettu } from './map.ts';
import { keysFor, SELECT_ASIAKAS, SELECT_CHANGED } from './sql.ts';

const LOV = 'proconsona-loviisa' as const;
const src = (localId: string, municipality = '434') => ({ instance: LOV, product: 'proconsona', municipality, localId });

/** A V_ASIAKAS row as pg returns it for the adapter's SELECT. */
const asiakas = (over: Record<string, unknown> = {}) => ({
  ASIAKAS_ID: 12,
  HETU: '131052-9085',
  SUKUNIMI: 'Virtanen',
  ETUNIMET: 'Matti Juhani',
  KUNTA_KOODI: '407',
  KIELI_KOODI: 2,
  LAHIOSOITE: 'Storgatan 5',
  POSTINUMERO: '07880',
  POSTITOIMIPAIKKA: 'LAPPTRÄSK',
  TURVAKIELTO: 1,
  MUUTETTU: '2025-10-26 03:30:00',
  ...over,
});

describe('V_ASIAKAS → person', () => {
  it('maps every column; the repeated October hour reads as summer time', () => {
    const issues: RecordIssue[] = [];
    const { person, municipality } = mapPerson(LOV, '131052-9085', asiakas(), issues);
    expect(person).toEqual({
      hetu: '131052-9085',
      surname: 'Virtanen',
      firstNames: 'Matti Juhani',
      municipality: '407',
      language: 'sv',
      address: { street: 'Storgatan 5', postalCode: '07880', city: 'LAPPTRÄSK' },
      turvakielto: true,
      changedAt: '2025-10-26T03:30:00+03:00',
      source: src('12', '407'),
    });
    expect(municipality).toBe('407');
    expect(issues).toEqual([]);
  });

  it('KIELI_KOODI 9 and NULL leave the language out; an unknown code is UNMAPPED_CODE', () => {
    const issues: RecordIssue[] = [];
    expect(mapPerson(LOV, '131052-9085', asiakas({ KIELI_KOODI: 9 }), issues).person.language).toBeUndefined();
    expect(mapPerson(LOV, '131052-9085', asiakas({ KIELI_KOODI: null }), issues).person).not.toHaveProperty('language');
    expect(issues).toEqual([]);
    expect(mapPerson(LOV, '131052-9085', asiakas({ KIELI_KOODI: 3 }), issues).person).not.toHaveProperty('language');
    expect(issues).toEqual([
      {
        code: 'UNMAPPED_CODE',
        source: LOV,
        position: 'V_ASIAKAS ASIAKAS_ID=12',
        reason: 'expected KIELI_KOODI 1, 2 or 9, received another value',
        unmapped: { field: 'V_ASIAKAS KIELI_KOODI', value: '3' },
      },
    ]);
  });

  it('MUUTETTU: winter and summer offsets, the skipped March hour is an issue and the field is left out', () => {
    expect(parseMuutettu('2025-03-30 02:59:59')).toEqual({ ok: true, instant: '2025-03-30T02:59:59+02:00' });
    expect(parseMuutettu('2025-03-30 04:00:00')).toEqual({ ok: true, instant: '2025-03-30T04:00:00+03:00' });
    expect(parseMuutettu('2025-10-26 04:00:00')).toEqual({ ok: true, instant: '2025-10-26T04:00:00+02:00' });
    const issues: RecordIssue[] = [];
    const { person } = mapPerson(LOV, '131052-9085', asiakas({ MUUTETTU: '2025-03-30 03:30:00' }), issues);
    expect(person).not.toHaveProperty('changedAt');
    expect(issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: LOV,
        position: 'V_ASIAKAS ASIAKAS_ID=12',
        reason:
          'expected MUUTETTU as a Helsinki local time, received one where the local time falls in the hour skipped when summer time begins',
      },
    ]);
  });

  it('char(3) padding, NULL address parts, a municipality the shared instance does not serve', () => {
    const issues: RecordIssue[] = [];
    const { person, municipality } = mapPerson(
      LOV,
      '131052-9085',
      asiakas({ KUNTA_KOODI: '638', LAHIOSOITE: null, TURVAKIELTO: 0, MUUTETTU: null }),
      issues,
    );
    expect(person.municipality).toBe('638');
    expect(person.source.municipality).toBe('434');
    expect(municipality).toBe('434');
    expect(person).not.toHaveProperty('address');
    expect(person).not.toHaveProperty('changedAt');
    expect(person.turvakielto).toBe(false);
    expect(issues.map((i) => i.code)).toEqual(['MUNICIPALITY_OUTSIDE_INSTANCE']);
    const single = mapPerson('proconsona-askola', '131052-9085', asiakas({ KUNTA_KOODI: '18 ' }), []);
    expect(single.person.municipality).toBe('18');
    expect(single.municipality).toBe('018');
  });
});

describe('child views', () => {
  it('V_ASIAKKUUS: PALVELUTEHTAVA_ID 1..7, SALAINEN, open customership, no service name', () => {
    const issues: RecordIssue[] = [];
    const rows = [1, 2, 3, 4, 5, 6, 7].map((task) => ({
      ASIAKKUUS_ID: 100 + task,
      ASIAKAS_ID: 12,
      PALVELUTEHTAVA_ID: task,
      YKSIKKO_NIMI: 'Kotihoito',
      TYONTEKIJA_NIMI: task === 1 ? 'Sari Salo' : null,
      ALKAA: '2024-01-15',
      PAATTYY: task === 1 ? null : '2024-12-31',
      SALAINEN: task === 4 ? 1 : 0,
    }));
    const out = mapCustomerships(LOV, '434', rows, issues);
    expect(out.map((c) => c.serviceTask)).toEqual([
      'OLDER_PEOPLE',
      'DISABILITY',
      'FAMILIES',
      'CHILD_WELFARE',
      'ADULT_SOCIAL_WORK',
      'SUBSTANCE_ABUSE',
      'FAMILY_LAW',
    ]);
    expect(out[0]).toEqual({
      careArea: 'SOCIAL',
      serviceTask: 'OLDER_PEOPLE',
      unit: 'Kotihoito',
      responsibleWorker: 'Sari Salo',
      startDate: '2024-01-15',
      extraSensitive: false,
      source: src('101'),
    });
    expect(out[3]!.extraSensitive).toBe(true);
    expect(out[3]!.endDate).toBe('2024-12-31');
    expect(issues).toEqual([]);
  });

  it('unmappable rows are left out with MALFORMED_RECORD and a position; the rest is served', () => {
    const issues: RecordIssue[] = [];
    const ok = {
      ASIAKKUUS_ID: 1,
      ASIAKAS_ID: 12,
      PALVELUTEHTAVA_ID: 1,
      YKSIKKO_NIMI: null,
      TYONTEKIJA_NIMI: null,
      ALKAA: '2024-01-01',
      PAATTYY: null,
      SALAINEN: null,
    };
    const out = mapCustomerships(
      LOV,
      '434',
      [
        ok,
        { ...ok, ASIAKKUUS_ID: 2, PALVELUTEHTAVA_ID: 8 },
        { ...ok, ASIAKKUUS_ID: 3, ALKAA: null },
        { ...ok, ASIAKKUUS_ID: 4, SALAINEN: 2 },
        { ...ok, ASIAKKUUS_ID: 'x' },
      ],
      issues,
    );
    expect(out.map((c) => c.source.localId)).toEqual(['1']);
    expect(out[0]).not.toHaveProperty('unit');
    expect(issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: LOV,
        position: 'V_ASIAKKUUS ASIAKKUUS_ID=2',
        reason: 'expected PALVELUTEHTAVA_ID 1 to 7, received another number',
      },
      { code: 'MALFORMED_RECORD', source: LOV, position: 'V_ASIAKKUUS ASIAKKUUS_ID=3', reason: 'expected ALKAA, received NULL' },
      {
        code: 'MALFORMED_RECORD',
        source: LOV,
        position: 'V_ASIAKKUUS ASIAKKUUS_ID=4',
        reason: 'expected SALAINEN as 0 or 1, received another number',
      },
      {
        code: 'MALFORMED_RECORD',
        source: LOV,
        position: 'V_ASIAKKUUS ASIAKKUUS_ID=?',
        reason: 'expected ASIAKKUUS_ID as an integer, received a value of another type',
      },
    ]);
  });

  it('V_PAATOS: MYONTEINEN 1 granted, 0 refused, anything else malformed', () => {
    const issues: RecordIssue[] = [];
    const row = {
      PAATOS_ID: 201,
      ASIAKKUUS_ID: 101,
      ASIAKAS_ID: 12,
      PALVELU: 'Kotihoito',
      PAATOSPVM: '2024-01-10',
      ALKAA: '2024-01-15',
      PAATTYY: null,
      MYONTEINEN: 1,
    };
    const out = mapDecisions(
      LOV,
      '434',
      [row, { ...row, PAATOS_ID: 202, PAATTYY: '2025-12-31', MYONTEINEN: 0 }, { ...row, PAATOS_ID: 203, MYONTEINEN: 2 }],
      issues,
    );
    expect(out).toEqual([
      {
        customershipId: '101',
        service: 'Kotihoito',
        decisionDate: '2024-01-10',
        validFrom: '2024-01-15',
        outcome: 'GRANTED',
        source: src('201'),
      },
      {
        customershipId: '101',
        service: 'Kotihoito',
        decisionDate: '2024-01-10',
        validFrom: '2024-01-15',
        validTo: '2025-12-31',
        outcome: 'REFUSED',
        source: src('202'),
      },
    ]);
    expect(issues.map((i) => i.position)).toEqual(['V_PAATOS PAATOS_ID=203']);
  });

  it('V_SUUNNITELMA: the two plan types; others malformed', () => {
    const issues: RecordIssue[] = [];
    const row = {
      SUUNNITELMA_ID: 301,
      ASIAKKUUS_ID: 101,
      ASIAKAS_ID: 12,
      TYYPPI: 'Asiakassuunnitelma',
      LAADITTU: '2024-01-20',
      TARKISTETAAN: '2025-01-20',
      LAATIJA: 'Sari Salo',
    };
    const out = mapPlans(
      LOV,
      '434',
      [
        row,
        { ...row, SUUNNITELMA_ID: 302, TYYPPI: 'Palvelusuunnitelma', TARKISTETAAN: null, LAATIJA: null },
        { ...row, SUUNNITELMA_ID: 303, TYYPPI: 'ASIAKASSUUNNITELMA' },
      ],
      issues,
    );
    expect(out).toEqual([
      {
        careArea: 'SOCIAL',
        type: 'CLIENT_PLAN',
        startDate: '2024-01-20',
        reviewDate: '2025-01-20',
        responsible: 'Sari Salo',
        customershipId: '101',
        source: src('301'),
      },
      { careArea: 'SOCIAL', type: 'SERVICE_PLAN', startDate: '2024-01-20', customershipId: '101', source: src('302') },
    ]);
    expect(issues.map((i) => i.position)).toEqual(['V_SUUNNITELMA SUUNNITELMA_ID=303']);
  });

  it('V_MAKSU: SUMMA_SNT is integer cents as is (no decimals), KATTOON, TILA A/M/X', () => {
    const issues: RecordIssue[] = [];
    const row = {
      MAKSU_ID: 401,
      ASIAKAS_ID: 12,
      PVM: '2025-02-01',
      SELITE: 'Kotihoidon asiakasmaksu',
      SUMMA_SNT: 2060,
      KATTOON: 1,
      TILA: 'A',
    };
    const out = mapFees(
      LOV,
      '434',
      [
        row,
        { ...row, MAKSU_ID: 402, SUMMA_SNT: 1234567, KATTOON: 0, TILA: 'M' },
        { ...row, MAKSU_ID: 403, SUMMA_SNT: -500, KATTOON: null, TILA: 'X' },
        { ...row, MAKSU_ID: 404, SUMMA_SNT: '20.60' },
        { ...row, MAKSU_ID: 405, TILA: 'P' },
      ],
      issues,
    );
    expect(out[0]).toEqual({
      careArea: 'SOCIAL',
      register: 'SOCIAL',
      date: '2025-02-01',
      description: 'Kotihoidon asiakasmaksu',
      amountCents: 2060,
      accruesToCeiling: true,
      status: 'OPEN',
      source: src('401'),
    });
    expect(out.map((f) => [f.amountCents, f.accruesToCeiling, f.status])).toEqual([
      [2060, true, 'OPEN'],
      [1234567, false, 'PAID'],
      [-500, false, 'VOIDED'],
    ]);
    expect(issues.map((i) => [i.position, i.reason])).toEqual([
      ['V_MAKSU MAKSU_ID=404', 'expected SUMMA_SNT as an integer, received a value of another type'],
      ['V_MAKSU MAKSU_ID=405', 'expected TILA A, M or X, received another value'],
    ]);
  });

  it('V_SUOSTUMUS: the four types, in force while PERUTTU is NULL', () => {
    const issues: RecordIssue[] = [];
    const out = mapConsents(
      LOV,
      '434',
      [
        { SUOSTUMUS_ID: 501, ASIAKAS_ID: 12, TYYPPI: 'LUOVUTUS_TERVEYDENHUOLTOON', ANNETTU: '2024-01-15', PERUTTU: null },
        { SUOSTUMUS_ID: 502, ASIAKAS_ID: 12, TYYPPI: 'KIELTO_HUOLTAJALLE', ANNETTU: '2023-01-01', PERUTTU: '2024-06-30' },
        { SUOSTUMUS_ID: 503, ASIAKAS_ID: 12, TYYPPI: 'LUOVUTUS', ANNETTU: '2023-01-01', PERUTTU: null },
        { SUOSTUMUS_ID: 504, ASIAKAS_ID: 12, TYYPPI: 'KIELTO_KANTA', ANNETTU: '2023-02-30', PERUTTU: null },
      ],
      issues,
    );
    expect(out).toEqual([
      { type: 'LUOVUTUS_TERVEYDENHUOLTOON', givenOn: '2024-01-15', source: src('501') },
      { type: 'KIELTO_HUOLTAJALLE', givenOn: '2023-01-01', withdrawnOn: '2024-06-30', source: src('502') },
    ]);
    expect(issues.map((i) => i.reason)).toEqual([
      'expected TYYPPI to be a known consent type, received another value',
      'expected ANNETTU as YYYY-MM-DD, received a value of another form',
    ]);
  });
});

describe('legacy identity codes', () => {
  const register = new Map<string, string | null>([
    ['150180-911H', 'MÄKINEN'],
    ['030301A9143', 'Nieminen'],
    ['030301-9143', 'Nieminen'],
    ['201147-921L', 'Laine'],
    ['201147V921L', 'Lehtinen'],
  ]);

  it('canonical, lower case and spaces link without the register; reasons hold no code', () => {
    expect(linkRow('131052-9085', 'Virtanen', 'none')).toEqual({ kind: 'valid', hetu: '131052-9085' });
    const lower = linkRow('010594y9021', 'Åberg', 'none');
    expect(lower).toEqual({
      kind: 'normalised',
      hetu: '010594Y9021',
      reason: 'expected HETU in canonical form, received it in lower case; read it upper-cased without spaces',
    });
    expect(linkRow(' 020516 c903k ', 'Korhonen', 'none')).toMatchObject({
      kind: 'normalised',
      hetu: '020516C903K',
      reason: 'expected HETU in canonical form, received it with spaces and in lower case; read it upper-cased without spaces',
    });
  });

  it('a sign-less code links when exactly one register person has a candidate code and the surname (any case)', () => {
    const link = linkRow('150180911H', 'Mäkinen', register);
    expect(link).toMatchObject({ kind: 'normalised', hetu: '150180-911H' });
    expect((link as { reason: string }).reason).not.toMatch(/\d{6}/);
    // Two persons share the digits but only one has the row's surname: that one fits.
    expect(linkRow('201147921L', 'lehtinen', register)).toMatchObject({ kind: 'normalised', hetu: '201147V921L' });
  });

  it('ambiguous, surname mismatch, unknown, no register or a failing register: unlinked', () => {
    expect(linkRow('0303019143', 'Nieminen', register)).toMatchObject({
      kind: 'unlinked',
      reason:
        'expected HETU with a century sign, received one without it, and 2 population-register persons fit, so it is attached to no one',
    });
    expect(linkRow('150180911H', 'Virtanen', register)).toMatchObject({
      kind: 'unlinked',
      reason:
        'expected HETU with a century sign, received one without it, and no population-register person with a code it could be has the same surname, so it is attached to no one',
    });
    expect(linkRow('060666933U', 'Kuka', register)).toMatchObject({ kind: 'unlinked' });
    expect(linkRow('150180911H', 'Mäkinen', 'none')).toMatchObject({ kind: 'unlinked' });
    expect(linkRow('150180911H', 'Mäkinen', 'failed')).toMatchObject({ kind: 'unlinked' });
    const u = linkRow('150180911H', 'Mäkinen', 'none');
    expect(u.kind === 'unlinked' && u.candidates).toContain('150180-911H');
  });

  it('NULL, empty and invalid values', () => {
    expect(linkRow(null, 'X', 'none')).toEqual({ kind: 'missing' });
    expect(linkRow('  ', 'X', 'none')).toEqual({ kind: 'missing' });
    expect(linkRow('060666-933V', 'X', 'none')).toEqual({
      kind: 'invalid',
      reason: 'expected HETU as a personal identity code, received one where the check character does not match',
    });
    expect(linkRow(12345, 'X', 'none')).toMatchObject({ kind: 'invalid' });
  });

  it('collects candidates of sign-less values only, each once; surnames compare case- and Unicode-insensitively', () => {
    const c = signlessCandidates(['150180911H', '150180 911h', '131052-9085', null]);
    expect(c).toContain('150180-911H');
    expect(c).toContain('150180A911H');
    expect(new Set(c).size).toBe(c.length);
    expect(c.every((code) => code.startsWith('150180'))).toBe(true);
    expect(sameSurname('ÅBERG', ' åberg ')).toBe(true);
    expect(sameSurname('A\u0308ijälä', 'Äijälä')).toBe(true);
    expect(sameSurname('Laine', 'Lehtinen')).toBe(false);
  });
});

describe('SQL', () => {
  it('finds legacy forms by comparing the cleaned HETU with each code and the code without its sign', () => {
    expect(keysFor(['010594Y9021', '131052-9085'])).toEqual(['010594Y9021', '0105949021', '131052-9085', '1310529085']);
    expect(SELECT_ASIAKAS).toBe(
      `SELECT "ASIAKAS_ID", "HETU", "SUKUNIMI", "ETUNIMET", "KUNTA_KOODI", "KIELI_KOODI", "LAHIOSOITE", "POSTINUMERO", "POSTITOIMIPAIKKA", "TURVAKIELTO", to_char("MUUTETTU", 'YYYY-MM-DD HH24:MI:SS') AS "MUUTETTU" FROM "V_ASIAKAS" WHERE upper(regexp_replace("HETU", '\\s', '', 'g')) = ANY($1::text[]) ORDER BY "ASIAKAS_ID"`,
    );
    expect(SELECT_CHANGED).toMatch(/^SELECT /);
  });
});
