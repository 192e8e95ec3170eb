/**
 * Paging through the gateway (issue 15): the demo guardian of the bundled
 * fixtures, whose 34 fees came back in one list, pages them with
 * `feesConnection` ten at a time until `hasNextPage` is false: every fee
 * exactly once, `totalCount` 34 on every page, ids unique and the same in a
 * second walk and in the deprecated `fees` list; the customer's `id` stable.
 */
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser } from '../../gateway/auth/demoUsers.ts';
import { gql, startE2ERegion } from './testSupport/region.ts';
import type { E2ERegion, GraphQLAnswer } from './testSupport/region.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const GUARDIAN = demoUser('guardian')!;

let region: E2ERegion;
let token: string;

beforeAll(async () => {
  region = await startE2ERegion({ writeFixtures: async (dir) => cpSync(FIXTURES, dir, { recursive: true }) });
  token = await region.tokenFor(GUARDIAN.identity);
}, 180_000);

afterAll(async () => {
  await region?.stop();
});

const PAGE = `query GuardianFees($hetu: ID!, $after: String) {
  customer(hetu: $hetu) {
    id
    feesConnection(first: 10, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id date amountCents source { instance localId } } }
    }
  }
}`;

interface FeePage {
  customer: {
    id: string;
    feesConnection: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: { id: string; date: string; amountCents: number; source: { instance: string; localId: string } } }[];
    };
  };
}

/** Every page of the guardian's fees, ten at a time, following endCursor until hasNextPage is false. */
async function walk(): Promise<FeePage['customer'][]> {
  const pages: FeePage['customer'][] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i++) {
    const answer: GraphQLAnswer<FeePage> = await gql<FeePage>(region, PAGE, { hetu: GUARDIAN.person!.hetu, after }, token);
    expect([answer.status, answer.errors ?? []]).toEqual([200, []]);
    const customer: FeePage['customer'] = answer.data!.customer;
    pages.push(customer);
    after = customer.feesConnection.pageInfo.endCursor;
    if (!customer.feesConnection.pageInfo.hasNextPage) break;
  }
  return pages;
}

describe('paging through the gateway', () => {
  it("pages the demo guardian's 34 fees ten at a time: each once, in date order, ids unique and stable", async () => {
    const pages = await walk();
    const connections = pages.map((p) => p.feesConnection);
    expect(connections.map((c) => c.edges.length)).toEqual([10, 10, 10, 4]);
    expect(connections.map((c) => c.totalCount)).toEqual([34, 34, 34, 34]);
    expect(connections.map((c) => c.pageInfo.hasNextPage)).toEqual([true, true, true, false]);
    for (const c of connections) expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);

    const nodes = connections.flatMap((c) => c.edges.map((e) => e.node));
    const ids = nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(34);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Every fee exactly once, in date order.
    expect(new Set(nodes.map((n) => `${n.source.instance}/${n.source.localId}`)).size).toBe(34);
    const dates = nodes.map((n) => n.date);
    expect(dates).toEqual([...dates].sort());
    // The customer's id: the same on every page, and no identity code in it.
    expect(new Set(pages.map((p) => p.id)).size).toBe(1);
    expect(pages[0]!.id).not.toContain(GUARDIAN.person!.hetu.slice(0, 6));

    // A second walk: the same pages, cursors and ids.
    const again = await walk();
    expect(again).toEqual(pages);

    // The deprecated list gives the same records with the same ids.
    const list = await gql<{ customer: { fees: { id: string }[] } }>(
      region,
      'query ($hetu: ID!) { customer(hetu: $hetu) { fees { id } } }',
      { hetu: GUARDIAN.person!.hetu },
      token,
    );
    expect(list.errors).toBeUndefined();
    expect(new Set(list.data!.customer.fees.map((f) => f.id))).toEqual(new Set(ids));
  });

  it('refuses a cursor not from a previous page as BAD_USER_INPUT through the gateway', async () => {
    const answer = await gql(region, PAGE, { hetu: GUARDIAN.person!.hetu, after: 'bm90LWEtY3Vyc29y' }, token);
    expect(answer.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['BAD_USER_INPUT', 'customer.feesConnection']]);
  });
});
