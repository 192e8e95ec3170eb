/**
 * Test helpers: tiny in-process Federation 2 subgraphs (Fastify + mercurius +
 * @apollo/subgraph on port 0), a supergraph composed from them, and a pino
 * logger whose lines the test can read.
 */
import { Writable } from 'node:stream';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import Fastify from 'fastify';
import { GraphQLError, parse } from './graphql.ts';
import mercurius from 'mercurius';
import { pino } from 'pino';
import type { Logger } from 'pino';

/** The resolver map buildSubgraphSchema takes (not exported by name from @apollo/subgraph). */
type Resolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;

export interface TestSubgraph {
  readonly name: string;
  readonly typeDefs: string;
  readonly url: string;
  /** Requests received, with the request id header each carried. */
  readonly requests: { requestId: string | undefined }[];
  close(): Promise<void>;
}

/** Starts one subgraph on 127.0.0.1, a free port. */
export async function startTestSubgraph(name: string, typeDefs: string, resolvers: Resolvers): Promise<TestSubgraph> {
  const app = Fastify({ logger: false });
  const requests: { requestId: string | undefined }[] = [];
  app.addHook('onRequest', async (req) => {
    const id = req.headers['x-request-id'];
    requests.push({ requestId: typeof id === 'string' ? id : undefined });
  });
  await app.register(mercurius, { schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }), graphiql: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { name, typeDefs, url: `http://127.0.0.1:${port}/graphql`, requests, close: () => app.close() };
}

/** Composes the subgraphs into a supergraph SDL; throws with the composition errors. */
export function composeSupergraph(subgraphs: readonly Pick<TestSubgraph, 'name' | 'typeDefs' | 'url'>[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: s.url })));
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const app = Fastify({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  await app.close();
  return typeof address === 'object' && address ? address.port : 1;
}

/** A pino logger at trace level writing into `lines` (one JSON string each). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';

/** A fake identity code and a name: they must reach the client and never the logs. */
export const FAKE_HETU = '010150-999K';
export const FAKE_NAME = 'Maija Meikäläinen';

interface PersonRow {
  id: string;
  name: string;
}
const PEOPLE: Record<string, PersonRow> = {
  [FAKE_HETU]: { id: FAKE_HETU, name: FAKE_NAME },
  P2: { id: 'P2', name: 'Matti Virtanen' },
};

/**
 * Three subgraphs: `people` (Query.person, Person.name, a mutation),
 * `visits` (Person.visits) and `fees` (Person.fees; for person P2 it fails
 * like a municipality subgraph whose source is down: SOURCE_UNAVAILABLE
 * with the instance, the rest of the answer kept).
 */
export async function startTestRegion(): Promise<TestSubgraph[]> {
  const people = startTestSubgraph(
    'people',
    `${FED}
type Query {
  person(id: ID!): Person
}
type Mutation {
  touch(id: ID!): Boolean
}
type Person @key(fields: "id") {
  id: ID!
  name: String!
}`,
    {
      Query: {
        person: (_: unknown, { id }: { id: string }) => PEOPLE[id] ?? null,
      },
      Mutation: { touch: () => true },
      Person: { __resolveReference: (ref: { id: string }) => PEOPLE[ref.id] ?? null },
    } as unknown as Resolvers,
  );
  const visits = startTestSubgraph(
    'visits',
    `${FED}
type Person @key(fields: "id") {
  id: ID!
  visits: [Visit!]
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
  const fees = startTestSubgraph(
    'fees',
    `${FED}
type Person @key(fields: "id") {
  id: ID!
  fees: [Fee!]
}
type Fee {
  amountCents: Int!
}`,
    {
      Person: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        fees: (person: { id: string }) => {
          if (person.id === 'P2') {
            throw new GraphQLError('Source effica-porvoo could not be read.', {
              extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'effica-porvoo' },
            });
          }
          return [{ amountCents: 4150 }];
        },
      },
    } as unknown as Resolvers,
  );
  return Promise.all([people, visits, fees]);
}
