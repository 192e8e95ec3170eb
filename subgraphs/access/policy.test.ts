/**
 * The access policy as a matrix: identity × data group (or record) ×
 * situation → expected decision. Each row builds its own situation from a
 * small base, so a row reads as the case it tests.
 */
import { describe, expect, it } from 'vitest';
import type { Appointment, CareArea, Consent, ConsentType, Customership, Decision, Fee, Plan, ServiceTask } from '../../domain/model.ts';
import { makeHetu } from '../../domain/hetu.ts';
import type { Identity } from '../../contract/identity.ts';
import {
  ACCESS_BASES,
  accessContext,
  addMonths,
  aggregateAccess,
  auditsLookup,
  consentInForce,
  customerRecordsNeedGuardians,
  decideCustomerRecords,
  decideEmergencyStart,
  decideGroup,
  decideLookup,
  decideOwnReadLog,
  decidePersonalRead,
  decideRecord,
  decideRelative,
  decideVtjGroup,
  decideVtjGroupAt,
  DENY_REASONS,
  filterRecords,
  lookupNeedsGuardians,
  subjectFromVtj,
} from './policy.ts';
import type {
  AccessDecision,
  DataGroup,
  EmergencyGrant,
  EmergencyStartDecision,
  OwnReadLogDecision,
  RecordGroup,
  RoleDecision,
  SubjectBasics,
  SubjectRecords,
} from './policy.ts';

// ------------------------------------------------------------------ fixtures

/** 15 June 2025, 12:00 Helsinki (summer time). */
const NOW = new Date('2025-06-15T12:00:00+03:00');
const HOUR = 3_600_000;

const ADULT = makeHetu('1980-05-01', 901);
const MINOR = makeHetu('2012-03-10', 902);
const EIGHTEEN_TODAY = makeHetu('2007-06-15', 903);
const EIGHTEEN_TOMORROW = makeHetu('2007-06-16', 904);
const GUARDIAN_1 = makeHetu('1979-01-20', 905);
const GUARDIAN_2 = makeHetu('1981-11-02', 906);
const STRANGER = makeHetu('1990-02-02', 907);

const PTH_UNIT = '1.2.246.10.12345678.10.1';
const STH_UNIT = '1.2.246.10.12345678.10.2';
const OTHER_PTH_UNIT = '1.2.246.10.87654321.10.1';
const ADULT_SOCIAL_UNIT = 'Aikuissosiaalityö Porvoo';
const CW_UNIT = 'Lastensuojelu Porvoo';

function professional(
  sub: string,
  profession: Extract<Identity, { kind: 'professional' }>['profession'],
  units: string[],
  careAreas: CareArea[],
  serviceTasks: ServiceTask[] = [],
  municipality: '638' | '434' | '753' = '638',
): Identity {
  return { kind: 'professional', sub, name: `Demo ${sub}`, profession, units, careAreas, serviceTasks, municipality };
}

const WHO = {
  anonymous: null,
  analyst: { kind: 'analyst', sub: 'analyst-1' } as Identity,
  self: { kind: 'citizen', sub: 'c-self', hetu: ADULT } as Identity,
  minorSelf: { kind: 'citizen', sub: 'c-minor', hetu: MINOR } as Identity,
  stranger: { kind: 'citizen', sub: 'c-stranger', hetu: STRANGER } as Identity,
  guardian1: { kind: 'citizen', sub: 'c-g1', hetu: GUARDIAN_1 } as Identity,
  guardian2: { kind: 'citizen', sub: 'c-g2', hetu: GUARDIAN_2 } as Identity,
  physician: professional('physician', 'PHYSICIAN', [PTH_UNIT], ['PRIMARY_HEALTH']),
  nurse: professional('nurse', 'NURSE', [PTH_UNIT], ['PRIMARY_HEALTH']),
  phn: professional('phn', 'PUBLIC_HEALTH_NURSE', [PTH_UNIT], ['PRIMARY_HEALTH']),
  physicianElsewhere: professional('physician-2', 'PHYSICIAN', [OTHER_PTH_UNIT], ['PRIMARY_HEALTH']),
  dentist: professional('dentist', 'DENTIST', [STH_UNIT], ['ORAL_HEALTH']),
  hygienist: professional('hygienist', 'DENTAL_HYGIENIST', [STH_UNIT], ['ORAL_HEALTH']),
  // Social workers matched by unit name work for another municipality's team, so only the unit name gives a relation.
  swAdult: professional('sw-adult', 'SOCIAL_WORKER', [ADULT_SOCIAL_UNIT], ['SOCIAL'], ['ADULT_SOCIAL_WORK'], '434'),
  swChildWelfare: professional('sw-cw', 'SOCIAL_WORKER', [CW_UNIT], ['SOCIAL'], ['CHILD_WELFARE', 'FAMILIES'], '434'),
  swFamilies: professional('sw-families', 'SOCIAL_WORKER', [CW_UNIT], ['SOCIAL'], ['FAMILIES'], '434'),
} as const;

const src = (localId: string, instance: 'lifecare-porvoo' | 'effica-porvoo' = 'lifecare-porvoo') => ({
  instance,
  product: instance === 'effica-porvoo' ? ('effica' as const) : ('lifecare' as const),
  municipality: '638' as const,
  localId,
});

function appt(localId: string, start: string, over: Partial<Appointment> = {}): Appointment {
  return {
    careArea: 'PRIMARY_HEALTH',
    start,
    durationMinutes: 30,
    unit: { oid: PTH_UNIT, name: 'Porvoon terveysasema' },
    status: 'COMPLETED',
    source: src(localId),
    ...over,
  };
}

function cust(localId: string, over: Partial<Customership> = {}): Customership {
  return {
    careArea: 'SOCIAL',
    serviceTask: 'ADULT_SOCIAL_WORK',
    unit: ADULT_SOCIAL_UNIT,
    startDate: '2024-01-01',
    extraSensitive: false,
    source: src(localId, 'effica-porvoo'),
    ...over,
  };
}

function decision(localId: string, customershipId: string): Decision {
  return {
    customershipId,
    service: 'Toimeentulotuki',
    decisionDate: '2025-02-01',
    validFrom: '2025-02-01',
    outcome: 'GRANTED',
    source: src(localId, 'effica-porvoo'),
  };
}

function plan(localId: string, careArea: CareArea, customershipId?: string): Plan {
  return {
    careArea,
    type: careArea === 'SOCIAL' ? 'CLIENT_PLAN' : 'HEALTH_AND_CARE_PLAN',
    startDate: '2025-01-10',
    ...(customershipId ? { customershipId } : {}),
    source: src(localId, careArea === 'SOCIAL' ? 'effica-porvoo' : 'lifecare-porvoo'),
  };
}

function fee(localId: string, register: 'HEALTH' | 'SOCIAL', careArea?: CareArea): Fee {
  return {
    ...(careArea ? { careArea } : {}),
    register,
    date: '2025-03-01',
    description: 'Käyntimaksu',
    amountCents: 2270,
    accruesToCeiling: true,
    status: 'PAID',
    source: src(localId, register === 'SOCIAL' ? 'effica-porvoo' : 'lifecare-porvoo'),
  };
}

function consent(localId: string, type: ConsentType, givenOn: string, withdrawnOn?: string): Consent {
  return { type, givenOn, ...(withdrawnOn ? { withdrawnOn } : {}), source: src(localId, 'effica-porvoo') };
}

function grant(sub: string, hetu: string, startedAt: Date, hours = 4): EmergencyGrant {
  return {
    id: `g-${sub}`,
    sub,
    hetu,
    reason: 'Tajuton potilas päivystyksessä',
    startedAt,
    expiresAt: new Date(startedAt.getTime() + hours * HOUR),
  };
}

const adult = (over: Partial<SubjectBasics> = {}): SubjectBasics => ({
  hetu: ADULT,
  birthDate: '1980-05-01',
  guardians: [],
  turvakielto: false,
  ...over,
});
const minor = (over: Partial<SubjectBasics> = {}): SubjectBasics => ({
  hetu: MINOR,
  birthDate: '2012-03-10',
  guardians: [GUARDIAN_1, GUARDIAN_2],
  turvakielto: false,
  ...over,
});

