/**
 * The SDL of the analysts' statistics in the region subgraph (Federation 2:
 * value types only, no keys). Needs the region SDL's `DateTime` scalar and
 * `Municipality` type, and the `CareArea` and `ServiceTask` enums
 * (`statisticsEnumsSdl`, identical to the municipality subgraphs' ones).
 */
import { ENUMS } from './model.ts';

/** `CareArea` and `ServiceTask` exactly as schema/sdl.ts writes them in the other subgraphs (composition wants them identical). */
export const statisticsEnumsSdl = ENUMS.filter((e) => e.name === 'CareArea' || e.name === 'ServiceTask')
  .map((e) => `${JSON.stringify(e.description)}\nenum ${e.name} {\n${e.values.map((v) => `  ${v}`).join('\n')}\n}`)
  .join('\n\n');

/** The field on Query (for a builder that writes Query in one piece). */
export const statisticsQueryField = `  "Aggregate counts for analysts (only analysts may ask). Filters pick cells of each list that has the dimension; months are YYYY-MM, inclusive."
  statistics(municipality: String, careArea: CareArea, serviceTask: ServiceTask, fromMonth: String, toMonth: String): RegionStatistics!`;

/** The statistics types. */
export const statisticsTypesSdl = `"Aggregate counts kept current from the sources' change listings (no copies of records kept). Every count below 5 is withheld: count null, suppressed true."
type RegionStatistics {
  "True when every source could be read for these counts."
  complete: Boolean!
  "Sources the counts lack (wholly or partly): could not be read, not configured, or not yet indexed."
  unavailableSources: [StatisticsUnavailableSource!]!
  "When these counts were last updated."
  computedAt: DateTime!
  "How long the last full count over every indexed person took, in milliseconds (changes are applied between full counts)."
  refreshDurationMs: Int!
  "Every change the sources made before this instant is counted: the oldest of the sources' instants. Null while some source is not counted yet."
  currentAsOf: DateTime
  "Seconds from currentAsOf to now: how far the counts lag the sources. Null while some source is not counted yet."
  lagSeconds: Int
  "How current each source's part of the counts is."
  sources: [StatisticsSourceCurrency!]!
  "Distinct clients with a service (customership or appointment) in the care area, by the municipality the records belong to."
  clients: [ClientCount!]!
  "Customerships (open and closed) by service task; serviceTask null is every task together."
  customerships: [CustomershipCount!]!
  "Appointments (any status) by Helsinki month; careArea null is both health care areas together."
  appointments: [AppointmentCount!]!
  "Clients with services in several care areas (2 or 3) within the municipality."
  multiAreaClients: [MultiAreaClientCount!]!
}

"How current one source's part of the statistics is."
type StatisticsSourceCurrency {
  instance: String!
  "Every change this source made before this instant is counted; null: not counted yet."
  currentAsOf: DateTime
  "Seconds from currentAsOf to now; null: not counted yet."
  lagSeconds: Int
}

"A source the statistics lack, and why."
type StatisticsUnavailableSource {
  instance: String!
  "An adapter error code such as SOURCE_UNAVAILABLE, or NOT_CONFIGURED, NOT_INDEXED."
  code: String!
}

type ClientCount {
  municipality: Municipality!
  careArea: CareArea!
  "Null when suppressed."
  count: Int
  suppressed: Boolean!
}

type CustomershipCount {
  municipality: Municipality!
  "Null: every service task together."
  serviceTask: ServiceTask
  "Null when suppressed."
  count: Int
  suppressed: Boolean!
}

type AppointmentCount {
  municipality: Municipality!
  "PRIMARY_HEALTH or ORAL_HEALTH; null: both together."
  careArea: CareArea
  "YYYY-MM (Helsinki time)."
  month: String!
  "Null when suppressed."
  count: Int
  suppressed: Boolean!
}

type MultiAreaClientCount {
  municipality: Municipality!
  "In how many care areas the clients have services: 2 or 3."
  careAreas: Int!
  "Null when suppressed."
  count: Int
  suppressed: Boolean!
}`;

/** Types plus `extend type Query { statistics }`: append to the region SDL (with statisticsEnumsSdl if it has no enums). */
export const statisticsSdl = `${statisticsTypesSdl}

extend type Query {
${statisticsQueryField}
}`;
