/**
 * Access control end to end (issue 4): the identity × data group × situation
 * matrix through the gateway over HTTP, with the development identity
 * provider's tokens for the demo users, on the BUNDLED fixtures (fixtures/,
 * today 2026-11-23; subjects picked from fixtures/truth so each cell exists).
 * Also: the audit log (an entry for every personal read of an aliased query
 * over many clients; a failed write blocks the answer), emergency access and
 * its expiry on a hand-driven clock, bad tokens and a direct subgraph call.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevIdp } from '../../gateway/auth/devIdp.ts';
import { demoUser } from '../../gateway/auth/demoUsers.ts';
import { AuditStore } from '../../subgraphs/audit/store.ts';
import type { AuditEventInput } from '../../subgraphs/audit/events.ts';
import { ManualClock } from '../../subgraphs/database/testSupport.ts';
import { gql as gqlAs, startE2ERegion } from './testSupport/region.ts';
import type { E2ERegion, GraphQLAnswer } from './testSupport/region.ts';
import {
  MY_DATA_READS_QUERY,
  PERSONAL,
  PUBLIC_AND_PERSONAL_QUERY,
  START_EMERGENCY_ACCESS,
  aliasedClientsQuery,
  customerFieldsQuery,
  lookupQuery,
} from './testSupport/queries.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
/** The bundled fixtures' today at noon in Helsinki. */
const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));

/** Subjects from fixtures/truth (see each cell for why). */
const S = {
  citizen: '170584-928L', // the demo citizen (a planted demo person): records in Porvoo and Sipoo
  guardian: '070775-999R', // guardian of the minor
  minor: '061212A904T', // 13, open child welfare customership in Sipoo
  prohibitingMinor: '040813A9191', // KIELTO_HUOLTAJALLE in proconsona-askola
  turvakielto: '220799-9180', // under turvakielto; home-nursing appointment (the nurse's care relation)
  turvakieltoChild: '220616A935A', // a minor of the turvakielto user, under turvakielto too
  dentalPatient: '250622A964R', // oral health appointments in Porvoo hammashoitola and primary health ones
  consentGiven: '110642-9082', // physician's patient; LUOVUTUS_TERVEYDENHUOLTOON in force; an older people customership
  consentWithdrawn: '081075-9142', // physician's patient; LUOVUTUS_TERVEYDENHUOLTOON given 2023-09-27, withdrawn 2023-10-04
  olderPeopleClient: '151249-9023', // open OLDER_PEOPLE customership in Porvoo; LUOVUTUS_SOSIAALIHUOLTOON in force
} as const;

/** Persons with a physician's care relation (appointments in Porvoo terveysasema/vastaanotto within the window), for the aliased query. */
const PHYSICIAN_PATIENTS = [
  '250622A964R',
  '291225A949E',
  '140849-923W',
  '260263-936U',
  '231142-986B',
  '110642-9082',
  '220450-941N',
  '161040-935V',
  '130292-9114',
  '260189-954A',
  '040200A934A',
  '130124A936K',
  '280946-906D',
  '070671-965T',
  '081075-9142',
  '080481-918W',
  '060239-964M',
  '240175-9720',
  '200863-964P',
  '100295-996P',
  '140828-966V',
  '111291-936E',
  '051192-995X',
  '141288-9546',
  '080112A9667',
  '130291-9825',
  '180482-917K',
  '030218A9284',
  '290518A998K',
  '020405A9703',
  '030522A988H',
  '300134-9973',
  '060373-987Y',
  '120346-9389',
  '100276-982B',
  '240816A9900',
  '230819A9638',
  '281093-924X',
  '160809A914K',
  '230714A9679',
];

let region: E2ERegion;
let audit: AuditStore;
/** When true, every audit write fails (a database whose audit insert fails). */
let auditFails = false;
const tokens = new Map<string, string>();

