/**
 * The canonical model in GraphQL terms: the enums of the canonical codes and
 * one list of fields per type. The SDL of every subgraph and the long
 * @requires selections of the lists subgraph are generated from these lists.
 *
 * Scalars: `Date` is a `YYYY-MM-DD` calendar date; `DateTime` an ISO 8601
 * instant with offset (`2025-03-30T04:30:00+03:00`), as the canonical model
 * has them; `YearMonth` a `YYYY-MM` month, `MunicipalityCode` one of the
 * region's municipality codes and `JSON` any JSON value. All but `JSON` are
 * serialised as strings.
 *
 * Every enum value carries a one-line description (schema/descriptions.test.ts
 * fails on any element of the API schema without one).
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
} from '../domain/model.ts';
import type { FeeKind } from '../domain/codeLabels.ts';

/** One value of an enum and what it means (one line, English). */
export interface EnumValueDef {
  readonly name: string;
  readonly description: string;
}

export interface EnumDef {
  readonly name: string;
  readonly description: string;
  readonly values: readonly EnumValueDef[];
}

/**
 * Every value of a code type with its description, checked complete by the
 * compiler (a Record needs every key): `codes<CareArea>({ PRIMARY_HEALTH: 'Primary health care (PTH).', … })`.
 */
function codes<T extends string>(all: Record<T, string>): EnumValueDef[] {
  return Object.entries<string>(all).map(([name, description]) => ({ name, description }));
}

/** An enum's SDL with its descriptions, written alike by every subgraph that defines it (composition wants them identical). */
export function enumSdl(e: EnumDef): string {
  const values = e.values.map((v) => `  ${JSON.stringify(v.description)}\n  ${v.name}`).join('\n');
  return `${JSON.stringify(e.description)}\nenum ${e.name} {\n${values}\n}`;
}

