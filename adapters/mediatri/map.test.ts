import { describe, expect, it } from 'vitest';
import { AdapterError, emptyRecords } from '../../domain/index.ts';
import type { PersonRead } from '../../domain/index.ts';
import { encodeWindows1252 } from './csv.ts';
import { mapChanged, mapPerson, professionalKindOf } from './map.ts';
import type { PersonBodies } from './map.ts';

const HETU = '131052-9085';
const POTILAS = 'HETU;SUKUNIMI;ETUNIMET;SYNT;SUKUP;KOTIKUNTA;KIELI;OSOITE;POSTINRO;POSTITMP;PUHELIN;TURVAKIELTO;MUUTETTU\r\n';
const AJANVARAUS = 'VARAUSNRO;HETU;PVM;KLO;KESTO;ALUE;TYYPPI;YHTEYS;YKSIKKO;YKSIKKO_OID;TEKIJA;TILA;LISATIETO\r\n';
const LASKU = 'LASKUNRO;HETU;PVM;SELITE;SUMMA;KATTO;TILA\r\n';

const bytes = (text: string): Uint8Array => encodeWindows1252(text);
const bodies = (potilas: string, ajanvaraus = AJANVARAUS, lasku = LASKU): PersonBodies => ({
  potilas: bytes(potilas),
  ajanvaraus: bytes(ajanvaraus),
  lasku: bytes(lasku),
});
function read(result: PersonRead | AdapterError): PersonRead {
  if (result instanceof AdapterError) throw result;
  return result;
}
const loviisa = { instance: 'mediatri-loviisa', product: 'mediatri', municipality: '407' } as const;