beforeAll(async () => {
  region = await startE2ERegion({
    clock,
    writeFixtures: async (dir) => cpSync(FIXTURES, dir, { recursive: true }),
    auditSink: {
      record: async (events: readonly AuditEventInput[]) => {
        if (auditFails) throw new Error('audit insert failed');
        return audit.record(events);
      },
    },
    // The aliased query of forty clients needs more aliases, root fields and fields than the defaults allow.
    gatewayFlags: { 'max-aliases': '100', 'max-root-fields': '100', 'max-fields': '2000', 'max-tokens': '10000', 'max-depth': '12' },
  });
  audit = await AuditStore.open(region.database);
}, 90_000);

afterAll(async () => {
  await region?.stop();
});

/** A demo user's token (cached). */
async function token(user: string): Promise<string> {
  let t = tokens.get(user);
  if (!t) {
    const u = demoUser(user);
    if (!u) throw new Error(`no demo user ${user}`);
    t = await region.tokenFor(u.identity);
    tokens.set(user, t);
  }
  return t;
}

type Customer = Record<string, unknown> | null;
interface Denial {
  path: string;
  reason: unknown;
  count?: unknown;
}

/** Asks `fields` of one customer as a demo user (or anonymously); returns the customer and the denials by path. */
async function ask(
  user: string | null,
  hetu: string,
  fields = PERSONAL,
): Promise<{ answer: GraphQLAnswer<{ customer: Customer }>; c: Customer; denials: Denial[] }> {
  const answer = await gqlAs<{ customer: Customer }>(
    region,
    customerFieldsQuery(fields),
    { h: hetu },
    user ? await token(user) : undefined,
  );
  expect(answer.status).toBe(200);
  const denials = (answer.errors ?? []).map((e) => {
    expect(e.extensions?.code, e.message).toBe('FORBIDDEN');
    // Messages never carry the identity code or a name.
    expect(e.message).not.toContain(hetu);
    return {
      path: (e.path ?? []).join('.'),
      reason: e.extensions?.reason,
      ...(e.extensions?.count !== undefined ? { count: e.extensions.count } : {}),
    };
  });
  return { answer, c: answer.data?.customer ?? null, denials };
}

const reasonsAt = (denials: readonly Denial[], path: string) => denials.filter((d) => d.path === path).map((d) => d.reason);

