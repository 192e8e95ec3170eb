/**
 * The SDL of the analysts' statistics in the region subgraph (Federation 2:
 * value types only, no keys). Needs the region SDL's `DateTime` scalar and
 * `Municipality` type, and the `CareArea` and `ServiceTask` enums
 * (`statisticsEnumsSdl`, identical to the municipality subgraphs' ones).
 */
import { ENUMS, enumSdl } from './model.ts';

/** `CareArea` and `ServiceTask` exactly as schema/sdl.ts writes them in the other subgraphs (composition wants them identical). */
export const statisticsEnumsSdl = ENUMS.filter((e) => e.name === 'CareArea' || e.name === 'ServiceTask')
  .map(enumSdl)
  .join('\n\n');

/** The field on Query (for a builder that writes Query in one piece). */
export const statisticsQueryField = `  "Aggregate counts for analysts (only analysts may ask: others get FORBIDDEN). Filters pick cells of each list that has the dimension; a list without it is not filtered by it. STATISTICS_NOT_READY until the first count completes."
  statistics(
    "Only this municipality's cells."
    municipality: MunicipalityCode
    "Only this care area's cells (clients, appointments)."
    careArea: CareArea
    "Only this service task's cells (customerships)."
    serviceTask: ServiceTask
    "Only months from this one (inclusive; appointments by Helsinki month)."
    fromMonth: YearMonth
    "Only months up to this one (inclusive); not before fromMonth, else BAD_USER_INPUT."
    toMonth: YearMonth
  ): RegionStatistics!`;

/** Every count cell's municipality field. */
const MUNICIPALITY_FIELD = `"The municipality the records belong to."
  municipality: Municipality!`;

/** Every count cell's count and suppression flag. */
const COUNT_FIELDS = `"The count; null when suppressed."
  count: Int
  "True when the count is withheld: below 5 (it could point at persons), or one that would reveal a withheld count (secondary suppression)."
  suppressed: Boolean!`;

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
  "The source system instance, e.g. effica-porvoo."
  instance: String!
  "Every change this source made before this instant is counted; null: not counted yet."
  currentAsOf: DateTime
  "Seconds from currentAsOf to now; null: not counted yet."
  lagSeconds: Int
}

"A source the statistics lack, and why."
type StatisticsUnavailableSource {
  "The source system instance, e.g. effica-porvoo."
  instance: String!
  "Why: it could not be read (SOURCE_UNAVAILABLE, …), is not configured (NOT_CONFIGURED) or not yet listed by the person index (NOT_INDEXED)."
  code: MissingSourceCode!
}

"Distinct clients of one care area in one municipality."
type ClientCount {
  ${MUNICIPALITY_FIELD}
  "The care area."
  careArea: CareArea!
  ${COUNT_FIELDS}
}

"Customerships of one service task (or all together) in one municipality."
type CustomershipCount {
  ${MUNICIPALITY_FIELD}
  "Null: every service task together."
  serviceTask: ServiceTask
  ${COUNT_FIELDS}
}

"Appointments of one care area (or both together) in one municipality and month."
type AppointmentCount {
  ${MUNICIPALITY_FIELD}
  "PRIMARY_HEALTH or ORAL_HEALTH; null: both together."
  careArea: CareArea
  "The month of the appointments' start, Helsinki time."
  month: YearMonth!
  ${COUNT_FIELDS}
}

"Clients with services in several care areas in one municipality."
type MultiAreaClientCount {
  ${MUNICIPALITY_FIELD}
  "In how many care areas the clients have services: 2 or 3."
  careAreas: Int!
  ${COUNT_FIELDS}
}`;

/** Types plus `extend type Query { statistics }`: append to the region SDL (with statisticsEnumsSdl if it has no enums). */
export const statisticsSdl = `${statisticsTypesSdl}

extend type Query {
${statisticsQueryField}
}`;
