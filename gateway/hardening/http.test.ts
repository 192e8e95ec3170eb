/**
 * CSRF prevention, production mode (no introspection, no suggestions,
 * masked errors) and error masking, through the gateway's HTTP layer.
 */
import { getIntrospectionQuery } from 'graphql';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSubgraph } from '../testSupport.ts';
import { startCountingSubgraphs, startHardenedGateway, subgraphCalls } from './testSupport.ts';

let subgraphs: TestSubgraph[];
let dev: FastifyInstance;
let devLog: string[];
let prod: FastifyInstance;

beforeAll(async () => {
  subgraphs = await startCountingSubgraphs();
  ({ app: dev, logLines: devLog } = await startHardenedGateway(subgraphs));
  ({ app: prod } = await startHardenedGateway(subgraphs, { production: true }));
});

afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()]);
  await Promise.all((subgraphs ?? []).map((s) => s.close()));
});

const QUERY = '{ person(id: "1") { name } }';
const body = JSON.stringify({ query: QUERY });
const codeOf = (res: { json(): unknown }) => (res.json() as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code;

describe('CSRF prevention', () => {
  it('refuses POSTs a cross-site form or fetch could send unasked, before reading them, and calls nothing', async () => {
    const before = subgraphCalls(subgraphs);
    for (const type of [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'TEXT/PLAIN',
    ]) {
      const res = await dev.inject({ method: 'POST', url: '/graphql', payload: body, headers: { 'content-type': type } });
      expect(res.statusCode, type).toBe(400);
      expect(codeOf(res), type).toBe('CSRF_PREVENTED');
    }
    // A body without any Content-Type (e.g. fetch with a Blob) is refused the same way.
    const untyped = await dev.inject({ method: 'POST', url: '/graphql', payload: Buffer.from(body) });
    expect(codeOf(untyped)).toBe('CSRF_PREVENTED');
    expect(subgraphCalls(subgraphs)).toBe(before);
  });

  it('lets JSON POSTs through, and simple ones with a preflight header (then refused as not a JSON object)', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8']) {
      const res = await dev.inject({ method: 'POST', url: '/graphql', payload: body, headers: { 'content-type': type } });
      expect(res.json(), type).toEqual({ data: { person: { name: 'Person 1' } } });
    }
    const plain = await dev.inject({
      method: 'POST',
      url: '/graphql',
      payload: body,
      headers: { 'content-type': 'text/plain', 'apollo-require-preflight': 'true' },
    });
    expect(plain.statusCode).toBe(400);
    expect(codeOf(plain)).toBe('BAD_REQUEST');
  });

  it('refuses GET operations without a preflight header; an empty one does not count', async () => {
    const before = subgraphCalls(subgraphs);
    const bare = await dev.inject({ method: 'GET', url: '/graphql', query: { query: QUERY } });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toEqual({
      errors: [
        {
          message:
            'Expected a request a browser could not send cross-site unasked: received one without Content-Type application/json and without a non-empty apollo-require-preflight or x-apollo-operation-name header.',
          extensions: { code: 'CSRF_PREVENTED' },
        },
      ],
    });
    const empty = await dev.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: QUERY },
      headers: { 'apollo-require-preflight': '' },
    });
    expect(codeOf(empty)).toBe('CSRF_PREVENTED');
    expect(subgraphCalls(subgraphs)).toBe(before);
    for (const header of ['apollo-require-preflight', 'x-apollo-operation-name']) {
      const ok = await dev.inject({ method: 'GET', url: '/graphql', query: { query: QUERY }, headers: { [header]: 'Person' } });
      expect(ok.json(), header).toEqual({ data: { person: { name: 'Person 1' } } });
    }
  });

  it('never runs a mutation over GET, preflighted or not', async () => {
    const before = subgraphCalls(subgraphs);
    const bare = await dev.inject({ method: 'GET', url: '/graphql', query: { query: 'mutation { touch(id: "1") }' } });
    expect(codeOf(bare)).toBe('CSRF_PREVENTED');
    const preflighted = await dev.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: 'mutation { touch(id: "1") }' },
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.statusCode).toBe(405);
    expect(preflighted.headers.allow).toBe('POST');
    expect(subgraphCalls(subgraphs)).toBe(before);
  });

  it('still sends a browser opening /graphql to GraphiQL (nothing is executed)', async () => {
    const res = await dev.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(302);
  });

  it('logs the refusal with its code', async () => {
    await dev.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: QUERY },
      headers: { 'x-request-id': '9f0a7c2e-5b1d-4c3e-8a6f-2d4b6c8e0a1f' },
    });
    const line = devLog
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.reqId === '9f0a7c2e-5b1d-4c3e-8a6f-2d4b6c8e0a1f' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', route: '/graphql', statusCode: 400, errorCodes: ['CSRF_PREVENTED'] });
  });

  it('can be turned off', async () => {
    const { app: open } = await startHardenedGateway(subgraphs, { hardening: { csrfPrevention: false } });
    try {
      const res = await open.inject({ method: 'GET', url: '/graphql', query: { query: QUERY } });
      expect(res.json()).toEqual({ data: { person: { name: 'Person 1' } } });
    } finally {
      await open.close();
    }
  });
});

