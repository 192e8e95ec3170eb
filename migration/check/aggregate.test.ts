/**
 * The check aggregator on literal reads: what it counts, groups and
 * lists, and that its sections (terminal and HTML) carry no identity codes.
 */
import { describe, expect, it } from 'vitest';
import { AdapterError, emptyRecords, issue, makeHetu, type Appointment, type SourceRecords, type VtjPerson } from '../../domain/index.ts';
import { renderHtml } from '../report/html.ts';
import { renderTerminal } from '../report/terminal.ts';
import type { CheckDetails } from './aggregate.ts';
import { CheckAggregator, shownValue } from './aggregate.ts';

const HETU_A = makeHetu('1950-01-01', 901);
const HETU_B = makeHetu('1960-02-02', 902);
const HETU_C = makeHetu('1970-03-03', 903);

function vtj(hetu: string, extra: Partial<VtjPerson> = {}): VtjPerson {
  return { hetu, hetuInForce: true, surname: 'Virtanen', firstNames: 'Aino', turvakielto: false, guardians: [], dependants: [], ...extra };
}

function appointment(localId: string, start: string, status: Appointment['status'] = 'BOOKED'): Appointment {
  return {
    careArea: 'PRIMARY_HEALTH',
    professionalKind: 'NURSE',
    start,
    durationMinutes: 20,
    unit: { name: 'Terveysasema' },
    status,
    source: { instance: 'lifecare-porvoo', product: 'lifecare', municipality: '638', localId },
  };
}

function records(hetu: string, localId: string, appointments: Appointment[] = []): SourceRecords {
  return {
    ...emptyRecords(hetu, 'lifecare-porvoo'),
    person: {
      hetu,
      surname: 'Virtanen',
      firstNames: 'Aino',
      birthDate: '1950-01-01',
      municipality: '638',
      turvakielto: false,
      source: { instance: 'lifecare-porvoo', product: 'lifecare', municipality: '638', localId },
    },
    appointments,
  };
}

