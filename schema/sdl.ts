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
import { ENUMS, RECORD_LISTS, SCALARS, VALUE_TYPES, baseType } from './model.ts';
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
  if (options.enums)
    parts.push(...ENUMS.map((e) => `${desc(e.description)}enum ${e.name} {\n${e.values.map((v) => `  ${v}`).join('\n')}\n}`));
  for (const t of closure(valueTypes)) {
    const directives = `${SHAREABLE_TYPES.includes(t) ? ' @shareable' : ''}${INTERNAL_TYPES.includes(t) ? ' @inaccessible' : ''}`;
    parts.push(`${desc(VALUE_TYPE_DESCRIPTIONS[t])}type ${t}${directives} {\n${fieldLines(VALUE_TYPES[t]!)}\n}`);
  }
  return parts.join('\n\n');
}

const VALUE_TYPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  VtjFacts: "What the access policy needs of VTJ's data of a person (internal: for the lists subgraph's decisions).",
  MissingSource: 'A source (an instance, VTJ, the person index or a subgraph) that could not be read for an answer.',
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

type Query {
  "A customer by identity code. Null when neither VTJ nor any source knows the person; a malformed code is a BAD_USER_INPUT error. Requires a sign-in: a citizen may ask for themself or a minor they are a VTJ guardian of (else FORBIDDEN NOT_OWN_DATA); analysts get FORBIDDEN AGGREGATES_ONLY. A professional's lookup is written to the audit log (LOOKUP, FOUND or NOT_FOUND) before the answer leaves; if it cannot be, FORBIDDEN AUDIT_UNAVAILABLE."
  customer(hetu: ID!): Customer
  "The region's municipalities."
  municipalities: [Municipality!]!
${codeListsQueryField}
  "The person index's state and lag behind each source."
  sourceStatus: [SourceIndexStatus!]!
  "Citizens: who has read or looked up my data, when, which data groups, on what basis and with what outcome (Client Data Act 703/2023, §11), newest first. first: 1 to 100; after: the endCursor of the previous page; includeOwn: also my own reads. Out-of-range first or a cursor not from a previous page: BAD_USER_INPUT."
  myDataReads(first: Int = 20, after: String, includeOwn: Boolean = false): DataReadConnection! @deprecated(reason: "Use me.dataReads.")
  "Citizens: the same page as a FHIR R4 Bundle (type searchset) of AuditEvent resources, as JSON text; its link with relation next carries the cursor of the following page."
  myDataReadsFhir(first: Int = 20, after: String, includeOwn: Boolean = false): String! @deprecated(reason: "Use me.dataReadsFhir (typed JSON).")
${viewerSdl.queryFields}${statistics.queryFields ? `\n${statistics.queryFields}` : ''}
}

type Mutation {
  "Emergency access (break the glass): professionals only, with a stated reason (at least 10 characters); lasts 4 hours by default; flagged in the audit log. Child welfare records and turvakielto-protected contact details stay closed."
  startEmergencyAccess(hetu: ID!, reason: String!): EmergencyAccess!
}

"A time-limited emergency access grant to one person's data."
type EmergencyAccess {
  id: ID!
  hetu: ID!
  reason: String!
  startedAt: DateTime!
  "Exclusive: the grant is no longer in force at this instant."
  expiresAt: DateTime!
}

${PAGE_INFO_SDL}

"One page of the citizen's read log, newest first."
type DataReadConnection {
  edges: [DataReadEdge!]!
  pageInfo: PageInfo!
}

"One entry of the read log with its opaque cursor (a position in the log, no personal data)."
type DataReadEdge {
  cursor: String!
  node: DataRead!
}

"One read of the citizen's data, from the audit log."
type DataRead {
  "Stable opaque id for client caches: the same entry of the read log has the same id in every answer (from its position in the log; no personal data)."
  id: ID!
  "When, to the millisecond."
  at: DateTime!
  "READ; LOOKUP when a professional looked the person up by identity code; EMERGENCY_ACCESS when a professional started emergency access."
  action: String!
  "citizen, professional, analyst or anonymous."
  readerRole: String!
  "A professional's name."
  readerName: String
  "Data groups: BASIC, CONTACT, RECORD_INDEX, APPOINTMENTS, CUSTOMERSHIPS, DECISIONS, PLANS, FEES, CONSENTS."
  dataGroups: [String!]!
  "ALLOWED or DENIED."
  outcome: String!
  "When allowed: SELF, GUARDIAN, CARE_RELATION, CONSENT, EMERGENCY, PROFESSIONAL_ROLE (a professional's lookup or reading basic data), or FAMILY_RELATION (name and code read as a relative of a person the reader may read)."
  basis: String
  "When denied: the reason class."
  reason: String
  emergency: Boolean!
  emergencyReason: String
  "For an allowed LOOKUP: FOUND (answered with the person; also when a source that might know them could not be read) or NOT_FOUND."
  lookupResult: String
}

