import { composeServices } from '@apollo/composition';
import { execute, graphql, parse, validate } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphSdls } from '../../../schema/sdl.ts';
import { MISSING_SOURCE_CODE, enumSdl } from '../../../schema/model.ts';
import type { Identity } from '../../../contract/identity.ts';
import { scalarResolvers } from '../../server/scalars.ts';
import { buildTypedSubgraphSchema } from '../../server/subgraphSchema.ts';
import { CountersBuilder } from './counters.ts';
import { statisticsEnumsSdl, statisticsResolvers, statisticsSdl } from './index.ts';
import { ManualClock } from '../../database/testSupport.ts';
import { publish } from './publish.ts';
import type { ServedStatistics } from './publish.ts';
import { recordsOf } from './testSupport.ts';
import { syntheticHetu } from '../personIndex/testSupport.ts';

/** A tiny subgraph: what the region SDL provides (scalars, MissingSourceCode, Municipality, a Query) plus the statistics. */
const TINY = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@shareable"])
scalar DateTime
scalar YearMonth
scalar MunicipalityCode
${enumSdl(MISSING_SOURCE_CODE)}
type Municipality @shareable { code: String! nameFi: String! nameSv: String! }
type Query { ping: String }
${statisticsEnumsSdl}
${statisticsSdl}`;

/** Porvoo: 5 primary health clients (March), 4 oral health clients (April), 6 families customerships. */
function snapshot(complete = true): ServedStatistics {
  const b = new CountersBuilder();
  for (let i = 0; i < 6; i++) {
    const h = syntheticHetu(i);
    b.addPerson([
      recordsOf(h, 'lifecare-porvoo', {
        municipality: '638',
        appointments: [
          ...(i < 5 ? [{ careArea: 'PRIMARY_HEALTH' as const, start: '2025-03-03T10:00:00+02:00' }] : []),
          ...(i < 4 ? [{ careArea: 'ORAL_HEALTH' as const, start: '2025-04-03T10:00:00+03:00' }] : []),
        ],
      }),
      recordsOf(h, 'effica-porvoo', { municipality: '638', customerships: ['FAMILIES'] }),
    ]);
  }
  return {
    cells: publish(b.counts()),
    updatedAt: '2025-06-01T11:00:01+03:00',
    durationMs: 1234,
    complete,
    unavailable: complete ? [] : [{ instance: 'mediatri-sipoo', code: 'SOURCE_UNAVAILABLE' }],
    currentAsOf: complete ? '2025-06-01T10:59:30+03:00' : null,
    sources: [
      { instance: 'effica-porvoo', currentAsOf: '2025-06-01T10:59:45+03:00' },
      { instance: 'lifecare-porvoo', currentAsOf: '2025-06-01T10:59:30+03:00' },
      ...(complete ? [] : [{ instance: 'mediatri-sipoo', currentAsOf: null }]),
    ],
  };
}

/** "Now" for the lag: 90 s after the oldest source's instant. */
const NOW = Date.parse('2025-06-01T11:01:00+03:00');

function schemaWith(current: ServedStatistics | null) {
  const r = statisticsResolvers({ current: () => current }, new ManualClock(NOW));
  return buildTypedSubgraphSchema(parse(TINY), { ...scalarResolvers, ...r });
}

/** Validates (as a server does: a scalar refuses a malformed literal there) and executes. */
async function run(identity: Identity | null, query: string, current: ServedStatistics | null = snapshot()): Promise<ExecutionResult> {
  const schema = schemaWith(current);
  const document = parse(query);
  const invalid = validate(schema, document);
  if (invalid.length > 0) return { errors: invalid };
  return execute({ schema, document, contextValue: { identity } });
}

const ANALYST: Identity = { kind: 'analyst', sub: 'analyst-1' };
const CITIZEN: Identity = { kind: 'citizen', sub: 'c-1', hetu: syntheticHetu(1) };
const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'p-1',
  name: 'Lääkäri',
  profession: 'PHYSICIAN',
  units: ['1.2.246.10.1234567.10.1'],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};

const Q = `{ statistics(municipality: "638") {
  complete computedAt refreshDurationMs unavailableSources { instance code }
  clients { municipality { code nameFi } careArea count suppressed }
  customerships { serviceTask count suppressed }
} }`;

describe('statisticsResolvers in a subgraph schema', () => {
  it('answers an analyst with suppressed cells (4 → null, 5 → 5)', async () => {
    const res = await run(ANALYST, Q);
    expect(res.errors).toBeUndefined();
    const s = (res.data as { statistics: Record<string, unknown> }).statistics;
    expect(s.complete).toBe(true);
    expect(s.computedAt).toBe('2025-06-01T11:00:01+03:00');
    expect(s.refreshDurationMs).toBe(1234);
    expect(s.clients).toEqual([
      { municipality: { code: '638', nameFi: 'Porvoo' }, careArea: 'PRIMARY_HEALTH', count: 5, suppressed: false },
      { municipality: { code: '638', nameFi: 'Porvoo' }, careArea: 'ORAL_HEALTH', count: null, suppressed: true },
      { municipality: { code: '638', nameFi: 'Porvoo' }, careArea: 'SOCIAL', count: 6, suppressed: false },
    ]);
    expect(s.customerships).toContainEqual({ serviceTask: 'FAMILIES', count: 6, suppressed: false });
    expect(s.customerships).toContainEqual({ serviceTask: 'CHILD_WELFARE', count: null, suppressed: true });
    expect(s.customerships).toContainEqual({ serviceTask: null, count: 6, suppressed: false });
  });

  it('filters by care area and month range without changing any cell', async () => {
    const res = await run(
      ANALYST,
      `{ statistics(municipality: "638", careArea: ORAL_HEALTH, fromMonth: "2025-04", toMonth: "2025-04") {
         clients { careArea count } customerships { count } appointments { careArea month count suppressed }
       } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      statistics: {
        clients: [{ careArea: 'ORAL_HEALTH', count: null }],
        customerships: [],
        appointments: [{ careArea: 'ORAL_HEALTH', month: '2025-04', count: null, suppressed: true }],
      },
    });
  });

  it('says how current the counts are: per source, the oldest of them, and the lag to now', async () => {
    const res = await run(ANALYST, '{ statistics { currentAsOf lagSeconds sources { instance currentAsOf lagSeconds } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      statistics: {
        currentAsOf: '2025-06-01T10:59:30+03:00',
        lagSeconds: 90,
        sources: [
          { instance: 'effica-porvoo', currentAsOf: '2025-06-01T10:59:45+03:00', lagSeconds: 75 },
          { instance: 'lifecare-porvoo', currentAsOf: '2025-06-01T10:59:30+03:00', lagSeconds: 90 },
        ],
      },
    });
    const partial = await run(ANALYST, '{ statistics { currentAsOf lagSeconds sources { instance lagSeconds } } }', snapshot(false));
    expect(partial.data).toEqual({
      statistics: {
        currentAsOf: null,
        lagSeconds: null,
        sources: [
          { instance: 'effica-porvoo', lagSeconds: 75 },
          { instance: 'lifecare-porvoo', lagSeconds: 90 },
          { instance: 'mediatri-sipoo', lagSeconds: null },
        ],
      },
    });
  });

  it('says when the counts are incomplete and which source they lack', async () => {
    const res = await run(ANALYST, '{ statistics { complete unavailableSources { instance code } } }', snapshot(false));
    expect(res.data).toEqual({
      statistics: { complete: false, unavailableSources: [{ instance: 'mediatri-sipoo', code: 'SOURCE_UNAVAILABLE' }] },
    });
  });

  it('refuses anyone but an analyst: FORBIDDEN with the reason (no sign-in: UNAUTHENTICATED)', async () => {
    for (const [identity, code, reason] of [
      [CITIZEN, 'FORBIDDEN', 'ROLE_NOT_PERMITTED'],
      [PHYSICIAN, 'FORBIDDEN', 'ROLE_NOT_PERMITTED'],
      [null, 'UNAUTHENTICATED', 'NOT_AUTHENTICATED'],
    ] as const) {
      const res = await run(identity, '{ statistics { complete clients { count } } }');
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => e.extensions)).toEqual([{ code, reason }]);
      expect(res.errors?.[0]?.path).toEqual(['statistics']);
    }
  });

  it('refuses malformed filters as BAD_USER_INPUT and answers STATISTICS_NOT_READY before the first refresh', async () => {
    for (const args of ['fromMonth: "2025-13"', 'toMonth: "2025-1"', 'municipality: "091"', 'fromMonth: "2025-05", toMonth: "2025-04"']) {
      const res = await run(ANALYST, `{ statistics(${args}) { complete } }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    // One sentence, what was expected and that something else came, never the value itself.
    expect((await run(ANALYST, '{ statistics(municipality: "091") { complete } }')).errors?.[0]?.message).toBe(
      "expected MunicipalityCode as one of the region's municipality codes (018, 407, 434, 504, 616, 638, 753), received a value of another form",
    );
    expect((await run(ANALYST, '{ statistics(fromMonth: "2025-13") { complete } }')).errors?.[0]?.message).toBe(
      'expected YearMonth as YYYY-MM, received a value of another form',
    );
    // As variables too (the scalar's parseValue).
    const schema = schemaWith(snapshot());
    const viaVariable = await graphql({
      schema,
      source: 'query Q($m: YearMonth) { statistics(toMonth: $m) { complete } }',
      variableValues: { m: '2025/04' },
      contextValue: { identity: ANALYST },
    });
    expect(viaVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(viaVariable.errors?.[0]?.message).toContain('expected YearMonth as YYYY-MM, received a value of another form');
    const res = await run(ANALYST, '{ statistics { complete } }', null);
    expect(res.errors?.[0]?.extensions?.code).toBe('STATISTICS_NOT_READY');
  });
});

describe('statisticsSdl in the region subgraph', () => {
  it('is part of the region SDL and composes with the other subgraphs without hints', () => {
    const sdls = subgraphSdls();
    expect(sdls.find((s) => s.name === 'region')!.typeDefs).toContain(statisticsSdl.trim().split('\n')[0]);
    const result = composeServices(
      sdls.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: `http://${s.name}.invalid/graphql` })),
    );
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expect(result.supergraphSdl).toContain('statistics(');
    expect((result.hints ?? []).map((h) => h.message)).toEqual([]);
  });
});
