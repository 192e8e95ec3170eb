/**
 * The region scenario's query mix (issue 6): four kinds of request, each
 * for many different persons (so no answer is one cache entry), with a
 * bearer token of the development identity provider for the user asking.
 *
 * - citizenAppointments: a citizen's own next appointments (GraphiQL's
 *   NextAppointments example), persons with booked upcoming appointments,
 *   those with records in two or more municipalities first;
 * - clientOverview: a professional's client overview (the ClientOverview
 *   example) of a client they have a care relation with. The professional
 *   is made for the client from the client's records: units where the
 *   client had or has appointments within the policy's window, all three
 *   care areas (a multi-professional team member, so health, social and oral
 *   health lists are all served), the service tasks and municipality of
 *   the client's open customerships, SOCIAL_WORKER when the client has child
 *   welfare or extra-sensitive records. Every client is checked with the
 *   access policy itself (subgraphs/access/policy.ts) on the truth
 *   records: chosen only when every group and record is allowed. Clients
 *   with guardians or dependants are left out: the overview asks their names
 *   too, which the professional has no care relation for (FORBIDDEN);
 * - feeCeiling: a citizen's fees and fee ceiling of the current year (the
 *   FeesAndCeiling example), adults (19 or older, so no fee of theirs counts
 *   towards a guardian) with fees that year, whose dependants have no
 *   KIELTO_HUOLTAJALLE prohibition;
 * - analystAggregate: an analyst's statistics, each request with other
 *   filters (municipality, care area, months).
 *
 * The example queries are used with their literal identity code and year
 * turned into variables, as a client would send them.
 */
import { randomUUID } from 'node:crypto';
import type { CareArea, ServiceTask } from '../../domain/model.ts';
import { ageOn, checkHetu } from '../../domain/hetu.ts';
import { MUNICIPALITIES, instance as instanceOf } from '../../domain/region.ts';
import type { MunicipalityCode } from '../../domain/region.ts';
import { addDays, helsinkiToday, parseInstant, systemClock } from '../../domain/time.ts';
import type { Clock } from '../../domain/time.ts';
import { DevIdp, MAX_TOKEN_MINUTES } from '../../gateway/auth/devIdp.ts';
import { exampleOperations } from '../../gateway/examples.ts';
import { FEE_CEILINGS } from '../../subgraphs/lists/ceiling.ts';
import { accessContext, decideGroup, DATA_GROUPS, filterRecords, subjectFromVtj } from '../../subgraphs/access/policy.ts';
import type { RecordGroup } from '../../subgraphs/access/policy.ts';
import { CARE_AREAS, checkIdentity } from '../../contract/identity.ts';
import type { Identity } from '../../contract/identity.ts';
import { hashCode, readTruthSample } from './truth.ts';
import type { TruthPerson, TruthSample } from './truth.ts';

export const MIX_KINDS = ['citizenAppointments', 'clientOverview', 'feeCeiling', 'analystAggregate'] as const;
export type MixKind = (typeof MIX_KINDS)[number];

