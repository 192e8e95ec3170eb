import { describe, expect, it } from 'vitest';
import { readChangedPage, readClientAnswer } from './map.ts';
import type { EfficaHttpAnswer } from './format.ts';

const HETU = '131052-9085';
const CHILD = '020516A934K';

/** The answer as Effica sends it: ISO-8859-1 bytes. */
function latin1(body: string, status = 200, contentType = 'text/xml; charset=ISO-8859-1'): EfficaHttpAnswer {
  return { status, contentType, body: Buffer.from(body, 'latin1') };
}

const DECL = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';

const FULL =
  DECL +
  '<ASIAKAS MUUTETTU="20251026033015">' +
  `<HETU>${HETU}</HETU><SUKUNIMI>Hämäläinen-Åström</SUKUNIMI><ETUNIMET>Jörö Äänis</ETUNIMET>` +
  '<KUNTA>638</KUNTA><KIELI>SV</KIELI><OSOITE>Mannerheimvägen 4 B 12</OSOITE><POSTINRO>06100</POSTINRO><TOIMIPAIKKA>Borgå</TOIMIPAIKKA>' +
  '<TURVAKIELTO>K</TURVAKIELTO>' +
  '<ASIAKKUUDET>' +
  '<ASIAKKUUS><ASIAKKUUSNRO>1000</ASIAKKUUSNRO><PALVELUTEHTAVA>VANH</PALVELUTEHTAVA><PALVELU>Säännöllinen kotihoito</PALVELU>' +
  '<YKSIKKO>Porvoo Kotihoito Näsinmäki</YKSIKKO><VASTUUTYONTEKIJA>Päivi Öhman</VASTUUTYONTEKIJA><ALKUPVM>01.02.2024</ALKUPVM><LOPPUPVM></LOPPUPVM><SALASSA>E</SALASSA></ASIAKKUUS>' +
  '<ASIAKKUUS><ASIAKKUUSNRO>1001</ASIAKKUUSNRO><PALVELUTEHTAVA>LSU</PALVELUTEHTAVA><PALVELU>Avohuollon tukitoimi</PALVELU>' +
  '<YKSIKKO></YKSIKKO><VASTUUTYONTEKIJA></VASTUUTYONTEKIJA><ALKUPVM>15.03.2023</ALKUPVM><LOPPUPVM>31.12.2024</LOPPUPVM><SALASSA>K</SALASSA></ASIAKKUUS>' +
  '</ASIAKKUUDET>' +
  '<PAATOKSET>' +
  '<PAATOS><PAATOSNRO>2000</PAATOSNRO><ASIAKKUUSNRO>1000</ASIAKKUUSNRO><PALVELU>Omaishoidon tuki</PALVELU><PAATOSPVM>05.02.2024</PAATOSPVM>' +
  '<VOIMASSA_ALKAEN>06.02.2024</VOIMASSA_ALKAEN><VOIMASSA_ASTI></VOIMASSA_ASTI><RATKAISU>MYONTEINEN</RATKAISU></PAATOS>' +
  '<PAATOS><PAATOSNRO>2001</PAATOSNRO><ASIAKKUUSNRO>1001</ASIAKKUUSNRO><PALVELU>Tukihenkilö</PALVELU><PAATOSPVM>20.03.2023</PAATOSPVM>' +
  '<VOIMASSA_ALKAEN>21.03.2023</VOIMASSA_ALKAEN><VOIMASSA_ASTI>20.03.2024</VOIMASSA_ASTI><RATKAISU>KIELTEINEN</RATKAISU></PAATOS>' +
  '</PAATOKSET>' +
  '<SUUNNITELMAT>' +
  '<SUUNNITELMA><NRO>3000</NRO><ASIAKKUUSNRO>1000</ASIAKKUUSNRO><TYYPPI>ASIAKASSUUNNITELMA</TYYPPI><LAADITTU>10.02.2024</LAADITTU><TARKISTETAAN>10.08.2024</TARKISTETAAN><LAATIJA>Päivi Öhman</LAATIJA></SUUNNITELMA>' +
  '<SUUNNITELMA><NRO>3001</NRO><ASIAKKUUSNRO>1001</ASIAKKUUSNRO><TYYPPI>PALVELUSUUNNITELMA</TYYPPI><LAADITTU>01.04.2023</LAADITTU><TARKISTETAAN></TARKISTETAAN><LAATIJA></LAATIJA></SUUNNITELMA>' +
  '</SUUNNITELMAT>' +
  '<MAKSUT>' +
  '<MAKSU><LASKUNRO>4000</LASKUNRO><PVM>31.01.2025</PVM><SELITE>Kotihoidon asiakasmaksu</SELITE><SUMMA>123,75</SUMMA><MAKSUKATTO>K</MAKSUKATTO><TILA>AVOIN</TILA></MAKSU>' +
  '<MAKSU><LASKUNRO>4001</LASKUNRO><PVM>28.02.2025</PVM><SELITE>Ateriapalvelu</SELITE><SUMMA>0,5</SUMMA><MAKSUKATTO>E</MAKSUKATTO><TILA>MAKSETTU</TILA></MAKSU>' +
  '<MAKSU><LASKUNRO>4002</LASKUNRO><PVM>31.03.2025</PVM><SELITE></SELITE><SUMMA>40,00</SUMMA><MAKSUKATTO>K</MAKSUKATTO><TILA>MITATOITY</TILA></MAKSU>' +
  '</MAKSUT>' +
  '<SUOSTUMUKSET>' +
  '<SUOSTUMUS><NRO>5000</NRO><TYYPPI>LUOVUTUS_TERVEYDENHUOLTOON</TYYPPI><ANNETTU>01.02.2024</ANNETTU><PERUTTU></PERUTTU></SUOSTUMUS>' +
  '<SUOSTUMUS><NRO>5001</NRO><TYYPPI>LUOVUTUS_SOSIAALIHUOLTOON</TYYPPI><ANNETTU>01.02.2024</ANNETTU><PERUTTU>15.02.2024</PERUTTU></SUOSTUMUS>' +
  '<SUOSTUMUS><NRO>5002</NRO><TYYPPI>KIELTO_KANTA</TYYPPI><ANNETTU>02.02.2024</ANNETTU><PERUTTU/></SUOSTUMUS>' +
  '<SUOSTUMUS><NRO>5003</NRO><TYYPPI>KIELTO_HUOLTAJALLE</TYYPPI><ANNETTU>03.02.2024</ANNETTU><PERUTTU/></SUOSTUMUS>' +
  '</SUOSTUMUKSET>' +
  '</ASIAKAS>\n';

