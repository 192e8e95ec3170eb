/**
 * The region subgraph tells VTJ whose read it is (X-Road's userId and
 * issue): the caller's token subject and the request id, never an
 * identity code.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../contract/identity.ts';
import { makeHetu } from '../../domain/hetu.ts';
import type { VtjReadOptions, VtjSlot } from '../../domain/sourceAdapter.ts';
import { AuditStore, EmergencyAccessStore } from '../audit/index.ts';
import { openDatabase } from '../database/database.ts';
import { ManualClock } from '../database/testSupport.ts';
import { silentLogger } from '../server/logger.ts';
import { FakeVtj, gatewayHeaders, TEST_INTERNAL_KEY, vtjPerson } from '../testSupport/fakes.ts';
import { createMemoryLocator } from './memoryLocator.ts';
import { createRegionSubgraph } from './subgraph.ts';

const CITIZEN_HETU = makeHetu('1980-04-04', 941);

/** A fake VTJ that keeps the options of every read. */
class RecordingVtj extends FakeVtj {
  readonly options: (VtjReadOptions | undefined)[] = [];
  override async readPersons(hetus: readonly string[], options?: VtjReadOptions): Promise<VtjSlot[]> {
    this.options.push(options);
    return super.readPersons(hetus);
  }
}

const vtj = new RecordingVtj({ [CITIZEN_HETU]: vtjPerson(CITIZEN_HETU, { surname: 'Virtanen' }) });
const db = await openDatabase({ kind: 'pglite' });
const app = createRegionSubgraph({
  vtj,
  locator: createMemoryLocator({}),
  logger: silentLogger,
  internalKey: TEST_INTERNAL_KEY,
  audit: await AuditStore.open(db),
  emergency: await EmergencyAccessStore.open(db),
  clock: new ManualClock(new Date('2025-06-01T09:00:00Z').getTime()),
});
afterAll(async () => {
  await app.close();
  await db.close();
});

describe('VTJ reads carry the caller', () => {
  it('a citizen reading their own data: userId is the token subject (not the identity code), issue the request id', async () => {
    const citizen: Identity = { kind: 'citizen', sub: 'suomifi-7c1e', hetu: CITIZEN_HETU };
    const requestId = '0b6c3c2e-8f4a-4d1b-9a55-3e2f1d0c9b8a';
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(await gatewayHeaders(app, citizen, requestId)) },
      payload: { query: 'query ($h: ID!) { customer(hetu: $h) { surname } }', variables: { h: CITIZEN_HETU } },
    });
    expect(res.json()).toEqual({ data: { customer: { surname: 'Virtanen' } } });
    expect(vtj.options.length).toBeGreaterThan(0);
    for (const options of vtj.options) expect(options?.caller).toEqual({ userId: 'suomifi-7c1e', issue: requestId });
  });
});
