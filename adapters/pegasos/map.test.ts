import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../domain/index.ts';
import { readAnswer, type QueryAnswer } from './answer.ts';
import type { QueryName } from './format.ts';
import { mapAppointments, mapChanged, mapFees, mapPatient } from './map.ts';

const instance = 'pegasos-loviisa' as const;
const HETU = '131052-9085';
const MSH = 'MSH|^~\\&|PEGASOS|LOVIISA|ALUEGRAAFI|ITA-UUSIMAA|20250114093000||RSP^K11^RSP_K11|PEG7|P|2.5||||||8859/1\r';

function answer(query: QueryName, text: string): QueryAnswer {
  const a = readAnswer(text, { instance, query, controlId: 'RG1', tag: 'T1' });
  if (a instanceof AdapterError) throw a;
  return a;
}

const header = (q: string, params: string) => `${MSH}MSA|AA|RG1\rQAK|T1|OK|${q}\rQPD|${q}|T1|${params}\r`;
const POTILAS = 'Q_POTILAS^Potilashaku^PEGASOS';
const AJANVARAUKSET = 'Q_AJANVARAUKSET^Ajanvaraukset^PEGASOS';
const MAKSUT = 'Q_MAKSUT^Maksut^PEGASOS';

function patient(pid: string, zpt = 'ZPT|N|434\r') {
  const r = mapPatient(answer('Q_POTILAS', header(POTILAS, HETU) + pid + zpt).body, { instance, hetu: HETU });
  if (r instanceof AdapterError) throw r;
  return r;
}

