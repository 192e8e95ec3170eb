/**
 * End-to-end through the gateway over HTTP: the whole region (twelve
 * emulators on real sockets, adapters, person index, nine subgraphs,
 * gateway) started once for this file on the e2e fixtures (fixtures.ts),
 * where every case exists by construction and the answers are known
 * literally. The partial-result tests come last: they inject faults and, at
 * the very end, stop an emulator and a subgraph for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCES, corruptCheckCharacter } from '../../domain/index.ts';
import type { InstanceId } from '../../domain/index.ts';
import { HETU } from './testSupport/fixtures.ts';
import { APPOINTMENT_FILTERS_QUERY, CEILING_QUERY, CUSTOMER_QUERY } from './testSupport/queries.ts';
import { checkHetu } from '../../domain/hetu.ts';
import { delta, gql as gqlAs, startE2ERegion } from './testSupport/region.ts';
import type { E2ERegion, GraphQLAnswer, GraphQLErrorBody } from './testSupport/region.ts';

/** Sources given a short timeout, so a slow answer is a missing source within the test's time. */
const SLOW_TESTED: readonly InstanceId[] = ['lifecare-askola', 'pegasos-loviisa', 'proconsona-askola'];
const SHORT_TIMEOUT_MS = 2_000;
const SLOW_LATENCY_MS = 5_000;

let region: E2ERegion;

/**
 * These tests read data as the person it belongs to (a citizen reading their
 * own data sees all of it: test/e2e/access.test.ts tests everyone else); a
 * malformed code is asked by a citizen signed in with a valid one.
 */