/** One HTTP request the load driver sends as is. */
export interface BenchRequest {
  readonly method: 'POST';
  readonly path: '/graphql';
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type RegionMix = Record<MixKind, BenchRequest[]>;

export interface RegionMixOptions {
  readonly fixturesDir: string;
  /** The development identity provider's key directory (the services' ready line). */
  readonly devIdpDir: string;
  /** Different persons (or filter sets) per kind; default 200. Fewer when the fixtures have fewer that fit. */
  readonly persons?: number;
  /**
   * The port the gateway listens on: the development identity provider's
   * issuer names it (`http://localhost:{port}/dev-idp`); default 4000.
   */
  readonly gatewayPort?: number;
  /** "Now" for choosing upcoming appointments, the fee year and the policy check; default the system clock. */
  readonly clock?: Clock;
}

/** A mix request's persons, for tests and for legacy-call accounting (never logged). */
export interface MixSubject {
  readonly hetu: string;
  /** The instances the truth files say hold the person's records. */
  readonly instances: readonly string[];
  /** VTJ's guardians and dependants of the person: a query asking their names reads each from VTJ (issue 13). */
  readonly relatives: number;
}

/** A fee ceiling request's person also has the VTJ dependants whose fees the ceiling reads. */
export interface CeilingSubject extends MixSubject {
  readonly dependants: readonly MixSubject[];
}

/** The mix with the subjects of each request (same order); `buildRegionMix` returns only the requests. */
export interface DetailedRegionMix {
  readonly mix: RegionMix;
  readonly subjects: {
    readonly citizenAppointments: MixSubject[];
    readonly clientOverview: MixSubject[];
    readonly feeCeiling: CeilingSubject[];
  };
  /**
   * True when every person of the fixtures was read (small fixtures): then a
   * dependant's `instances` are complete (empty: no records anywhere).
   * Otherwise a dependant outside the sample shows no instances.
   */
  readonly complete: boolean;
}

/** A GraphiQL example's query, which takes its person (and year) as the variables `$hetu` (and `$year`). */
function parameterised(name: string, variables: { hetu: true; year?: true }): string {
  const op = exampleOperations().find((o) => o.name === name);
  if (!op) throw new Error(`expected the GraphiQL example ${name} in gateway/examples.ts, received none`);
  const declared = /^query \w+\(([^)]*)\)/m.exec(op.query)?.[1] ?? '';
  if (!declared.includes('$hetu: ID!') || (variables.year && !declared.includes('$year: Int!'))) {
    throw new Error(
      `expected the GraphiQL example ${name} to take $hetu${variables.year ? ' and $year' : ''} as variables, received another shape`,
    );
  }
  return op.query;
}

/** The analysts' query of the mix. */
export const ANALYST_QUERY = `query AnalystAggregate($municipality: MunicipalityCode, $careArea: CareArea, $fromMonth: YearMonth, $toMonth: YearMonth) {
  statistics(municipality: $municipality, careArea: $careArea, fromMonth: $fromMonth, toMonth: $toMonth) {
    complete
    computedAt
    clients { municipality { code nameFi } careArea count suppressed }
    customerships { municipality { code } serviceTask count suppressed }
    appointments { municipality { code } careArea month count suppressed }
    multiAreaClients { municipality { code } careAreas count suppressed }
  }
}
`;

function request(token: string, query: string, variables: Record<string, unknown>): BenchRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  };
}

function municipalitiesOf(p: TruthPerson): Set<string> {
  const all = [...p.records.appointments, ...p.records.fees, ...p.records.customerships, ...p.records.plans, ...p.records.decisions];
  return new Set(all.map((r) => r.source.municipality));
}

function age(p: TruthPerson, today: string): number {
  const c = checkHetu(p.hetu);
  return c.ok ? ageOn(c.info.birthDate, today) : -1;
}

/** Takes the preferred persons first, then the others, up to `n`, keeping sample order within each. */
function pick<T>(items: readonly T[], n: number, preferred: (t: T) => boolean): T[] {
  return [...items.filter(preferred), ...items.filter((t) => !preferred(t))].slice(0, n);
}

/**
 * A unit OID as identities may carry it (contract/identity.ts): no
 * leading zeros. Some fixture units (Askola's `…10.0181`) have them, so no
 * identity can name those units; their clients get no relation through them.
 */
const IDENTITY_OID = /^[0-2](\.(0|[1-9]\d{0,19})){1,30}$/;

/** A professional made for one client (see the module comment); the policy then decides. */
export function professionalFor(p: TruthPerson, today: string, index: number): Identity {
  const from = addDays(today, -366);
  const to = addDays(today, 90);
  const units = new Set<string>();
  for (const a of p.records.appointments) {
    const day = a.start.slice(0, 10);
    if (a.status !== 'CANCELLED' && a.unit.oid && IDENTITY_OID.test(a.unit.oid) && day >= from && day <= to) units.add(a.unit.oid);
  }
  const open = p.records.customerships.filter((c) => c.endDate === undefined || c.endDate >= today);
  const tasks = [...new Set(open.map((c) => c.serviceTask).filter((t): t is ServiceTask => t !== undefined))];
  const restricted = p.records.customerships.some((c) => c.extraSensitive || c.serviceTask === 'CHILD_WELFARE');
  const municipality = (open[0]?.source.municipality ??
    p.records.appointments[0]?.source.municipality ??
    instanceOf(p.instances[0]!).municipalities[0]) as MunicipalityCode;
  const checked = checkIdentity({
    kind: 'professional',
    sub: `bench-professional-${index}`,
    name: `Bench Professional ${index}`,
    profession: restricted || tasks.length > 0 ? 'SOCIAL_WORKER' : 'NURSE',
    units: [...units].slice(0, 200),
    careAreas: [...CARE_AREAS] as CareArea[],
    serviceTasks: tasks,
    municipality,
  });
  if (!checked.ok) throw new Error(`expected a valid professional identity, received one where ${checked.reason}`);
  return checked.identity;
}