export const ENUMS: readonly EnumDef[] = [
  {
    name: 'CareArea',
    description: 'Care area (region.md): health (PTH), oral health (STH), social care (SOS).',
    values: codes<CareArea>({
      PRIMARY_HEALTH: 'Primary health care (PTH): health centre appointments, home nursing, physiotherapy and the like.',
      ORAL_HEALTH: 'Oral health care (STH): dental clinics, dentists and dental hygienists.',
      SOCIAL: 'Social care (SOS): social services and social work, a register of its own by law.',
    }),
  },
  {
    name: 'ServiceTask',
    description: 'Social care service task.',
    values: codes<ServiceTask>({
      OLDER_PEOPLE: 'Services for older people (home care, housing services).',
      DISABILITY: 'Disability services.',
      FAMILIES: 'Services for families with children (family centre, home help).',
      CHILD_WELFARE: 'Child welfare: extra-sensitive, only to social care professionals of this task.',
      ADULT_SOCIAL_WORK: 'Social work for working-age adults.',
      SUBSTANCE_ABUSE: 'Substance abuse services.',
      FAMILY_LAW: 'Family law services (custody, maintenance and paternity matters).',
    }),
  },
  {
    name: 'AppointmentStatus',
    description: 'Status of an appointment.',
    values: codes<AppointmentStatus>({
      BOOKED: 'Booked and not yet taken place.',
      COMPLETED: 'Took place.',
      CANCELLED: 'Cancelled by the client or the unit.',
      NO_SHOW: 'The client did not come and did not cancel.',
    }),
  },
  {
    name: 'ContactMode',
    description: 'How an appointment takes place.',
    values: codes<ContactMode>({
      ON_SITE: "At the unit's premises.",
      PHONE: 'By telephone.',
      VIDEO: 'By video call.',
      HOME_VISIT: "At the client's home.",
    }),
  },
  {
    name: 'ProfessionalKind',
    description: 'Kind of professional an appointment is with.',
    values: codes<ProfessionalKind>({
      PHYSICIAN: 'Physician (lääkäri).',
      NURSE: 'Nurse (sairaanhoitaja).',
      PUBLIC_HEALTH_NURSE: 'Public health nurse (terveydenhoitaja).',
      PHYSIOTHERAPIST: 'Physiotherapist (fysioterapeutti).',
      PSYCHOLOGIST: 'Psychologist (psykologi).',
      DENTIST: 'Dentist (hammaslääkäri).',
      DENTAL_HYGIENIST: 'Dental hygienist (suuhygienisti).',
      SOCIAL_WORKER: 'Social worker (sosiaalityöntekijä).',
    }),
  },
  {
    name: 'FeeStatus',
    description: 'Status of a client fee.',
    values: codes<FeeStatus>({
      OPEN: 'Invoiced and not yet paid.',
      PAID: 'Paid.',
      VOIDED: 'Cancelled or credited: not owed and not counted towards the fee ceiling.',
    }),
  },
  {
    name: 'Register',
    description: 'The register a record belongs to: health care (PTH, STH) or social care.',
    values: codes<Fee['register']>({
      HEALTH: 'The health care register: primary health (PTH) and oral health (STH) care.',
      SOCIAL: 'The social care register.',
    }),
  },
  {
    name: 'ConsentType',
    description: 'Consent or prohibition recorded in the social care systems.',
    values: codes<ConsentType>({
      LUOVUTUS_TERVEYDENHUOLTOON: "Consent to disclose the client's social care data to the region's health care professionals.",
      LUOVUTUS_SOSIAALIHUOLTOON: "Consent to disclose the client's health care data to the region's social care professionals.",
      KIELTO_KANTA: 'The client forbids disclosure through the national archive (Kanta).',
      KIELTO_HUOLTAJALLE: 'A minor forbids disclosure of their data to their guardians.',
    }),
  },
  {
    name: 'PlanType',
    description: 'Kind of care or client plan.',
    values: codes<PlanType>({
      HEALTH_AND_CARE_PLAN: 'Health and care plan (terveys- ja hoitosuunnitelma), health care.',
      REHABILITATION_PLAN: 'Rehabilitation plan (kuntoutussuunnitelma), health care.',
      CLIENT_PLAN: 'Client plan (asiakassuunnitelma), social care.',
      SERVICE_PLAN: 'Service plan (palvelusuunnitelma), social care.',
    }),
  },
  {
    name: 'DecisionOutcome',
    description: 'Outcome of a social care decision.',
    values: codes<DecisionOutcome>({
      GRANTED: 'The service was granted.',
      REFUSED: 'The service was refused.',
    }),
  },
  {
    name: 'FeeKind',
    description: "What a client fee is charged for, from its description in the region's term list (domain/terms.ts).",
    values: codes<FeeKind>({
      OUTPATIENT_VISIT: 'A visit to outpatient primary care (avosairaanhoidon käyntimaksu).',
      ORAL_HEALTH_VISIT: 'A visit to oral health care.',
      SERIAL_TREATMENT: 'Serial treatment, e.g. physiotherapy (sarjahoito).',
      MISSED_APPOINTMENT: 'An appointment left unused without cancelling it.',
      HOME_CARE: 'Home care (kotihoito), charged monthly.',
      SOCIAL_REHABILITATION: 'Social rehabilitation.',
      TRANSPORT_SERVICE: "The client's share of transport service (kuljetuspalvelu).",
    }),
  },
];

/** Custom scalars; implemented (and validated on input) in subgraphs/server/scalars.ts. */
export const SCALARS = [
  { name: 'Date', description: 'A calendar date, `YYYY-MM-DD`.' },
  {
    name: 'DateTime',
    description: 'An ISO 8601 instant with offset, e.g. `2025-03-30T04:30:00+03:00` (Europe/Helsinki offset of that moment).',
  },
  {
    name: 'YearMonth',
    description: 'A calendar month, `YYYY-MM` (e.g. `2025-03`); any other form as an argument is a BAD_USER_INPUT error.',
  },
  {
    name: 'MunicipalityCode',
    description:
      "A Statistics Finland municipality code of one of the region's seven municipalities: `018` Askola, `407` Lapinjärvi, `434` Loviisa, `504` Myrskylä, `616` Pukkila, `638` Porvoo, `753` Sipoo; any other value as an argument is a BAD_USER_INPUT error.",
  },
  { name: 'JSON', description: 'Any JSON value (object, array, string, number, boolean or null), serialised as itself.' },
] as const;

