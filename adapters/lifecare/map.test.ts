/**
 * The pure mapper on literal wire samples: every quirk of lifecare.md in
 * both versions, version detection by namespace, faults and hostile XML.
 */
import { describe, expect, it } from 'vitest';
import { AdapterError, emptyRecords, type PersonRead, type RecordIssue } from '../../domain/index.ts';
import { readResponse } from './envelope.ts';
import type { CallResult } from './envelope.ts';
import { mapChangedPage, mapPersonResponses, splitV2015Name, type PersonResponses } from './map.ts';

const HETU = '170580-901P';
const MR = 'urn:lifecare:mr2020:potilaspalvelu';
const V15 = 'urn:lifecare:v2015:potilaspalvelu';
const ENV_OPEN = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const ENV_CLOSE = '</soap:Body></soap:Envelope>';

function env(ns: string, op: string, content: string): CallResult {
  return { status: 200, body: `${ENV_OPEN}<${op}Vastaus xmlns="${ns}">${content}</${op}Vastaus>${ENV_CLOSE}` };
}
function fault(code: 'soap:Client' | 'soap:Server', koodi: string): CallResult {
  return {
    status: 500,
    body: `${ENV_OPEN}<soap:Fault><faultcode>${code}</faultcode><faultstring>x</faultstring><detail><Virhe xmlns="${MR}"><Koodi>${koodi}</Koodi></Virhe></detail></soap:Fault>${ENV_CLOSE}`,
  };
}

const MR_POTILAS =
  '<Potilas><PotilasId>1001</PotilasId><Hetu>170580-901P</Hetu><Sukunimi>Lindström-Aho</Sukunimi><Etunimet>Märta Åsa</Etunimet>' +
  '<Kutsumanimi>Åsa</Kutsumanimi><Syntymaaika>1980-05-17</Syntymaaika><Sukupuoli>2</Sukupuoli><Kotikunta>638</Kotikunta>' +
  '<Aidinkieli>sv</Aidinkieli><Asiointikieli>sv</Asiointikieli><Osoite><Lahiosoite>Åkervägen 3 B 12</Lahiosoite><Postinumero>06100</Postinumero>' +
  '<Postitoimipaikka>Borgå</Postitoimipaikka></Osoite><Puhelin>040 123 4567</Puhelin><Turvakielto>true</Turvakielto><Kuolinpaiva>2026-01-02</Kuolinpaiva></Potilas>';

const V15_POTILAS =
  '<Potilas><PotilasId>77</PotilasId><Hetu>170580-901P</Hetu><Nimi>LINDSTRÖM-AHO Märta Åsa</Nimi><Syntymaaika>17.5.1980</Syntymaaika>' +
  '<Sukupuoli>1</Sukupuoli><Kotikunta>018</Kotikunta><Aidinkieli>ru</Aidinkieli><Osoite><Lahiosoite>Kirkkotie 1</Lahiosoite>' +
  '<Postinumero>07500</Postinumero><Postitoimipaikka>Askola</Postitoimipaikka></Osoite><Turvakielto>1</Turvakielto><Kuolinpaiva>2.1.2026</Kuolinpaiva></Potilas>';

function responses(potilas: CallResult, more: Partial<PersonResponses> = {}, ns = MR): PersonResponses {
  return {
    potilas,
    kaynnit: more.kaynnit ?? env(ns, 'HaeKaynnit', ''),
    suunnitelmat: more.suunnitelmat ?? env(ns, 'HaeSuunnitelmat', ''),
    maksut: more.maksut ?? [],
  };
}

function read(instance: Parameters<typeof mapPersonResponses>[1], r: PersonResponses): PersonRead {
  const out = mapPersonResponses(HETU, instance, r);
  if (out instanceof AdapterError) throw new Error(`unexpected ${out.code}: ${out.message}`);
  return out;
}

function failure(instance: Parameters<typeof mapPersonResponses>[1], r: PersonResponses): AdapterError {
  const out = mapPersonResponses(HETU, instance, r);
  if (!(out instanceof AdapterError)) throw new Error('expected an AdapterError');
  return out;
}

const PORVOO = { instance: 'lifecare-porvoo', product: 'lifecare', municipality: '638' } as const;
const ASKOLA = { instance: 'lifecare-askola', product: 'lifecare', municipality: '018' } as const;

