/**
 * SDL builders for the three kinds of subgraph: `region`, `lists` and one per
 * municipality (×7). All are generated from the municipality list
 * (municipalities.ts) and the field lists (model.ts).
 *
 * Routing by data (README): the region subgraph returns, per customer, one
 * `{Municipality}Records` reference per municipality whose instances hold the
 * person's records; the gateway calls a municipality subgraph only when it
 * has representations for it. The lists subgraph merges those records with
 * `@requires`.
 */
import { statisticsEnumsSdl, statisticsQueryField, statisticsTypesSdl } from './statistics.ts';
import { SCHEMA_MUNICIPALITIES } from './municipalities.ts';
import type { SchemaMunicipality } from './municipalities.ts';
import { ENUMS, RECORD_LISTS, SCALARS, VALUE_TYPES, baseType, selectAll } from './model.ts';
import type { FieldDef } from './model.ts';

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

/** Value types only the planner reads (raw VTJ data for the lists subgraph's @requires); never served to clients. */
const INACCESSIBLE_TYPES: readonly string[] = ['VtjData'];

/** Scalars, enums and @shareable value types, identical in every subgraph that has them. */
function sharedTypes(valueTypes: readonly string[], withEnums: boolean): string {
  const parts: string[] = SCALARS.map((s) => `${desc(s.description)}scalar ${s.name}`);
  if (withEnums) parts.push(...ENUMS.map((e) => `${desc(e.description)}enum ${e.name} {\n${e.values.map((v) => `  ${v}`).join('\n')}\n}`));
  parts.push(
    ...closure(valueTypes).map(
      (t) => `type ${t} @shareable${INACCESSIBLE_TYPES.includes(t) ? ' @inaccessible' : ''} {\n${fieldLines(VALUE_TYPES[t]!)}\n}`,
    ),
  );
  return parts.join('\n\n');
}

const LIST_DESCRIPTIONS: Record<string, string> = {
  appointments: 'Health and oral health appointments.',
  customerships: 'Social care customerships.',
  decisions: 'Social care decisions.',
  plans: 'Care, rehabilitation, client and service plans.',
  fees: 'Client fees.',
  consents: 'Consents and prohibitions.',
};

const MISSING_DESCRIPTION = 'Sources that could not be read for this answer (never a silent gap).';

/** The records type fields a municipality subgraph owns: one list per item type, plus missingSources. */
function recordsFields(suffix: string): string {
  const lists: FieldDef[] = RECORD_LISTS.map((l) => ({ name: l.field, type: `[${l.type}!]!`, description: LIST_DESCRIPTIONS[l.field] }));
  lists.push({ name: 'missingSources', type: '[MissingSource!]!', description: MISSING_DESCRIPTION });
  return fieldLines(lists, suffix);
}

/** One description for a records type, the same in every subgraph that defines it. */
function recordsDescription(m: SchemaMunicipality): string {
  return JSON.stringify(`${m.nameFi} (${m.nameSv}, ${m.code}): a person's records in the instances serving the municipality.`);
}

const RECORDS_ID = 'Opaque reference: the person, the municipality and the instances holding their records.';

/** A municipality subgraph: its own `{Name}Records` entity with the canonical lists of its instances. */
export function municipalitySubgraphSdl(m: SchemaMunicipality): string {
  // Every record field is @inaccessible: only the planner reads them, for the lists subgraph (the
  // access point), which applies the access policy before anything reaches a client.
  return `${link(['@key', '@shareable', '@inaccessible'])}

${sharedTypes([...RECORD_LISTS.map((l) => l.type), 'MissingSource'], true)}

${recordsDescription(m)}
type ${m.typeName} @key(fields: "id") {
${desc(RECORDS_ID, '  ')}  id: ID!
${recordsFields(' @inaccessible')}
}
`;
}

/** The analysts' statistics in the region subgraph: `queryFields` go into `type Query`, `types` after the region's own types. */
export const STATISTICS_SDL: { readonly queryFields: string; readonly types: string } = {
  queryFields: statisticsQueryField,
  types: `${statisticsEnumsSdl}\n\n${statisticsTypesSdl}`,
};

/**
 * The region subgraph: Customer with the raw VTJ data and the per-municipality
 * references (both @inaccessible: only the planner reads them, for the lists
 * subgraph), municipalities, index status, emergency access and the
 * citizen's own read log.
 */
