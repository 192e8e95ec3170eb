/**
 * The canonical model every adapter maps into (region.md: canonical codes).
 *
 * Conventions: dates are `YYYY-MM-DD`; instants are ISO 8601 with the
 * Helsinki offset of that moment (`2025-03-30T04:30:00+03:00`); money is
 * integer cents; every item carries its provenance.
 */
import type { InstanceId, MunicipalityCode, Product } from './region.ts';

/** An ISO 8601 instant with offset. */
export type Instant = string;
/** A `YYYY-MM-DD` calendar date. */
export type IsoDate = string;

export type CareArea = 'PRIMARY_HEALTH' | 'ORAL_HEALTH' | 'SOCIAL';
export type ServiceTask =
  'OLDER_PEOPLE' | 'DISABILITY' | 'FAMILIES' | 'CHILD_WELFARE' | 'ADULT_SOCIAL_WORK' | 'SUBSTANCE_ABUSE' | 'FAMILY_LAW';
export type AppointmentStatus = 'BOOKED' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';
export type ContactMode = 'ON_SITE' | 'PHONE' | 'VIDEO' | 'HOME_VISIT';
export type ProfessionalKind =
  'PHYSICIAN' | 'NURSE' | 'PUBLIC_HEALTH_NURSE' | 'PHYSIOTHERAPIST' | 'PSYCHOLOGIST' | 'DENTIST' | 'DENTAL_HYGIENIST' | 'SOCIAL_WORKER';
export type Sex = 'MALE' | 'FEMALE' | 'UNKNOWN';
export type FeeStatus = 'OPEN' | 'PAID' | 'VOIDED';
export type ConsentType = 'LUOVUTUS_TERVEYDENHUOLTOON' | 'LUOVUTUS_SOSIAALIHUOLTOON' | 'KIELTO_KANTA' | 'KIELTO_HUOLTAJALLE';
export type PlanType = 'HEALTH_AND_CARE_PLAN' | 'REHABILITATION_PLAN' | 'CLIENT_PLAN' | 'SERVICE_PLAN';
export type DecisionOutcome = 'GRANTED' | 'REFUSED';

/** Where an item came from. */
export interface Provenance {
  readonly instance: InstanceId;
  readonly product: Product;
  /** The municipality the record belongs to (for a shared instance: the one it has for the person). */
  readonly municipality: MunicipalityCode;
  /** The source's own id of the item (patient id, visit id, invoice number, …). */
  readonly localId: string;
}

export interface Address {
  readonly street: string;
  readonly postalCode: string;
  readonly city: string;
}

/** A person's basic data as one source system holds it. VTJ is the master. */
export interface SourcePerson {
  readonly hetu: string;
  readonly surname: string;
  readonly firstNames: string;
  readonly callName?: string;
  readonly birthDate?: IsoDate;
  readonly sex?: Sex;
  /** Municipality of residence as the source has it (3-digit code). */
  readonly municipality?: string;
  /** ISO 639-1; `undefined` when the source says only "other". */
  readonly language?: string;
  readonly serviceLanguage?: string;
  readonly address?: Address;
  readonly phone?: string;
  readonly turvakielto: boolean;
  readonly deathDate?: IsoDate;
  /** When the source last changed anything of this person. */
  readonly changedAt?: Instant;
  readonly source: Provenance;
}

export interface Customership {
  readonly careArea: 'SOCIAL';
  readonly serviceTask: ServiceTask;
  /** The service's name as the source writes it. */
  readonly service?: string;
  readonly unit?: string;
  readonly responsibleWorker?: string;
  readonly startDate: IsoDate;
  /** Absent while open. */
  readonly endDate?: IsoDate;
  /** Child welfare and other extra-sensitive customerships. */
  readonly extraSensitive: boolean;
  readonly source: Provenance;
}

export interface Decision {
  /** The customership's local id in the same instance. */
  readonly customershipId: string;
  readonly service: string;
  readonly decisionDate: IsoDate;
  readonly validFrom: IsoDate;
  readonly validTo?: IsoDate;
  readonly outcome: DecisionOutcome;
  readonly source: Provenance;
}

export interface Plan {
  readonly careArea: CareArea;
  readonly type: PlanType;
  readonly title?: string;
  /** Health plans: start date; social care plans: date drawn up. */
  readonly startDate: IsoDate;
  readonly endDate?: IsoDate;
  /** Social care plans: date of the next review. */
  readonly reviewDate?: IsoDate;
  readonly responsible?: string;
  /** Social care plans: the customership's local id. */
  readonly customershipId?: string;
  readonly source: Provenance;
}

export interface Unit {
  /** Organisation/unit OID, when the source gives one. */
  readonly oid?: string;
  readonly name: string;
}

export interface Appointment {
  readonly careArea: 'PRIMARY_HEALTH' | 'ORAL_HEALTH';
  /** Absent when the source's type maps to no professional kind. */
  readonly professionalKind?: ProfessionalKind;
  /** Absent when the source does not say. */
  readonly contactMode?: ContactMode;
  readonly start: Instant;
  readonly durationMinutes: number;
  readonly unit: Unit;
  readonly professional?: { readonly name: string; readonly title?: string };
  readonly status: AppointmentStatus;
  /** Free text (reason or additional information) as the source has it. */
  readonly note?: string;
  readonly source: Provenance;
}

export interface Fee {
  /** Absent when the source does not say (an instance serving two care areas with one fee list). */
  readonly careArea?: CareArea;
  /** Which register the fee belongs to: health (PTH, STH) or social care. */
  readonly register: 'HEALTH' | 'SOCIAL';
  readonly date: IsoDate;
  readonly description: string;
  readonly amountCents: number;
  readonly accruesToCeiling: boolean;
  readonly status: FeeStatus;
  readonly source: Provenance;
}

export interface Consent {
  readonly type: ConsentType;
  readonly givenOn: IsoDate;
  /** Absent while in force. */
  readonly withdrawnOn?: IsoDate;
  readonly source: Provenance;
}

/** Basic data from the population register (VTJ), the master. */
export interface VtjPerson {
  readonly hetu: string;
  /** `voimassaolokoodi`: false when the code has been retired. */
  readonly hetuInForce: boolean;
  readonly surname: string;
  readonly firstNames: string;
  readonly address?: {
    readonly streetFi: string;
    readonly streetSv?: string;
    readonly postalCode: string;
    readonly cityFi: string;
    readonly citySv?: string;
  };
  readonly municipality?: { readonly code: string; readonly nameFi: string; readonly nameSv: string };
  readonly language?: string;
  readonly turvakielto: boolean;
  readonly deathDate?: IsoDate;
  readonly guardians: readonly string[];
  readonly dependants: readonly string[];
}

/** Everything one instance holds of one person. */
export interface SourceRecords {
  readonly hetu: string;
  readonly instance: InstanceId;
  /** The patient/client record; absent when the instance has none (then all lists are empty). */
  readonly person?: SourcePerson;
  readonly customerships: readonly Customership[];
  readonly decisions: readonly Decision[];
  readonly plans: readonly Plan[];
  readonly appointments: readonly Appointment[];
  readonly fees: readonly Fee[];
  readonly consents: readonly Consent[];
}

/** An empty result for a person an instance does not know. */
export function emptyRecords(hetu: string, instance: InstanceId): SourceRecords {
  return { hetu, instance, customerships: [], decisions: [], plans: [], appointments: [], fees: [], consents: [] };
}
