/**
 * SDL builders for the three kinds of subgraph: `region`, `lists` and one per
 * municipality (×7). All are generated from the municipality list
 * (municipalities.ts) and the field lists (model.ts).
 *
 * Routing by data (README): the region subgraph owns Customer and serves
 * VTJ's basic data and the relatives itself, through the access policy. For
 * each municipality whose instances hold the person's records it returns a
 * `{Municipality}Records` reference in the field of that municipality (null
 * for the others), so the gateway calls a municipality subgraph only for
 * the persons it holds. The lists subgraph merges the records: each of its
 * fields `@requires` only the record kinds it serves and those the policy
 * decides from (`requiredKinds`), carried as canonical JSON (`RecordList`).
 */
import { statisticsEnumsSdl, statisticsQueryField, statisticsTypesSdl } from './statistics.ts';
import { codeListsQueryField, codeListsTypesSdl } from './codeLists.ts';
import { viewerListsSdl, viewerSdl } from './viewer.ts';
import { SCHEMA_MUNICIPALITIES } from './municipalities.ts';
import type { SchemaMunicipality } from './municipalities.ts';
import { ENUMS, MISSING_SOURCE_CODE, RECORD_LISTS, REGION_ENUMS, SCALARS, VALUE_TYPES, baseType, enumSdl } from './model.ts';
import { COUNTED_FEES_CONNECTION_FIELD, CONNECTION_TYPES_SDL, PAGE_INFO_SDL, customerConnectionFields, deprecated } from './connections.ts';
import type { FieldDef, RecordListField } from './model.ts';

/** The Federation 2 spec version every subgraph links. */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.5';

function link(imports: readonly string[]): string {
  return `extend schema @link(url: "${FEDERATION_SPEC}", import: [${imports.map((i) => `"${i}"`).join(', ')}])`;
}

function desc(text: string | undefined, indent = ''): string {
  return text ? `${indent}${JSON.stringify(text)}\n` : '';
}

function fieldLines(fields: readonly FieldDef[], suffix = ''): string {
  return fields.map((f) => `${desc(f.description, '  ')}  ${f.name}: ${f.type}${suffix}`).join('\n');
}

/** The value types (and everything they refer to) that a subgraph's SDL needs. */
function closure(roots: readonly string[]): string[] {
  const seen: string[] = [];
  const visit = (name: string): void => {
    if (seen.includes(name) || !VALUE_TYPES[name]) return;
    seen.push(name);
    for (const f of VALUE_TYPES[name]!) visit(baseType(f.type));
  };
  roots.forEach(visit);
  return seen;
}

/** Value types that more than one subgraph defines (composition wants them @shareable). */
const SHAREABLE_TYPES: readonly string[] = ['Municipality', 'MissingSource', 'VtjFacts', 'Unit'];
/** Value types only the planner reads (the policy's VTJ facts for the lists subgraph); never served to clients. */
const INTERNAL_TYPES: readonly string[] = ['VtjFacts'];

/** Scalars, enums and value types, identical in every subgraph that has them. */
function sharedTypes(valueTypes: readonly string[], options: { scalars: boolean; enums: boolean }): string {
  const parts: string[] = options.scalars ? SCALARS.map((s) => `${desc(s.description)}scalar ${s.name}`) : [];
  if (options.enums) parts.push(...ENUMS.map(enumSdl));
  if (closure(valueTypes).includes('MissingSource')) parts.push(enumSdl(MISSING_SOURCE_CODE));
  for (const t of closure(valueTypes)) {
    const directives = `${SHAREABLE_TYPES.includes(t) ? ' @shareable' : ''}${INTERNAL_TYPES.includes(t) ? ' @inaccessible' : ''}`;
    parts.push(`${desc(VALUE_TYPE_DESCRIPTIONS[t])}type ${t}${directives} {\n${fieldLines(VALUE_TYPES[t]!)}\n}`);
  }
  return parts.join('\n\n');
}

