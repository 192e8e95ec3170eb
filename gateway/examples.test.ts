/**
 * GraphiQL's saved examples (gateway/examples.ts): each a named query with
 * variables for one demo user, about the demo persons only, and valid against
 * the committed supergraph. test/e2e/examples.test.ts runs them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from './config.ts';
import { createEngine } from './engine.ts';
import { DEMO_PERSONS, EXAMPLE_CHILD, demoUser } from './auth/demoUsers.ts';
import { EXAMPLE_HETU, exampleOperations } from './examples.ts';
import { parse, specifiedRules, validate } from './graphql.ts';
import { createRequire } from 'node:module';

/** graphql-js's rule reporting every deprecated field or argument used, from the instance gateway/graphql.ts pins. */
const { NoDeprecatedCustomRule } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
import { captureLogger } from './testSupport.ts';

describe('saved GraphiQL examples', () => {
  it('are named queries with variables, each for a demo user and about demo persons only', () => {
    const ops = exampleOperations({ year: 2025 });
    expect(ops.map((o) => [o.name, o.identity])).toEqual([
      ['NextAppointments', 'citizen'],
      ['FeesAndCeiling', 'citizen'],
      ['ChildOfGuardian', 'citizen'],
      ['ClientOverview', 'physician'],
      ['RegionStatistics', 'analyst'],
    ]);
    const persons = DEMO_PERSONS.map((p) => p.hetu);
    for (const op of ops) {
      expect(demoUser(op.identity!), op.name).toBeDefined();
      // The first line says who to sign in as, for someone reading the tab.
      expect(op.query.split('\n')[0], op.name).toMatch(new RegExp(`^# Sign in as: ${op.identity} `));
      expect(op.query, op.name).toMatch(new RegExp(`^query ${op.name}\\(\\$`, 'm'));
      // No identity code written into a query: the person is a variable.
      expect(op.query.match(/\d{6}[-+A-FU-Y]\d{3}/), op.name).toBeNull();
      for (const value of Object.values(op.variables ?? {})) {
        if (typeof value === 'string' && /^\d{6}[-+A-FU-Y]/.test(value)) expect(persons, op.name).toContain(value);
      }
    }
    expect(ops[0]!.variables).toEqual({ hetu: EXAMPLE_HETU });
    expect(ops[1]!.variables).toEqual({ hetu: EXAMPLE_HETU, year: 2025 });
    expect(ops[2]!.variables).toEqual({ hetu: EXAMPLE_CHILD.hetu });
  });

  it('take the default year from the given day, not from the machine clock', () => {
    expect(exampleOperations({ today: '2031-01-02' })[1]!.variables).toMatchObject({ year: 2031 });
    expect(exampleOperations({ today: '2031-01-02' })[4]!.variables).toMatchObject({ fromMonth: '2031-01', toMonth: '2031-12' });
  });

  // The committed supergraph is written by the schema's compose script; until it exists there is nothing to check against.
  it.skipIf(!existsSync(DEFAULT_SUPERGRAPH_PATH))('are valid against the committed supergraph', async () => {
    const engine = await createEngine({
      supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'),
      fetcher: async () => {
        throw new Error('no subgraph is called while validating');
      },
      logger: captureLogger().logger,
      production: false,
    });
    try {
      for (const op of exampleOperations()) {
        // Valid, and asking no deprecated field: the examples show the lists as connections (issue 15).
        expect(
          validate(engine.schema, parse(op.query), [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message),
          op.name,
        ).toEqual([]);
      }
    } finally {
      await engine.close();
    }
  });
});