describe('Potilas', () => {
  it('maps an MR2020 patient: separate names, ISO dates, true/false, Asiointikieli', () => {
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', MR_POTILAS)));
    expect(r.issues).toEqual([]);
    expect(r.records.person).toEqual({
      hetu: HETU,
      surname: 'Lindström-Aho',
      firstNames: 'Märta Åsa',
      callName: 'Åsa',
      birthDate: '1980-05-17',
      sex: 'FEMALE',
      municipality: '638',
      language: 'sv',
      serviceLanguage: 'sv',
      address: { street: 'Åkervägen 3 B 12', postalCode: '06100', city: 'Borgå' },
      phone: '040 123 4567',
      turvakielto: true,
      deathDate: '2026-01-02',
      source: { ...PORVOO, localId: '1001' },
    });
    expect(r.records.person).not.toHaveProperty('changedAt');
  });

  it('maps a V2015 patient: one Nimi split, D.M.YYYY dates, 1/0, service language derived (ru → fi)', () => {
    const r = read('lifecare-askola', responses(env(V15, 'HaePotilas', V15_POTILAS), {}, V15));
    expect(r.issues).toEqual([]);
    expect(r.records.person).toEqual({
      hetu: HETU,
      surname: 'Lindström-Aho',
      firstNames: 'Märta Åsa',
      birthDate: '1980-05-17',
      sex: 'MALE',
      municipality: '018',
      language: 'ru',
      serviceLanguage: 'fi',
      address: { street: 'Kirkkotie 1', postalCode: '07500', city: 'Askola' },
      turvakielto: true,
      deathDate: '2026-01-02',
      source: { ...ASKOLA, localId: '77' },
    });
  });

  it('V2015 service language is the mother tongue when it is Swedish, Finnish when absent', () => {
    const sv = V15_POTILAS.replace('<Aidinkieli>ru</Aidinkieli>', '<Aidinkieli>sv</Aidinkieli>');
    expect(read('lifecare-askola', responses(env(V15, 'HaePotilas', sv), {}, V15)).records.person?.serviceLanguage).toBe('sv');
    const none = V15_POTILAS.replace('<Aidinkieli>ru</Aidinkieli>', '');
    const p = read('lifecare-askola', responses(env(V15, 'HaePotilas', none), {}, V15)).records.person;
    expect(p?.serviceLanguage).toBe('fi');
    expect(p).not.toHaveProperty('language');
  });

  it('splits V2015 names: leading capitals are the surname, title-cased per space and hyphen', () => {
    expect(splitV2015Name('VIRTANEN Maija Liisa')).toEqual({ surname: 'Virtanen', firstNames: 'Maija Liisa' });
    expect(splitV2015Name('LINDSTRÖM-AHO Märta')).toEqual({ surname: 'Lindström-Aho', firstNames: 'Märta' });
    expect(splitV2015Name('VON  WRIGHT Georg Henrik')).toEqual({ surname: 'Von Wright', firstNames: 'Georg Henrik' });
    expect(splitV2015Name('ÅBERG Åke')).toEqual({ surname: 'Åberg', firstNames: 'Åke' });
    expect(splitV2015Name('ÖHMAN')).toEqual({ surname: 'Öhman', firstNames: '' });
    // All in capitals: the first word is the surname.
    expect(splitV2015Name('VIRTANEN MAIJA')).toEqual({ surname: 'Virtanen', firstNames: 'MAIJA' });
  });

  it('a V2015 Nimi without a surname in capitals leaves the patient out, lists still served', () => {
    const bad = V15_POTILAS.replace('LINDSTRÖM-AHO Märta Åsa', 'Lindström-Aho Märta Åsa');
    const fees = [{ year: 2026, result: env(V15, 'HaeMaksut', MAKSU_V15) }];
    const r = read('lifecare-askola', responses(env(V15, 'HaePotilas', bad), { maksut: fees }, V15));
    expect(r.records.person).toBeUndefined();
    expect(r.records.fees).toHaveLength(1);
    expect(r.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'lifecare-askola',
        position: 'HaePotilas response Potilas',
        reason: 'expected Nimi to begin with the surname in capitals, received a name without one',
      },
    ]);
  });

  it('reads Turvakielto only in the form of the version', () => {
    const mrWith1 = MR_POTILAS.replace('<Turvakielto>true</Turvakielto>', '<Turvakielto>1</Turvakielto>');
    const r1 = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', mrWith1)));
    expect(r1.records.person).toBeUndefined();
    expect(r1.issues[0]?.reason).toBe('expected Turvakielto as true or false, received another value');
    const v15WithFalse = V15_POTILAS.replace('<Turvakielto>1</Turvakielto>', '<Turvakielto>false</Turvakielto>');
    const r2 = read('lifecare-askola', responses(env(V15, 'HaePotilas', v15WithFalse), {}, V15));
    expect(r2.issues[0]?.reason).toBe('expected Turvakielto as 1 or 0, received another value');
    const v15With0 = V15_POTILAS.replace('<Turvakielto>1</Turvakielto>', '<Turvakielto>0</Turvakielto>');
    expect(read('lifecare-askola', responses(env(V15, 'HaePotilas', v15With0), {}, V15)).records.person?.turvakielto).toBe(false);
  });

  it('an MR2020 date in the V2015 form is malformed', () => {
    const bad = MR_POTILAS.replace('1980-05-17', '17.5.1980');
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', bad)));
    expect(r.records.person).toBeUndefined();
    expect(r.issues[0]).toMatchObject({
      code: 'MALFORMED_RECORD',
      reason: 'expected Syntymaaika as YYYY-MM-DD, received a value of another form',
    });
  });

  it('an unknown Sukupuoli is an UNMAPPED_CODE; the patient is served without sex', () => {
    const odd = MR_POTILAS.replace('<Sukupuoli>2</Sukupuoli>', '<Sukupuoli>9</Sukupuoli>');
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', odd)));
    expect(r.records.person).not.toHaveProperty('sex');
    expect(r.issues).toEqual([
      {
        code: 'UNMAPPED_CODE',
        source: 'lifecare-porvoo',
        position: 'HaePotilas response Potilas',
        reason: 'expected Sukupuoli 1 or 2, received another code',
        unmapped: { field: 'Potilas/Sukupuoli', value: '9' },
      },
    ]);
  });

  it('a shared instance puts records in the municipality it has for the patient', () => {
    const pukkila = MR_POTILAS.replace('<Kotikunta>638</Kotikunta>', '<Kotikunta>616</Kotikunta>');
    const r = read('lifecare-phhyky', responses(env(MR, 'HaePotilas', pukkila), { kaynnit: env(MR, 'HaeKaynnit', KAYNTI_MR) }));
    expect(r.records.person?.source.municipality).toBe('616');
    expect(r.records.appointments[0]?.source.municipality).toBe('616');
    expect(r.issues).toEqual([]);
  });

  it('a shared instance naming a municipality it does not serve: first municipality and an issue', () => {
    const r = read('lifecare-phhyky', responses(env(MR, 'HaePotilas', MR_POTILAS), { kaynnit: env(MR, 'HaeKaynnit', KAYNTI_MR) }));
    expect(r.records.person?.source.municipality).toBe('504');
    expect(r.records.person?.municipality).toBe('638');
    expect(r.records.appointments[0]?.source.municipality).toBe('504');
    expect(r.issues).toEqual([
      {
        code: 'MUNICIPALITY_OUTSIDE_INSTANCE',
        source: 'lifecare-phhyky',
        position: 'HaePotilas response Potilas',
        reason: 'expected Kotikunta to be a municipality this instance serves, received another',
      },
    ]);
  });
});

