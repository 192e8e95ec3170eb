/**
 * Interop: a second, independent federation gateway, Hive Gateway, serves
 * the committed supergraph over the very same subgraph services (bundled
 * fixtures, real emulators and adapters) and must give the same answers as
 * our @apollo/gateway to the end-to-end queries. Hive Gateway comes from
 * test/interop's own package (installed by install.ts), never the main install.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHetu } from '../../domain/hetu.ts';
import { DevIdp } from '../../gateway/auth/devIdp.ts';
import { EmergencyAccessStore } from '../../subgraphs/audit/emergency.ts';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../domain/time.ts';
import { gatewayConfigFromValues } from '../../gateway/config.ts';
import { CLIENT_OVERVIEW, FEES_AND_CEILING, NEXT_APPOINTMENTS } from '../../schema/examples.ts';
import { readSupergraph, supergraphWithUrls } from '../../schema/supergraph.ts';
import { Lifecycle } from '../../scripts/lifecycle.ts';
import { startRegion } from '../../scripts/region.ts';
import type { RunningRegion } from '../../scripts/region.ts';
import type { Identity } from '../../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '../../contract/internalToken.ts';
import { startHiveGateway } from './hive.ts';
import type { HivePlanner, RunningHive } from './hive.ts';
import { ensureInteropInstalled } from './install.ts';
import { pickPersons } from './persons.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const persons = pickPersons(FIXTURES);
const { year } = persons;
/** The fixtures' "today" at noon in Helsinki: the subgraphs' clock, so upcoming appointments and the fee ceiling do not move with the date. */
const { today } = JSON.parse(readFileSync(`${FIXTURES}/manifest.json`, 'utf8')) as { today: string };
const clock: Clock = { now: () => new Date(`${today}T10:00:00Z`) };

/**
 * Who asks, the same for both gateways: the headers of each request (a
 * bearer token of the region's development identity provider, set once the
 * region runs), and the identity Hive Gateway puts into the region's internal
 * token (our gateway derives it from the token itself). A physician with
 * emergency access to every person of the cases (started in beforeAll), so
 * both gateways serve real content: everything but child welfare records and
 * turvakielto-protected contact details, which both must refuse alike.
 */
const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'interop-physician',
  name: 'Interop Physician',
  profession: 'PHYSICIAN',
  units: [],
  careAreas: ['PRIMARY_HEALTH', 'ORAL_HEALTH', 'SOCIAL'],
  serviceTasks: [],
  municipality: '638',
};
const CALLER: { headers: Readonly<Record<string, string>>; readonly identity: Identity | null } = { headers: {}, identity: PHYSICIAN };

/** Appointments in a fixed window with every filter, so the answer does not move with the clock. */
const APPOINTMENTS_IN_WINDOW = `query AppointmentsInWindow($hetu: ID!, $from: DateTime!, $to: DateTime!) {
  customer(hetu: $hetu) {
    hetu
    appointments(from: $from, to: $to, status: [BOOKED, COMPLETED, CANCELLED], careArea: [PRIMARY_HEALTH, ORAL_HEALTH], order: DESC, first: 50) {
      start durationMinutes careArea professionalKind contactMode status note
      unit { oid name }
      professional { name title }
      source { instance product localId municipality { code nameFi nameSv } }
    }
    missingSources { instance code }
  }
}`;

/** Two persons in one operation (aliases; the municipality fetches batch both). */
const TWO_PERSONS = `query TwoPersons($a: ID!, $b: ID!, $year: Int!) {
  a: customer(hetu: $a) { hetu firstNames municipality { code } fees(year: $year) { date amountCents source { instance municipality { code } } } }
  b: customer(hetu: $b) { hetu firstNames municipality { code } fees(year: $year) { date amountCents source { instance municipality { code } } } }
  municipalities { code nameFi nameSv }
}`;

