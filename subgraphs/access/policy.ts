/**
 * The access policy engine (issue 4): pure, no I/O. From who is asking, the
 * subject person's basic data, their records region-wide (with consents),
 * the asker's emergency grants and the clock, it decides for each data group
 * and each record: allow (with the basis the audit log records) or deny
 * (with a reason class the GraphQL error carries).
 *
 * Rules (issue 4, region.md) and the decisions taken where they are silent:
 * - No identity: NOT_AUTHENTICATED. Analysts: AGGREGATES_ONLY for every
 *   personal group (aggregates go through `aggregateAccess` instead).
 * - Citizens: their own data (SELF), all of it, child welfare included (the
 *   client's own right of access). A minor's (under 18 on the Helsinki date
 *   of `now`) data as any guardian VTJ lists (GUARDIAN). A KIELTO_HUOLTAJALLE
 *   in force denies the guardian ALL of the minor's client data
 *   (GUARDIAN_PROHIBITED); BASIC and CONTACT come from VTJ, not from the
 *   client records, and stay visible. Child welfare customerships (and their
 *   decisions and plans) never reach a guardian (CHILD_WELFARE_RESTRICTED:
 *   region.md says they reach only social workers of that task). Anyone else:
 *   NOT_OWN_DATA.
 * - Professionals need a care relation: an open customership (no end date,
 *   or one not before today) whose unit name is one of their `units` or,
 *   since identities carry unit OIDs only and customerships name their unit
 *   by name, whose municipality is the professional's and whose service task
 *   is one of theirs (their own team's client), or an
 *   appointment (not CANCELLED) whose Helsinki date is within the 12 calendar
 *   months before today or the 90 days after it, whose unit OID (the unit
 *   name when the source gives no OID) is one of their `units`; in either
 *   case the record's care area must be in their claims, and an
 *   extra-sensitive customership gives a relation only to a social worker of
 *   its task. Names compare trimmed, whitespace-collapsed, case-insensitive.
 *   With a relation they see records of the care areas they claim
 *   (CARE_RELATION); another care area of the same register: NO_CARE_RELATION;
 *   the other register only with the disclosure consent in force (CONSENT,
 *   else NO_CONSENT): social care data to health staff with
 *   LUOVUTUS_TERVEYDENHUOLTOON, health data to social care staff with
 *   LUOVUTUS_SOSIAALIHUOLTOON. RECORD_INDEX and CONSENTS need a relation in
 *   any claimed area (consents decide disclosure, so every professional in a
 *   care relation must be able to see them).
 * - VTJ's data (BASIC, CONTACT) is decided without records (`decideVtjGroup`):
 *   a professional reads BASIC of anyone they may look up (PROFESSIONAL_ROLE)
 *   and CONTACT unless turvakielto; citizens as above. A relative's name and
 *   identity code reach whoever may read the person's BASIC data
 *   (FAMILY_RELATION, `decideRelative`).
 * - A consent is in force when, of all its records region-wide, the latest
 *   act on or before today is a giving (a withdrawal on the same day wins).
 * - Child welfare: a customership that is extra-sensitive or has service task
 *   CHILD_WELFARE, and decisions and plans attached to one, reach only a
 *   SOCIAL_WORKER claiming SOCIAL and that service task. A decision or plan
 *   whose customership is not among the records is treated as restricted
 *   (fail closed).
 * - Emergency: an active grant (started ≤ now < expires) allows anything the
 *   rules above deny for want of relation or consent (basis EMERGENCY),
 *   except child welfare records (CHILD_WELFARE_RESTRICTED) and
 *   turvakielto-protected contact details (TURVAKIELTO: an emergency reader
 *   has no care relation). When only expired grants exist, such a denial
 *   reads EMERGENCY_EXPIRED.
 * - Turvakielto: CONTACT (address, municipality, contact details) only to the
 *   person: never to guardians, nor to professionals (the unit giving care
 *   reads them in its own system), emergency access included.
 * - A lookup by identity code (`customer(hetu)`) tells whether the person
 *   exists, so it is a read of that fact (`decideLookup`): citizens only of
 *   themself or their minor; professionals of anyone (PROFESSIONAL_ROLE: a
 *   care relation shows only once the client is found, and every personal
 *   field keeps the rules above), and each professional lookup is audited
 *   with whether the person was found (`auditsLookup`).
 *
 * This module is the only place an access rule is written. Every entry point
 * of the subgraphs asks one decision function and only turns a denial into
 * its GraphQL error:
 * - `decidePersonalRead`: the region and municipality subgraphs, before VTJ,
 *   the person index or any source is read (defense in depth);
 * - `decideLookup`: `customer(hetu)`;
 * - `decideCustomerRecords`: the per-municipality record references (`Customer.porvooRecords` …, `recordHolders`);
 * - `decideVtjGroup`, `decideRelative`: VTJ's basic data and relatives the
 *   region subgraph serves;
 * - `decideGroup` / `decideRecord` / `filterRecords`: every record list, the
 *   record index and the fee ceiling the lists subgraph serves;
 * - `decideOwnReadLog`: `myDataReads`, `myDataReadsFhir`;
 * - `decideEmergencyStart`: `startEmergencyAccess`, and whose grants count;
 * - `aggregateAccess`: `statistics`;
 * - `decideUnitViews`, with `customershipGivesRelation` and the unit keys:
 *   `me.unitAppointments`, `me.clients` (the unit index).
 */
