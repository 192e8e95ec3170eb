/**
 * The engine scenario's three plain Federation 2 subgraphs (type definitions,
 * deterministic in-memory data, resolvers) and its query. Shared by the
 * subgraphs process (subgraphs.ts), the composition (supergraph.ts), the
 * plain-answer baseline and the scenario's answer check.
 */

/** The subgraphs' names, in the order they listen (people, appointments, customerships). */
export const ENGINE_SUBGRAPHS = ['people', 'appointments', 'customerships'] as const;
export type EngineSubgraph = (typeof ENGINE_SUBGRAPHS)[number];

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** Each subgraph's SDL. */
export const ENGINE_TYPE_DEFS: Readonly<Record<EngineSubgraph, string>> = {
  people: `${LINK}
type Query { person(id: ID!): Person }
type Person @key(fields: "id") { id: ID! name: String! municipality: String! }
`,
  appointments: `${LINK}
type Person @key(fields: "id") { id: ID! appointments: [Appointment!]! }
type Appointment { id: ID! start: String! unit: String! }
`,
  customerships: `${LINK}
type Person @key(fields: "id") { id: ID! customerships: [Customership!]! }
type Customership { id: ID! service: String! startDate: String! }
`,
};

/** The federated query of the issue: one person across all three subgraphs. */
export const ENGINE_QUERY =
  'query Person($id: ID!) { person(id: $id) { id name municipality appointments { id start unit } customerships { id service startDate } } }';

/** The direct baseline's query: the same person from the people subgraph alone. */
export const DIRECT_QUERY = 'query Person($id: ID!) { person(id: $id) { id name municipality } }';

/** How many persons exist; the load cycles through BENCH_IDS so no answer is one cached entry. */
export const PERSON_COUNT = 100;
export const BENCH_IDS: readonly string[] = Array.from({ length: 10 }, (_, i) => String(1 + i * 7));

const NAMES = ['Aino Virtanen', 'Eero Korhonen', 'Helmi Mäkinen', 'Väinö Nieminen', 'Ilona Hämäläinen', 'Oskar Lindqvist'];
const MUNICIPALITIES = ['Porvoo', 'Loviisa', 'Sipoo', 'Pornainen', 'Askola', 'Myrskylä', 'Pukkila', 'Lapinjärvi'];
const UNITS = ['Porvoon terveysasema', 'Loviisan terveysasema', 'Sipoon hammashoitola', 'Askolan terveysasema'];
const SERVICES = ['Kotihoito', 'Aikuissosiaalityö', 'Vammaispalvelut', 'Omaishoidon tuki'];

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly municipality: string;
}
export interface Appointment {
  readonly id: string;
  readonly start: string;
  readonly unit: string;
}
export interface Customership {
  readonly id: string;
  readonly service: string;
  readonly startDate: string;
}

/** Person `id` (1…PERSON_COUNT), or undefined. */
export function person(id: string): Person | undefined {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1 || n > PERSON_COUNT) return undefined;
  return { id, name: NAMES[n % NAMES.length]!, municipality: MUNICIPALITIES[n % MUNICIPALITIES.length]! };
}

/** A few deterministic appointments of person `id` (1–3). */
export function appointments(id: string): Appointment[] {
  const n = Number(id);
  return Array.from({ length: 1 + (n % 3) }, (_, i) => ({
    id: `a-${id}-${i}`,
    start: `2026-${String(1 + ((n + i) % 12)).padStart(2, '0')}-${String(1 + ((n * 3 + i) % 28)).padStart(2, '0')}T0${(n + i) % 10}:30:00Z`,
    unit: UNITS[(n + i) % UNITS.length]!,
  }));
}

/** A few deterministic customerships of person `id` (1–2). */
export function customerships(id: string): Customership[] {
  const n = Number(id);
  return Array.from({ length: 1 + (n % 2) }, (_, i) => ({
    id: `c-${id}-${i}`,
    service: SERVICES[(n + i) % SERVICES.length]!,
    startDate: `20${String(10 + ((n + i) % 15))}-0${1 + (i % 9)}-15`,
  }));
}

/** The `data` of ENGINE_QUERY for person `id`, as every gateway must answer it. */
export function expectedData(id: string): unknown {
  const p = person(id);
  return { person: p ? { ...p, appointments: appointments(id), customerships: customerships(id) } : null };
}

/** The `data` of DIRECT_QUERY for person `id`. */
export function expectedDirectData(id: string): unknown {
  return { person: person(id) ?? null };
}

type Representation = { __typename: string; id: string };

/** Resolvers of each subgraph (for buildSubgraphSchema). */
export const ENGINE_RESOLVERS: Readonly<Record<EngineSubgraph, object>> = {
  people: {
    Query: { person: (_: unknown, args: { id: string }) => person(args.id) ?? null },
    Person: { __resolveReference: (ref: Representation) => person(ref.id) ?? null },
  },
  appointments: {
    Person: {
      __resolveReference: (ref: Representation) => ({ id: ref.id }),
      appointments: (p: { id: string }) => appointments(p.id),
    },
  },
  customerships: {
    Person: {
      __resolveReference: (ref: Representation) => ({ id: ref.id }),
      customerships: (p: { id: string }) => customerships(p.id),
    },
  },
};
