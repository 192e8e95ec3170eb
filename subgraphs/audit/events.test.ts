import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Appointment, Customership } from '../../domain/model.ts';
import { accessContext, decideGroup, filterRecords } from '../access/policy.ts';
import type { EmergencyGrant, SubjectRecords } from '../access/policy.ts';
import type { Identity } from '../../contract/identity.ts';
import { actorOf, outcomesOf, readEvents } from './events.ts';

const NOW = new Date('2025-06-15T12:00:00+03:00');
const PERSON = makeHetu('1980-05-01', 901);
const UNIT = '1.2.246.10.12345678.10.1';
const physician: Identity = {
  kind: 'professional',
  sub: 'physician-2',
  name: 'Demo Lääkäri',
  profession: 'PHYSICIAN',
  units: ['1.2.246.10.99999999.10.1'],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};
const appointment: Appointment = {
  careArea: 'PRIMARY_HEALTH',
  start: '2025-05-20T09:00:00+03:00',
  durationMinutes: 20,
  unit: { oid: UNIT, name: 'Terveysasema' },
  status: 'COMPLETED',
  source: { instance: 'lifecare-porvoo', product: 'lifecare', municipality: '638', localId: 'A1' },
};
const cw: Customership = {
  careArea: 'SOCIAL',
  serviceTask: 'CHILD_WELFARE',
  startDate: '2024-01-01',
  extraSensitive: true,
  source: { instance: 'effica-porvoo', product: 'effica', municipality: '638', localId: 'C1' },
};
const records: SubjectRecords = { appointments: [appointment], customerships: [cw], decisions: [], plans: [], fees: [], consents: [] };
const grant: EmergencyGrant = {
  id: 'g1',
  sub: 'physician-2',
  hetu: PERSON,
  reason: 'Tajuton potilas päivystyksessä',
  startedAt: new Date(NOW.getTime() - 3_600_000),
  expiresAt: new Date(NOW.getTime() + 3_600_000),
};
const subject = { hetu: PERSON, birthDate: '1980-05-01', guardians: [], turvakielto: false };

describe('readEvents', () => {
  it('one event per distinct outcome (in order met), groups in DATA_GROUPS order, emergency flagged with the reason, basic data by role unflagged; the only customership (child welfare) is a denial', () => {
    const ctx = accessContext({ identity: physician, subject, records, grants: [grant], now: NOW });
    const outcomes = [
      ...outcomesOf('CUSTOMERSHIPS', filterRecords(ctx, 'CUSTOMERSHIPS', records.customerships)),
      ...outcomesOf('APPOINTMENTS', filterRecords(ctx, 'APPOINTMENTS', records.appointments)),
      { group: 'CONTACT' as const, decision: decideGroup(ctx, 'CONTACT') },
      { group: 'BASIC' as const, decision: decideGroup(ctx, 'BASIC') },
    ];
    expect(readEvents({ requestId: 'req-1', at: NOW }, ctx, outcomes)).toEqual([
      {
        at: NOW,
        requestId: 'req-1',
        action: 'READ',
        actorSub: 'physician-2',
        actorRole: 'professional',
        actorName: 'Demo Lääkäri',
        subjectHetu: PERSON,
        dataGroups: ['CUSTOMERSHIPS'],
        outcome: 'DENIED',
        reason: 'CHILD_WELFARE_RESTRICTED',
        emergency: false,
      },
      {
        at: NOW,
        requestId: 'req-1',
        action: 'READ',
        actorSub: 'physician-2',
        actorRole: 'professional',
        actorName: 'Demo Lääkäri',
        subjectHetu: PERSON,
        dataGroups: ['APPOINTMENTS'],
        outcome: 'ALLOWED',
        basis: 'EMERGENCY',
        emergency: true,
        emergencyReason: 'Tajuton potilas päivystyksessä',
      },
      {
        at: NOW,
        requestId: 'req-1',
        action: 'READ',
        actorSub: 'physician-2',
        actorRole: 'professional',
        actorName: 'Demo Lääkäri',
        subjectHetu: PERSON,
        dataGroups: ['BASIC', 'CONTACT'],
        outcome: 'ALLOWED',
        basis: 'PROFESSIONAL_ROLE',
        emergency: false,
      },
    ]);
  });

  it('records denials of an unauthenticated caller as anonymous', () => {
    const ctx = accessContext({ identity: null, subject, records, grants: [], now: NOW });
    const [event, ...rest] = readEvents({ requestId: 'r', at: NOW }, ctx, [{ group: 'FEES', decision: decideGroup(ctx, 'FEES') }]);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      actorSub: null,
      actorRole: 'anonymous',
      outcome: 'DENIED',
      reason: 'NOT_AUTHENTICATED',
      dataGroups: ['FEES'],
    });
    expect(event).not.toHaveProperty('actorName');
  });

  it('refuses an EMERGENCY decision without an active grant', () => {
    expect(() =>
      readEvents({ requestId: 'r', at: NOW }, { identity: physician, subject }, [
        { group: 'BASIC', decision: { allowed: true, basis: 'EMERGENCY' } },
      ]),
    ).toThrow(TypeError);
  });

  it('actorOf keeps claims other than sub, role and a professional name out', () => {
    expect(actorOf({ kind: 'citizen', sub: 's', hetu: PERSON })).toEqual({ actorSub: 's', actorRole: 'citizen' });
    expect(actorOf({ kind: 'analyst', sub: 'a' })).toEqual({ actorSub: 'a', actorRole: 'analyst' });
  });
});