describe('potilas', () => {
  it('maps a Swedish-speaking patient from Windows-1252 bytes (Ö 0xD6, å 0xE5, ä 0xE4)', () => {
    const row = Buffer.concat([
      Buffer.from(`${HETU};`),
      Buffer.from([0xd6]),
      Buffer.from('berg;'),
      Buffer.from([0xc5]),
      Buffer.from('sa M'),
      Buffer.from([0xe4]),
      Buffer.from('rta;13.10.1952;N;407;ruotsi;K'),
      Buffer.from([0xe4]),
      Buffer.from('llv'),
      Buffer.from([0xe4]),
      Buffer.from('gen 3;07880;Lapptr'),
      Buffer.from([0xe4]),
      Buffer.from('sk;040 123 4567;0;25.10.2026 3.30.15\r\n'),
    ]);
    const r = read(mapPerson('mediatri-loviisa', HETU, { ...bodies(''), potilas: Buffer.concat([Buffer.from(POTILAS), row]) }));
    expect(r.issues).toEqual([]);
    expect(r.records.person).toEqual({
      hetu: HETU,
      surname: 'Öberg',
      firstNames: 'Åsa Märta',
      birthDate: '1952-10-13',
      sex: 'FEMALE',
      municipality: '407',
      language: 'sv',
      address: { street: 'Källvägen 3', postalCode: '07880', city: 'Lappträsk' },
      phone: '040 123 4567',
      turvakielto: false,
      // The repeated October hour reads as summer time.
      changedAt: '2026-10-25T03:30:15+03:00',
      source: { ...loviisa, localId: HETU },
    });
  });

  it('maps M, suomi, muu, TURVAKIELTO 1 and leaves empty fields out', () => {
    const r = read(mapPerson('mediatri-sipoo', HETU, bodies(`${POTILAS}${HETU};Virtanen;Matti;13.10.1952;M;753;suomi;;;;;1;\r\n`)));
    expect(r.records.person).toEqual({
      hetu: HETU,
      surname: 'Virtanen',
      firstNames: 'Matti',
      birthDate: '1952-10-13',
      sex: 'MALE',
      municipality: '753',
      language: 'fi',
      turvakielto: true,
      source: { instance: 'mediatri-sipoo', product: 'mediatri', municipality: '753', localId: HETU },
    });
    const other = read(mapPerson('mediatri-sipoo', HETU, bodies(`${POTILAS}${HETU};Virtanen;Matti;13.10.1952;M;753;muu;;;;;0;\r\n`)));
    expect(other.records.person).not.toHaveProperty('language');
  });

  it('a header-only answer means the instance does not know the person', () => {
    const r = read(mapPerson('mediatri-sipoo', HETU, bodies(POTILAS)));
    expect(r).toEqual({ records: emptyRecords(HETU, 'mediatri-sipoo'), issues: [] });
    const shared = read(mapPerson('mediatri-loviisa', HETU, bodies(POTILAS)));
    expect(shared).toEqual({ records: emptyRecords(HETU, 'mediatri-loviisa'), issues: [] });
  });

  it('a shared instance naming another municipality: first municipality and MUNICIPALITY_OUTSIDE_INSTANCE', () => {
    const potilas = `${POTILAS}${HETU};Virtanen;Matti;13.10.1952;M;091;suomi;;;;;0;\r\n`;
    const lasku = `${LASKU}7001;${HETU};3.2.2026;Käynti;20,30;1;M\r\n`;
    const r = read(mapPerson('mediatri-loviisa', HETU, bodies(potilas, AJANVARAUS, lasku)));
    expect(r.records.person?.source.municipality).toBe('434');
    expect(r.records.person?.municipality).toBe('091');
    expect(r.records.fees[0]?.source.municipality).toBe('434');
    expect(r.issues).toEqual([
      {
        code: 'MUNICIPALITY_OUTSIDE_INSTANCE',
        source: 'mediatri-loviisa',
        position: 'potilas.csv line 2',
        reason: "expected KOTIKUNTA as one of the instance's municipalities, received another; records go to its first municipality",
      },
    ]);
    // A one-municipality instance: its municipality, no issue.
    const sipoo = read(mapPerson('mediatri-sipoo', HETU, bodies(potilas, AJANVARAUS, lasku)));
    expect(sipoo.records.fees[0]?.source.municipality).toBe('753');
    expect(sipoo.issues).toEqual([]);
  });

  it('a malformed patient row is left out with its line; the rest is still served under its KOTIKUNTA', () => {
    const potilas = `${POTILAS}${HETU};Virtanen;Matti;31.2.1952;M;407;suomi;;;;;0;\r\n`;
    const lasku = `${LASKU}7001;${HETU};3.2.2026;Käynti;20,30;1;M\r\n`;
    const r = read(mapPerson('mediatri-loviisa', HETU, bodies(potilas, AJANVARAUS, lasku)));
    expect(r.records.person).toBeUndefined();
    expect(r.records.fees.map((f) => f.source.municipality)).toEqual(['407']);
    expect(r.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'mediatri-loviisa',
        position: 'potilas.csv line 2',
        reason: 'expected SYNT as a calendar date D.M.YYYY, received a value of another form',
      },
    ]);
  });

  it("rows without any patient row are served: the only municipality, or a shared instance's first with an issue", () => {
    const lasku = `${LASKU}7001;${HETU};3.2.2026;Käynti;20,30;1;M\r\n`;
    const sipoo = read(mapPerson('mediatri-sipoo', HETU, bodies(POTILAS, AJANVARAUS, lasku)));
    expect(sipoo.records.person).toBeUndefined();
    expect(sipoo.records.fees).toHaveLength(1);
    expect(sipoo.issues).toEqual([]);
    const lov = read(mapPerson('mediatri-loviisa', HETU, bodies(POTILAS, AJANVARAUS, lasku)));
    expect(lov.records.fees[0]?.source.municipality).toBe('434');
    expect(lov.issues.map((i) => [i.code, i.position])).toEqual([['MUNICIPALITY_OUTSIDE_INSTANCE', 'potilas.csv']]);
  });
});