/** Basic data (VTJ's, served by the lists subgraph through the access policy), and the municipalities. */
const BASIC_DATA = `query BasicData($hetu: ID!) {
  customer(hetu: $hetu) {
    hetu surname firstNames birthDate language turvakielto deathDate
    address { streetFi streetSv postalCode cityFi citySv }
    municipality { code nameFi nameSv }
    guardians { hetu firstNames }
    dependants { hetu firstNames }
  }
  municipalities { code nameFi nameSv }
}`;

interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Served by the region subgraph alone (no @requires): Hive's stitching runtime gets these right too. */
  readonly regionOnly?: boolean;
}

/**
 * The query with every nested Customer (guardians, dependants, the fee
 * ceiling's customers) reduced to its code. Why: since issue 4 every
 * personal field of a Customer is served by the lists subgraph (the access
 * point) with @requires, so a nested customer's name is a second round of
 * region → municipalities → lists under the first, and the Hive Router
 * planner cannot plan that ("Expected a single parent"): pinned below.
 */
function withFlatCustomers(query: string): string {
  return query
    .replace(/\{ hetu (?:surname firstNames|firstNames surname|firstNames) \}/g, '{ hetu }')
    .replace(/customer \{ hetu firstNames \}/g, 'customer { hetu }');
}

const CASES: readonly Case[] = (
  [
    {
      name: 'client overview, records in two municipalities',
      query: CLIENT_OVERVIEW.query,
      variables: { hetu: persons.twoMunicipalities, year },
    },
    {
      name: 'client overview, Lapinjärvi person (Loviisa instances)',
      query: CLIENT_OVERVIEW.query,
      variables: { hetu: persons.lapinjarvi, year },
    },
    {
      name: 'client overview, Myrskylä person (phhyky instances)',
      query: CLIENT_OVERVIEW.query,
      variables: { hetu: persons.myrskyla, year },
    },
    { name: "a citizen's next appointments", query: NEXT_APPOINTMENTS.query, variables: { hetu: persons.twoMunicipalities } },
    {
      name: 'appointments in a window, filtered and ordered',
      query: APPOINTMENTS_IN_WINDOW,
      variables: { hetu: persons.twoMunicipalities, from: `${year - 1}-01-01T00:00:00+02:00`, to: `${year + 2}-01-01T00:00:00+02:00` },
    },
    {
      name: 'fees and fee ceiling across municipalities',
      query: FEES_AND_CEILING.query,
      variables: { hetu: persons.twoMunicipalities, year },
    },
    { name: "fees and fee ceiling with a minor's fees", query: FEES_AND_CEILING.query, variables: { hetu: persons.firstGuardian, year } },
    { name: 'two persons in one operation', query: TWO_PERSONS, variables: { a: persons.lapinjarvi, b: persons.myrskyla, year } },
    { name: 'basic data and the municipalities', query: BASIC_DATA, variables: { hetu: persons.firstGuardian }, regionOnly: true },
    { name: 'a person unknown to every source', query: CLIENT_OVERVIEW.query, variables: { hetu: persons.unknown, year } },
    { name: 'a malformed identity code', query: CLIENT_OVERVIEW.query, variables: { hetu: '010594Y902X', year }, regionOnly: true },
  ] as Case[]
).map((c) => ({ ...c, query: withFlatCustomers(c.query) }));

interface Answer {
  readonly status: number;
  readonly data: Record<string, unknown> | null | undefined;
  /** Each error as `path: code`, sorted: the messages may word things differently, the codes may not. */
  readonly errors: string[];
}

async function ask(url: string, c: Case): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...CALLER.headers, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: c.query, variables: c.variables }),
  });
  const body = (await res.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { path?: unknown[]; extensions?: { code?: unknown } }[];
  };
  return {
    status: res.status,
    data: body.data,
    errors: (body.errors ?? []).map((e) => `${(e.path ?? []).join('.')}: ${String(e.extensions?.code ?? 'NO_CODE')}`).sort(),
  };
}