const KAYNTI_MR =
  '<Kaynti><KayntiId>5001</KayntiId><Hetu>170580-901P</Hetu><Palvelualue>STH</Palvelualue><Kayntityyppi>SUHY</Kayntityyppi>' +
  '<Yhteystapa>VID</Yhteystapa><Alkuaika>2026-03-29T04:30:00</Alkuaika><KestoMin>45</KestoMin><Yksikko><Tunnus>1.2.246.10.1234567.10.2</Tunnus>' +
  '<Nimi>Porvoon hammashoitola</Nimi></Yksikko><Ammattilainen><Nimi>Säde Öhman</Nimi><Nimike>Suuhygienisti</Nimike></Ammattilainen><Tila>EIS</Tila></Kaynti>';

function kaynti(alkuaika: string, extra = ''): string {
  return (
    `<Kaynti><Hetu>170580-901P</Hetu><KayntiId>6001</KayntiId><Palvelualue>PTH</Palvelualue><Kayntityyppi>LAAK</Kayntityyppi><Yhteystapa>PUH</Yhteystapa>` +
    `<Alkuaika>${alkuaika}</Alkuaika><KestoMin>20</KestoMin><Yksikko><Nimi>Askolan terveysasema</Nimi></Yksikko><Tila>VARATTU</Tila>${extra}</Kaynti>`
  );
}

