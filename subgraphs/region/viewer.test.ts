import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Identity } from '../../contract/identity.ts';
import { accessContext } from '../access/policy.ts';
import { AuditStore, EmergencyAccessStore } from '../audit/index.ts';
import { openDatabase } from '../database/database.ts';
import { ManualClock } from '../database/testSupport.ts';
import { silentLogger } from '../server/logger.ts';
import { opaqueId, recordId } from '../server/ids.ts';
import { FakeVtj, gql, TEST_INTERNAL_KEY, vtjPerson } from '../testSupport/fakes.ts';
import { createMemoryLocator } from './memoryLocator.ts';
import { PersonIndexStore } from './personIndex/store.ts';
import { createRegionSubgraph } from './subgraph.ts';
import type { CustomershipRow } from './unitIndex/rows.ts';
import { UnitIndexStore } from './unitIndex/store.ts';

const HEALTH_CENTRE = '1.2.246.10.1061512.10.6381';
const SURGERY = '1.2.246.10.1061512.10.6382';
const CITIZEN = makeHetu('1984-05-17', 928);
const P = (i: number) => makeHetu('1960-01-01', 940 + i);

const NOW = new Date('2026-11-23T08:00:00Z');
const clock = new ManualClock(NOW.getTime());
const db = await openDatabase({ kind: 'pglite' });
const audit = await AuditStore.open(db);
const emergency = await EmergencyAccessStore.open(db);
await PersonIndexStore.open(db);
const unitIndex = await UnitIndexStore.open(db);
const app = createRegionSubgraph({
  vtj: new FakeVtj({ [CITIZEN]: vtjPerson(CITIZEN, { surname: 'Rantala' }) }),
  locator: createMemoryLocator({}, []),
  logger: silentLogger,
  internalKey: TEST_INTERNAL_KEY,
  audit,
  emergency,
  clock,
  unitIndex,
  units: new Map([[HEALTH_CENTRE, { nameFi: 'Porvoon terveysasema', nameSv: 'Borgå hälsostation' }]]),
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'demo-physician',
  name: 'Lotta Kallioniemi',
  profession: 'PHYSICIAN',
  units: [HEALTH_CENTRE, SURGERY],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};
const SOCIAL_WORKER: Identity = {
  kind: 'professional',
  sub: 'demo-sw',
  name: 'Oskar Vennola',
  profession: 'SOCIAL_WORKER',
  units: [],
  careAreas: ['SOCIAL'],
  serviceTasks: ['OLDER_PEOPLE'],
  municipality: '638',
};
const CITIZEN_ID: Identity = { kind: 'citizen', sub: 'demo-citizen', hetu: CITIZEN };
const ANALYST: Identity = { kind: 'analyst', sub: 'demo-analyst' };

type Obj = Record<string, unknown>;
const at = (local: string) => Date.parse(`${local}+02:00`);

// Six appointments in the physician's two units over a week (two at the same minute), one elsewhere, one outside the window.
const appointmentRows = [
  { hetu: P(1), localId: '1', unitKey: HEALTH_CENTRE, startMs: at('2026-11-24T09:00:00') },
  { hetu: P(2), localId: '2', unitKey: SURGERY, startMs: at('2026-11-24T09:00:00') },
  { hetu: P(3), localId: '3', unitKey: HEALTH_CENTRE, startMs: at('2026-11-25T10:00:00') },
  { hetu: P(1), localId: '4', unitKey: HEALTH_CENTRE, startMs: at('2026-11-26T11:00:00') },
  { hetu: P(4), localId: '5', unitKey: SURGERY, startMs: at('2026-11-27T12:00:00') },
  { hetu: P(5), localId: '6', unitKey: HEALTH_CENTRE, startMs: at('2026-11-30T08:00:00') },
  { hetu: P(6), localId: '7', unitKey: 'porvoo hammashoitola', startMs: at('2026-11-25T10:00:00') },
  { hetu: P(7), localId: '8', unitKey: HEALTH_CENTRE, startMs: at('2027-01-25T10:00:00') },
].map((r) => ({ ...r, instance: 'lifecare-porvoo' as const }));
const open = { instance: 'effica-porvoo' as const, unitKey: null, municipality: '638', endDate: null, restricted: false };
const customershipRows: CustomershipRow[] = [
  { ...open, hetu: P(11), localId: '11', serviceTask: 'OLDER_PEOPLE' }, // own team
  { ...open, hetu: P(12), localId: '12', serviceTask: 'OLDER_PEOPLE', endDate: '2026-11-22' }, // ended yesterday
  { ...open, hetu: P(13), localId: '13', serviceTask: 'FAMILIES' }, // another team
  { ...open, hetu: P(14), localId: '14', serviceTask: 'OLDER_PEOPLE', municipality: '753' }, // another municipality
  { ...open, hetu: P(15), localId: '15', serviceTask: 'OLDER_PEOPLE', endDate: '2026-11-23' }, // ends today: still open
  { ...open, hetu: P(15), localId: '16', serviceTask: 'OLDER_PEOPLE' }, // the same person twice: listed once
  { ...open, hetu: P(16), localId: '17', serviceTask: 'OLDER_PEOPLE', restricted: true }, // extra-sensitive of the worker's own task
  { ...open, hetu: P(17), localId: '18', serviceTask: 'CHILD_WELFARE', restricted: true }, // child welfare: not this worker's
];
const byPerson = (rows: readonly { hetu: string }[]) => [...new Set(rows.map((r) => r.hetu))];
for (const hetu of byPerson(appointmentRows))
  await unitIndex.replace(
    'lifecare-porvoo',
    [{ hetu, rows: { appointments: appointmentRows.filter((r) => r.hetu === hetu), customerships: [] } }],
    null,
  );
for (const hetu of byPerson(customershipRows))
  await unitIndex.replace(
    'effica-porvoo',
    [{ hetu, rows: { appointments: [], customerships: customershipRows.filter((r) => r.hetu === hetu) } }],
    null,
  );

const UNIT_APPOINTMENTS = `query ($from: DateTime!, $to: DateTime!, $first: Int, $after: String) { me {
  unitAppointments(from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id start unit { oid name nameFi nameSv } customer { hetu } } }
  } } }`;
const WEEK = { from: '2026-11-23T00:00:00+02:00', to: '2026-11-30T00:00:00+02:00' };
const CLIENTS = `query ($first: Int, $after: String) { me { clients(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { hetu } } } } }`;

describe('me', () => {
  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const r = await gql(app, '{ me { id role } }', {}, null);
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'NOT_AUTHENTICATED' });
  });

  it('gives a citizen themself as the customer, an opaque id and no professional fields', async () => {
    const r = await gql(app, '{ me { id role customer { hetu surname } name units { oid } } }', {}, CITIZEN_ID);
    expect(r.errors).toBeUndefined();
    const me = r.data?.me as Obj;
    expect(me).toEqual({
      id: opaqueId('Viewer:demo-citizen'),
      role: 'CITIZEN',
      customer: { hetu: CITIZEN, surname: 'Rantala' },
      name: null,
      units: [],
    });
    expect(JSON.stringify(me.id)).not.toContain(CITIZEN);
  });

  it("gives a professional their name and units with the register's names (an OID it does not know by itself)", async () => {
    const r = await gql(app, '{ me { role customer { hetu } name units { oid name nameFi nameSv } } }', {}, PHYSICIAN);
    expect(r.data?.me).toEqual({
      role: 'PROFESSIONAL',
      customer: null,
      name: 'Lotta Kallioniemi',
      units: [
        { oid: HEALTH_CENTRE, name: 'Porvoon terveysasema', nameFi: 'Porvoon terveysasema', nameSv: 'Borgå hälsostation' },
        { oid: SURGERY, name: SURGERY, nameFi: null, nameSv: null },
      ],
    });
    expect((await gql(app, '{ me { role units { oid } } }', {}, ANALYST)).data?.me).toEqual({ role: 'ANALYST', units: [] });
  });

  it('serves the read log to citizens as myDataReads does, and its FHIR bundle as JSON (not text)', async () => {
    const r = await gql(
      app,
      '{ me { dataReads(first: 5) { edges { cursor } pageInfo { hasNextPage } } dataReadsFhir(first: 5) } }',
      {},
      CITIZEN_ID,
    );
    expect(r.errors).toBeUndefined();
    const me = r.data?.me as { dataReads: Obj; dataReadsFhir: Obj };
    expect(me.dataReads).toEqual({ edges: expect.any(Array), pageInfo: { hasNextPage: expect.any(Boolean) } });
    expect(me.dataReadsFhir).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const pro = await gql(app, '{ me { dataReads { edges { cursor } } } }', {}, PHYSICIAN);
    expect(pro.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });
  });
});