/** The development identity provider's key directory: a temp directory, not the repository's .data/. */
const idpDir = mkdtempSync(join(tmpdir(), 'region-interop-idp-'));
const lifecycle = new Lifecycle({ logger: pino({ level: 'silent' }), exit: () => {}, deadlineMs: 10_000 });
let region: RunningRegion;
const hives = new Map<HivePlanner, RunningHive>();
/** Our gateway's answer to each case, asked once. */
const ours = new Map<string, Answer>();

beforeAll(async () => {
  await ensureInteropInstalled();
  region = await startRegion({
    gateway: gatewayConfigFromValues({ port: '0', 'log-level': 'silent' }, { DEV_IDP_DIR: idpDir }),
    fixturesDir: FIXTURES,
    // PGlite in memory whatever DATABASE_URL says; the index polls only at start.
    env: { PERSON_INDEX_POLL_MS: '3600000' },
    logger: pino({ level: 'silent' }),
    lifecycle,
    clock,
  });
  const idp = await DevIdp.open({ dir: idpDir, port: Number(new URL(region.gatewayUrl).port) });
  CALLER.headers = { authorization: `Bearer ${(await idp.mint(PHYSICIAN)).token}` };
  const emergency = await EmergencyAccessStore.open(region.database);
  const asked = CASES.flatMap((c) => Object.values(c.variables)).filter((v): v is string => typeof v === 'string' && checkHetu(v).ok);
  // Their dependants too: the fee ceiling counts a minor's fees, each decided for the minor.
  const vtjTruth = readFileSync(`${FIXTURES}/truth/vtj.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { hetu: string; dependants?: string[] });
  const dependants = vtjTruth.filter((p) => asked.includes(p.hetu)).flatMap((p) => p.dependants ?? []);
  for (const hetu of new Set([...asked, ...dependants])) {
    await emergency.start({
      identity: PHYSICIAN,
      hetu,
      reason: 'Interop test: the same answers from both gateways',
      requestId: randomUUID(),
      now: clock.now(),
    });
  }
  const urls = region.subgraphs.urls;
  const { internalKey } = region.subgraphs;
  for (const planner of ['router', 'stitching'] as const) {
    hives.set(
      planner,
      await startHiveGateway({
        supergraphSdl: supergraphWithUrls(readSupergraph(), urls),
        planner,
        subgraphUrls: urls,
        // What our gateway sends each subgraph: a token for that subgraph, carrying the caller.
        subgraphHeaders: async (name) => ({
          [INTERNAL_TOKEN_HEADER]: await signInternalToken(internalKey, {
            audience: name,
            requestId: randomUUID(),
            identity: CALLER.identity,
          }),
        }),
      }),
    );
  }
  for (const c of CASES) ours.set(c.name, await ask(`${region.gatewayUrl}/graphql`, c));
}, 240_000);

afterAll(async () => {
  for (const hive of hives.values()) await hive.close();
  await lifecycle.stop('interop tests done');
  rmSync(idpDir, { recursive: true, force: true });
});

const answer = (name: string): Answer => {
  const a = ours.get(name);
  if (!a) throw new Error(`expected an answer to "${name}", received none`);
  return a;
};
const customer = (name: string): Record<string, unknown> => (answer(name).data as { customer: Record<string, unknown> }).customer;
type Sourced = { source: { municipality: { nameFi: string } } };

describe('our gateway answers the interop cases with real content', () => {
  // Guards the comparison below: two equally empty answers would be "the same" too.
  it('gives records of two municipalities, a fee ceiling with dependants and a clear BAD_USER_INPUT', () => {
    const overview = customer(CASES[0]!.name);
    const window = customer('appointments in a window, filtered and ordered');
    const items = [
      ...(['fees', 'customerships', 'decisions', 'plans', 'consents'] as const).flatMap((l) => overview[l] as Sourced[]),
      ...(window.appointments as Sourced[]),
    ];
    expect(new Set(items.map((i) => i.source.municipality.nameFi)).size).toBeGreaterThanOrEqual(2);
    expect((overview.fees as unknown[]).length).toBeGreaterThan(0);
    expect((window.appointments as unknown[]).length).toBeGreaterThan(0);
    expect(overview.missingSources).toEqual([]);
    const ceiling = customer("fees and fee ceiling with a minor's fees").feeCeiling as {
      includesDependants: unknown[];
      countedFees: unknown[];
    };
    expect(ceiling.includesDependants.length).toBeGreaterThan(0);
    expect(ceiling.countedFees.length).toBeGreaterThan(0);
    expect(answer('a malformed identity code').errors).toEqual(['customer: BAD_USER_INPUT']);
  });
});

describe('Hive Gateway with the Hive Router query planner (@graphql-hive/router-runtime)', () => {
  for (const c of CASES) {
    it(`answers the same: ${c.name}`, async () => {
      const theirs = await ask(hives.get('router')!.url, c);
      const mine = answer(c.name);
      expect(theirs.status).toBe(mine.status);
      expect(theirs.errors).toEqual(mine.errors);
      expect(theirs.data).toEqual(mine.data);
    });
  }
});

describe('Hive Router planner limits (pinned)', () => {
  // A KNOWN HIVE ROUTER LIMIT, pinned: nested customers' personal fields (a second @requires round
  // under the first) fail to plan. When an upgrade makes this fail because Hive now plans it,
  // drop withFlatCustomers and this test.
  it('still cannot plan a nested customer’s name through the access point, which our gateway answers', async () => {
    const c: Case = { name: 'nested', query: BASIC_DATA, variables: { hetu: persons.firstGuardian } };
    const res = await fetch(hives.get('router')!.url, {
      method: 'POST',
      headers: { ...CALLER.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ query: c.query, variables: c.variables }),
    });
    expect(JSON.stringify(await res.json())).toContain('Failed to plan query');
    const mine = await ask(`${region.gatewayUrl}/graphql`, c);
    expect((mine.data as { customer: { dependants: { firstNames: string | null }[] } }).customer.dependants.length).toBeGreaterThan(0);
  });
});

describe('Hive Gateway with its default stitching runtime (@graphql-tools/federation)', () => {
  for (const c of CASES.filter((x) => x.regionOnly)) {
    it(`answers the same: ${c.name}`, async () => {
      const theirs = await ask(hives.get('stitching')!.url, c);
      const mine = answer(c.name);
      expect(theirs.status).toBe(mine.status);
      expect(theirs.errors).toEqual(mine.errors);
      expect(theirs.data).toEqual(mine.data);
    });
  }

  // A KNOWN HIVE BUG, pinned (README.md): this runtime skips the municipality fetches that the
  // lists' @requires needs when the field set starts with `regionMissingSources { … }` before
  // `sources { … }`, so the lists subgraph gets references without records and reports each
  // municipality as SUBGRAPH_UNAVAILABLE. When an upgrade makes this fail because Hive now
  // answers right, drop this test and run every case on this runtime too.
  it("still has the @requires bug: a citizen's next appointments come back empty, municipalities 'unavailable'", async () => {
    const c = CASES.find((x) => x.name === "a citizen's next appointments")!;
    const theirs = (await ask(hives.get('stitching')!.url, c)).data as {
      customer: { appointments: unknown[]; missingSources: { instance: string; code: string }[] };
    };
    expect((customer(c.name).appointments as unknown[]).length).toBeGreaterThan(0);
    expect(theirs.customer.appointments).toEqual([]);
    expect(theirs.customer.missingSources.length).toBeGreaterThan(0);
    for (const m of theirs.customer.missingSources)
      expect(m).toEqual({ instance: expect.stringMatching(/^subgraph:/), code: 'SUBGRAPH_UNAVAILABLE' });
  });
});