describe('citizens', () => {
  it('a citizen reads all of their own data', async () => {
    const { c, denials } = await ask('citizen', S.citizen);
    expect(denials).toEqual([]);
    expect(c).toMatchObject({ hetu: S.citizen, surname: 'Rantala', address: { streetFi: expect.any(String) } });
    expect((c!.appointments as unknown[]).length).toBeGreaterThan(0);
  });

  it('units come in Finnish and Swedish from the organisation register', async () => {
    const { c, denials } = await ask('citizen', S.citizen, 'appointments { unit { oid name nameFi nameSv } }');
    expect(denials).toEqual([]);
    const units = c!.appointments as { unit: { oid: string; name: string; nameFi: string; nameSv: string } }[];
    expect(units.length).toBeGreaterThan(0);
    for (const { unit } of units) {
      expect(unit.nameFi).toBe(unit.name);
      expect(unit.nameSv).toMatch(
        /^(Lovisa|Sibbo|Borgå|Lappträsk|Mörskom|Pukkila|Askola) (hälsostation|mottagning|hemsjukvård|tandklinik)$/,
      );
    }
  });

  it("a customership's unit is a Unit: the source's name, with the register's OID and Swedish name found by that name", async () => {
    const { c, denials } = await ask('citizen', S.citizen, 'customerships { unit { oid name nameFi nameSv } }');
    expect(denials).toEqual([]);
    const units = (c!.customerships as { unit: { oid: string; name: string; nameFi: string; nameSv: string } }[]).map((x) => x.unit);
    expect(units.length).toBeGreaterThan(0);
    for (const unit of units) {
      expect(unit.oid).toMatch(/^1\.2\.246\.10\.\d+\.10\.\d+$/);
      expect(unit.nameFi).toBe(unit.name);
      expect(unit.nameSv).toMatch(/^(Lovisa|Sibbo|Borgå|Lappträsk|Mörskom|Pukkila|Askola) (socialservice|hemvård|familjecentrum)$/);
    }
  });

  it('a citizen asking for another adult gets FORBIDDEN NOT_OWN_DATA and nothing else', async () => {
    const { c, denials } = await ask('citizen', S.guardian);
    expect(c).toBeNull();
    expect(denials).toEqual([{ path: 'customer', reason: 'NOT_OWN_DATA' }]);
  });

  it('a guardian reads the minor’s data, but not the child welfare records (CHILD_WELFARE_RESTRICTED, with counts)', async () => {
    const { c, denials } = await ask('guardian', S.minor);
    expect(c).toMatchObject({ surname: 'Sjöberg', customerships: [], decisions: [], plans: [] });
    expect((c!.appointments as unknown[]).length).toBeGreaterThan(0);
    expect(denials.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'customer.customerships', reason: 'CHILD_WELFARE_RESTRICTED', count: 1 },
      { path: 'customer.decisions', reason: 'CHILD_WELFARE_RESTRICTED', count: 2 },
      { path: 'customer.plans', reason: 'CHILD_WELFARE_RESTRICTED', count: 1 },
    ]);
  });

  it('the minor reads their own child welfare customership', async () => {
    const { c, denials } = await ask('minor', S.minor);
    expect(denials).toEqual([]);
    expect(c!.customerships).toEqual([{ serviceTask: 'CHILD_WELFARE', extraSensitive: true }]);
  });

  it('a prohibiting minor’s guardian sees her basic data only (GUARDIAN_PROHIBITED); she sees her own prohibition', async () => {
    const { c, denials } = await ask('guardian-prohibited', S.prohibitingMinor);
    expect(c).toMatchObject({ surname: 'Saarinen', appointments: [], fees: [], consents: [] });
    for (const list of ['appointments', 'customerships', 'decisions', 'plans', 'fees', 'consents'])
      expect(reasonsAt(denials, `customer.${list}`)).toEqual(['GUARDIAN_PROHIBITED']);
    const own = await ask('prohibiting-minor', S.prohibitingMinor);
    expect(own.denials).toEqual([]);
    expect(own.c!.consents).toContainEqual({ type: 'KIELTO_HUOLTAJALLE', withdrawnOn: null });
  });

  it('turvakielto: the person sees their address; as a guardian, a minor under turvakielto’s address stays closed (TURVAKIELTO)', async () => {
    const own = await ask('turvakielto', S.turvakielto, 'turvakielto address { streetFi } municipality { code }');
    expect(own.denials).toEqual([]);
    expect(own.c).toMatchObject({ turvakielto: true, address: { streetFi: expect.any(String) }, municipality: { code: '638' } });
    const child = await ask('turvakielto', S.turvakieltoChild, 'surname address { streetFi } municipality { code }');
    expect(child.c).toMatchObject({ surname: 'Holmström', address: null, municipality: null });
    expect(child.denials.map((d) => [d.path, d.reason]).sort()).toEqual([
      ['customer.address', 'TURVAKIELTO'],
      ['customer.municipality', 'TURVAKIELTO'],
    ]);
    expect(JSON.stringify(child.answer.errors)).not.toMatch(/Holmström|katu|tie/);
  });
});

