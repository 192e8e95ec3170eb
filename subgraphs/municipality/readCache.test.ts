/**
 * The operation-wide read cache in the municipality subgraphs (issue 6, lean
 * sources): one gateway operation whose plan fetches the same person's
 * records twice, from the same subgraph or from two subgraphs sharing an
 * instance (Loviisa and Lapinjärvi), reads the source once; another
 * operation or another caller reads it again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { PersonSlot } from '../../domain/sourceAdapter.ts';
import { makeHetu } from '../../domain/hetu.ts';
import type { InstanceId } from '../../domain/region.ts';
import { silentLogger } from '../server/logger.ts';
import type { Identity } from '../../contract/identity.ts';
import { OperationReadCache } from '../server/readCache.ts';
import { encodeRecordsRef } from './recordsRef.ts';
import { appointment, FakeSourceAdapter, gatewayHeaders, prov, records, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import { sourcesFor } from '../services.ts';
import { createMunicipalitySubgraph } from './subgraph.ts';

const PERSON = makeHetu('1957-04-18', 931);
const READER: Identity = { kind: 'citizen', sub: 'reader', hetu: PERSON };
const OTHER_READER: Identity = { kind: 'citizen', sub: 'other-reader', hetu: PERSON };

/** A Loviisa and a Lapinjärvi appointment of the person in the instance serving both. */
const K1 = appointment(prov('pegasos-loviisa', '434', 'K1'), '2026-12-01T09:00:00+02:00');
const K2 = appointment(prov('pegasos-loviisa', '407', 'K2'), '2026-12-02T09:00:00+02:00');
const pegasos = new FakeSourceAdapter('pegasos-loviisa', { [PERSON]: records(PERSON, 'pegasos-loviisa', { appointments: [K1, K2] }) });
const adapters = new Map<InstanceId, FakeSourceAdapter>([['pegasos-loviisa', pegasos]]);
const cache = new OperationReadCache<PersonSlot>();
const make = (code: '434' | '407') =>
  createMunicipalitySubgraph({
    municipality: code,
    sources: sourcesFor(code, adapters),
    logger: silentLogger,
    internalKey: TEST_INTERNAL_KEY,
    readCache: cache,
  });
const loviisa = make('434');
const lapinjarvi = make('407');
afterAll(async () => {
  await Promise.all([loviisa.close(), lapinjarvi.close()]);
});

/** One _entities fetch of the person's records, as the gateway sends it for operation `requestId`. */
async function fetchRecords(
  app: FastifyInstance,
  typename: string,
  municipality: '434' | '407',
  requestId: string,
  identity: Identity,
): Promise<unknown> {
  const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { appointments missingSources { instance } } } }`;
  const r = [{ __typename: typename, id: encodeRecordsRef({ hetu: PERSON, municipality, instances: ['pegasos-loviisa'] }) }];
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(await gatewayHeaders(app, identity, requestId)) },
    payload: { query, variables: { r } },
  });
  return res.json();
}

describe('municipality subgraphs sharing an operation read cache', () => {
  it('read a person once per operation, across fetches and across the two subgraphs of a shared instance', async () => {
    pegasos.calls.length = 0;
    const first = await fetchRecords(loviisa, 'LoviisaRecords', '434', 'op-1', READER);
    const again = await fetchRecords(loviisa, 'LoviisaRecords', '434', 'op-1', READER);
    const shared = await fetchRecords(lapinjarvi, 'LapinjarviRecords', '407', 'op-1', READER);
    expect(pegasos.calls).toEqual([[PERSON]]);
    expect(again).toEqual(first);
    // Each subgraph still keeps only its own municipality's records.
    expect(first).toEqual({ data: { _entities: [{ appointments: [K1], missingSources: [] }] } });
    expect(shared).toEqual({ data: { _entities: [{ appointments: [K2], missingSources: [] }] } });
  });

  it('read again for another operation or another caller', async () => {
    pegasos.calls.length = 0;
    await fetchRecords(loviisa, 'LoviisaRecords', '434', 'op-2', READER);
    await fetchRecords(loviisa, 'LoviisaRecords', '434', 'op-3', READER);
    await fetchRecords(loviisa, 'LoviisaRecords', '434', 'op-3', OTHER_READER);
    expect(pegasos.calls).toEqual([[PERSON], [PERSON], [PERSON]]);
  });
});