describe('Q_POTILAS answer → person', () => {
  it('maps every field of PID and ZPT (ZPT-2 over PID-11.9, ZPT-1 Y)', () => {
    const r = patient(
      'PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Hämäläinen^Åsa Maria||19521013|F|||Mannerheimintie 5 A 3^^Loviisa^^07900^FIN^H^^434||040 123 4567||sv||||||||||||||20240301\r',
      'ZPT|Y|407\r',
    );
    expect(r.issues).toEqual([]);
    expect(r.municipality).toBe('407');
    expect(r.person).toEqual({
      hetu: HETU,
      surname: 'Hämäläinen',
      firstNames: 'Åsa Maria',
      birthDate: '1952-10-13',
      sex: 'FEMALE',
      municipality: '407',
      language: 'sv',
      address: { street: 'Mannerheimintie 5 A 3', postalCode: '07900', city: 'Loviisa' },
      phone: '040 123 4567',
      turvakielto: true,
      deathDate: '2024-03-01',
      source: { instance, product: 'pegasos', municipality: '407', localId: '1001' },
    });
  });

  it('finds the identifiers by type with the local id first, and decodes escaped names', () => {
    const r = patient(
      'PID|1||1001^^^PEGASOS^PI~131052-9085^^^&1.2.246.21&ISO^NNFIN||O\\E\\Brien\\F\\Kallio^Anna\\S\\Liisa \\T\\ Åke\\R\\||19521013|M\r',
      'ZPT|N\r',
    );
    expect(r.person).toMatchObject({
      hetu: HETU,
      surname: 'O\\Brien|Kallio',
      firstNames: 'Anna^Liisa & Åke~',
      sex: 'MALE',
      turvakielto: false,
      source: { localId: '1001' },
    });
  });

  it('reads PID-11.9 when ZPT-2 is empty; no address components means no address; absent fields stay absent', () => {
    const r = patient('PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Virtanen^Matti|||U|||^^^^^^^^407\r', 'ZPT|N\r');
    expect(r.municipality).toBe('407');
    expect(r.person).toEqual({
      hetu: HETU,
      surname: 'Virtanen',
      firstNames: 'Matti',
      sex: 'UNKNOWN',
      municipality: '407',
      turvakielto: false,
      source: { instance, product: 'pegasos', municipality: '407', localId: '1001' },
    });
  });

  it('gives records of a municipality the instance does not serve to its first one, with an issue', () => {
    const r = patient('PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Virtanen^Matti\r', 'ZPT|N|638\r');
    expect(r.municipality).toBe('434');
    expect(r.person?.municipality).toBe('638');
    expect(r.person?.source.municipality).toBe('434');
    expect(r.issues).toEqual([
      {
        code: 'MUNICIPALITY_OUTSIDE_INSTANCE',
        source: instance,
        position: 'Q_POTILAS response PID ZPT-2',
        reason: 'expected a municipality the instance serves (434, 407), received another or none',
      },
    ]);
  });

  it('maps PID-15 into the language, plain or as a coded element (code^text^system), any case', () => {
    const pid = (lang: string) => `PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Virtanen^Matti|||M|||||||${lang}\r`;
    expect(patient(pid('fi')).person?.language).toBe('fi');
    expect(patient(pid('sv^ruotsi^ISO6391')).person?.language).toBe('sv');
    expect(patient(pid('SV')).person?.language).toBe('sv');
    expect(patient(pid('')).person).not.toHaveProperty('language');
    expect(patient(pid('')).issues).toEqual([]);
  });

  it('drops bad optional fields with issues and keeps the person', () => {
    const r = patient(
      'PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Virtanen^Matti||19521345|X|||||||svenska||||||||||||||2024\r',
      'ZPT|?|434\r',
    );
    expect(r.person).toEqual({
      hetu: HETU,
      surname: 'Virtanen',
      firstNames: 'Matti',
      municipality: '434',
      turvakielto: true,
      source: { instance, product: 'pegasos', municipality: '434', localId: '1001' },
    });
    expect(r.issues.flatMap((i) => (i.unmapped ? [i.unmapped] : []))).toEqual([
      { field: 'PID-8', value: 'X' },
      { field: 'PID-15', value: 'svenska' },
      { field: 'ZPT-1', value: '?' },
    ]);
    expect(r.issues.map((i) => [i.code, i.position])).toEqual([
      ['MALFORMED_RECORD', 'Q_POTILAS response PID PID-7'],
      ['UNMAPPED_CODE', 'Q_POTILAS response PID PID-8'],
      ['MALFORMED_RECORD', 'Q_POTILAS response PID PID-29'],
      ['UNMAPPED_CODE', 'Q_POTILAS response PID PID-15'],
      ['UNMAPPED_CODE', 'Q_POTILAS response PID ZPT-1'],
    ]);
  });

  it('reports a patient without a PI id and serves no person', () => {
    const r = patient('PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN||Virtanen^Matti\r');
    expect(r.person).toBeUndefined();
    expect(r.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_POTILAS response PID PID-3',
        reason: 'expected PID-3 to hold a local id of type PI, received none',
      },
    ]);
  });

  it('refuses an answer about another identity code (never serves someone else as this person)', () => {
    const a = answer('Q_POTILAS', header(POTILAS, HETU) + 'PID|1||010594-9021^^^&1.2.246.21&ISO^NNFIN~7^^^PEGASOS^PI||X^Y\r');
    const r = mapPatient(a.body, { instance, hetu: HETU });
    expect(r).toBeInstanceOf(AdapterError);
    expect((r as AdapterError).code).toBe('MALFORMED_RESPONSE');
    expect((r as AdapterError).message).not.toContain('010594');
  });
});