describe('introspection and suggestions', () => {
  const post = (app: FastifyInstance, query: string, variables?: object) =>
    app.inject({ method: 'POST', url: '/graphql', payload: { query, ...(variables ? { variables } : {}) } });

  it("serve GraphiQL's schema query outside production, within the default limits", async () => {
    const res = await post(
      dev,
      getIntrospectionQuery({
        descriptions: true,
        inputValueDeprecation: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().data.__schema.queryType).toMatchObject({ name: 'Query' });
  });

  it('are off in production: no __schema, no __type, no "Did you mean"', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Person") { fields { name } } }']) {
      const res = await post(prod, query);
      expect(res.statusCode, query).toBe(400);
      expect(codeOf(res), query).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.body, query).not.toContain('Person"');
    }
    const typo = await post(prod, '{ person(id: "1") { nme } }');
    expect(typo.json().errors).toEqual([
      {
        message: 'Cannot query field "nme" on type "Person".',
        locations: [{ line: 1, column: 21 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
    const argument = await post(prod, '{ person(idd: "1") { name } }');
    expect(argument.body).not.toContain('Did you mean');
    const enumValue = await post(prod, 'query Q($c: Color!) { color(c: $c) }', { c: 'GREN' });
    expect(codeOf(enumValue)).toBe('BAD_USER_INPUT');
    expect(enumValue.body).not.toMatch(/Did you mean|GREEN/);
    // The same typo outside production gets the suggestion.
    const devTypo = await post(dev, '{ person(id: "1") { nme } }');
    expect(devTypo.json().errors[0].message).toBe('Cannot query field "nme" on type "Person". Did you mean "name"?');
  });
});

describe('error masking', () => {
  const boom = (app: FastifyInstance) =>
    app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ boom person(id: "1") { name } }' } });

  it('drops stack frames, URLs and addresses from a subgraph error, keeping the rest of the answer', async () => {
    const res = await boom(dev);
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.data).toEqual({ boom: null, person: { name: 'Person 1' } });
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0].message).toBe('connect ECONNREFUSED an address for a URL');
    expect(out.errors[0].extensions.serviceName).toBe('people');
    expect(res.body).not.toMatch(/10\.20\.30\.40|people\.internal|pg\.js|stacktrace|exception/);
  });

  it('in production, shows an unexpected error as its code and a generic message', async () => {
    const out = (await boom(prod)).json();
    expect(out.data).toEqual({ boom: null, person: { name: 'Person 1' } });
    expect(out.errors[0].message).toBe('Internal server error.');
    expect(out.errors[0].extensions).toMatchObject({ serviceName: 'people' });
    expect(typeof out.errors[0].extensions.code).toBe('string');
  });
});