describe('Kaynti', () => {
  it('maps an MR2020 visit: codes, local time with offset, unit and professional, no note', () => {
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', MR_POTILAS), { kaynnit: env(MR, 'HaeKaynnit', KAYNTI_MR) }));
    expect(r.issues).toEqual([]);
    expect(r.records.appointments).toEqual([
      {
        careArea: 'ORAL_HEALTH',
        professionalKind: 'DENTAL_HYGIENIST',
        contactMode: 'VIDEO',
        start: '2026-03-29T04:30:00+03:00',
        durationMinutes: 45,
        unit: { oid: '1.2.246.10.1234567.10.2', name: 'Porvoon hammashoitola' },
        professional: { name: 'Säde Öhman', title: 'Suuhygienisti' },
        status: 'NO_SHOW',
        source: { ...PORVOO, localId: '5001' },
      },
    ]);
  });

  it('maps every Kayntityyppi, Yhteystapa and Tila code', () => {
    const kinds = {
      LAAK: 'PHYSICIAN',
      HOIT: 'NURSE',
      TERV: 'PUBLIC_HEALTH_NURSE',
      FYST: 'PHYSIOTHERAPIST',
      PSYK: 'PSYCHOLOGIST',
      HAMM: 'DENTIST',
      SUHY: 'DENTAL_HYGIENIST',
    };
    const modes = { VO: 'ON_SITE', PUH: 'PHONE', VID: 'VIDEO', KOTI: 'HOME_VISIT' };
    const statuses = { VARATTU: 'BOOKED', TOTEUTUNUT: 'COMPLETED', PERUTTU: 'CANCELLED', EIS: 'NO_SHOW' };
    const items = Object.keys(kinds).map((k, i) => {
      const mode = Object.keys(modes)[i % 4]!;
      const tila = Object.keys(statuses)[i % 4]!;
      return kaynti('1.2.2026 9:05')
        .replace('<Kayntityyppi>LAAK', `<Kayntityyppi>${k}`)
        .replace('<Yhteystapa>PUH', `<Yhteystapa>${mode}`)
        .replace('<Tila>VARATTU', `<Tila>${tila}`);
    });
    const r = read(
      'lifecare-askola',
      responses(env(V15, 'HaePotilas', V15_POTILAS), { kaynnit: env(V15, 'HaeKaynnit', items.join('')) }, V15),
    );
    expect(r.records.appointments.map((a) => [a.professionalKind, a.contactMode, a.status])).toEqual(
      Object.values(kinds).map((k, i) => [k, Object.values(modes)[i % 4], Object.values(statuses)[i % 4]]),
    );
    expect(r.records.appointments[0]?.start).toBe('2026-02-01T09:05:00+02:00');
    expect(r.records.appointments[0]?.unit).toEqual({ name: 'Askolan terveysasema' });
    expect(r.records.appointments[0]).not.toHaveProperty('professional');
  });

  it('V2015 time in the hour skipped in March is malformed; the repeated October hour reads as summer time', () => {
    const items =
      kaynti('29.3.2026 3:30') + kaynti('25.10.2026 3:30').replace('6001', '6002') + kaynti('25.10.2026 4:30').replace('6001', '6003');
    const r = read('lifecare-askola', responses(env(V15, 'HaePotilas', V15_POTILAS), { kaynnit: env(V15, 'HaeKaynnit', items) }, V15));
    expect(r.records.appointments.map((a) => [a.source.localId, a.start])).toEqual([
      ['6002', '2026-10-25T03:30:00+03:00'],
      ['6003', '2026-10-25T04:30:00+02:00'],
    ]);
    expect(r.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'lifecare-askola',
        position: 'HaeKaynnit response Kaynti[1]',
        reason: 'expected Alkuaika as a Helsinki local time, received one in the hour skipped when summer time begins',
      },
    ]);
  });

  it('MR2020 time in the skipped hour is malformed too; a V2015-form time in MR2020 is another form', () => {
    const items = kaynti('2026-03-29T03:00:00') + kaynti('29.3.2026 9:00') + kaynti('2026-02-30T10:00:00');
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', MR_POTILAS), { kaynnit: env(MR, 'HaeKaynnit', items) }));
    expect(r.records.appointments).toEqual([]);
    expect(r.issues.map((i) => [i.position, i.reason])).toEqual([
      [
        'HaeKaynnit response Kaynti[1]',
        'expected Alkuaika as a Helsinki local time, received one in the hour skipped when summer time begins',
      ],
      ['HaeKaynnit response Kaynti[2]', 'expected Alkuaika as YYYY-MM-DDThh:mm:ss, received a value of another form'],
      ['HaeKaynnit response Kaynti[3]', 'expected Alkuaika as a Helsinki local time, received an impossible date or time'],
    ]);
  });

  it('an unknown Kayntityyppi or Yhteystapa is UNMAPPED_CODE (item served), an unknown Tila or Palvelualue malformed', () => {
    const items =
      kaynti('1.2.2026 9:00').replace('<Kayntityyppi>LAAK', '<Kayntityyppi>SOST').replace('<Yhteystapa>PUH', '<Yhteystapa>CHAT') +
      kaynti('1.2.2026 9:00').replace('<Tila>VARATTU', '<Tila>SIIRRETTY') +
      kaynti('1.2.2026 9:00').replace('<Palvelualue>PTH', '<Palvelualue>SOS') +
      kaynti('1.2.2026 9:00').replace('<KestoMin>20', '<KestoMin>puoli tuntia');
    const r = read('lifecare-askola', responses(env(V15, 'HaePotilas', V15_POTILAS), { kaynnit: env(V15, 'HaeKaynnit', items) }, V15));
    expect(r.records.appointments).toHaveLength(1);
    expect(r.records.appointments[0]).not.toHaveProperty('professionalKind');
    expect(r.records.appointments[0]).not.toHaveProperty('contactMode');
    expect(r.issues.flatMap((i) => (i.unmapped ? [i.unmapped] : []))).toEqual([
      { field: 'Kaynti/Kayntityyppi', value: 'SOST' },
      { field: 'Kaynti/Yhteystapa', value: 'CHAT' },
    ]);
    expect(r.issues.map((i) => [i.code, i.position, i.reason])).toEqual([
      [
        'UNMAPPED_CODE',
        'HaeKaynnit response Kaynti[1]',
        'expected Kayntityyppi LAAK, HOIT, TERV, FYST, PSYK, HAMM or SUHY, received another code',
      ],
      ['UNMAPPED_CODE', 'HaeKaynnit response Kaynti[1]', 'expected Yhteystapa VO, PUH, VID or KOTI, received another code'],
      ['MALFORMED_RECORD', 'HaeKaynnit response Kaynti[2]', 'expected Tila VARATTU, TOTEUTUNUT, PERUTTU or EIS, received another code'],
      ['MALFORMED_RECORD', 'HaeKaynnit response Kaynti[3]', 'expected Palvelualue PTH or STH, received another code'],
      ['MALFORMED_RECORD', 'HaeKaynnit response Kaynti[4]', 'expected KestoMin as whole minutes, received another value'],
    ]);
  });

  it('an item naming another patient is left out', () => {
    const other = kaynti('1.2.2026 9:00').replace('170580-901P', '131052-902Y');
    const r = read('lifecare-askola', responses(env(V15, 'HaePotilas', V15_POTILAS), { kaynnit: env(V15, 'HaeKaynnit', other) }, V15));
    expect(r.records.appointments).toEqual([]);
    expect(r.issues[0]).toMatchObject({
      code: 'MALFORMED_RECORD',
      reason: 'expected Hetu of the requested patient, received another code',
    });
  });
});

