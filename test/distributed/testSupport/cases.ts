/**
 * The cases the distributed tests ask both the distributed run and the
 * one-process region: the e2e query texts (test/e2e/testSupport/queries.ts),
 * each as the user the e2e tests ask it as (a citizen reads their own data).
 */
import type { Identity } from '../../../contract/identity.ts';
import { HETU } from '../../e2e/testSupport/fixtures.ts';
import {
  APPOINTMENT_FILTERS_QUERY,
  CEILING_QUERY,
  CUSTOMER_QUERY,
  MY_DATA_READS_QUERY,
  PERSONAL,
  PUBLIC_AND_PERSONAL_QUERY,
  aliasedClientsQuery,
  customerFieldsQuery,
  lookupQuery,
} from '../../e2e/testSupport/queries.ts';

/** A citizen signed in as the person with this code. */
export const citizen = (hetu: string): Identity => ({ kind: 'citizen', sub: `distributed-${hetu}`, hetu });
/** A physician with no care relation to the e2e persons. */
export const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'distributed-physician',
  name: 'Distributed Physician',
  profession: 'PHYSICIAN',
  units: [],
  careAreas: ['PRIMARY_HEALTH', 'ORAL_HEALTH', 'SOCIAL'],
  serviceTasks: [],
  municipality: '638',
};

export interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Who asks; undefined: anonymous. */
  readonly as: Identity | undefined;
}

/** The e2e query texts, each as the user the e2e tests ask it as (a citizen reads their own data). */
export const CASES: readonly Case[] = [
  ...(['moved', 'lapinjarvi', 'loviisa', 'myrskyla', 'pukkila', 'ceiling', 'guardian1', 'askola', 'wanderer', 'unknown'] as const).map(
    (who): Case => ({ name: `customer: ${who}`, query: CUSTOMER_QUERY, variables: { hetu: HETU[who] }, as: citizen(HETU[who]) }),
  ),
  { name: 'appointment filters', query: APPOINTMENT_FILTERS_QUERY, variables: { hetu: HETU.moved }, as: citizen(HETU.moved) },
  {
    name: 'fee ceiling across municipalities',
    query: CEILING_QUERY,
    variables: { hetu: HETU.ceiling, year: 2026 },
    as: citizen(HETU.ceiling),
  },
  {
    name: "fee ceiling with a minor's fees",
    query: CEILING_QUERY,
    variables: { hetu: HETU.guardian1, year: 2026 },
    as: citizen(HETU.guardian1),
  },
  { name: 'every data group, own', query: customerFieldsQuery(PERSONAL), variables: { h: HETU.wanderer }, as: citizen(HETU.wanderer) },
  {
    name: "every data group, another adult's",
    query: customerFieldsQuery(PERSONAL),
    variables: { h: HETU.moved },
    as: citizen(HETU.loviisa),
  },
  { name: 'anonymous, public and personal fields', query: PUBLIC_AND_PERSONAL_QUERY, variables: { h: HETU.moved }, as: undefined },
  { name: 'a physician without a care relation', query: customerFieldsQuery(PERSONAL), variables: { h: HETU.moved }, as: PHYSICIAN },
  { name: 'a lookup by code', query: lookupQuery(HETU.myrskyla), variables: {}, as: PHYSICIAN },
  {
    name: 'an aliased query over several clients',
    query: aliasedClientsQuery([HETU.moved, HETU.askola, HETU.unknown]),
    variables: {},
    as: PHYSICIAN,
  },
  { name: 'who read my data', query: MY_DATA_READS_QUERY, variables: {}, as: citizen(HETU.wanderer) },
];

/** Keys whose values differ between two runs by nature (a request's own id). */
export const RUN_OWN_KEYS = new Set(['requestId', 'traceId']);

interface ErrorLike {
  readonly path?: readonly unknown[];
  readonly extensions?: { readonly code?: unknown };
}

/**
 * The answer as JSON text with what legitimately differs between two runs
 * left out or put in order: request ids; the order of `errors`, which
 * follows the order in which parallel subgraph fetches ended (sorted by path
 * and code); the moment a FHIR bundle was made (`timestamp`).
 */
export function normalise(body: string): string {
  return JSON.stringify(JSON.parse(body), (key, value: unknown) => {
    if (RUN_OWN_KEYS.has(key)) return undefined;
    if (key === 'errors' && Array.isArray(value)) {
      const order = (e: ErrorLike): string => `${JSON.stringify(e.path ?? [])} ${String(e.extensions?.code ?? '')}`;
      return [...(value as ErrorLike[])].sort((a, b) => order(a).localeCompare(order(b)));
    }
    if (typeof value === 'string' && value.startsWith('{"resourceType":"Bundle"')) {
      const bundle = JSON.parse(value) as Record<string, unknown>;
      delete bundle.timestamp;
      return JSON.stringify(bundle);
    }
    return value;
  });
}