import type {
  Appointment,
  CareArea,
  Consent,
  ConsentType,
  Customership,
  Decision,
  Fee,
  IsoDate,
  Plan,
  ServiceTask,
  VtjPerson,
} from '../../domain/model.ts';
import { ageOn, checkHetu } from '../../domain/hetu.ts';
import { addDays, isoDate, parseInstant, toHelsinkiLocal } from '../../domain/time.ts';
import type { Identity } from '../../contract/identity.ts';

/** The groups of a person's data a request can touch; resolvers map fields to them. */
export const DATA_GROUPS = [
  /** Name, birth date, language, death date, guardians/dependants, the turvakielto flag (VTJ). */
  'BASIC',
  /** Address, municipality of residence, phone: what turvakielto protects. */
  'CONTACT',
  /** Where the person has records (the person index; the lists subgraph's `missingSources`). */
  'RECORD_INDEX',
  'APPOINTMENTS',
  'CUSTOMERSHIPS',
  'DECISIONS',
  'PLANS',
  'FEES',
  'CONSENTS',
] as const;
export type DataGroup = (typeof DATA_GROUPS)[number];

/** The groups whose items are records with provenance, decided one by one. */
export type RecordGroup = 'APPOINTMENTS' | 'CUSTOMERSHIPS' | 'DECISIONS' | 'PLANS' | 'FEES' | 'CONSENTS';

/** The record type of each record group. */
export interface GroupRecord {
  APPOINTMENTS: Appointment;
  CUSTOMERSHIPS: Customership;
  DECISIONS: Decision;
  PLANS: Plan;
  FEES: Fee;
  CONSENTS: Consent;
}

export const ACCESS_BASES = [
  'SELF',
  'GUARDIAN',
  'CARE_RELATION',
  'CONSENT',
  'EMERGENCY',
  /** A professional looking a person up by identity code (`decideLookup`): whether they exist, nothing more. */
  'PROFESSIONAL_ROLE',
  /** A guardian's or dependant's name and identity code, read with the person VTJ lists them for (`decideRelative`). */
  'FAMILY_RELATION',
] as const;
export type AccessBasis = (typeof ACCESS_BASES)[number];