describe('ajanvaraus', () => {
  const potilas = `${POTILAS}${HETU};Öberg;Åsa;13.10.1952;N;407;ruotsi;;;;;0;1.2.2026 10.00.00\r\n`;
  const ajanvaraus =
    AJANVARAUS +
    `5001;${HETU};3.2.2026;9.05;30;HAM;  TANDLÄKARE ;K;Lovisa tandklinik;1.2.246.10.1234567.10.4341;Anna Lind;T;"Tolk behövs; ""svenska""\r\nRing före"\r\n` +
    `5002;${HETU};25.10.2026;3.30;20;HAM;suuhygienisti;P;Loviisan hammashoitola;;;V;\r\n` +
    `5003;${HETU};29.3.2026;3.30;20;HAM;Hammaslääkäri;K;Loviisan hammashoitola;;;V;\r\n` +
    `5004;${HETU};14.7.2026;14.30;45;YLE;Kontrolli;V;Lovisa hälsostation;;Eero Aho;E;\r\n` +
    `5005;${HETU};1.8.2026\r\n` +
    `5006;${HETU};1.9.2026;8.00;15;YLE; Hälsovårdare;;Lovisa hälsostation;;;P;\r\n` +
    `5007;${HETU};2.9.2026;8.00;15;YLE;Lääkäri;K;Lovisa hälsostation;;;Q;\r\n`;
  const result = () => read(mapPerson('mediatri-loviisa', HETU, bodies(potilas, ajanvaraus)));

  it('maps H.MM times (9.05, 14.30), Swedish and Finnish types in odd case/spaces, a multi-line note with ; and quotes', () => {
    const byId = new Map(result().records.appointments.map((a) => [a.source.localId, a]));
    expect(byId.get('5001')).toEqual({
      careArea: 'ORAL_HEALTH',
      professionalKind: 'DENTIST',
      contactMode: 'ON_SITE',
      start: '2026-02-03T09:05:00+02:00',
      durationMinutes: 30,
      unit: { oid: '1.2.246.10.1234567.10.4341', name: 'Lovisa tandklinik' },
      professional: { name: 'Anna Lind' },
      status: 'COMPLETED',
      note: 'Tolk behövs; "svenska"\r\nRing före',
      source: { ...loviisa, localId: '5001' },
    });
    expect(byId.get('5004')).toMatchObject({
      careArea: 'PRIMARY_HEALTH',
      contactMode: 'VIDEO',
      start: '2026-07-14T14:30:00+03:00',
      status: 'NO_SHOW',
    });
    expect(byId.get('5006')).toMatchObject({
      professionalKind: 'PUBLIC_HEALTH_NURSE',
      status: 'CANCELLED',
      start: '2026-09-01T08:00:00+03:00',
    });
    expect(byId.get('5006')).not.toHaveProperty('contactMode');
  });

  it('reads 3.30 on 25.10.2026 (the repeated hour) as summer time', () => {
    const a = result().records.appointments.find((x) => x.source.localId === '5002');
    expect(a).toEqual({
      careArea: 'ORAL_HEALTH',
      professionalKind: 'DENTAL_HYGIENIST',
      contactMode: 'PHONE',
      start: '2026-10-25T03:30:00+03:00',
      durationMinutes: 20,
      unit: { name: 'Loviisan hammashoitola' },
      status: 'BOOKED',
      source: { ...loviisa, localId: '5002' },
    });
  });

  it('serves Kontrolli without a professional kind as UNMAPPED_CODE; skipped hour, short row and unknown TILA are MALFORMED_RECORD with their lines', () => {
    const r = result();
    expect(r.records.appointments.map((a) => a.source.localId)).toEqual(['5001', '5002', '5004', '5006']);
    expect(r.records.appointments.find((a) => a.source.localId === '5004')).not.toHaveProperty('professionalKind');
    expect(r.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'mediatri-loviisa',
        position: 'ajanvaraus.csv line 5',
        reason:
          'expected PVM and KLO as a Helsinki local time, received one that is the local time falls in the hour skipped when summer time begins',
      },
      {
        code: 'UNMAPPED_CODE',
        source: 'mediatri-loviisa',
        position: 'ajanvaraus.csv line 6',
        reason: 'expected TYYPPI as a known professional type in Finnish or Swedish, received free text of another kind',
        unmapped: { field: 'ajanvaraus.csv TYYPPI', value: 'Kontrolli' },
      },
      { code: 'MALFORMED_RECORD', source: 'mediatri-loviisa', position: 'ajanvaraus.csv line 7', reason: 'expected 13 fields, received 3' },
      {
        code: 'MALFORMED_RECORD',
        source: 'mediatri-loviisa',
        position: 'ajanvaraus.csv line 9',
        reason: 'expected TILA as one of V, T, P, E, received another value',
      },
    ]);
  });

  it('filters appointments by appointmentsFrom/To (inclusive local dates)', () => {
    const r = read(
      mapPerson('mediatri-loviisa', HETU, bodies(potilas, ajanvaraus), { appointmentsFrom: '2026-07-14', appointmentsTo: '2026-09-01' }),
    );
    expect(r.records.appointments.map((a) => a.source.localId)).toEqual(['5004', '5006']);
  });

  it('matches every listed type ignoring case and surrounding spaces, and nothing else', () => {
    expect(professionalKindOf(' läkare')).toBe('PHYSICIAN');
    expect(professionalKindOf('SAIRAANHOITAJA')).toBe('NURSE');
    expect(professionalKindOf('Sjukskötare  ')).toBe('NURSE');
    expect(professionalKindOf('terveydenhoitaja')).toBe('PUBLIC_HEALTH_NURSE');
    expect(professionalKindOf('HAMMASLÄÄKÄRI')).toBe('DENTIST');
    expect(professionalKindOf('Munhygienist')).toBe('DENTAL_HYGIENIST');
    expect(professionalKindOf('Suuhygienisti')).toBe('DENTAL_HYGIENIST');
    expect(professionalKindOf('Kontrolli')).toBeUndefined();
    expect(professionalKindOf('Lääkärin vastaanotto')).toBeUndefined();
    expect(professionalKindOf('constructor')).toBeUndefined();
    expect(professionalKindOf('__proto__')).toBeUndefined();
  });
});

