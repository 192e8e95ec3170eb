/**
 * The record lists as Relay connections (issue 15): pages in the list's
 * order with ties broken by the record's stable id, opaque cursors that
 * resume after the item they name, totalCount of the whole filtered list,
 * stable ids equal to those of the deprecated list fields, and the access
 * policy applied as on the old fields (denied records: errors at the
 * connection's path, not counted).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Identity } from '../../contract/identity.ts';
import { silentLogger } from '../server/logger.ts';
import { decodeCursor } from '../server/connection.ts';
import { recordId } from '../server/ids.ts';
import { appointment, fee, gql, prov, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import { customerRepresentation, dependantRepresentation } from '../testSupport/representation.ts';
import type { AuditEventInput } from '../audit/events.ts';
import { createListsSubgraph } from './subgraph.ts';
import { requiredKinds } from '../../schema/sdl.ts';

const PERSON = makeHetu('1980-04-04', 931);
const CHILD = makeHetu('2016-01-20', 932, 'A');
const SELF: Identity = { kind: 'citizen', sub: 'self', hetu: PERSON };
const UNIT_OID = '1.2.246.10.1234567.10.1';
/** A physician of the unit where the person has an appointment: a care relation in primary health care, none in social care. */
const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'physician-931',
  name: 'Test Physician',
  profession: 'PHYSICIAN',
  units: [UNIT_OID],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};

const written: AuditEventInput[][] = [];
const app = createListsSubgraph({
  logger: silentLogger,
  clock: { now: () => new Date('2025-06-01T09:00:00Z') },
  internalKey: TEST_INTERNAL_KEY,
  audit: { record: async (events) => void written.push([...events]) },
});
afterAll(async () => {
  await app.close();
});

// Five fees in two municipalities; two of them on one day (their order: by id).
const FEES = {
  porvoo: [
    fee(prov('lifecare-porvoo', '638', 'F1'), '2025-03-01', 30_000),
    fee(prov('lifecare-porvoo', '638', 'F2'), '2025-05-05', 20_000),
    // A social care fee: the physician has no consent to read it.
    fee(prov('effica-porvoo', '638', 'S1'), '2025-04-04', 9_900, { register: 'SOCIAL', careArea: 'SOCIAL' }),
  ],
  loviisa: [
    fee(prov('pegasos-loviisa', '407', 'L1'), '2025-05-05', 10_000),
    fee(prov('pegasos-loviisa', '407', 'L2'), '2024-12-12', 5_000),
  ],
};
const APPOINTMENTS = [
  appointment(prov('lifecare-porvoo', '638', 'A1'), '2025-05-20T08:00:00+03:00', {
    unit: { oid: UNIT_OID, name: 'Porvoon terveyskeskus' },
  }),
  // The same moment as A1, written with another offset: it ties, and the id orders the two.
  appointment(prov('pegasos-loviisa', '407', 'A2'), '2025-05-20T05:00:00Z'),
  appointment(prov('pegasos-loviisa', '407', 'A3'), '2025-06-02T10:00:00+03:00'),
];
const representation = customerRepresentation(PERSON, {
  holders: {
    '638': { fees: FEES.porvoo, appointments: APPOINTMENTS.slice(0, 1) },
    '407': { fees: FEES.loviisa, appointments: APPOINTMENTS.slice(1) },
  },
  vtjDependants: [
    dependantRepresentation(CHILD, {
      vtjFacts: { guardians: [PERSON], turvakielto: false },
      kinds: requiredKinds(['fees']),
      holders: { '018': { fees: [fee(prov('lifecare-askola', '018', 'C1'), '2025-04-04', 5_000)] } },
    }),
  ],
});

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}
type FeeNode = { id: string; date: string; source: { localId: string } };