const APPTS =
  header(AJANVARAUKSET, `${HETU}|20250101|20251231`) +
  'PID|||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI\r' +
  // Just before summer time begins: 02:30 winter time, ends 04:30 summer time (one hour later).
  'SCH|5001|||||AV^Tuo mukaan lääkelista \\T\\ "tulkki"\\X0D\\\\X0A\\Soita ennen||PUH^Puhelinasiointi|||^^^202503300230+0200^202503300430+0300||||||||||||||Booked\r' +
  'AIS|1||VO-L^Lääkärin vastaanotto^PEGASOS\r' +
  'AIL|1||^^^Loviisan terveysasema&1.2.246.10.2345678.10.4341\r' +
  'AIP|1||H123^Virtanen^Anna Liisa|Lääkäri\r' +
  // The repeated October hour, first as summer time, ending in the same wall-clock time as winter time.
  'SCH|5002|||||||ETA^Etäasiointi|||^^^202510260330+0300^202510260330+0200||||||||||||||Complete\r' +
  'AIS|1||VO-TH^Terveydenhoitajan vastaanotto^PEGASOS\r' +
  'AIL|1||^^^Lovisa hälsostation\r' +
  'AIP|1||H7^Öberg|SH^Sairaanhoitaja\r' +
  // The same wall-clock time as winter time; no SCH-8 (contact mode unknown, not malformed); an unknown service code.
  'SCH|5003||||||||||^^^202510260330+0200^202510260345+0200||||||||||||||noshow\r' +
  'AIS|1||VO-X^Muu^PEGASOS\r' +
  'AIL|1||^^^Lapinjärven terveysasema&1.2.246.10.2345678.10.4071\r' +
  // A local time in the skipped March hour without an offset.
  'SCH|5004||||||||||^^^202503300330^202503300400||||||||||||||Booked\r' +
  'AIL|1||^^^Loviisan terveysasema\r' +
  'SCH|5005||||||||||^^^202501140900+0200^202501140930+0200||||||||||||||Waitlist\r' +
  'AIL|1||^^^Loviisan terveysasema\r' +
  'SCH|5006||||||||||^^^202501140900+0200^202501140930+0200||||||||||||||Booked\r' +
  'SCH|5007||||||||||^^^202501140900+0200^202501140830+0200||||||||||||||Booked\r' +
  'AIL|1||^^^Loviisan terveysasema\r';

describe('Q_AJANVARAUKSET answer → appointments', () => {
  const ctx = { instance, hetu: HETU, municipality: '434' as const };
  const r = mapAppointments(answer('Q_AJANVARAUKSET', APPTS).body, ctx);
  if (r instanceof AdapterError) throw r;
  const prov = (localId: string) => ({ instance, product: 'pegasos', municipality: '434', localId });

  it('maps SCH, AIS, AIL, AIP with instants from their own offsets on both sides of the DST changes', () => {
    expect(r.appointments).toEqual([
      {
        careArea: 'PRIMARY_HEALTH',
        professionalKind: 'PHYSICIAN',
        contactMode: 'PHONE',
        start: '2025-03-30T02:30:00+02:00',
        durationMinutes: 60,
        unit: { oid: '1.2.246.10.2345678.10.4341', name: 'Loviisan terveysasema' },
        professional: { name: 'Anna Liisa Virtanen', title: 'Lääkäri' },
        status: 'BOOKED',
        note: 'Tuo mukaan lääkelista & "tulkki"\r\nSoita ennen',
        source: prov('5001'),
      },
      {
        careArea: 'PRIMARY_HEALTH',
        professionalKind: 'PUBLIC_HEALTH_NURSE',
        contactMode: 'VIDEO',
        start: '2025-10-26T03:30:00+03:00',
        durationMinutes: 60,
        unit: { name: 'Lovisa hälsostation' },
        professional: { name: 'Öberg', title: 'Sairaanhoitaja' },
        status: 'COMPLETED',
        source: prov('5002'),
      },
      {
        careArea: 'PRIMARY_HEALTH',
        start: '2025-10-26T03:30:00+02:00',
        durationMinutes: 15,
        unit: { oid: '1.2.246.10.2345678.10.4071', name: 'Lapinjärven terveysasema' },
        status: 'NO_SHOW',
        source: prov('5003'),
      },
    ]);
  });

  it('reports unknown codes and unmappable appointments with positions, serving the rest', () => {
    expect(r.issues).toEqual([
      {
        code: 'UNMAPPED_CODE',
        source: instance,
        position: 'Q_AJANVARAUKSET response SCH[3] AIS-3',
        reason: 'expected AIS-3 VO-L, VO-H, VO-TH, VO-F or VO-P, received another code',
        unmapped: { field: 'AIS-3', value: 'VO-X' },
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_AJANVARAUKSET response SCH[4]',
        reason: 'expected SCH-11.4 start as YYYYMMDDHHMM+HHMM, received a value of another form',
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_AJANVARAUKSET response SCH[5]',
        reason: 'expected SCH-25 Booked, Complete, Cancelled or Noshow, received another value',
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_AJANVARAUKSET response SCH[6]',
        reason: 'expected AIL-3.4 unit name, received none',
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_AJANVARAUKSET response SCH[7]',
        reason: 'expected SCH-11.5 end at or after SCH-11.4 start, received an earlier end',
      },
    ]);
  });

  it('reads an unknown SCH-8 code as no contact mode, with an issue', () => {
    const text =
      header(AJANVARAUKSET, HETU) +
      'SCH|1|||||||POSTI^Kirje|||^^^202501140900+0200^202501140930+0200||||||||||||||Cancelled\rAIL|1||^^^Asema\r';
    const m = mapAppointments(answer('Q_AJANVARAUKSET', text).body, ctx);
    if (m instanceof AdapterError) throw m;
    expect(m.appointments[0]).not.toHaveProperty('contactMode');
    expect(m.appointments[0]?.status).toBe('CANCELLED');
    expect(m.issues.map((i) => [i.code, i.position, i.unmapped])).toEqual([
      ['UNMAPPED_CODE', 'Q_AJANVARAUKSET response SCH[1] SCH-8', { field: 'SCH-8', value: 'POSTI' }],
    ]);
  });
});