const VALUE_TYPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  VtjFacts: "What the access policy needs of VTJ's data of a person (internal: for the lists subgraph's decisions).",
  MissingSource: 'A source (an instance, VTJ, the person index or a subgraph) that could not be read for an answer.',
  Municipality: 'One of the municipalities of the region, with its Finnish and Swedish names.',
  Provenance: "Where a record came from: the source system instance, its product, the municipality and the source's own id.",
  Unit: 'A care or service unit: the name as the source writes it, and its Finnish and Swedish names from the organisation register where the register knows the unit.',
  Professional: 'The professional an appointment is with, as the source names them.',
  CustomerAddress: "A person's permanent address in VTJ, in Finnish and, where VTJ has them, Swedish.",
  Appointment: 'A health or oral health care appointment (past or booked) from one source.',
  Customership: 'A social care customership (asiakkuus): the person is a client of a service task, from one source.',
  Decision: 'A social care decision on a service, from one source.',
  Plan: 'A care, rehabilitation, client or service plan, from one source.',
  Fee: 'A client fee (asiakasmaksu) from one source; money in integer euro cents.',
  Consent: 'A consent or prohibition the person has given, as recorded in a social care system.',
};

const LIST_DESCRIPTIONS: Record<RecordListField, string> = {
  appointments: 'Health and oral health appointments.',
  customerships: 'Social care customerships.',
  decisions: 'Social care decisions.',
  plans: 'Care, rehabilitation, client and service plans.',
  fees: 'Client fees.',
  consents: 'Consents and prohibitions.',
};

const MISSING_DESCRIPTION = 'Sources that could not be read for this answer (never a silent gap).';

const RECORD_LIST_SCALAR = `"One kind of a person's records from one municipality's instances: canonical items (domain/model.ts) as a JSON array, passed from a municipality subgraph to the lists subgraph. Internal: never served to clients."
scalar RecordList @inaccessible`;

/** One description for a records type, the same in every subgraph that defines it. */
function recordsDescription(m: SchemaMunicipality): string {
  return JSON.stringify(`${m.nameFi} (${m.nameSv}, ${m.code}): a person's records in the instances serving the municipality.`);
}

const RECORDS_ID = 'Opaque reference: the person, the municipality and the instances holding their records.';

/**
 * The record kinds every record decision needs besides the list's own: the
 * care relation (appointments, customerships), the consents in force
 * (disclosure, KIELTO_HUOLTAJALLE) and the customership a decision or plan
 * belongs to (child welfare). subgraphs/access/policy.ts decides from them.
 */
export const POLICY_RECORD_KINDS: readonly RecordListField[] = ['appointments', 'customerships', 'consents'];

/** A lists field's record kinds: its own and the policy's, in RECORD_LISTS order. */
export function requiredKinds(own: readonly RecordListField[]): RecordListField[] {
  return RECORD_LISTS.map((l) => l.field).filter((f) => own.includes(f) || POLICY_RECORD_KINDS.includes(f));
}

/**
 * The record kinds each lists field @requires of each municipality (the fee
 * ceiling: of its dependants too). The SDL is written from this table and the
 * lists subgraph reads the representation with it, so the two cannot differ.
 */
export const LISTS_FIELD_KINDS = {
  appointments: requiredKinds(['appointments']),
  customerships: requiredKinds(['customerships']),
  decisions: requiredKinds(['decisions']),
  plans: requiredKinds(['plans']),
  fees: requiredKinds(['fees']),
  consents: requiredKinds(['consents']),
  feeCeiling: requiredKinds(['fees']),
  missingSources: requiredKinds([]),
} as const satisfies Readonly<Record<string, readonly RecordListField[]>>;

/**
 * A person's part of a lists field's @requires: VTJ's facts the policy needs,
 * the region-level sources that failed, and from each municipality's
 * records reference the `kinds` asked plus its missing sources, and which
 * municipalities hold records (to tell a failed subgraph from one holding
 * nothing: the gateway passes a reference whose fetch failed as null):
 * `vtjFacts { guardians turvakielto } regionMissingSources { instance code } recordHolders porvooRecords { fees … missingSources { instance code } } …`.
 */
export function recordsRequirement(kinds: readonly RecordListField[]): string {
  const inner = `${kinds.join(' ')} missingSources { instance code }`;
  const refs = SCHEMA_MUNICIPALITIES.map((m) => `${m.customerField} { ${inner} }`).join(' ');
  return `vtjFacts { guardians turvakielto } regionMissingSources { instance code } recordHolders ${refs}`;
}

/** A municipality subgraph: its own `{Name}Records` entity with the person's records of its instances, one field per kind. */
export function municipalitySubgraphSdl(m: SchemaMunicipality): string {
  const lists = RECORD_LISTS.map((l) => `${desc(LIST_DESCRIPTIONS[l.field], '  ')}  ${l.field}: RecordList!`).join('\n');
  return `${link(['@key', '@shareable', '@inaccessible'])}

${RECORD_LIST_SCALAR}

${sharedTypes(['MissingSource'], { scalars: false, enums: false })}

${recordsDescription(m)}
type ${m.typeName} @key(fields: "id") @inaccessible {
${desc(RECORDS_ID, '  ')}  id: ID!
${lists}
${desc(MISSING_DESCRIPTION, '  ')}  missingSources: [MissingSource!]!
}
`;
}

