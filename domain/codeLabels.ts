/**
 * The region's one code list: a Finnish, Swedish and English label for every
 * code of every code system a person reads (care areas, service tasks,
 * appointment statuses, contact modes, professional kinds, consent types,
 * fee kinds and statuses, plan types, decision outcomes, registers, and the
 * read log's data groups, bases, actions and reader roles). Each list is a
 * `Record` over its code type, so the compiler fails on a code without
 * labels. The wording is that of the wellbeing services counties' Finnish
 * and Swedish (Finland Swedish: `sjukskötare`, `hälsovårdare`).
 *
 * The code types that exist only in the API (the read log's codes, fee
 * kinds) are defined here; the region subgraph serves the lists as
 * `Query.codeLists`, keyed by the GraphQL enum's name.
 */
import type {
  AppointmentStatus,
  CareArea,
  ConsentType,
  ContactMode,
  DecisionOutcome,
  Fee,
  FeeStatus,
  PlanType,
  ProfessionalKind,
  ServiceTask,
} from './model.ts';

/** One code's label in the region's two languages and English. */
export interface Label {
  readonly fi: string;
  readonly sv: string;
  readonly en: string;
}

/** What a client fee is charged for, from its description (domain/terms.ts). */
export type FeeKind =
  | 'OUTPATIENT_VISIT'
  | 'ORAL_HEALTH_VISIT'
  | 'SERIAL_TREATMENT'
  | 'MISSED_APPOINTMENT'
  | 'HOME_CARE'
  | 'SOCIAL_REHABILITATION'
  | 'TRANSPORT_SERVICE';
/** The register a record belongs to: health care (PTH, STH) or social care. */
export type Register = Fee['register'];
/** A group of a person's data, as the access policy decides and the read log records it. */
export type DataGroup =
  'BASIC' | 'CONTACT' | 'RECORD_INDEX' | 'APPOINTMENTS' | 'CUSTOMERSHIPS' | 'DECISIONS' | 'PLANS' | 'FEES' | 'CONSENTS';
/** On what basis a read was allowed. */
export type AccessBasis = 'SELF' | 'GUARDIAN' | 'CARE_RELATION' | 'CONSENT' | 'EMERGENCY' | 'PROFESSIONAL_ROLE' | 'FAMILY_RELATION';
/** What a reader did: read data, look a person up by identity code, or start emergency access. */
export type DataReadAction = 'READ' | 'LOOKUP' | 'EMERGENCY_ACCESS';
/** Who read. */
export type ReaderRole = 'CITIZEN' | 'PROFESSIONAL' | 'ANALYST' | 'ANONYMOUS';

export const CARE_AREA_LABELS: Readonly<Record<CareArea, Label>> = {
  PRIMARY_HEALTH: { fi: 'Perusterveydenhuolto', sv: 'Primärvård', en: 'Primary health care' },
  ORAL_HEALTH: { fi: 'Suun terveydenhuolto', sv: 'Munhälsovård', en: 'Oral health care' },
  SOCIAL: { fi: 'Sosiaalihuolto', sv: 'Socialvård', en: 'Social care' },
};

export const SERVICE_TASK_LABELS: Readonly<Record<ServiceTask, Label>> = {
  OLDER_PEOPLE: { fi: 'Ikääntyneiden palvelut', sv: 'Tjänster för äldre', en: 'Services for older people' },
  DISABILITY: { fi: 'Vammaispalvelut', sv: 'Funktionshinderservice', en: 'Disability services' },
  FAMILIES: { fi: 'Lapsiperheiden palvelut', sv: 'Tjänster för barnfamiljer', en: 'Services for families with children' },
  CHILD_WELFARE: { fi: 'Lastensuojelu', sv: 'Barnskydd', en: 'Child welfare' },
  ADULT_SOCIAL_WORK: { fi: 'Aikuissosiaalityö', sv: 'Vuxensocialarbete', en: 'Adult social work' },
  SUBSTANCE_ABUSE: { fi: 'Päihdepalvelut', sv: 'Missbrukartjänster', en: 'Substance abuse services' },
  FAMILY_LAW: { fi: 'Perheoikeudelliset palvelut', sv: 'Familjerättsliga tjänster', en: 'Family law services' },
};