describe('professionals', () => {
  it('a nurse with a care relation sees the turvakielto person’s name, flag and appointments, never the address (TURVAKIELTO: only the person)', async () => {
    const { c, denials } = await ask('nurse', S.turvakielto, 'surname turvakielto address { streetFi } appointments { careArea }');
    expect(c).toMatchObject({ surname: 'Holmström', turvakielto: true, address: null });
    expect((c!.appointments as unknown[]).length).toBeGreaterThan(0);
    expect(denials).toEqual([{ path: 'customer.address', reason: 'TURVAKIELTO' }]);
  });

  it('a physician without a care relation gets the name (PROFESSIONAL_ROLE, audited) and FORBIDDEN NO_CARE_RELATION for the records', async () => {
    const { c, denials } = await ask('physician', S.turvakielto, 'surname address { streetFi } appointments { start }');
    expect(c).toEqual({ surname: 'Holmström', address: null, appointments: [] });
    expect(denials.map((d) => [d.path, d.reason])).toEqual([
      ['customer.address', 'TURVAKIELTO'],
      ['customer.appointments', 'NO_CARE_RELATION'],
    ]);
    const events = (await audit.readsOf(S.turvakielto, { limit: 50 })).entries.map((x) => x.event);
    expect(events.some((e) => e.actorSub === 'demo-physician' && e.basis === 'PROFESSIONAL_ROLE' && e.dataGroups.includes('BASIC'))).toBe(
      true,
    );
  });

  it('a dentist sees the oral health appointments of their unit; primary health ones are filtered (NO_CARE_RELATION)', async () => {
    const { c, denials } = await ask('dentist', S.dentalPatient, 'surname appointments { careArea }');
    const areas = (c!.appointments as { careArea: string }[]).map((a) => a.careArea);
    expect(areas.length).toBeGreaterThan(0);
    expect(new Set(areas)).toEqual(new Set(['ORAL_HEALTH']));
    expect(denials).toEqual([{ path: 'customer.appointments', reason: 'NO_CARE_RELATION', count: expect.any(Number) }]);
  });

  it('social care data reaches a physician with the consent in force (CONSENT) and not once it is withdrawn (NO_CONSENT)', async () => {
    const given = await ask('physician', S.consentGiven, 'surname customerships { serviceTask }');
    expect(given.denials).toEqual([]);
    expect((given.c!.customerships as unknown[]).length).toBeGreaterThan(0);
    const withdrawn = await ask('physician', S.consentWithdrawn, 'surname customerships { serviceTask }');
    expect(withdrawn.c).toMatchObject({ surname: expect.any(String), customerships: [] });
    expect(withdrawn.denials).toEqual([{ path: 'customer.customerships', reason: 'NO_CONSENT' }]);
    const events = (await audit.readsOf(S.consentGiven, { limit: 20 })).entries.map((x) => x.event);
    expect(events.some((e) => e.actorSub === 'demo-physician' && e.basis === 'CONSENT' && e.dataGroups.includes('CUSTOMERSHIPS'))).toBe(
      true,
    );
  });

  it('health data reaches a social worker of the client’s service task with the consent to social care (CONSENT)', async () => {
    const { c, denials } = await ask(
      'social-worker-older-people',
      S.olderPeopleClient,
      'customerships { serviceTask } appointments { careArea }',
    );
    expect(denials).toEqual([]);
    expect((c!.appointments as unknown[]).length).toBeGreaterThan(0);
  });

  it('child welfare: the child welfare social worker sees the customership; the older people one has no care relation', async () => {
    const cw = await ask('social-worker-child-welfare', S.minor, 'customerships { serviceTask } decisions { service }');
    expect(cw.c!.customerships).toEqual([{ serviceTask: 'CHILD_WELFARE' }]);
    expect(cw.denials).toEqual([]);
    const older = await ask('social-worker-older-people', S.minor, 'customerships { serviceTask }');
    expect(older.denials).toEqual([{ path: 'customer.customerships', reason: 'NO_CARE_RELATION' }]);
  });
});