async function gql<T = Record<string, unknown>>(
  r: E2ERegion,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer<T>> {
  const hetu = typeof variables.hetu === 'string' && checkHetu(variables.hetu).ok ? variables.hetu : HETU.moved;
  return gqlAs<T>(r, query, variables, await r.tokenFor({ kind: 'citizen', sub: `e2e-${hetu}`, hetu }));
}

beforeAll(async () => {
  region = await startE2ERegion({ sourceTimeoutMs: Object.fromEntries(SLOW_TESTED.map((id) => [id, SHORT_TIMEOUT_MS])) });
}, 90_000);

afterAll(async () => {
  await region?.stop();
});

// ---------------------------------------------------------------- shapes of the answers

interface Municipality {
  code: string;
  nameFi: string;
  nameSv: string;
}
interface Source {
  instance: string;
  product?: string;
  municipality: Municipality;
  localId?: string;
}
interface Appointment {
  start: string;
  careArea: string;
  professionalKind: string | null;
  status: string;
  unit: { name: string };
  note: string | null;
  source: Source;
}
interface Fee {
  date: string;
  amountCents: number;
  accruesToCeiling: boolean;
  status: string;
  source: Source;
}
interface Item {
  source: Source;
}
interface MissingSource {
  instance: string;
  code: string;
}
interface Customer {
  hetu: string;
  surname: string | null;
  firstNames: string | null;
  municipality: Municipality | null;
  appointments: Appointment[];
  fees: Fee[];
  customerships: (Item & { serviceTask: string; startDate: string; service: string | null })[];
  decisions: (Item & { decisionDate: string; outcome: string; service: string })[];
  plans: (Item & { type: string; startDate: string })[];
  consents: (Item & { type: string; givenOn: string })[];
  missingSources: MissingSource[];
}
type CustomerAnswer = GraphQLAnswer<{ customer: Customer | null }>;

/**
 * The lists subgraph's fetches of CUSTOMER_QUERY: one per distinct record
 * requirement (issue 13: each list field requires its own kind plus the
 * policy's), run in parallel: appointments, customerships, consents and
 * missingSources share one; decisions, plans and fees have one each.
 */
const LISTS_FETCHES = 4;

async function customer(hetu: string): Promise<CustomerAnswer> {
  return gql<{ customer: Customer | null }>(region, CUSTOMER_QUERY, { hetu });
}

/** The customer of an answer that must have one and no errors. */
function ok(answer: CustomerAnswer): Customer {
  expect(answer.status).toBe(200);
  expect(answer.errors).toBeUndefined();
  expect(answer.data?.customer).toBeTruthy();
  return answer.data!.customer!;
}

/** [start or date, instance, municipality code] of each item, in the order served. */
const where = (items: readonly (Item & { start?: string; date?: string })[]): [string, string, string][] =>
  items.map((i) => [i.start ?? i.date ?? '', i.source.instance, i.source.municipality.code]);

const PORVOO = { code: '638', nameFi: 'Porvoo', nameSv: 'Borgå' };
const SIPOO = { code: '753', nameFi: 'Sipoo', nameSv: 'Sibbo' };
const LAPINJARVI = { code: '407', nameFi: 'Lapinjärvi', nameSv: 'Lappträsk' };
const MYRSKYLA = { code: '504', nameFi: 'Myrskylä', nameSv: 'Mörskom' };

// ---------------------------------------------------------------- 1–3: one customer across municipalities

describe('a person with records in two municipalities (moved from Porvoo to Sipoo)', () => {
  it('gets appointments merged across lifecare-porvoo and mediatri-sipoo, sorted by start, each with its provenance', async () => {
    const c = ok(await customer(HETU.moved));
    expect(c.surname).toBe('Äijälä');
    expect(c.municipality).toEqual(SIPOO);
    expect(where(c.appointments)).toEqual([
      ['2025-10-02T08:30:00+03:00', 'lifecare-porvoo', '638'],
      ['2025-12-04T09:45:00+02:00', 'mediatri-sipoo', '753'],
      ['2026-01-15T13:00:00+02:00', 'lifecare-porvoo', '638'],
      ['2026-03-05T10:00:00+02:00', 'mediatri-sipoo', '753'],
      ['2026-12-10T10:00:00+02:00', 'mediatri-sipoo', '753'],
    ]);
    expect(c.appointments[0]!.source).toEqual({ instance: 'lifecare-porvoo', product: 'lifecare', localId: '501', municipality: PORVOO });
    expect(c.appointments[1]!.source).toEqual({ instance: 'mediatri-sipoo', product: 'mediatri', localId: '501', municipality: SIPOO });
    expect(c.appointments.map((a) => [a.careArea, a.professionalKind, a.status])).toEqual([
      ['PRIMARY_HEALTH', 'PHYSICIAN', 'COMPLETED'],
      ['ORAL_HEALTH', 'DENTIST', 'COMPLETED'],
      ['PRIMARY_HEALTH', 'NURSE', 'COMPLETED'],
      ['PRIMARY_HEALTH', 'PHYSICIAN', 'COMPLETED'],
      ['PRIMARY_HEALTH', 'NURSE', 'BOOKED'],
    ]);
    expect(c.appointments[3]!.note).toBe('Tolk behövs (svenska)');
    expect(where(c.fees)).toEqual([
      ['2026-01-15', 'lifecare-porvoo', '638'],
      ['2026-03-05', 'mediatri-sipoo', '753'],
    ]);
    expect(c.missingSources).toEqual([]);
  });

  it('filters the merged appointments by time window, upcoming (the region clock: 2026-11-23), status and care area, and orders them', async () => {
    const answer = await gql<{ customer: Record<string, { start: string; source: { instance: string } }[]> }>(
      region,
      APPOINTMENT_FILTERS_QUERY,
      { hetu: HETU.moved },
    );
    expect(answer.errors).toBeUndefined();
    const starts = (k: string) => answer.data!.customer[k]!.map((a) => `${a.start} ${a.source.instance}`);
    expect(starts('window')).toEqual(['2026-01-15T13:00:00+02:00 lifecare-porvoo', '2026-03-05T10:00:00+02:00 mediatri-sipoo']);
    expect(starts('upcoming')).toEqual(['2026-12-10T10:00:00+02:00 mediatri-sipoo']);
    expect(starts('oral')).toEqual(['2025-12-04T09:45:00+02:00 mediatri-sipoo']);
    expect(starts('booked')).toEqual(['2026-12-10T10:00:00+02:00 mediatri-sipoo']);
    expect(starts('latestTwo')).toEqual(['2026-12-10T10:00:00+02:00 mediatri-sipoo', '2026-03-05T10:00:00+02:00 mediatri-sipoo']);
  });
});

describe('a Lapinjärvi (407) person', () => {
  it("is served from Loviisa's instances by the Lapinjärvi subgraph, every item with municipality 407; Loviisa's subgraph is not called", async () => {
    const before = region.subgraphRequests();
    const c = ok(await customer(HETU.lapinjarvi));
    expect(delta(before, region.subgraphRequests())).toEqual({ region: 1, lapinjarvi: 1, lists: LISTS_FETCHES });
    expect(c.municipality).toEqual(LAPINJARVI);
    expect(where(c.appointments)).toEqual([
      ['2026-09-14T09:00:00+03:00', 'pegasos-loviisa', '407'],
      ['2026-10-20T12:30:00+03:00', 'mediatri-loviisa', '407'],
    ]);
    expect(where(c.fees)).toEqual([['2026-09-14', 'pegasos-loviisa', '407']]);
    expect(c.customerships.map((x) => [x.serviceTask, x.source.instance, x.source.municipality.code])).toEqual([
      ['ADULT_SOCIAL_WORK', 'proconsona-loviisa', '407'],
    ]);
    expect(c.decisions.map((x) => [x.decisionDate, x.source.instance, x.source.municipality.code])).toEqual([
      ['2025-04-03', 'proconsona-loviisa', '407'],
    ]);
    expect(c.consents.map((x) => [x.type, x.source.instance, x.source.municipality.code])).toEqual([
      ['LUOVUTUS_TERVEYDENHUOLTOON', 'proconsona-loviisa', '407'],
    ]);
    const all = [...c.appointments, ...c.fees, ...c.customerships, ...c.decisions, ...c.consents];
    for (const item of all) expect(item.source.municipality).toEqual(LAPINJARVI);
    expect(c.missingSources).toEqual([]);
  });

  it("leaves the Loviisa neighbour in the same shared instances to Loviisa's subgraph, with their own records only", async () => {
    const before = region.subgraphRequests();
    const c = ok(await customer(HETU.loviisa));
    expect(delta(before, region.subgraphRequests())).toEqual({ region: 1, loviisa: 1, lists: LISTS_FETCHES });
    expect(where(c.appointments)).toEqual([['2026-09-15T11:00:00+03:00', 'pegasos-loviisa', '434']]);
    expect(c.customerships.map((x) => [x.serviceTask, x.source.instance, x.source.municipality.code])).toEqual([
      ['DISABILITY', 'proconsona-loviisa', '434'],
    ]);
  });
});

describe('a Myrskylä (504) person', () => {
  it('is served from the phhyky instances (lifecare-phhyky, effica-phhyky) by the Myrskylä subgraph, without the Pukkila neighbour', async () => {
    const before = region.subgraphRequests();
    const c = ok(await customer(HETU.myrskyla));
    expect(delta(before, region.subgraphRequests())).toEqual({ region: 1, myrskyla: 1, lists: LISTS_FETCHES });
    expect(c.surname).toBe('Östman');
    expect(where(c.appointments)).toEqual([['2026-11-02T10:00:00+02:00', 'lifecare-phhyky', '504']]);
    expect(c.appointments[0]!.source).toEqual({ instance: 'lifecare-phhyky', product: 'lifecare', localId: '501', municipality: MYRSKYLA });
    expect(where(c.fees)).toEqual([
      ['2026-10-31', 'effica-phhyky', '504'],
      ['2026-11-02', 'lifecare-phhyky', '504'],
    ]);
    expect(c.fees.map((f) => f.amountCents)).toEqual([18550, 1140]);
    expect(c.customerships.map((x) => [x.serviceTask, x.service, x.source.instance, x.source.municipality.code])).toEqual([
      ['OLDER_PEOPLE', 'Säännöllinen kotihoito', 'effica-phhyky', '504'],
    ]);
    expect(c.decisions.map((x) => [x.decisionDate, x.outcome, x.source.instance])).toEqual([['2024-09-05', 'GRANTED', 'effica-phhyky']]);
    expect(c.plans.map((x) => [x.type, x.startDate, x.source.instance, x.source.municipality.code])).toEqual([
      ['HEALTH_AND_CARE_PLAN', '2026-02-01', 'lifecare-phhyky', '504'],
    ]);
    expect(c.missingSources).toEqual([]);
  });
});

// ---------------------------------------------------------------- 4: the fee ceiling

interface CeilingAnswer {
  customer: {
    firstNames: string;
    fees: Fee[];
    feeCeiling: {
      year: number;
      ceilingCents: number;
      accruedCents: number;
      reached: boolean;
      reachedOn: string | null;
      complete: boolean;
      feesAfterCeiling: Fee[];
      countedFees: { customer: { hetu: string }; runningTotalCents: number; fee: Fee }[];
      includesDependants: { hetu: string }[];
      minorFeesCountTowards: { hetu: string } | null;
      missingSources: MissingSource[];
    };
  } | null;
}

async function ceiling(hetu: string, year: number): Promise<GraphQLAnswer<CeilingAnswer>> {
  return gql<CeilingAnswer>(region, CEILING_QUERY, { hetu, year });
}

describe('the region-wide fee ceiling', () => {
  it('sums accruing fees across two municipalities to the 2026 ceiling (815 €): sum, reached, date reached, fees after; voided and non-accruing fees left out', async () => {
    const answer = await ceiling(HETU.ceiling, 2026);
    expect(answer.errors).toBeUndefined();
    const { fees, feeCeiling: fc } = answer.data!.customer!;
    // The year's fees as served: the voided one and the non-accruing one are there, and not counted below.
    expect(fees.map((f) => [f.date, f.amountCents, f.accruesToCeiling, f.status, f.source.instance, f.source.municipality.code])).toEqual([
      ['2026-02-10', 30000, true, 'PAID', 'effica-porvoo', '638'],
      ['2026-03-15', 20000, true, 'VOIDED', 'effica-porvoo', '638'],
      ['2026-04-01', 25050, true, 'OPEN', 'pegasos-loviisa', '434'],
      ['2026-05-20', 10000, false, 'PAID', 'effica-porvoo', '638'],
      ['2026-06-12', 26450, true, 'PAID', 'pegasos-loviisa', '434'],
      ['2026-08-03', 4130, true, 'OPEN', 'pegasos-loviisa', '434'],
    ]);
    expect(fc).toMatchObject({
      year: 2026,
      ceilingCents: 81500,
      accruedCents: 85630,
      reached: true,
      reachedOn: '2026-06-12',
      complete: true,
      missingSources: [],
    });
    expect(fc.countedFees.map((c) => [c.fee.date, c.fee.amountCents, c.fee.source.instance, c.runningTotalCents, c.customer.hetu])).toEqual(
      [
        ['2026-02-10', 30000, 'effica-porvoo', 30000, HETU.ceiling],
        ['2026-04-01', 25050, 'pegasos-loviisa', 55050, HETU.ceiling],
        ['2026-06-12', 26450, 'pegasos-loviisa', 81500, HETU.ceiling],
        ['2026-08-03', 4130, 'pegasos-loviisa', 85630, HETU.ceiling],
      ],
    );
    expect(fc.feesAfterCeiling.map((f) => [f.date, f.amountCents, f.source.instance, f.source.municipality.code])).toEqual([
      ['2026-08-03', 4130, 'pegasos-loviisa', '434'],
    ]);
    expect(fc.includesDependants).toEqual([]);
    expect(fc.minorFeesCountTowards).toBeNull();
  });

  it('counts each year apart: 2025 (ceiling 762 €) holds one fee and is not reached', async () => {
    const answer = await ceiling(HETU.ceiling, 2025);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.customer!.feeCeiling).toMatchObject({
      year: 2025,
      ceilingCents: 76200,
      accruedCents: 12000,
      reached: false,
      reachedOn: null,
      feesAfterCeiling: [],
    });
  });

  it("includes a minor's fees in the ceiling of the guardian VTJ lists first, not in the second guardian's", async () => {
    const [first, second, child] = await Promise.all([
      ceiling(HETU.guardian1, 2026),
      ceiling(HETU.guardian2, 2026),
      ceiling(HETU.child, 2026),
    ]);
    for (const a of [first, second, child]) expect(a.errors).toBeUndefined();

    const g1 = first.data!.customer!.feeCeiling;
    expect(g1).toMatchObject({
      accruedCents: 82000,
      reached: true,
      reachedOn: '2026-03-03',
      complete: true,
      includesDependants: [{ hetu: HETU.child }],
      minorFeesCountTowards: null,
    });
    expect(g1.countedFees.map((c) => [c.customer.hetu, c.fee.date, c.fee.amountCents, c.fee.source.instance, c.runningTotalCents])).toEqual(
      [
        [HETU.guardian1, '2026-01-20', 70000, 'effica-porvoo', 70000],
        [HETU.child, '2026-03-03', 12000, 'lifecare-porvoo', 82000],
      ],
    );

    const g2 = second.data!.customer!.feeCeiling;
    expect(g2).toMatchObject({ accruedCents: 5000, reached: false, reachedOn: null, includesDependants: [], minorFeesCountTowards: null });
    expect(g2.countedFees.map((c) => c.customer.hetu)).toEqual([HETU.guardian2]);

    // The minor's own ceiling counts nothing: the fees go to the first guardian.
    const m = child.data!.customer!.feeCeiling;
    expect(m).toMatchObject({ accruedCents: 0, reached: false, countedFees: [], minorFeesCountTowards: { hetu: HETU.guardian1 } });
    expect(child.data!.customer!.fees.map((f) => [f.date, f.amountCents, f.accruesToCeiling])).toEqual([
      ['2026-03-03', 12000, true],
      ['2026-05-05', 5150, false],
    ]);
  });
});

