/**
 * The SDL of `me` (the signed-in caller, issue 15): `viewerSdl` goes into the
 * region subgraph (its `queryFields` into `type Query`, its `types` after the
 * region's own types), `viewerListsSdl` into the lists subgraph, which
 * resolves `UnitAppointment.appointment` from the customer's records through
 * @requires, through the access policy and the audit log, as
 * `Customer.appointments`. Needs the region SDL's `DateTime`, `JSON`,
 * `PageInfo`, `DataReadConnection`, `Customer` and `Unit`.
 */

/** The field on Query. */
const queryFields = `  "The signed-in caller: who they are to the region and the entry points of their role (a citizen: their own data through customer; a professional: their units' appointments and their clients). Without a valid sign-in: an UNAUTHENTICATED error."
  me: Viewer!`;

const UNIT_APPOINTMENT_ID = "Stable opaque id (from the appointment's instance and local id), for client caches.";
const UNIT_APPOINTMENT_CUSTOMER =
  "The client: every field through the access policy as any customer's (the appointment's other data through appointment).";

const UNIT_APPOINTMENT_TYPE = JSON.stringify(
  "An appointment in one of the professional's units, as the unit index locates it: when, where and whose. The appointment's own data (status, professional, contact mode…) is read from its source through appointment.",
);

const types = `"The role the signed-in caller has in the region."
enum ViewerRole {
  "A resident signed in as themself: their own data and their minor dependants'."
  CITIZEN
  "A health or social care professional: their units' appointments and their clients' data where the access policy gives a care relation."
  PROFESSIONAL
  "An analyst: aggregate statistics only."
  ANALYST
}

"The signed-in caller and their entry points. Fields of another role are null or empty (customer, name, units) or a FORBIDDEN error with reason ROLE_NOT_PERMITTED (unitAppointments, clients, dataReads)."
type Viewer {
  "Stable opaque id of the signed-in subject (a hash: no identity code or name)."
  id: ID!
  "Citizen, professional or analyst."
  role: ViewerRole!
  "Citizens: themself as a customer (then dependants, feeCeiling, appointments…); null for other roles."
  customer: Customer
  "Professionals: their name as the sign-in gives it; null for other roles."
  name: String
  "Professionals: the units they work in (OID, with the organisation register's Finnish and Swedish names where it knows the unit); empty for other roles."
  units: [Unit!]!
  "Professionals only: appointments in their units starting in [from, to), by start time then id, from the unit index (who has an appointment where and when, kept current from the sources). Each appointment itself is read from its source through the access policy and audited. A window longer than 31 days, or to not after from: BAD_USER_INPUT. Other roles: FORBIDDEN ROLE_NOT_PERMITTED."
  unitAppointments(
    "Start of the window, inclusive."
    from: DateTime!
    "End of the window, exclusive; at most 31 days after from."
    to: DateTime!
    "Page size, 1 to 100."
    first: Int = 20
    "The endCursor of the previous page."
    after: String
  ): UnitAppointmentConnection!
  "Professionals only: distinct persons with an open customership in their units or of their own team (their municipality and one of their service tasks) that gives them a care relation under the access policy, in a stable order (not alphabetical). Each person listed is audited as a read of the record index. Other roles: FORBIDDEN ROLE_NOT_PERMITTED."
  clients(
    "Page size, 1 to 100."
    first: Int = 20
    "The endCursor of the previous page."
    after: String
  ): ClientConnection!
  "Citizens only: who has read or looked up my data, newest first (as Query.myDataReads). Other roles: FORBIDDEN ROLE_NOT_PERMITTED."
  dataReads(
    "Page size, 1 to 100."
    first: Int = 20
    "The endCursor of the previous page."
    after: String
    "Also my own reads."
    includeOwn: Boolean = false
  ): DataReadConnection!
  "Citizens only: the same page as a FHIR R4 Bundle (type searchset) of AuditEvent resources, as JSON; its link with relation next carries the cursor of the following page."
  dataReadsFhir(
    "Page size, 1 to 100."
    first: Int = 20
    "The endCursor of the previous page."
    after: String
    "Also my own reads."
    includeOwn: Boolean = false
  ): JSON!
}

"One page of a professional's unit appointments."
type UnitAppointmentConnection {
  "The appointments of this page."
  edges: [UnitAppointmentEdge!]!
  "Where the page ends and whether another follows."
  pageInfo: PageInfo!
  "Appointments in the window in every page together."
  totalCount: Int!
}

"One unit appointment with its opaque cursor."
type UnitAppointmentEdge {
  "Pass as after to continue after this appointment."
  cursor: String!
  "The appointment."
  node: UnitAppointment!
}

${UNIT_APPOINTMENT_TYPE}
type UnitAppointment @key(fields: "id") {
  ${JSON.stringify(UNIT_APPOINTMENT_ID)}
  id: ID!
  "Start time, as the source had it when last indexed."
  start: DateTime!
  "The professional's unit the appointment is in."
  unit: Unit!
  ${JSON.stringify(UNIT_APPOINTMENT_CUSTOMER)}
  customer: Customer!
}

"One page of a professional's clients."
type ClientConnection {
  "The clients of this page."
  edges: [ClientEdge!]!
  "Where the page ends and whether another follows."
  pageInfo: PageInfo!
  "Clients in every page together."
  totalCount: Int!
}

"One client with their opaque cursor (no identity code in it)."
type ClientEdge {
  "Pass as after to continue after this client."
  cursor: String!
  "The client: every field through the access policy."
  node: Customer!
}`;

/** The viewer's part of the region subgraph. */
export const viewerSdl: { readonly queryFields: string; readonly types: string } = { queryFields, types };

/**
 * The lists subgraph's part: `UnitAppointment.appointment` from the
 * customer's records, `requirement` being the Customer selection the
 * appointments need (schema/sdl.ts: recordsRequirement of the appointments' kinds).
 */
export function viewerListsSdl(requirement: string): string {
  return `${UNIT_APPOINTMENT_TYPE}
type UnitAppointment @key(fields: "id") {
  ${JSON.stringify(UNIT_APPOINTMENT_ID)}
  id: ID!
  ${JSON.stringify(UNIT_APPOINTMENT_CUSTOMER)}
  customer: Customer! @external
  "The appointment as its source has it now, through the access policy and audited as the customer's appointments are; null when the source no longer has it (the index had not caught up) or the policy denies it (then a FORBIDDEN error says why)."
  appointment: Appointment @requires(fields: ${JSON.stringify(`customer { hetu ${requirement} }`)})
}`;
}
