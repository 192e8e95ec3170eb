import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';
import { silentLogger } from '../server/logger.ts';
import { encodeRecordsRef } from './recordsRef.ts';
import {
  appointment,
  consent,
  customership,
  FakeSourceAdapter,
  fee,
  gatewayHeaders,
  gql as gqlAs,
  prov,
  records,
  TEST_INTERNAL_KEY,
} from '../testSupport/fakes.ts';
import type { Identity } from '../../contract/identity.ts';
import { sourcesFor } from '../services.ts';
import { createMunicipalitySubgraph } from './subgraph.ts';

/** The planner's calls carry a signed-in identity (anonymous callers and analysts are refused before any source is read). */
const READER: Identity = { kind: 'citizen', sub: 'reader', hetu: '010101-900R' };
const gql = (
  app: Parameters<typeof gqlAs>[0],
  query: string,
  variables: Record<string, unknown> = {},
  identity: Identity | null = READER,
) => gqlAs(app, query, variables, identity);

const LAPINJARVI_PERSON = makeHetu('1950-06-01', 901);
const LOVIISA_PERSON = makeHetu('1962-02-11', 902);
const OTHER = makeHetu('1990-12-24', 903);

// pegasos-loviisa serves Loviisa (434) and Lapinjärvi (407): each record carries the municipality it has for the person.
const pegasos = new FakeSourceAdapter('pegasos-loviisa', {
  [LAPINJARVI_PERSON]: records(LAPINJARVI_PERSON, 'pegasos-loviisa', {
    appointments: [appointment(prov('pegasos-loviisa', '407', 'K1'), '2025-10-26T03:30:00+03:00')],
    fees: [fee(prov('pegasos-loviisa', '407', 'M1'), '2025-02-03', 4150)],
  }),
  [LOVIISA_PERSON]: records(LOVIISA_PERSON, 'pegasos-loviisa', {
    appointments: [appointment(prov('pegasos-loviisa', '434', 'K2'), '2025-03-30T04:30:00+03:00')],
  }),
  [OTHER]: records(OTHER, 'pegasos-loviisa', {
    appointments: [appointment(prov('pegasos-loviisa', '434', 'K3'), '2025-01-02T10:00:00+02:00')],
  }),
});
const mediatri = new FakeSourceAdapter('mediatri-loviisa', {
  [LOVIISA_PERSON]: records(LOVIISA_PERSON, 'mediatri-loviisa', {
    appointments: [appointment(prov('mediatri-loviisa', '434', 'A7'), '2025-04-01T09:00:00+03:00', { careArea: 'ORAL_HEALTH' })],
  }),
});
const proconsona = new FakeSourceAdapter('proconsona-loviisa', {
  [LOVIISA_PERSON]: records(LOVIISA_PERSON, 'proconsona-loviisa', {
    customerships: [customership(prov('proconsona-loviisa', '434', '12'), '2024-05-01')],
    consents: [consent(prov('proconsona-loviisa', '434', '3'), '2024-05-02')],
  }),
});
const adapters = new Map<InstanceId, FakeSourceAdapter>([
  ['pegasos-loviisa', pegasos],
  ['mediatri-loviisa', mediatri],
  ['proconsona-loviisa', proconsona],
]);
const loviisa = createMunicipalitySubgraph({
  municipality: '434',
  sources: sourcesFor('434', adapters),
  logger: silentLogger,
  internalKey: TEST_INTERNAL_KEY,
});
const lapinjarvi = createMunicipalitySubgraph({
  municipality: '407',
  sources: sourcesFor('407', adapters),
  logger: silentLogger,
  internalKey: TEST_INTERNAL_KEY,
});
afterAll(async () => {
  await Promise.all([loviisa.close(), lapinjarvi.close()]);
});

/** The record kinds as the lists subgraph's requirements select them: canonical JSON (RecordList), one array per kind. */
const FIELDS = `id appointments customerships consents fees missingSources { instance code }`;
/** An _entities query for the records type of one subgraph (each knows only its own). */
const entities = (typename: string) => `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${FIELDS} } } }`;
const LOVIISA = entities('LoviisaRecords');
const LAPINJARVI = entities('LapinjarviRecords');

