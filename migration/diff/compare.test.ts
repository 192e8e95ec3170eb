import { describe, expect, it } from 'vitest';
import type { Appointment, Customership, Decision, Fee, InstanceId, Provenance, SourceRecords } from '../../domain/index.ts';
import { comparePerson, comparables, flatten, isIdentical, matchGroup } from './compare.ts';

const HETU = '010190-902E';

function prov(instance: InstanceId, localId: string): Provenance {
  return { instance, product: instance.split('-')[0] as Provenance['product'], municipality: '504', localId };
}

function records(instance: InstanceId, parts: Partial<SourceRecords> = {}): SourceRecords {
  return {
    hetu: HETU,
    instance,
    person: {
      hetu: HETU,
      surname: 'Åström',
      firstNames: 'Åsa Maria',
      birthDate: '1990-01-01',
      sex: 'FEMALE',
      municipality: '504',
      address: { street: 'Kyrkvägen 3', postalCode: '07600', city: 'Mörskom' },
      turvakielto: false,
      changedAt: instance === 'lifecare-phhyky' ? '2025-01-01T10:00:00+02:00' : '2026-11-20T10:00:00+02:00',
      source: prov(instance, instance === 'lifecare-phhyky' ? '17' : '90017'),
    },
    customerships: [],
    decisions: [],
    plans: [],
    appointments: [],
    fees: [],
    consents: [],
    ...parts,
  };
}

function appointment(instance: InstanceId, localId: string, start: string, extra: Partial<Appointment> = {}): Appointment {
  return {
    careArea: 'PRIMARY_HEALTH',
    professionalKind: 'NURSE',
    start,
    durationMinutes: 30,
    unit: { oid: '1.2.246.10.2043512.10.5041', name: 'Myrskylä terveysasema' },
    status: 'COMPLETED',
    source: prov(instance, localId),
    ...extra,
  };
}

function fee(instance: InstanceId, localId: string, date: string, amountCents: number, extra: Partial<Fee> = {}): Fee {
  return {
    register: 'HEALTH',
    date,
    description: 'Avosairaanhoidon käyntimaksu',
    amountCents,
    accruesToCeiling: true,
    status: 'PAID',
    source: prov(instance, localId),
    ...extra,
  };
}

const A: InstanceId = 'lifecare-phhyky';
const B: InstanceId = 'lifecare-porvoo';

describe('flatten', () => {
  it('gives dotted leaf fields, leaves provenance and absent fields out', () => {
    expect(flatten(appointment(A, '1', '2026-06-01T10:00:00+03:00', { note: undefined }))).toEqual({
      careArea: 'PRIMARY_HEALTH',
      professionalKind: 'NURSE',
      start: '2026-06-01T10:00:00+03:00',
      durationMinutes: 30,
      'unit.oid': '1.2.246.10.2043512.10.5041',
      'unit.name': 'Myrskylä terveysasema',
      status: 'COMPLETED',
    });
  });
});