describe('no personal data without a valid sign-in, and analysts get aggregates only', () => {
  it('anonymous: UNAUTHENTICATED NOT_AUTHENTICATED for personal fields; public fields still served', async () => {
    const a = await gqlAs<{ customer: Customer; municipalities: unknown[] }>(region, PUBLIC_AND_PERSONAL_QUERY, { h: S.citizen });
    expect(a.data?.municipalities).toHaveLength(7);
    expect(a.data?.customer).toBeNull();
    expect(a.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.reason])).toEqual([
      ['customer', 'UNAUTHENTICATED', 'NOT_AUTHENTICATED'],
    ]);
  });

  it("anonymous in Finnish and Swedish: the same code and reason, the message in the client's language", async () => {
    for (const [acceptLanguage, language, message] of [
      ['fi-FI,fi;q=0.9,en;q=0.5', 'fi', 'Henkilötiedot näytetään vain kirjautuneelle käyttäjälle.'],
      ['sv', 'sv', 'Personuppgifter visas endast för inloggade användare.'],
      ['de', 'en', 'Personal data requires a valid sign-in.'],
    ] as const) {
      const res = await fetch(`${region.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': acceptLanguage },
        body: JSON.stringify({ query: PUBLIC_AND_PERSONAL_QUERY, variables: { h: S.citizen } }),
      });
      expect(res.headers.get('content-language')).toBe(language);
      expect(res.headers.get('vary')).toContain('Accept-Language');
      const body = (await res.json()) as GraphQLAnswer<{ customer: Customer }>;
      expect(body.errors).toEqual([
        { message, path: ['customer'], extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_AUTHENTICATED', serviceName: 'region' } },
      ]);
    }
  });

  it('an analyst asking for a personal field: FORBIDDEN AGGREGATES_ONLY', async () => {
    const { c, denials } = await ask('analyst', S.citizen, 'surname');
    expect(c).toBeNull();
    expect(denials).toEqual([{ path: 'customer', reason: 'AGGREGATES_ONLY' }]);
  });

  it('an expired token and a token signed with another key are refused (401 UNAUTHENTICATED)', async () => {
    const port = Number(new URL(region.gatewayUrl).port);
    const dir = mkdtempSync(join(tmpdir(), 'region-access-idp-'));
    try {
      const identity = demoUser('citizen')!.identity;
      const stranger = await DevIdp.open({ dir, port });
      const wrongKey = (await stranger.mint(identity)).token;
      // Signed with the gateway's own key, but expired an hour ago.
      const expired = await region.tokenFor(identity, { minutes: 1, now: new Date(Date.now() - 3_600_000) });
      for (const t of [wrongKey, expired]) {
        const r = await gqlAs(region, customerFieldsQuery('surname'), { h: S.citizen }, t);
        expect(r.status).toBe(401);
        expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(r.data ?? null).toBeNull();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a direct call to a subgraph (no internal token) is refused before it is read', async () => {
    for (const name of ['lists', 'region', 'porvoo']) {
      const res = await fetch(region.subgraphs.urls[name]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
          variables: { r: [{ __typename: 'Customer', hetu: S.citizen }] },
        }),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'UNAUTHENTICATED_INTERNAL',
      );
    }
  });
});

describe('the audit log', () => {
  it('has an entry for every personal read of an aliased query over forty clients, written under the request’s id', async () => {
    // A UUID: the gateway keeps only ids that cannot carry personal data (UUIDs, trace ids).
    const requestId = randomUUID();
    const query = aliasedClientsQuery(PHYSICIAN_PATIENTS);
    const res = await fetch(`${region.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('physician')}`, 'x-request-id': requestId },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data: Record<string, { surname: string | null } | null>; errors?: unknown[] };
    expect(res.status).toBe(200);
    const events = await audit.byRequest(requestId);
    for (const [i, hetu] of PHYSICIAN_PATIENTS.entries()) {
      const mine = events.filter((e) => e.subjectHetu === hetu && e.actorSub === 'demo-physician');
      const groups = new Set(mine.flatMap((e) => e.dataGroups));
      expect([...groups].sort(), hetu).toEqual(['APPOINTMENTS', 'BASIC']);
      // Whatever left is covered by an ALLOWED event.
      if (body.data[`p${i}`]?.surname) expect(mine.some((e) => e.outcome === 'ALLOWED' && e.dataGroups.includes('BASIC'))).toBe(true);
    }
    expect(Object.values(body.data).filter((c) => c?.surname).length).toBeGreaterThan(30);
  });

  it('shows the citizen who read their data, and exports it as FHIR AuditEvents', async () => {
    await ask('nurse', S.turvakielto, 'surname');
    type Reads = {
      myDataReads: { edges: { node: { readerName: string | null; basis: string | null; dataGroups: string[] } }[] };
      myDataReadsFhir: string;
    };
    const r = await gqlAs<Reads>(region, MY_DATA_READS_QUERY, {}, await token('turvakielto'));
    expect(r.errors).toBeUndefined();
    const reads = r.data!.myDataReads.edges.map((e) => e.node);
    expect(reads).toContainEqual(expect.objectContaining({ readerName: 'Aarne Kivimaa', basis: 'CARE_RELATION' }));
    const bundle = JSON.parse(r.data!.myDataReadsFhir) as { resourceType: string; entry: { resource: { resourceType: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.length).toBe(reads.length);
    expect(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent')).toBe(true);
  });

  it('gives the read log in enums: action, reader role (upper-case), outcome, basis, data groups', async () => {
    await ask('nurse', S.turvakielto, 'surname');
    type Reads = { myDataReads: { edges: { node: Record<string, unknown> }[] } };
    const r = await gqlAs<Reads>(
      region,
      '{ myDataReads(first: 50) { edges { node { action readerRole outcome basis reason dataGroups lookupResult } } } }',
      {},
      await token('turvakielto'),
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.myDataReads.edges.map((e) => e.node);
    // The nurse's lookup by code and their read of the name (basic data: the professional role suffices).
    expect(nodes).toContainEqual({
      action: 'READ',
      readerRole: 'PROFESSIONAL',
      outcome: 'ALLOWED',
      basis: 'PROFESSIONAL_ROLE',
      reason: null,
      dataGroups: ['BASIC'],
      lookupResult: null,
    });
    expect(nodes).toContainEqual({
      action: 'LOOKUP',
      readerRole: 'PROFESSIONAL',
      outcome: 'ALLOWED',
      basis: 'PROFESSIONAL_ROLE',
      reason: null,
      dataGroups: [],
      lookupResult: 'FOUND',
    });
  });

  it('refuses a statistics filter outside the region (MunicipalityCode, YearMonth) with BAD_USER_INPUT, and gives index states in upper case', async () => {
    for (const [args, expected] of [
      ['municipality: "091"', 'expected MunicipalityCode as one of the region'],
      ['fromMonth: "2025-13"', 'expected YearMonth as YYYY-MM'],
    ] as const) {
      const r = await gqlAs(region, `{ statistics(${args}) { complete } }`, {}, await token('analyst'));
      expect(r.errors?.[0]?.extensions?.code, args).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message, args).toContain(expected);
    }
    const status = await gqlAs<{ sourceStatus: { state: string }[] }>(region, '{ sourceStatus { state } }', {});
    expect(status.data!.sourceStatus.length).toBeGreaterThan(0);
    for (const s of status.data!.sourceStatus) expect(['BUILDING', 'READY', 'FAILING']).toContain(s.state);
  });

  it('writes a professional’s lookup by code with what it answered, for a known and an unknown code alike', async () => {
    const unknown = '280231-998V'; // synthetic, in no fixture
    const lookup = async (hetu: string, requestId: string) => {
      const res = await fetch(`${region.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('physician')}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: lookupQuery(hetu) }),
      });
      return res.text();
    };
    // Request ids must be UUIDs (anything else is replaced by the gateway), so each lookup gets its own.
    const known = randomUUID();
    const unknownId = randomUUID();
    // No care relation between the physician and this person: the lookup still answers, and is audited.
    expect(await lookup(S.turvakielto, known)).toBe(`{"data":{"customer":{"hetu":"${S.turvakielto}"}}}`);
    expect(await lookup(unknown, unknownId)).toBe('{"data":{"customer":null}}');
    const rows = async (requestId: string) =>
      (await audit.byRequest(requestId)).map((e) => [
        e.action,
        e.actorSub,
        e.subjectHetu,
        e.dataGroups,
        e.outcome,
        e.basis,
        e.lookupResult,
      ]);
    expect(await rows(known)).toEqual([['LOOKUP', 'demo-physician', S.turvakielto, [], 'ALLOWED', 'PROFESSIONAL_ROLE', 'FOUND']]);
    expect(await rows(unknownId)).toEqual([['LOOKUP', 'demo-physician', unknown, [], 'ALLOWED', 'PROFESSIONAL_ROLE', 'NOT_FOUND']]);
  });

  it('a failed audit write blocks the answer: FORBIDDEN AUDIT_UNAVAILABLE and no personal data', async () => {
    auditFails = true;
    try {
      const r = await gqlAs<{ customer: Customer }>(
        region,
        customerFieldsQuery('surname address { streetFi } appointments { start }'),
        { h: S.citizen },
        await token('citizen'),
      );
      expect(JSON.stringify(r.data ?? null)).not.toContain('Rantala');
      expect(r.data?.customer ?? null).toBeNull();
      expect(r.errors?.some((e) => e.extensions?.reason === 'AUDIT_UNAVAILABLE')).toBe(true);
    } finally {
      auditFails = false;
    }
  });
});