/**
 * True when the client overview shows some record of the person: it lists
 * upcoming appointments, open customerships, decisions, plans and consents
 * in force only (fees are not in it).
 */
function overviewShows(p: TruthPerson, notBefore: number): boolean {
  const r = p.records;
  return (
    r.decisions.length > 0 ||
    r.plans.length > 0 ||
    r.consents.some((c) => c.withdrawnOn === undefined) ||
    r.customerships.some((c) => c.endDate === undefined) ||
    r.appointments.some((a) => parseInstant(a.start) >= notBefore)
  );
}

/** True when the policy allows `identity` every group and every record of the person. */
export function allowsEverything(identity: Identity, p: TruthPerson, now: Date): boolean {
  const ctx = accessContext({ identity, subject: subjectFromVtj(p.hetu, p.vtj), records: p.records, grants: [], now });
  if (!DATA_GROUPS.every((g) => decideGroup(ctx, g).allowed)) return false;
  const groups: [RecordGroup, readonly unknown[]][] = [
    ['APPOINTMENTS', p.records.appointments],
    ['CUSTOMERSHIPS', p.records.customerships],
    ['DECISIONS', p.records.decisions],
    ['PLANS', p.records.plans],
    ['FEES', p.records.fees],
    ['CONSENTS', p.records.consents],
  ];
  return groups.every(([g, records]) => filterRecords(ctx, g, records as never).denied.length === 0);
}

/** The fee year of the mix: the current Helsinki year, or the latest year with a known ceiling before it. */
export function feeYear(today: string): number {
  const year = Number(today.slice(0, 4));
  const known = Object.keys(FEE_CEILINGS)
    .map(Number)
    .filter((y) => y <= year);
  return known.includes(year) || known.length === 0 ? year : Math.max(...known);
}