export const APPOINTMENT_STATUS_LABELS: Readonly<Record<AppointmentStatus, Label>> = {
  BOOKED: { fi: 'Varattu', sv: 'Bokad', en: 'Booked' },
  COMPLETED: { fi: 'Toteutunut', sv: 'Genomförd', en: 'Completed' },
  CANCELLED: { fi: 'Peruttu', sv: 'Avbokad', en: 'Cancelled' },
  NO_SHOW: { fi: 'Ei saapunut', sv: 'Uteblev', en: 'Did not attend' },
};

export const CONTACT_MODE_LABELS: Readonly<Record<ContactMode, Label>> = {
  ON_SITE: { fi: 'Käynti vastaanotolla', sv: 'Besök på mottagningen', en: 'In person' },
  PHONE: { fi: 'Puhelinaika', sv: 'Telefontid', en: 'Phone' },
  VIDEO: { fi: 'Videovastaanotto', sv: 'Videomottagning', en: 'Video' },
  HOME_VISIT: { fi: 'Kotikäynti', sv: 'Hembesök', en: 'Home visit' },
};

export const PROFESSIONAL_KIND_LABELS: Readonly<Record<ProfessionalKind, Label>> = {
  PHYSICIAN: { fi: 'Lääkäri', sv: 'Läkare', en: 'Physician' },
  NURSE: { fi: 'Sairaanhoitaja', sv: 'Sjukskötare', en: 'Nurse' },
  PUBLIC_HEALTH_NURSE: { fi: 'Terveydenhoitaja', sv: 'Hälsovårdare', en: 'Public health nurse' },
  PHYSIOTHERAPIST: { fi: 'Fysioterapeutti', sv: 'Fysioterapeut', en: 'Physiotherapist' },
  PSYCHOLOGIST: { fi: 'Psykologi', sv: 'Psykolog', en: 'Psychologist' },
  DENTIST: { fi: 'Hammaslääkäri', sv: 'Tandläkare', en: 'Dentist' },
  DENTAL_HYGIENIST: { fi: 'Suuhygienisti', sv: 'Munhygienist', en: 'Dental hygienist' },
  SOCIAL_WORKER: { fi: 'Sosiaalityöntekijä', sv: 'Socialarbetare', en: 'Social worker' },
};

export const CONSENT_TYPE_LABELS: Readonly<Record<ConsentType, Label>> = {
  LUOVUTUS_TERVEYDENHUOLTOON: {
    fi: 'Suostumus tietojen luovuttamiseen terveydenhuoltoon',
    sv: 'Samtycke till utlämnande av uppgifter till hälso- och sjukvården',
    en: 'Consent to disclose social care data to health care',
  },
  LUOVUTUS_SOSIAALIHUOLTOON: {
    fi: 'Suostumus tietojen luovuttamiseen sosiaalihuoltoon',
    sv: 'Samtycke till utlämnande av uppgifter till socialvården',
    en: 'Consent to disclose health data to social care',
  },
  KIELTO_KANTA: {
    fi: 'Tietojen luovutuskielto Kanta-palveluissa',
    sv: 'Förbud mot utlämnande av uppgifter i Kanta-tjänsterna',
    en: 'Prohibition of disclosure through the Kanta services',
  },
  KIELTO_HUOLTAJALLE: {
    fi: 'Tietojen luovutuskielto huoltajalle',
    sv: 'Förbud mot utlämnande av uppgifter till vårdnadshavare',
    en: 'Prohibition of disclosure to guardians',
  },
};