/** The analysts' statistics in the region subgraph: `queryFields` go into `type Query`, `types` after the region's own types. */
export const STATISTICS_SDL: { readonly queryFields: string; readonly types: string } = {
  queryFields: statisticsQueryField,
  types: `${statisticsEnumsSdl}\n\n${statisticsTypesSdl}`,
};

const BASIC_NOTE = 'Basic data: to the person, a guardian of a minor, and professionals (audited).';

/**
 * The nullability rule, said once on Query and Customer (README, "Nullability"):
 * what the access policy may withhold as a whole is nullable, a list always computed is not.
 */
const NULLABILITY_RULE =
  'Nullability: a field the access policy may withhold as a whole (basic and contact data, the record index, the fee ceiling) is nullable and comes as null with a FORBIDDEN error naming the reason; a list the region always computes is non-null (empty when there is nothing, records the policy withholds left out).';

/** The read log's paging arguments (myDataReads, myDataReadsFhir). */
const READ_LOG_ARGS = `
    "Page size, 1 to 100."
    first: Int = 20
    "The endCursor of the previous page; omit for the newest entries."
    after: String
    "Also list the citizen's own reads of their data."
    includeOwn: Boolean = false
  `;
const CONTACT_NOTE = 'Contact data: as basic data, but under turvakielto only to the person themself.';

/**
 * The region subgraph: Customer with VTJ's basic data and relatives (decided
 * by the policy here, no record read), the per-municipality references and
 * VTJ's facts for the lists subgraph (@inaccessible: only the planner reads
 * them), municipalities, index status, emergency access and the citizen's
 * own read log.
 */