export const DENY_REASONS = [
  'NOT_AUTHENTICATED',
  'NOT_OWN_DATA',
  'GUARDIAN_PROHIBITED',
  'NO_CARE_RELATION',
  'NO_CONSENT',
  'CHILD_WELFARE_RESTRICTED',
  'TURVAKIELTO',
  'AGGREGATES_ONLY',
  'EMERGENCY_EXPIRED',
  /** Not a person's data at all: the role may not use this function (e.g. aggregates for a citizen). */
  'ROLE_NOT_PERMITTED',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export interface AllowDecision {
  readonly allowed: true;
  readonly basis: AccessBasis;
}

export interface DenyDecision {
  readonly allowed: false;
  readonly reason: DenyReason;
}

export type AccessDecision = AllowDecision | DenyDecision;

/**
 * A decision about who is asking rather than whose data: whether this caller
 * may use a function at all (aggregates, a subgraph's personal data).
 */
export type RoleDecision = { readonly allowed: true } | DenyDecision;

/** `decideOwnReadLog`'s answer: allowed with whose log it is (always the caller's own). */
export type OwnReadLogDecision = (AllowDecision & { readonly basis: 'SELF'; readonly hetu: string }) | DenyDecision;

/** `decideEmergencyStart`'s answer: allowed with the `sub` the grant is held under. */
export type EmergencyStartDecision = (AllowDecision & { readonly basis: 'EMERGENCY'; readonly sub: string }) | DenyDecision;

/** The subject person's basic data, from VTJ. */
export interface SubjectBasics {
  readonly hetu: string;
  /** From the identity code. */
  readonly birthDate: IsoDate;
  /** Guardians' identity codes, in VTJ order. */
  readonly guardians: readonly string[];
  readonly turvakielto: boolean;
}

/** The subject's records region-wide (every instance), consents from the social care systems included. */
export interface SubjectRecords {
  readonly appointments: readonly Appointment[];
  readonly customerships: readonly Customership[];
  readonly decisions: readonly Decision[];
  readonly plans: readonly Plan[];
  readonly fees: readonly Fee[];
  readonly consents: readonly Consent[];
}

/**
 * The subject's basic data from VTJ. The birth date comes from the identity
 * code. When VTJ could not be read (`undefined`), fail closed: turvakielto is
 * assumed (contact details only to the person and care relations) and no
 * guardian is known (no guardian access). Throws RangeError for an invalid code.
 */
export function subjectFromVtj(hetu: string, vtj: Pick<VtjPerson, 'guardians' | 'turvakielto'> | undefined): SubjectBasics {
  const checked = checkHetu(hetu);
  if (!checked.ok) throw new RangeError(`expected a valid identity code, received one where ${checked.reason}`);
  return {
    hetu,
    birthDate: checked.info.birthDate,
    guardians: vtj ? [...vtj.guardians] : [],
    turvakielto: vtj ? vtj.turvakielto : true,
  };
}

/** A "break the glass" grant: one professional, one person, a reason, a time window. */
export interface EmergencyGrant {
  readonly id: string;
  /** The professional's `sub`. */
  readonly sub: string;
  readonly hetu: string;
  readonly reason: string;
  readonly startedAt: Date;
  /** Exclusive. */
  readonly expiresAt: Date;
}

export interface PolicyInput {
  readonly identity: Identity | null;
  readonly subject: SubjectBasics;
  readonly records: SubjectRecords;
  /** This identity's grants for this person; expired ones may be included (they yield EMERGENCY_EXPIRED). */
  readonly grants: readonly EmergencyGrant[];
  readonly now: Date;
}

/** Everything the decisions need, computed once per (identity, subject). */
export interface AccessContext {
  readonly identity: Identity | null;
  readonly subject: SubjectBasics;
  /** Helsinki date of `now`. */
  readonly today: IsoDate;
  readonly isSelf: boolean;
  /** The reader is a VTJ guardian and the subject is under 18 today. */
  readonly isGuardianOfMinor: boolean;
  readonly guardianProhibited: boolean;
  /** Care areas in which a professional reader has a care relation (empty: none). */
  readonly careRelationAreas: ReadonlySet<CareArea>;
  readonly consentToHealthCare: boolean;
  readonly consentToSocialCare: boolean;
  /** The grant in force at `now`, if any (the latest-expiring one). */
  readonly activeGrant?: EmergencyGrant;
  /** True when no grant is active but one has been and has expired. */
  readonly grantExpired: boolean;
  /** Customerships by `instance localId`, for decisions and plans. */
  readonly customershipsByKey: ReadonlyMap<string, Customership>;
}

const HEALTH_AREAS: readonly CareArea[] = ['PRIMARY_HEALTH', 'ORAL_HEALTH'];
/** A record's care area as far as the policy is concerned: `HEALTH` when only the register is known. */
type RecordArea = CareArea | 'HEALTH';

const allow = (basis: AccessBasis): AllowDecision => ({ allowed: true, basis });
const deny = (reason: DenyReason): DenyDecision => ({ allowed: false, reason });

/** Computes the context of one identity reading one person at `now`. */
export function accessContext(input: PolicyInput): AccessContext {
  const { identity, subject, records, now } = input;
  const today = helsinkiDate(now.getTime());
  const isSelf = identity?.kind === 'citizen' && identity.hetu === subject.hetu;
  const isGuardianOfMinor = !isSelf && guardianOfMinor(identity, subject, today);
  const customershipsByKey = new Map<string, Customership>();
  for (const c of records.customerships) customershipsByKey.set(key(c.source.instance, c.source.localId), c);

  let activeGrant: EmergencyGrant | undefined;
  let grantExpired = false;
  const holder = decideEmergencyStart(identity);
  if (holder.allowed) {
    const t = now.getTime();
    for (const g of input.grants) {
      // Defensive: a grant of another professional or person never counts.
      if (g.sub !== holder.sub || g.hetu !== subject.hetu) continue;
      if (g.startedAt.getTime() <= t && t < g.expiresAt.getTime()) {
        if (!activeGrant || g.expiresAt.getTime() > activeGrant.expiresAt.getTime()) activeGrant = g;
      } else if (g.expiresAt.getTime() <= t) {
        grantExpired = true;
      }
    }
  }

  return {
    identity,
    subject,
    today,
    isSelf,
    isGuardianOfMinor,
    guardianProhibited: consentInForce(records.consents, 'KIELTO_HUOLTAJALLE', today),
    careRelationAreas: identity?.kind === 'professional' ? careRelation(identity, records, today) : new Set(),
    consentToHealthCare: consentInForce(records.consents, 'LUOVUTUS_TERVEYDENHUOLTOON', today),
    consentToSocialCare: consentInForce(records.consents, 'LUOVUTUS_SOSIAALIHUOLTOON', today),
    ...(activeGrant ? { activeGrant } : {}),
    grantExpired: !activeGrant && grantExpired,
    customershipsByKey,
  };
}

/**
 * The decision for a whole data group. For record groups it is the gate
 * before the per-record rules: a denial here denies every record; an allow
 * still leaves `decideRecord` to filter (care area, consent, child welfare).
 * It never depends on which records of that group exist.
 */
export function decideGroup(ctx: AccessContext, group: DataGroup): AccessDecision {
  const caller = decidePersonalRead(ctx.identity);
  if (!caller.allowed) return caller;
  if (group === 'BASIC' || group === 'CONTACT') return decideVtjGroup(ctx.identity, ctx.subject, group, ctx.today);
  if (ctx.identity?.kind === 'citizen') {
    if (ctx.isSelf) return allow('SELF');
    if (!ctx.isGuardianOfMinor) return deny('NOT_OWN_DATA');
    return ctx.guardianProhibited ? deny('GUARDIAN_PROHIBITED') : allow('GUARDIAN');
  }
  switch (group) {
    case 'APPOINTMENTS':
      return professionalArea(ctx, 'HEALTH');
    case 'CUSTOMERSHIPS':
    case 'DECISIONS':
      return professionalArea(ctx, 'SOCIAL');
    default:
      // RECORD_INDEX, CONSENTS, and the gate of the mixed groups PLANS and FEES.
      return ctx.careRelationAreas.size > 0 ? allow('CARE_RELATION') : emergencyOr(ctx, 'NO_CARE_RELATION');
  }
}

/**
 * The decision for VTJ's data of a person, BASIC or CONTACT, from who asks
 * and VTJ's own data alone: no record and no emergency grant is needed, so
 * the region subgraph decides it without reading any source but VTJ.
 * - Citizens: themself (SELF); a minor they are a VTJ guardian of
 *   (GUARDIAN), CONTACT not under turvakielto (TURVAKIELTO); else NOT_OWN_DATA.
 * - Professionals: BASIC of anyone they may look up (PROFESSIONAL_ROLE:
 *   identifying the client comes before any care relation can be shown).
 *   CONTACT likewise unless the person has turvakielto: then the address and
 *   municipality never leave the region graph to a professional
 *   (TURVAKIELTO); the unit giving care reads them in its own system.
 * - No identity: NOT_AUTHENTICATED; analysts: AGGREGATES_ONLY.
 */
export function decideVtjGroup(
  identity: Identity | null,
  subject: Pick<SubjectBasics, 'hetu' | 'birthDate' | 'guardians' | 'turvakielto'>,
  group: 'BASIC' | 'CONTACT',
  today: IsoDate,
): AccessDecision {
  const caller = decidePersonalRead(identity);
  if (!caller.allowed) return caller;
  if (identity?.kind === 'citizen') {
    if (identity.hetu === subject.hetu) return allow('SELF');
    if (!guardianOfMinor(identity, subject, today)) return deny('NOT_OWN_DATA');
    return group === 'CONTACT' && subject.turvakielto ? deny('TURVAKIELTO') : allow('GUARDIAN');
  }
  if (group === 'CONTACT' && subject.turvakielto) return deny('TURVAKIELTO');
  return allow('PROFESSIONAL_ROLE');
}

/**
 * The decision for a relative's (a guardian's or dependant's) identity code
 * and name, which VTJ lists with the person: allowed (FAMILY_RELATION)
 * exactly when the reader may read that person's BASIC data (`personBasic`);
 * otherwise that denial. Anything more of the relative is decided as the
 * relative's own data.
 */
export function decideRelative(personBasic: AccessDecision): AccessDecision {
  return personBasic.allowed ? allow('FAMILY_RELATION') : personBasic;
}

/** `decideVtjGroup` on the Helsinki date of `now`. */
export function decideVtjGroupAt(
  identity: Identity | null,
  subject: Pick<SubjectBasics, 'hetu' | 'birthDate' | 'guardians' | 'turvakielto'>,
  group: 'BASIC' | 'CONTACT',
  now: Date,
): AccessDecision {
  return decideVtjGroup(identity, subject, group, helsinkiDate(now.getTime()));
}

/** The decision for one record of a record group. */
export function decideRecord<G extends RecordGroup>(ctx: AccessContext, group: G, record: GroupRecord[G]): AccessDecision {
  const gate = decideGroup(ctx, group);
  if (!gate.allowed) return gate;
  const restricted = childWelfareRestricted(ctx, group, record);
  const id = ctx.identity;
  if (id?.kind === 'citizen') {
    // SELF sees everything of their own; a guardian never sees child welfare records.
    return !ctx.isSelf && restricted ? deny('CHILD_WELFARE_RESTRICTED') : gate;
  }
  if (id?.kind !== 'professional') return gate;
  const area = recordArea(group, record);
  const byArea = area === undefined ? gate : professionalArea(ctx, area);
  if (!byArea.allowed || !restricted) return byArea;
  const task = restrictedTask(ctx, group, record);
  const entitled =
    id.profession === 'SOCIAL_WORKER' && id.careAreas.includes('SOCIAL') && task !== undefined && id.serviceTasks.includes(task);
  // Emergency access never opens child welfare records.
  return entitled && byArea.basis !== 'EMERGENCY' ? byArea : deny('CHILD_WELFARE_RESTRICTED');
}

/** A record group's records split by the policy. */
export interface FilteredRecords<T> {
  readonly allowed: T[];
  readonly denied: { readonly record: T; readonly reason: DenyReason }[];
  /** Distinct decisions taken (for the audit log): each basis used, each reason met. */
  readonly decisions: AccessDecision[];
}

/**
 * Applies `decideRecord` to a list. The group decision is always among
 * `decisions`, so an empty list is still audited (and a denied group still
 * reported) with its basis or reason.
 */
export function filterRecords<G extends RecordGroup>(
  ctx: AccessContext,
  group: G,
  records: readonly GroupRecord[G][],
): FilteredRecords<GroupRecord[G]> {
  const gate = decideGroup(ctx, group);
  const distinct = new Map<string, AccessDecision>();
  const note = (d: AccessDecision) => {
    const k = d.allowed ? `allow:${d.basis}` : `deny:${d.reason}`;
    if (!distinct.has(k)) distinct.set(k, d);
  };
  const allowed: GroupRecord[G][] = [];
  const denied: { record: GroupRecord[G]; reason: DenyReason }[] = [];
  if (!gate.allowed) {
    note(gate);
    return { allowed, denied: records.map((record) => ({ record, reason: gate.reason })), decisions: [...distinct.values()] };
  }
  if (records.length === 0) note(gate);
  for (const record of records) {
    const d = decideRecord(ctx, group, record);
    note(d);
    if (d.allowed) allowed.push(record);
    else denied.push({ record, reason: d.reason });
  }
  return { allowed, denied, decisions: [...distinct.values()] };
}

/**
 * Whether `identity` may learn if the person `subject` exists (a lookup by
 * identity code). Anonymous: NOT_AUTHENTICATED; analysts: AGGREGATES_ONLY;
 * citizens: themself (SELF) or a minor they are a VTJ guardian of
 * (GUARDIAN), else NOT_OWN_DATA; professionals: PROFESSIONAL_ROLE. Of a
 * citizen's lookups only those `lookupNeedsGuardians` names need the
 * subject's guardians; pass none for the others.
 */
export function decideLookup(
  identity: Identity | null,
  subject: Pick<SubjectBasics, 'hetu' | 'birthDate' | 'guardians'>,
  now: Date,
): AccessDecision {
  const caller = decidePersonalRead(identity);
  if (!caller.allowed) return caller;
  if (identity?.kind !== 'citizen') return allow('PROFESSIONAL_ROLE');
  if (identity.hetu === subject.hetu) return allow('SELF');
  return guardianOfMinor(identity, subject, helsinkiDate(now.getTime())) ? allow('GUARDIAN') : deny('NOT_OWN_DATA');
}

/**
 * True when `decideLookup` needs the subject's guardians from VTJ: a
 * citizen asking for another person who is a minor. For anyone else the
 * decision is made without reading a source.
 */
export function lookupNeedsGuardians(identity: Identity | null, subject: Pick<SubjectBasics, 'hetu' | 'birthDate'>, now: Date): boolean {
  return identity?.kind === 'citizen' && identity.hetu !== subject.hetu && isMinor(subject.birthDate, helsinkiDate(now.getTime()));
}

/**
 * Which lookups the audit log records: every professional's, allowed or
 * not, with whether the person was found (an existence check a professional
 * can run on any code). A citizen's lookup can only confirm themself or
 * their own minor, facts they hold already; what they then read is audited
 * field by field.
 */
export function auditsLookup(identity: Identity | null): boolean {
  return identity?.kind === 'professional';
}

/**
 * Whether a subgraph may read any source of a person's data for this caller
 * at all (defense in depth, whatever the gateway planned): anyone signed in
 * but an analyst. No identity: NOT_AUTHENTICATED; analysts: AGGREGATES_ONLY.
 * The region subgraph asks before VTJ or the person index is read, a
 * municipality subgraph before any source; `decideGroup` and `decideLookup`
 * start from it.
 */
export function decidePersonalRead(identity: Identity | null): RoleDecision {
  if (!identity) return deny('NOT_AUTHENTICATED');
  return identity.kind === 'analyst' ? deny('AGGREGATES_ONLY') : { allowed: true };
}

/**
 * Whether the sources of a person's records (the per-municipality references) may be
 * named, and so called, for `identity`: for whoever may look the person up
 * (`decideLookup`). A citizen's request for anyone but themself or a minor
 * they are a VTJ guardian of calls no source; a professional's goes on (the
 * lists subgraph then decides each record). An invalid `hetu` can be no
 * citizen's own (NOT_OWN_DATA for them). Of a citizen's requests only those
 * `customerRecordsNeedGuardians` names need the subject's guardians; pass
 * none for the others.
 */
export function decideCustomerRecords(
  identity: Identity | null,
  subject: Pick<SubjectBasics, 'hetu' | 'guardians'>,
  now: Date,
): AccessDecision {
  const checked = checkHetu(subject.hetu);
  if (checked.ok) return decideLookup(identity, { ...subject, birthDate: checked.info.birthDate }, now);
  const caller = decidePersonalRead(identity);
  if (!caller.allowed) return caller;
  return identity?.kind === 'citizen' ? deny('NOT_OWN_DATA') : allow('PROFESSIONAL_ROLE');
}

/** True when `decideCustomerRecords` needs the subject's guardians from VTJ (as `lookupNeedsGuardians`, for a code not yet checked). */
export function customerRecordsNeedGuardians(identity: Identity | null, hetu: string, now: Date): boolean {
  const checked = checkHetu(hetu);
  return checked.ok && lookupNeedsGuardians(identity, { hetu, birthDate: checked.info.birthDate }, now);
}

/**
 * Whose read log (who read or looked up their data, Client Data Act
 * 703/2023 §11) `identity` may read: a citizen their own (SELF, with their
 * code; a guardian's is theirs, never the minor's). No identity:
 * NOT_AUTHENTICATED; professionals and analysts: ROLE_NOT_PERMITTED.
 */
export function decideOwnReadLog(identity: Identity | null): OwnReadLogDecision {
  if (!identity) return deny('NOT_AUTHENTICATED');
  return identity.kind === 'citizen' ? { allowed: true, basis: 'SELF', hetu: identity.hetu } : deny('ROLE_NOT_PERMITTED');
}

/**
 * Who may start emergency access ("break the glass") and so hold grants:
 * professionals only (EMERGENCY, under their `sub`); grants count for no one
 * else. No identity: NOT_AUTHENTICATED; citizens and analysts:
 * ROLE_NOT_PERMITTED. The stated reason and the identity code are input,
 * checked where the grant is written.
 */
export function decideEmergencyStart(identity: Identity | null): EmergencyStartDecision {
  if (!identity) return deny('NOT_AUTHENTICATED');
  return identity.kind === 'professional' ? { allowed: true, basis: 'EMERGENCY', sub: identity.sub } : deny('ROLE_NOT_PERMITTED');
}

/** Who may ask aggregate (non-personal, suppressed) counts (`statistics`): analysts only. */
export function aggregateAccess(identity: Identity | null): RoleDecision {
  if (!identity) return deny('NOT_AUTHENTICATED');
  return identity.kind === 'analyst' ? { allowed: true } : deny('ROLE_NOT_PERMITTED');
}

// ---------------------------------------------------------------- internals

/** Under 18 on the Helsinki date `today`. */
function isMinor(birthDate: IsoDate, today: IsoDate): boolean {
  return ageOn(birthDate, today) < 18;
}

/** The guardian rule: a citizen VTJ lists as a guardian of a subject who is a minor `today`. */
function guardianOfMinor(identity: Identity | null, subject: Pick<SubjectBasics, 'birthDate' | 'guardians'>, today: IsoDate): boolean {
  return identity?.kind === 'citizen' && subject.guardians.includes(identity.hetu) && isMinor(subject.birthDate, today);
}

function professionalArea(ctx: AccessContext, area: RecordArea): AccessDecision {
  const id = ctx.identity;
  if (id?.kind !== 'professional') return deny('NOT_AUTHENTICATED');
  if (ctx.careRelationAreas.size === 0) return emergencyOr(ctx, 'NO_CARE_RELATION');
  const claims = id.careAreas;
  const targetSocial = area === 'SOCIAL';
  const inClaims = area === 'HEALTH' ? claims.some((a) => HEALTH_AREAS.includes(a)) : claims.includes(area);
  if (inClaims) return allow('CARE_RELATION');
  const claimsSameRegister = targetSocial ? claims.includes('SOCIAL') : claims.some((a) => HEALTH_AREAS.includes(a));
  // Another care area of the same register (a dentist and primary health): not their area.
  if (claimsSameRegister) return emergencyOr(ctx, 'NO_CARE_RELATION');
  const consent = targetSocial ? ctx.consentToHealthCare : ctx.consentToSocialCare;
  return consent ? allow('CONSENT') : emergencyOr(ctx, 'NO_CONSENT');
}

function emergencyOr(ctx: AccessContext, reason: DenyReason): AccessDecision {
  if (ctx.activeGrant) return allow('EMERGENCY');
  return deny(ctx.grantExpired ? 'EMERGENCY_EXPIRED' : reason);
}

function recordArea(group: RecordGroup, record: GroupRecord[RecordGroup]): RecordArea | undefined {
  switch (group) {
    case 'APPOINTMENTS':
      return (record as Appointment).careArea;
    case 'CUSTOMERSHIPS':
    case 'DECISIONS':
      return 'SOCIAL';
    case 'PLANS':
      return (record as Plan).careArea;
    case 'FEES': {
      const f = record as Fee;
      return f.careArea ?? (f.register === 'SOCIAL' ? 'SOCIAL' : 'HEALTH');
    }
    case 'CONSENTS':
      return undefined;
  }
}

function isRestrictedCustomership(c: Customership): boolean {
  return c.extraSensitive || c.serviceTask === 'CHILD_WELFARE';
}

/** The customership a decision or social plan belongs to: `null` when it names one not among the records. */
function parentCustomership(ctx: AccessContext, group: RecordGroup, record: GroupRecord[RecordGroup]): Customership | null | undefined {
  if (group === 'DECISIONS') {
    const d = record as Decision;
    return ctx.customershipsByKey.get(key(d.source.instance, d.customershipId)) ?? null;
  }
  if (group === 'PLANS') {
    const p = record as Plan;
    if (p.customershipId === undefined) return undefined;
    return ctx.customershipsByKey.get(key(p.source.instance, p.customershipId)) ?? null;
  }
  return undefined;
}

function childWelfareRestricted(ctx: AccessContext, group: RecordGroup, record: GroupRecord[RecordGroup]): boolean {
  if (group === 'CUSTOMERSHIPS') return isRestrictedCustomership(record as Customership);
  const parent = parentCustomership(ctx, group, record);
  if (parent === null) return true; // fail closed: cannot tell which customership it belongs to
  return parent !== undefined && isRestrictedCustomership(parent);
}

/** The service task a restricted record needs (CHILD_WELFARE when its customership is unknown). */
function restrictedTask(ctx: AccessContext, group: RecordGroup, record: GroupRecord[RecordGroup]) {
  const c = group === 'CUSTOMERSHIPS' ? (record as Customership) : parentCustomership(ctx, group, record);
  return c ? c.serviceTask : 'CHILD_WELFARE';
}

function careRelation(id: Extract<Identity, { kind: 'professional' }>, records: SubjectRecords, today: IsoDate): Set<CareArea> {
  const units = professionalUnitKeys(id);
  const areas = new Set<CareArea>();
  for (const a of records.appointments) {
    if (a.status === 'CANCELLED' || !id.careAreas.includes(a.careArea)) continue;
    if (!units.has(appointmentUnitKey(a))) continue;
    const t = parseInstant(a.start);
    if (Number.isNaN(t)) continue;
    if (inAppointmentRelationWindow(t, today)) areas.add(a.careArea);
  }
  for (const c of records.customerships) if (customershipGivesRelation(id, units, customershipLocator(c), today)) areas.add('SOCIAL');
  return areas;
}

/**
 * The professional's unit keys as the care relation matches them: their
 * unit OIDs, normalised as every unit name or OID is compared (`unitKey`).
 */
export function professionalUnitKeys(id: Extract<Identity, { kind: 'professional' }>): ReadonlySet<string> {
  return new Set(id.units.map(unitKey));
}

/** A unit OID or name as the care relation compares it: trimmed, whitespace collapsed, case-insensitive. */
export function unitKey(unit: string): string {
  return norm(unit);
}

/** The key an appointment's unit matches a professional's units by: its OID, else its name (`unitKey`). */
export function appointmentUnitKey(a: Pick<Appointment, 'unit'>): string {
  return unitKey(a.unit.oid ?? a.unit.name);
}

/** True when an appointment starting at `startMs` is within the care relation's window: 12 calendar months before today to 90 days after (Helsinki dates). */
function inAppointmentRelationWindow(startMs: number, today: IsoDate): boolean {
  const d = helsinkiDate(startMs);
  return d >= addMonths(today, -12) && d <= addDays(today, 90);
}

/**
 * What the care relation reads of a customership (and all an index of open
 * customerships needs to keep to decide it the same way): its unit's key
 * (`unitKey` of the name; null without one), municipality, service task,
 * end date and whether it is restricted (extra-sensitive or child welfare).
 */
export interface CustomershipLocator {
  readonly unitKey: string | null;
  readonly municipality: string;
  readonly serviceTask: ServiceTask;
  readonly endDate: IsoDate | null;
  readonly restricted: boolean;
}

/** A customership as the care relation reads it. */
export function customershipLocator(c: Customership): CustomershipLocator {
  return {
    unitKey: c.unit !== undefined ? unitKey(c.unit) : null,
    municipality: c.source.municipality,
    serviceTask: c.serviceTask,
    endDate: c.endDate ?? null,
    restricted: isRestrictedCustomership(c),
  };
}

/**
 * Whether one customership gives this professional a (SOCIAL) care relation
 * on `today`: they claim SOCIAL; it is open (no end date, or one not before
 * today); its unit name is one of their units (`units`: professionalUnitKeys)
 * or, since identities carry unit OIDs only and customerships name their
 * unit by name, its municipality is theirs and its service task one of
 * theirs (their own team's client); and a restricted one only to a social
 * worker of its task. The care relation and the unit index's client list
 * (subgraphs/region/unitIndex) both decide with this.
 */
export function customershipGivesRelation(
  id: Extract<Identity, { kind: 'professional' }>,
  units: ReadonlySet<string>,
  c: CustomershipLocator,
  today: IsoDate,
): boolean {
  if (!id.careAreas.includes('SOCIAL')) return false;
  const inUnit = c.unitKey !== null && units.has(c.unitKey);
  // Why the second way: identities carry unit OIDs only, while customerships name their unit by name.
  const inOwnTeam = c.municipality === id.municipality && id.serviceTasks.includes(c.serviceTask);
  if (!inUnit && !inOwnTeam) return false;
  if (c.endDate !== null && c.endDate < today) return false;
  return !c.restricted || (id.profession === 'SOCIAL_WORKER' && id.serviceTasks.includes(c.serviceTask));
}

/**
 * Who may use the views of a professional's units (`me.unitAppointments`,
 * `me.clients`, from the unit index): professionals only, on the basis of
 * their care relations (CARE_RELATION: the appointments of their units, the
 * clients `customershipGivesRelation` names; each person listed is audited
 * as a RECORD_INDEX read with it). No identity: NOT_AUTHENTICATED; citizens
 * and analysts: ROLE_NOT_PERMITTED.
 */
export function decideUnitViews(identity: Identity | null): AccessDecision {
  if (!identity) return deny('NOT_AUTHENTICATED');
  return identity.kind === 'professional' ? allow('CARE_RELATION') : deny('ROLE_NOT_PERMITTED');
}

/** The Helsinki date (`YYYY-MM-DD`) of an instant: the policy's "today" of `now`. */
export function policyToday(now: Date): IsoDate {
  return helsinkiDate(now.getTime());
}

/**
 * True when the consent of this type is in force on `today`: of all its
 * records, the latest act (given or withdrawn) on or before today is a giving.
 */
export function consentInForce(consents: readonly Consent[], type: ConsentType, today: IsoDate): boolean {
  let latest: { date: string; given: boolean } | undefined;
  const see = (date: string, given: boolean) => {
    if (date > today) return;
    // Later date wins; on the same date a withdrawal wins.
    if (!latest || date > latest.date || (date === latest.date && !given)) latest = { date, given };
  };
  for (const c of consents) {
    if (c.type !== type) continue;
    see(c.givenOn, true);
    if (c.withdrawnOn !== undefined) see(c.withdrawnOn, false);
  }
  return latest?.given ?? false;
}

function key(instance: string, localId: string): string {
  return `${instance} ${localId}`;
}

function norm(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

function helsinkiDate(epochMs: number): IsoDate {
  return isoDate(toHelsinkiLocal(epochMs));
}

/** Adds calendar months to a `YYYY-MM-DD` date, clamping to the month's last day (29 Feb − 12 months → 28 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return isoDate({ year, month, day: Math.min(d, last) });
}
