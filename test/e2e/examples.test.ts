/**
 * GraphiQL's saved examples work as the identity each is labelled for (issue
 * 10, defect 6; issue 11, item 9): the whole region on the BUNDLED fixtures,
 * the examples read from the /graphiql page the gateway serves, each run over
 * HTTP with a token of its demo user. Every one answers data and no error;
 * the citizen's lists come from two municipalities and at least three
 * products; the page names no person but the demo persons.
 */
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PERSONS, EXAMPLE_CHILD, EXAMPLE_CITIZEN, demoUser } from '../../gateway/auth/demoUsers.ts';
import type { ExampleOperation } from '../../gateway/examples.ts';
import { ManualClock } from '../../subgraphs/database/testSupport.ts';
import { gql, startE2ERegion } from './testSupport/region.ts';
import type { E2ERegion, GraphQLAnswer } from './testSupport/region.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
/** The bundled fixtures' today (2026-11-23) at noon in Helsinki. */
const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
/** Anything shaped like an identity code. */
const HETU = /\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b/g;

let region: E2ERegion;
let examples: ExampleOperation[];
const answers = new Map<string, GraphQLAnswer<Record<string, unknown>>>();

/** Runs an example as its demo user; the analysts' statistics are retried until their first refresh has completed. */
async function run(example: ExampleOperation): Promise<GraphQLAnswer<Record<string, unknown>>> {
  const user = demoUser(example.identity ?? '');
  if (!user) throw new Error(`example ${example.name} names no demo user`);
  const token = await region.tokenFor(user.identity);
  for (let attempt = 0; ; attempt++) {
    const answer = await gql<Record<string, unknown>>(region, example.query, { ...example.variables }, token);
    const notReady = answer.errors?.some((e) => e.extensions?.code === 'STATISTICS_NOT_READY');
    if (!notReady || attempt >= 120) return answer;
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  region = await startE2ERegion({ clock, writeFixtures: async (dir) => cpSync(FIXTURES, dir, { recursive: true }) });
  const page = await (await fetch(`${region.gatewayUrl}/graphiql`)).text();
  const config = /id="graphiql-config">(.*?)<\/script>/s.exec(page)?.[1];
  examples = (JSON.parse(config ?? '{}') as { examples?: ExampleOperation[] }).examples ?? [];
  for (const example of examples) answers.set(example.name, await run(example));
}, 180_000);

afterAll(async () => {
  await region?.stop();
});

type Sourced = { source: { instance: string; product?: string; municipality: { nameFi: string } } };
const customer = (name: string): Record<string, unknown> => answers.get(name)!.data!.customer as Record<string, unknown>;
/** The items of a connection's page (the examples ask the lists as connections). */
const nodes = (connection: unknown): Sourced[] => (connection as { edges: { node: Sourced }[] }).edges.map((e) => e.node);

describe('GraphiQL examples on the bundled region', () => {
  it('name only the demo persons, the example citizen and her son among them', () => {
    expect(examples.map((e) => e.name)).toEqual([
      'NextAppointments',
      'FeesAndCeiling',
      'ChildOfGuardian',
      'ClientOverview',
      'RegionStatistics',
    ]);
    const codes = new Set(JSON.stringify(examples).match(HETU) ?? []);
    expect([...codes].sort()).toEqual([EXAMPLE_CHILD.hetu, EXAMPLE_CITIZEN.hetu].sort());
    for (const code of codes) expect(DEMO_PERSONS.map((p) => p.hetu)).toContain(code);
  });

  it('each answers data and no error as the demo user it is labelled for', () => {
    for (const example of examples) {
      const answer = answers.get(example.name)!;
      expect(example.query, example.name).toContain(`# Sign in as: ${example.identity} `);
      expect([answer.status, answer.errors ?? []], example.name).toEqual([200, []]);
      const data = answer.data ?? {};
      const root = (data.customer ?? data.statistics) as Record<string, unknown> | null | undefined;
      expect(root, example.name).toBeTruthy();
    }
    expect(customer('ClientOverview').surname).toBe(EXAMPLE_CITIZEN.surname);
    expect(customer('ChildOfGuardian').firstNames).toBe(EXAMPLE_CHILD.firstNames);
    const statistics = answers.get('RegionStatistics')!.data!.statistics as { clients: unknown[] };
    expect(statistics.clients.length).toBeGreaterThan(0);
  });

  it("the citizen's lists come from two municipalities and at least three products", () => {
    const appointments = nodes(customer('NextAppointments').appointmentsConnection);
    const fees = nodes(customer('FeesAndCeiling').feesConnection);
    const customerships = nodes(customer('ClientOverview').customershipsConnection);
    for (const [list, items] of [
      ['appointments', appointments],
      ['fees', fees],
      ['customerships', customerships],
    ] as const) {
      expect(new Set(items.map((i) => i.source.municipality.nameFi)), list).toEqual(new Set(['Porvoo', 'Sipoo']));
    }
    const products = new Set([...appointments, ...fees, ...customerships].map((i) => i.source.product));
    expect(products.size).toBeGreaterThanOrEqual(3);
    expect(new Set(fees.map((f) => f.source.product)).size).toBeGreaterThanOrEqual(3);
    // Her son's fees count towards her fee ceiling; the physician sees her son as a dependant.
    const ceiling = customer('FeesAndCeiling').feeCeiling as { includesDependants: { firstNames: string }[] };
    expect(ceiling.includesDependants.map((d) => d.firstNames)).toEqual([EXAMPLE_CHILD.firstNames]);
  });
});
