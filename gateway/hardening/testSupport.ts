/**
 * Test helpers for the hardening suites: a gateway over two tiny in-process
 * subgraphs that count every request they receive, so a test can show a
 * refused request called none.
 */
import type { FastifyInstance } from 'fastify';
import { createGateway } from '../server.ts';
import { captureLogger, composeSupergraph, startTestSubgraph } from '../testSupport.ts';
import type { TestSubgraph } from '../testSupport.ts';
import type { HardeningLimits } from './limits.ts';

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';

/** A message with internals a subgraph might leak: an address, a URL, a stack frame. */
export const LEAKY_MESSAGE =
  'connect ECONNREFUSED 10.20.30.40:5432 for http://people.internal:4001/graphql\n    at Socket.onConnect (/srv/app/pg.js:12:7)';

type Resolvers = Parameters<typeof startTestSubgraph>[2];

/** Two subgraphs: `people` (Query.person, friends, a few argument types, a mutation, a failing field) and `visits` (Person.visits). */
export async function startCountingSubgraphs(): Promise<TestSubgraph[]> {
  const person = (id: string) => ({ id, name: `Person ${id}` });
  const people = startTestSubgraph(
    'people',
    `${FED}
type Query {
  person(id: ID!): Person
  count(n: Int!): Int
  color(c: Color!): Color
  echo(text: String!): String
  boom: String
}
enum Color { RED GREEN }
type Mutation {
  touch(id: ID!): Boolean
}
type Person @key(fields: "id") {
  id: ID!
  name: String!
  friends: [Person!]!
}`,
    {
      Query: {
        person: (_: unknown, { id }: { id: string }) => person(id),
        count: (_: unknown, { n }: { n: number }) => n,
        color: (_: unknown, { c }: { c: string }) => c,
        echo: (_: unknown, { text }: { text: string }) => text,
        boom: () => {
          throw new Error(LEAKY_MESSAGE);
        },
      },
      Mutation: { touch: () => true },
      Person: {
        __resolveReference: (ref: { id: string }) => person(ref.id),
        friends: (p: { id: string }) => [person(`${p.id}f`)],
      },
    } as unknown as Resolvers,
  );
  const visits = startTestSubgraph(
    'visits',
    `${FED}
type Person @key(fields: "id") {
  id: ID!
  visits: [Visit!]!
}
type Visit {
  start: String!
  unit: String!
}`,
    {
      Person: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        visits: () => [{ start: '2025-10-26T03:30:00+02:00', unit: 'Porvoon terveysasema' }],
      },
    } as unknown as Resolvers,
  );
  return Promise.all([people, visits]);
}

/** A gateway over the subgraphs, with its log lines. */
export async function startHardenedGateway(
  subgraphs: readonly TestSubgraph[],
  options: { production?: boolean; hardening?: Partial<HardeningLimits> } = {},
): Promise<{ app: FastifyInstance; logLines: string[] }> {
  const { logger, lines } = captureLogger();
  const app = await createGateway({
    supergraphSdl: composeSupergraph(subgraphs),
    logger,
    ...(options.production !== undefined ? { production: options.production } : {}),
    ...(options.hardening ? { hardening: options.hardening } : {}),
  });
  return { app, logLines: lines };
}

/** Requests the subgraphs have received so far, all together. */
export function subgraphCalls(subgraphs: readonly TestSubgraph[]): number {
  return subgraphs.reduce((n, s) => n + s.requests.length, 0);
}