describe('lasku', () => {
  const lasku =
    LASKU +
    `7001;${HETU};3.2.2026;Suun terveydenhuollon käynti;20,30;1;M\r\n` +
    `7002;${HETU};4.2.2026;"Käyttämättä jätetty aika; 51,50 €";51,50;0;A\r\n` +
    `7003;${HETU};5.2.2025;Hyvitys;-13,2;1;X\r\n` +
    `7004;${HETU};6.2.2026;Käynti;20.30;1;M\r\n`;

  it('maps decimal-comma euros to cents, KATTO and TILA; ORAL_HEALTH for mediatri-loviisa', () => {
    const r = read(mapPerson('mediatri-loviisa', HETU, bodies(POTILAS, AJANVARAUS, lasku)));
    expect(r.records.fees).toEqual([
      {
        careArea: 'ORAL_HEALTH',
        register: 'HEALTH',
        date: '2026-02-03',
        description: 'Suun terveydenhuollon käynti',
        amountCents: 2030,
        accruesToCeiling: true,
        status: 'PAID',
        source: { ...loviisa, municipality: '434', localId: '7001' },
      },
      {
        careArea: 'ORAL_HEALTH',
        register: 'HEALTH',
        date: '2026-02-04',
        description: 'Käyttämättä jätetty aika; 51,50 €',
        amountCents: 5150,
        accruesToCeiling: false,
        status: 'OPEN',
        source: { ...loviisa, municipality: '434', localId: '7002' },
      },
      {
        careArea: 'ORAL_HEALTH',
        register: 'HEALTH',
        date: '2025-02-05',
        description: 'Hyvitys',
        amountCents: -1320,
        accruesToCeiling: true,
        status: 'VOIDED',
        source: { ...loviisa, municipality: '434', localId: '7003' },
      },
    ]);
    expect(r.issues.filter((i) => i.code === 'MALFORMED_RECORD')).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'mediatri-loviisa',
        position: 'lasku.csv line 5',
        reason: 'expected SUMMA as euros with a decimal comma, received a value of another form',
      },
    ]);
  });

  it('leaves careArea out for mediatri-sipoo (one fee list for two care areas) and filters by feeYears when asked', () => {
    const r = read(mapPerson('mediatri-sipoo', HETU, bodies(POTILAS, AJANVARAUS, lasku), { feeYears: [2025] }));
    expect(r.records.fees).toHaveLength(1);
    expect(r.records.fees[0]).not.toHaveProperty('careArea');
    expect(r.records.fees[0]).toMatchObject({ register: 'HEALTH', amountCents: -1320 });
  });

  it('the € sign arrives as byte 0x80', () => {
    const body = Buffer.concat([
      Buffer.from(`${LASKU}7001;${HETU};3.2.2026;Maksu 20 `),
      Buffer.from([0x80]),
      Buffer.from(';20,00;1;M\r\n'),
    ]);
    const r = read(mapPerson('mediatri-sipoo', HETU, { ...bodies(POTILAS), lasku: body }));
    expect(r.records.fees[0]?.description).toBe('Maksu 20 €');
  });
});

