import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from './config.ts';
import { createEngine } from './engine.ts';
import { EXAMPLE_HETU, exampleOperations } from './examples.ts';
import { parse, validate } from './graphql.ts';
import { captureLogger } from './testSupport.ts';

describe('saved GraphiQL examples', () => {
  it('ask about the given person and year, each a named query', () => {
    const ops = exampleOperations({ hetu: '131052-308T', year: 2025 });
    expect(ops.map((o) => o.name)).toEqual(['NextAppointments', 'ClientOverview', 'FeesAndCeiling']);
    for (const op of ops) {
      expect(op.query).toContain('customer(hetu: "131052-308T")');
      expect(op.query).toContain(`query ${op.name} {`);
      expect(op.query).not.toContain(EXAMPLE_HETU);
    }
    expect(ops[2]!.query).toContain('fees(year: 2025)');
    expect(ops[2]!.query).toContain('feeCeiling(year: 2025)');
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
        expect(validate(engine.schema, parse(op.query)).map((e) => e.message), op.name).toEqual([]);
      }
    } finally {
      await engine.close();
    }
  });
});