/**
 * Enums of the region subgraph's own closed sets (the read log, the person
 * index): the values are those the audit log and the index store, upper-case.
 * The audit and policy modules keep their own unions; the region subgraph
 * checks them equal to these enums' generated types.
 */
export const REGION_ENUMS: readonly EnumDef[] = [
  {
    name: 'DataReadAction',
    description: "What a reader did with a person's data (an entry of the read log).",
    values: [
      { name: 'READ', description: "Read some of the person's data." },
      { name: 'LOOKUP', description: 'A professional looked the person up by identity code (whether they exist, nothing more).' },
      { name: 'EMERGENCY_ACCESS', description: "A professional started emergency access (break the glass) to the person's data." },
    ],
  },
  {
    name: 'ReaderRole',
    description: 'The role the reader signed in with.',
    values: [
      { name: 'CITIZEN', description: 'A citizen: the person themself or a guardian.' },
      { name: 'PROFESSIONAL', description: 'A health or social care professional.' },
      { name: 'ANALYST', description: 'An analyst (aggregate statistics only).' },
      { name: 'ANONYMOUS', description: 'No valid sign-in (the attempt was denied and logged).' },
    ],
  },
  {
    name: 'AccessOutcome',
    description: 'Whether the access policy let the read through.',
    values: [
      { name: 'ALLOWED', description: 'The data was given (see basis).' },
      { name: 'DENIED', description: 'The data was withheld (see reason).' },
    ],
  },
  {
    name: 'AccessBasis',
    description: 'Why the access policy allowed a read.',
    values: [
      { name: 'SELF', description: "The person's own data." },
      { name: 'GUARDIAN', description: "A guardian (VTJ) reading a minor dependant's data." },
      {
        name: 'CARE_RELATION',
        description: 'A professional with a care relation: a recent or coming appointment or an open customership in their unit.',
      },
      { name: 'CONSENT', description: "The person's consent to disclose data between health and social care (LUOVUTUS_*) in force." },
      { name: 'EMERGENCY', description: 'Emergency access (break the glass) with a stated reason, time-limited.' },
      {
        name: 'PROFESSIONAL_ROLE',
        description: "A professional's lookup by identity code or reading basic data: no care relation needed.",
      },
      { name: 'FAMILY_RELATION', description: 'Name and identity code read as a guardian or dependant of a person the reader may read.' },
    ],
  },
  {
    name: 'DenialReason',
    description: 'Why the access policy withheld data (the same reasons as FORBIDDEN errors carry in extensions.reason).',
    values: [
      { name: 'NOT_AUTHENTICATED', description: 'No valid sign-in.' },
      { name: 'NOT_OWN_DATA', description: "A citizen asked for someone else's data (not themself, not a minor they are a guardian of)." },
      { name: 'GUARDIAN_PROHIBITED', description: 'The minor has forbidden disclosure to guardians (KIELTO_HUOLTAJALLE).' },
      { name: 'NO_CARE_RELATION', description: 'The professional has no care relation with the person in that care area.' },
      { name: 'NO_CONSENT', description: 'Data across health and social care without the consent to disclose it in force.' },
      {
        name: 'CHILD_WELFARE_RESTRICTED',
        description: 'Child welfare records: only to social care professionals of that task, never to guardians.',
      },
      { name: 'TURVAKIELTO', description: 'Contact details protected by a non-disclosure for personal safety (turvakielto).' },
      { name: 'AGGREGATES_ONLY', description: "Analysts read aggregate statistics only, never a person's data." },
      { name: 'EMERGENCY_EXPIRED', description: 'The emergency access grant had expired.' },
      { name: 'ROLE_NOT_PERMITTED', description: 'The role may not use this function at all (e.g. statistics for a citizen).' },
    ],
  },
  {
    name: 'LookupResult',
    description: 'What an allowed lookup by identity code answered.',
    values: [
      { name: 'FOUND', description: 'The person exists (also when a source that might know them could not be read).' },
      { name: 'NOT_FOUND', description: 'Neither VTJ nor any source knows the identity code.' },
    ],
  },
  {
    name: 'DataGroup',
    description: "A group of a person's data the access policy decides on, and the read log names.",
    values: [
      { name: 'BASIC', description: 'Name, birth date, language, death date, guardians and dependants, the turvakielto flag (VTJ).' },
      { name: 'CONTACT', description: 'Address and municipality of residence: what turvakielto protects.' },
      { name: 'RECORD_INDEX', description: 'Where the person has records (which sources could not be read for them).' },
      { name: 'APPOINTMENTS', description: 'Health and oral health appointments.' },
      { name: 'CUSTOMERSHIPS', description: 'Social care customerships.' },
      { name: 'DECISIONS', description: 'Social care decisions.' },
      { name: 'PLANS', description: 'Care, rehabilitation, client and service plans.' },
      { name: 'FEES', description: 'Client fees and the fee ceiling.' },
      { name: 'CONSENTS', description: 'Consents and prohibitions.' },
    ],
  },
  {
    name: 'SourceIndexState',
    description: "The person index's state of one source.",
    values: [
      { name: 'BUILDING', description: 'The first full listing of the source is under way.' },
      { name: 'READY', description: 'Listed, and its last poll for changes succeeded.' },
      { name: 'FAILING', description: 'The last listing or poll failed (see lastErrorCode); answers use what the index last had.' },
    ],
  },
];