export const FEE_KIND_LABELS: Readonly<Record<FeeKind, Label>> = {
  OUTPATIENT_VISIT: { fi: 'Avosairaanhoidon käynti', sv: 'Besök inom öppen sjukvård', en: 'Outpatient care visit' },
  ORAL_HEALTH_VISIT: { fi: 'Suun terveydenhuollon käynti', sv: 'Besök inom munhälsovården', en: 'Oral health care visit' },
  SERIAL_TREATMENT: { fi: 'Sarjassa annettava hoito', sv: 'Serievård', en: 'Serial treatment' },
  MISSED_APPOINTMENT: {
    fi: 'Käyttämättä jätetty vastaanottoaika',
    sv: 'Outnyttjad mottagningstid',
    en: 'Missed appointment',
  },
  HOME_CARE: { fi: 'Kotihoito', sv: 'Hemvård', en: 'Home care' },
  SOCIAL_REHABILITATION: { fi: 'Sosiaalinen kuntoutus', sv: 'Social rehabilitering', en: 'Social rehabilitation' },
  TRANSPORT_SERVICE: { fi: 'Kuljetuspalvelu', sv: 'Färdtjänst', en: 'Transport service' },
};

export const FEE_STATUS_LABELS: Readonly<Record<FeeStatus, Label>> = {
  OPEN: { fi: 'Avoin', sv: 'Öppen', en: 'Open' },
  PAID: { fi: 'Maksettu', sv: 'Betald', en: 'Paid' },
  VOIDED: { fi: 'Mitätöity', sv: 'Makulerad', en: 'Voided' },
};

export const PLAN_TYPE_LABELS: Readonly<Record<PlanType, Label>> = {
  HEALTH_AND_CARE_PLAN: { fi: 'Terveys- ja hoitosuunnitelma', sv: 'Hälso- och vårdplan', en: 'Health and care plan' },
  REHABILITATION_PLAN: { fi: 'Kuntoutussuunnitelma', sv: 'Rehabiliteringsplan', en: 'Rehabilitation plan' },
  CLIENT_PLAN: { fi: 'Asiakassuunnitelma', sv: 'Klientplan', en: 'Client plan' },
  SERVICE_PLAN: { fi: 'Palvelusuunnitelma', sv: 'Serviceplan', en: 'Service plan' },
};

export const DECISION_OUTCOME_LABELS: Readonly<Record<DecisionOutcome, Label>> = {
  GRANTED: { fi: 'Myönnetty', sv: 'Beviljad', en: 'Granted' },
  REFUSED: { fi: 'Hylätty', sv: 'Avslagen', en: 'Refused' },
};

export const REGISTER_LABELS: Readonly<Record<Register, Label>> = {
  HEALTH: { fi: 'Terveydenhuollon potilasrekisteri', sv: 'Hälso- och sjukvårdens patientregister', en: 'Health care patient register' },
  SOCIAL: { fi: 'Sosiaalihuollon asiakasrekisteri', sv: 'Socialvårdens klientregister', en: 'Social care client register' },
};

export const DATA_GROUP_LABELS: Readonly<Record<DataGroup, Label>> = {
  BASIC: { fi: 'Perustiedot', sv: 'Basuppgifter', en: 'Basic data' },
  CONTACT: { fi: 'Yhteystiedot', sv: 'Kontaktuppgifter', en: 'Contact details' },
  RECORD_INDEX: { fi: 'Tieto asiakastietojen sijainnista', sv: 'Uppgift om var klientuppgifterna finns', en: 'Where records are held' },
  APPOINTMENTS: { fi: 'Ajanvaraukset', sv: 'Tidsbokningar', en: 'Appointments' },
  CUSTOMERSHIPS: { fi: 'Asiakkuudet', sv: 'Klientrelationer', en: 'Customerships' },
  DECISIONS: { fi: 'Päätökset', sv: 'Beslut', en: 'Decisions' },
  PLANS: { fi: 'Suunnitelmat', sv: 'Planer', en: 'Plans' },
  FEES: { fi: 'Asiakasmaksut', sv: 'Klientavgifter', en: 'Client fees' },
  CONSENTS: { fi: 'Suostumukset ja kiellot', sv: 'Samtycken och förbud', en: 'Consents and prohibitions' },
};