const MAKSU_V15 =
  '<Maksu><LaskuId>9001</LaskuId><Paivays>5.1.2026</Paivays><Selite>Avosairaanhoidon käyntimaksu</Selite><Summa>20,60</Summa>' +
  '<Maksukattoon>K</Maksukattoon><Tila>AVOIN</Tila><Hetu>170580-901P</Hetu></Maksu>';

describe('Maksu and Suunnitelma', () => {
  it('maps fees: decimal comma, K/E, Tila codes, register HEALTH without care area, one call per year', () => {
    const y2026 =
      MAKSU_V15 +
      MAKSU_V15.replace('9001', '9002')
        .replace('20,60', '51,5')
        .replace('<Maksukattoon>K', '<Maksukattoon>E')
        .replace('AVOIN', 'MITATOITY');
    const y2025 = MAKSU_V15.replace('9001', '9003')
      .replace('5.1.2026', '31.12.2025')
      .replace('20,60', '1234,05')
      .replace('AVOIN', 'MAKSETTU');
    const r = read(
      'lifecare-askola',
      responses(
        env(V15, 'HaePotilas', V15_POTILAS),
        {
          maksut: [
            { year: 2026, result: env(V15, 'HaeMaksut', y2026) },
            { year: 2025, result: env(V15, 'HaeMaksut', y2025) },
          ],
        },
        V15,
      ),
    );
    expect(r.issues).toEqual([]);
    expect(r.records.fees).toEqual([
      {
        register: 'HEALTH',
        date: '2026-01-05',
        description: 'Avosairaanhoidon käyntimaksu',
        amountCents: 2060,
        accruesToCeiling: true,
        status: 'OPEN',
        source: { ...ASKOLA, localId: '9001' },
      },
      {
        register: 'HEALTH',
        date: '2026-01-05',
        description: 'Avosairaanhoidon käyntimaksu',
        amountCents: 5150,
        accruesToCeiling: false,
        status: 'VOIDED',
        source: { ...ASKOLA, localId: '9002' },
      },
      {
        register: 'HEALTH',
        date: '2025-12-31',
        description: 'Avosairaanhoidon käyntimaksu',
        amountCents: 123405,
        accruesToCeiling: true,
        status: 'PAID',
        source: { ...ASKOLA, localId: '9003' },
      },
    ]);
  });

  it('a decimal point, an unknown Maksukattoon or Tila is malformed, positioned by year and index', () => {
    const items =
      MAKSU_V15.replace('20,60', '20.60') +
      MAKSU_V15.replace('<Maksukattoon>K', '<Maksukattoon>X') +
      MAKSU_V15.replace('AVOIN', 'LASKUTETTU');
    const r = read(
      'lifecare-askola',
      responses(env(V15, 'HaePotilas', V15_POTILAS), { maksut: [{ year: 2026, result: env(V15, 'HaeMaksut', items) }] }, V15),
    );
    expect(r.records.fees).toEqual([]);
    expect(r.issues.map((i) => [i.position, i.reason])).toEqual([
      ['HaeMaksut 2026 response Maksu[1]', 'expected Summa as euros with a decimal comma, received another value'],
      ['HaeMaksut 2026 response Maksu[2]', 'expected Maksukattoon K or E, received another value'],
      ['HaeMaksut 2026 response Maksu[3]', 'expected Tila AVOIN, MAKSETTU or MITATOITY, received another code'],
    ]);
  });

  it('maps plans of both types as primary health care plans, dates in the version form', () => {
    const items =
      '<Suunnitelma><SuunnitelmaId>301</SuunnitelmaId><Tyyppi>KUNTOUTUS</Tyyppi><Otsikko>Kuntoutussuunnitelma</Otsikko><Alkaa>2025-09-01</Alkaa>' +
      '<Paattyy>2026-08-31</Paattyy><Vastuuhenkilo>Eino Laine</Vastuuhenkilo><Hetu>170580-901P</Hetu></Suunnitelma>' +
      '<Suunnitelma><Hetu>170580-901P</Hetu><SuunnitelmaId>302</SuunnitelmaId><Tyyppi>TERVEYS_JA_HOITO</Tyyppi><Alkaa>2025-01-15</Alkaa></Suunnitelma>' +
      '<Suunnitelma><SuunnitelmaId>303</SuunnitelmaId><Tyyppi>PALVELU</Tyyppi><Alkaa>2025-01-15</Alkaa></Suunnitelma>';
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', MR_POTILAS), { suunnitelmat: env(MR, 'HaeSuunnitelmat', items) }));
    expect(r.records.plans).toEqual([
      {
        careArea: 'PRIMARY_HEALTH',
        type: 'REHABILITATION_PLAN',
        title: 'Kuntoutussuunnitelma',
        startDate: '2025-09-01',
        endDate: '2026-08-31',
        responsible: 'Eino Laine',
        source: { ...PORVOO, localId: '301' },
      },
      { careArea: 'PRIMARY_HEALTH', type: 'HEALTH_AND_CARE_PLAN', startDate: '2025-01-15', source: { ...PORVOO, localId: '302' } },
    ]);
    expect(r.issues.map((i) => [i.position, i.reason])).toEqual([
      ['HaeSuunnitelmat response Suunnitelma[3]', 'expected Tyyppi TERVEYS_JA_HOITO or KUNTOUTUS, received another code'],
    ]);
  });
});