/** The base records: an appointment last month in the physician's unit, an open adult social work customership. */
const RECENT_PTH = appt('A-RECENT', '2025-05-20T09:00:00+03:00');
const OPEN_ADULT_SOCIAL = cust('C-ADULT');
const CW = cust('C-CW', { serviceTask: 'CHILD_WELFARE', unit: CW_UNIT, extraSensitive: true });
const CW_DECISION = decision('D-CW', 'C-CW');
const CW_PLAN = plan('P-CW', 'SOCIAL', 'C-CW');
const ORPHAN_DECISION = decision('D-ORPHAN', 'C-MISSING');
const ORAL = appt('A-ORAL', '2025-04-02T10:00:00+03:00', { careArea: 'ORAL_HEALTH', unit: { oid: STH_UNIT, name: 'Hammashoitola' } });
const HEALTH_PLAN = plan('P-HEALTH', 'PRIMARY_HEALTH');
const SOCIAL_PLAN = plan('P-SOCIAL', 'SOCIAL', 'C-ADULT');
const HEALTH_FEE = fee('F-HEALTH', 'HEALTH', 'PRIMARY_HEALTH');
const HEALTH_FEE_NO_AREA = fee('F-HEALTH-NOAREA', 'HEALTH');
const SOCIAL_FEE = fee('F-SOCIAL', 'SOCIAL', 'SOCIAL');
const TO_HEALTH = consent('K-1', 'LUOVUTUS_TERVEYDENHUOLTOON', '2024-09-01');
const TO_SOCIAL = consent('K-2', 'LUOVUTUS_SOSIAALIHUOLTOON', '2024-09-01');
const KIELTO = consent('K-3', 'KIELTO_HUOLTAJALLE', '2025-01-15');

function records(over: Partial<SubjectRecords> = {}): SubjectRecords {
  return {
    appointments: [RECENT_PTH, ORAL],
    customerships: [OPEN_ADULT_SOCIAL, CW],
    decisions: [decision('D-ADULT', 'C-ADULT'), CW_DECISION, ORPHAN_DECISION],
    plans: [HEALTH_PLAN, SOCIAL_PLAN, CW_PLAN],
    fees: [HEALTH_FEE, HEALTH_FEE_NO_AREA, SOCIAL_FEE],
    consents: [],
    ...over,
  };
}

const allow = (basis: string): AccessDecision => ({ allowed: true, basis }) as AccessDecision;
const deny = (reason: string): AccessDecision => ({ allowed: false, reason }) as AccessDecision;

// ------------------------------------------------------------------ matrix

interface Row {
  readonly case: string;
  readonly who: Identity | null;
  readonly subject?: SubjectBasics;
  readonly records?: Partial<SubjectRecords>;
  readonly grants?: readonly EmergencyGrant[];
  readonly now?: Date;
  readonly group: DataGroup;
  /** A record of the group, by its local id; absent: the group decision. */
  readonly item?: string;
  readonly expect: AccessDecision;
}

/** Only the physician's own appointment at a given start. */
const onlyAppointment = (start: string, over: Partial<Appointment> = {}): Partial<SubjectRecords> => ({
  appointments: [appt('A-X', start, over)],
  customerships: [],
});

