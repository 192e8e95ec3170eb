import { afterAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { requiredKinds } from '../../schema/sdl.ts';
import { silentLogger } from '../server/logger.ts';
import { appointment, customership, fee, gql, prov, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import { customerRepresentation, dependantRepresentation } from '../testSupport/representation.ts';
import type { AuditEventInput } from '../audit/events.ts';
import type { Identity } from '../../contract/identity.ts';
import { createListsSubgraph } from './subgraph.ts';
import { parseUnitRegister } from './unitRegister.ts';

const PERSON = makeHetu('1980-04-04', 921);
const CHILD = makeHetu('2016-01-20', 922, 'A');

const clock = { now: () => new Date('2025-06-01T09:00:00Z') };
/** The audit events the lists subgraph wrote (an in-memory sink). */
const written: AuditEventInput[][] = [];
const app = createListsSubgraph({
  logger: silentLogger,
  clock,
  internalKey: TEST_INTERNAL_KEY,
  audit: { record: async (events) => void written.push([...events]) },
});
/** The same subgraph over an audit log whose every write fails. */
const failing = createListsSubgraph({
  logger: silentLogger,
  clock,
  internalKey: TEST_INTERNAL_KEY,
  audit: { record: async () => Promise.reject(new Error('disk full')) },
});
afterAll(async () => {
  await app.close();
  await failing.close();
});
const SELF: Identity = { kind: 'citizen', sub: 'self', hetu: PERSON };
const OTHER: Identity = { kind: 'citizen', sub: 'other', hetu: makeHetu('1970-01-01', 923) };

const QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
  hetu
  upcoming: appointments(upcoming: true) { start careArea note unit { oid name } source { instance localId municipality { code nameFi nameSv } } }
  oral: appointments(careArea: [ORAL_HEALTH]) { source { localId } }
  customerships(open: true) { serviceTask startDate endDate source { instance } }
  fees(year: 2025) { date amountCents source { localId } }
  missingSources { instance code }
  feeCeiling(year: 2025) {
    ceilingCents accruedCents reached reachedOn feesAfterCeiling { source { localId } }
    countedFees { customer { hetu } runningTotalCents } includesDependants { hetu } minorFeesCountTowards { hetu }
    missingSources { instance code } complete
  }
} } }`;

const representation = customerRepresentation(PERSON, {
  holders: {
    '638': {
      appointments: [
        appointment(prov('lifecare-porvoo', '638', 'P1'), '2025-06-03T08:00:00+03:00', {
          unit: { oid: '1.2.246.10.1234567.10.1', name: 'Porvoon terveyskeskus' },
        }),
      ],
      fees: [fee(prov('lifecare-porvoo', '638', 'F1'), '2025-03-01', 70_000)],
      customerships: [
        customership(prov('effica-porvoo', '638', 'C1'), '2024-01-01'),
        customership(prov('effica-porvoo', '638', 'C2'), '2020-01-01', { endDate: '2021-01-01' }),
      ],
    },
    '407': {
      appointments: [
        appointment(prov('pegasos-loviisa', '407', 'L1'), '2025-06-02T10:00:00+03:00', { careArea: 'ORAL_HEALTH', note: 'Tarkastus' }),
        appointment(prov('pegasos-loviisa', '407', 'L0'), '2025-05-02T10:00:00+03:00'),
      ],
      fees: [fee(prov('pegasos-loviisa', '407', 'F2'), '2025-04-01', 10_000)],
      missingSources: [{ instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' }],
    },
    // A holder whose municipality subgraph failed: the gateway passes its reference as null.
    '753': null,
  },
  vtjDependants: [
    dependantRepresentation(CHILD, {
      vtjFacts: { guardians: [PERSON], turvakielto: false },
      kinds: requiredKinds(['fees']),
      holders: { '018': { fees: [fee(prov('lifecare-askola', '018', 'F9'), '2025-05-05', 5_000)] } },
    }),
  ],
});

describe('lists subgraph', () => {
  it('merges, sorts and filters the lists from the representation, with provenance, and tells what is missing', async () => {
    const r = await gql(app, QUERY, { r: [representation] }, SELF);
    expect(r.errors).toBeUndefined();
    const c = (r.data!._entities as Record<string, unknown>[])[0]!;
    expect(c.upcoming).toEqual([
      {
        start: '2025-06-02T10:00:00+03:00',
        careArea: 'ORAL_HEALTH',
        note: 'Tarkastus',
        unit: { oid: null, name: 'Terveysasema' },
        source: { instance: 'pegasos-loviisa', localId: 'L1', municipality: { code: '407', nameFi: 'Lapinjärvi', nameSv: 'Lappträsk' } },
      },
      {
        start: '2025-06-03T08:00:00+03:00',
        careArea: 'PRIMARY_HEALTH',
        note: null,
        unit: { oid: '1.2.246.10.1234567.10.1', name: 'Porvoon terveyskeskus' },
        source: { instance: 'lifecare-porvoo', localId: 'P1', municipality: { code: '638', nameFi: 'Porvoo', nameSv: 'Borgå' } },
      },
    ]);
    expect(c.oral).toEqual([{ source: { localId: 'L1' } }]);
    expect(c.customerships).toEqual([
      { serviceTask: 'OLDER_PEOPLE', startDate: '2024-01-01', endDate: null, source: { instance: 'effica-porvoo' } },
    ]);
    expect(c.fees).toEqual([
      { date: '2025-03-01', amountCents: 70_000, source: { localId: 'F1' } },
      { date: '2025-04-01', amountCents: 10_000, source: { localId: 'F2' } },
    ]);
    expect(c.missingSources).toEqual([
      { instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' },
      { instance: 'subgraph:sipoo', code: 'SUBGRAPH_UNAVAILABLE' },
    ]);
  });

  it('computes the fee ceiling across municipalities with the child’s fees, and says it is incomplete', async () => {
    const r = await gql(app, QUERY, { r: [representation] }, SELF);
    const c = (r.data!._entities as Record<string, unknown>[])[0]!;
    expect(c.feeCeiling).toEqual({
      ceilingCents: 76_200,
      accruedCents: 85_000,
      reached: true,
      reachedOn: '2025-04-01',
      feesAfterCeiling: [{ source: { localId: 'F9' } }],
      countedFees: [
        { customer: { hetu: PERSON }, runningTotalCents: 70_000 },
        { customer: { hetu: PERSON }, runningTotalCents: 80_000 },
        { customer: { hetu: CHILD }, runningTotalCents: 85_000 },
      ],
      includesDependants: [{ hetu: CHILD }],
      minorFeesCountTowards: null,
      missingSources: [
        { instance: 'mediatri-loviisa', code: 'SOURCE_UNAVAILABLE' },
        { instance: 'subgraph:sipoo', code: 'SUBGRAPH_UNAVAILABLE' },
      ],
      complete: false,
    });
  });

  it('refuses a year without a ceiling and a negative limit as BAD_USER_INPUT', async () => {
    const r = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { feeCeiling(year: 2019) { reached } } } }`,
      { r: [representation] },
      SELF,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain('received 2019');
    const l = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { appointments(first: -1) { start } } } }`,
      { r: [representation] },
      SELF,
    );
    expect(l.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a malformed DateTime argument', async () => {
    const r = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { appointments(from: "2025-13-01") { start } } } }`,
      { r: [representation] },
      SELF,
    );
    expect(r.data ?? null).toBeNull();
    expect(JSON.stringify(r.errors)).toContain('expected DateTime as an ISO 8601 date and time with offset');
  });

  it('serves the person their own data and writes one audit event per basis before it leaves', async () => {
    written.length = 0;
    const r = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { fees { date } missingSources { instance } } } }`,
      { r: [representation] },
      SELF,
    );
    expect(r.errors).toBeUndefined();
    expect(written.flat().map((e) => [e.subjectHetu === PERSON, e.outcome, e.basis, e.dataGroups])).toEqual([
      [true, 'ALLOWED', 'SELF', ['RECORD_INDEX', 'FEES']],
    ]);
  });

  it('denies another citizen every field with FORBIDDEN NOT_OWN_DATA, audited as denied', async () => {
    written.length = 0;
    const r = await gql(
      app,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { fees { date } missingSources { instance } } } }`,
      { r: [representation] },
      OTHER,
    );
    expect(r.data?._entities).toEqual([{ fees: [], missingSources: null }]);
    expect(r.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.reason]).sort()).toEqual([
      ['_entities.0.fees', 'FORBIDDEN', 'NOT_OWN_DATA'],
      ['_entities.0.missingSources', 'FORBIDDEN', 'NOT_OWN_DATA'],
    ]);
    expect(JSON.stringify(r.errors)).not.toContain(PERSON);
    expect(written.flat().map((e) => [e.outcome, e.reason, e.dataGroups])).toEqual([['DENIED', 'NOT_OWN_DATA', ['RECORD_INDEX', 'FEES']]]);
  });

  it('returns nothing when the audit log cannot be written (fail closed)', async () => {
    const r = await gql(
      failing,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { fees { date amountCents } missingSources { instance } } } }`,
      { r: [representation] },
      SELF,
    );
    expect(r.data?._entities).toEqual([null]);
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([
      ['FORBIDDEN', 'AUDIT_UNAVAILABLE'],
      ['FORBIDDEN', 'AUDIT_UNAVAILABLE'],
    ]);
    expect(JSON.stringify(r)).not.toContain('70000');
    expect(JSON.stringify(r)).not.toContain('mediatri-loviisa');
  });

  describe('the representation of each field', () => {
    const MISSING = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { missingSources { instance code } } } }`;
    const OWN_FEE = fee(prov('lifecare-porvoo', '638', 'F1'), '2025-03-01', 70_000);

    it('reports a holder municipality whose reference arrived as null as SUBGRAPH_UNAVAILABLE, and a non-holder’s null as nothing', async () => {
      const rep = customerRepresentation(PERSON, {
        kinds: requiredKinds([]),
        holders: { '638': {}, '753': null },
        // Askola holds nothing of the person: null there is no gap.
        others: { '018': null },
      });
      expect(rep.recordHolders).toEqual(['porvoo', 'sipoo']);
      const r = await gql(app, MISSING, { r: [rep] }, SELF);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ _entities: [{ missingSources: [{ instance: 'subgraph:sipoo', code: 'SUBGRAPH_UNAVAILABLE' }] }] });
      const none = await gql(
        app,
        MISSING,
        { r: [customerRepresentation(PERSON, { kinds: requiredKinds([]), holders: { '638': {} } })] },
        SELF,
      );
      expect(none.data).toEqual({ _entities: [{ missingSources: [] }] });
    });

    it('reports a holder whose reference lacks the kinds a field requires as SUBGRAPH_UNAVAILABLE', async () => {
      // Only the policy's kinds arrived from Porvoo: its fees are unknown, not "none".
      const rep = customerRepresentation(PERSON, { kinds: requiredKinds([]), holders: { '638': {} } });
      const r = await gql(
        app,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { feeCeiling(year: 2025) { accruedCents complete missingSources { instance code } } } } }`,
        { r: [{ ...rep, vtjDependants: [] }] },
        SELF,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({
        _entities: [
          {
            feeCeiling: {
              accruedCents: 0,
              complete: false,
              missingSources: [{ instance: 'subgraph:porvoo', code: 'SUBGRAPH_UNAVAILABLE' }],
            },
          },
        ],
      });
    });

    it('serves fees from a representation carrying only fees and the policy’s kinds', async () => {
      expect(requiredKinds(['fees'])).toEqual(['appointments', 'customerships', 'fees', 'consents']);
      const rep = customerRepresentation(PERSON, { kinds: requiredKinds(['fees']), holders: { '638': { fees: [OWN_FEE] } } });
      expect(Object.keys(rep.porvooRecords as object)).toEqual(['appointments', 'customerships', 'fees', 'consents', 'missingSources']);
      const r = await gql(
        app,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { fees { date amountCents source { localId } } missingSources { instance } } } }`,
        { r: [rep] },
        SELF,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({
        _entities: [{ fees: [{ date: '2025-03-01', amountCents: 70_000, source: { localId: 'F1' } }], missingSources: [] }],
      });
    });
  });
});

