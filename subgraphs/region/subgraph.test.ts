import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { silentLogger } from '../server/logger.ts';
import { createMemoryLocator } from './memoryLocator.ts';
import { decodeRecordsRef } from '../municipality/recordsRef.ts';
import { FakeVtj, gatewayHeaders, gql as gqlAs, TEST_INTERNAL_KEY, vtjPerson } from '../testSupport/fakes.ts';
import type { GraphQLResponse } from '../testSupport/fakes.ts';
import { SCHEMA_MUNICIPALITIES } from '../../schema/municipalities.ts';
import { openDatabase } from '../database/database.ts';
import { opaqueId } from '../server/ids.ts';
import { AuditStore, EmergencyAccessStore } from '../audit/index.ts';
import type { Identity } from '../../contract/identity.ts';
import { ManualClock } from '../database/testSupport.ts';
import { createRegionSubgraph } from './subgraph.ts';

const PARENT = makeHetu('1980-04-04', 931);
const CHILD = makeHetu('2016-01-20', 932, 'A');
const ONLY_IN_SOURCES = makeHetu('1955-05-05', 933);
const NOBODY = makeHetu('1999-09-09', 934);
/** Under turvakielto: the address never leaves to anyone but the person. */
const PROTECTED = makeHetu('1975-07-07', 936);

const vtj = new FakeVtj({
  [PARENT]: vtjPerson(PARENT, {
    surname: 'Åkerberg',
    firstNames: 'Märta Ellen',
    address: { streetFi: 'Mannerheimintie 1', streetSv: 'Mannerheimvägen 1', postalCode: '07900', cityFi: 'Loviisa', citySv: 'Lovisa' },
    municipality: { code: '434', nameFi: 'Loviisa', nameSv: 'Lovisa' },
    language: 'sv',
    dependants: [CHILD],
  }),
  [CHILD]: vtjPerson(CHILD, { surname: 'Åkerberg', firstNames: 'Elsa', guardians: [PARENT] }),
  [PROTECTED]: vtjPerson(PROTECTED, {
    surname: 'Suojattu',
    turvakielto: true,
    address: { streetFi: 'Salainen katu 1', postalCode: '06100', cityFi: 'Porvoo' },
    municipality: { code: '638', nameFi: 'Porvoo', nameSv: 'Borgå' },
  }),
});
const locator = createMemoryLocator(
  {
    [PARENT]: [
      { instance: 'lifecare-porvoo', municipality: '638', localId: '55' },
      { instance: 'pegasos-loviisa', municipality: '434', localId: '12' },
      { instance: 'proconsona-loviisa', municipality: '434', localId: 'A-3' },
    ],
    // A shared instance whose municipality for the person the index could not tell.
    [ONLY_IN_SOURCES]: [{ instance: 'mediatri-loviisa', municipality: null, localId: null }],
  },
  [
    {
      instance: 'lifecare-porvoo',
      state: 'ready',
      built: true,
      persons: 10,
      lastSuccessfulPoll: '2025-06-01T12:00:00+03:00',
      lastChangeSeen: null,
      lagSeconds: 4,
      lastErrorCode: null,
    },
  ],
);
const NOW = new Date('2025-06-01T09:00:00Z');
const clock = new ManualClock(NOW.getTime());
const db = await openDatabase({ kind: 'pglite' });
const audit = await AuditStore.open(db);
const emergency = await EmergencyAccessStore.open(db);
const app = createRegionSubgraph({ vtj, locator, logger: silentLogger, internalKey: TEST_INTERNAL_KEY, audit, emergency, clock });
afterAll(async () => {
  await app.close();
  await db.close();
});
const PRO: Identity = {
  kind: 'professional',
  sub: 'pro-1',
  name: 'Testi Ammattilainen',
  profession: 'PHYSICIAN',
  units: [],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};
const gql = (a: typeof app, q: string, v: Record<string, unknown> = {}, identity: Identity | null = PRO) => gqlAs(a, q, v, identity);
beforeEach(() => {
  vtj.calls.length = 0;
  vtj.failWith = undefined;
  locator.calls.length = 0;
  locator.failing = false;
});

/** Every municipality's records reference, by its Customer field: `porvooRecords { __typename id } …`. */
const REFERENCES = SCHEMA_MUNICIPALITIES.map((m) => `${m.customerField} { __typename id }`).join(' ');