export function regionSubgraphSdl(statistics: { readonly queryFields: string; readonly types: string } = STATISTICS_SDL): string {
  const refs = SCHEMA_MUNICIPALITIES.map(
    (m) => `${recordsDescription(m)}
type ${m.typeName} implements CustomerRecords @key(fields: "id") {
  id: ID!
  municipality: Municipality!
}`,
  ).join('\n\n');
  return `${link(['@key', '@shareable', '@inaccessible'])}

${sharedTypes(['Municipality', 'MissingSource', 'VtjData'], false)}

type Query {
  "A customer by identity code. Null when neither VTJ nor any source knows the person; a malformed code is a BAD_USER_INPUT error. Requires a sign-in: a citizen may ask for themself or a minor they are a VTJ guardian of (else FORBIDDEN NOT_OWN_DATA); analysts get FORBIDDEN AGGREGATES_ONLY. A professional's lookup is written to the audit log (LOOKUP, FOUND or NOT_FOUND) before the answer leaves; if it cannot be, FORBIDDEN AUDIT_UNAVAILABLE."
  customer(hetu: ID!): Customer
  "The region's municipalities."
  municipalities: [Municipality!]!
  "The person index's state and lag behind each source."
  sourceStatus: [SourceIndexStatus!]!
  "Citizens: who has read or looked up my data, when, which data groups, on what basis and with what outcome (Client Data Act 703/2023, §11), newest first. first: 1 to 100; after: the endCursor of the previous page; includeOwn: also my own reads. Out-of-range first or a cursor not from a previous page: BAD_USER_INPUT."
  myDataReads(first: Int = 20, after: String, includeOwn: Boolean = false): DataReadConnection!
  "Citizens: the same page as a FHIR R4 Bundle (type searchset) of AuditEvent resources, as JSON text; its link with relation next carries the cursor of the following page."
  myDataReadsFhir(first: Int = 20, after: String, includeOwn: Boolean = false): String!${statistics.queryFields ? `\n${statistics.queryFields}` : ''}
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

"Where a page ends and whether another follows (Relay cursor paging)."
type PageInfo @shareable {
  hasNextPage: Boolean!
  "The cursor of the page's last edge; pass it as after for the next page. Null on an empty page."
  endCursor: String
}

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
  "When allowed: SELF, GUARDIAN, CARE_RELATION, CONSENT, EMERGENCY, or PROFESSIONAL_ROLE (a professional's lookup)."
  basis: String
  "When denied: the reason class."
  reason: String
  emergency: Boolean!
  emergencyReason: String
  "For an allowed LOOKUP: FOUND (answered with the person; also when a source that might know them could not be read) or NOT_FOUND."
  lookupResult: String
}

"A client or patient of the region, identified by the personal identity code. Basic data comes from VTJ, the population register (the master); the personal fields are served by the lists subgraph, which applies the access policy."
type Customer @key(fields: "hetu") {
  "Personal identity code (henkilötunnus)."
  hetu: ID!
  "VTJ's basic data; null when VTJ does not know the person or could not be read."
  vtj: VtjData @inaccessible
  "The persons this customer is a guardian of, as references (for the fee ceiling's requirements)."
  vtjDependants: [Customer!]! @inaccessible
  "One reference per municipality whose instances hold this person's records (from the person index)."
  sources: [CustomerRecords!]! @inaccessible
  "Region-level sources (VTJ, the person index) that could not be read for this answer; feeds Customer.missingSources."
  regionMissingSources: [MissingSource!]! @inaccessible
}

"A person's records in one municipality's instances."
interface CustomerRecords {
  id: ID!
  municipality: Municipality!
}

${refs}

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
${statistics.types ? `\n${statistics.types}\n` : ''}`;
}

/** `sources { __typename id ... on PorvooRecords { <field> { … } } … }` for @requires. */
export function sourcesSelection(fields: readonly string[]): string {
  const inner = fields
    .map((f) => {
      const list = RECORD_LISTS.find((l) => l.field === f);
      return `${f} { ${selectAll(list ? list.type : 'MissingSource')} }`;
    })
    .join(' ');
  return `sources { __typename id ${SCHEMA_MUNICIPALITIES.map((m) => `... on ${m.typeName} { ${inner} }`).join(' ')} }`;
}

/** `vtj { … }`: every VTJ field, for @requires. */
export function vtjSelection(): string {
  return `vtj { ${selectAll('VtjData')} }`;
}