/**
 * Why a source could not be read (MissingSource.code, StatisticsUnavailableSource.code):
 * the adapter error codes a whole read can fail with, and the region's own. Defined
 * by every subgraph that has MissingSource.
 */
export const MISSING_SOURCE_CODE: EnumDef = {
  name: 'MissingSourceCode',
  description: 'Why a source could not be read for an answer.',
  values: [
    {
      name: 'SOURCE_UNAVAILABLE',
      description: 'The source refused the connection, did not answer in time, or said it is overloaded or in maintenance.',
    },
    { name: 'SOURCE_ERROR', description: 'The source answered with an internal error of its own.' },
    { name: 'MALFORMED_RESPONSE', description: 'The source answered, but its response could not be read.' },
    { name: 'INVALID_IDENTITY_CODE', description: 'The source refused the identity code.' },
    { name: 'NOT_CONFIGURED', description: 'The region has no connection configured to this source.' },
    { name: 'SUBGRAPH_UNAVAILABLE', description: "The municipality's subgraph holding the person's records did not answer." },
    { name: 'NOT_INDEXED', description: 'Statistics: the person index has not yet listed the source in full.' },
  ],
};

/** The description of every record type's `id` (subgraphs/server/ids.ts recordId). */
const ID_DESCRIPTION =
  'Stable opaque id for client caches: the same record has the same id in every answer (from its type, instance and local id; no personal data).';

export interface FieldDef {
  readonly name: string;
  /** GraphQL type, e.g. `String`, `[Appointment!]!`. */
  readonly type: string;
  readonly description?: string;
}

/**
 * Value types: plain data with no identity, resolved alike by every subgraph
 * that returns them, so `@shareable` wherever they appear.
 */