describe('Customership.unit', () => {
  const units = parseUnitRegister(
    'OID\tNAME_FI\tNAME_SV\tMUNICIPALITY\n1.2.246.10.1061512.10.6387\tPorvoo sosiaalipalvelut\tBorgå socialservice\t638\n',
  );
  const withRegister = createListsSubgraph({
    logger: silentLogger,
    clock,
    internalKey: TEST_INTERNAL_KEY,
    audit: { record: async () => undefined },
    units,
  });
  afterAll(async () => withRegister.close());

  it('is a Unit: the source’s name, with the register’s OID and Finnish and Swedish names found by that name', async () => {
    const rep = customerRepresentation(PERSON, {
      holders: {
        '638': {
          customerships: [
            customership(prov('effica-porvoo', '638', 'C1'), '2024-01-01', { unit: ' porvoo  SOSIAALIPALVELUT' }),
            customership(prov('effica-porvoo', '638', 'C2'), '2024-02-01', { unit: 'Tuntematon yksikkö' }),
            customership(prov('effica-porvoo', '638', 'C3'), '2024-03-01'),
          ],
        },
      },
    });
    const r = await gql(
      withRegister,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { customerships { unit { oid name nameFi nameSv } } } } }`,
      { r: [rep] },
      SELF,
    );
    expect(r.errors).toBeUndefined();
    expect((r.data!._entities as { customerships: unknown[] }[])[0]!.customerships).toEqual([
      {
        unit: {
          oid: '1.2.246.10.1061512.10.6387',
          name: ' porvoo  SOSIAALIPALVELUT',
          nameFi: 'Porvoo sosiaalipalvelut',
          nameSv: 'Borgå socialservice',
        },
      },
      { unit: { oid: null, name: 'Tuntematon yksikkö', nameFi: null, nameSv: null } },
      { unit: null },
    ]);
  });

  it('gives a missing source code no enum value has as SOURCE_ERROR, never a serialisation error', async () => {
    const rep = customerRepresentation(PERSON, {
      holders: { '638': { missingSources: [{ instance: 'lifecare-porvoo', code: 'SOMETHING_NEW' }] } },
    });
    const r = await gql(
      withRegister,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { missingSources { instance code } } } }`,
      { r: [rep] },
      SELF,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities).toEqual([{ missingSources: [{ instance: 'lifecare-porvoo', code: 'SOURCE_ERROR' }] }]);
  });
});