describe('Q_MAKSUT answer → fees', () => {
  const text =
    header(MAKSUT, `${HETU}|2025`) +
    'PID|||1001^^^PEGASOS^PI~131052-9085^^^&1.2.246.21&ISO^NNFIN\r' +
    'FT1|1|F9001||20250114||CG|PTHMAKSU^Avosairaanhoidon käyntimaksu||||20.60^EUR\r' +
    'ZFT|Y|P\r' +
    'FT1|1|F9002||20250301||CG|PTHMAKSU^Käyttämättä jätetty aika \\F\\ sakko||||51.5^EUR\r' +
    'ZFT|N|V\r' +
    'FT1|1|F9003||20250302||CG|SARJA||||1234.05\r' +
    'ZFT|Y|O\r' +
    'FT1|1|F9004||20250302||CG|X^y||||20,60^EUR\r' +
    'ZFT|Y|O\r' +
    'FT1|1|F9005||20250303||CG|X^y||||20.60^EUR\r' +
    'FT1|1|F9006||20250303||CG|X^y||||20.60^SEK\r' +
    'ZFT|Y|O\r' +
    'FT1|1|F9007||20250303||CG|X^y||||20.60^EUR\r' +
    'ZFT|Y|Q\r';
  const r = mapFees(answer('Q_MAKSUT', text).body, { instance, hetu: HETU, municipality: '407', year: 2025 });
  if (r instanceof AdapterError) throw r;
  const prov = (localId: string) => ({ instance, product: 'pegasos', municipality: '407', localId });

  it('maps FT1 and ZFT: decimal point euros to cents, text of the fee code as description', () => {
    expect(r.fees).toEqual([
      {
        careArea: 'PRIMARY_HEALTH',
        register: 'HEALTH',
        date: '2025-01-14',
        description: 'Avosairaanhoidon käyntimaksu',
        amountCents: 2060,
        accruesToCeiling: true,
        status: 'PAID',
        source: prov('F9001'),
      },
      {
        careArea: 'PRIMARY_HEALTH',
        register: 'HEALTH',
        date: '2025-03-01',
        description: 'Käyttämättä jätetty aika | sakko',
        amountCents: 5150,
        accruesToCeiling: false,
        status: 'VOIDED',
        source: prov('F9002'),
      },
      {
        careArea: 'PRIMARY_HEALTH',
        register: 'HEALTH',
        date: '2025-03-02',
        description: 'SARJA',
        amountCents: 123405,
        accruesToCeiling: true,
        status: 'OPEN',
        source: prov('F9003'),
      },
    ]);
  });

  it('reports fees it cannot map, by year and position', () => {
    expect(r.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_MAKSUT 2025 response FT1[4]',
        reason: 'expected FT1-11 amount as euros with a decimal point, received a value of another form',
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_MAKSUT 2025 response FT1[5]',
        reason: 'expected a ZFT segment after FT1, received none',
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_MAKSUT 2025 response FT1[6]',
        reason: 'expected FT1-11 currency EUR, received another currency',
      },
      {
        code: 'MALFORMED_RECORD',
        source: instance,
        position: 'Q_MAKSUT 2025 response FT1[7]',
        reason: 'expected ZFT-2 O, P or V, received another value',
      },
    ]);
  });
});