async function feesPage(args: string, identity: Identity = SELF) {
  const r = await gql(
    app,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
      feesConnection(${args}) { edges { cursor node { id date source { localId } } } pageInfo { hasNextPage endCursor } totalCount }
    } } }`,
    { r: [representation] },
    identity,
  );
  const c = (r.data?._entities as ({ feesConnection: Page<FeeNode> } | null)[] | undefined)?.[0];
  return { errors: r.errors, page: c?.feesConnection };
}

describe('record connections', () => {
  it("pages a person's fees in date order, ties by id, with opaque cursors and ids, and the total of the whole list", async () => {
    const first = await feesPage('first: 3');
    expect(first.errors).toBeUndefined();
    expect(first.page).toEqual({
      edges: [
        {
          cursor: 'WyIyMDI0LTEyLTEyIiwieTNfcl90eDl3dGRyaFBGdHdLQ1pPdyJd',
          node: { id: 'y3_r_tx9wtdrhPFtwKCZOw', date: '2024-12-12', source: { localId: 'L2' } },
        },
        {
          cursor: 'WyIyMDI1LTAzLTAxIiwiM2NtYlJLQnVmUngwQl9UNnRQTVJ1dyJd',
          node: { id: '3cmbRKBufRx0B_T6tPMRuw', date: '2025-03-01', source: { localId: 'F1' } },
        },
        {
          cursor: 'WyIyMDI1LTA0LTA0IiwiVFBUcnVJR0ZON3RtZndJWnQ2dXpmZyJd',
          node: { id: 'TPTruIGFN7tmfwIZt6uzfg', date: '2025-04-04', source: { localId: 'S1' } },
        },
      ],
      pageInfo: { hasNextPage: true, endCursor: 'WyIyMDI1LTA0LTA0IiwiVFBUcnVJR0ZON3RtZndJWnQ2dXpmZyJd' },
      totalCount: 5,
    });
    // The cursor is the sort key and the id; the id is recordId of the type and the provenance.
    expect(decodeCursor(first.page!.pageInfo.endCursor!)).toEqual(['2025-04-04', recordId('Fee', FEES.porvoo[2]!.source)]);

    const second = await feesPage(`first: 3, after: "${first.page!.pageInfo.endCursor}"`);
    expect(second.errors).toBeUndefined();
    // 2025-05-05 twice: L1 and F2 in the order of their ids.
    expect(second.page).toEqual({
      edges: [
        {
          cursor: 'WyIyMDI1LTA1LTA1IiwiYmVoRFYyUFBFQ1I0OE1mWElqUEJIQSJd',
          node: { id: 'behDV2PPECR48MfXIjPBHA', date: '2025-05-05', source: { localId: 'L1' } },
        },
        {
          cursor: 'WyIyMDI1LTA1LTA1IiwiZkpzeUVSRzdkYWs1SzlndldMVTE5QSJd',
          node: { id: 'fJsyERG7dak5K9gvWLU19A', date: '2025-05-05', source: { localId: 'F2' } },
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: 'WyIyMDI1LTA1LTA1IiwiZkpzeUVSRzdkYWs1SzlndldMVTE5QSJd' },
      totalCount: 5,
    });
    // Resuming from an edge cursor in the middle of the tie gives the rest.
    const rest = await feesPage(`first: 10, after: "${second.page!.edges[0]!.cursor}"`);
    expect(rest.page!.edges.map((e) => e.node.source.localId)).toEqual(['F2']);
  });

  it('gives every record the same id in the deprecated list and in its connection', async () => {
    const r = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
        fees { id } feesConnection(first: 100) { edges { node { id } } }
        appointments { id } appointmentsConnection(first: 100) { edges { node { id } } }
      } } }`,
      { r: [representation] },
      SELF,
    );
    expect(r.errors).toBeUndefined();
    const c = (r.data!._entities as Record<string, { id: string }[] & { edges: { node: { id: string } }[] }>[])[0]!;
    for (const [list, connection] of [
      ['fees', 'feesConnection'],
      ['appointments', 'appointmentsConnection'],
    ] as const) {
      const ids = c[list]!.map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(c[connection]!.edges.map((e) => e.node.id))).toEqual(new Set(ids));
    }
    expect(c.fees!.map((f) => f.id)).toContain(recordId('Fee', FEES.porvoo[0]!.source));
  });

  it('filters before paging: totalCount counts the filtered list', async () => {
    const r = await feesPage('year: 2025, status: [OPEN], first: 1');
    expect(r.errors).toBeUndefined();
    expect(r.page!.totalCount).toBe(4);
    expect(r.page!.edges.map((e) => e.node.source.localId)).toEqual(['F1']);
    expect(r.page!.pageInfo.hasNextPage).toBe(true);
  });

  it('pages appointments by the moment they start, ascending or descending (order: DESC)', async () => {
    const page = async (args: string) => {
      const r = await gql(
        app,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
          appointmentsConnection(${args}) { edges { cursor node { source { localId } } } pageInfo { hasNextPage endCursor } totalCount }
        } } }`,
        { r: [representation] },
        SELF,
      );
      expect(r.errors).toBeUndefined();
      return (r.data!._entities as { appointmentsConnection: Page<{ source: { localId: string } }> }[])[0]!.appointmentsConnection;
    };
    const ids = (p: Page<{ source: { localId: string } }>) => p.edges.map((e) => e.node.source.localId);
    // A1 and A2 start at the same moment (different offsets): ordered by id, reversed in DESC.
    expect([recordId('Appointment', APPOINTMENTS[1]!.source), recordId('Appointment', APPOINTMENTS[0]!.source)]).toEqual([
      '0hLnoHtMaZ4l-XYbNBsZnQ',
      '_bSEJTT_9B1tStZArBmtwg',
    ]);
    const tieOrder = ['A2', 'A1'];
    const asc1 = await page('first: 1');
    const asc2 = await page(`first: 5, after: "${asc1.pageInfo.endCursor}"`);
    expect([...ids(asc1), ...ids(asc2)]).toEqual([...tieOrder, 'A3']);
    expect([asc1.pageInfo.hasNextPage, asc2.pageInfo.hasNextPage, asc2.totalCount]).toEqual([true, false, 3]);
    expect(decodeCursor(asc1.pageInfo.endCursor!)?.[0]).toBe(Date.parse('2025-05-20T05:00:00Z'));

    const desc1 = await page('order: DESC, first: 2');
    const desc2 = await page(`order: DESC, first: 2, after: "${desc1.pageInfo.endCursor}"`);
    expect([...ids(desc1), ...ids(desc2)]).toEqual(['A3', ...[...tieOrder].reverse()]);
    expect([desc1.pageInfo.hasNextPage, desc2.pageInfo.hasNextPage]).toEqual([true, false]);
    // Upcoming only (the clock is 2025-06-01).
    expect(ids(await page('upcoming: true'))).toEqual(['A3']);
  });

  it('refuses a cursor not from a previous page and a page size out of range as BAD_USER_INPUT', async () => {
    for (const args of ['after: "not-a-cursor"', 'after: "e30"', 'first: 0', 'first: 101']) {
      const r = await feesPage(args);
      expect(
        r.errors?.map((e) => e.extensions?.code),
        args,
      ).toEqual(['BAD_USER_INPUT']);
    }
    const bad = await feesPage('after: "not-a-cursor"');
    expect(bad.errors?.[0]?.message).toBe('expected after as a cursor from a previous page, received another value');
    expect(bad.errors?.[0]?.path?.join('.')).toBe('_entities.0.feesConnection');
  });

  it("keeps a record the policy denies out of the page and the total, as a FORBIDDEN error at the connection's path, audited", async () => {
    written.length = 0;
    const r = await feesPage('first: 10', PHYSICIAN);
    expect(r.page!.edges.map((e) => e.node.source.localId)).toEqual(['L2', 'F1', 'L1', 'F2']);
    expect(r.page!.totalCount).toBe(4);
    expect(r.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.reason, e.extensions?.count])).toEqual([
      ['_entities.0.feesConnection', 'FORBIDDEN', 'NO_CONSENT', 1],
    ]);
    expect(written.flat().map((e) => [e.outcome, e.basis ?? e.reason, e.dataGroups])).toEqual([
      ['ALLOWED', 'CARE_RELATION', ['FEES']],
      ['DENIED', 'NO_CONSENT', ['FEES']],
    ]);
  });

  it("pages a fee ceiling's counted fees in the running sum's order, the dependant's among them", async () => {
    const r = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { feeCeiling(year: 2025) {
        countedFees { runningTotalCents }
        p1: countedFeesConnection(first: 2) { edges { cursor node { customer { hetu } runningTotalCents fee { id } } } pageInfo { hasNextPage endCursor } totalCount }
      } } } }`,
      { r: [representation] },
      SELF,
    );
    expect(r.errors).toBeUndefined();
    const ceiling = (
      r.data!._entities as { feeCeiling: { countedFees: { runningTotalCents: number }[]; p1: Page<{ runningTotalCents: number }> } }[]
    )[0]!.feeCeiling;
    expect(ceiling.p1.totalCount).toBe(ceiling.countedFees.length);
    expect(ceiling.p1.edges.map((e) => e.node.runningTotalCents)).toEqual([30_000, 39_900]);
    const next = await gql(
      app,
      `query ($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Customer { feeCeiling(year: 2025) {
        countedFeesConnection(first: 10, after: $after) { edges { node { customer { hetu } runningTotalCents } } pageInfo { hasNextPage } }
      } } } }`,
      { r: [representation], after: ceiling.p1.pageInfo.endCursor },
      SELF,
    );
    expect(next.errors).toBeUndefined();
    const rest = (
      next.data!._entities as { feeCeiling: { countedFeesConnection: Page<{ customer: { hetu: string }; runningTotalCents: number }> } }[]
    )[0]!.feeCeiling.countedFeesConnection;
    expect([...ceiling.p1.edges, ...rest.edges].map((e) => e.node.runningTotalCents)).toEqual(
      ceiling.countedFees.map((c) => c.runningTotalCents),
    );
    expect(rest.edges.map((e) => [e.node.customer.hetu, e.node.runningTotalCents])).toEqual([
      [CHILD, 44_900],
      [PERSON, 64_900],
      [PERSON, 74_900],
    ]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });
});