describe('version detection', () => {
  it('reads the version from the response namespace, MR2020 and V2015 samples', () => {
    const mr = readResponse('HaePotilas', env(MR, 'HaePotilas', MR_POTILAS) as { status: number; body: string }, 'lifecare-porvoo');
    const v15 = readResponse('HaePotilas', env(V15, 'HaePotilas', V15_POTILAS) as { status: number; body: string }, 'lifecare-askola');
    expect(mr).toMatchObject({ kind: 'ok', version: 'MR2020' });
    expect(v15).toMatchObject({ kind: 'ok', version: 'V2015' });
  });

  it('resolves a prefixed payload against declarations on the element, Body or Envelope', () => {
    const prefixed = {
      status: 200,
      body: `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:lc="${V15}"><S:Body><lc:HaePotilasVastaus>${V15_POTILAS.replaceAll('<', '<lc:').replaceAll('<lc:/', '</lc:')}</lc:HaePotilasVastaus></S:Body></S:Envelope>`,
    };
    expect(readResponse('HaePotilas', prefixed, 'lifecare-porvoo')).toMatchObject({ kind: 'ok', version: 'V2015' });
  });

  it('not the instance name: a V2015 answer from an MR2020 instance is read as V2015', () => {
    const r = read('lifecare-porvoo', responses(env(V15, 'HaePotilas', V15_POTILAS), {}, V15));
    expect(r.records.person).toMatchObject({ surname: 'Lindström-Aho', birthDate: '1980-05-17', turvakielto: true });
  });

  it('the same text in the other namespace is read by that version (and is malformed there)', () => {
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', V15_POTILAS)));
    expect(r.records.person).toBeUndefined();
    expect(r.issues[0]?.code).toBe('MALFORMED_RECORD');
  });

  it('an unknown namespace is a MALFORMED_RESPONSE', () => {
    const e = failure('lifecare-porvoo', responses(env('urn:lifecare:mr2023:potilaspalvelu', 'HaePotilas', MR_POTILAS)));
    expect(e.code).toBe('MALFORMED_RESPONSE');
    expect(e.message).toBe(
      'HaePotilas: expected HaePotilasVastaus in namespace urn:lifecare:mr2020:potilaspalvelu or urn:lifecare:v2015:potilaspalvelu, received another namespace',
    );
  });
});