export function regionSubgraphSdl(statistics: { readonly queryFields: string; readonly types: string } = STATISTICS_SDL): string {
  const refTypes = SCHEMA_MUNICIPALITIES.map(
    (m) => `${recordsDescription(m)}
type ${m.typeName} @key(fields: "id", resolvable: false) @inaccessible {
  id: ID!
}`,
  ).join('\n\n');
  const refFields = SCHEMA_MUNICIPALITIES.map(
    (m) =>
      `  ${JSON.stringify(`The person's records in ${m.nameFi}'s instances; null when the person index knows none there.`)}\n  ${m.customerField}: ${m.typeName} @inaccessible`,
  ).join('\n');
  return `${link(['@key', '@shareable', '@inaccessible'])}

${sharedTypes(['Municipality', 'MissingSource', 'CustomerAddress', 'VtjFacts', 'Unit'], { scalars: true, enums: false })}

${REGION_ENUMS.map(enumSdl).join('\n\n')}

"The region graph's entry points. ${NULLABILITY_RULE}"
type Query {
  "A customer by identity code. Null when neither VTJ nor any source knows the person; a malformed code is a BAD_USER_INPUT error. Requires a sign-in: a citizen may ask for themself or a minor they are a VTJ guardian of (else FORBIDDEN NOT_OWN_DATA); analysts get FORBIDDEN AGGREGATES_ONLY. A professional's lookup is written to the audit log (LOOKUP, FOUND or NOT_FOUND) before the answer leaves; if it cannot be, FORBIDDEN AUDIT_UNAVAILABLE."
  customer(
    "Personal identity code (henkilötunnus), e.g. 010594Y9021; checked for form and check character."
    hetu: ID!
  ): Customer
  "The region's municipalities."
  municipalities: [Municipality!]!
${codeListsQueryField}
  "The person index's state and lag behind each source."
  sourceStatus: [SourceIndexStatus!]!
  "Citizens: who has read or looked up my data, when, which data groups, on what basis and with what outcome (Client Data Act 703/2023, §11), newest first. Out-of-range first or a cursor not from a previous page: BAD_USER_INPUT."
  myDataReads(${READ_LOG_ARGS}): DataReadConnection! @deprecated(reason: "Use me.dataReads.")
  "Citizens: the same page as a FHIR R4 Bundle (type searchset) of AuditEvent resources, as JSON text; its link with relation next carries the cursor of the following page."
  myDataReadsFhir(${READ_LOG_ARGS}): String! @deprecated(reason: "Use me.dataReadsFhir (typed JSON).")
${viewerSdl.queryFields}${statistics.queryFields ? `\n${statistics.queryFields}` : ''}
}

"Operations that change the region's state."
type Mutation {
  "Emergency access (break the glass): professionals only, with a stated reason (at least 10 characters); lasts 4 hours by default; flagged in the audit log. Child welfare records and turvakielto-protected contact details stay closed."
  startEmergencyAccess(
    "The identity code of the person whose data is needed."
    hetu: ID!
    "Why emergency access is needed, at least 10 characters; written to the audit log and shown to the person in their read log."
    reason: String!
  ): EmergencyAccess!
}

"A time-limited emergency access grant to one person's data."
type EmergencyAccess {
  "The grant's id."
  id: ID!
  "Whose data the grant opens."
  hetu: ID!
  "The reason stated when starting it."
  reason: String!
  "When the grant started."
  startedAt: DateTime!
  "Exclusive: the grant is no longer in force at this instant."
  expiresAt: DateTime!
}

${PAGE_INFO_SDL}

"One page of the citizen's read log, newest first."
type DataReadConnection {
  "The entries of this page, newest first."
  edges: [DataReadEdge!]!
  "Whether more entries follow, and the cursor to ask for them."
  pageInfo: PageInfo!
}

"One entry of the read log with its opaque cursor (a position in the log, no personal data)."
type DataReadEdge {
  "Opaque cursor of this entry; pass it as after to continue after it."
  cursor: String!
  "The entry."
  node: DataRead!
}

"One read of the citizen's data, from the audit log."
type DataRead {
  "Stable opaque id for client caches: the same entry of the read log has the same id in every answer (from its position in the log; no personal data)."
  id: ID!
  "When, to the millisecond."
  at: DateTime!
  "What the reader did: READ, LOOKUP (a professional looked the person up by identity code) or EMERGENCY_ACCESS (a professional started emergency access)."
  action: DataReadAction!
  "The role the reader signed in with."
  readerRole: ReaderRole!
  "A professional's name; null for other roles."
  readerName: String
  "The data groups read, in a fixed order; empty for a LOOKUP."
  dataGroups: [DataGroup!]!
  "Whether the data was given."
  outcome: AccessOutcome!
  "Why it was allowed; null when denied."
  basis: AccessBasis
  "Why it was denied; null when allowed."
  reason: DenialReason
  "True when read under emergency access."
  emergency: Boolean!
  "The reason the professional stated for emergency access; null unless emergency."
  emergencyReason: String
  "For an allowed LOOKUP: FOUND or NOT_FOUND; null otherwise."
  lookupResult: LookupResult
}

"A client or patient of the region, identified by the personal identity code. Basic data and relatives come from VTJ, the population register (the master), without reading any record; the record lists merge every instance holding the person's records. Every field is decided by the access policy and audited before it leaves. ${NULLABILITY_RULE}"
type Customer @key(fields: "hetu") {
  "Stable opaque id for client caches: the same person has the same id in every answer (a hash of the identity code; the key stays hetu)."
  id: ID!
  "Personal identity code (henkilötunnus)."
  hetu: ID!
  "Birth date, from the identity code. ${BASIC_NOTE}"
  birthDate: Date
  "False when VTJ says the code has been retired; null when VTJ does not know it. ${BASIC_NOTE}"
  hetuInForce: Boolean
  "${BASIC_NOTE}"
  surname: String
  "${BASIC_NOTE}"
  firstNames: String
  "Mother tongue, ISO 639-1 (VTJ). ${BASIC_NOTE}"
  language: String
  "Non-disclosure for personal safety (turvakielto). ${BASIC_NOTE}"
  turvakielto: Boolean
  "${BASIC_NOTE}"
  deathDate: Date
  "Address in Finnish and, where VTJ has one, Swedish. ${CONTACT_NOTE}"
  address: CustomerAddress
  "Municipality of residence (VTJ). ${CONTACT_NOTE}"
  municipality: Municipality
  "Guardians, in the order VTJ lists them: name and identity code; go on through customer for more."
  guardians: [Relative!]
  "Persons this customer is a guardian of: name and identity code; go on through customer for more (a guardian reading a minor's appointments)."
  dependants: [Relative!]
  "VTJ's facts the lists subgraph's access decisions need; null when VTJ does not know the person or could not be read."
  vtjFacts: VtjFacts @inaccessible
  "The persons this customer is a guardian of, as references (for the fee ceiling's requirements)."
  vtjDependants: [Customer!]! @inaccessible
  "Region-level sources (VTJ, the person index) that could not be read for this answer; feeds Customer.missingSources."
  regionMissingSources: [MissingSource!]! @inaccessible
  "The municipality subgraphs whose instances hold the person's records (the person index): their fields below are references, the others null."
  recordHolders: [String!]! @inaccessible
${refFields}
}

"A guardian or dependant as VTJ lists them with a person: identity code and name, shown to whoever may read that person's basic data. Anything more is the relative's own data, through customer."
type Relative {
  "The relative's personal identity code."
  hetu: ID!
  "Surname (VTJ); null when VTJ could not be read for the relative."
  surname: String
  "First names (VTJ); null when VTJ could not be read for the relative."
  firstNames: String
  "The relative as a customer: every field decided as that person's own data."
  customer: Customer!
}

${refTypes}

"The person index's state of one source instance. No personal data."
type SourceIndexStatus {
  "The source system instance, e.g. effica-porvoo."
  instance: String!
  "Building, ready or failing."
  state: SourceIndexState!
  "True once a full listing of the source has completed."
  built: Boolean!
  "How many persons the index knows in this source."
  persons: Int!
  "When the last successful poll started (the index is at least this fresh); null before the first."
  lastSuccessfulPoll: DateTime
  "The latest change instant the source has listed; null before any."
  lastChangeSeen: DateTime
  "Seconds since the last successful poll; null before the first."
  lagSeconds: Int
  "The code of the last failure (an adapter error code such as SOURCE_UNAVAILABLE, or DATABASE_ERROR_ and the SQL state); null when there has been none."
  lastErrorCode: String
}

${codeListsTypesSdl}
${statistics.types ? `\n${statistics.types}\n` : ''}
${viewerSdl.types}
`;
}

