import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHetu } from '../../adapters/core/hetu.ts';
import { silentLogger } from '../shared/logger.ts';
import { createMemoryLocator } from '../shared/memoryLocator.ts';
import { decodeRecordsRef } from '../shared/recordsRef.ts';
import { FakeVtj, gql, TEST_INTERNAL_KEY, vtjPerson } from '../testing/fakes.ts';
import { createRegionSubgraph } from './subgraph.ts';

const PARENT = makeHetu('1980-04-04', 931);
const CHILD = makeHetu('2016-01-20', 932, 'A');
const ONLY_IN_SOURCES = makeHetu('1955-05-05', 933);
const NOBODY = makeHetu('1999-09-09', 934);

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
  [{ instance: 'lifecare-porvoo', state: 'ready', built: true, persons: 10, lastSuccessfulPoll: '2025-06-01T12:00:00+03:00', lastChangeSeen: null, lagSeconds: 4, lastErrorCode: null }],
);
const app = createRegionSubgraph({ vtj, locator, logger: silentLogger, internalKey: TEST_INTERNAL_KEY });
afterAll(() => app.close());
beforeEach(() => {
  vtj.calls.length = 0;
  vtj.failWith = undefined;
  locator.calls.length = 0;
  locator.failing = false;
});

const CUSTOMER = `query ($h: ID!) { customer(hetu: $h) {
  hetu birthDate hetuInForce surname firstNames language turvakielto deathDate
  address { streetFi streetSv postalCode cityFi citySv } municipality { code nameFi nameSv }
  guardians { hetu surname } dependants { hetu firstNames guardians { hetu } }
  sources { __typename id municipality { code nameFi } }
  regionMissingSources { instance code }
} }`;

type Obj = Record<string, unknown>;

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
      dependants: [{ hetu: CHILD, firstNames: 'Elsa', guardians: [{ hetu: PARENT }] }],
      regionMissingSources: [],
    });
    const sources = c.sources as { __typename: string; id: string; municipality: Obj }[];
    expect(sources.map((s) => [s.__typename, s.municipality.code])).toEqual([
      ['PorvooRecords', '638'],
      ['LoviisaRecords', '434'],
    ]);
    expect(sources.map((s) => decodeRecordsRef(s.id))).toEqual([
      { hetu: PARENT, municipality: '638', instances: ['lifecare-porvoo'] },
      { hetu: PARENT, municipality: '434', instances: ['pegasos-loviisa', 'proconsona-loviisa'] },
    ]);
    // The parent and the child were read from VTJ in two rounds (parent, then dependants), each batched.
    expect(vtj.calls).toEqual([[PARENT], [CHILD]]);
  });

  it('refers a person of a shared instance with unknown municipality to every municipality it serves', async () => {
    const r = await gql(app, CUSTOMER, { h: ONLY_IN_SOURCES });
    const c = r.data!.customer as Obj;
    expect(c).toMatchObject({ hetu: ONLY_IN_SOURCES, surname: null, address: null, guardians: [], dependants: [] });
    expect((c.sources as { __typename: string }[]).map((s) => s.__typename)).toEqual(['LoviisaRecords', 'LapinjarviRecords']);
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
    const r = await gql(app, CUSTOMER, { h: PARENT });
    const c = r.data!.customer as Obj;
    expect(c).toMatchObject({ surname: null, dependants: [], regionMissingSources: [{ instance: 'vtj', code: 'SOURCE_UNAVAILABLE' }] });
    expect((c.sources as unknown[]).length).toBe(2);
    expect(r.errors).toEqual([
      { message: 'Source vtj could not be read (SOURCE_UNAVAILABLE); the answer lacks its data.', extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'vtj', reason: 'SOURCE_UNAVAILABLE' } },
    ]);
  });

  it('reports a failing person index as a missing source, never an empty silence', async () => {
    locator.failing = true;
    const r = await gql(app, CUSTOMER, { h: PARENT });
    expect(r.data!.customer).toMatchObject({ surname: 'Åkerberg', sources: [], regionMissingSources: [{ instance: 'person-index', code: 'SOURCE_UNAVAILABLE' }] });
    expect(r.errors).toMatchObject([{ extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'person-index' } }]);
  });

  it('resolves Customer references through _entities, batching VTJ and the index', async () => {
    const r = await gql(app, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { hetu surname sources { __typename } } } }`, {
      r: [
        { __typename: 'Customer', hetu: PARENT },
        { __typename: 'Customer', hetu: CHILD },
        { __typename: 'Customer', hetu: NOBODY },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities).toEqual([
      { hetu: PARENT, surname: 'Åkerberg', sources: [{ __typename: 'PorvooRecords' }, { __typename: 'LoviisaRecords' }] },
      { hetu: CHILD, surname: 'Åkerberg', sources: [] },
      { hetu: NOBODY, surname: null, sources: [] },
    ]);
    expect(vtj.calls).toEqual([[PARENT, CHILD, NOBODY]]);
    expect(locator.calls).toEqual([[PARENT, CHILD, NOBODY]]);
  });

  it('lists the municipalities and the index status', async () => {
    const r = await gql(app, `{ municipalities { code nameFi nameSv } sourceStatus { instance state lagSeconds } }`);
    expect((r.data!.municipalities as Obj[]).length).toBe(7);
    expect(r.data!.municipalities).toContainEqual({ code: '504', nameFi: 'Myrskylä', nameSv: 'Mörskom' });
    expect(r.data!.sourceStatus).toEqual([{ instance: 'lifecare-porvoo', state: 'ready', lagSeconds: 4 }]);
  });
});