describe('faults', () => {
  it('POTILAS_EI_LOYDY on HaePotilas: empty records, whatever the lists said', () => {
    const nf = fault('soap:Client', 'POTILAS_EI_LOYDY');
    const r = read('lifecare-porvoo', { potilas: nf, kaynnit: nf, suunnitelmat: nf, maksut: [{ year: 2026, result: nf }] });
    expect(r).toEqual({ records: emptyRecords(HETU, 'lifecare-porvoo'), issues: [] });
  });

  it('POTILAS_EI_LOYDY on a list of a found patient: that list is empty', () => {
    const r = read('lifecare-porvoo', responses(env(MR, 'HaePotilas', MR_POTILAS), { kaynnit: fault('soap:Client', 'POTILAS_EI_LOYDY') }));
    expect(r.records.appointments).toEqual([]);
    expect(r.records.person).toBeDefined();
  });

  it.each([
    ['soap:Client', 'VIRHEELLINEN_HETU', 'INVALID_IDENTITY_CODE'],
    ['soap:Server', 'PALVELU_KIIREINEN', 'SOURCE_UNAVAILABLE'],
    ['soap:Server', 'SISAINEN_VIRHE', 'SOURCE_ERROR'],
    ['soap:Server', 'TUNTEMATON', 'SOURCE_ERROR'],
  ] as const)('%s %s → %s for the slot', (code, koodi, expected) => {
    const e = failure(
      'lifecare-porvoo',
      responses(env(MR, 'HaePotilas', MR_POTILAS), { maksut: [{ year: 2026, result: fault(code, koodi) }] }),
    );
    expect(e.code).toBe(expected);
    expect(e.source).toBe('lifecare-porvoo');
  });

  it('a transport error of any call is the slot error', () => {
    const down = new AdapterError('SOURCE_UNAVAILABLE', 'lifecare-porvoo', 'HaeKaynnit: expected an answer within 100 ms, received none');
    expect(failure('lifecare-porvoo', responses(env(MR, 'HaePotilas', MR_POTILAS), { kaynnit: down }))).toBe(down);
  });
});