export const ACCESS_BASIS_LABELS: Readonly<Record<AccessBasis, Label>> = {
  SELF: { fi: 'Omat tiedot', sv: 'Egna uppgifter', en: 'Own data' },
  GUARDIAN: { fi: 'Huoltaja', sv: 'Vårdnadshavare', en: 'Guardian' },
  CARE_RELATION: { fi: 'Hoito- tai asiakassuhde', sv: 'Vård- eller klientrelation', en: 'Care or client relationship' },
  CONSENT: { fi: 'Suostumus', sv: 'Samtycke', en: 'Consent' },
  EMERGENCY: { fi: 'Hätätilanne', sv: 'Nödsituation', en: 'Emergency' },
  PROFESSIONAL_ROLE: { fi: 'Ammattirooli', sv: 'Yrkesroll', en: 'Professional role' },
  FAMILY_RELATION: { fi: 'Perhesuhde', sv: 'Familjerelation', en: 'Family relationship' },
};

export const DATA_READ_ACTION_LABELS: Readonly<Record<DataReadAction, Label>> = {
  READ: { fi: 'Tietojen katselu', sv: 'Visning av uppgifter', en: 'Read' },
  LOOKUP: { fi: 'Henkilön haku henkilötunnuksella', sv: 'Sökning av person med personbeteckning', en: 'Lookup by identity code' },
  EMERGENCY_ACCESS: { fi: 'Hätäkäyttö', sv: 'Nödåtkomst', en: 'Emergency access' },
};

export const READER_ROLE_LABELS: Readonly<Record<ReaderRole, Label>> = {
  CITIZEN: { fi: 'Asukas', sv: 'Invånare', en: 'Resident' },
  PROFESSIONAL: { fi: 'Ammattilainen', sv: 'Yrkesperson', en: 'Professional' },
  ANALYST: { fi: 'Analyytikko', sv: 'Analytiker', en: 'Analyst' },
  ANONYMOUS: { fi: 'Tunnistamaton käyttäjä', sv: 'Oidentifierad användare', en: 'Anonymous' },
};

/**
 * Every code list by the name of its GraphQL enum, in the order
 * `Query.codeLists` serves them; each list's codes in the enum's order.
 */
export const CODE_LISTS = {
  CareArea: CARE_AREA_LABELS,
  ServiceTask: SERVICE_TASK_LABELS,
  AppointmentStatus: APPOINTMENT_STATUS_LABELS,
  ContactMode: CONTACT_MODE_LABELS,
  ProfessionalKind: PROFESSIONAL_KIND_LABELS,
  ConsentType: CONSENT_TYPE_LABELS,
  FeeKind: FEE_KIND_LABELS,
  FeeStatus: FEE_STATUS_LABELS,
  PlanType: PLAN_TYPE_LABELS,
  DecisionOutcome: DECISION_OUTCOME_LABELS,
  Register: REGISTER_LABELS,
  DataGroup: DATA_GROUP_LABELS,
  AccessBasis: ACCESS_BASIS_LABELS,
  DataReadAction: DATA_READ_ACTION_LABELS,
  ReaderRole: READER_ROLE_LABELS,
} as const satisfies Readonly<Record<string, Readonly<Record<string, Label>>>>;

/** The name of a code system: its GraphQL enum's name. */
export type CodeSystem = keyof typeof CODE_LISTS;

/** A code's label; undefined for a code the system does not have. */
export function codeLabel(system: CodeSystem, code: string): Label | undefined {
  const list: Readonly<Record<string, Label>> = CODE_LISTS[system];
  return Object.hasOwn(list, code) ? list[code] : undefined;
}