export const VALUE_TYPES: Readonly<Record<string, readonly FieldDef[]>> = {
  Municipality: [
    { name: 'code', type: 'String!', description: 'Statistics Finland municipality code (urn:oid:1.2.246.537.6.21), e.g. `407`.' },
    { name: 'nameFi', type: 'String!', description: 'The Finnish name, e.g. `Loviisa`.' },
    { name: 'nameSv', type: 'String!', description: 'The Swedish name, e.g. `Lovisa`.' },
  ],
  Provenance: [
    { name: 'instance', type: 'String!', description: 'The source system instance, e.g. `pegasos-loviisa`.' },
    { name: 'product', type: 'String!', description: 'The product of that instance, e.g. `pegasos`.' },
    {
      name: 'municipality',
      type: 'Municipality!',
      description: 'The municipality the record belongs to (for a shared instance: the one it has for the person).',
    },
    { name: 'localId', type: 'String!', description: "The source's own id of the item." },
  ],
  Unit: [
    {
      name: 'oid',
      type: 'String',
      description:
        "Organisation/unit OID: the source's, or for a customership's unit the register's, found by the Finnish name; null when neither has one.",
    },
    { name: 'name', type: 'String!', description: 'The name as the source writes it (one language).' },
    {
      name: 'nameFi',
      type: 'String',
      description: "The unit's Finnish name in the organisation register; null when the register does not know the unit.",
    },
    {
      name: 'nameSv',
      type: 'String',
      description: "The unit's Swedish name in the organisation register; null when the register does not know the unit.",
    },
  ],
  Professional: [
    { name: 'name', type: 'String!', description: "The professional's name as the source writes it." },
    { name: 'title', type: 'String', description: 'Their title as the source writes it (Finnish); null when the source gives none.' },
    {
      name: 'titleSv',
      type: 'String',
      description: "The title in Swedish from the region's term list; null when the list does not have the title.",
    },
  ],
  CustomerAddress: [
    { name: 'streetFi', type: 'String!', description: 'Street address in Finnish.' },
    { name: 'streetSv', type: 'String', description: 'Street address in Swedish; null when VTJ has none.' },
    { name: 'postalCode', type: 'String!', description: 'Postal code, five digits.' },
    { name: 'cityFi', type: 'String!', description: 'Post office in Finnish.' },
    { name: 'citySv', type: 'String', description: 'Post office in Swedish; null when VTJ has none.' },
  ],
  VtjFacts: [
    { name: 'guardians', type: '[ID!]!', description: "Guardians' identity codes, in VTJ order." },
    { name: 'turvakielto', type: 'Boolean!', description: 'Non-disclosure for personal safety (turvakielto).' },
  ],
  MissingSource: [
    {
      name: 'instance',
      type: 'String!',
      description: 'What could not be read: a source instance (e.g. `effica-porvoo`), `vtj`, `person-index` or `subgraph:{name}`.',
    },
    { name: 'code', type: 'MissingSourceCode!', description: 'Why it could not be read.' },
  ],
  Appointment: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea!', description: 'PRIMARY_HEALTH or ORAL_HEALTH.' },
    { name: 'professionalKind', type: 'ProfessionalKind', description: "Absent when the source's type maps to no professional kind." },
    { name: 'contactMode', type: 'ContactMode', description: 'How it takes place; null when the source does not say.' },
    { name: 'start', type: 'DateTime!', description: 'When it starts.' },
    { name: 'durationMinutes', type: 'Int!', description: 'Length in minutes.' },
    { name: 'unit', type: 'Unit!', description: 'Where: the unit giving the care.' },
    { name: 'professional', type: 'Professional', description: 'Who with; null when the source names no one.' },
    { name: 'status', type: 'AppointmentStatus!', description: 'Booked, completed, cancelled or not attended.' },
    { name: 'note', type: 'String', description: 'Free text (reason or additional information) as the source has it.' },
    { name: 'source', type: 'Provenance!', description: 'Where the record came from.' },
  ],
  Customership: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea!', description: 'Always SOCIAL.' },
    { name: 'serviceTask', type: 'ServiceTask!', description: 'The service task the person is a client of.' },
    { name: 'service', type: 'String', description: "The service's name as the source writes it." },
    {
      name: 'unit',
      type: 'Unit',
      description:
        "The unit: its name as the source writes it, with the organisation register's OID and Finnish and Swedish names found by that name; null when the source names none.",
    },
    { name: 'responsibleWorker', type: 'String', description: "The responsible worker's name as the source writes it." },
    { name: 'startDate', type: 'Date!', description: 'When the customership began.' },
    { name: 'endDate', type: 'Date', description: 'Absent while open.' },
    { name: 'extraSensitive', type: 'Boolean!', description: 'Child welfare and other extra-sensitive customerships.' },
    { name: 'source', type: 'Provenance!', description: 'Where the record came from.' },
    {
      name: 'serviceSv',
      type: 'String',
      description: "The service's name in Swedish from the region's term list; null when the list does not have the name.",
    },
  ],
  Decision: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'customershipId', type: 'String!', description: "The customership's local id in the same instance." },
    { name: 'service', type: 'String!', description: 'The service decided on, as the source writes it.' },
    { name: 'decisionDate', type: 'Date!', description: 'When the decision was made.' },
    { name: 'validFrom', type: 'Date!', description: 'First day the decision is in force.' },
    { name: 'validTo', type: 'Date', description: 'Last day the decision is in force; null: until further notice.' },
    { name: 'outcome', type: 'DecisionOutcome!', description: 'Granted or refused.' },
    { name: 'source', type: 'Provenance!', description: 'Where the record came from.' },
    {
      name: 'serviceSv',
      type: 'String',
      description: "The service's name in Swedish from the region's term list; null when the list does not have the name.",
    },
  ],
  Plan: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea!', description: 'The care area the plan belongs to.' },
    { name: 'type', type: 'PlanType!', description: 'The kind of plan.' },
    { name: 'title', type: 'String', description: 'Its title as the source writes it; null when none.' },
    { name: 'startDate', type: 'Date!', description: 'Health plans: start date; social care plans: date drawn up.' },
    { name: 'endDate', type: 'Date', description: 'When the plan ends; null: open-ended.' },
    { name: 'reviewDate', type: 'Date', description: 'Social care plans: date of the next review.' },
    { name: 'responsible', type: 'String', description: "The responsible professional's name as the source writes it." },
    { name: 'customershipId', type: 'String', description: "Social care plans: the customership's local id." },
    { name: 'source', type: 'Provenance!', description: 'Where the record came from.' },
    {
      name: 'titleSv',
      type: 'String',
      description: "The title in Swedish from the region's term list; null when there is no title or the list does not have it.",
    },
  ],
  Fee: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea', description: 'Absent when the source does not say.' },
    { name: 'register', type: 'Register!', description: 'The register the fee belongs to: health or social care.' },
    { name: 'date', type: 'Date!', description: 'The date of the service or invoice the fee is for.' },
    { name: 'description', type: 'String!', description: 'What the fee is for, as the source writes it (Finnish).' },
    { name: 'amountCents', type: 'Int!', description: 'The amount in euro cents (1250 = 12,50 €).' },
    { name: 'accruesToCeiling', type: 'Boolean!', description: 'Counts towards the client fee ceiling.' },
    { name: 'status', type: 'FeeStatus!', description: 'Open, paid or voided.' },
    { name: 'source', type: 'Provenance!', description: 'Where the record came from.' },
    {
      name: 'kind',
      type: 'FeeKind',
      description:
        "What the fee is charged for, from its description in the region's term list; null when the list does not have the description.",
    },
    {
      name: 'descriptionSv',
      type: 'String',
      description: "The description in Swedish from the region's term list; null when the list does not have the description.",
    },
  ],
  Consent: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'type', type: 'ConsentType!', description: 'Which consent or prohibition.' },
    { name: 'givenOn', type: 'Date!', description: 'When it was given.' },
    { name: 'withdrawnOn', type: 'Date', description: 'Absent while in force.' },
    { name: 'source', type: 'Provenance!', description: 'Where the record came from.' },
  ],
};

/** The record lists each municipality's records type holds, with their item type. */
export const RECORD_LISTS = [
  { field: 'appointments', type: 'Appointment' },
  { field: 'customerships', type: 'Customership' },
  { field: 'decisions', type: 'Decision' },
  { field: 'plans', type: 'Plan' },
  { field: 'fees', type: 'Fee' },
  { field: 'consents', type: 'Consent' },
] as const;

export type RecordListField = (typeof RECORD_LISTS)[number]['field'];

/** The named type under list and non-null wrappers: `[Fee!]!` → `Fee`. */
export function baseType(type: string): string {
  return type.replace(/[[\]!]/g, '');
}

/**
 * The selection of every field of a value type, recursively:
 * `Unit` → `oid name`; `Fee` → `careArea … source { instance … municipality { code nameFi nameSv } localId }`.
 */
export function selectAll(typeName: string): string {
  const fields = VALUE_TYPES[typeName];
  if (!fields) throw new RangeError(`No field list for ${typeName}.`);
  return fields
    .map((f) => {
      const base = baseType(f.type);
      return VALUE_TYPES[base] ? `${f.name} { ${selectAll(base)} }` : f.name;
    })
    .join(' ');
}