/**
 * The lists subgraph: the region-wide record lists, the record index
 * (missing sources) and the fee ceiling, each through @requires on only the
 * record kinds it serves plus those the policy decides from, so the policy
 * can decide each field and record.
 */
export function listsSubgraphSdl(): string {
  const req = (field: keyof typeof LISTS_FIELD_KINDS): string =>
    `@requires(fields: ${JSON.stringify(recordsRequirement(LISTS_FIELD_KINDS[field]))})`;
  const ceilingKinds = LISTS_FIELD_KINDS.feeCeiling;
  const ceiling = `${recordsRequirement(ceilingKinds)} vtjDependants { hetu ${recordsRequirement(ceilingKinds)} }`;
  const externalRefs = SCHEMA_MUNICIPALITIES.map((m) => `  ${m.customerField}: ${m.typeName} @external`).join('\n');
  const externalTypes = SCHEMA_MUNICIPALITIES.map(
    (m) => `${recordsDescription(m)}
type ${m.typeName} @key(fields: "id", resolvable: false) @inaccessible {
  id: ID!
${RECORD_LISTS.map((l) => `  ${l.field}: RecordList! @external`).join('\n')}
  missingSources: [MissingSource!]! @external
}`,
  ).join('\n\n');
  return `${link(['@key', '@shareable', '@external', '@requires', '@inaccessible'])}

${RECORD_LIST_SCALAR}

${sharedTypes([...RECORD_LISTS.map((l) => l.type), 'MissingSource', 'VtjFacts'], { scalars: true, enums: true })}

"Sort order of a list."
enum SortOrder {
  "Ascending: earliest first."
  ASC
  "Descending: latest first."
  DESC
}

type Customer @key(fields: "hetu") {
  hetu: ID!
  vtjFacts: VtjFacts @external
  vtjDependants: [Customer!]! @external
  regionMissingSources: [MissingSource!]! @external
  recordHolders: [String!]! @external
${externalRefs}
  "Appointments in every instance of the region, by start time (ascending unless order: DESC); those the policy withholds are left out."
  appointments(
    "Only those starting at or after this instant (inclusive)."
    from: DateTime
    "Only those starting before this instant (exclusive)."
    to: DateTime
    "True: only those starting now or later."
    upcoming: Boolean
    "Only these statuses."
    status: [AppointmentStatus!]
    "Only these care areas (PRIMARY_HEALTH, ORAL_HEALTH)."
    careArea: [CareArea!]
    "Order by start time."
    order: SortOrder = ASC
    "At most this many (0 or more), after filtering and ordering; omitted: all."
    first: Int
  ): [Appointment!]! ${req('appointments')}${deprecated('appointments')}
  "Social care customerships, by start date."
  customerships(
    "Only these service tasks."
    serviceTask: [ServiceTask!]
    "True: only those without an end date; false: only ended ones; omitted: both."
    open: Boolean
  ): [Customership!]! ${req('customerships')}${deprecated('customerships')}
  "Social care decisions, by decision date."
  decisions: [Decision!]! ${req('decisions')}${deprecated('decisions')}
  "Plans, by start date."
  plans(
    "Only plans of these care areas."
    careArea: [CareArea!]
  ): [Plan!]! ${req('plans')}${deprecated('plans')}
  "Client fees, by date."
  fees(
    "Only fees dated in this calendar year."
    year: Int
    "Only these statuses."
    status: [FeeStatus!]
  ): [Fee!]! ${req('fees')}${deprecated('fees')}
  "Consents and prohibitions, by the date given."
  consents(
    "True: only those not withdrawn; false: only withdrawn ones; omitted: both."
    inForce: Boolean
  ): [Consent!]! ${req('consents')}${deprecated('consents')}
${customerConnectionFields(req)}
  "The region-wide client fee ceiling status of a calendar year (region.md), including fees of minors this customer is the first guardian of. Null (with a FORBIDDEN error) when the policy withholds the fees as a whole."
  feeCeiling(
    "The calendar year, e.g. 2025; a year the region has no ceiling for is a BAD_USER_INPUT error."
    year: Int!
  ): FeeCeilingStatus @requires(fields: ${JSON.stringify(ceiling)})
  "Sources (instances, VTJ, the person index, subgraphs) that could not be read for this answer: where the person may have records not shown. Nullable unlike the lists: it tells where the person has records (the record index), which the policy may withhold as a whole (then null with a FORBIDDEN error); an empty list means every source was read."
  missingSources: [MissingSource!] ${req('missingSources')}
}

"Client fee ceiling (asiakasmaksukatto) of one person and year, summed across every source of the region. Money in integer euro cents."
type FeeCeilingStatus {
  "The calendar year."
  year: Int!
  "The ceiling of that year (762 € in 2024 and 2025, 815 € in 2026), in cents."
  ceilingCents: Int!
  "Sum of the accruing, non-voided fees counted towards this ceiling."
  accruedCents: Int!
  "True once accruedCents has reached ceilingCents."
  reached: Boolean!
  "Date of the fee with which the running sum (fees in date order) first reached the ceiling; null while not reached."
  reachedOn: Date
  "Accruing fees dated after the day the ceiling was reached: the client should not have had to pay them."
  feesAfterCeiling: [Fee!]!
  "Every fee counted, in date order, with whose it is and the running sum."
  countedFees: [CeilingFee!]!${deprecated('countedFees')}
${COUNTED_FEES_CONNECTION_FIELD}
  "Minors whose fees this ceiling includes (this customer is the first guardian VTJ lists for them)."
  includesDependants: [Customer!]!
  "When this customer is a minor: the guardian whose ceiling counts the fees dated while a minor; null otherwise."
  minorFeesCountTowards: Customer
  "Sources that could not be read: the sums may be too low while any is missing. Non-null: it is part of the status, which the policy gives or withholds as a whole (Customer.feeCeiling)."
  missingSources: [MissingSource!]!
  "True when every source of this customer (and of the dependants counted) was read."
  complete: Boolean!
}

"A fee counted towards a fee ceiling."
type CeilingFee {
  "The fee."
  fee: Fee!
  "Whose fee it is: the customer or one of the dependants."
  customer: Customer!
  "The sum of the fees counted up to and including this one, in cents."
  runningTotalCents: Int!
}

${CONNECTION_TYPES_SDL}

${externalTypes}

${viewerListsSdl(recordsRequirement(LISTS_FIELD_KINDS.appointments))}
`;
}

/** Every subgraph's name and SDL, in the order the supergraph lists them. */
export function subgraphSdls(): { name: string; typeDefs: string }[] {
  return [
    { name: 'region', typeDefs: regionSubgraphSdl() },
    { name: 'lists', typeDefs: listsSubgraphSdl() },
    ...SCHEMA_MUNICIPALITIES.map((m) => ({ name: m.subgraph, typeDefs: municipalitySubgraphSdl(m) })),
  ];
}