describe('Q_MUUTTUNEET answer → changed persons', () => {
  it('lists persons with their PI ids, reports invalid codes without naming them, and returns the DSC pointer', () => {
    const text =
      header('Q_MUUTTUNEET^Muuttuneet^PEGASOS', '20250101000000') +
      'PID|||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI\r' +
      'PID|||1002^^^PEGASOS^PI~131052-9086^^^&1.2.246.21&ISO^NNFIN\r' +
      'PID|||1003^^^PEGASOS^PI\r' +
      'PID|||010594-9021^^^&1.2.246.21&ISO^NNFIN\r' +
      'DSC|500|I\r';
    const r = mapChanged(answer('Q_MUUTTUNEET', text).body, { instance, page: 2 });
    expect(r.persons).toEqual([{ hetu: HETU, localId: '1001' }, { hetu: '010594-9021' }]);
    expect(r.continuation).toBe('500');
    expect(r.issues).toEqual([
      {
        code: 'INVALID_IDENTITY_CODE',
        source: instance,
        position: 'Q_MUUTTUNEET page 2 PID[2]',
        reason: 'expected a valid identity code in PID-3, received one where the check character does not match',
      },
      {
        code: 'INVALID_IDENTITY_CODE',
        source: instance,
        position: 'Q_MUUTTUNEET page 2 PID[3]',
        reason: 'expected PID-3 to hold an identity code of type NNFIN, received none',
      },
    ]);
  });
});

describe('answer header', () => {
  const expectation = { instance, query: 'Q_POTILAS' as const, controlId: 'RG1', tag: 'T1' };
  const read = (text: string) => readAnswer(text, expectation);
  const code = (r: unknown) => (r instanceof AdapterError ? [r.code, r.source] : r);

  it('reads OK and NF', () => {
    expect((read(header(POTILAS, HETU)) as QueryAnswer).status).toBe('OK');
    expect((read(`${MSH}MSA|AA|RG1\rQAK|T1|NF|${POTILAS}\rQPD|${POTILAS}|T1|${HETU}\r`) as QueryAnswer).body).toEqual([]);
  });

  it('maps MSA AR (overload, maintenance) to SOURCE_UNAVAILABLE', () => {
    const r = read(`${MSH}MSA|AR|RG1\rERR|||207^Palvelu ylikuormittunut|E\r`);
    expect(code(r)).toEqual(['SOURCE_UNAVAILABLE', instance]);
    expect((r as AdapterError).message).toContain('207');
  });

  it('maps AE at QPD-3 to INVALID_IDENTITY_CODE and other AE to SOURCE_ERROR', () => {
    expect(code(read(`${MSH}MSA|AE|RG1\rERR||QPD^1^3|102^Data type error|E\rQAK|T1|AE|${POTILAS}\r`))).toEqual([
      'INVALID_IDENTITY_CODE',
      instance,
    ]);
    expect(code(read(`${MSH}MSA|AE|RG1\rERR|||207^Application internal error|E\rQAK|T1|AE|${POTILAS}\r`))).toEqual([
      'SOURCE_ERROR',
      instance,
    ]);
  });

  it.each([
    ['garbage', '\u0000\u00ffnot hl7'],
    ['no MSH', 'MSA|AA|RG1\rQAK|T1|OK\r'],
    ['no MSA', `${MSH}QAK|T1|OK\r`],
    ["another request's answer", `${MSH}MSA|AA|RG9\rQAK|T1|OK\r`],
    ['another query tag', `${MSH}MSA|AA|RG1\rQAK|T9|OK\r`],
    ['no QAK', `${MSH}MSA|AA|RG1\r`],
    ['an unknown QAK-2', `${MSH}MSA|AA|RG1\rQAK|T1|MAYBE\r`],
    ['a truncated message', MSH.slice(0, 40)],
  ])('maps %s to MALFORMED_RESPONSE', (_what, text) => {
    expect(code(read(text))).toEqual(['MALFORMED_RESPONSE', instance]);
  });
});
