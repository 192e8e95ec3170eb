/**
 * The canonical model in GraphQL terms: the enums of the canonical codes and
 * one list of fields per type. The SDL of every subgraph and the long
 * @requires selections of the lists subgraph are generated from these lists.
 *
 * Scalars: `Date` is a `YYYY-MM-DD` calendar date; `DateTime` an ISO 8601
 * instant with offset (`2025-03-30T04:30:00+03:00`), as the canonical model
 * has them. Both are custom scalars serialised as strings.
 */
import type {
  AppointmentStatus,
  CareArea,
  ConsentType,
  ContactMode,
  DecisionOutcome,
  FeeStatus,
  PlanType,
  ProfessionalKind,
  ServiceTask,
} from '../domain/model.ts';
import type { FeeKind } from '../domain/codeLabels.ts';

export interface EnumDef {
  readonly name: string;
  readonly description: string;
  readonly values: readonly string[];
}

/** Every value of a code type, checked complete by the compiler (a Record needs every key). */
function codes<T extends string>(all: Record<T, true>): T[] {
  return Object.keys(all) as T[];
}

export const ENUMS: readonly EnumDef[] = [
  {
    name: 'CareArea',
    description: 'Care area (region.md): health (PTH), oral health (STH), social care (SOS).',
    values: codes<CareArea>({ PRIMARY_HEALTH: true, ORAL_HEALTH: true, SOCIAL: true }),
  },
  {
    name: 'ServiceTask',
    description: 'Social care service task.',
    values: codes<ServiceTask>({
      OLDER_PEOPLE: true,
      DISABILITY: true,
      FAMILIES: true,
      CHILD_WELFARE: true,
      ADULT_SOCIAL_WORK: true,
      SUBSTANCE_ABUSE: true,
      FAMILY_LAW: true,
    }),
  },
  {
    name: 'AppointmentStatus',
    description: 'Status of an appointment.',
    values: codes<AppointmentStatus>({ BOOKED: true, COMPLETED: true, CANCELLED: true, NO_SHOW: true }),
  },
  {
    name: 'ContactMode',
    description: 'How an appointment takes place.',
    values: codes<ContactMode>({ ON_SITE: true, PHONE: true, VIDEO: true, HOME_VISIT: true }),
  },
  {
    name: 'ProfessionalKind',
    description: 'Kind of professional an appointment is with.',
    values: codes<ProfessionalKind>({
      PHYSICIAN: true,
      NURSE: true,
      PUBLIC_HEALTH_NURSE: true,
      PHYSIOTHERAPIST: true,
      PSYCHOLOGIST: true,
      DENTIST: true,
      DENTAL_HYGIENIST: true,
      SOCIAL_WORKER: true,
    }),
  },
  { name: 'FeeStatus', description: 'Status of a client fee.', values: codes<FeeStatus>({ OPEN: true, PAID: true, VOIDED: true }) },
  {
    name: 'Register',
    description: 'The register a record belongs to: health care (PTH, STH) or social care.',
    values: ['HEALTH', 'SOCIAL'],
  },
  {
    name: 'ConsentType',
    description: 'Consent or prohibition recorded in the social care systems.',
    values: codes<ConsentType>({
      LUOVUTUS_TERVEYDENHUOLTOON: true,
      LUOVUTUS_SOSIAALIHUOLTOON: true,
      KIELTO_KANTA: true,
      KIELTO_HUOLTAJALLE: true,
    }),
  },
  {
    name: 'PlanType',
    description: 'Kind of care or client plan.',
    values: codes<PlanType>({ HEALTH_AND_CARE_PLAN: true, REHABILITATION_PLAN: true, CLIENT_PLAN: true, SERVICE_PLAN: true }),
  },
  {
    name: 'DecisionOutcome',
    description: 'Outcome of a social care decision.',
    values: codes<DecisionOutcome>({ GRANTED: true, REFUSED: true }),
  },
  {
    name: 'FeeKind',
    description: "What a client fee is charged for, from its description in the region's term list (domain/terms.ts).",
    values: codes<FeeKind>({
      OUTPATIENT_VISIT: true,
      ORAL_HEALTH_VISIT: true,
      SERIAL_TREATMENT: true,
      MISSED_APPOINTMENT: true,
      HOME_CARE: true,
      SOCIAL_REHABILITATION: true,
      TRANSPORT_SERVICE: true,
    }),
  },
];

