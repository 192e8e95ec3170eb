/**
 * The nine services together on real sockets (fake adapters, no emulators),
 * queried through @apollo/gateway over the committed supergraph: the
 * subgraphs speak federation as the planner expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../domain/hetu.ts';
import type { InstanceId, SourceAdapter } from '../domain/index.ts';
import { CLIENT_OVERVIEW, FEES_AND_CEILING } from '../schema/examples.ts';
import { SUBGRAPH_NAMES } from '../schema/municipalities.ts';
import { openDatabase } from './database/database.ts';
import type { Database } from './database/database.ts';
import { startSubgraphs } from './services.ts';
import type { RunningSubgraphs } from './services.ts';
import { silentLogger } from './server/logger.ts';
import { createMemoryLocator } from './region/memoryLocator.ts';
import { federatedExecutor } from './testSupport/gateway.ts';
import type { FederatedResult } from './testSupport/gateway.ts';
import { appointment, FakeSourceAdapter, FakeVtj, fee, prov, records, vtjPerson } from './testSupport/fakes.ts';

const PARENT = makeHetu('1980-04-04', 941);
const CHILD = makeHetu('2015-04-04', 942, 'A');

const porvoo = new FakeSourceAdapter('lifecare-porvoo', {
  [PARENT]: records(PARENT, 'lifecare-porvoo', {
    appointments: [appointment(prov('lifecare-porvoo', '638', 'A1'), '2030-01-01T10:00:00+02:00')],
    fees: [fee(prov('lifecare-porvoo', '638', 'F1'), '2025-01-10', 70_000)],
  }),
});
const pegasos = new FakeSourceAdapter('pegasos-loviisa', {
  [PARENT]: records(PARENT, 'pegasos-loviisa', {
    appointments: [appointment(prov('pegasos-loviisa', '407', 'A2'), '2029-06-01T10:00:00+03:00')],
  }),
  [CHILD]: records(CHILD, 'pegasos-loviisa', { fees: [fee(prov('pegasos-loviisa', '407', 'F2'), '2025-03-01', 9_000)] }),
});
const mediatri = new FakeSourceAdapter('mediatri-loviisa');
const askola = new FakeSourceAdapter('lifecare-askola');
const adapters = new Map<InstanceId, SourceAdapter>([porvoo, pegasos, mediatri, askola].map((a) => [a.instance, a]));
const vtj = new FakeVtj({
  [PARENT]: vtjPerson(PARENT, { dependants: [CHILD] }),
  [CHILD]: vtjPerson(CHILD, { firstNames: 'Lapsi', guardians: [PARENT] }),
});
const locator = createMemoryLocator({
  [PARENT]: [
    { instance: 'lifecare-porvoo', municipality: '638', localId: '1' },
    { instance: 'pegasos-loviisa', municipality: '407', localId: '2' },
    { instance: 'mediatri-loviisa', municipality: '407', localId: null },
  ],
  [CHILD]: [{ instance: 'pegasos-loviisa', municipality: '407', localId: '3' }],
});

let running: RunningSubgraphs;
let db: Database;
let gateway: Awaited<ReturnType<typeof federatedExecutor>>;
beforeAll(async () => {
  db = await openDatabase({ kind: 'pglite' });
  running = await startSubgraphs({ adapters, vtj, locator, logger: silentLogger, database: db });
  // The parent reads their own data (and their minor child's, as guardian).
  gateway = await federatedExecutor(running.urls, running.internalKey, { kind: 'citizen', sub: 'parent', hetu: PARENT });
});
afterAll(async () => {
  await gateway?.stop();
  await running?.close();
  await db?.close();
});

const customer = (r: FederatedResult) => r.data!.customer as Record<string, unknown>;

describe('startSubgraphs', () => {
  it('starts all nine services on free ports, each answering /healthz', async () => {
    expect(Object.keys(running.urls).sort()).toEqual([...SUBGRAPH_NAMES].sort());
    for (const [name, url] of Object.entries(running.urls)) {
      const res = await fetch(url.replace(/\/graphql$/, '/healthz'));
      expect(await res.json()).toEqual({ status: 'ok', service: name });
    }
  });

  it('answers the client overview through a federation gateway, calling only the instances the index names', async () => {
    mediatri.failWith = 'SOURCE_UNAVAILABLE';
    const r = await gateway.execute(CLIENT_OVERVIEW.query, { ...CLIENT_OVERVIEW.variables, hetu: PARENT, year: 2025 });
    mediatri.failWith = undefined;
    expect(customer(r)).toMatchObject({
      hetu: PARENT,
      dependants: [{ hetu: CHILD, firstNames: 'Lapsi' }],
      appointments: [
        {
          start: '2029-06-01T10:00:00+03:00',
          source: { instance: 'pegasos-loviisa', municipality: { nameFi: 'Lapinjärvi', nameSv: 'Lappträsk' } },
        },
        {
          start: '2030-01-01T10:00:00+02:00',
          source: { instance: 'lifecare-porvoo', municipality: { nameFi: 'Porvoo', nameSv: 'Borgå' } },
        },
      ],
      fees: [{ amountCents: 70_000 }],
      missingSources: [{ instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' }],
    });
    expect(r.errors).toMatchObject([{ extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'mediatri-loviisa' } }]);
    expect(askola.calls).toEqual([]);
  });

  it('sums the guardian’s fee ceiling with the child’s fees from another municipality', async () => {
    const r = await gateway.execute(FEES_AND_CEILING.query, { ...FEES_AND_CEILING.variables, hetu: PARENT, year: 2025 });
    expect(r.errors).toBeUndefined();
    expect(customer(r).feeCeiling).toMatchObject({
      accruedCents: 79_000,
      reached: true,
      reachedOn: '2025-03-01',
      complete: true,
      includesDependants: [{ hetu: CHILD, firstNames: 'Lapsi' }],
      countedFees: [{ customer: { hetu: PARENT } }, { customer: { hetu: CHILD }, fee: { source: { instance: 'pegasos-loviisa' } } }],
    });
  });

  it('tells which municipality is missing when its subgraph is down', async () => {
    await running.apps.get('lapinjarvi')!.close();
    const r = await gateway.execute(CLIENT_OVERVIEW.query, { ...CLIENT_OVERVIEW.variables, hetu: PARENT, year: 2025 });
    expect(customer(r)).toMatchObject({
      appointments: [{ source: { instance: 'lifecare-porvoo' } }],
      missingSources: [{ instance: 'subgraph:lapinjarvi', code: 'SUBGRAPH_UNAVAILABLE' }],
    });
    expect(r.errors?.length).toBeGreaterThan(0);
  });
});