const CUSTOMER = `query ($h: ID!) { customer(hetu: $h) {
  hetu birthDate hetuInForce surname firstNames language turvakielto deathDate
  address { streetFi streetSv postalCode cityFi citySv } municipality { code nameFi nameSv }
  guardians { hetu surname firstNames } dependants { hetu surname firstNames }
  vtjFacts { guardians turvakielto }
  vtjDependants { hetu vtjFacts { guardians } }
  regionMissingSources { instance code }
  recordHolders ${REFERENCES}
} }`;

const CUSTOMER_RELATIVES = `query ($h: ID!) { customer(hetu: $h) { hetu guardians { hetu } dependants { hetu firstNames } } }`;

type Obj = Record<string, unknown>;

/** The non-null records references of a customer, in the region table's order: [field, __typename, decoded id]. */
function referencesOf(c: Obj): [string, string, ReturnType<typeof decodeRecordsRef>][] {
  return SCHEMA_MUNICIPALITIES.flatMap((m) => {
    const ref = c[m.customerField] as { __typename: string; id: string } | null;
    return ref ? [[m.customerField, ref.__typename, decodeRecordsRef(ref.id)]] : [];
  });
}

/** Posts `query` under a request id of its own (so its audit events can be read back); returns the parsed body. */
async function post(
  target: typeof app,
  query: string,
  variables: Obj,
  identity: Identity | null,
  requestId: string,
): Promise<GraphQLResponse> {
  const res = await target.inject({
    method: 'POST',
    url: '/graphql',
    headers: { ...(await gatewayHeaders(target, identity, requestId)), 'content-type': 'application/json' },
    payload: JSON.stringify({ query, variables }),
  });
  const body = res.json() as { data?: Obj | null; errors?: GraphQLResponse['errors'] };
  return { status: res.statusCode, data: body.data, errors: body.errors };
}

/** The audit events of one request, without ids and time: [subject, groups, outcome, basis or reason]. */
async function auditOf(requestId: string): Promise<[string, string[], string, string | undefined][]> {
  return (await audit.byRequest(requestId)).map((e) => [e.subjectHetu, [...e.dataGroups], e.outcome, e.basis ?? e.reason]);
}

const ENTITIES = (selection: string) => `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { ${selection} } } }`;