describe('comparePerson', () => {
  it('ignores local ids, provenance and the change stamp: the same records under new ids are identical', () => {
    const a = records(A, { appointments: [appointment(A, '1', '2026-06-01T10:00:00+03:00')], fees: [fee(A, '5', '2026-06-01', 2060)] });
    const b = records(B, {
      appointments: [appointment(B, '9001', '2026-06-01T10:00:00+03:00')],
      fees: [fee(B, '9002', '2026-06-01', 2060)],
    });
    const c = comparePerson(a, b);
    expect(isIdentical(c)).toBe(true);
    expect(c.appointments.matched).toBe(1);
    expect(c.person.matched).toBe(1);
  });

  it('compares instants as moments, whatever offset form they are written in', () => {
    const a = records(A, { appointments: [appointment(A, '1', '2026-06-01T10:00:00+03:00')] });
    const b = records(B, { appointments: [appointment(B, '2', '2026-06-01T07:00:00Z')] });
    expect(isIdentical(comparePerson(a, b))).toBe(true);
  });

  it('an appointment shifted by an hour is one changed record with field start, not one missing and one extra', () => {
    const a = records(A, {
      appointments: [
        appointment(A, '1', '2026-06-01T10:00:00+03:00'),
        appointment(A, '2', '2026-06-01T13:00:00+03:00', { status: 'BOOKED' }),
      ],
    });
    const b = records(B, {
      appointments: [
        appointment(B, '8', '2026-06-01T11:00:00+03:00'),
        appointment(B, '9', '2026-06-01T13:00:00+03:00', { status: 'BOOKED' }),
      ],
    });
    const c = comparePerson(a, b).appointments;
    expect(c.matched).toBe(1);
    expect(c.missing).toEqual([]);
    expect(c.extra).toEqual([]);
    expect(c.changed).toHaveLength(1);
    expect(c.changed[0]!.changes).toEqual([{ field: 'start', before: '2026-06-01T10:00:00+03:00', after: '2026-06-01T11:00:00+03:00' }]);
  });

  it('pairs the closest record when several could be the changed one', () => {
    const a = records(A, { appointments: [appointment(A, '1', '2026-06-01T10:00:00+03:00')] });
    const b = records(B, {
      appointments: [
        appointment(B, '8', '2026-06-02T10:00:00+03:00', { status: 'CANCELLED', durationMinutes: 60 }),
        appointment(B, '9', '2026-06-01T11:00:00+03:00'),
      ],
    });
    const c = comparePerson(a, b).appointments;
    expect(c.changed.map((x) => x.after.fields['start'])).toEqual(['2026-06-01T11:00:00+03:00']);
    expect(c.extra.map((x) => x.fields['start'])).toEqual(['2026-06-02T10:00:00+03:00']);
  });

  it('a lost record is missing, an added one extra; records too different are never paired', () => {
    const a = records(A, {
      fees: [
        fee(A, '1', '2026-01-10', 2060),
        fee(A, '2', '2026-02-10', 5150, { description: 'Käyttämättä jätetty vastaanottoaika', accruesToCeiling: false }),
      ],
    });
    const b = records(B, {
      fees: [
        fee(B, '3', '2026-01-10', 2060),
        fee(B, '4', '2026-03-10', 1140, { status: 'OPEN', accruesToCeiling: false, careArea: 'PRIMARY_HEALTH', register: 'SOCIAL' }),
      ],
    });
    const c = comparePerson(a, b).fees;
    expect(c.matched).toBe(1);
    expect(c.missing.map((x) => x.key)).toEqual([
      { date: '2026-02-10', amountCents: 5150, description: 'Käyttämättä jätetty vastaanottoaika' },
    ]);
    expect(c.extra.map((x) => x.key)).toEqual([{ date: '2026-03-10', amountCents: 1140, description: 'Avosairaanhoidon käyntimaksu' }]);
  });

  it('duplicates pair one to one: a duplicate lost in B is missing', () => {
    const a = records(A, { fees: [fee(A, '1', '2026-01-10', 4130), fee(A, '2', '2026-01-10', 4130)] });
    const b = records(B, { fees: [fee(B, '3', '2026-01-10', 4130)] });
    const c = comparePerson(a, b).fees;
    expect(c.matched).toBe(1);
    expect(c.missing).toHaveLength(1);
  });

  it('mangled names show as changed surname and firstNames of the person', () => {
    const b = records(B);
    const mangled = { ...b, person: { ...b.person!, surname: 'Ã…strÃ¶m', firstNames: 'Ã…sa Maria' } };
    const c = comparePerson(records(A), mangled);
    expect(c.person.changed[0]!.changes).toEqual([
      { field: 'firstNames', before: 'Åsa Maria', after: 'Ã…sa Maria' },
      { field: 'surname', before: 'Åström', after: 'Ã…strÃ¶m' },
    ]);
  });

  it('a field the target cannot carry is a change to null; a person missing in B is missing with all records', () => {
    const a = records(A, { appointments: [appointment(A, '1', '2026-06-01T10:00:00+03:00', { note: 'Tuo lääkelista' })] });
    const b = records(B, { appointments: [appointment(B, '2', '2026-06-01T10:00:00+03:00')] });
    expect(comparePerson(a, b).appointments.changed[0]!.changes).toEqual([{ field: 'note', before: 'Tuo lääkelista', after: null }]);
    const gone = comparePerson(a, { ...records(B), person: undefined, appointments: [] });
    expect(gone.person.missing).toHaveLength(1);
    expect(gone.appointments.missing).toHaveLength(1);
  });

  it('decisions refer to customerships by natural key, not by local id', () => {
    const cust = (i: InstanceId, id: string, startDate: string): Customership => ({
      careArea: 'SOCIAL',
      serviceTask: 'OLDER_PEOPLE',
      startDate,
      extraSensitive: false,
      source: prov(i, id),
    });
    const dec = (i: InstanceId, id: string, customershipId: string): Decision => ({
      customershipId,
      service: 'Säännöllinen kotihoito',
      decisionDate: '2025-05-02',
      validFrom: '2025-05-02',
      outcome: 'GRANTED',
      source: prov(i, id),
    });
    const a = records('effica-phhyky', {
      customerships: [cust('effica-phhyky', 'C1', '2025-05-01'), cust('effica-phhyky', 'C2', '2024-01-01')],
      decisions: [dec('effica-phhyky', 'D1', 'C1')],
    });
    const same = records('effica-porvoo', {
      customerships: [cust('effica-porvoo', '77', '2025-05-01'), cust('effica-porvoo', '78', '2024-01-01')],
      decisions: [dec('effica-porvoo', '99', '77')],
    });
    expect(isIdentical(comparePerson(a, same))).toBe(true);
    const wrong = records('effica-porvoo', { customerships: same.customerships, decisions: [dec('effica-porvoo', '99', '78')] });
    expect(comparePerson(a, wrong).decisions.changed[0]!.changes).toEqual([
      { field: 'customership', before: 'OLDER_PEOPLE 2025-05-01', after: 'OLDER_PEOPLE 2024-01-01' },
    ]);
    expect(
      comparables(records('effica-porvoo', { decisions: [dec('effica-porvoo', '1', 'nowhere')] })).decisions[0]!.fields['customership'],
    ).toBe('(no such customership)');
  });

  it('with a baseline, B keeps its own records and basic data out of the comparison', () => {
    const own = appointment(B, '500', '2026-03-01T09:00:00+02:00', { unit: { name: 'Porvoon terveysasema' } });
    const targetBefore = records(B, {
      person: { ...records(B).person!, municipality: '638', address: { street: 'Mannerheimgatan 1', postalCode: '06100', city: 'Borgå' } },
      appointments: [own],
    });
    const a = records(A, { appointments: [appointment(A, '1', '2026-06-01T10:00:00+03:00')] });
    const after = { ...targetBefore, appointments: [own, appointment(B, '9001', '2026-06-01T10:00:00+03:00')] };
    expect(isIdentical(comparePerson(a, after, targetBefore))).toBe(true);
    const withoutBaseline = comparePerson(a, after);
    expect(withoutBaseline.appointments.extra).toHaveLength(1);
    expect(withoutBaseline.person.changed).toHaveLength(1);
    // The migration overwrote the target's basic data: a change against the baseline.
    const overwritten = { ...after, person: { ...after.person!, municipality: '504' } };
    expect(comparePerson(a, overwritten, targetBefore).person.changed[0]!.changes).toEqual([
      { field: 'municipality', before: '638', after: '504' },
    ]);
  });
});

describe('matchGroup', () => {
  it('exactOnly pairs equal records only', () => {
    const x = comparables(records(A, { fees: [fee(A, '1', '2026-01-10', 2060)] })).fees;
    const y = comparables(records(B, { fees: [fee(B, '2', '2026-01-10', 2060, { status: 'OPEN' })] })).fees;
    const m = matchGroup(x, y, true);
    expect(m.equal).toEqual([]);
    expect(m.changed).toEqual([]);
    expect(m.missing).toHaveLength(1);
    expect(m.extra).toHaveLength(1);
  });
});