describe('emergency access', () => {
  it('opens a client’s data to a professional with a stated reason (flagged), keeps turvakielto details closed, and expires by the clock', async () => {
    const M = START_EMERGENCY_ACCESS;
    const short = await gqlAs<Record<string, unknown>>(region, M, { h: S.turvakielto, r: 'urgent' }, await token('physician'));
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const citizen = await gqlAs<Record<string, unknown>>(
      region,
      M,
      { h: S.turvakielto, r: 'I want to see it now' },
      await token('citizen'),
    );
    expect(citizen.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });

    const started = await gqlAs<{ startEmergencyAccess: { expiresAt: string } }>(
      region,
      M,
      { h: S.turvakielto, r: 'Unconscious patient in the emergency room' },
      await token('physician'),
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.startEmergencyAccess.expiresAt).toBe('2026-11-23T16:00:00+02:00');

    const during = await ask('physician', S.turvakielto, 'surname address { streetFi } appointments { start }');
    expect(during.c).toMatchObject({ surname: 'Holmström', address: null });
    expect((during.c!.appointments as unknown[]).length).toBeGreaterThan(0);
    expect(during.denials).toEqual([{ path: 'customer.address', reason: 'TURVAKIELTO' }]);
    const flagged = (await audit.readsOf(S.turvakielto, { limit: 20 })).entries
      .map((x) => x.event)
      .filter((e) => e.actorSub === 'demo-physician' && e.emergency);
    expect(flagged.some((e) => e.action === 'EMERGENCY_ACCESS')).toBe(true);
    expect(
      flagged.some(
        (e) => e.action === 'READ' && e.basis === 'EMERGENCY' && e.emergencyReason === 'Unconscious patient in the emergency room',
      ),
    ).toBe(true);

    clock.advance(4 * 3_600_000);
    const after = await ask('physician', S.turvakielto, 'surname appointments { start }');
    // The name is not the grant's: a professional reads basic data by role (PROFESSIONAL_ROLE); the records close again.
    expect(after.c).toEqual({ surname: 'Holmström', appointments: [] });
    expect(after.denials.map((d) => d.reason)).toEqual(['EMERGENCY_EXPIRED']);
  });
});