describe('CheckAggregator', () => {
  it('counts records per group, empty fields, persons not in VTJ, duplicates and deceased persons with future appointments', () => {
    const agg = new CheckAggregator('lifecare-porvoo', '2026-11-23');
    agg.listingIssues([
      issue('INVALID_IDENTITY_CODE', 'lifecare-porvoo', 'HaeMuuttuneet page 1 Hetu[3]', 'the check character does not match'),
    ]);
    agg.person(
      { hetu: HETU_A },
      1,
      {
        records: records(HETU_A, '1001', [
          appointment('5001', '2026-11-20T09:00:00+02:00'),
          appointment('5002', '2026-12-01T09:00:00+02:00', 'CANCELLED'),
        ]),
        issues: [],
      },
      vtj(HETU_A, { deathDate: '2026-10-01' }),
    );
    agg.person(
      { hetu: HETU_B },
      2,
      {
        records: records(HETU_B, '1002'),
        issues: [
          issue(
            'MALFORMED_RECORD',
            'lifecare-porvoo',
            'HaeKaynnit response Kaynti[2]',
            'expected Alkuaika as YYYY-MM-DDThh:mm:ss, received a value of another form',
          ),
        ],
      },
      null,
    );
    agg.duplicate({ hetu: HETU_B, localId: '1002' }, 3);
    agg.person(
      { hetu: HETU_C },
      4,
      new AdapterError('SOURCE_UNAVAILABLE', 'lifecare-porvoo', 'HaePotilas: expected an answer within 5000 ms, received none'),
      vtj(HETU_C),
    );

    const d = agg.details();
    expect(d.records).toEqual({ person: 2, customerships: 0, decisions: 0, plans: 0, appointments: 2, fees: 0, consents: 0 });
    expect(d.identity.invalid).toBe(1);
    expect(d.identity.notInVtj).toEqual([{ person: 'person 1002', hetu: HETU_B, localId: '1002' }]);
    expect(d.identity.duplicates).toEqual([{ person: 'person 1002', hetu: HETU_B, localId: '1002', ordinal: 3 }]);
    expect(d.identity.temporary).toBe(3);
    expect(d.deceasedWithFutureAppointments).toEqual([
      {
        person: 'person 1001',
        hetu: HETU_A,
        deathDate: '2026-10-01',
        deathDateFrom: 'vtj',
        appointmentLocalId: '5002',
        start: '2026-12-01T09:00:00+02:00',
        status: 'CANCELLED',
      },
    ]);
    expect(d.readErrors).toEqual([
      {
        code: 'SOURCE_UNAVAILABLE',
        reason: 'HaePotilas: expected an answer within 5000 ms, received none',
        count: 1,
        positions: [{ position: 'readPersons', person: 'listed person #4', hetu: HETU_C }],
      },
    ]);
    const byField = Object.fromEntries(d.completeness.map((r) => [`${r.group}.${r.field}`, r]));
    expect(byField['person.phone']).toMatchObject({ items: 2, empty: 2, percentEmpty: 100 });
    expect(byField['person.surname']).toMatchObject({ items: 2, empty: 0 });
    expect(byField['appointments.contactMode']).toMatchObject({ items: 2, empty: 2 });
    expect(byField['appointments.unit.oid']).toMatchObject({ items: 2, empty: 2 });
    expect(byField['appointments.unit.name']).toMatchObject({ items: 2, empty: 0 });

    const result = agg.result({ startedAt: '2026-11-23T10:00:00+02:00', durationMs: 5 });
    expect(result.status).toBe('problems');
    expect(result.summary['persons not in VTJ']).toBe(1);
    expect(result.summary['deceased with future appointments']).toBe(1);
    const shown = JSON.stringify(result.sections) + JSON.stringify(result.summary);
    for (const h of [HETU_A, HETU_B, HETU_C]) expect(shown).not.toContain(h);
    expect((result.details as CheckDetails).identity.notInVtj[0]!.hetu).toBe(HETU_B);
  });

  it('reports an identity issue the listing and the reads both give once, and keeps per-person positions apart', () => {
    const agg = new CheckAggregator('proconsona-sipoo', '2026-11-23');
    const unlinked = issue(
      'UNLINKED_RECORD',
      'proconsona-sipoo',
      'V_ASIAKAS ASIAKAS_ID=1012',
      'expected HETU with a century sign, received one without it',
    );
    agg.listingIssues([unlinked]);
    const line3 = issue(
      'UNMAPPED_CODE',
      'proconsona-sipoo',
      'ajanvaraus.csv line 3',
      'expected TYYPPI as a known professional type in Finnish or Swedish, received free text of another kind',
    );
    agg.person({ hetu: HETU_A }, 1, { records: emptyRecords(HETU_A, 'proconsona-sipoo'), issues: [unlinked, line3] }, vtj(HETU_A));
    agg.person({ hetu: HETU_B }, 2, { records: emptyRecords(HETU_B, 'proconsona-sipoo'), issues: [unlinked, line3] }, vtj(HETU_B));
    const d = agg.details();
    expect(d.identity.unlinked).toBe(1);
    expect(d.unmapped).toHaveLength(1);
    expect(d.unmapped[0]!.count).toBe(2);
    expect(d.read.notKnown).toBe(2);
  });

  it('is clean when nothing is wrong', () => {
    const agg = new CheckAggregator('lifecare-porvoo', '2026-11-23');
    agg.person(
      { hetu: HETU_A },
      1,
      { records: records(HETU_A, '1001', [appointment('5001', '2026-11-20T09:00:00+02:00')]), issues: [] },
      vtj(HETU_A),
    );
    expect(agg.result({ startedAt: '2026-11-23T10:00:00+02:00', durationMs: 1 }).status).toBe('clean');
  });

  it('names persons of sources keyed by identity code by their place in the listing, never by the code', () => {
    const agg = new CheckAggregator('effica-porvoo', '2026-11-23');
    const r = records(HETU_A, HETU_A);
    agg.person({ hetu: HETU_A, localId: HETU_A }, 7, { records: r, issues: [] }, null);
    expect(agg.details().identity.notInVtj[0]!.person).toBe('listed person #7');
  });

  it('lists each unmapped value with its field, instance and count, in the terminal, JSON and HTML; free text is not quoted', () => {
    const agg = new CheckAggregator('pegasos-loviisa', '2026-11-23');
    const ais = (k: number, value: string) =>
      issue(
        'UNMAPPED_CODE',
        'pegasos-loviisa',
        `Q_AJANVARAUKSET response SCH[${k}] AIS-3`,
        'expected AIS-3 VO-L, VO-H, VO-TH, VO-F or VO-P, received another code',
        { unmapped: { field: 'AIS-3', value } },
      );
    const lang = issue(
      'UNMAPPED_CODE',
      'pegasos-loviisa',
      'Q_POTILAS response PID PID-15',
      'expected PID-15 as a two-letter ISO 639-1 code, received another value',
      { unmapped: { field: 'PID-15', value: 'svenska' } },
    );
    const typed = issue(
      'UNMAPPED_CODE',
      'pegasos-loviisa',
      'Q_AJANVARAUKSET response SCH[9] AIS-3',
      'expected AIS-3 VO-L, VO-H, VO-TH, VO-F or VO-P, received another code',
      {
        unmapped: { field: 'AIS-3', value: `Soita ${HETU_B} numeroon 040 123 4567, asiakas toivoo aamupäivää` },
      },
    );
    agg.person(
      { hetu: HETU_A, localId: '11' },
      1,
      { records: records(HETU_A, '11'), issues: [ais(1, 'VO-X'), ais(2, 'VO-X'), lang] },
      vtj(HETU_A),
    );
    agg.person(
      { hetu: HETU_B, localId: '12' },
      2,
      { records: records(HETU_B, '12'), issues: [ais(1, 'VO-X'), ais(2, 'VO-LAB'), typed] },
      vtj(HETU_B),
    );

    const d = agg.details();
    expect(d.unmappedValues.map(({ instance, field, value, count }) => ({ instance, field, value, count }))).toEqual([
      { instance: 'pegasos-loviisa', field: 'AIS-3', value: 'VO-X', count: 3 },
      { instance: 'pegasos-loviisa', field: 'AIS-3', value: '(not shown: not a code-like value)', count: 1 },
      { instance: 'pegasos-loviisa', field: 'AIS-3', value: 'VO-LAB', count: 1 },
      { instance: 'pegasos-loviisa', field: 'PID-15', value: 'svenska', count: 1 },
    ]);
    expect(d.unmappedValues[0]!.positions.map((p) => `${p.person} · ${p.position}`)).toEqual([
      'person 11 · Q_AJANVARAUKSET response SCH[1] AIS-3',
      'person 11 · Q_AJANVARAUKSET response SCH[2] AIS-3',
      'person 12 · Q_AJANVARAUKSET response SCH[1] AIS-3',
    ]);
    const result = agg.result({ startedAt: '2026-11-23T10:00:00+02:00', durationMs: 5 });
    expect(result.summary['unmapped values']).toBe(4);
    const terminal = renderTerminal(result);
    expect(terminal).toMatch(/pegasos-loviisa\s+AIS-3\s+VO-X\s+3\s+person 11 · Q_AJANVARAUKSET response SCH\[1\] AIS-3/);
    expect(terminal).toMatch(/pegasos-loviisa\s+PID-15\s+svenska\s+1/);
    const html = renderHtml(result);
    expect(html).toContain('<td>VO-LAB</td>');
    expect(html).toContain('<td>PID-15</td>');
    // The JSON's details name persons by code (for the team's follow-up), but no file quotes the free text.
    for (const text of [terminal, html, JSON.stringify(result)]) expect(text).not.toContain('aamupäivää');
    for (const text of [terminal, html]) expect(text).not.toContain(HETU_B);
  });

  it('shows code-list values and withholds free text', () => {
    expect(shownValue(' Kontrolli ')).toBe('Kontrolli');
    expect(shownValue('Återbesök')).toBe('Återbesök');
    expect(shownValue('VO-X')).toBe('VO-X');
    expect(shownValue('9')).toBe('9');
    expect(shownValue('')).toBe('(empty)');
    expect(shownValue('Soita ennen; asiakas ei kuule hyvin ja haluaa tulkin')).toBe('(not shown: not a code-like value)');
    expect(shownValue('Kontrolli\r\nsoita')).toBe('(not shown: not a code-like value)');
    expect(shownValue('131052-9085')).toBe('(not shown: not a code-like value)');
    expect(shownValue('"lainattu"')).toBe('(not shown: not a code-like value)');
  });

  it('reports a temporary client without an identity code together with every record that belongs to it', () => {
    const agg = new CheckAggregator('proconsona-loviisa', '2026-11-23');
    agg.listingIssues([
      issue(
        'UNLINKED_RECORD',
        'proconsona-loviisa',
        'V_ASIAKAS ASIAKAS_ID=7',
        'expected HETU, received NULL, so the client is attached to no one',
        {
          dependents: [
            'V_ASIAKKUUS ASIAKKUUS_ID=107',
            'V_MAKSU MAKSU_ID=406',
            'V_MAKSU MAKSU_ID=407',
            'V_PAATOS PAATOS_ID=203',
            'V_SUOSTUMUS SUOSTUMUS_ID=503',
            'V_SUUNNITELMA SUUNNITELMA_ID=304',
          ],
        },
      ),
      issue('INVALID_IDENTITY_CODE', 'proconsona-loviisa', 'V_ASIAKAS ASIAKAS_ID=8', 'the check character does not match', {
        dependents: [],
      }),
    ]);
    const d = agg.details();
    expect(d.unlinkedWithRecords.map((u) => [u.position, u.records])).toEqual([
      ['V_ASIAKAS ASIAKAS_ID=7', { customerships: 1, fees: 2, decisions: 1, consents: 1, plans: 1 }],
      ['V_ASIAKAS ASIAKAS_ID=8', {}],
    ]);
    const result = agg.result({ startedAt: '2026-11-23T10:00:00+02:00', durationMs: 5 });
    expect(result.summary['records of rows linked to no one']).toBe(6);
    const section = result.sections.find((s) => s.id === 'unlinked-records')!;
    expect(section.table!.rows[0]).toEqual([
      'V_ASIAKAS ASIAKAS_ID=7',
      'UNLINKED_RECORD',
      1,
      1,
      1,
      2,
      1,
      'V_ASIAKKUUS ASIAKKUUS_ID=107; V_MAKSU MAKSU_ID=406; V_MAKSU MAKSU_ID=407; V_PAATOS PAATOS_ID=203; V_SUOSTUMUS SUOSTUMUS_ID=503; V_SUUNNITELMA SUUNNITELMA_ID=304',
    ]);
    expect(renderTerminal(result)).toMatch(/V_ASIAKAS ASIAKAS_ID=7\s+UNLINKED_RECORD\s+1\s+1\s+1\s+2\s+1\s+V_ASIAKKUUS ASIAKKUUS_ID=107/);
  });
});