describe('hostile and broken responses', () => {
  const cases: [string, CallResult, string, RegExp][] = [
    [
      'DOCTYPE with an entity',
      {
        status: 200,
        body: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${ENV_OPEN}<HaePotilasVastaus xmlns="${MR}"><Potilas><Sukunimi>&e;</Sukunimi></Potilas></HaePotilasVastaus>${ENV_CLOSE}`,
      },
      'MALFORMED_RESPONSE',
      /DOCTYPE/,
    ],
    [
      'entity expansion',
      {
        status: 200,
        body: `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${ENV_OPEN}<HaePotilasVastaus xmlns="${MR}">&b;</HaePotilasVastaus>${ENV_CLOSE}`,
      },
      'MALFORMED_RESPONSE',
      /DOCTYPE/,
    ],
    [
      'deep nesting',
      {
        status: 200,
        body: `${ENV_OPEN}<HaePotilasVastaus xmlns="${MR}">${'<a>'.repeat(500)}${'</a>'.repeat(500)}</HaePotilasVastaus>${ENV_CLOSE}`,
      },
      'MALFORMED_RESPONSE',
      /nested/,
    ],
    [
      '__proto__ element',
      {
        status: 200,
        body: `${ENV_OPEN}<HaePotilasVastaus xmlns="${MR}">${MR_POTILAS.replace('</Potilas>', '<__proto__><polluted>yes</polluted></__proto__></Potilas>')}</HaePotilasVastaus>${ENV_CLOSE}`,
      },
      'MALFORMED_RESPONSE',
      /HaePotilas: /,
    ],
    [
      'truncated body',
      { status: 200, body: (env(MR, 'HaePotilas', MR_POTILAS) as { body: string }).body.slice(0, 200) },
      'MALFORMED_RESPONSE',
      /well-formed/,
    ],
    ['not XML at all', { status: 200, body: 'Internal Server Error' }, 'MALFORMED_RESPONSE', /HaePotilas: /],
    [
      'an HTML busy page from a proxy',
      { status: 503, body: '<html><body><h1>503 Service Unavailable</h1><hr></body></html>' },
      'SOURCE_UNAVAILABLE',
      /HTTP 503/,
    ],
    ['XML but no envelope', { status: 200, body: '<Potilas><Hetu>170580-901P</Hetu></Potilas>' }, 'MALFORMED_RESPONSE', /Envelope/],
    ['an envelope with another payload', env(MR, 'HaeKaynnit', ''), 'MALFORMED_RESPONSE', /expected HaePotilasVastaus/],
  ];

  it.each(cases)('%s → %s, never a crash', (_, potilas, code, message) => {
    const e = failure('lifecare-porvoo', responses(potilas));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(HETU);
    expect(e.message).not.toContain('passwd');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('HaeMuuttuneet pages', () => {
  it('lists valid codes and reports invalid ones as issues with their position', () => {
    const page = env(
      MR,
      'HaeMuuttuneet',
      '<Hetu>170580-901P</Hetu><Hetu>170580-901R</Hetu><Hetu>020516A903K</Hetu><Hetu>roska</Hetu><Sivuja>3</Sivuja>',
    );
    const r = mapChangedPage(2, page, 'lifecare-porvoo');
    if (r instanceof AdapterError) throw r;
    expect(r.pages).toBe(3);
    expect(r.persons).toEqual([{ hetu: '170580-901P' }, { hetu: '020516A903K' }]);
    expect(r.issues).toEqual<RecordIssue[]>([
      {
        code: 'INVALID_IDENTITY_CODE',
        source: 'lifecare-porvoo',
        position: 'HaeMuuttuneet page 2 response Hetu[2]',
        reason: 'expected a valid identity code, received one that is not (the check character does not match)',
      },
      {
        code: 'INVALID_IDENTITY_CODE',
        source: 'lifecare-porvoo',
        position: 'HaeMuuttuneet page 2 response Hetu[4]',
        reason:
          'expected a valid identity code, received one that is not (expected DDMMYY, a century sign, three digits and a check character)',
      },
    ]);
  });

  it('an empty listing has no pages; a missing Sivuja is malformed', () => {
    expect(mapChangedPage(1, env(V15, 'HaeMuuttuneet', '<Sivuja>0</Sivuja>'), 'lifecare-askola')).toEqual({
      persons: [],
      issues: [],
      pages: 0,
    });
    const e = mapChangedPage(1, env(V15, 'HaeMuuttuneet', '<Hetu>170580-901P</Hetu>'), 'lifecare-askola');
    expect(e).toBeInstanceOf(AdapterError);
    expect((e as AdapterError).code).toBe('MALFORMED_RESPONSE');
  });
});

describe('no personal data in issues', () => {
  it('positions and reasons never carry codes, names or addresses', () => {
    const broken = MR_POTILAS.replace('<Turvakielto>true', '<Turvakielto>yes').replace('<Kotikunta>638', '<Kotikunta>999');
    const items = kaynti('2026-03-29T03:15:00') + kaynti('1.1.2026 1:00').replace('170580-901P', '131052-902Y');
    const r = read('lifecare-phhyky', responses(env(MR, 'HaePotilas', broken), { kaynnit: env(MR, 'HaeKaynnit', items) }));
    expect(r.issues.length).toBeGreaterThanOrEqual(3);
    const text = JSON.stringify(r.issues);
    for (const secret of ['170580', '131052', 'Lindström', 'Märta', 'Åkervägen', '040 123', '999']) expect(text).not.toContain(secret);
  });
});