const prov = (localId: string) => ({ instance: 'effica-porvoo', product: 'effica', municipality: '638', localId });

describe('readClientAnswer: an ISO-8859-1 ASIAKAS', () => {
  it('decodes ä, ö and å as ISO-8859-1 (the bytes are Latin-1, which UTF-8 decoding would corrupt)', () => {
    const answer = latin1(FULL);
    const bytes = Buffer.from(answer.body);
    // ä is the single byte E4 on the wire …
    expect(bytes.includes(Buffer.from([0x48, 0xe4, 0x6d, 0xe4]))).toBe(true);
    // … which a UTF-8 reader turns into replacement characters.
    expect(bytes.toString('utf8')).not.toContain('Hämäläinen');
    expect(bytes.toString('utf8')).toContain('\uFFFD');
    const r = readClientAnswer(answer, 'effica-porvoo', HETU);
    expect(r.kind).toBe('read');
    if (r.kind !== 'read') return;
    expect(r.read.records.person?.surname).toBe('Hämäläinen-Åström');
    expect(r.read.records.person?.firstNames).toBe('Jörö Äänis');
    expect(JSON.stringify(r.read.records)).not.toContain('\uFFFD');
  });

  it('maps every field of the client, customerships, decisions, plans, fees and consents', () => {
    const r = readClientAnswer(latin1(FULL), 'effica-porvoo', HETU);
    if (r.kind !== 'read') throw new Error(r.kind);
    expect(r.read.issues).toEqual([]);
    expect(r.read.records).toEqual({
      hetu: HETU,
      instance: 'effica-porvoo',
      person: {
        hetu: HETU,
        surname: 'Hämäläinen-Åström',
        firstNames: 'Jörö Äänis',
        municipality: '638',
        language: 'sv',
        address: { street: 'Mannerheimvägen 4 B 12', postalCode: '06100', city: 'Borgå' },
        turvakielto: true,
        // 03:30:15 on 26 October 2025 happens twice; it reads as summer time.
        changedAt: '2025-10-26T03:30:15+03:00',
        source: prov(HETU),
      },
      customerships: [
        {
          careArea: 'SOCIAL',
          serviceTask: 'OLDER_PEOPLE',
          service: 'Säännöllinen kotihoito',
          unit: 'Porvoo Kotihoito Näsinmäki',
          responsibleWorker: 'Päivi Öhman',
          startDate: '2024-02-01',
          extraSensitive: false,
          source: prov('1000'),
        },
        {
          careArea: 'SOCIAL',
          serviceTask: 'CHILD_WELFARE',
          service: 'Avohuollon tukitoimi',
          startDate: '2023-03-15',
          endDate: '2024-12-31',
          extraSensitive: true,
          source: prov('1001'),
        },
      ],
      decisions: [
        {
          customershipId: '1000',
          service: 'Omaishoidon tuki',
          decisionDate: '2024-02-05',
          validFrom: '2024-02-06',
          outcome: 'GRANTED',
          source: prov('2000'),
        },
        {
          customershipId: '1001',
          service: 'Tukihenkilö',
          decisionDate: '2023-03-20',
          validFrom: '2023-03-21',
          validTo: '2024-03-20',
          outcome: 'REFUSED',
          source: prov('2001'),
        },
      ],
      plans: [
        {
          careArea: 'SOCIAL',
          type: 'CLIENT_PLAN',
          startDate: '2024-02-10',
          reviewDate: '2024-08-10',
          responsible: 'Päivi Öhman',
          customershipId: '1000',
          source: prov('3000'),
        },
        { careArea: 'SOCIAL', type: 'SERVICE_PLAN', startDate: '2023-04-01', customershipId: '1001', source: prov('3001') },
      ],
      appointments: [],
      fees: [
        {
          careArea: 'SOCIAL',
          register: 'SOCIAL',
          date: '2025-01-31',
          description: 'Kotihoidon asiakasmaksu',
          amountCents: 12375,
          accruesToCeiling: true,
          status: 'OPEN',
          source: prov('4000'),
        },
        {
          careArea: 'SOCIAL',
          register: 'SOCIAL',
          date: '2025-02-28',
          description: 'Ateriapalvelu',
          amountCents: 50,
          accruesToCeiling: false,
          status: 'PAID',
          source: prov('4001'),
        },
        {
          careArea: 'SOCIAL',
          register: 'SOCIAL',
          date: '2025-03-31',
          description: '',
          amountCents: 4000,
          accruesToCeiling: true,
          status: 'VOIDED',
          source: prov('4002'),
        },
      ],
      consents: [
        { type: 'LUOVUTUS_TERVEYDENHUOLTOON', givenOn: '2024-02-01', source: prov('5000') },
        { type: 'LUOVUTUS_SOSIAALIHUOLTOON', givenOn: '2024-02-01', withdrawnOn: '2024-02-15', source: prov('5001') },
        { type: 'KIELTO_KANTA', givenOn: '2024-02-02', source: prov('5002') },
        { type: 'KIELTO_HUOLTAJALLE', givenOn: '2024-02-03', source: prov('5003') },
      ],
    });
    // No birth date, sex or phone in Effica: absent, not undefined.
    expect(Object.keys(r.read.records.person!)).not.toContain('birthDate');
    expect(Object.keys(r.read.records.customerships[0]!)).not.toContain('endDate');
  });

  it('maps every PALVELUTEHTAVA code', () => {
    const codes = {
      VANH: 'OLDER_PEOPLE',
      VAMM: 'DISABILITY',
      LAPE: 'FAMILIES',
      LSU: 'CHILD_WELFARE',
      AIKS: 'ADULT_SOCIAL_WORK',
      PAIH: 'SUBSTANCE_ABUSE',
      PEOI: 'FAMILY_LAW',
    };
    const items = Object.keys(codes)
      .map(
        (c, i) =>
          `<ASIAKKUUS><ASIAKKUUSNRO>${i}</ASIAKKUUSNRO><PALVELUTEHTAVA>${c}</PALVELUTEHTAVA><ALKUPVM>01.01.2024</ALKUPVM><SALASSA>E</SALASSA></ASIAKKUUS>`,
      )
      .join('');
    const doc = `${DECL}<ASIAKAS><HETU>${HETU}</HETU><SUKUNIMI>Virtanen</SUKUNIMI><TURVAKIELTO>E</TURVAKIELTO><ASIAKKUUDET>${items}</ASIAKKUUDET></ASIAKAS>`;
    const r = readClientAnswer(latin1(doc), 'effica-porvoo', HETU);
    if (r.kind !== 'read') throw new Error(r.kind);
    expect(r.read.records.customerships.map((c) => c.serviceTask)).toEqual(Object.values(codes));
  });

  it('one fee with a bad date is a MALFORMED_RECORD at ASIAKAS/MAKSUT/MAKSU[2]; the rest is served', () => {
    const doc = FULL.replace('<PVM>28.02.2025</PVM>', '<PVM>2025-02-28</PVM>');
    const r = readClientAnswer(latin1(doc), 'effica-porvoo', HETU);
    if (r.kind !== 'read') throw new Error(r.kind);
    expect(r.read.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'effica-porvoo',
        position: 'ASIAKAS/MAKSUT/MAKSU[2]',
        reason: 'expected PVM as DD.MM.YYYY, received a value of another form',
      },
    ]);
    expect(r.read.records.fees.map((f) => f.source.localId)).toEqual(['4000', '4002']);
    expect(r.read.records.customerships).toHaveLength(2);
    expect(r.read.records.consents).toHaveLength(4);
  });

  it('a date that is not on the calendar, an amount with a decimal point and unknown codes are malformed records', () => {
    const doc = FULL.replace('<ALKUPVM>01.02.2024</ALKUPVM>', '<ALKUPVM>30.02.2024</ALKUPVM>')
      .replace('<SUMMA>123,75</SUMMA>', '<SUMMA>123.75</SUMMA>')
      .replace('<RATKAISU>KIELTEINEN</RATKAISU>', '<RATKAISU>HYLATTY</RATKAISU>')
      .replace('<TYYPPI>PALVELUSUUNNITELMA</TYYPPI>', '<TYYPPI>HOITOSUUNNITELMA</TYYPPI>')
      .replace('<TILA>MITATOITY</TILA>', '<TILA>PERUTTU</TILA>')
      .replace('<TYYPPI>KIELTO_KANTA</TYYPPI>', '<TYYPPI>KIELTO_MUU</TYYPPI>')
      .replace('<MAKSUKATTO>E</MAKSUKATTO>', '<MAKSUKATTO>X</MAKSUKATTO>');
    const r = readClientAnswer(latin1(doc), 'effica-porvoo', HETU);
    if (r.kind !== 'read') throw new Error(r.kind);
    expect(r.read.issues.map((i) => [i.code, i.position])).toEqual([
      ['MALFORMED_RECORD', 'ASIAKAS/ASIAKKUUDET/ASIAKKUUS[1]'],
      ['MALFORMED_RECORD', 'ASIAKAS/PAATOKSET/PAATOS[2]'],
      ['MALFORMED_RECORD', 'ASIAKAS/SUUNNITELMAT/SUUNNITELMA[2]'],
      ['MALFORMED_RECORD', 'ASIAKAS/MAKSUT/MAKSU[1]'],
      ['MALFORMED_RECORD', 'ASIAKAS/MAKSUT/MAKSU[2]'],
      ['MALFORMED_RECORD', 'ASIAKAS/MAKSUT/MAKSU[3]'],
      ['MALFORMED_RECORD', 'ASIAKAS/SUOSTUMUKSET/SUOSTUMUS[3]'],
    ]);
    expect(r.read.issues[3]!.reason).toBe('expected SUMMA as euros with a decimal comma, received a value of another form');
    expect(r.read.records.fees).toEqual([]);
    for (const i of r.read.issues) expect(i.reason).not.toMatch(/Hämäläinen|Öhman|\d{6}[-+A-FU-Y]\d{3}/);
  });

  it('MUUTETTU in the hour skipped in March is an issue; the client is served without changedAt', () => {
    const doc = FULL.replace('MUUTETTU="20251026033015"', 'MUUTETTU="20250330033000"');
    const r = readClientAnswer(latin1(doc), 'effica-porvoo', HETU);
    if (r.kind !== 'read') throw new Error(r.kind);
    expect(r.read.issues.map((i) => [i.code, i.position])).toEqual([['MALFORMED_RECORD', 'ASIAKAS/@MUUTETTU']]);
    expect(r.read.records.person?.surname).toBe('Hämäläinen-Åström');
    expect('changedAt' in r.read.records.person!).toBe(false);
  });

  it('reads a winter MUUTETTU with +02:00', () => {
    const doc = FULL.replace('MUUTETTU="20251026033015"', 'MUUTETTU="20260115081500"');
    const r = readClientAnswer(latin1(doc), 'effica-porvoo', HETU);
    expect(r.kind === 'read' && r.read.records.person?.changedAt).toBe('2026-01-15T08:15:00+02:00');
  });

  it('TURVAKIELTO E, KIELI FI, a code-less KIELI and an unreadable TURVAKIELTO (read as in force)', () => {
    const base = `${DECL}<ASIAKAS><HETU>${HETU}</HETU><SUKUNIMI>Virtanen</SUKUNIMI><ETUNIMET>Aino</ETUNIMET>`;
    const a = readClientAnswer(latin1(`${base}<KIELI>FI</KIELI><TURVAKIELTO>E</TURVAKIELTO></ASIAKAS>`), 'effica-porvoo', HETU);
    expect(a.kind === 'read' && a.read.records.person).toMatchObject({ language: 'fi', turvakielto: false });
    const b = readClientAnswer(latin1(`${base}<KIELI>MUU</KIELI><TURVAKIELTO>?</TURVAKIELTO></ASIAKAS>`), 'effica-porvoo', HETU);
    if (b.kind !== 'read') throw new Error(b.kind);
    expect(b.read.records.person?.turvakielto).toBe(true);
    expect('language' in b.read.records.person!).toBe(false);
    expect(b.read.issues.map((i) => [i.code, i.position, i.unmapped])).toEqual([
      ['UNMAPPED_CODE', 'ASIAKAS/KIELI', { field: 'ASIAKAS/KIELI', value: 'MUU' }],
      ['UNMAPPED_CODE', 'ASIAKAS/TURVAKIELTO', { field: 'ASIAKAS/TURVAKIELTO', value: '?' }],
    ]);
  });

  it('a shared instance: KUNTA 616 → municipality 616; a KUNTA it does not serve → its first, with an issue', () => {
    const doc = (kunta: string) =>
      `${DECL}<ASIAKAS><HETU>${CHILD}</HETU><SUKUNIMI>Virtanen</SUKUNIMI><KUNTA>${kunta}</KUNTA><TURVAKIELTO>E</TURVAKIELTO>` +
      '<SUOSTUMUKSET><SUOSTUMUS><NRO>7</NRO><TYYPPI>KIELTO_HUOLTAJALLE</TYYPPI><ANNETTU>01.01.2026</ANNETTU></SUOSTUMUS></SUOSTUMUKSET></ASIAKAS>';
    const a = readClientAnswer(latin1(doc('616')), 'effica-phhyky', CHILD);
    if (a.kind !== 'read') throw new Error(a.kind);
    expect(a.read.records.consents[0]!.source.municipality).toBe('616');
    expect(a.read.records.person!.source).toEqual({ instance: 'effica-phhyky', product: 'effica', municipality: '616', localId: CHILD });
    const b = readClientAnswer(latin1(doc('638')), 'effica-phhyky', CHILD);
    if (b.kind !== 'read') throw new Error(b.kind);
    expect(b.read.records.consents[0]!.source.municipality).toBe('504');
    expect(b.read.records.person!.municipality).toBe('638');
    expect(b.read.issues.map((i) => i.code)).toEqual(['MUNICIPALITY_OUTSIDE_INSTANCE']);
  });

  it('an ASIAKAS of another code than the one asked is refused', () => {
    expect(readClientAnswer(latin1(FULL), 'effica-porvoo', CHILD)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });
});