function ref(typename: string, hetu: string, municipality: MunicipalityCode, instances: InstanceId[]) {
  return { __typename: typename, id: encodeRecordsRef({ hetu, municipality, instances }) };
}

function resetCalls(): void {
  for (const a of adapters.values()) {
    a.calls.length = 0;
    a.failWith = undefined;
  }
}

describe('municipality subgraph', () => {
  it('serves a Lapinjärvi person from pegasos-loviisa in the Lapinjärvi subgraph, not in Loviisa’s', async () => {
    resetCalls();
    const reference = ref('LapinjarviRecords', LAPINJARVI_PERSON, '407', ['pegasos-loviisa']);
    const res = await lapinjarvi.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(lapinjarvi, READER)) },
      payload: { query: LAPINJARVI, variables: { r: [reference] } },
    });
    // The wire: each kind a JSON array of canonical items, provenance naming the municipality by its code.
    expect(res.body).toBe(
      `{"data":{"_entities":[{"id":"${reference.id}",` +
        `"appointments":[{"careArea":"PRIMARY_HEALTH","start":"2025-10-26T03:30:00+03:00","durationMinutes":30,"unit":{"name":"Terveysasema"},"status":"BOOKED",` +
        `"source":{"instance":"pegasos-loviisa","product":"pegasos","municipality":"407","localId":"K1"}}],` +
        `"customerships":[],"consents":[],` +
        `"fees":[{"register":"HEALTH","date":"2025-02-03","description":"Käyntimaksu","amountCents":4150,"accruesToCeiling":true,"status":"OPEN",` +
        `"source":{"instance":"pegasos-loviisa","product":"pegasos","municipality":"407","localId":"M1"}}],` +
        `"missingSources":[]}]}}`,
    );
    // The same instance read for Loviisa: the records are Lapinjärvi's, so none of them.
    const l = await gql(loviisa, LOVIISA, { r: [ref('LoviisaRecords', LAPINJARVI_PERSON, '434', ['pegasos-loviisa'])] });
    expect(l.errors).toBeUndefined();
    expect(l.data).toMatchObject({ _entities: [{ appointments: [], fees: [], missingSources: [] }] });
  });

  it('reads only the instances the reference names, batching persons per instance in one call', async () => {
    resetCalls();
    const r = await gql(loviisa, LOVIISA, {
      r: [
        ref('LoviisaRecords', LOVIISA_PERSON, '434', ['pegasos-loviisa', 'proconsona-loviisa']),
        ref('LoviisaRecords', OTHER, '434', ['pegasos-loviisa']),
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(pegasos.calls).toEqual([[LOVIISA_PERSON, OTHER]]);
    expect(proconsona.calls).toEqual([[LOVIISA_PERSON]]);
    expect(mediatri.calls).toEqual([]);
    const [first, second] = (r.data!._entities as Record<string, unknown>[])!;
    expect(first).toEqual({
      id: expect.any(String),
      appointments: [appointment(prov('pegasos-loviisa', '434', 'K2'), '2025-03-30T04:30:00+03:00')],
      customerships: [customership(prov('proconsona-loviisa', '434', '12'), '2024-05-01')],
      consents: [consent(prov('proconsona-loviisa', '434', '3'), '2024-05-02')],
      fees: [],
      missingSources: [],
    });
    expect(second).toMatchObject({ appointments: [{ source: { localId: 'K3', municipality: '434' } }] });
  });

  it('serves the other sources when one fails, lists it in missingSources and adds one SOURCE_UNAVAILABLE error naming it', async () => {
    resetCalls();
    mediatri.failWith = 'SOURCE_UNAVAILABLE';
    const instances: InstanceId[] = ['mediatri-loviisa', 'pegasos-loviisa', 'proconsona-loviisa'];
    const r = await gql(loviisa, LOVIISA, {
      r: [ref('LoviisaRecords', LOVIISA_PERSON, '434', instances), ref('LoviisaRecords', OTHER, '434', instances)],
    });
    expect(r.status).toBe(200);
    const [first, second] = r.data!._entities as Record<string, unknown>[];
    expect(first).toMatchObject({
      appointments: [{ source: { instance: 'pegasos-loviisa' } }],
      customerships: [{ startDate: '2024-05-01' }],
      missingSources: [{ instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' }],
    });
    expect(second).toMatchObject({ missingSources: [{ instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' }] });
    // One error per missing source, not per person or field.
    expect(r.errors).toEqual([
      {
        message: 'Source mediatri-loviisa could not be read (SOURCE_UNAVAILABLE); the answer lacks its data.',
        extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'mediatri-loviisa', reason: 'SOURCE_UNAVAILABLE' },
      },
    ]);
    expect(JSON.stringify(r.errors)).not.toContain(LOVIISA_PERSON);
  });

  it('reports an instance it has no adapter for as missing, never a silent gap', async () => {
    resetCalls();
    const alone = createMunicipalitySubgraph({
      municipality: '434',
      sources: new Map([['pegasos-loviisa', pegasos]]),
      logger: silentLogger,
      internalKey: TEST_INTERNAL_KEY,
    });
    const r = await gql(alone, LOVIISA, { r: [ref('LoviisaRecords', LOVIISA_PERSON, '434', ['pegasos-loviisa', 'mediatri-loviisa'])] });
    expect(r.data).toMatchObject({
      _entities: [
        { appointments: [{ source: { localId: 'K2' } }], missingSources: [{ instance: 'mediatri-loviisa', code: 'NOT_CONFIGURED' }] },
      ],
    });
    expect(r.errors).toMatchObject([
      { extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'mediatri-loviisa', reason: 'NOT_CONFIGURED' } },
    ]);
    await alone.close();
  });

  it('refuses a reference to another municipality or a forged id, without calling any source', async () => {
    resetCalls();
    const r = await gql(lapinjarvi, LAPINJARVI, {
      r: [ref('LapinjarviRecords', LOVIISA_PERSON, '434', ['pegasos-loviisa']), { __typename: 'LapinjarviRecords', id: 'not-a-reference' }],
    });
    expect(r.data).toEqual({ _entities: [null, null] });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(pegasos.calls).toEqual([]);
  });

  it('ignores instances of the reference that do not serve the municipality', async () => {
    resetCalls();
    const porvooAdapter = new FakeSourceAdapter('lifecare-porvoo');
    const app = createMunicipalitySubgraph({
      municipality: '407',
      sources: new Map([
        ['pegasos-loviisa', pegasos],
        ['lifecare-porvoo', porvooAdapter],
      ]),
      logger: silentLogger,
      internalKey: TEST_INTERNAL_KEY,
    });
    const r = await gql(app, LAPINJARVI, {
      r: [ref('LapinjarviRecords', LAPINJARVI_PERSON, '407', ['lifecare-porvoo', 'pegasos-loviisa'])],
    });
    expect(r.errors).toBeUndefined();
    expect(porvooAdapter.calls).toEqual([]);
    await app.close();
  });

  it('refuses anonymous callers and analysts before any source is read (defense in depth)', async () => {
    resetCalls();
    const rep = { r: [ref('LapinjarviRecords', LAPINJARVI_PERSON, '407', ['pegasos-loviisa'])] };
    const anon = await gql(lapinjarvi, LAPINJARVI, rep, null);
    expect(anon.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['UNAUTHENTICATED', 'NOT_AUTHENTICATED']]);
    const analyst = await gql(lapinjarvi, LAPINJARVI, rep, { kind: 'analyst', sub: 'a' });
    expect(analyst.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'AGGREGATES_ONLY']]);
    expect(pegasos.calls).toEqual([]);
  });

  it('answers /healthz', async () => {
    const res = await lapinjarvi.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok', service: 'lapinjarvi' });
  });
});
