/**
 * `me` end to end (issue 15): through the gateway over HTTP, with the
 * development identity provider's tokens for the demo users, on the BUNDLED
 * fixtures (today 2026-11-23): the physician's unit appointments (the unit
 * index, each appointment read from its source through the lists subgraph
 * and the policy), the social worker's clients, a citizen's own customer, a
 * guardian's child's appointments, and an anonymous caller.
 */
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUser } from '../../gateway/auth/demoUsers.ts';
import type { Identity } from '../../contract/identity.ts';
import { ManualClock } from '../../subgraphs/database/testSupport.ts';
import { gql, startE2ERegion } from './testSupport/region.ts';
import type { E2ERegion } from './testSupport/region.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));

let region: E2ERegion;
const tokens = new Map<string, string>();

async function tokenOf(id: string): Promise<string> {
  let t = tokens.get(id);
  if (!t) {
    const identity: Identity = demoUser(id)!.identity;
    t = await region.tokenFor(identity);
    tokens.set(id, t);
  }
  return t;
}

beforeAll(async () => {
  region = await startE2ERegion({ clock, writeFixtures: async (dir) => cpSync(FIXTURES, dir, { recursive: true }) });
  // The unit index is filled by the leader's first statistics walk.
  await region.statisticsDone;
}, 180_000);

afterAll(async () => {
  await region?.stop();
});

type Obj = Record<string, unknown>;

const UNIT_APPOINTMENTS = `query ($from: DateTime!, $to: DateTime!, $after: String) { me { role name units { oid nameFi nameSv }
  unitAppointments(from: $from, to: $to, first: 10, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id start unit { oid } customer { hetu surname }
      appointment { start status careArea unit { oid name } source { instance localId } } } }
  } } }`;

describe('me through the gateway', () => {
  it("gives the physician her units' appointments of a fortnight, each read from its source through the policy", async () => {
    const physician = demoUser('physician')!.identity as Extract<Identity, { kind: 'professional' }>;
    const vars = { from: '2026-11-23T00:00:00+02:00', to: '2026-12-07T00:00:00+02:00' };
    const r = await gql(region, UNIT_APPOINTMENTS, vars, await tokenOf('physician'));
    expect(r.errors).toBeUndefined();
    const me = r.data?.me as { role: string; name: string; units: Obj[]; unitAppointments: Obj };
    expect(me.role).toBe('PROFESSIONAL');
    expect(me.name).toBe('Lotta Kallioniemi');
    expect(me.units.map((u) => u.oid)).toEqual(physician.units);
    expect(me.units[0]).toMatchObject({ nameFi: expect.any(String), nameSv: expect.any(String) });
    const conn = me.unitAppointments as {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: { node: Obj }[];
    };
    // The bundled fixtures have some forty appointments in her two units in this fortnight.
    expect(conn.totalCount).toBeGreaterThan(10);
    expect(conn.edges).toHaveLength(10);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    const starts = conn.edges.map((e) => Date.parse(e.node.start as string));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const { node } of conn.edges) {
      expect(physician.units).toContain((node.unit as Obj).oid);
      const customer = node.customer as Obj;
      expect(customer.surname).toEqual(expect.any(String));
      // Cancelled or not, the appointment in her unit and care area is one her care relation lets her read.
      const a = node.appointment as Obj;
      expect(a).not.toBeNull();
      expect(Date.parse(a.start as string)).toBe(Date.parse(node.start as string));
      expect((a.unit as Obj).oid).toBe((node.unit as Obj).oid);
    }
    const next = await gql(region, UNIT_APPOINTMENTS, { ...vars, after: conn.pageInfo.endCursor }, await tokenOf('physician'));
    const page2 = (next.data?.me as { unitAppointments: { edges: { node: Obj }[] } }).unitAppointments.edges.map((e) => e.node.id);
    expect(page2.length).toBeGreaterThan(0);
    expect(page2.some((id) => conn.edges.some((e) => e.node.id === id))).toBe(false);

    const tooLong = await gql(region, UNIT_APPOINTMENTS, { from: vars.from, to: '2027-01-01T00:00:00+02:00' }, await tokenOf('physician'));
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('gives the social worker her clients with an open customership in her team, each readable by her', async () => {
    const r = await gql(
      region,
      `{ me { clients(first: 100) { totalCount edges { node { hetu customerships { serviceTask endDate source { municipality { code } } } } } } } }`,
      {},
      await tokenOf('social-worker-older-people'),
    );
    const clients = (r.data?.me as { clients: { totalCount: number; edges: { node: { hetu: string; customerships: Obj[] } }[] } }).clients;
    expect(clients.totalCount).toBeGreaterThan(0);
    const hetus = clients.edges.map((e) => e.node.hetu);
    // An open OLDER_PEOPLE customership in Porvoo (test/e2e/access.test.ts's olderPeopleClient).
    expect(hetus).toContain('151249-9023');
    for (const { node } of clients.edges) {
      const open = node.customerships.filter(
        (c) =>
          c.serviceTask === 'OLDER_PEOPLE' &&
          (c.source as { municipality: Obj }).municipality.code === '638' &&
          (c.endDate === null || (c.endDate as string) >= '2026-11-23'),
      );
      expect(open.length).toBeGreaterThan(0);
    }
    // The care relation lets her read them: no NO_CARE_RELATION error for any client.
    expect((r.errors ?? []).filter((e) => e.extensions?.reason === 'NO_CARE_RELATION')).toEqual([]);
  });

  it('gives a citizen themself, and a guardian their child’s appointments', async () => {
    const citizen = demoUser('citizen')!;
    const r = await gql(
      region,
      `{ me { role customer { hetu firstNames dependants { hetu customer { firstNames appointments { start unit { name } } } } } } }`,
      {},
      await tokenOf('citizen'),
    );
    expect(r.errors).toBeUndefined();
    const me = r.data?.me as { role: string; customer: { hetu: string; dependants: { hetu: string; customer: Obj }[] } };
    expect(me.role).toBe('CITIZEN');
    expect(me.customer.hetu).toBe(citizen.person!.hetu);
    const child = me.customer.dependants.find((d) => d.hetu === '080916A9152');
    expect(child?.customer.firstNames).toBe('Onni Juhani');
    expect((child?.customer.appointments as Obj[]).length).toBeGreaterThan(0);

    const forbidden = await gql(region, `{ me { clients { totalCount } } }`, {}, await tokenOf('citizen'));
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' });
  });

  it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
    const r = await gql(region, `{ me { id } }`);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