describe('me.unitAppointments', () => {
  it("lists the window's appointments in the professional's units by start then id, in pages with totalCount", async () => {
    const all = await gql(app, UNIT_APPOINTMENTS, { ...WEEK, first: 100 }, PHYSICIAN);
    expect(all.errors).toBeUndefined();
    const conn = (all.data?.me as { unitAppointments: { totalCount: number; edges: { cursor: string; node: Obj }[] } }).unitAppointments;
    expect(conn.totalCount).toBe(5);
    const nodes = conn.edges.map((e) => e.node);
    expect(nodes.map((n) => (n.customer as Obj).hetu)).toEqual(
      // P(1) and P(2) start at the same minute: by id.
      [
        ...[
          { h: P(1), id: recordId('UnitAppointment', { instance: 'lifecare-porvoo', localId: '1' }) },
          { h: P(2), id: recordId('UnitAppointment', { instance: 'lifecare-porvoo', localId: '2' }) },
        ]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((x) => x.h),
        P(3),
        P(1),
        P(4),
      ],
    );
    expect(nodes[2]).toEqual({
      id: recordId('UnitAppointment', { instance: 'lifecare-porvoo', localId: '3' }),
      start: '2026-11-25T10:00:00+02:00',
      unit: { oid: HEALTH_CENTRE, name: 'Porvoon terveysasema', nameFi: 'Porvoon terveysasema', nameSv: 'Borgå hälsostation' },
      customer: { hetu: P(3) },
    });
    // No identity code in a cursor.
    for (const e of conn.edges) expect(Buffer.from(e.cursor, 'base64url').toString()).not.toMatch(/\d{6}[-+A]\d{3}/);

    // Pages of two follow each other without gap or repeat.
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page = await gql(app, UNIT_APPOINTMENTS, { ...WEEK, first: 2, after }, PHYSICIAN);
      const c = (page.data?.me as { unitAppointments: { totalCount: number; pageInfo: Obj; edges: { node: Obj }[] } }).unitAppointments;
      expect(c.totalCount).toBe(5);
      seen.push(...c.edges.map((e) => e.node.id as string));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor as string;
    }
    expect(seen).toEqual(nodes.map((n) => n.id));
  });

  it('audits each person listed as a RECORD_INDEX read on the care relation basis', async () => {
    await gql(app, UNIT_APPOINTMENTS, { ...WEEK, first: 1 }, PHYSICIAN);
    const reads = await audit.readsOf(P(1));
    expect(reads.entries.map((e) => e.event)).toContainEqual(
      expect.objectContaining({ actorSub: 'demo-physician', dataGroups: ['RECORD_INDEX'], outcome: 'ALLOWED', basis: 'CARE_RELATION' }),
    );
  });

  it('refuses a window over 31 days or ending before it starts, and bad paging, with BAD_USER_INPUT', async () => {
    const long = await gql(app, UNIT_APPOINTMENTS, { from: '2026-11-01T00:00:00+02:00', to: '2026-12-02T00:00:01+02:00' }, PHYSICIAN);
    expect(long.errors?.[0]).toMatchObject({
      message: 'expected a window (to − from) of at most 31 days, received a longer one',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const exactly31 = await gql(app, UNIT_APPOINTMENTS, { from: '2026-11-01T00:00:00+02:00', to: '2026-12-02T00:00:00+02:00' }, PHYSICIAN);
    expect(exactly31.errors).toBeUndefined();
    const backwards = await gql(app, UNIT_APPOINTMENTS, { from: WEEK.to, to: WEEK.from }, PHYSICIAN);
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const first = await gql(app, UNIT_APPOINTMENTS, { ...WEEK, first: 101 }, PHYSICIAN);
    expect(first.errors?.[0]?.message).toBe('expected first from 1 to 100, received 101');
    const cursor = await gql(app, UNIT_APPOINTMENTS, { ...WEEK, after: 'not-a-cursor' }, PHYSICIAN);
    expect(cursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is for professionals only: citizens and analysts get FORBIDDEN ROLE_NOT_PERMITTED', async () => {
    for (const who of [CITIZEN_ID, ANALYST]) {
      const r = await gql(app, UNIT_APPOINTMENTS, WEEK, who);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });
      const c = await gql(app, CLIENTS, {}, who);
      expect(c.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });
    }
  });
});

