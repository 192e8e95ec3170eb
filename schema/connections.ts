/**
 * Relay cursor connections of the record lists (issue 15): the SDL of the
 * `{Item}Connection` / `{Item}Edge` types, the shared `PageInfo`, and the
 * paged fields the lists subgraph adds to `Customer` and `FeeCeilingStatus`
 * next to the old list fields (kept, deprecated: DEPRECATIONS). Kept apart
 * from sdl.ts, which inserts these strings where they belong.
 *
 * Each connection pages the list in its documented order, with the item's
 * stable id as the last component of the sort key, so a cursor names a
 * position that survives items added or removed before it
 * (subgraphs/server/connection.ts).
 */

/** `first` and `after`, with their descriptions: the same on every connection field. */
const PAGE_ARGS = `
    "How many items to return: 1 to 100."
    first: Int = 20
    "The endCursor (or an edge cursor) of a previous page: returns the items after it. A cursor not from a previous page of this list: BAD_USER_INPUT."
    after: String`;

/** `PageInfo`, identical in every subgraph defining it (region and lists: @shareable). */
export const PAGE_INFO_SDL = `"Where a page ends and whether another follows (Relay cursor paging)."
type PageInfo @shareable {
  "True when more items follow this page: ask again with after set to endCursor."
  hasNextPage: Boolean!
  "The cursor of the page's last edge; pass it as after for the next page. Null on an empty page."
  endCursor: String
}`;

/** The item types of the lists subgraph's connections, with the wording of their descriptions. */
const ITEMS: readonly { readonly type: string; readonly what: string }[] = [
  { type: 'Appointment', what: 'appointments' },
  { type: 'Customership', what: 'customerships' },
  { type: 'Decision', what: 'decisions' },
  { type: 'Plan', what: 'plans' },
  { type: 'Fee', what: 'client fees' },
  { type: 'Consent', what: 'consents and prohibitions' },
  { type: 'CeilingFee', what: 'fees counted towards a fee ceiling' },
];

function connectionTypes(type: string, what: string): string {
  return `"One page of ${what}, in the list's order."
type ${type}Connection {
  "The items of this page, each with its cursor."
  edges: [${type}Edge!]!
  "Where this page ends and whether another follows."
  pageInfo: PageInfo!
  "How many items the whole list has after its filters (every page, not just this one); records the access policy withholds are not counted."
  totalCount: Int!
}

"One item of a page of ${what}, with its opaque cursor."
type ${type}Edge {
  "The item's position in the list (opaque: its sort key and id, no personal data); pass it as after to resume after this item."
  cursor: String!
  "The item."
  node: ${type}!
}`;
}

/** The lists subgraph's connection types and PageInfo. */
export const CONNECTION_TYPES_SDL = [PAGE_INFO_SDL, ...ITEMS.map((i) => connectionTypes(i.type, i.what))].join('\n\n');

/** The list fields kept beside their connections, each deprecated in favour of it: `field` → `reason`. */
export const DEPRECATIONS = {
  appointments: 'Use appointmentsConnection: paged, with cursors.',
  customerships: 'Use customershipsConnection: paged, with cursors.',
  decisions: 'Use decisionsConnection: paged, with cursors.',
  plans: 'Use plansConnection: paged, with cursors.',
  fees: 'Use feesConnection: paged, with cursors.',
  consents: 'Use consentsConnection: paged, with cursors.',
  countedFees: 'Use countedFeesConnection: paged, with cursors.',
} as const;

/** ` @deprecated(reason: "…")` for an old list field. */
export function deprecated(field: keyof typeof DEPRECATIONS): string {
  return ` @deprecated(reason: ${JSON.stringify(DEPRECATIONS[field])})`;
}

/** Which @requires each Customer connection field takes: that of the old list field of the same kind. */
export type ConnectionRequires = (field: 'appointments' | 'customerships' | 'decisions' | 'plans' | 'fees' | 'consents') => string;

const FILTERED_NOTE = 'Records the access policy withholds are left out, each reason reported once as a FORBIDDEN error at this field.';

/** The paged record lists of `Customer` in the lists subgraph; `req` gives each one's @requires directive. */
export function customerConnectionFields(req: ConnectionRequires): string {
  return `  "Appointments in every instance of the region, paged: ordered by start instant (ascending unless order: DESC), ties by id. ${FILTERED_NOTE}"
  appointmentsConnection(
    "Only appointments starting at or after this instant (inclusive)."
    from: DateTime
    "Only appointments starting before this instant (exclusive)."
    to: DateTime
    "True: only appointments starting now or later."
    upcoming: Boolean
    "Only these statuses."
    status: [AppointmentStatus!]
    "Only these care areas."
    careArea: [CareArea!]
    "By start instant ascending (ASC, the default) or descending (DESC)."
    order: SortOrder = ASC${PAGE_ARGS}
  ): AppointmentConnection! ${req('appointments')}
  "Social care customerships, paged: ordered by start date, ties by id. ${FILTERED_NOTE}"
  customershipsConnection(
    "Only customerships of these service tasks."
    serviceTask: [ServiceTask!]
    "True: only those without an end date; false: only ended ones."
    open: Boolean${PAGE_ARGS}
  ): CustomershipConnection! ${req('customerships')}
  "Social care decisions, paged: ordered by decision date, ties by id. ${FILTERED_NOTE}"
  decisionsConnection(${PAGE_ARGS}
  ): DecisionConnection! ${req('decisions')}
  "Plans, paged: ordered by start date, ties by id. ${FILTERED_NOTE}"
  plansConnection(
    "Only plans of these care areas."
    careArea: [CareArea!]${PAGE_ARGS}
  ): PlanConnection! ${req('plans')}
  "Client fees, paged: ordered by date, ties by id. ${FILTERED_NOTE}"
  feesConnection(
    "Only fees dated in this calendar year."
    year: Int
    "Only these statuses."
    status: [FeeStatus!]${PAGE_ARGS}
  ): FeeConnection! ${req('fees')}
  "Consents and prohibitions, paged: ordered by the date given, ties by id. ${FILTERED_NOTE}"
  consentsConnection(
    "True: only those not withdrawn; false: only withdrawn ones."
    inForce: Boolean${PAGE_ARGS}
  ): ConsentConnection! ${req('consents')}`;
}

/** The paged counted fees of `FeeCeilingStatus`. */
export const COUNTED_FEES_CONNECTION_FIELD = `  "Every fee counted, paged, in the order the running sum adds them (by date), with whose it is and the running sum."
  countedFeesConnection(${PAGE_ARGS}
  ): CeilingFeeConnection!`;