const MATRIX: readonly Row[] = [
  // ---- no identity, analyst
  { case: 'no token, basic data', who: WHO.anonymous, group: 'BASIC', expect: deny('NOT_AUTHENTICATED') },
  { case: 'no token, appointments', who: WHO.anonymous, group: 'APPOINTMENTS', expect: deny('NOT_AUTHENTICATED') },
  { case: 'no token, one appointment', who: WHO.anonymous, group: 'APPOINTMENTS', item: 'A-RECENT', expect: deny('NOT_AUTHENTICATED') },
  { case: 'analyst asks a name', who: WHO.analyst, group: 'BASIC', expect: deny('AGGREGATES_ONLY') },
  {
    case: 'analyst asks an address under turvakielto',
    who: WHO.analyst,
    subject: adult({ turvakielto: true }),
    group: 'CONTACT',
    expect: deny('AGGREGATES_ONLY'),
  },
  { case: 'analyst asks fees', who: WHO.analyst, group: 'FEES', expect: deny('AGGREGATES_ONLY') },
  { case: 'analyst asks one customership', who: WHO.analyst, group: 'CUSTOMERSHIPS', item: 'C-ADULT', expect: deny('AGGREGATES_ONLY') },

  // ---- citizen: own data
  { case: 'self, basic', who: WHO.self, group: 'BASIC', expect: allow('SELF') },
  {
    case: 'self, contact under own turvakielto',
    who: WHO.self,
    subject: adult({ turvakielto: true }),
    group: 'CONTACT',
    expect: allow('SELF'),
  },
  { case: 'self, appointments', who: WHO.self, group: 'APPOINTMENTS', expect: allow('SELF') },
  { case: 'self, own child welfare customership', who: WHO.self, group: 'CUSTOMERSHIPS', item: 'C-CW', expect: allow('SELF') },
  { case: 'self, decision of own child welfare customership', who: WHO.self, group: 'DECISIONS', item: 'D-CW', expect: allow('SELF') },
  { case: 'self, consents', who: WHO.self, group: 'CONSENTS', expect: allow('SELF') },
  { case: 'other citizen, basic', who: WHO.stranger, group: 'BASIC', expect: deny('NOT_OWN_DATA') },
  { case: 'other citizen, fees', who: WHO.stranger, group: 'FEES', item: 'F-HEALTH', expect: deny('NOT_OWN_DATA') },

  // ---- citizen: guardian and minor
  { case: 'guardian, minor basic', who: WHO.guardian1, subject: minor(), group: 'BASIC', expect: allow('GUARDIAN') },
  { case: 'second guardian, minor appointments', who: WHO.guardian2, subject: minor(), group: 'APPOINTMENTS', expect: allow('GUARDIAN') },
  { case: 'guardian, minor contact', who: WHO.guardian1, subject: minor(), group: 'CONTACT', expect: allow('GUARDIAN') },
  {
    case: 'guardian, minor contact under turvakielto',
    who: WHO.guardian1,
    subject: minor({ turvakielto: true }),
    group: 'CONTACT',
    expect: deny('TURVAKIELTO'),
  },
  { case: 'guardian, minor fee', who: WHO.guardian1, subject: minor(), group: 'FEES', item: 'F-SOCIAL', expect: allow('GUARDIAN') },
  {
    case: 'guardian, minor child welfare customership',
    who: WHO.guardian1,
    subject: minor(),
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'guardian, minor child welfare decision',
    who: WHO.guardian1,
    subject: minor(),
    group: 'DECISIONS',
    item: 'D-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'guardian, minor other customership',
    who: WHO.guardian1,
    subject: minor(),
    group: 'CUSTOMERSHIPS',
    item: 'C-ADULT',
    expect: allow('GUARDIAN'),
  },
  {
    case: 'guardian, prohibiting minor: appointments',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'APPOINTMENTS',
    expect: deny('GUARDIAN_PROHIBITED'),
  },
  {
    case: 'guardian, prohibiting minor: one appointment',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'APPOINTMENTS',
    item: 'A-RECENT',
    expect: deny('GUARDIAN_PROHIBITED'),
  },
  {
    case: 'guardian, prohibiting minor: customerships',
    who: WHO.guardian2,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'CUSTOMERSHIPS',
    expect: deny('GUARDIAN_PROHIBITED'),
  },
  {
    case: 'guardian, prohibiting minor: fees',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'FEES',
    expect: deny('GUARDIAN_PROHIBITED'),
  },
  {
    case: 'guardian, prohibiting minor: consents',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'CONSENTS',
    expect: deny('GUARDIAN_PROHIBITED'),
  },
  {
    case: 'guardian, prohibiting minor: record index',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'RECORD_INDEX',
    expect: deny('GUARDIAN_PROHIBITED'),
  },
  {
    case: 'guardian, prohibiting minor: basic (VTJ) stays',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'BASIC',
    expect: allow('GUARDIAN'),
  },
  {
    case: 'guardian, prohibition withdrawn',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [consent('K-3', 'KIELTO_HUOLTAJALLE', '2025-01-15', '2025-05-01')] },
    group: 'APPOINTMENTS',
    expect: allow('GUARDIAN'),
  },
  {
    case: 'guardian, prohibition given tomorrow',
    who: WHO.guardian1,
    subject: minor(),
    records: { consents: [consent('K-3', 'KIELTO_HUOLTAJALLE', '2025-06-16')] },
    group: 'APPOINTMENTS',
    expect: allow('GUARDIAN'),
  },
  {
    case: 'the prohibiting minor reads own data',
    who: WHO.minorSelf,
    subject: minor(),
    records: { consents: [KIELTO] },
    group: 'APPOINTMENTS',
    expect: allow('SELF'),
  },
  {
    case: 'guardian, child turned 18 today',
    who: WHO.guardian1,
    subject: minor({ hetu: EIGHTEEN_TODAY, birthDate: '2007-06-15' }),
    group: 'BASIC',
    expect: deny('NOT_OWN_DATA'),
  },
  {
    case: 'guardian, child turns 18 tomorrow',
    who: WHO.guardian1,
    subject: minor({ hetu: EIGHTEEN_TOMORROW, birthDate: '2007-06-16' }),
    group: 'APPOINTMENTS',
    expect: allow('GUARDIAN'),
  },
  {
    case: 'guardian listed for an adult',
    who: WHO.guardian1,
    subject: adult({ guardians: [GUARDIAN_1] }),
    group: 'BASIC',
    expect: deny('NOT_OWN_DATA'),
  },

  // ---- professionals: the care relation window (appointments in the physician's unit)
  {
    case: 'physician, appointment exactly 12 months ago',
    who: WHO.physician,
    records: onlyAppointment('2024-06-15T08:00:00+03:00'),
    group: 'APPOINTMENTS',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'physician, appointment 12 months and a day ago',
    who: WHO.physician,
    records: onlyAppointment('2024-06-14T15:00:00+03:00'),
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'physician, appointment 13 months ago',
    who: WHO.physician,
    records: onlyAppointment('2024-05-15T10:00:00+03:00'),
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'physician, appointment in 90 days',
    who: WHO.physician,
    records: onlyAppointment('2025-09-13T16:00:00+03:00', { status: 'BOOKED' }),
    group: 'APPOINTMENTS',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'physician, appointment in 91 days',
    who: WHO.physician,
    records: onlyAppointment('2025-09-14T08:00:00+03:00', { status: 'BOOKED' }),
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'physician, appointment in 91 days (no relation): basic still PROFESSIONAL_ROLE',
    who: WHO.physician,
    records: onlyAppointment('2025-09-14T08:00:00+03:00', { status: 'BOOKED' }),
    group: 'BASIC',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'physician, cancelled appointment in own unit',
    who: WHO.physician,
    records: onlyAppointment('2025-06-01T08:00:00+03:00', { status: 'CANCELLED' }),
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'physician, booked appointment next week',
    who: WHO.physician,
    records: onlyAppointment('2025-06-22T08:00:00+03:00', { status: 'BOOKED' }),
    group: 'APPOINTMENTS',
    expect: allow('CARE_RELATION'),
  },
  { case: 'physician of another unit', who: WHO.physicianElsewhere, group: 'APPOINTMENTS', expect: deny('NO_CARE_RELATION') },
  {
    case: 'physician, unit matched by name when the source has no OID',
    who: professional('p-name', 'PHYSICIAN', ['porvoon  TERVEYSASEMA'], ['PRIMARY_HEALTH']),
    records: onlyAppointment('2025-06-01T08:00:00+03:00', { unit: { name: 'Porvoon terveysasema' } }),
    group: 'APPOINTMENTS',
    expect: allow('CARE_RELATION'),
  },
  { case: 'nurse with a care relation, basic: PROFESSIONAL_ROLE', who: WHO.nurse, group: 'BASIC', expect: allow('PROFESSIONAL_ROLE') },
  {
    case: 'physician of another unit (no relation), basic: PROFESSIONAL_ROLE (no care relation needed)',
    who: WHO.physicianElsewhere,
    group: 'BASIC',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'social worker without any record of the person, basic: PROFESSIONAL_ROLE',
    who: WHO.swAdult,
    records: { appointments: [], customerships: [], decisions: [], plans: [], fees: [], consents: [] },
    group: 'BASIC',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'physician, basic of a person under turvakielto: PROFESSIONAL_ROLE (turvakielto protects contact only)',
    who: WHO.physician,
    subject: adult({ turvakielto: true }),
    group: 'BASIC',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  { case: 'public health nurse, one appointment', who: WHO.phn, group: 'APPOINTMENTS', item: 'A-RECENT', expect: allow('CARE_RELATION') },
  {
    case: 'physician, an oral health appointment (not their care area)',
    who: WHO.physician,
    group: 'APPOINTMENTS',
    item: 'A-ORAL',
    expect: deny('NO_CARE_RELATION'),
  },
  { case: 'dentist, oral health appointment', who: WHO.dentist, group: 'APPOINTMENTS', item: 'A-ORAL', expect: allow('CARE_RELATION') },
  {
    case: 'dentist, primary health appointment',
    who: WHO.dentist,
    group: 'APPOINTMENTS',
    item: 'A-RECENT',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'dental hygienist, no oral appointment at all',
    who: WHO.hygienist,
    records: { appointments: [RECENT_PTH] },
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'dentist, health fee without care area',
    who: WHO.dentist,
    group: 'FEES',
    item: 'F-HEALTH-NOAREA',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'physician with a care relation, contact details: PROFESSIONAL_ROLE',
    who: WHO.physician,
    group: 'CONTACT',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'physician without relation, contact details: PROFESSIONAL_ROLE (no care relation needed)',
    who: WHO.physicianElsewhere,
    group: 'CONTACT',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'physician with a care relation, contact under turvakielto: TURVAKIELTO (only the person)',
    who: WHO.physician,
    subject: adult({ turvakielto: true }),
    group: 'CONTACT',
    expect: deny('TURVAKIELTO'),
  },
  {
    case: 'physician without relation, contact under turvakielto: TURVAKIELTO',
    who: WHO.physicianElsewhere,
    subject: adult({ turvakielto: true }),
    group: 'CONTACT',
    expect: deny('TURVAKIELTO'),
  },
  { case: 'physician, consents', who: WHO.physician, group: 'CONSENTS', expect: allow('CARE_RELATION') },

  // ---- social workers
  {
    case: 'social worker, open customership in own unit',
    who: WHO.swAdult,
    group: 'CUSTOMERSHIPS',
    item: 'C-ADULT',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'social worker, customership ended yesterday',
    who: WHO.swAdult,
    records: { customerships: [cust('C-ADULT', { endDate: '2025-06-14' })] },
    group: 'CUSTOMERSHIPS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'social worker, customership ending today',
    who: WHO.swAdult,
    records: { customerships: [cust('C-ADULT', { endDate: '2025-06-15' })] },
    group: 'CUSTOMERSHIPS',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'social worker, customership in another unit',
    who: WHO.swAdult,
    records: { customerships: [cust('C-ADULT', { unit: 'Vammaispalvelut Porvoo' })] },
    group: 'DECISIONS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'social worker, unit name in other case and spacing',
    who: WHO.swAdult,
    records: { customerships: [cust('C-ADULT', { unit: '  aikuissosiaalityö   porvoo ' })] },
    group: 'CUSTOMERSHIPS',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'social worker without unit names: open customership of their task in their municipality',
    who: professional('sw-team', 'SOCIAL_WORKER', [], ['SOCIAL'], ['ADULT_SOCIAL_WORK']),
    group: 'CUSTOMERSHIPS',
    item: 'C-ADULT',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'social worker without unit names: their task, another municipality',
    who: professional('sw-team', 'SOCIAL_WORKER', [], ['SOCIAL'], ['ADULT_SOCIAL_WORK'], '753'),
    group: 'CUSTOMERSHIPS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'social worker without unit names: their municipality, another task',
    who: professional('sw-team', 'SOCIAL_WORKER', [], ['SOCIAL'], ['OLDER_PEOPLE']),
    group: 'CUSTOMERSHIPS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'child welfare social worker without unit names: the child welfare customership of their municipality',
    who: professional('sw-cw-team', 'SOCIAL_WORKER', [], ['SOCIAL'], ['CHILD_WELFARE']),
    records: { customerships: [CW] },
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: allow('CARE_RELATION'),
  },
  { case: 'social worker, social plan', who: WHO.swAdult, group: 'PLANS', item: 'P-SOCIAL', expect: allow('CARE_RELATION') },
  { case: 'social worker, social fee', who: WHO.swAdult, group: 'FEES', item: 'F-SOCIAL', expect: allow('CARE_RELATION') },

  // ---- consent between registers
  { case: 'physician, customerships without consent', who: WHO.physician, group: 'CUSTOMERSHIPS', expect: deny('NO_CONSENT') },
  {
    case: 'physician, customerships with consent to health care',
    who: WHO.physician,
    records: { consents: [TO_HEALTH] },
    group: 'CUSTOMERSHIPS',
    expect: allow('CONSENT'),
  },
  {
    case: 'physician, one customership with consent',
    who: WHO.physician,
    records: { consents: [TO_HEALTH] },
    group: 'CUSTOMERSHIPS',
    item: 'C-ADULT',
    expect: allow('CONSENT'),
  },
  {
    case: 'physician, consent withdrawn',
    who: WHO.physician,
    records: { consents: [consent('K-1', 'LUOVUTUS_TERVEYDENHUOLTOON', '2024-09-01', '2025-03-01')] },
    group: 'DECISIONS',
    expect: deny('NO_CONSENT'),
  },
  {
    case: 'physician, consent withdrawn today',
    who: WHO.physician,
    records: { consents: [consent('K-1', 'LUOVUTUS_TERVEYDENHUOLTOON', '2024-09-01', '2025-06-15')] },
    group: 'DECISIONS',
    expect: deny('NO_CONSENT'),
  },
  {
    case: 'physician, consent given today',
    who: WHO.physician,
    records: { consents: [consent('K-1', 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-06-15')] },
    group: 'DECISIONS',
    expect: allow('CONSENT'),
  },
  {
    case: 'physician, consent withdrawn in one system, given again in another',
    who: WHO.physician,
    records: {
      consents: [
        consent('K-1', 'LUOVUTUS_TERVEYDENHUOLTOON', '2023-01-01', '2024-01-01'),
        consent('K-9', 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-02-01'),
      ],
    },
    group: 'CUSTOMERSHIPS',
    expect: allow('CONSENT'),
  },
  {
    case: 'physician, given in one system, withdrawn later in another',
    who: WHO.physician,
    records: {
      consents: [
        consent('K-9', 'LUOVUTUS_TERVEYDENHUOLTOON', '2024-02-01'),
        consent('K-1', 'LUOVUTUS_TERVEYDENHUOLTOON', '2023-01-01', '2025-01-01'),
      ],
    },
    group: 'CUSTOMERSHIPS',
    expect: deny('NO_CONSENT'),
  },
  {
    case: 'physician, only the consent of the other direction',
    who: WHO.physician,
    records: { consents: [TO_SOCIAL] },
    group: 'CUSTOMERSHIPS',
    expect: deny('NO_CONSENT'),
  },
  { case: 'physician, social plan without consent', who: WHO.physician, group: 'PLANS', item: 'P-SOCIAL', expect: deny('NO_CONSENT') },
  { case: 'physician, health plan', who: WHO.physician, group: 'PLANS', item: 'P-HEALTH', expect: allow('CARE_RELATION') },
  {
    case: 'physician, social plan with consent',
    who: WHO.physician,
    records: { consents: [TO_HEALTH] },
    group: 'PLANS',
    item: 'P-SOCIAL',
    expect: allow('CONSENT'),
  },
  { case: 'physician, social fee without consent', who: WHO.physician, group: 'FEES', item: 'F-SOCIAL', expect: deny('NO_CONSENT') },
  { case: 'social worker, appointments without consent', who: WHO.swAdult, group: 'APPOINTMENTS', expect: deny('NO_CONSENT') },
  {
    case: 'social worker, appointments with consent to social care',
    who: WHO.swAdult,
    records: { consents: [TO_SOCIAL] },
    group: 'APPOINTMENTS',
    expect: allow('CONSENT'),
  },
  {
    case: 'social worker, oral appointment with consent to social care',
    who: WHO.swAdult,
    records: { consents: [TO_SOCIAL] },
    group: 'APPOINTMENTS',
    item: 'A-ORAL',
    expect: allow('CONSENT'),
  },
  {
    case: 'social worker, health fee without care area, no consent',
    who: WHO.swAdult,
    group: 'FEES',
    item: 'F-HEALTH-NOAREA',
    expect: deny('NO_CONSENT'),
  },
  {
    case: 'social worker, consent withdrawn',
    who: WHO.swAdult,
    records: { consents: [consent('K-2', 'LUOVUTUS_SOSIAALIHUOLTOON', '2024-09-01', '2025-06-01')] },
    group: 'APPOINTMENTS',
    expect: deny('NO_CONSENT'),
  },

  // ---- child welfare
  {
    case: 'child welfare social worker, child welfare customership',
    who: WHO.swChildWelfare,
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'child welfare social worker, its decision',
    who: WHO.swChildWelfare,
    group: 'DECISIONS',
    item: 'D-CW',
    expect: allow('CARE_RELATION'),
  },
  { case: 'child welfare social worker, its plan', who: WHO.swChildWelfare, group: 'PLANS', item: 'P-CW', expect: allow('CARE_RELATION') },
  {
    case: 'child welfare social worker, decision of an unknown customership',
    who: WHO.swChildWelfare,
    group: 'DECISIONS',
    item: 'D-ORPHAN',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'adult social worker, child welfare customership',
    who: WHO.swAdult,
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'adult social worker, child welfare decision',
    who: WHO.swAdult,
    group: 'DECISIONS',
    item: 'D-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'adult social worker, child welfare plan',
    who: WHO.swAdult,
    group: 'PLANS',
    item: 'P-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'adult social worker, decision of an unknown customership (fail closed)',
    who: WHO.swAdult,
    group: 'DECISIONS',
    item: 'D-ORPHAN',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'adult social worker, own customership',
    who: WHO.swAdult,
    group: 'CUSTOMERSHIPS',
    item: 'C-ADULT',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'families social worker: a child welfare customership in their unit gives no relation',
    who: WHO.swFamilies,
    records: { customerships: [CW] },
    group: 'CUSTOMERSHIPS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'child welfare task without the extra-sensitive mark is restricted too',
    who: WHO.swAdult,
    records: { customerships: [OPEN_ADULT_SOCIAL, cust('C-CW2', { serviceTask: 'CHILD_WELFARE', unit: CW_UNIT })] },
    group: 'CUSTOMERSHIPS',
    item: 'C-CW2',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'physician with consent, child welfare customership',
    who: WHO.physician,
    records: { consents: [TO_HEALTH] },
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'physician with consent, child welfare decision',
    who: WHO.physician,
    records: { consents: [TO_HEALTH] },
    group: 'DECISIONS',
    item: 'D-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'a nurse claiming the child welfare task is still no social worker',
    who: professional('nurse-cw', 'NURSE', [CW_UNIT, PTH_UNIT], ['PRIMARY_HEALTH', 'SOCIAL'], ['CHILD_WELFARE']),
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },

  // ---- emergency access
  {
    case: 'emergency: physician without relation, active grant',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'APPOINTMENTS',
    expect: allow('EMERGENCY'),
  },
  {
    case: 'emergency: one appointment',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'APPOINTMENTS',
    item: 'A-ORAL',
    expect: allow('EMERGENCY'),
  },
  {
    case: 'emergency: social data without consent',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'CUSTOMERSHIPS',
    item: 'C-ADULT',
    expect: allow('EMERGENCY'),
  },
  {
    case: 'emergency: never a child welfare customership',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'emergency: never a child welfare decision',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'DECISIONS',
    item: 'D-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'emergency: a child welfare social worker without relation gets no child welfare record either',
    who: professional('sw-cw-2', 'SOCIAL_WORKER', ['Lastensuojelu Sipoo'], ['SOCIAL'], ['CHILD_WELFARE'], '753'),
    grants: [grant('sw-cw-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'CUSTOMERSHIPS',
    item: 'C-CW',
    expect: deny('CHILD_WELFARE_RESTRICTED'),
  },
  {
    case: 'emergency: contact details by role, not under the grant: PROFESSIONAL_ROLE',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'CONTACT',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'emergency: basic data by role, not under the grant: PROFESSIONAL_ROLE',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'BASIC',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'emergency: contact details under turvakielto: TURVAKIELTO (the grant does not open it)',
    who: WHO.physicianElsewhere,
    subject: adult({ turvakielto: true }),
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'CONTACT',
    expect: deny('TURVAKIELTO'),
  },
  {
    case: 'emergency: relation but no consent, grant opens it',
    who: WHO.physician,
    grants: [grant('physician', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'CUSTOMERSHIPS',
    expect: allow('EMERGENCY'),
  },
  {
    case: 'emergency: relation basis preferred over the grant',
    who: WHO.physician,
    grants: [grant('physician', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'APPOINTMENTS',
    expect: allow('CARE_RELATION'),
  },
  {
    case: 'emergency: grant expired exactly now',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - 4 * HOUR))],
    group: 'APPOINTMENTS',
    expect: deny('EMERGENCY_EXPIRED'),
  },
  {
    case: 'emergency: one minute before expiry',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - 4 * HOUR + 60_000))],
    group: 'APPOINTMENTS',
    expect: allow('EMERGENCY'),
  },
  {
    case: 'emergency: grant expired, basic data: PROFESSIONAL_ROLE (never EMERGENCY_EXPIRED)',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - 5 * HOUR))],
    group: 'BASIC',
    expect: allow('PROFESSIONAL_ROLE'),
  },
  {
    case: 'emergency: expired grant, no consent either',
    who: WHO.physician,
    grants: [grant('physician', ADULT, new Date(NOW.getTime() - 5 * HOUR))],
    group: 'CUSTOMERSHIPS',
    expect: deny('EMERGENCY_EXPIRED'),
  },
  {
    case: 'emergency: grant of another professional',
    who: WHO.physicianElsewhere,
    grants: [grant('physician', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'emergency: grant for another person',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', STRANGER, new Date(NOW.getTime() - HOUR))],
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'emergency: grant starting later',
    who: WHO.physicianElsewhere,
    grants: [grant('physician-2', ADULT, new Date(NOW.getTime() + HOUR))],
    group: 'APPOINTMENTS',
    expect: deny('NO_CARE_RELATION'),
  },
  {
    case: 'emergency: a citizen holding a grant gets nothing from it',
    who: WHO.stranger,
    grants: [grant('c-stranger', ADULT, new Date(NOW.getTime() - HOUR))],
    group: 'APPOINTMENTS',
    expect: deny('NOT_OWN_DATA'),
  },
];

function groupItems(r: SubjectRecords, group: RecordGroup): readonly { source: { localId: string } }[] {
  const lists = {
    APPOINTMENTS: r.appointments,
    CUSTOMERSHIPS: r.customerships,
    DECISIONS: r.decisions,
    PLANS: r.plans,
    FEES: r.fees,
    CONSENTS: r.consents,
  };
  return lists[group];
}

function decide(row: Row): AccessDecision {
  const recs = records(row.records);
  const ctx = accessContext({
    identity: row.who,
    subject: row.subject ?? adult(),
    records: recs,
    grants: row.grants ?? [],
    now: row.now ?? NOW,
  });
  if (row.item === undefined) return decideGroup(ctx, row.group);
  const group = row.group as RecordGroup;
  const item = groupItems(recs, group).find((x) => x.source.localId === row.item);
  if (!item) throw new Error(`fixture: no ${row.item} in ${group}`);
  return decideRecord(ctx, group, item as never);
}

describe('access policy matrix', () => {
  it.each(MATRIX.map((r) => [r.case, r] as const))('%s', (_name, row) => {
    expect(decide(row)).toEqual(row.expect);
  });

  it('covers every deny reason except ROLE_NOT_PERMITTED and every basis but FAMILY_RELATION (relatives only)', () => {
    const seen = new Set(MATRIX.map((r) => (r.expect.allowed ? r.expect.basis : r.expect.reason)));
    for (const k of [
      'SELF',
      'GUARDIAN',
      'CARE_RELATION',
      'CONSENT',
      'EMERGENCY',
      'PROFESSIONAL_ROLE',
      'NOT_AUTHENTICATED',
      'NOT_OWN_DATA',
      'GUARDIAN_PROHIBITED',
      'NO_CARE_RELATION',
      'NO_CONSENT',
      'CHILD_WELFARE_RESTRICTED',
      'TURVAKIELTO',
      'AGGREGATES_ONLY',
      'EMERGENCY_EXPIRED',
    ]) {
      expect(seen, k).toContain(k);
    }
  });
});

describe('lookups by identity code (decideLookup)', () => {
  const subject = (hetu: string, guardians: string[] = []) => ({ ...subjectFromVtj(hetu, { guardians, turvakielto: false }) });
  it.each([
    ['anonymous', WHO.anonymous, ADULT, [], { allowed: false, reason: 'NOT_AUTHENTICATED' }],
    ['analyst', WHO.analyst, ADULT, [], { allowed: false, reason: 'AGGREGATES_ONLY' }],
    ['citizen, self', WHO.self, ADULT, [], { allowed: true, basis: 'SELF' }],
    ['citizen, guardian of a minor', WHO.guardian1, MINOR, [GUARDIAN_1], { allowed: true, basis: 'GUARDIAN' }],
    ['citizen, guardian of one who is 18 today', WHO.guardian1, EIGHTEEN_TODAY, [GUARDIAN_1], { allowed: false, reason: 'NOT_OWN_DATA' }],
    ['citizen, another minor', WHO.stranger, MINOR, [GUARDIAN_1], { allowed: false, reason: 'NOT_OWN_DATA' }],
    ['citizen, another adult', WHO.stranger, ADULT, [], { allowed: false, reason: 'NOT_OWN_DATA' }],
    ['professional without a care relation', WHO.physicianElsewhere, ADULT, [], { allowed: true, basis: 'PROFESSIONAL_ROLE' }],
  ] as const)('%s', (_name, who, hetu, guardians, expected) => {
    expect(decideLookup(who, subject(hetu, [...guardians]), NOW)).toEqual(expected);
  });

  it('needs VTJ’s guardians only for a citizen asking for another person who is a minor', () => {
    expect(lookupNeedsGuardians(WHO.guardian1, subject(MINOR), NOW)).toBe(true);
    expect(lookupNeedsGuardians(WHO.guardian1, subject(EIGHTEEN_TOMORROW), NOW)).toBe(true);
    expect(lookupNeedsGuardians(WHO.guardian1, subject(EIGHTEEN_TODAY), NOW)).toBe(false);
    expect(lookupNeedsGuardians(WHO.minorSelf, subject(MINOR), NOW)).toBe(false);
    expect(lookupNeedsGuardians(WHO.physician, subject(MINOR), NOW)).toBe(false);
  });

  it('audits every professional’s lookup and no one else’s', () => {
    expect(
      Object.entries(WHO)
        .filter(([, who]) => auditsLookup(who))
        .map(([k]) => k),
    ).toEqual(
      Object.entries(WHO)
        .filter(([, who]) => who?.kind === 'professional')
        .map(([k]) => k),
    );
    expect(auditsLookup(WHO.physician)).toBe(true);
    expect(auditsLookup(WHO.self)).toBe(false);
  });
});

describe('emergency access expires by the clock', () => {
  it('allows during the grant and denies EMERGENCY_EXPIRED from its end on', () => {
    const g = grant('physician-2', ADULT, NOW);
    const at = (ms: number) =>
      decideGroup(
        accessContext({
          identity: WHO.physicianElsewhere,
          subject: adult(),
          records: records(),
          grants: [g],
          now: new Date(NOW.getTime() + ms),
        }),
        'APPOINTMENTS',
      );
    expect(at(0)).toEqual(allow('EMERGENCY'));
    expect(at(4 * HOUR - 1)).toEqual(allow('EMERGENCY'));
    expect(at(4 * HOUR)).toEqual(deny('EMERGENCY_EXPIRED'));
    expect(at(-1)).toEqual(deny('NO_CARE_RELATION'));
  });
});

describe('filterRecords', () => {
  const ctxOf = (who: Identity | null, over: Partial<SubjectRecords> = {}) =>
    accessContext({ identity: who, subject: adult(), records: records(over), grants: [], now: NOW });

  it('splits a list and reports each distinct decision once', () => {
    const r = records();
    const out = filterRecords(ctxOf(WHO.swAdult), 'DECISIONS', r.decisions);
    expect(out.allowed.map((d) => d.source.localId)).toEqual(['D-ADULT']);
    expect(out.denied.map((d) => [d.record.source.localId, d.reason])).toEqual([
      ['D-CW', 'CHILD_WELFARE_RESTRICTED'],
      ['D-ORPHAN', 'CHILD_WELFARE_RESTRICTED'],
    ]);
    expect(out.decisions).toEqual([allow('CARE_RELATION'), deny('CHILD_WELFARE_RESTRICTED')]);
  });

  it('mixes bases in one group: health plans by care relation, social ones by consent', () => {
    const r = records({ consents: [TO_HEALTH] });
    const out = filterRecords(ctxOf(WHO.physician, { consents: [TO_HEALTH] }), 'PLANS', r.plans);
    expect(out.allowed.map((p) => p.source.localId)).toEqual(['P-HEALTH', 'P-SOCIAL']);
    expect(out.denied.map((p) => p.record.source.localId)).toEqual(['P-CW']);
    expect(out.decisions).toEqual([allow('CARE_RELATION'), allow('CONSENT'), deny('CHILD_WELFARE_RESTRICTED')]);
  });

  it('denies every record of a denied group, and reports the group decision for an empty list', () => {
    const r = records();
    const denied = filterRecords(ctxOf(WHO.physician), 'CUSTOMERSHIPS', r.customerships);
    expect(denied.allowed).toEqual([]);
    expect(denied.denied.map((d) => d.reason)).toEqual(['NO_CONSENT', 'NO_CONSENT']);
    expect(denied.decisions).toEqual([deny('NO_CONSENT')]);
    const empty = filterRecords(ctxOf(WHO.physician), 'APPOINTMENTS', []);
    expect(empty).toEqual({ allowed: [], denied: [], decisions: [allow('CARE_RELATION')] });
  });

  it('a denied group is denied whatever records exist (no existence leak)', () => {
    const none = filterRecords(ctxOf(WHO.physician, { customerships: [] }), 'CUSTOMERSHIPS', []);
    expect(none.decisions).toEqual([deny('NO_CONSENT')]);
  });
});

describe('helpers', () => {
  it('aggregates: analysts only', () => {
    expect(aggregateAccess(WHO.analyst)).toEqual({ allowed: true });
    expect(aggregateAccess(WHO.physician)).toEqual(deny('ROLE_NOT_PERMITTED'));
    expect(aggregateAccess(WHO.self)).toEqual(deny('ROLE_NOT_PERMITTED'));
    expect(aggregateAccess(null)).toEqual(deny('NOT_AUTHENTICATED'));
  });

  it('consentInForce: latest act wins, a same-day withdrawal wins, future acts do not count', () => {
    const c = (g: string, w?: string) => consent('K', 'LUOVUTUS_TERVEYDENHUOLTOON', g, w);
    expect(consentInForce([], 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-06-15')).toBe(false);
    expect(consentInForce([c('2025-06-15')], 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-06-15')).toBe(true);
    expect(consentInForce([c('2025-06-16')], 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-06-15')).toBe(false);
    expect(consentInForce([c('2025-01-01', '2025-06-16')], 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-06-15')).toBe(true);
    expect(consentInForce([c('2025-01-01'), c('2024-01-01', '2025-01-01')], 'LUOVUTUS_TERVEYDENHUOLTOON', '2025-06-15')).toBe(false);
    expect(consentInForce([c('2025-01-01')], 'LUOVUTUS_SOSIAALIHUOLTOON', '2025-06-15')).toBe(false);
  });

  it('subjectFromVtj: birth date from the code; VTJ unreadable fails closed', () => {
    expect(subjectFromVtj(MINOR, { guardians: [GUARDIAN_1, GUARDIAN_2], turvakielto: false })).toEqual(minor());
    const unknown = subjectFromVtj(MINOR, undefined);
    expect(unknown).toEqual(minor({ guardians: [], turvakielto: true }));
    const ctx = (who: Identity | null) => accessContext({ identity: who, subject: unknown, records: records(), grants: [], now: NOW });
    expect(decideGroup(ctx(WHO.guardian1), 'APPOINTMENTS')).toEqual(deny('NOT_OWN_DATA'));
    expect(decideGroup(ctx(WHO.minorSelf), 'CONTACT')).toEqual(allow('SELF'));
    // Turvakielto assumed: contact details to the person only, not to a professional even with a care relation.
    expect(decideGroup(ctx(WHO.physician), 'CONTACT')).toEqual(deny('TURVAKIELTO'));
    expect(decideGroup(ctx(WHO.physician), 'BASIC')).toEqual(allow('PROFESSIONAL_ROLE'));
    // No guardian known: not even the minor's basic data to a guardian.
    expect(decideGroup(ctx(WHO.guardian1), 'BASIC')).toEqual(deny('NOT_OWN_DATA'));
    expect(() => subjectFromVtj('010101-950X', undefined)).toThrow(RangeError);
  });

  it('addMonths clamps to the month end', () => {
    expect(addMonths('2025-06-15', -12)).toBe('2024-06-15');
    expect(addMonths('2024-02-29', -12)).toBe('2023-02-28');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-01-15', -13)).toBe('2023-12-15');
  });

  it('uses the Helsinki date: 23:30 UTC on 14 June is already 15 June in Helsinki', () => {
    // now 2025-06-14T23:30Z = 15 June 02:30 Helsinki; an appointment on 15 June 2024 (Helsinki) is exactly 12 months back.
    const ctx = accessContext({
      identity: WHO.physician,
      subject: adult(),
      records: records(onlyAppointment('2024-06-15T00:30:00+03:00')),
      grants: [],
      now: new Date('2025-06-14T23:30:00Z'),
    });
    expect(ctx.today).toBe('2025-06-15');
    expect(decideGroup(ctx, 'APPOINTMENTS')).toEqual(allow('CARE_RELATION'));
  });
});

// ------------------------------------------------------------------ entry points

/** One caller in one situation: who asks, about whom, with which emergency grants. */
interface Caller {
  readonly who: Identity | null;
  readonly subject: SubjectBasics;
  readonly grants?: readonly EmergencyGrant[];
}

/** Every kind of caller an entry point must tell apart. */
const CALLERS = {
  anonymous: { who: WHO.anonymous, subject: adult() },
  citizenSelf: { who: WHO.self, subject: adult() },
  guardianOfMinor: { who: WHO.guardian1, subject: minor() },
  // Still listed as guardian in VTJ, but 18 today: an adult.
  guardianOfAdultChild: {
    who: WHO.guardian1,
    subject: subjectFromVtj(EIGHTEEN_TODAY, { guardians: [GUARDIAN_1, GUARDIAN_2], turvakielto: false }),
  },
  citizenOther: { who: WHO.stranger, subject: adult() },
  professionalWithRelation: { who: WHO.physician, subject: adult() },
  professionalWithoutRelation: { who: WHO.physicianElsewhere, subject: adult() },
  analyst: { who: WHO.analyst, subject: adult() },
  emergency: { who: WHO.physicianElsewhere, subject: adult(), grants: [grant('physician-2', ADULT, new Date(NOW.getTime() - HOUR))] },
  guardianOfMinorUnderTurvakielto: { who: WHO.guardian1, subject: minor({ turvakielto: true }) },
  professionalWithRelationUnderTurvakielto: { who: WHO.physician, subject: adult({ turvakielto: true }) },
} as const satisfies Record<string, Caller>;
type CallerKind = keyof typeof CALLERS;

type EntryDecision = RoleDecision | AccessDecision | OwnReadLogDecision | EmergencyStartDecision;

/** Each entry point of the subgraphs, as the one decision it asks the policy. */
const ENTRY_POINTS = {
  /** Region subgraph (VTJ, person index, `Customer.__resolveReference`) and every municipality subgraph's records. */
  personalSources: (c: Caller) => decidePersonalRead(c.who),
  /** `customer(hetu)`. */
  lookup: (c: Caller) => decideLookup(c.who, c.subject, NOW),
  /** The per-municipality references: whether any record source is called. */
  recordSources: (c: Caller) => decideCustomerRecords(c.who, c.subject, NOW),
  /** A record list in the lists subgraph, here `appointments`. */
  personalField: (c: Caller) =>
    decideGroup(
      accessContext({ identity: c.who, subject: c.subject, records: records(), grants: c.grants ?? [], now: NOW }),
      'APPOINTMENTS',
    ),
  /** `myDataReads`, `myDataReadsFhir`. */
  ownReadLog: (c: Caller) => decideOwnReadLog(c.who),
  /** `startEmergencyAccess`, and whose grants the lists subgraph looks up. */
  emergencyStart: (c: Caller) => decideEmergencyStart(c.who),
  /** `statistics`. */
  statistics: (c: Caller) => aggregateAccess(c.who),
  /** The region subgraph's VTJ basic data (name, birth date, language, the turvakielto flag). */
  vtjBasic: (c: Caller) => decideVtjGroupAt(c.who, c.subject, 'BASIC', NOW),
  /** The region subgraph's VTJ contact data (address, municipality of residence). */
  vtjContact: (c: Caller) => decideVtjGroupAt(c.who, c.subject, 'CONTACT', NOW),
  /** A guardian's or dependant's name and identity code, read with the person. */
  relatives: (c: Caller) => decideRelative(decideVtjGroupAt(c.who, c.subject, 'BASIC', NOW)),
} as const satisfies Record<string, (c: Caller) => EntryDecision>;
type EntryPoint = keyof typeof ENTRY_POINTS;

const OK = { allowed: true } as const;
const ownLog = (hetu: string) => ({ allowed: true, basis: 'SELF', hetu }) as const;
const startsAs = (sub: string) => ({ allowed: true, basis: 'EMERGENCY', sub }) as const;
const ROLE = deny('ROLE_NOT_PERMITTED');
const NOT_OWN = deny('NOT_OWN_DATA');
const ROLE_BASED = allow('PROFESSIONAL_ROLE');
const RELATIVE = allow('FAMILY_RELATION');

/** What each caller gets at each entry point. */
const ENTRY_MATRIX: Readonly<Record<CallerKind, Readonly<Record<EntryPoint, EntryDecision>>>> = {
  anonymous: {
    personalSources: deny('NOT_AUTHENTICATED'),
    lookup: deny('NOT_AUTHENTICATED'),
    recordSources: deny('NOT_AUTHENTICATED'),
    personalField: deny('NOT_AUTHENTICATED'),
    ownReadLog: deny('NOT_AUTHENTICATED'),
    emergencyStart: deny('NOT_AUTHENTICATED'),
    statistics: deny('NOT_AUTHENTICATED'),
    vtjBasic: deny('NOT_AUTHENTICATED'),
    vtjContact: deny('NOT_AUTHENTICATED'),
    relatives: deny('NOT_AUTHENTICATED'),
  },
  citizenSelf: {
    personalSources: OK,
    lookup: allow('SELF'),
    recordSources: allow('SELF'),
    personalField: allow('SELF'),
    ownReadLog: ownLog(ADULT),
    emergencyStart: ROLE,
    statistics: ROLE,
    vtjBasic: allow('SELF'),
    vtjContact: allow('SELF'),
    relatives: RELATIVE,
  },
  guardianOfMinor: {
    personalSources: OK,
    lookup: allow('GUARDIAN'),
    recordSources: allow('GUARDIAN'),
    personalField: allow('GUARDIAN'),
    // Their own log, never the minor's.
    ownReadLog: ownLog(GUARDIAN_1),
    emergencyStart: ROLE,
    statistics: ROLE,
    vtjBasic: allow('GUARDIAN'),
    vtjContact: allow('GUARDIAN'),
    relatives: RELATIVE,
  },
  guardianOfAdultChild: {
    personalSources: OK,
    lookup: NOT_OWN,
    recordSources: NOT_OWN,
    personalField: NOT_OWN,
    ownReadLog: ownLog(GUARDIAN_1),
    emergencyStart: ROLE,
    statistics: ROLE,
    vtjBasic: NOT_OWN,
    vtjContact: NOT_OWN,
    relatives: NOT_OWN,
  },
  citizenOther: {
    personalSources: OK,
    lookup: NOT_OWN,
    recordSources: NOT_OWN,
    personalField: NOT_OWN,
    ownReadLog: ownLog(STRANGER),
    emergencyStart: ROLE,
    statistics: ROLE,
    vtjBasic: NOT_OWN,
    vtjContact: NOT_OWN,
    relatives: NOT_OWN,
  },
  professionalWithRelation: {
    personalSources: OK,
    lookup: allow('PROFESSIONAL_ROLE'),
    recordSources: allow('PROFESSIONAL_ROLE'),
    personalField: allow('CARE_RELATION'),
    ownReadLog: ROLE,
    emergencyStart: startsAs('physician'),
    statistics: ROLE,
    vtjBasic: ROLE_BASED,
    vtjContact: ROLE_BASED,
    relatives: RELATIVE,
  },
  professionalWithoutRelation: {
    personalSources: OK,
    lookup: allow('PROFESSIONAL_ROLE'),
    recordSources: allow('PROFESSIONAL_ROLE'),
    personalField: deny('NO_CARE_RELATION'),
    ownReadLog: ROLE,
    emergencyStart: startsAs('physician-2'),
    statistics: ROLE,
    vtjBasic: ROLE_BASED,
    vtjContact: ROLE_BASED,
    relatives: RELATIVE,
  },
  analyst: {
    personalSources: deny('AGGREGATES_ONLY'),
    lookup: deny('AGGREGATES_ONLY'),
    recordSources: deny('AGGREGATES_ONLY'),
    personalField: deny('AGGREGATES_ONLY'),
    ownReadLog: ROLE,
    emergencyStart: ROLE,
    statistics: OK,
    vtjBasic: deny('AGGREGATES_ONLY'),
    vtjContact: deny('AGGREGATES_ONLY'),
    relatives: deny('AGGREGATES_ONLY'),
  },
  emergency: {
    personalSources: OK,
    lookup: allow('PROFESSIONAL_ROLE'),
    recordSources: allow('PROFESSIONAL_ROLE'),
    personalField: allow('EMERGENCY'),
    ownReadLog: ROLE,
    emergencyStart: startsAs('physician-2'),
    statistics: ROLE,
    vtjBasic: ROLE_BASED,
    vtjContact: ROLE_BASED,
    relatives: RELATIVE,
  },
  guardianOfMinorUnderTurvakielto: {
    personalSources: OK,
    lookup: allow('GUARDIAN'),
    recordSources: allow('GUARDIAN'),
    personalField: allow('GUARDIAN'),
    ownReadLog: ownLog(GUARDIAN_1),
    emergencyStart: ROLE,
    statistics: ROLE,
    vtjBasic: allow('GUARDIAN'),
    // The minor's address reaches only the minor.
    vtjContact: deny('TURVAKIELTO'),
    relatives: RELATIVE,
  },
  professionalWithRelationUnderTurvakielto: {
    personalSources: OK,
    lookup: ROLE_BASED,
    recordSources: ROLE_BASED,
    personalField: allow('CARE_RELATION'),
    ownReadLog: ROLE,
    emergencyStart: startsAs('physician'),
    statistics: ROLE,
    vtjBasic: ROLE_BASED,
    // Not even with a care relation: the unit giving care reads it in its own system.
    vtjContact: deny('TURVAKIELTO'),
    relatives: RELATIVE,
  },
};

describe('entry points × callers: what each subgraph entry point gets from the policy', () => {
  const cases = (Object.keys(CALLERS) as CallerKind[]).flatMap((kind) =>
    (Object.keys(ENTRY_POINTS) as EntryPoint[]).map((entry) => [`${kind} at ${entry}`, kind, entry] as const),
  );
  it.each(cases)('%s', (_name, kind, entry) => {
    expect(ENTRY_POINTS[entry](CALLERS[kind])).toEqual(ENTRY_MATRIX[kind][entry]);
  });

  it('between the two matrices, every deny reason and every basis of the engine is met', () => {
    const seen = new Set<string>();
    for (const r of MATRIX) seen.add(r.expect.allowed ? r.expect.basis : r.expect.reason);
    for (const row of Object.values(ENTRY_MATRIX)) {
      for (const d of Object.values(row)) if ('basis' in d) seen.add(d.basis);
      for (const d of Object.values(row)) if (!d.allowed) seen.add(d.reason);
    }
    for (const k of [...DENY_REASONS, ...ACCESS_BASES]) expect(seen, k).toContain(k);
  });

  it('the record references: an identity code that is not valid is no citizen’s own; a professional still goes on', () => {
    const bad = { hetu: '010101-950X', guardians: [] };
    expect(decideCustomerRecords(WHO.self, bad, NOW)).toEqual(NOT_OWN);
    expect(decideCustomerRecords(WHO.guardian1, bad, NOW)).toEqual(NOT_OWN);
    expect(decideCustomerRecords(WHO.physician, bad, NOW)).toEqual(allow('PROFESSIONAL_ROLE'));
    expect(decideCustomerRecords(WHO.anonymous, bad, NOW)).toEqual(deny('NOT_AUTHENTICATED'));
    expect(decideCustomerRecords(WHO.analyst, bad, NOW)).toEqual(deny('AGGREGATES_ONLY'));
  });

  it('the record references: VTJ’s guardians are read only for a citizen asking for another person who is a minor', () => {
    expect(customerRecordsNeedGuardians(WHO.guardian1, MINOR, NOW)).toBe(true);
    expect(customerRecordsNeedGuardians(WHO.guardian1, EIGHTEEN_TOMORROW, NOW)).toBe(true);
    expect(customerRecordsNeedGuardians(WHO.guardian1, EIGHTEEN_TODAY, NOW)).toBe(false);
    expect(customerRecordsNeedGuardians(WHO.minorSelf, MINOR, NOW)).toBe(false);
    expect(customerRecordsNeedGuardians(WHO.physician, MINOR, NOW)).toBe(false);
    expect(customerRecordsNeedGuardians(WHO.guardian1, '010101-950X', NOW)).toBe(false);
    // Without the guardians the decision falls closed.
    expect(decideCustomerRecords(WHO.guardian1, { hetu: MINOR, guardians: [] }, NOW)).toEqual(NOT_OWN);
  });

  it('grants count only for whoever may start emergency access: a citizen’s grant opens nothing', () => {
    const ctx = accessContext({
      identity: WHO.stranger,
      subject: adult(),
      records: records(),
      grants: [grant('c-stranger', ADULT, NOW)],
      now: NOW,
    });
    expect(ctx.activeGrant).toBeUndefined();
    expect(decideGroup(ctx, 'APPOINTMENTS')).toEqual(NOT_OWN);
  });
});

// ------------------------------------------------------------------ VTJ's data and relatives

/** How the subject is related to the citizen asking (other callers read the same subjects). */
type VtjRelation = 'self' | 'guardianOfMinor' | 'guardianOfAdult' | 'other';
type VtjCaller = 'anonymous' | 'analyst' | 'citizen' | 'professional';

/** The subject of each relation, with or without turvakielto, and which citizen asks. */
const VTJ_RELATIONS: Readonly<
  Record<VtjRelation, { readonly citizen: Identity; readonly subject: (turvakielto: boolean) => SubjectBasics }>
> = {
  self: { citizen: WHO.self, subject: (turvakielto) => adult({ turvakielto }) },
  guardianOfMinor: { citizen: WHO.guardian1, subject: (turvakielto) => minor({ turvakielto }) },
  // Still listed as guardian in VTJ, but 18 today.
  guardianOfAdult: {
    citizen: WHO.guardian1,
    subject: (turvakielto) => minor({ hetu: EIGHTEEN_TODAY, birthDate: '2007-06-15', turvakielto }),
  },
  // Another family's minor.
  other: { citizen: WHO.stranger, subject: (turvakielto) => minor({ turvakielto }) },
};

const vtjCaller = (kind: VtjCaller, relation: VtjRelation): Identity | null =>
  ({ anonymous: WHO.anonymous, analyst: WHO.analyst, citizen: VTJ_RELATIONS[relation].citizen, professional: WHO.physicianElsewhere })[
    kind
  ];

const NA = deny('NOT_AUTHENTICATED');
const AO = deny('AGGREGATES_ONLY');
const TK = deny('TURVAKIELTO');
const PR = allow('PROFESSIONAL_ROLE');

/** [BASIC, CONTACT, BASIC under turvakielto, CONTACT under turvakielto] per caller and relation. */
const VTJ_MATRIX: Readonly<
  Record<VtjCaller, Readonly<Record<VtjRelation, readonly [AccessDecision, AccessDecision, AccessDecision, AccessDecision]>>>
> = {
  anonymous: {
    self: [NA, NA, NA, NA],
    guardianOfMinor: [NA, NA, NA, NA],
    guardianOfAdult: [NA, NA, NA, NA],
    other: [NA, NA, NA, NA],
  },
  analyst: {
    self: [AO, AO, AO, AO],
    guardianOfMinor: [AO, AO, AO, AO],
    guardianOfAdult: [AO, AO, AO, AO],
    other: [AO, AO, AO, AO],
  },
  citizen: {
    // The person sees their own address under their own turvakielto.
    self: [allow('SELF'), allow('SELF'), allow('SELF'), allow('SELF')],
    guardianOfMinor: [allow('GUARDIAN'), allow('GUARDIAN'), allow('GUARDIAN'), TK],
    guardianOfAdult: [NOT_OWN, NOT_OWN, NOT_OWN, NOT_OWN],
    other: [NOT_OWN, NOT_OWN, NOT_OWN, NOT_OWN],
  },
  // A professional with no care relation, no record and no grant: the rule needs none of them.
  professional: {
    self: [PR, PR, PR, TK],
    guardianOfMinor: [PR, PR, PR, TK],
    guardianOfAdult: [PR, PR, PR, TK],
    other: [PR, PR, PR, TK],
  },
};

const VTJ_CASES = (Object.keys(VTJ_MATRIX) as VtjCaller[]).flatMap((kind) =>
  (Object.keys(VTJ_RELATIONS) as VtjRelation[]).flatMap((relation) =>
    ([false, true] as const).flatMap((turvakielto) =>
      (['BASIC', 'CONTACT'] as const).map((group) => {
        const [basic, contact, basicTk, contactTk] = VTJ_MATRIX[kind][relation];
        const expected = turvakielto ? (group === 'BASIC' ? basicTk : contactTk) : group === 'BASIC' ? basic : contact;
        const name = `${kind}, ${relation}, ${group}${turvakielto ? ' under turvakielto' : ''}: ${expected.allowed ? expected.basis : expected.reason}`;
        return [name, kind, relation, turvakielto, group, expected] as const;
      }),
    ),
  ),
);

describe('VTJ’s data without records (decideVtjGroup)', () => {
  it.each(VTJ_CASES)('%s', (_name, kind, relation, turvakielto, group, expected) => {
    const who = vtjCaller(kind, relation);
    const subject = VTJ_RELATIONS[relation].subject(turvakielto);
    expect(decideVtjGroup(who, subject, group, '2025-06-15')).toEqual(expected);
    expect(decideVtjGroupAt(who, subject, group, NOW)).toEqual(expected);
  });

  it('the minor reads their own address under turvakielto (SELF); their guardian does not', () => {
    const subject = minor({ turvakielto: true });
    expect(decideVtjGroup(WHO.minorSelf, subject, 'CONTACT', '2025-06-15')).toEqual(allow('SELF'));
    expect(decideVtjGroup(WHO.guardian2, subject, 'CONTACT', '2025-06-15')).toEqual(TK);
    expect(decideVtjGroup(WHO.guardian2, subject, 'BASIC', '2025-06-15')).toEqual(allow('GUARDIAN'));
  });

  it('needs no records: decideGroup gives the same answer whatever records, consents and grants the context has', () => {
    const none: SubjectRecords = { appointments: [], customerships: [], decisions: [], plans: [], fees: [], consents: [] };
    const readers: readonly (Identity | null)[] = [
      WHO.anonymous,
      WHO.analyst,
      WHO.self,
      WHO.minorSelf,
      WHO.guardian1,
      WHO.stranger,
      WHO.physician,
      WHO.physicianElsewhere,
      WHO.nurse,
      WHO.dentist,
      WHO.swAdult,
      WHO.swChildWelfare,
    ];
    const subjects = [adult(), minor(), minor({ hetu: EIGHTEEN_TODAY, birthDate: '2007-06-15' })].flatMap((s) => [
      s,
      { ...s, turvakielto: true },
    ]);
    let compared = 0;
    for (const who of readers) {
      const sub = who?.sub ?? 'nobody';
      for (const subject of subjects) {
        const situations: Record<string, { records: SubjectRecords; grants: EmergencyGrant[] }> = {
          'no records, no grants': { records: none, grants: [] },
          'every record (a care relation for some)': { records: records(), grants: [] },
          'consents both ways and the prohibition to guardians': {
            records: records({ consents: [TO_HEALTH, TO_SOCIAL, KIELTO] }),
            grants: [],
          },
          'an active emergency grant': { records: none, grants: [grant(sub, subject.hetu, new Date(NOW.getTime() - HOUR))] },
          'only an expired emergency grant': { records: none, grants: [grant(sub, subject.hetu, new Date(NOW.getTime() - 5 * HOUR))] },
        };
        for (const group of ['BASIC', 'CONTACT'] as const) {
          const expected = decideVtjGroup(who, subject, group, '2025-06-15');
          for (const [situation, { records: recs, grants }] of Object.entries(situations)) {
            const ctx = accessContext({ identity: who, subject, records: recs, grants, now: NOW });
            expect(decideGroup(ctx, group), `${who?.sub ?? 'anonymous'} on ${subject.hetu} ${group}, ${situation}`).toEqual(expected);
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBe(12 * 6 * 2 * 5);
  });

  it('decideVtjGroupAt takes the Helsinki date: 18 at Helsinki midnight, while still the day before in UTC', () => {
    const subject = minor({ hetu: EIGHTEEN_TOMORROW, birthDate: '2007-06-16' });
    // 23:30 Helsinki on 15 June: still a minor.
    expect(decideVtjGroupAt(WHO.guardian1, subject, 'BASIC', new Date('2025-06-15T20:30:00Z'))).toEqual(allow('GUARDIAN'));
    // 00:30 Helsinki on 16 June (21:30 UTC on the 15th): an adult.
    expect(decideVtjGroupAt(WHO.guardian1, subject, 'BASIC', new Date('2025-06-15T21:30:00Z'))).toEqual(NOT_OWN);
    expect(decideVtjGroup(WHO.guardian1, subject, 'BASIC', '2025-06-15')).toEqual(allow('GUARDIAN'));
    expect(decideVtjGroup(WHO.guardian1, subject, 'BASIC', '2025-06-16')).toEqual(NOT_OWN);
  });
});

describe('relatives (decideRelative)', () => {
  it.each(ACCESS_BASES.map((b) => [b] as const))(
    'the person’s basic data allowed on %s: the relative’s name and code on FAMILY_RELATION',
    (basis) => {
      expect(decideRelative(allow(basis))).toEqual(RELATIVE);
    },
  );

  it.each(DENY_REASONS.map((r) => [r] as const))('the person’s basic data denied %s: the relative’s the same denial', (reason) => {
    expect(decideRelative(deny(reason))).toEqual(deny(reason));
  });

  it.each(VTJ_CASES.filter(([, , , , group]) => group === 'BASIC'))(
    'relatives with the VTJ matrix: %s',
    (_name, kind, relation, turvakielto) => {
      const who = vtjCaller(kind, relation);
      const basic = decideVtjGroup(who, VTJ_RELATIONS[relation].subject(turvakielto), 'BASIC', '2025-06-15');
      // Turvakielto protects contact details, not who a person's guardians are.
      expect(decideRelative(basic)).toEqual(basic.allowed ? RELATIVE : basic);
    },
  );
});