describe('a body that cannot be read as a whole', () => {
  const cases: [string, Uint8Array, string][] = [
    [
      'cut inside a quoted field',
      bytes(`${AJANVARAUS}5001;${HETU};3.2.2026;9.05;30;HAM;Lääkäri;K;"Sipoon terv`),
      'Expected ajanvaraus.csv to end with a complete row, received a body cut short.',
    ],
    [
      'cut after a complete field',
      bytes(`${AJANVARAUS}5001;${HETU};3.2.2026;9.05`),
      'Expected ajanvaraus.csv to end with a complete row, received a body cut short.',
    ],
    ['empty', new Uint8Array(0), 'Expected ajanvaraus.csv to begin with its header row, received another first line.'],
    ["another table's header", bytes(LASKU), 'Expected ajanvaraus.csv to begin with its header row, received another first line.'],
    ['UTF-16', Buffer.from(AJANVARAUS, 'utf16le'), 'Expected ajanvaraus.csv as Windows-1252 text, received bytes that are not.'],
    [
      'an undefined byte (0x81)',
      Buffer.concat([Buffer.from(AJANVARAUS), Buffer.from([0x81, 0x0d, 0x0a])]),
      'Expected ajanvaraus.csv as Windows-1252 text, received bytes that are not.',
    ],
    [
      'UTF-8 with a BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(AJANVARAUS)]),
      'Expected ajanvaraus.csv to begin with its header row, received another first line.',
    ],
  ];
  it.each(cases)('%s → MALFORMED_RESPONSE', (_name, body, message) => {
    const r = mapPerson('mediatri-sipoo', HETU, { ...bodies(POTILAS), ajanvaraus: body });
    expect(r).toBeInstanceOf(AdapterError);
    expect((r as AdapterError).code).toBe('MALFORMED_RESPONSE');
    expect((r as AdapterError).message).toBe(message);
  });

  it('code fields holding prototype names are malformed values, not lookups', () => {
    const lasku = `${LASKU}7001;${HETU};3.2.2026;Käynti;20,30;__proto__;constructor\r\n`;
    const r = read(mapPerson('mediatri-sipoo', HETU, bodies(POTILAS, AJANVARAUS, lasku)));
    expect(r.records.fees).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.reason])).toEqual([
      ['MALFORMED_RECORD', 'expected KATTO as one of 0, 1, received another value'],
    ]);
  });

  it('rows of another code than the one asked for are not served', () => {
    const r = read(mapPerson('mediatri-sipoo', HETU, bodies(`${POTILAS}010594-9021;Muu;Henkilö;1.5.1994;N;753;suomi;;;;;0;\r\n`)));
    expect(r.records.person).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.position])).toEqual([['MALFORMED_RECORD', 'potilas.csv line 2']]);
  });
});

describe('muuttunut listing', () => {
  it('lists valid codes with KOTIKUNTA and changedAt; invalid codes and bad rows are issues with lines', () => {
    const body =
      POTILAS +
      `${HETU};Öberg;Åsa;13.10.1952;N;407;ruotsi;;;;;0;25.10.2026 3.30.15\r\n` +
      `131052-9086;Virhe;Tarkiste;13.10.1952;N;434;suomi;;;;;0;1.2.2026 10.00.00\r\n` +
      `010594-9021;Ek;Eva;1.5.1994;N;434;suomi;"Tie 1\r\nB 2";;;;0;eilen\r\n` +
      `010199+911C;Vanha;Veli;1.1.1899;M;434\r\n` +
      `020516A903K;Lapsi;Liisa;2.5.2016;N;;suomi;;;;;1;\r\n`;
    const page = mapChanged('mediatri-loviisa', bytes(body));
    if (page instanceof AdapterError) throw page;
    expect(page.persons).toEqual([
      { hetu: HETU, localId: HETU, municipality: '407', changedAt: '2026-10-25T03:30:15+03:00' },
      { hetu: '010594-9021', localId: '010594-9021', municipality: '434' },
      { hetu: '020516A903K', localId: '020516A903K' },
    ]);
    expect(page.issues).toEqual([
      {
        code: 'INVALID_IDENTITY_CODE',
        source: 'mediatri-loviisa',
        position: 'potilas.csv line 3',
        reason: 'expected HETU as a valid identity code, received an invalid one (the check character does not match)',
      },
      {
        code: 'MALFORMED_RECORD',
        source: 'mediatri-loviisa',
        position: 'potilas.csv line 4',
        reason: 'expected MUUTETTU as D.M.YYYY H.MM.SS, received a value of another form',
      },
      { code: 'MALFORMED_RECORD', source: 'mediatri-loviisa', position: 'potilas.csv line 6', reason: 'expected 13 fields, received 6' },
    ]);
    for (const i of page.issues) expect(`${i.position} ${i.reason}`).not.toMatch(/\d{6}[-+A-FU-Y]\d{3}/);
  });
});