/**
 * The lists subgraph, the access point: every client-facing personal field of
 * Customer (VTJ's basic data and contact details, the region-wide merged lists,
 * the fee ceiling, missing sources), through @requires on the raw VTJ data and
 * the records, so the policy can decide each field and record.
 */
export function listsSubgraphSdl(): string {
  // Every list requires the same selection (every list of every municipality), so the planner
  // merges them into ONE lists fetch after the municipality fetches; the municipality
  // subgraphs read whole persons from their sources anyway.
  const all = [...RECORD_LISTS.map((l) => l.field), 'missingSources'];
  const common = `${vtjSelection()} regionMissingSources { instance code } ${sourcesSelection(all)}`;
  const req = (): string => `@requires(fields: ${JSON.stringify(common)})`;
  const externalTypes = SCHEMA_MUNICIPALITIES.map(
    (m) => `type ${m.typeName} implements CustomerRecords @key(fields: "id", resolvable: false) {
  id: ID!
  municipality: Municipality! @external
${recordsFields(' @external')}
}`,
  ).join('\n\n');
  const ceilingDeps = `vtjDependants { hetu vtj { guardians turvakielto } regionMissingSources { instance code } ${sourcesSelection(['fees', 'missingSources'])} }`;
  return `${link(['@key', '@shareable', '@external', '@requires', '@inaccessible'])}

${sharedTypes([...RECORD_LISTS.map((l) => l.type), 'MissingSource', 'CustomerAddress', 'VtjData'], true)}

"Sort order of a list."
enum SortOrder {
  ASC
  DESC
}

type Customer @key(fields: "hetu") {
  hetu: ID!
  vtj: VtjData @external
  vtjDependants: [Customer!]! @external
  sources: [CustomerRecords!]! @external
  regionMissingSources: [MissingSource!]! @external
  "Birth date, from the identity code."
  birthDate: Date ${req()}
  "False when VTJ says the code has been retired; null when VTJ does not know it."
  hetuInForce: Boolean ${req()}
  surname: String ${req()}
  firstNames: String ${req()}
  "Address in Finnish and, where VTJ has one, Swedish. Under turvakielto only to the person and professionals with a care relation."
  address: CustomerAddress ${req()}
  "Municipality of residence (VTJ). Under turvakielto only to the person and professionals with a care relation."
  municipality: Municipality ${req()}
  "Mother tongue, ISO 639-1 (VTJ)."
  language: String ${req()}
  "Non-disclosure for personal safety (turvakielto)."
  turvakielto: Boolean ${req()}
  deathDate: Date ${req()}
  "Guardians, in the order VTJ lists them."
  guardians: [Customer!] ${req()}
  "Persons this customer is a guardian of."
  dependants: [Customer!] ${req()}
  "Appointments in every instance of the region, by start time (ascending unless order: DESC). from: inclusive, to: exclusive; upcoming: starting now or later."
  appointments(from: DateTime, to: DateTime, upcoming: Boolean, status: [AppointmentStatus!], careArea: [CareArea!], order: SortOrder = ASC, first: Int): [Appointment!]! ${req()}
  "Social care customerships, by start date. open: only those without an end date (true) or only ended ones (false)."
  customerships(serviceTask: [ServiceTask!], open: Boolean): [Customership!]! ${req()}
  "Social care decisions, by decision date."
  decisions: [Decision!]! ${req()}
  "Plans, by start date."
  plans(careArea: [CareArea!]): [Plan!]! ${req()}
  "Client fees, by date; year: only that calendar year."
  fees(year: Int, status: [FeeStatus!]): [Fee!]! ${req()}
  "Consents and prohibitions, by the date given. inForce: only those not withdrawn (true) or only withdrawn ones (false)."
  consents(inForce: Boolean): [Consent!]! ${req()}
  "The region-wide client fee ceiling status of a calendar year (region.md), including fees of minors this customer is the first guardian of."
  feeCeiling(year: Int!): FeeCeilingStatus @requires(fields: ${JSON.stringify(`${common} ${ceilingDeps}`)})
  "Sources (instances and VTJ) that could not be read for this answer."
  missingSources: [MissingSource!] ${req()}
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
  countedFees: [CeilingFee!]!
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

interface CustomerRecords {
  id: ID!
  municipality: Municipality!
}

${externalTypes}
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