// ---------------------------------------------------------------- 5: unknown and malformed codes

describe('identity codes', () => {
  it('answers null, with no error, for a person unknown to every source and to VTJ', async () => {
    const answer = await customer(HETU.unknown);
    expect(answer).toEqual({ status: 200, data: { customer: null } });
  });

  it.each([
    ['a wrong check character', corruptCheckCharacter(HETU.moved)],
    ['a wrong century sign', `${HETU.moved.slice(0, 6)}Q${HETU.moved.slice(7)}`],
    ['too short', HETU.moved.slice(0, 10)],
    ['not a code at all', 'DROP TABLE person_index'],
  ])('refuses a malformed code (%s) with BAD_USER_INPUT, a message without the code, and no source called', async (_, code) => {
    const before = region.emulatorRequests();
    const answer = await customer(code);
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ customer: null });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.errors![0]!.message).not.toContain(code);
    expect(answer.errors![0]!.message).not.toContain(HETU.moved.slice(0, 6));
    expect(delta(before, region.emulatorRequests())).toEqual({});
  });
});

// ---------------------------------------------------------------- 6: routing by data

describe('routing by data', () => {
  const ALL_SUBGRAPHS = ['region', 'lists', 'porvoo', 'sipoo', 'loviisa', 'askola', 'lapinjarvi', 'myrskyla', 'pukkila'];

  it('counts the subgraphs of this region', () => {
    expect(Object.keys(region.subgraphRequests()).sort()).toEqual([...ALL_SUBGRAPHS].sort());
  });

  it('calls, for a person in two municipalities, only the two instances the index names and VTJ once; no other emulator or subgraph', async () => {
    const before = { e: region.emulatorRequests(), s: region.subgraphRequests() };
    ok(await customer(HETU.moved));
    const e = delta(before.e, region.emulatorRequests());
    expect(Object.keys(e).sort()).toEqual(['lifecare-porvoo', 'mediatri-sipoo', 'vtj']);
    expect(e.vtj).toBe(1);
    expect(e['lifecare-porvoo']).toBeGreaterThan(0);
    expect(e['mediatri-sipoo']).toBeGreaterThan(0);
    expect(delta(before.s, region.subgraphRequests())).toEqual({ region: 1, porvoo: 1, sipoo: 1, lists: LISTS_FETCHES });
  });

  it('reads relatives’ names from VTJ alone, and a relative’s records only when their lists are asked (issue 13)', async () => {
    // The first guardian's records are in effica-porvoo; the child's only in lifecare-porvoo.
    const names = `query ($hetu: ID!) { customer(hetu: $hetu) { firstNames dependants { hetu firstNames } fees { amountCents } } }`;
    let before = { e: region.emulatorRequests(), s: region.subgraphRequests() };
    const r = await gql<{ customer: { dependants: { hetu: string; firstNames: string | null }[] } }>(region, names, {
      hetu: HETU.guardian1,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.customer.dependants).toEqual([{ hetu: HETU.child, firstNames: expect.any(String) }]);
    let e = delta(before.e, region.emulatorRequests());
    expect(Object.keys(e).sort()).toEqual(['effica-porvoo', 'vtj']);
    expect(delta(before.s, region.subgraphRequests())).toEqual({ region: 1, porvoo: 1, lists: 1 });

    const lists = `query ($hetu: ID!) { customer(hetu: $hetu) { dependants { firstNames customer { fees { amountCents source { instance } } } } } }`;
    before = { e: region.emulatorRequests(), s: region.subgraphRequests() };
    const withLists = await gql<{ customer: { dependants: { customer: { fees: { source: { instance: string } }[] } }[] } }>(region, lists, {
      hetu: HETU.guardian1,
    });
    expect(withLists.errors).toBeUndefined();
    expect(withLists.data!.customer.dependants[0]!.customer.fees.map((f) => f.source.instance)).toContain('lifecare-porvoo');
    e = delta(before.e, region.emulatorRequests());
    expect(Object.keys(e).sort()).toEqual(['lifecare-porvoo', 'vtj']);
  });

  it('calls, for a person in one social care instance, that instance and VTJ only (not the health instances of the same municipality)', async () => {
    const before = { e: region.emulatorRequests(), s: region.subgraphRequests() };
    const c = ok(await customer(HETU.askola));
    expect(c.customerships.map((x) => [x.serviceTask, x.source.instance])).toEqual([['SUBSTANCE_ABUSE', 'proconsona-askola']]);
    const e = delta(before.e, region.emulatorRequests());
    expect(Object.keys(e).sort()).toEqual(['proconsona-askola', 'vtj']);
    expect(e.vtj).toBe(1);
    expect(delta(before.s, region.subgraphRequests())).toEqual({ region: 1, askola: 1, lists: LISTS_FETCHES });
  });

  it('calls, for a person no source holds, VTJ once and no record instance or municipality subgraph', async () => {
    const before = { e: region.emulatorRequests(), s: region.subgraphRequests() };
    await customer(HETU.unknown);
    expect(delta(before.e, region.emulatorRequests())).toEqual({ vtj: 1 });
    const s = delta(before.s, region.subgraphRequests());
    for (const m of ALL_SUBGRAPHS.filter((n) => n !== 'region' && n !== 'lists')) expect(s[m]).toBeUndefined();
  });
});

// ---------------------------------------------------------------- 7: partial results

const RECORD_INSTANCES = INSTANCES.filter((i) => i.product !== 'vtj').map((i) => i.id);

/** The lists of an answer as [date, instance] pairs, without the items of `instance`. */
function listsWithout(c: Customer, instance?: string) {
  const keep = <T extends Item>(xs: readonly T[]) => xs.filter((x) => x.source.instance !== instance).map((x) => JSON.stringify(x));
  return {
    appointments: keep(c.appointments),
    fees: keep(c.fees),
    customerships: keep(c.customerships),
    decisions: keep(c.decisions),
    plans: keep(c.plans),
    consents: keep(c.consents),
  };
}

function sourceErrors(errors: readonly GraphQLErrorBody[] | undefined): { code: unknown; instance: unknown }[] {
  return (errors ?? []).map((e) => ({ code: e.extensions?.code, instance: e.extensions?.instance }));
}

describe('partial results: each source stopped in turn', () => {
  let baseline: Customer;

  beforeAll(async () => {
    baseline = ok(await customer(HETU.wanderer));
  });

  it('holds, with every source up, records of the wanderer from all eleven record instances', () => {
    const instances = new Set([...baseline.appointments, ...baseline.customerships].map((i) => i.source.instance));
    expect([...instances].sort()).toEqual([...RECORD_INSTANCES].sort());
    expect(baseline.surname).toBe('Grönroos');
    expect(baseline.missingSources).toEqual([]);
  });

  const cases = [...RECORD_INSTANCES, 'vtj' as const].flatMap((instance) =>
    (['maintenance', 'drop'] as const).map((mode) => [instance, mode] as const),
  );

  it.each(cases)(
    '%s in %s: everything the other sources gave, one SOURCE_UNAVAILABLE error naming it, and missingSources naming it',
    async (instance, mode) => {
      const emulator = region.emulators.get(instance)!;
      emulator.faults.set({ mode });
      let answer: CustomerAnswer;
      try {
        answer = await customer(HETU.wanderer);
      } finally {
        emulator.faults.clear();
      }
      expect(answer.status).toBe(200);
      expect(sourceErrors(answer.errors)).toEqual([{ code: 'SOURCE_UNAVAILABLE', instance }]);
      // Messages name the instance, never the person.
      expect(JSON.stringify(answer.errors)).not.toContain(HETU.wanderer);
      const c = answer.data!.customer!;
      expect(c.missingSources).toEqual([{ instance, code: 'SOURCE_UNAVAILABLE' }]);
      expect(listsWithout(c)).toEqual(listsWithout(baseline, instance));
      if (instance === 'vtj') {
        // VTJ's basic data is what is missing; the records are all there.
        expect(c.surname).toBeNull();
        expect(c.municipality).toBeNull();
      } else {
        expect(c.surname).toBe('Grönroos');
        // Something of that instance was there before: the gap is real, and told.
        expect(listsWithout(baseline, instance)).not.toEqual(listsWithout(baseline));
      }
    },
  );

  it("marks a guardian's fee ceiling incomplete when the minor's source is down, and counts what it could read", async () => {
    const emulator = region.emulators.get('lifecare-porvoo')!;
    emulator.faults.set({ mode: 'maintenance' });
    let answer: GraphQLAnswer<CeilingAnswer>;
    try {
      answer = await ceiling(HETU.guardian1, 2026);
    } finally {
      emulator.faults.clear();
    }
    expect(sourceErrors(answer.errors)).toEqual([{ code: 'SOURCE_UNAVAILABLE', instance: 'lifecare-porvoo' }]);
    expect(answer.data!.customer!.feeCeiling).toMatchObject({
      accruedCents: 70000,
      reached: false,
      complete: false,
      includesDependants: [{ hetu: HETU.child }],
      missingSources: [{ instance: 'lifecare-porvoo', code: 'SOURCE_UNAVAILABLE' }],
    });
  });

  it.each(SLOW_TESTED)('%s slower than its timeout: a missing source like any other, then served again at once', async (instance) => {
    const emulator = region.emulators.get(instance)!;
    emulator.faults.set({ latencyMs: SLOW_LATENCY_MS });
    const started = Date.now();
    let answer: CustomerAnswer;
    try {
      answer = await customer(HETU.wanderer);
    } finally {
      emulator.faults.clear();
    }
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 100);
    // Without the timeout the answer would wait for the slow source.
    expect(took).toBeLessThan(SLOW_LATENCY_MS);
    expect(sourceErrors(answer.errors)).toEqual([{ code: 'SOURCE_UNAVAILABLE', instance }]);
    const c = answer.data!.customer!;
    expect(c.missingSources).toEqual([{ instance, code: 'SOURCE_UNAVAILABLE' }]);
    expect(listsWithout(c)).toEqual(listsWithout(baseline, instance));
    // The late answer is still on its way: the next question to the same source gets its own answer.
    expect(listsWithout(ok(await customer(HETU.wanderer)))).toEqual(listsWithout(baseline));
  });

  it('treats a closed emulator (connection refused) as a missing source', async () => {
    await region.emulators.get('mediatri-sipoo')!.close();
    const answer = await customer(HETU.wanderer);
    expect(sourceErrors(answer.errors)).toEqual([{ code: 'SOURCE_UNAVAILABLE', instance: 'mediatri-sipoo' }]);
    const c = answer.data!.customer!;
    expect(c.missingSources).toEqual([{ instance: 'mediatri-sipoo', code: 'SOURCE_UNAVAILABLE' }]);
    expect(listsWithout(c)).toEqual(listsWithout(baseline, 'mediatri-sipoo'));
  });

  it('tells a stopped municipality subgraph in missingSources too, and serves the rest', async () => {
    await region.subgraphs.apps.get('myrskyla')!.close();
    const answer = await customer(HETU.wanderer);
    const c = answer.data!.customer!;
    expect(c.missingSources).toEqual([
      { instance: 'mediatri-sipoo', code: 'SOURCE_UNAVAILABLE' },
      { instance: 'subgraph:myrskyla', code: 'SUBGRAPH_UNAVAILABLE' },
    ]);
    const lost = (i: Item) => i.source.instance === 'mediatri-sipoo' || i.source.municipality.code === '504';
    const expected = listsWithout({
      ...baseline,
      appointments: baseline.appointments.filter((a) => !lost(a)),
      customerships: baseline.customerships.filter((x) => !lost(x)),
      fees: baseline.fees.filter((f) => !lost(f)),
    });
    expect(listsWithout(c)).toEqual(expected);
    // One error for the unreachable subgraph (from the gateway), one for the closed emulator.
    expect((answer.errors ?? []).map((e) => e.extensions?.code).sort()).toEqual(['SOURCE_UNAVAILABLE', 'SUBGRAPH_UNAVAILABLE']);
    expect(JSON.stringify(answer.errors)).not.toContain(HETU.wanderer);
  });
});
