import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gql } from '../testing/fakes.ts';
import type { Logger } from './logger.ts';
import { createSubgraphServer } from './server.ts';
import type { SubgraphContext } from './server.ts';

function app(logged: object[]) {
  const logger: Logger = { info() {}, warn: (o) => logged.push(o), error: (o) => logged.push(o) };
  const schema = buildSubgraphSchema({
    typeDefs: parse('type Query { boom: String, partial: String, requestId: String }'),
    resolvers: {
      Query: {
        boom: () => {
          throw new Error('row 131052-9085 could not be read');
        },
        partial: (_r: unknown, _a: unknown, ctx: SubgraphContext<undefined>) => {
          ctx.missing.add({ instance: 'effica-porvoo', code: 'MALFORMED_RESPONSE' });
          ctx.missing.add({ instance: 'effica-porvoo', code: 'MALFORMED_RESPONSE' });
          return 'what the others gave';
        },
        requestId: (_r: unknown, _a: unknown, ctx: SubgraphContext<undefined>) => ctx.requestId,
      },
    } as never,
  });
  return createSubgraphServer({ name: 'test', schema, logger, createLoaders: () => undefined });
}

describe('subgraph server', () => {
  it('masks an unexpected error’s message (it might hold data) and logs only its name', async () => {
    const logged: object[] = [];
    const r = await gql(app(logged), '{ boom }');
    expect(r.errors).toMatchObject([{ message: 'Internal error in the subgraph.', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: ['boom'] }]);
    expect(JSON.stringify(logged)).not.toContain('131052');
    expect(logged).toMatchObject([{ service: 'test', errorName: 'Error' }]);
  });

  it('keeps the data and appends one SOURCE_UNAVAILABLE error per missing source', async () => {
    const r = await gql(app([]), '{ partial }');
    expect(r.data).toEqual({ partial: 'what the others gave' });
    expect(r.errors).toEqual([
      { message: 'Source effica-porvoo could not be read (MALFORMED_RESPONSE); the answer lacks its data.', extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'effica-porvoo', reason: 'MALFORMED_RESPONSE' } },
    ]);
  });

  it('keeps a caller’s well-formed x-request-id and replaces anything else', async () => {
    const a = app([]);
    const ask = async (id: string) =>
      (await a.inject({ method: 'POST', url: '/graphql', payload: { query: '{ requestId }' }, headers: { 'x-request-id': id } })).json().data.requestId as string;
    expect(await ask('gw-42')).toBe('gw-42');
    expect(await ask('bad id\u00e4')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