describe('me.clients', () => {
  it('lists each person once whose open customership gives the worker a care relation as the policy decides, in a stable order that hides the code', async () => {
    const r = await gql(app, CLIENTS, { first: 100 }, SOCIAL_WORKER);
    expect(r.errors).toBeUndefined();
    const conn = (r.data?.me as { clients: { totalCount: number; edges: { cursor: string; node: { hetu: string } }[] } }).clients;
    const listed = conn.edges.map((e) => e.node.hetu);
    expect(new Set(listed)).toEqual(new Set([P(11), P(15), P(16)]));
    expect(conn.totalCount).toBe(3);
    expect(listed).toEqual([...listed].sort((a, b) => (opaqueId(`Customer:${a}`) < opaqueId(`Customer:${b}`) ? -1 : 1)));
    for (const e of conn.edges) expect(Buffer.from(e.cursor, 'base64url').toString()).not.toContain(e.node.hetu);

    // Each listed person is one the policy itself gives this worker a care relation with, from the same customership.
    for (const row of customershipRows) {
      const ctx = accessContext({
        identity: SOCIAL_WORKER,
        subject: { hetu: row.hetu, birthDate: '1960-01-01', guardians: [], turvakielto: false },
        records: {
          appointments: [],
          customerships: [
            {
              careArea: 'SOCIAL',
              serviceTask: row.serviceTask,
              startDate: '2024-01-01',
              ...(row.endDate ? { endDate: row.endDate } : {}),
              extraSensitive: row.restricted,
              source: { instance: row.instance, product: 'effica', municipality: row.municipality as '638', localId: row.localId },
            },
          ],
          decisions: [],
          plans: [],
          fees: [],
          consents: [],
        },
        grants: [],
        now: NOW,
      });
      if (ctx.careRelationAreas.size > 0) expect(listed).toContain(row.hetu);
      else if (!customershipRows.some((o) => o.hetu === row.hetu && o !== row)) expect(listed).not.toContain(row.hetu);
    }

    const page1 = await gql(app, CLIENTS, { first: 2 }, SOCIAL_WORKER);
    const c1 = (
      page1.data?.me as { clients: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { hetu: string } }[] } }
    ).clients;
    expect(c1.pageInfo.hasNextPage).toBe(true);
    const page2 = await gql(app, CLIENTS, { first: 2, after: c1.pageInfo.endCursor }, SOCIAL_WORKER);
    const c2 = (page2.data?.me as { clients: { pageInfo: { hasNextPage: boolean }; edges: { node: { hetu: string } }[] } }).clients;
    expect([...c1.edges, ...c2.edges].map((e) => e.node.hetu)).toEqual(listed);
    expect(c2.pageInfo.hasNextPage).toBe(false);
  });

  it('is empty for a professional without a social care claim', async () => {
    const r = await gql(app, CLIENTS, {}, PHYSICIAN);
    expect(r.data?.me).toEqual({ clients: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });
  });
});
