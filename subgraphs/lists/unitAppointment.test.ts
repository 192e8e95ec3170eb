import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Identity } from '../../contract/identity.ts';
import { LISTS_FIELD_KINDS } from '../../schema/sdl.ts';
import type { AuditEventInput } from '../audit/events.ts';
import { recordId } from '../server/ids.ts';
import { silentLogger } from '../server/logger.ts';
import { appointment, gql, prov, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import { customerRepresentation } from '../testSupport/representation.ts';
import { createListsSubgraph } from './subgraph.ts';

const PATIENT = makeHetu('1960-02-02', 951);
const UNIT = { oid: '1.2.246.10.1061512.10.6381', name: 'Porvoo terveysasema' };
const written: AuditEventInput[][] = [];
const app = createListsSubgraph({
  logger: silentLogger,
  clock: { now: () => new Date('2026-11-23T08:00:00Z') },
  internalKey: TEST_INTERNAL_KEY,
  audit: { record: async (events) => void written.push([...events]) },
});
afterAll(() => app.close());

const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'demo-physician',
  name: 'Lotta Kallioniemi',
  profession: 'PHYSICIAN',
  units: [UNIT.oid],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};
const DENTIST: Identity = { ...PHYSICIAN, sub: 'demo-dentist', profession: 'DENTIST', careAreas: ['ORAL_HEALTH'] };

const booked = appointment(prov('lifecare-porvoo', '638', 'V1'), '2026-11-24T09:00:00+02:00', { unit: UNIT, note: 'Kontrolli' });
const other = appointment(prov('lifecare-porvoo', '638', 'V2'), '2026-11-25T09:00:00+02:00', { unit: UNIT });
// The representation the gateway sends for UnitAppointment.appointment: its id and the customer's records (the @requires).
const rep = (localId: string) => ({
  __typename: 'UnitAppointment',
  id: recordId('UnitAppointment', { instance: 'lifecare-porvoo', localId }),
  customer: (({ __typename: _t, ...c }) => c)(
    customerRepresentation(PATIENT, { kinds: LISTS_FIELD_KINDS.appointments, holders: { '638': { appointments: [booked, other] } } }),
  ),
});
const QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on UnitAppointment { id appointment { start note unit { oid } source { localId } } } } }`;

describe('UnitAppointment.appointment (lists subgraph)', () => {
  it("picks the located appointment from the customer's records and serves it through the policy, audited", async () => {
    written.length = 0;
    const r = await gql(app, QUERY, { r: [rep('V1')] }, PHYSICIAN);
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([
      { id: rep('V1').id, appointment: { start: booked.start, note: 'Kontrolli', unit: { oid: UNIT.oid }, source: { localId: 'V1' } } },
    ]);
    expect(written.flat()).toContainEqual(
      expect.objectContaining({ subjectHetu: PATIENT, dataGroups: ['APPOINTMENTS'], outcome: 'ALLOWED', basis: 'CARE_RELATION' }),
    );
  });

  it('is null without an error when the source no longer has it', async () => {
    const r = await gql(app, QUERY, { r: [rep('GONE')] }, PHYSICIAN);
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([{ id: rep('GONE').id, appointment: null }]);
  });

  it('is null with the FORBIDDEN error when the policy denies it', async () => {
    const r = await gql(app, QUERY, { r: [rep('V1')] }, DENTIST);
    expect(r.data?._entities).toEqual([{ id: rep('V1').id, appointment: null }]);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_CARE_RELATION', dataGroup: 'APPOINTMENTS' });
  });
});
