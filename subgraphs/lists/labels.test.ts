import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { silentLogger } from '../server/logger.ts';
import { appointment, customership, decision, fee, gql, plan, prov, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import { customerRepresentation } from '../testSupport/representation.ts';
import type { Identity } from '../../contract/identity.ts';
import { createListsSubgraph } from './subgraph.ts';

const PERSON = makeHetu('1980-04-04', 941);
const app = createListsSubgraph({
  logger: silentLogger,
  clock: { now: () => new Date('2025-06-01T09:00:00Z') },
  internalKey: TEST_INTERNAL_KEY,
  audit: { record: async () => {} },
});
afterAll(async () => {
  await app.close();
});
const SELF: Identity = { kind: 'citizen', sub: 'self', hetu: PERSON };

const QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
  appointments { professional { title titleSv } }
  customerships { service serviceSv }
  decisions { service serviceSv }
  plans { title titleSv }
  fees { description kind descriptionSv }
  feeCeiling(year: 2025) { feesAfterCeiling { kind descriptionSv } }
} } }`;

const p = (localId: string) => prov('lifecare-porvoo', '638', localId);
const representation = customerRepresentation(PERSON, {
  holders: {
    '638': {
      appointments: [
        appointment(p('A1'), '2025-06-02T08:00:00+03:00', { professional: { name: 'Aino Virtanen', title: 'Terveydenhoitaja' } }),
        appointment(p('A2'), '2025-06-03T08:00:00+03:00', { professional: { name: 'Eino Laine', title: 'Ylilääkäri' } }),
        appointment(p('A3'), '2025-06-04T08:00:00+03:00', { professional: { name: 'Eeva Koski' } }),
      ],
      customerships: [
        customership(p('C1'), '2024-01-01', { service: '  säännöllinen   KOTIHOITO ' }),
        customership(p('C2'), '2024-02-01', { service: 'Ystäväpalvelu' }),
        customership(p('C3'), '2024-03-01'),
      ],
      decisions: [decision(p('D1'), '2024-01-05', { customershipId: 'C1', service: 'Säännöllinen kotihoito' })],
      plans: [plan(p('P1'), '2024-01-01', { title: 'Kuntoutussuunnitelma' }), plan(p('P2'), '2024-02-01')],
      fees: [
        fee(p('F1'), '2025-03-01', 70_000, { description: 'Kotihoidon asiakasmaksu' }),
        fee(p('F2'), '2025-04-01', 10_000),
        fee(p('F3'), '2025-05-01', 1_000, { description: 'Fysioterapian sarjahoito' }),
      ],
    },
  },
});

describe('lists subgraph: Swedish names and fee kinds from the term list', () => {
  it('resolves kind, descriptionSv, serviceSv and titleSv, null for a name the list does not have', async () => {
    const r = await gql(app, QUERY, { r: [representation] }, SELF);
    expect(r.errors).toBeUndefined();
    expect((r.data!._entities as unknown[])[0]).toEqual({
      appointments: [
        { professional: { title: 'Terveydenhoitaja', titleSv: 'Hälsovårdare' } },
        { professional: { title: 'Ylilääkäri', titleSv: null } },
        { professional: { title: null, titleSv: null } },
      ],
      customerships: [
        { service: '  säännöllinen   KOTIHOITO ', serviceSv: 'Regelbunden hemvård' },
        { service: 'Ystäväpalvelu', serviceSv: null },
        { service: null, serviceSv: null },
      ],
      decisions: [{ service: 'Säännöllinen kotihoito', serviceSv: 'Regelbunden hemvård' }],
      plans: [
        { title: 'Kuntoutussuunnitelma', titleSv: 'Rehabiliteringsplan' },
        { title: null, titleSv: null },
      ],
      fees: [
        { description: 'Kotihoidon asiakasmaksu', kind: 'HOME_CARE', descriptionSv: 'Klientavgift för hemvård' },
        { description: 'Käyntimaksu', kind: null, descriptionSv: null },
        { description: 'Fysioterapian sarjahoito', kind: 'SERIAL_TREATMENT', descriptionSv: 'Serievård inom fysioterapi' },
      ],
      // A fee inside the fee ceiling is the same Fee type, resolved alike.
      feeCeiling: {
        feesAfterCeiling: [{ kind: 'SERIAL_TREATMENT', descriptionSv: 'Serievård inom fysioterapi' }],
      },
    });
  });
});
