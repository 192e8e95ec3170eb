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
import { CLIENT_OVERVIEW, EXAMPLE_OPERATIONS, FEES_AND_CEILING, NEXT_APPOINTMENTS } from '../../schema/examples.ts';
import { exampleOperations } from '../../gateway/examples.ts';
import { demoUser } from '../../gateway/auth/demoUsers.ts';
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
import {
  APPOINTMENT_FILTERS_QUERY,
  CEILING_QUERY,
  CUSTOMER_QUERY,
  MY_DATA_READS_QUERY,
  PERSONAL,
  PUBLIC_AND_PERSONAL_QUERY,
  START_EMERGENCY_ACCESS,
  aliasedClientsQuery,
  customerFieldsQuery,
  lookupQuery,
} from '../e2e/testSupport/queries.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const persons = pickPersons(FIXTURES);
const { year } = persons;
/** The fixtures' "today" at noon in Helsinki: the subgraphs' clock, so upcoming appointments and the fee ceiling do not move with the date. */
const { today } = JSON.parse(readFileSync(`${FIXTURES}/manifest.json`, 'utf8')) as { today: string };
const clock: Clock = { now: () => new Date(`${today}T10:00:00Z`) };
/** VTJ's truth: each person's guardians and dependants. */
const vtjTruth = readFileSync(`${FIXTURES}/truth/vtj.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { hetu: string; guardians?: string[]; dependants?: string[] });
const vtjPerson = (hetu: string) => vtjTruth.find((p) => p.hetu === hetu);

/**
 * The default caller of the cases, the same for both gateways: a physician
 * with emergency access to every person the cases ask about as this caller,
 * and to those persons' dependants (started in beforeAll), so both gateways
 * serve real content: everything but child welfare records and
 * turvakielto-protected contact details, which both must refuse alike.
 * Other cases ask as a demo user (gateway/auth/demoUsers.ts), or anonymously.
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
const INTEROP_PHYSICIAN = 'interop-physician';
const ANONYMOUS = 'anonymous';
/** The identity of each caller; a bearer token each (set once the region runs), and the identity Hive Gateway puts into the region's internal token for it. */
const identities = new Map<string, Identity>([[INTEROP_PHYSICIAN, PHYSICIAN]]);
const tokens = new Map<string, string>();
const identityByAuthorization = new Map<string, Identity>();

/** Demo persons of the access cells (gateway/auth/demoUsers.ts): the person a demo citizen user is. */
const demoPerson = (user: string): string => {
  const hetu = demoUser(user)?.person?.hetu;
  if (!hetu) throw new Error(`expected demo user ${user} to be a person, received none`);
  return hetu;
};
const turvakieltoChild = vtjPerson(demoPerson('turvakielto'))?.dependants?.[0];
if (!turvakieltoChild) throw new Error('expected the turvakielto demo person to have a dependant, received none');

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

/** Basic data (VTJ's, through the access policy), the relatives' names, and the municipalities. */
const BASIC_DATA = `query BasicData($hetu: ID!) {
  customer(hetu: $hetu) {
    hetu surname firstNames birthDate language turvakielto deathDate
    address { streetFi streetSv postalCode cityFi citySv }
    municipality { code nameFi nameSv }
    guardians { hetu surname firstNames }
    dependants { hetu firstNames }
  }
  municipalities { code nameFi nameSv }
}`;

/** A relative's own data through Relative.customer: a second round of region → municipalities → lists under the first. */
const RELATIVES_LISTS = `query RelativesLists($hetu: ID!, $year: Int!) {
  customer(hetu: $hetu) {
    hetu firstNames
    dependants {
      hetu firstNames
      customer {
        hetu surname
        appointments { start status source { instance municipality { code } } }
        fees(year: $year) { date amountCents accruesToCeiling source { instance } }
        customerships { serviceTask source { instance } }
        missingSources { instance code }
      }
    }
    guardians { hetu customer { surname firstNames municipality { code } } }
  }
}`;

/**
 * Every field the access tests ask (test/e2e/access.test.ts): their default
 * list (PERSONAL) and the fields of their other lists, each field once
 * (Hive Router answers a list field selected twice differently: pinned below).
 */
const ACCESS_FIELDS = `hetu surname firstNames turvakielto address { streetFi } municipality { code }
  appointments { start careArea unit { oid name nameFi nameSv } } customerships { serviceTask extraSensitive } decisions { service } plans { type }
  fees { amountCents } consents { type withdrawnOn }`;

/** The same list field twice in one selection set, with different subfields (GraphQL merges them into one). */
const TWICE_SELECTED = customerFieldsQuery(`${PERSONAL} appointments { start }`);

interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Who asks: a demo user's id, `anonymous`, or (by default) the interop physician. */
  readonly as?: string;
  /** Answered the same by Hive's stitching runtime too (see README.md). */
  readonly stitching?: boolean;
  /**
   * Hive Router puts an error of an entity fetch (here the lists subgraph's
   * FORBIDDEN) at the entity's path without list indices, not at the field's
   * (ours `customer.dependants.1.customer.customerships`, Hive Router's
   * `customer.dependants.customer`); the data and the codes are the same.
   */
  readonly routerEntityErrorPaths?: boolean;
}

/** The saved GraphiQL examples (gateway/examples.ts), each as the demo user it is labelled for. */
const GRAPHIQL_EXAMPLES: Case[] = exampleOperations({ today }).map((e) => ({
  name: `GraphiQL example ${e.name} as ${e.identity}`,
  query: e.query,
  variables: { ...e.variables },
  as: e.identity!,
  // The analysts' statistics come from the region subgraph alone.
  stitching: e.name === 'RegionStatistics',
}));

const CASES: readonly Case[] = [
  // schema/examples.ts, on the picked persons
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
  { name: 'client overview of a first guardian', query: CLIENT_OVERVIEW.query, variables: { hetu: persons.firstGuardian, year } },
  { name: "a citizen's next appointments", query: NEXT_APPOINTMENTS.query, variables: { hetu: persons.twoMunicipalities } },
  {
    name: 'fees and fee ceiling across municipalities',
    query: FEES_AND_CEILING.query,
    variables: { hetu: persons.twoMunicipalities, year },
  },
  { name: "fees and fee ceiling with a minor's fees", query: FEES_AND_CEILING.query, variables: { hetu: persons.firstGuardian, year } },
  { name: 'a person unknown to every source', query: CLIENT_OVERVIEW.query, variables: { hetu: persons.unknown, year }, stitching: true },
  { name: 'a malformed identity code', query: CLIENT_OVERVIEW.query, variables: { hetu: '010594Y902X', year }, stitching: true },
  // schema/examples.ts with their own variables (the example citizen)
  ...EXAMPLE_OPERATIONS.map((e) => ({ name: `schema example ${e.name}`, query: e.query, variables: { ...e.variables } })),
  // test/e2e/region.test.ts
  { name: 'e2e customer, records in two municipalities', query: CUSTOMER_QUERY, variables: { hetu: persons.twoMunicipalities } },
  { name: 'e2e customer, Lapinjärvi person', query: CUSTOMER_QUERY, variables: { hetu: persons.lapinjarvi } },
  { name: 'e2e customer, Myrskylä person', query: CUSTOMER_QUERY, variables: { hetu: persons.myrskyla } },
  { name: 'e2e customer, unknown person', query: CUSTOMER_QUERY, variables: { hetu: persons.unknown }, stitching: true },
  { name: 'e2e customer, malformed code', query: CUSTOMER_QUERY, variables: { hetu: 'DROP TABLE person_index' }, stitching: true },
  { name: 'e2e appointment filters', query: APPOINTMENT_FILTERS_QUERY, variables: { hetu: persons.twoMunicipalities } },
  { name: 'e2e fee ceiling across municipalities', query: CEILING_QUERY, variables: { hetu: persons.twoMunicipalities, year } },
  { name: "e2e fee ceiling with a minor's fees", query: CEILING_QUERY, variables: { hetu: persons.firstGuardian, year } },
  { name: 'e2e fee ceiling, the year before', query: CEILING_QUERY, variables: { hetu: persons.firstGuardian, year: year - 1 } },
  // gateway/examples.ts (test/e2e/examples.test.ts)
  ...GRAPHIQL_EXAMPLES,
  // test/e2e/access.test.ts: its field lists, as its demo users and as the interop physician
  {
    name: 'access: every field, the interop physician',
    query: customerFieldsQuery(ACCESS_FIELDS),
    variables: { h: persons.twoMunicipalities },
  },
  {
    name: 'access: every field of a turvakielto person, the interop physician',
    query: customerFieldsQuery(ACCESS_FIELDS),
    variables: { h: demoPerson('turvakielto') },
  },
  {
    name: 'access: a citizen, their own data',
    query: customerFieldsQuery(ACCESS_FIELDS),
    variables: { h: demoPerson('citizen') },
    as: 'citizen',
  },
  {
    name: 'access: a citizen, another adult',
    query: customerFieldsQuery(PERSONAL),
    variables: { h: demoPerson('guardian') },
    as: 'citizen',
    stitching: true,
  },
  {
    name: "access: a guardian, the minor's data (child welfare restricted)",
    query: customerFieldsQuery(PERSONAL),
    variables: { h: demoPerson('minor') },
    as: 'guardian',
    routerEntityErrorPaths: true,
  },
  {
    name: 'access: the minor, her own child welfare customership',
    query: customerFieldsQuery(PERSONAL),
    variables: { h: demoPerson('minor') },
    as: 'minor',
  },
  {
    name: "access: a prohibiting minor's guardian",
    query: customerFieldsQuery(PERSONAL),
    variables: { h: demoPerson('prohibiting-minor') },
    as: 'guardian-prohibited',
    routerEntityErrorPaths: true,
  },
  {
    name: 'access: turvakielto, their own address',
    query: customerFieldsQuery('turvakielto address { streetFi } municipality { code }'),
    variables: { h: demoPerson('turvakielto') },
    as: 'turvakielto',
    stitching: true,
  },
  {
    name: 'access: turvakielto, a minor under turvakielto',
    query: customerFieldsQuery('surname address { streetFi } municipality { code }'),
    variables: { h: turvakieltoChild },
    as: 'turvakielto',
    stitching: true,
  },
  {
    name: 'access: a nurse, a turvakielto person',
    query: customerFieldsQuery('surname turvakielto address { streetFi } appointments { careArea }'),
    variables: { h: demoPerson('turvakielto') },
    as: 'nurse',
  },
  {
    name: 'access: a physician without a care relation',
    query: customerFieldsQuery('surname address { streetFi } appointments { start }'),
    variables: { h: demoPerson('turvakielto') },
    as: 'physician',
    routerEntityErrorPaths: true,
  },
  {
    name: 'access: a child welfare social worker',
    query: customerFieldsQuery('customerships { serviceTask } decisions { service }'),
    variables: { h: demoPerson('minor') },
    as: 'social-worker-child-welfare',
  },
  {
    name: 'access: an older people social worker, a minor',
    query: customerFieldsQuery('customerships { serviceTask } appointments { careArea }'),
    variables: { h: demoPerson('minor') },
    as: 'social-worker-older-people',
    routerEntityErrorPaths: true,
  },
  {
    name: 'access: an analyst asking a personal field',
    query: customerFieldsQuery('surname'),
    variables: { h: demoPerson('citizen') },
    as: 'analyst',
    stitching: true,
  },
  {
    name: 'access: anonymous, public and personal fields',
    query: PUBLIC_AND_PERSONAL_QUERY,
    variables: { h: demoPerson('citizen') },
    as: ANONYMOUS,
    stitching: true,
  },
  {
    name: 'access: an aliased query over several clients',
    query: aliasedClientsQuery([persons.twoMunicipalities, persons.lapinjarvi, persons.myrskyla, persons.firstGuardian, persons.unknown]),
    variables: {},
  },
  { name: 'access: a lookup by code', query: lookupQuery(demoPerson('turvakielto')), variables: {}, as: 'physician', stitching: true },
  { name: 'access: a lookup of an unknown code', query: lookupQuery(persons.unknown), variables: {}, as: 'physician', stitching: true },
  {
    name: 'access: who read my data (a demo user no case reads)',
    query: MY_DATA_READS_QUERY,
    variables: {},
    as: 'guardian-prohibited',
    stitching: true,
  },
  {
    name: 'access: emergency access with too short a reason',
    query: START_EMERGENCY_ACCESS,
    variables: { h: demoPerson('turvakielto'), r: 'urgent' },
    as: 'physician',
    stitching: true,
  },
  {
    name: 'access: emergency access asked by a citizen',
    query: START_EMERGENCY_ACCESS,
    variables: { h: demoPerson('turvakielto'), r: 'I want to see it now' },
    as: 'citizen',
    stitching: true,
  },
  // more
  {
    name: 'appointments in a window, filtered and ordered',
    query: APPOINTMENTS_IN_WINDOW,
    variables: { hetu: persons.twoMunicipalities, from: `${year - 1}-01-01T00:00:00+02:00`, to: `${year + 2}-01-01T00:00:00+02:00` },
  },
  { name: 'two persons in one operation', query: TWO_PERSONS, variables: { a: persons.lapinjarvi, b: persons.myrskyla, year } },
  {
    name: 'basic data, the relatives’ names and the municipalities',
    query: BASIC_DATA,
    variables: { hetu: persons.firstGuardian },
    stitching: true,
  },
  {
    name: 'a guardian’s dependants’ lists through Relative.customer',
    query: RELATIVES_LISTS,
    variables: { hetu: persons.firstGuardian, year },
    routerEntityErrorPaths: true,
  },
  {
    name: 'a minor’s guardians through Relative.customer',
    query: RELATIVES_LISTS,
    variables: { hetu: vtjPerson(persons.firstGuardian)!.dependants![0]!, year },
    stitching: true,
  },
];

interface Answer {
  readonly status: number;
  readonly data: Record<string, unknown> | null | undefined;
  /** Each error as `path: code`, sorted: the messages may word things differently, the codes may not. */
  readonly errors: string[];
}

/** Asks `c` as its caller; our gateway's statistics are asked again until their first refresh has completed. */
async function ask(url: string, c: Case): Promise<Answer> {
  const caller = c.as ?? INTEROP_PHYSICIAN;
  const token = tokens.get(caller);
  if (caller !== ANONYMOUS && !token) throw new Error(`expected a token for ${caller}, received none`);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: c.query, variables: c.variables }),
    });
    const body = (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { path?: unknown[]; extensions?: { code?: unknown } }[];
    };
    const errors = (body.errors ?? []).map((e) => `${(e.path ?? []).join('.')}: ${String(e.extensions?.code ?? 'NO_CODE')}`).sort();
    if (errors.some((e) => e.endsWith('STATISTICS_NOT_READY')) && attempt < 120) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    return { status: res.status, data: body.data, errors };
  }
}

/** The development identity provider's key directory: a temp directory, not the repository's .data/. */
const idpDir = mkdtempSync(join(tmpdir(), 'region-interop-idp-'));
const lifecycle = new Lifecycle({ logger: pino({ level: 'silent' }), exit: () => {}, deadlineMs: 10_000 });
let region: RunningRegion;
const hives = new Map<HivePlanner, RunningHive>();
/** Requests each subgraph has received, counted from the start. */
const subgraphRequests: Record<string, number> = {};
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
  for (const [name, app] of region.subgraphs.apps) {
    subgraphRequests[name] = 0;
    // A second 'request' listener only counts; Fastify's own handler still answers.
    app.server.on('request', () => void (subgraphRequests[name] = (subgraphRequests[name] ?? 0) + 1));
  }
  const idp = await DevIdp.open({ dir: idpDir, port: Number(new URL(region.gatewayUrl).port) });
  for (const caller of new Set(CASES.map((c) => c.as ?? INTEROP_PHYSICIAN))) {
    if (caller === ANONYMOUS) continue;
    const identity = identities.get(caller) ?? demoUser(caller)?.identity;
    if (!identity) throw new Error(`expected ${caller} to be a demo user, received none`);
    const { token } = await idp.mint(identity);
    tokens.set(caller, token);
    identityByAuthorization.set(`Bearer ${token}`, identity);
  }
  // Emergency access for the interop physician to every person it asks about, and their dependants:
  // the fee ceiling counts a minor's fees, each decided for the minor, and Relative.customer reads the dependant's own lists.
  const emergency = await EmergencyAccessStore.open(region.database);
  const isHetu = (v: unknown): v is string => typeof v === 'string' && checkHetu(v).ok;
  const asked = CASES.filter((c) => c.as === undefined).flatMap((c) => [
    ...Object.values(c.variables).filter(isHetu),
    ...(c.query.match(/\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b/g) ?? []).filter(isHetu),
  ]);
  const dependants = asked.flatMap((h) => vtjPerson(h)?.dependants ?? []);
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
        // What our gateway sends each subgraph: a token for that subgraph, carrying the caller (none when anonymous).
        subgraphHeaders: async (name, authorization) => ({
          [INTERNAL_TOKEN_HEADER]: await signInternalToken(internalKey, {
            audience: name,
            requestId: randomUUID(),
            identity: (authorization && identityByAuthorization.get(authorization)) || null,
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
  it('gives records of two municipalities, a fee ceiling with dependants, relatives with lists, denials and a clear BAD_USER_INPUT', () => {
    const overview = customer('client overview, records in two municipalities');
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
      includesDependants: { firstNames: string | null }[];
      countedFees: unknown[];
    };
    expect(ceiling.includesDependants.length).toBeGreaterThan(0);
    expect(ceiling.includesDependants.every((d) => d.firstNames)).toBe(true);
    expect(ceiling.countedFees.length).toBeGreaterThan(0);
    const basic = customer('basic data, the relatives’ names and the municipalities') as { dependants: { firstNames: string | null }[] };
    expect(basic.dependants.length).toBeGreaterThan(0);
    expect(basic.dependants.every((d) => d.firstNames)).toBe(true);
    const relatives = customer('a guardian’s dependants’ lists through Relative.customer') as {
      dependants: { customer: { surname: string | null; appointments: unknown[]; fees: unknown[] } }[];
    };
    expect(relatives.dependants.some((d) => d.customer.surname && d.customer.fees.length > 0)).toBe(true);
    const guardians = customer('a minor’s guardians through Relative.customer') as {
      guardians: { customer: { surname: string | null } }[];
    };
    expect(guardians.guardians.some((g) => g.customer.surname)).toBe(true);
    for (const e of GRAPHIQL_EXAMPLES) expect([answer(e.name).status, answer(e.name).errors], e.name).toEqual([200, []]);
    expect(answer("access: a guardian, the minor's data (child welfare restricted)").errors).toContain('customer.customerships: FORBIDDEN');
    expect(answer('access: an analyst asking a personal field').errors).toEqual(['customer: FORBIDDEN']);
    expect(answer('a malformed identity code').errors).toEqual(['customer: BAD_USER_INPUT']);
  });
});

/** The Customer fields of the lists subgraph: always fetched from it as an entity. */
const LISTS_FIELDS = ['appointments', 'customerships', 'decisions', 'plans', 'fees', 'consents', 'missingSources', 'feeCeiling'];

/** Our error `path: code` as Hive Router puts an entity fetch's error: at the entity's path (the field dropped), without list indices. */
const atEntityPath = (error: string): string => {
  const [path, code] = error.split(': ');
  const segments = path!.split('.');
  if (!LISTS_FIELDS.includes(segments.at(-1)!)) return error;
  return `${segments
    .slice(0, -1)
    .filter((s) => !/^\d+$/.test(s))
    .join('.')}: ${code}`;
};

function sameAnswers(planner: HivePlanner, cases: readonly Case[]): void {
  for (const c of cases) {
    it(`answers the same: ${c.name}`, async () => {
      const theirs = await ask(hives.get(planner)!.url, c);
      const mine = answer(c.name);
      expect(theirs.status).toBe(mine.status);
      expect(theirs.data).toEqual(mine.data);
      if (planner === 'router' && c.routerEntityErrorPaths) {
        expect(theirs.errors).not.toEqual(mine.errors);
        expect(theirs.errors).toEqual(mine.errors.map(atEntityPath).sort());
      } else expect(theirs.errors).toEqual(mine.errors);
    });
  }
}

const EMERGENCY_REFUSALS = ['access: emergency access with too short a reason', 'access: emergency access asked by a citizen'];

describe('Hive Gateway with the Hive Router query planner (@graphql-hive/router-runtime)', () => {
  sameAnswers(
    'router',
    CASES.filter((c) => !EMERGENCY_REFUSALS.includes(c.name)),
  );
});

describe('Hive Router differences (pinned: when one of these fails, Hive changed; see README.md)', () => {
  it('omits `data` when a mutation’s non-null root field fails, where ours (and Hive’s stitching runtime) answer `data: null`', async () => {
    for (const name of EMERGENCY_REFUSALS) {
      const c = CASES.find((x) => x.name === name)!;
      const theirs = await ask(hives.get('router')!.url, c);
      const mine = answer(name);
      expect(mine.data, name).toBeNull();
      expect(theirs.data, name).toBeUndefined();
      expect([theirs.status, theirs.errors], name).toEqual([mine.status, mine.errors]);
      expect(mine.errors, name).toEqual([expect.stringMatching(/^startEmergencyAccess: (BAD_USER_INPUT|FORBIDDEN)$/)]);
    }
  });

  it('answers a list field selected twice with the list twice over, where ours merges the selections (GraphQL field merging)', async () => {
    const c: Case = { name: 'twice', query: TWICE_SELECTED, variables: { h: persons.twoMunicipalities } };
    const theirs = (await ask(hives.get('router')!.url, c)).data as { customer: { appointments: Record<string, unknown>[] } };
    const mine = (await ask(`${region.gatewayUrl}/graphql`, c)).data as { customer: { appointments: Record<string, unknown>[] } };
    expect(mine.customer.appointments.length).toBeGreaterThan(0);
    // Ours: each appointment once, with the fields of both selections.
    for (const a of mine.customer.appointments) expect(Object.keys(a).sort()).toEqual(['careArea', 'start', 'unit']);
    // Hive Router: the first selection's items, then the second's.
    expect(theirs.customer.appointments).toEqual([
      ...mine.customer.appointments.map(({ careArea, unit }) => ({ careArea, unit })),
      ...mine.customer.appointments.map(({ start }) => ({ start })),
    ]);
  });
});

describe('Hive Gateway with its default stitching runtime (@graphql-tools/federation)', () => {
  sameAnswers(
    'stitching',
    CASES.filter((c) => c.stitching),
  );

  // A KNOWN HIVE BUG, pinned (README.md). Every list field and the fee ceiling @require
  // `vtjFacts { … } regionMissingSources { … } recordHolders porvooRecords { appointments … } sipooRecords { … } …`:
  // region-subgraph fields first, then the municipality subgraphs' records references. This runtime
  // fetches the region fields but never makes the entity hop to the municipality subgraphs, so the
  // lists subgraph gets the references without records and reports each municipality holding
  // records as SUBGRAPH_UNAVAILABLE. When an upgrade makes this fail because Hive now answers
  // right, mark the cases `stitching: true`.
  it("still has the @requires bug: a citizen's next appointments come back empty, municipalities 'unavailable', no municipality subgraph called", async () => {
    const c = CASES.find((x) => x.name === "a citizen's next appointments")!;
    const before = { ...subgraphRequests };
    const theirs = (await ask(hives.get('stitching')!.url, c)) as Answer & {
      data: { customer: { appointments: unknown[]; missingSources: { instance: string; code: string }[] } };
    };
    const called = Object.fromEntries(Object.entries(subgraphRequests).filter(([name, n]) => n > (before[name] ?? 0)));
    expect(Object.keys(called).sort()).toEqual(['lists', 'region']);
    const mine = customer(c.name) as { appointments: unknown[]; missingSources: unknown[] };
    expect(mine.appointments.length).toBeGreaterThan(0);
    expect(mine.missingSources).toEqual([]);
    expect(theirs.errors).toEqual([]);
    expect(theirs.data.customer.appointments).toEqual([]);
    expect(theirs.data.customer.missingSources.length).toBeGreaterThan(0);
    for (const m of theirs.data.customer.missingSources)
      expect(m).toEqual({ instance: expect.stringMatching(/^subgraph:/), code: 'SUBGRAPH_UNAVAILABLE' });
  });

  it('calls the municipality subgraphs with the Hive Router planner (the same query)', async () => {
    const c = CASES.find((x) => x.name === "a citizen's next appointments")!;
    const before = { ...subgraphRequests };
    await ask(hives.get('router')!.url, c);
    const called = Object.keys(subgraphRequests).filter((name) => subgraphRequests[name]! > (before[name] ?? 0));
    expect(called.sort()).toEqual(['lists', 'porvoo', 'region', 'sipoo']);
  });
});
