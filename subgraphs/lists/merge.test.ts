import { describe, expect, it } from 'vitest';
import type { Appointment, Fee } from '../../domain/model.ts';
import { appointment, consent, customership, fee, plan, prov } from '../testSupport/fakes.ts';
import { mergeAppointments, mergeConsents, mergeCustomerships, mergeFees, mergeMissing, mergePlans } from './merge.ts';

const porvoo = (id: string) => prov('lifecare-porvoo', '638', id);
const loviisa = (id: string) => prov('pegasos-loviisa', '434', id);
const sipoo = (id: string) => prov('mediatri-sipoo', '753', id);

const ids = (items: readonly { source: { localId: string } }[]) => items.map((i) => i.source.localId);

describe('mergeAppointments', () => {
  // 03:30+03:00 on the October change day is 00:30Z; 02:30+02:00 is 00:30Z too (same moment); 03:15+02:00 is later.
  const a: Appointment[] = [appointment(porvoo('P2'), '2025-10-26T03:15:00+02:00'), appointment(porvoo('P1'), '2025-10-26T03:30:00+03:00')];
  const b: Appointment[] = [
    appointment(loviisa('L1'), '2025-10-26T02:30:00+02:00', { status: 'COMPLETED', careArea: 'ORAL_HEALTH' }),
    appointment(loviisa('L2'), '2025-01-05T08:00:00+02:00', { status: 'CANCELLED' }),
  ];
  const c: Appointment[] = [appointment(sipoo('S1'), '2025-06-01T12:00:00+03:00')];

  it('merges every source and sorts by the moment, not the text; ties by instance then local id', () => {
    expect(ids(mergeAppointments([a, b, c]))).toEqual(['L2', 'S1', 'P1', 'L1', 'P2']);
  });

  it('filters by window (from inclusive, to exclusive), status and care area', () => {
    expect(ids(mergeAppointments([a, b, c], { from: '2025-06-01T12:00:00+03:00', to: '2025-10-26T03:15:00+02:00' }))).toEqual([
      'S1',
      'P1',
      'L1',
    ]);
    expect(ids(mergeAppointments([a, b, c], { status: ['COMPLETED', 'CANCELLED'] }))).toEqual(['L2', 'L1']);
    expect(ids(mergeAppointments([a, b, c], { careArea: ['ORAL_HEALTH'] }))).toEqual(['L1']);
    expect(ids(mergeAppointments([a, b, c], { notBefore: Date.parse('2025-06-01T09:00:01Z') }))).toEqual(['P1', 'L1', 'P2']);
  });

  it('orders descending and limits after sorting', () => {
    expect(ids(mergeAppointments([a, b, c], { order: 'DESC', first: 2 }))).toEqual(['P2', 'L1']);
    expect(mergeAppointments([a, b, c], { first: 0 })).toEqual([]);
  });
});

describe('the other lists', () => {
  it('sorts customerships by start date and filters by service task and open/ended', () => {
    const list = [
      customership(porvoo('3'), '2024-03-01', { serviceTask: 'CHILD_WELFARE', extraSensitive: true }),
      customership(loviisa('1'), '2023-01-01', { endDate: '2023-12-31' }),
      customership(sipoo('2'), '2024-03-01'),
    ];
    // Same start date: lifecare-porvoo before mediatri-sipoo.
    expect(ids(mergeCustomerships([list]))).toEqual(['1', '3', '2']);
    expect(ids(mergeCustomerships([list], { open: true }))).toEqual(['3', '2']);
    expect(ids(mergeCustomerships([list], { open: false }))).toEqual(['1']);
    expect(ids(mergeCustomerships([list], { serviceTask: ['CHILD_WELFARE'] }))).toEqual(['3']);
  });

  it('filters fees by year and status, sorted by date then source (numeric local ids)', () => {
    const fees: Fee[] = [
      fee(porvoo('10'), '2025-01-10', 100),
      fee(porvoo('9'), '2025-01-10', 200, { status: 'VOIDED' }),
      fee(loviisa('1'), '2024-12-31', 300),
      fee(sipoo('1'), '2026-01-01', 400, { status: 'PAID' }),
    ];
    expect(ids(mergeFees([fees]))).toEqual(['1', '9', '10', '1']);
    expect(ids(mergeFees([fees], { year: 2025 }))).toEqual(['9', '10']);
    expect(mergeFees([fees], { status: ['PAID'] }).map((f) => f.amountCents)).toEqual([400]);
  });

  it('filters plans by care area and consents by in force', () => {
    const plans = [plan(porvoo('1'), '2024-01-01'), plan(sipoo('2'), '2023-01-01', { careArea: 'SOCIAL', type: 'CLIENT_PLAN' })];
    expect(ids(mergePlans([plans]))).toEqual(['2', '1']);
    expect(ids(mergePlans([plans], { careArea: ['SOCIAL'] }))).toEqual(['2']);
    const consents = [consent(porvoo('1'), '2024-01-01', { withdrawnOn: '2024-06-01' }), consent(sipoo('2'), '2023-05-05')];
    expect(ids(mergeConsents([consents], { inForce: true }))).toEqual(['2']);
    expect(ids(mergeConsents([consents], { inForce: false }))).toEqual(['1']);
  });

  it('lists each missing source once, sorted', () => {
    expect(
      mergeMissing([
        [{ instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' }],
        [
          { instance: 'effica-porvoo', code: 'MALFORMED_RESPONSE' },
          { instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' },
        ],
      ]),
    ).toEqual([
      { instance: 'effica-porvoo', code: 'MALFORMED_RESPONSE' },
      { instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' },
    ]);
  });
});