describe('readClientAnswer: errors and the maintenance page', () => {
  it('404 VIRHE EI_LOYDY is "no such client"', () => {
    const body = `${DECL}<VIRHE><KOODI>EI_LOYDY</KOODI><TEKSTI>Asiakasta ei löydy</TEKSTI></VIRHE>\n`;
    expect(readClientAnswer(latin1(body, 404), 'effica-porvoo', HETU)).toEqual({ kind: 'notFound' });
  });

  it('a 404 that is not a VIRHE (a wrong base URL) is SOURCE_ERROR, not "no such client"', () => {
    expect(readClientAnswer(latin1('<html><body>Not Found</body></html>', 404, 'text/html'), 'effica-porvoo', HETU)).toMatchObject({
      kind: 'error',
      code: 'SOURCE_ERROR',
    });
  });

  it('400 VIRHEELLINEN_PYYNTO is a refused identity code', () => {
    const body = `${DECL}<VIRHE><KOODI>VIRHEELLINEN_PYYNTO</KOODI><TEKSTI>Virheellinen henkilötunnus</TEKSTI></VIRHE>\n`;
    expect(readClientAnswer(latin1(body, 400), 'effica-porvoo', HETU)).toMatchObject({ kind: 'error', code: 'INVALID_IDENTITY_CODE' });
  });

  it('503 with the HTML maintenance page is SOURCE_UNAVAILABLE, not a parse error', () => {
    const page =
      '<!DOCTYPE html>\n<html lang="fi"><head><title>Huoltokatko</title></head><body><h1>Palvelu on tilapäisesti poissa käytöstä</h1><br></body></html>';
    const r = readClientAnswer(latin1(page, 503, 'text/html; charset=ISO-8859-1'), 'effica-porvoo', HETU);
    expect(r).toEqual({
      kind: 'error',
      code: 'SOURCE_UNAVAILABLE',
      reason: 'expected an ASIAKAS document, received HTTP 503 with an HTML maintenance page (service down)',
    });
  });

  it('an HTML page with status 200 is a malformed response', () => {
    expect(readClientAnswer(latin1('<html><body>ok</body></html>', 200, 'text/html'), 'effica-porvoo', HETU)).toMatchObject({
      code: 'MALFORMED_RESPONSE',
    });
  });
});