/** Builds the mix and says whose each request is (tests check the legacy calls per person with it). */
export async function buildDetailedRegionMix(options: RegionMixOptions): Promise<DetailedRegionMix> {
  const n = options.persons ?? 200;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`expected persons as a whole number of at least 1, received ${n}`);
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const today = helsinkiToday(clock);
  // A sample of about 30 persons per request wanted leaves enough that fit each kind.
  const truth: TruthSample = await readTruthSample(options.fixturesDir, n * 30);
  const idp = await DevIdp.open({ dir: options.devIdpDir, port: options.gatewayPort ?? 4000 });
  const mint = async (identity: Identity): Promise<string> => (await idp.mint(identity, { minutes: MAX_TOKEN_MINUTES, now })).token;
  // The subject names no identity code (the audit log and logs may show it): a hash of it instead.
  const citizen = (p: TruthPerson): Identity => ({ kind: 'citizen', sub: `bench-citizen-${hashCode(p.hetu).toString(36)}`, hetu: p.hetu });
  const year = feeYear(today);
  // Upcoming: a margin of a day, so a request built now still finds them during a long run.
  const soon = now.getTime() + 86_400_000;

  const upcoming = truth.sample.filter((p) => p.records.appointments.some((a) => a.status === 'BOOKED' && parseInstant(a.start) >= soon));
  const citizens = pick(upcoming, n, (p) => municipalitiesOf(p).size >= 2);

  const overview: { p: TruthPerson; identity: Identity }[] = [];
  for (const p of truth.sample) {
    if (overview.length >= n * 4) break;
    if (!p.vtj || p.vtj.guardians.length > 0 || p.vtj.dependants.length > 0 || age(p, today) < 18 || !overviewShows(p, soon)) continue;
    const identity = professionalFor(p, today, overview.length);
    if (allowsEverything(identity, p, now)) overview.push({ p, identity });
  }
  const areas = (p: TruthPerson): number =>
    new Set([...p.records.appointments.map((a) => a.careArea), ...(p.records.customerships.length > 0 ? ['SOCIAL'] : [])]).size;
  const clients = pick(overview, n, ({ p }) => areas(p) >= 2 && p.instances.length >= 2);

  const payers = pick(
    truth.sample.filter(
      (p) =>
        p.vtj !== undefined &&
        age(p, today) >= 19 &&
        p.records.fees.some((f) => f.date.startsWith(`${year}-`) && f.status !== 'VOIDED') &&
        !p.vtj.dependants.some((d) => truth.guardianProhibitions.has(d)),
    ),
    n,
    (p) => municipalitiesOf(p).size >= 2,
  );
  for (const [kind, list] of [
    ['citizenAppointments', citizens],
    ['clientOverview', clients],
    ['feeCeiling', payers],
  ] as const) {
    if (list.length === 0) throw new Error(`expected persons for ${kind} in the fixtures' truth files, received none that fit`);
  }

  const appointmentsQuery = parameterised('NextAppointments', { hetu: true });
  const overviewQuery = parameterised('ClientOverview', { hetu: true });
  const ceilingQuery = parameterised('FeesAndCeiling', { hetu: true, year: true });
  const mix: RegionMix = { citizenAppointments: [], clientOverview: [], feeCeiling: [], analystAggregate: [] };
  for (const p of citizens) mix.citizenAppointments.push(request(await mint(citizen(p)), appointmentsQuery, { hetu: p.hetu }));
  for (const { p, identity } of clients) mix.clientOverview.push(request(await mint(identity), overviewQuery, { hetu: p.hetu }));
  for (const p of payers) mix.feeCeiling.push(request(await mint(citizen(p)), ceilingQuery, { hetu: p.hetu, year }));
  for (const variables of analystFilters(n, today)) {
    mix.analystAggregate.push(request(await mint({ kind: 'analyst', sub: `bench-analyst-${randomUUID()}` }), ANALYST_QUERY, variables));
  }
  const subject = (p: TruthPerson): MixSubject => ({
    hetu: p.hetu,
    instances: [...p.instances].sort(),
    relatives: new Set([...(p.vtj?.guardians ?? []), ...(p.vtj?.dependants ?? [])]).size,
  });
  const sampled = new Map(truth.sample.map((p) => [p.hetu, p]));
  const withDependants = (p: TruthPerson): CeilingSubject => ({
    ...subject(p),
    dependants: (p.vtj?.dependants ?? []).map((hetu) => ({
      hetu,
      instances: [...(sampled.get(hetu)?.instances ?? [])].sort(),
      relatives: 0,
    })),
  });
  return {
    mix,
    subjects: {
      citizenAppointments: citizens.map(subject),
      clientOverview: clients.map(({ p }) => subject(p)),
      feeCeiling: payers.map(withDependants),
    },
    complete: truth.complete,
  };
}

/** `n` different filter sets of the analysts' statistics: municipality × care area × a window of months. */
export function analystFilters(n: number, today: string): Record<string, string | null>[] {
  const municipalities: (string | null)[] = [null, ...MUNICIPALITIES.map((m) => m.code)];
  const areas: (CareArea | null)[] = [null, ...CARE_AREAS];
  const out: Record<string, string | null>[] = [];
  const [y, m] = today.split('-').map(Number) as [number, number];
  const month = (back: number): string => {
    const t = y * 12 + (m - 1) - back;
    return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
  };
  for (let i = 0; out.length < n; i++) {
    const municipality = municipalities[i % municipalities.length]!;
    const careArea = areas[Math.floor(i / municipalities.length) % areas.length]!;
    // A window of 1 to 24 months ending up to 11 months back: together with the rest, a different set each time.
    const span = 1 + (Math.floor(i / (municipalities.length * areas.length)) % 24);
    const end = Math.floor(i / (municipalities.length * areas.length * 24)) % 12;
    out.push({ municipality, careArea, fromMonth: month(end + span - 1), toMonth: month(end) });
  }
  return out;
}

/** Builds the region mix (see the module comment): `persons` requests per kind, each for another person. */
export async function buildRegionMix(options: RegionMixOptions): Promise<RegionMix> {
  return (await buildDetailedRegionMix(options)).mix;
}
