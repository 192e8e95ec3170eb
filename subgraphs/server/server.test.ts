import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { gatewayHeaders, gql, TEST_INTERNAL_KEY } from '../testSupport/fakes.ts';
import type { Identity } from '../../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER, InternalKey, signInternalToken } from '../../contract/internalToken.ts';
import type { Logger } from './logger.ts';
import { createSubgraphServer, setSubgraphReadiness } from './server.ts';
import type { SubgraphContext } from './server.ts';

const PHYSICIAN: Identity = {
  kind: 'professional',
  sub: 'demo-physician',
  name: 'Lotta Kallioniemi',
  profession: 'PHYSICIAN',
  units: ['1.2.246.10.1061512.10.6381'],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};

let resolved = 0;

function app(logged: object[]) {
  const logger: Logger = { info() {}, warn: (o) => logged.push(o), error: (o) => logged.push(o) };
  const schema = buildSubgraphSchema({
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
      type Query { boom: String, partial: String, requestId: String, identity: String }
      type Person @key(fields: "id") { id: ID!, secret: String }
    `),
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
        identity: (_r: unknown, _a: unknown, ctx: SubgraphContext<undefined>) => JSON.stringify(ctx.identity),
      },
      Person: {
        __resolveReference: (ref: { id: string }) => {
          resolved += 1;
          return { id: ref.id, secret: 'personal data' };
        },
      },
    } as never,
  });
  return createSubgraphServer({ name: 'test', schema, logger, createLoaders: () => undefined, internalKey: TEST_INTERNAL_KEY });
}

const ENTITIES = {
  query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { secret } } }',
  variables: { r: [{ __typename: 'Person', id: '1' }] },
};

describe('subgraph server', () => {
  it('masks an unexpected error’s message (it might hold data) and logs only its name', async () => {
    const logged: object[] = [];
    const r = await gql(app(logged), '{ boom }');
    expect(r.errors).toMatchObject([
      { message: 'Internal error in the subgraph.', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: ['boom'] },
    ]);
    expect(JSON.stringify(logged)).not.toContain('131052');
    expect(logged).toMatchObject([{ service: 'test', errorName: 'Error' }]);
  });

  it('keeps the data and appends one SOURCE_UNAVAILABLE error per missing source', async () => {
    const r = await gql(app([]), '{ partial }');
    expect(r.data).toEqual({ partial: 'what the others gave' });
    expect(r.errors).toEqual([
      {
        message: 'Source effica-porvoo could not be read (MALFORMED_RESPONSE); the answer lacks its data.',
        extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'effica-porvoo', reason: 'MALFORMED_RESPONSE' },
      },
    ]);
  });

  it('takes the request id from the gateway’s signed token', async () => {
    const a = app([]);
    const ask = async (id: string) =>
      (
        await a.inject({ method: 'POST', url: '/graphql', payload: { query: '{ requestId }' }, headers: await gatewayHeaders(a, null, id) })
      ).json().data.requestId as string;
    expect(await ask('gw-42')).toBe('gw-42');
  });
});

describe('the gateway’s internal token', () => {
  const a = app([]);
  const post = (headers: Record<string, string>, payload: object = { query: '{ identity }' }) =>
    a.inject({ method: 'POST', url: '/graphql', payload, headers });
  const refusal = (reason: string) => ({
    errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED_INTERNAL', reason } }],
  });

  it('puts the verified identity into the resolvers’ context, and null for an anonymous request', async () => {
    expect((await gql(a, '{ identity }', {}, PHYSICIAN)).data).toEqual({ identity: JSON.stringify(PHYSICIAN) });
    expect((await gql(a, '{ identity }')).data).toEqual({ identity: 'null' });
  });

  it('refuses a direct call without a token with 401 and UNAUTHENTICATED_INTERNAL, for queries and _entities alike', async () => {
    const before = resolved;
    for (const payload of [{ query: '{ identity }' }, ENTITIES]) {
      const res = await post({}, payload);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(refusal('MISSING'));
      expect(res.body).not.toContain('personal data');
    }
    const get = await a.inject({ method: 'GET', url: '/graphql?query=%7B%20identity%20%7D' });
    expect(get.statusCode).toBe(401);
    expect(resolved).toBe(before);
  });

  it('refuses forged tokens: another key, another audience, expired, too long-lived, alg none, a bad identity', async () => {
    const before = resolved;
    const other = InternalKey.generate();
    const cases: [string, string][] = [
      ['BAD_SIGNATURE', await signInternalToken(other, { audience: 'test', requestId: 'r', identity: PHYSICIAN })],
      ['WRONG_AUDIENCE', await signInternalToken(TEST_INTERNAL_KEY, { audience: 'region', requestId: 'r', identity: PHYSICIAN })],
      [
        'EXPIRED',
        await signInternalToken(TEST_INTERNAL_KEY, {
          audience: 'test',
          requestId: 'r',
          identity: null,
          now: new Date(Date.now() - 120_000),
        }),
      ],
      [
        'MALFORMED',
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'region-gateway', aud: 'test', iat: now(), exp: now() + 30, rid: 'r', idn: PHYSICIAN })}.`,
      ],
      ['MALFORMED', 'not a token'],
      [
        'INVALID_CLAIMS',
        await new SignJWT({ rid: 'r', idn: null })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('region-gateway')
          .setAudience('test')
          .setIssuedAt(now())
          .setExpirationTime(now() + 3600)
          .sign(Buffer.from(TEST_INTERNAL_KEY.exportSecret(), 'base64url')),
      ],
      [
        'INVALID_CLAIMS',
        await signInternalToken(TEST_INTERNAL_KEY, {
          audience: 'test',
          requestId: 'r',
          identity: { kind: 'citizen', sub: 'x', hetu: 'not-a-code' } as Identity,
        }),
      ],
    ];
    for (const [reason, token] of cases) {
      for (const payload of [{ query: '{ identity }' }, ENTITIES]) {
        const res = await post({ [INTERNAL_TOKEN_HEADER]: token }, payload);
        expect(res.statusCode, reason).toBe(401);
        expect(res.json(), reason).toEqual(refusal(reason));
      }
    }
    expect(resolved).toBe(before);
  });

  it('answers _entities to the gateway', async () => {
    const res = await post(await gatewayHeaders(a, PHYSICIAN), ENTITIES);
    expect(res.json()).toEqual({ data: { _entities: [{ secret: 'personal data' }] } });
  });

  it('leaves /healthz open and refuses every other route, unknown ones included', async () => {
    expect((await a.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', service: 'test' });
    expect((await a.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(401);
    expect((await a.inject({ method: 'POST', url: '/healthz' })).statusCode).toBe(401);
  });

  it('leaves /readyz open too: 200 until the process says otherwise (setSubgraphReadiness), a failing check 503', async () => {
    expect((await a.inject({ method: 'GET', url: '/readyz' })).body).toBe('{"ready":true}');
    let ready = false;
    setSubgraphReadiness(a, () => ready);
    const down = await a.inject({ method: 'GET', url: '/readyz' });
    expect([down.statusCode, down.body]).toEqual([503, '{"ready":false}']);
    ready = true;
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    setSubgraphReadiness(a, () => {
      throw new Error('check failed');
    });
    expect((await a.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    setSubgraphReadiness(a, () => true);
    expect((await a.inject({ method: 'POST', url: '/readyz' })).statusCode).toBe(401);
  });

  it('refuses before reading the body', async () => {
    const res = await a.inject({ method: 'POST', url: '/graphql', payload: '{"query": ', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('a request id the caller chose', () => {
  it('is kept in the log only as a UUID or trace id; one shaped like an identity code is replaced', async () => {
    const logged: object[] = [];
    const server = app(logged);
    for (const id of ['021289-9032', '4bf92f3577b34da6a3ce929d0e0e4736']) {
      const res = await server.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ identity }' },
        headers: { 'x-request-id': id },
      });
      expect(res.statusCode).toBe(401);
    }
    expect(JSON.stringify(logged)).not.toContain('021289');
    expect(logged.map((l) => (l as { requestId: string }).requestId)).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36}$/),
      '4bf92f3577b34da6a3ce929d0e0e4736',
    ]);
  });
});