"A client or patient of the region, identified by the personal identity code. Basic data and relatives come from VTJ, the population register (the master), without reading any record; the record lists merge every instance holding the person's records. Every field is decided by the access policy and audited before it leaves."
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
  hetu: ID!
  surname: String
  firstNames: String
  "The relative as a customer: every field decided as that person's own data."
  customer: Customer!
}

${refTypes}

"The person index's state of one source instance. No personal data."
type SourceIndexStatus {
  instance: String!
  "building, ready or failing."
  state: String!
  "True once a full listing of the source has completed."
  built: Boolean!
  persons: Int!
  lastSuccessfulPoll: DateTime
  lastChangeSeen: DateTime
  "Seconds since the last successful poll; null before the first."
  lagSeconds: Int
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
  ASC
  DESC
}

type Customer @key(fields: "hetu") {
  hetu: ID!
  vtjFacts: VtjFacts @external
  vtjDependants: [Customer!]! @external
  regionMissingSources: [MissingSource!]! @external
  recordHolders: [String!]! @external
${externalRefs}
  "Appointments in every instance of the region, by start time (ascending unless order: DESC). from: inclusive, to: exclusive; upcoming: starting now or later."
  appointments(from: DateTime, to: DateTime, upcoming: Boolean, status: [AppointmentStatus!], careArea: [CareArea!], order: SortOrder = ASC, first: Int): [Appointment!]! ${req('appointments')}${deprecated('appointments')}
  "Social care customerships, by start date. open: only those without an end date (true) or only ended ones (false)."
  customerships(serviceTask: [ServiceTask!], open: Boolean): [Customership!]! ${req('customerships')}${deprecated('customerships')}
  "Social care decisions, by decision date."
  decisions: [Decision!]! ${req('decisions')}${deprecated('decisions')}
  "Plans, by start date."
  plans(careArea: [CareArea!]): [Plan!]! ${req('plans')}${deprecated('plans')}
  "Client fees, by date; year: only that calendar year."
  fees(year: Int, status: [FeeStatus!]): [Fee!]! ${req('fees')}${deprecated('fees')}
  "Consents and prohibitions, by the date given. inForce: only those not withdrawn (true) or only withdrawn ones (false)."
  consents(inForce: Boolean): [Consent!]! ${req('consents')}${deprecated('consents')}
${customerConnectionFields(req)}
  "The region-wide client fee ceiling status of a calendar year (region.md), including fees of minors this customer is the first guardian of."
  feeCeiling(year: Int!): FeeCeilingStatus @requires(fields: ${JSON.stringify(ceiling)})
  "Sources (instances, VTJ, the person index, subgraphs) that could not be read for this answer: where the person may have records not shown."
  missingSources: [MissingSource!] ${req('missingSources')}
}

"Client fee ceiling (asiakasmaksukatto) of one person and year, summed across every source of the region."
type FeeCeilingStatus {
  year: Int!
  ceilingCents: Int!
  "Sum of the accruing, non-voided fees counted towards this ceiling."
  accruedCents: Int!
  reached: Boolean!
  "Date of the fee with which the running sum (fees in date order) first reached the ceiling."
  reachedOn: Date
  "Accruing fees dated after the day the ceiling was reached: the client should not have had to pay them."
  feesAfterCeiling: [Fee!]!
  "Every fee counted, in date order, with whose it is and the running sum."
  countedFees: [CeilingFee!]!${deprecated('countedFees')}
${COUNTED_FEES_CONNECTION_FIELD}
  "Minors whose fees this ceiling includes (this customer is the first guardian VTJ lists for them)."
  includesDependants: [Customer!]!
  "When this customer is a minor: the guardian whose ceiling counts the fees dated while a minor."
  minorFeesCountTowards: Customer
  "Sources that could not be read: the sums may be too low while any is missing."
  missingSources: [MissingSource!]!
  "True when every source of this customer (and of the dependants counted) was read."
  complete: Boolean!
}

"A fee counted towards a fee ceiling."
type CeilingFee {
  fee: Fee!
  "Whose fee it is: the customer or one of the dependants."
  customer: Customer!
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