/** Custom scalars, both serialised as strings. */
export const SCALARS = [
  { name: 'Date', description: 'A calendar date, `YYYY-MM-DD`.' },
  {
    name: 'DateTime',
    description: 'An ISO 8601 instant with offset, e.g. `2025-03-30T04:30:00+03:00` (Europe/Helsinki offset of that moment).',
  },
  { name: 'JSON', description: 'Any JSON value (object, array, string, number, boolean or null), serialised as itself.' },
] as const;

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
    { name: 'nameFi', type: 'String!' },
    { name: 'nameSv', type: 'String!' },
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
    { name: 'oid', type: 'String', description: 'Organisation/unit OID, when the source gives one.' },
    { name: 'name', type: 'String!', description: 'The name as the source writes it (one language).' },
    {
      name: 'nameFi',
      type: 'String',
      description: "The unit's Finnish name in the organisation register, when the register knows the OID.",
    },
    {
      name: 'nameSv',
      type: 'String',
      description: "The unit's Swedish name in the organisation register, when the register knows the OID.",
    },
  ],
  Professional: [
    { name: 'name', type: 'String!' },
    { name: 'title', type: 'String' },
    {
      name: 'titleSv',
      type: 'String',
      description: "The title in Swedish from the region's term list; null when the list does not have the title.",
    },
  ],
  CustomerAddress: [
    { name: 'streetFi', type: 'String!' },
    { name: 'streetSv', type: 'String' },
    { name: 'postalCode', type: 'String!' },
    { name: 'cityFi', type: 'String!' },
    { name: 'citySv', type: 'String' },
  ],
  VtjFacts: [
    { name: 'guardians', type: '[ID!]!', description: "Guardians' identity codes, in VTJ order." },
    { name: 'turvakielto', type: 'Boolean!' },
  ],
  MissingSource: [
    { name: 'instance', type: 'String!', description: 'The instance that could not be read.' },
    {
      name: 'code',
      type: 'String!',
      description: 'Why: an adapter error code such as `SOURCE_UNAVAILABLE`, `SOURCE_ERROR` or `MALFORMED_RESPONSE`.',
    },
  ],
  Appointment: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea!' },
    { name: 'professionalKind', type: 'ProfessionalKind', description: "Absent when the source's type maps to no professional kind." },
    { name: 'contactMode', type: 'ContactMode' },
    { name: 'start', type: 'DateTime!' },
    { name: 'durationMinutes', type: 'Int!' },
    { name: 'unit', type: 'Unit!' },
    { name: 'professional', type: 'Professional' },
    { name: 'status', type: 'AppointmentStatus!' },
    { name: 'note', type: 'String', description: 'Free text (reason or additional information) as the source has it.' },
    { name: 'source', type: 'Provenance!' },
  ],
  Customership: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea!' },
    { name: 'serviceTask', type: 'ServiceTask!' },
    { name: 'service', type: 'String', description: "The service's name as the source writes it." },
    { name: 'unit', type: 'String' },
    { name: 'responsibleWorker', type: 'String' },
    { name: 'startDate', type: 'Date!' },
    { name: 'endDate', type: 'Date', description: 'Absent while open.' },
    { name: 'extraSensitive', type: 'Boolean!', description: 'Child welfare and other extra-sensitive customerships.' },
    { name: 'source', type: 'Provenance!' },
    {
      name: 'serviceSv',
      type: 'String',
      description: "The service's name in Swedish from the region's term list; null when the list does not have the name.",
    },
  ],
  Decision: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'customershipId', type: 'String!', description: "The customership's local id in the same instance." },
    { name: 'service', type: 'String!' },
    { name: 'decisionDate', type: 'Date!' },
    { name: 'validFrom', type: 'Date!' },
    { name: 'validTo', type: 'Date' },
    { name: 'outcome', type: 'DecisionOutcome!' },
    { name: 'source', type: 'Provenance!' },
    {
      name: 'serviceSv',
      type: 'String',
      description: "The service's name in Swedish from the region's term list; null when the list does not have the name.",
    },
  ],
  Plan: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea!' },
    { name: 'type', type: 'PlanType!' },
    { name: 'title', type: 'String' },
    { name: 'startDate', type: 'Date!', description: 'Health plans: start date; social care plans: date drawn up.' },
    { name: 'endDate', type: 'Date' },
    { name: 'reviewDate', type: 'Date', description: 'Social care plans: date of the next review.' },
    { name: 'responsible', type: 'String' },
    { name: 'customershipId', type: 'String', description: "Social care plans: the customership's local id." },
    { name: 'source', type: 'Provenance!' },
    {
      name: 'titleSv',
      type: 'String',
      description: "The title in Swedish from the region's term list; null when there is no title or the list does not have it.",
    },
  ],
  Fee: [
    { name: 'id', type: 'ID!', description: ID_DESCRIPTION },
    { name: 'careArea', type: 'CareArea', description: 'Absent when the source does not say.' },
    { name: 'register', type: 'Register!' },
    { name: 'date', type: 'Date!' },
    { name: 'description', type: 'String!' },
    { name: 'amountCents', type: 'Int!' },
    { name: 'accruesToCeiling', type: 'Boolean!', description: 'Counts towards the client fee ceiling.' },
    { name: 'status', type: 'FeeStatus!' },
    { name: 'source', type: 'Provenance!' },
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
    { name: 'type', type: 'ConsentType!' },
    { name: 'givenOn', type: 'Date!' },
    { name: 'withdrawnOn', type: 'Date', description: 'Absent while in force.' },
    { name: 'source', type: 'Provenance!' },
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