describe('region subgraph', () => {
  it('returns VTJ basic data and one reference per municipality, naming only that municipality’s instances', async () => {
    const r = await gql(app, CUSTOMER, { h: PARENT });
    expect(r.errors).toBeUndefined();
    const c = r.data!.customer as Obj;
    expect(c).toMatchObject({
      hetu: PARENT,
      birthDate: '1980-04-04',
      hetuInForce: true,
      surname: 'Åkerberg',
      firstNames: 'Märta Ellen',
      language: 'sv',
      turvakielto: false,
      deathDate: null,
      address: { streetFi: 'Mannerheimintie 1', streetSv: 'Mannerheimvägen 1', postalCode: '07900', cityFi: 'Loviisa', citySv: 'Lovisa' },
      municipality: { code: '434', nameFi: 'Loviisa', nameSv: 'Lovisa' },
      guardians: [],
      dependants: [{ hetu: CHILD, surname: 'Åkerberg', firstNames: 'Elsa' }],
      vtjFacts: { guardians: [], turvakielto: false },
      vtjDependants: [{ hetu: CHILD, vtjFacts: { guardians: [PARENT] } }],
      regionMissingSources: [],
      recordHolders: ['porvoo', 'loviisa'],
    });
    expect(referencesOf(c)).toEqual([
      ['porvooRecords', 'PorvooRecords', { hetu: PARENT, municipality: '638', instances: ['lifecare-porvoo'] }],
      ['loviisaRecords', 'LoviisaRecords', { hetu: PARENT, municipality: '434', instances: ['pegasos-loviisa', 'proconsona-loviisa'] }],
    ]);
    // The parent and the child were read from VTJ in two rounds (parent, then the dependant), each batched.
    expect(vtj.calls).toEqual([[PARENT], [CHILD]]);
  });

  it('gives a customer a stable opaque id for client caches: a hash of the identity code, not the code', async () => {
    const r = await gql(app, `query ($h: ID!) { customer(hetu: $h) { id hetu dependants { customer { id hetu } } } }`, { h: PARENT });
    expect(r.errors).toBeUndefined();
    const c = r.data!.customer as { id: string; dependants: { customer: { id: string } }[] };
    expect(c.id).toBe(opaqueId(`Customer:${PARENT}`));
    expect(c.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c.dependants[0]!.customer.id).toBe(opaqueId(`Customer:${CHILD}`));
    const again = await gql(app, `query ($h: ID!) { customer(hetu: $h) { id } }`, { h: PARENT });
    expect((again.data!.customer as { id: string }).id).toBe(c.id);
  });

  it('refers a person of a shared instance with unknown municipality to every municipality it serves', async () => {
    const r = await gql(app, CUSTOMER, { h: ONLY_IN_SOURCES });
    const c = r.data!.customer as Obj;
    expect(c).toMatchObject({ hetu: ONLY_IN_SOURCES, surname: null, vtjFacts: null, vtjDependants: [], guardians: null });
    expect(c.recordHolders).toEqual(['loviisa', 'lapinjarvi']);
    expect(referencesOf(c).map(([field, typename]) => [field, typename])).toEqual([
      ['loviisaRecords', 'LoviisaRecords'],
      ['lapinjarviRecords', 'LapinjarviRecords'],
    ]);
  });

  it('answers null, without an error, for a person unknown to VTJ and every source', async () => {
    const r = await gql(app, CUSTOMER, { h: NOBODY });
    expect(r).toMatchObject({ status: 200, data: { customer: null } });
    expect(r.errors).toBeUndefined();
  });

  it('refuses a malformed identity code as BAD_USER_INPUT without echoing it, calling no source', async () => {
    const bad = PARENT.slice(0, 10) + (PARENT[10] === 'A' ? 'B' : 'A');
    const r = await gql(app, CUSTOMER, { h: bad });
    expect(r.data).toEqual({ customer: null });
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toContain('check character');
    expect(r.errors![0]!.message).not.toContain(bad);
    expect(vtj.calls).toEqual([]);
    expect(locator.calls).toEqual([]);
  });

  it('still answers with the index’s references when VTJ is down: one SOURCE_UNAVAILABLE error for vtj', async () => {
    vtj.failWith = 'SOURCE_UNAVAILABLE';
    const r = await gql(
      app,
      ENTITIES(`hetu surname recordHolders regionMissingSources { instance code } vtjFacts { turvakielto } ${REFERENCES}`),
      {
        r: [{ __typename: 'Customer', hetu: PARENT }],
      },
    );
    const c = (r.data!._entities as Obj[])[0]!;
    // A professional reads BASIC of anyone: VTJ unreadable leaves the names empty, not refused.
    expect(c).toMatchObject({
      hetu: PARENT,
      surname: null,
      vtjFacts: null,
      recordHolders: ['porvoo', 'loviisa'],
      regionMissingSources: [{ instance: 'vtj', code: 'SOURCE_UNAVAILABLE' }],
    });
    expect(referencesOf(c).map(([, typename]) => typename)).toEqual(['PorvooRecords', 'LoviisaRecords']);
    expect(r.errors).toEqual([
      {
        message: 'Source vtj could not be read (SOURCE_UNAVAILABLE); the answer lacks its data.',
        extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'vtj', reason: 'SOURCE_UNAVAILABLE' },
      },
    ]);
  });

  it('still answers a lookup when VTJ is down, with the index’s references', async () => {
    vtj.failWith = 'SOURCE_UNAVAILABLE';
    const r = await gql(app, `query ($h: ID!) { customer(hetu: $h) { hetu recordHolders } }`, { h: PARENT });
    expect(r.data).toEqual({ customer: { hetu: PARENT, recordHolders: ['porvoo', 'loviisa'] } });
    expect(r.errors).toMatchObject([{ extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'vtj' } }]);
  });

  it('reports a failing person index as a missing source, never an empty silence', async () => {
    locator.failing = true;
    const r = await gql(app, CUSTOMER, { h: PARENT });
    const c = r.data!.customer as Obj;
    expect(c).toMatchObject({
      surname: 'Åkerberg',
      recordHolders: [],
      regionMissingSources: [{ instance: 'person-index', code: 'SOURCE_UNAVAILABLE' }],
    });
    expect(referencesOf(c)).toEqual([]);
    expect(r.errors).toMatchObject([{ extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'person-index' } }]);
  });

  it('resolves Customer references through _entities, batching VTJ and the index', async () => {
    const r = await gql(app, ENTITIES('hetu surname recordHolders porvooRecords { __typename } loviisaRecords { __typename }'), {
      r: [
        { __typename: 'Customer', hetu: PARENT },
        { __typename: 'Customer', hetu: CHILD },
        { __typename: 'Customer', hetu: NOBODY },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities).toEqual([
      {
        hetu: PARENT,
        surname: 'Åkerberg',
        recordHolders: ['porvoo', 'loviisa'],
        porvooRecords: { __typename: 'PorvooRecords' },
        loviisaRecords: { __typename: 'LoviisaRecords' },
      },
      { hetu: CHILD, surname: 'Åkerberg', recordHolders: [], porvooRecords: null, loviisaRecords: null },
      { hetu: NOBODY, surname: null, recordHolders: [], porvooRecords: null, loviisaRecords: null },
    ]);
    expect(vtj.calls).toEqual([[PARENT, CHILD, NOBODY]]);
    expect(locator.calls).toEqual([[PARENT, CHILD, NOBODY]]);
  });

  it('lists the municipalities and the index status', async () => {
    const r = await gql(app, `{ municipalities { code nameFi nameSv } sourceStatus { instance state lagSeconds } }`);
    expect((r.data!.municipalities as Obj[]).length).toBe(7);
    expect(r.data!.municipalities).toContainEqual({ code: '504', nameFi: 'Myrskylä', nameSv: 'Mörskom' });
    // The index keeps its states lower-case; the API gives the SourceIndexState enum.
    expect(r.data!.sourceStatus).toEqual([{ instance: 'lifecare-porvoo', state: 'READY', lagSeconds: 4 }]);
  });

  it('refuses anonymous callers and analysts before VTJ or the index is asked', async () => {
    const anon = await gql(app, CUSTOMER, { h: PARENT }, null);
    expect(anon.data).toEqual({ customer: null });
    expect(anon.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['UNAUTHENTICATED', 'NOT_AUTHENTICATED']]);
    const analyst = await gql(app, CUSTOMER, { h: PARENT }, { kind: 'analyst', sub: 'a' });
    expect(analyst.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'AGGREGATES_ONLY']]);
    const entities = await gql(app, ENTITIES('surname recordHolders'), { r: [{ __typename: 'Customer', hetu: PARENT }] }, null);
    expect(entities.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'NOT_AUTHENTICATED' });
    expect(vtj.calls).toEqual([]);
    expect(locator.calls).toEqual([]);
  });

  it('lets a citizen ask for themself and their minor dependant, and refuses anyone else as NOT_OWN_DATA without reading a source', async () => {
    const parent: Identity = { kind: 'citizen', sub: 'c-parent', hetu: PARENT };
    expect((await gql(app, CUSTOMER, { h: PARENT }, parent)).data?.customer).toMatchObject({ hetu: PARENT, surname: 'Åkerberg' });
    expect((await gql(app, CUSTOMER, { h: CHILD }, parent)).data?.customer).toMatchObject({ hetu: CHILD, firstNames: 'Elsa' });
    locator.calls.length = 0;
    const child: Identity = { kind: 'citizen', sub: 'c-child', hetu: CHILD };
    const r = await gql(app, CUSTOMER, { h: PARENT }, child);
    expect(r.data).toEqual({ customer: null });
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'NOT_OWN_DATA']]);
    expect(locator.calls).toEqual([]);
  });

  describe('relatives and VTJ’s data groups', () => {
    const parent: Identity = { kind: 'citizen', sub: 'c-parent', hetu: PARENT };

    it('lets a guardian read their dependants’ names, audited as the child’s BASIC data on the basis FAMILY_RELATION', async () => {
      const r = await post(app, CUSTOMER_RELATIVES, { h: PARENT }, parent, 'relatives-own');
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ customer: { hetu: PARENT, guardians: [], dependants: [{ hetu: CHILD, firstNames: 'Elsa' }] } });
      expect(await auditOf('relatives-own')).toEqual([
        [PARENT, ['BASIC'], 'ALLOWED', 'SELF'],
        [CHILD, ['BASIC'], 'ALLOWED', 'FAMILY_RELATION'],
      ]);
    });

    it('goes on from a relative to the relative as a customer, decided as that person’s own data', async () => {
      const r = await post(
        app,
        `query ($h: ID!) { customer(hetu: $h) { dependants { hetu customer { hetu surname address { cityFi } } } } }`,
        { h: PARENT },
        parent,
        'relatives-customer',
      );
      expect(r.errors).toBeUndefined();
      // The child has no address in VTJ; the guardian may read it (no turvakielto): null, not refused.
      expect(r.data).toEqual({
        customer: { dependants: [{ hetu: CHILD, customer: { hetu: CHILD, surname: 'Åkerberg', address: null } }] },
      });
      expect(await auditOf('relatives-customer')).toEqual([
        [PARENT, ['BASIC'], 'ALLOWED', 'SELF'],
        [CHILD, ['BASIC'], 'ALLOWED', 'FAMILY_RELATION'],
        [CHILD, ['BASIC', 'CONTACT'], 'ALLOWED', 'GUARDIAN'],
      ]);
    });

    it('refuses another citizen a stranger’s guardians as NOT_OWN_DATA, reading no relative from VTJ', async () => {
      const stranger: Identity = { kind: 'citizen', sub: 'c-stranger', hetu: makeHetu('1970-01-01', 937) };
      const r = await post(
        app,
        ENTITIES('guardians { hetu surname firstNames }'),
        { r: [{ __typename: 'Customer', hetu: CHILD }] },
        stranger,
        'relatives-stranger',
      );
      expect(r.data).toEqual({ _entities: [{ guardians: null }] });
      expect(r.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.reason, e.extensions?.dataGroup])).toEqual([
        ['_entities.0.guardians', 'FORBIDDEN', 'NOT_OWN_DATA', 'BASIC'],
      ]);
      expect(JSON.stringify(r)).not.toContain(PARENT);
      // Only the child was read (to decide); the guardian's name never was.
      expect(vtj.calls.flat()).not.toContain(PARENT);
      expect(await auditOf('relatives-stranger')).toEqual([[CHILD, ['BASIC'], 'DENIED', 'NOT_OWN_DATA']]);
    });

    it('refuses a professional the contact details of a person under turvakielto as TURVAKIELTO, while serving the name', async () => {
      const r = await post(
        app,
        `query ($h: ID!) { customer(hetu: $h) { hetu surname turvakielto address { streetFi cityFi } municipality { code } } }`,
        { h: PROTECTED },
        PRO,
        'turvakielto-pro',
      );
      expect(r.data).toEqual({ customer: { hetu: PROTECTED, surname: 'Suojattu', turvakielto: true, address: null, municipality: null } });
      expect(r.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.reason, e.extensions?.dataGroup]).sort()).toEqual([
        ['customer.address', 'FORBIDDEN', 'TURVAKIELTO', 'CONTACT'],
        ['customer.municipality', 'FORBIDDEN', 'TURVAKIELTO', 'CONTACT'],
      ]);
      expect(JSON.stringify(r)).not.toContain('Salainen');
      expect(await auditOf('turvakielto-pro')).toEqual([
        [PROTECTED, [], 'ALLOWED', 'PROFESSIONAL_ROLE'],
        [PROTECTED, ['BASIC'], 'ALLOWED', 'PROFESSIONAL_ROLE'],
        [PROTECTED, ['CONTACT'], 'DENIED', 'TURVAKIELTO'],
      ]);
      // The person themself reads their contact details.
      const self = await post(
        app,
        `query ($h: ID!) { customer(hetu: $h) { address { cityFi } } }`,
        { h: PROTECTED },
        { kind: 'citizen', sub: 'c-protected', hetu: PROTECTED },
        'turvakielto-self',
      );
      expect(self).toMatchObject({ data: { customer: { address: { cityFi: 'Porvoo' } } }, errors: undefined });
    });
  });

  it('starts emergency access for professionals with a reason, refuses others, and shows it in the citizen’s read log', async () => {
    const M = `mutation ($h: ID!, $r: String!) { startEmergencyAccess(hetu: $h, reason: $r) { hetu reason startedAt expiresAt } }`;
    const ok = await gql(app, M, { h: PARENT, r: 'Unconscious patient brought in' });
    expect(ok.data?.startEmergencyAccess).toEqual({
      hetu: PARENT,
      reason: 'Unconscious patient brought in',
      startedAt: '2025-06-01T12:00:00+03:00',
      expiresAt: '2025-06-01T16:00:00+03:00',
    });
    const short = await gql(app, M, { h: PARENT, r: 'because' });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EMERGENCY_REASON_REQUIRED' });
    const citizen = await gql(app, M, { h: PARENT, r: 'Unconscious patient brought in' }, { kind: 'citizen', sub: 'c', hetu: CHILD });
    expect(citizen.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });
    const me: Identity = { kind: 'citizen', sub: 'c-parent', hetu: PARENT };
    const reads = await gql(
      app,
      `{ myDataReads { edges { node { action readerRole readerName outcome basis emergency emergencyReason } } } myDataReadsFhir }`,
      {},
      me,
    );
    // The professional's earlier lookups of this person are in the log too (LOOKUP); here only the emergency events.
    const emergencyReads = (reads.data?.myDataReads as { edges: { node: Obj }[] }).edges
      .map((e) => e.node)
      .filter((n) => n.action === 'EMERGENCY_ACCESS');
    expect(emergencyReads).toEqual([
      // Newest first: the refused attempt by a citizen is in the log too.
      {
        action: 'EMERGENCY_ACCESS',
        readerRole: 'CITIZEN',
        readerName: null,
        outcome: 'DENIED',
        basis: null,
        emergency: false,
        emergencyReason: null,
      },
      {
        action: 'EMERGENCY_ACCESS',
        readerRole: 'PROFESSIONAL',
        readerName: 'Testi Ammattilainen',
        outcome: 'ALLOWED',
        basis: 'EMERGENCY',
        emergency: true,
        emergencyReason: 'Unconscious patient brought in',
      },
    ]);
    const bundle = JSON.parse(reads.data?.myDataReadsFhir as string) as {
      resourceType: string;
      entry: { resource: { resourceType: string; action: string; type: { code: string } } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.filter((e) => e.resource.type.code === '110113').map((e) => [e.resource.resourceType, e.resource.action])).toEqual([
      ['AuditEvent', 'E'],
      ['AuditEvent', 'E'],
    ]);
    const pro = await gql(app, `{ myDataReads { edges { node { at } } } }`, {}, PRO);
    expect(pro.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });
  });

  describe('lookups by identity code', () => {
    const LOOKER: Identity = { ...PRO, sub: 'pro-lookup', name: 'Lotta Etsijä' };
    const UNKNOWN = makeHetu('1999-09-10', 935);
    /** Posts `customer(hetu) { hetu }` under a request id of its own; returns the raw body. */
    const lookup = async (target: typeof app, hetu: string, identity: Identity, requestId: string) =>
      (
        await target.inject({
          method: 'POST',
          url: '/graphql',
          headers: { ...(await gatewayHeaders(target, identity, requestId)), 'content-type': 'application/json' },
          payload: JSON.stringify({ query: `{ customer(hetu: "${hetu}") { hetu } }` }),
        })
      ).body;

    it('writes a professional’s lookup to the audit log with what it answered: FOUND or NOT_FOUND, no data groups', async () => {
      expect(await lookup(app, PARENT, LOOKER, 'lookup-found')).toBe(`{"data":{"customer":{"hetu":"${PARENT}"}}}`);
      expect(await lookup(app, UNKNOWN, LOOKER, 'lookup-unknown')).toBe('{"data":{"customer":null}}');
      expect((await audit.byRequest('lookup-found')).map(({ id: _id, ...rest }) => rest)).toEqual([
        {
          at: NOW,
          requestId: 'lookup-found',
          action: 'LOOKUP',
          actorSub: 'pro-lookup',
          actorRole: 'professional',
          actorName: 'Lotta Etsijä',
          subjectHetu: PARENT,
          dataGroups: [],
          outcome: 'ALLOWED',
          basis: 'PROFESSIONAL_ROLE',
          emergency: false,
          lookupResult: 'FOUND',
        },
      ]);
      expect((await audit.byRequest('lookup-unknown')).map((e) => [e.action, e.subjectHetu, e.outcome, e.basis, e.lookupResult])).toEqual([
        ['LOOKUP', UNKNOWN, 'ALLOWED', 'PROFESSIONAL_ROLE', 'NOT_FOUND'],
      ]);
    });

    it('shows the lookup in the citizen’s read log', async () => {
      const me: Identity = { kind: 'citizen', sub: 'c-parent', hetu: PARENT };
      const r = await gql(
        app,
        `{ myDataReads(first: 100) { edges { node { action readerName basis dataGroups outcome lookupResult } } } }`,
        {},
        me,
      );
      expect((r.data!.myDataReads as { edges: { node: Obj }[] }).edges.map((e) => e.node)).toContainEqual({
        action: 'LOOKUP',
        readerName: 'Lotta Etsijä',
        basis: 'PROFESSIONAL_ROLE',
        dataGroups: [],
        outcome: 'ALLOWED',
        lookupResult: 'FOUND',
      });
    });

    it('fails closed: when the lookup cannot be written, neither a known nor an unknown code is answered', async () => {
      const down = createRegionSubgraph({
        vtj,
        locator,
        logger: silentLogger,
        internalKey: TEST_INTERNAL_KEY,
        audit,
        auditSink: { record: () => Promise.reject(new Error('audit insert failed')) },
        emergency,
        clock,
      });
      try {
        const refusal =
          '{"data":{"customer":null},"errors":[{"message":"The read could not be recorded in the audit log, so the data is not returned.","locations":[{"line":1,"column":3}],"path":["customer"],"extensions":{"code":"FORBIDDEN","reason":"AUDIT_UNAVAILABLE"}}]}';
        // The same answer for a known and an unknown code: nothing to tell them apart.
        expect(await lookup(down, PARENT, LOOKER, 'lookup-down-1')).toBe(refusal);
        expect(await lookup(down, UNKNOWN, LOOKER, 'lookup-down-2')).toBe(refusal);
        // A citizen's own lookup is not a lookup the log records (their field reads are): still answered.
        expect(await lookup(down, PARENT, { kind: 'citizen', sub: 'c-parent', hetu: PARENT }, 'lookup-down-3')).toBe(
          `{"data":{"customer":{"hetu":"${PARENT}"}}}`,
        );
      } finally {
        await down.close();
      }
    });

    it('records no lookup for citizens, and none for callers refused before any source (anonymous, analysts)', async () => {
      await lookup(app, PARENT, { kind: 'citizen', sub: 'c-parent', hetu: PARENT }, 'lookup-citizen');
      await lookup(app, CHILD, { kind: 'citizen', sub: 'c-parent', hetu: PARENT }, 'lookup-guardian');
      await lookup(app, PARENT, { kind: 'citizen', sub: 'c-child', hetu: CHILD }, 'lookup-not-own');
      await lookup(app, PARENT, { kind: 'analyst', sub: 'a' }, 'lookup-analyst');
      for (const r of ['lookup-citizen', 'lookup-guardian', 'lookup-not-own', 'lookup-analyst'])
        expect(await audit.byRequest(r), r).toEqual([]);
    });

    it('writes the lookups of an aliased query together, one per code', async () => {
      const body = (
        await app.inject({
          method: 'POST',
          url: '/graphql',
          headers: { ...(await gatewayHeaders(app, LOOKER, 'lookup-aliased')), 'content-type': 'application/json' },
          payload: JSON.stringify({
            query: `{ a: customer(hetu: "${PARENT}") { hetu } b: customer(hetu: "${UNKNOWN}") { hetu } c: customer(hetu: "${CHILD}") { hetu } }`,
          }),
        })
      ).body;
      expect(body).toBe(`{"data":{"a":{"hetu":"${PARENT}"},"b":null,"c":{"hetu":"${CHILD}"}}}`);
      expect((await audit.byRequest('lookup-aliased')).map((e) => [e.subjectHetu, e.lookupResult])).toEqual([
        [PARENT, 'FOUND'],
        [UNKNOWN, 'NOT_FOUND'],
        [CHILD, 'FOUND'],
      ]);
    });
  });

  describe('the citizen’s read log, paged', () => {
    const SUBJECT = makeHetu('1971-03-03', 941);
    const me: Identity = { kind: 'citizen', sub: 'c-subject', hetu: SUBJECT };
    const PAGE = `query ($first: Int, $after: String) { myDataReads(first: $first, after: $after) {
      edges { cursor node { at readerName } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      edges: { cursor: string; node: { at: string; readerName: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    const written: string[] = [];

    beforeAll(async () => {
      // The injected clock stands still: 13 reads by 13 professionals in one millisecond.
      const at = new Date(Date.parse('2025-06-01T09:00:00.250Z'));
      const events = Array.from({ length: 13 }, (_, i) => ({
        at,
        requestId: `paging-${i}`,
        action: 'READ' as const,
        actorSub: `pro-${i}`,
        actorRole: 'professional' as const,
        actorName: `Reader ${String(i).padStart(2, '0')}`,
        subjectHetu: SUBJECT,
        dataGroups: ['BASIC' as const],
        outcome: 'ALLOWED' as const,
        basis: 'CARE_RELATION' as const,
        emergency: false,
      }));
      written.push(...(await audit.record(events)));
    });

    it('returns every entry exactly once, newest first, page by page, with `at` to the millisecond', async () => {
      const names: string[] = [];
      const sizes: number[] = [];
      let after: string | null = null;
      for (let i = 0; i < 20; i++) {
        const r = await gql(app, PAGE, { first: 2, after }, me);
        expect(r.errors).toBeUndefined();
        const page = r.data!.myDataReads as Page;
        sizes.push(page.edges.length);
        names.push(...page.edges.map((e) => e.node.readerName));
        expect(page.edges.every((e) => e.node.at === '2025-06-01T12:00:00.250+03:00')).toBe(true);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
        after = page.pageInfo.endCursor;
        if (!page.pageInfo.hasNextPage) break;
      }
      expect(sizes).toEqual([2, 2, 2, 2, 2, 2, 1]);
      // Same instant: the later write (higher id) first.
      expect(names).toEqual(Array.from({ length: 13 }, (_, i) => `Reader ${String(12 - i).padStart(2, '0')}`));
    });

    it('gives every entry a stable opaque id, the same in every page and request', async () => {
      const ids = async (first: number) =>
        (
          (await gql(app, `query ($first: Int) { myDataReads(first: $first) { edges { node { id } } } }`, { first }, me)).data!
            .myDataReads as { edges: { node: { id: string } }[] }
        ).edges.map((e) => e.node.id);
      const all = await ids(13);
      expect(new Set(all).size).toBe(13);
      for (const id of all) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await ids(5)).toEqual(all.slice(0, 5));
      expect(await ids(13)).toEqual(all);
    });

    it('serves the exact wire payload of a page: opaque cursors holding the sort key only', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { ...(await gatewayHeaders(app, me)), 'content-type': 'application/json' },
        payload: JSON.stringify({
          query: '{ myDataReads(first: 1) { edges { cursor node { at readerName } } pageInfo { hasNextPage endCursor } } }',
        }),
      });
      const cursor = JSON.parse(res.body).data.myDataReads.pageInfo.endCursor as string;
      expect(Buffer.from(cursor, 'base64url').toString()).toMatch(
        new RegExp(`^r1\\.1748768400250000\\.${written.at(-1)}\\.[A-Za-z0-9_-]{16}$`),
      );
      expect(res.body).toBe(
        `{"data":{"myDataReads":{"edges":[{"cursor":"${cursor}","node":{"at":"2025-06-01T12:00:00.250+03:00","readerName":"Reader 12"}}],"pageInfo":{"hasNextPage":true,"endCursor":"${cursor}"}}}}`,
      );
      expect(cursor).not.toContain(SUBJECT);
      expect(Buffer.from(cursor, 'base64url').toString()).not.toContain(SUBJECT.slice(0, 6));
    });

    it('pages the FHIR Bundle the same way: a next link carrying the cursor, none on the last page', async () => {
      const ids: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const r = await gql(app, `query ($after: String) { myDataReadsFhir(first: 5, after: $after) }`, { after }, me);
        expect(r.errors).toBeUndefined();
        const bundle = JSON.parse(r.data!.myDataReadsFhir as string) as {
          type: string;
          link?: { relation: string; url: string }[];
          entry: { resource: { id: string; recorded: string } }[];
        };
        expect(bundle.type).toBe('searchset');
        ids.push(...bundle.entry.map((e) => e.resource.id));
        expect(bundle.entry.every((e) => e.resource.recorded === '2025-06-01T12:00:00.250+03:00')).toBe(true);
        const next = bundle.link?.find((l) => l.relation === 'next');
        if (!next) break;
        after = new URLSearchParams(next.url.split('?')[1]).get('after');
        expect(next.url).toBe(`myDataReadsFhir?first=5&after=${after}`);
      }
      expect(ids).toEqual([...written].reverse());
    });

    it('refuses a first out of 1..100 and a malformed or tampered cursor as BAD_USER_INPUT, reading nothing', async () => {
      for (const first of [0, 101, -1]) {
        const r = await gql(app, PAGE, { first }, me);
        expect(r.data).toBeNull();
        expect(r.errors).toEqual([
          {
            message: `expected first as a whole number from 1 to 100, received ${first}`,
            locations: expect.any(Array),
            path: ['myDataReads'],
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ]);
      }
      const good = ((await gql(app, PAGE, { first: 1 }, me)).data!.myDataReads as Page).pageInfo.endCursor!;
      // Another row number under the same check: edited.
      const tampered = Buffer.from(
        Buffer.from(good, 'base64url')
          .toString()
          .replace(/^(r1\.\d+\.)\d+/, '$11'),
      ).toString('base64url');
      const stranger: Identity = { kind: 'citizen', sub: 'c-other', hetu: PARENT };
      const borrowed = ((await gql(app, PAGE, { first: 1 }, stranger)).data!.myDataReads as Page).pageInfo.endCursor!;
      expect(borrowed).not.toBeNull();
      for (const after of ['', 'garbage', `${good}x`, tampered, borrowed, Buffer.from(`r1.1.${SUBJECT}`).toString('base64url')]) {
        const r = await gql(app, PAGE, { first: 2, after }, me);
        expect(r.data).toBeNull();
        expect(r.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
          ['BAD_USER_INPUT', 'expected a cursor from a previous page (endCursor or an edge cursor), received another value'],
        ]);
      }
    });
  });
});