describe('readClientAnswer: hostile and broken bodies → MALFORMED_RESPONSE, no crash', () => {
  const read = (body: string | Buffer) =>
    readClientAnswer(typeof body === 'string' ? latin1(body) : { status: 200, body }, 'effica-porvoo', HETU);

  it('a truncated body', () => {
    expect(read(FULL.slice(0, Math.floor(FULL.length / 2)))).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a body declaring UTF-8 whose bytes are Latin-1', () => {
    expect(read(FULL.replace('ISO-8859-1', 'UTF-8'))).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a body declaring UTF-8 in UTF-8 is read correctly', () => {
    const r = read(Buffer.from(FULL.replace('ISO-8859-1', 'UTF-8'), 'utf8'));
    expect(r.kind === 'read' && r.read.records.person?.surname).toBe('Hämäläinen-Åström');
  });

  it('a DOCTYPE with an external entity', () => {
    const xxe = `${DECL}<!DOCTYPE ASIAKAS [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ASIAKAS><HETU>${HETU}</HETU><SUKUNIMI>&xxe;</SUKUNIMI></ASIAKAS>`;
    const r = read(xxe);
    expect(r).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('entity expansion (billion laughs)', () => {
    const entities = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const lol = `${DECL}<!DOCTYPE ASIAKAS [<!ENTITY lol0 "lol">${entities}]><ASIAKAS><HETU>${HETU}</HETU><SUKUNIMI>&lol9;</SUKUNIMI></ASIAKAS>`;
    const started = Date.now();
    expect(read(lol)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('deep nesting', () => {
    const deep = `${DECL}<ASIAKAS><HETU>${HETU}</HETU>${'<X>'.repeat(10_000)}${'</X>'.repeat(10_000)}</ASIAKAS>`;
    expect(read(deep)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a __proto__ element', () => {
    const doc = FULL.replace('<KUNTA>638</KUNTA>', '<__proto__><polluted>yes</polluted></__proto__><KUNTA>638</KUNTA>');
    const r = read(doc);
    expect(r.kind).toBe('error');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an empty body, and a document of another root', () => {
    expect(read('')).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(read(`${DECL}<MUUTTUNEET SIVU="1" SIVUJA="1"/>`)).toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });
});

describe('readChangedPage', () => {
  it('lists valid codes and reports invalid ones by position, without the code', () => {
    const body = `${DECL}<MUUTTUNEET SIVU="2" SIVUJA="3"><HETU>${HETU}</HETU><HETU>131052-9086</HETU><HETU>${CHILD}</HETU><HETU></HETU></MUUTTUNEET>\n`;
    const r = readChangedPage(latin1(body), 'effica-porvoo', 2);
    expect(r).toEqual({
      kind: 'page',
      sivu: 2,
      sivuja: 3,
      persons: [{ hetu: HETU }, { hetu: CHILD }],
      issues: [
        {
          code: 'INVALID_IDENTITY_CODE',
          source: 'effica-porvoo',
          position: 'muuttuneet sivu 2 HETU[2]',
          reason: 'expected a valid identity code, received one where the check character does not match',
        },
        {
          code: 'INVALID_IDENTITY_CODE',
          source: 'effica-porvoo',
          position: 'muuttuneet sivu 2 HETU[4]',
          reason: 'expected a valid identity code, received one where expected DDMMYY, a century sign, three digits and a check character',
        },
      ],
    });
  });

  it('a single HETU and an empty page', () => {
    expect(
      readChangedPage(latin1(`${DECL}<MUUTTUNEET SIVU="1" SIVUJA="1"><HETU>${HETU}</HETU></MUUTTUNEET>`), 'effica-porvoo', 1),
    ).toMatchObject({ persons: [{ hetu: HETU }] });
    expect(readChangedPage(latin1(`${DECL}<MUUTTUNEET SIVU="1" SIVUJA="1"></MUUTTUNEET>`), 'effica-porvoo', 1)).toMatchObject({
      persons: [],
      sivuja: 1,
    });
  });

  it('another page than the one asked, or no page numbers, is malformed; the 503 page is unavailable', () => {
    expect(readChangedPage(latin1(`${DECL}<MUUTTUNEET SIVU="1" SIVUJA="3"></MUUTTUNEET>`), 'effica-porvoo', 2)).toMatchObject({
      code: 'MALFORMED_RESPONSE',
    });
    expect(readChangedPage(latin1(`${DECL}<MUUTTUNEET></MUUTTUNEET>`), 'effica-porvoo', 1)).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(readChangedPage(latin1('<html></html>', 503, 'text/html'), 'effica-porvoo', 1)).toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});
