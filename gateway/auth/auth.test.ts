/**
 * Authentication end to end: a bearer token at the gateway (external
 * identity provider through its JWKS over HTTP), the identity in a real
 * subgraph's context through the internal token, and every way a token is
 * refused: 401 with a code and reason, no data, no subgraph called.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER, InternalKey, signInternalToken } from '../../contract/internalToken.ts';
import { createGateway } from '../server.ts';
import { captureLogger, closedPort, composeSupergraph } from '../testSupport.ts';
import type { JwksAuthConfig } from './config.ts';
import { demoUser } from './demoUsers.ts';
import { signTestToken, startJwksServer, startWhoamiSubgraph, testSigningKey } from './testSupport.ts';
import type { TestSigningKey } from './testSupport.ts';

const ISSUER = 'https://idp.test/realms/region';
const AUDIENCE = 'region-graph';
const PHYSICIAN = demoUser('physician')!.identity;
const CITIZEN = demoUser('turvakielto')!.identity as Extract<Identity, { kind: 'citizen' }>;

let keyA: TestSigningKey;
let keyB: TestSigningKey;
let stranger: TestSigningKey;
let jwks: Awaited<ReturnType<typeof startJwksServer>>;
let subgraph: Awaited<ReturnType<typeof startWhoamiSubgraph>>;
let gateway: FastifyInstance;
let logLines: string[];
let supergraphSdl: string;
const internalKey = InternalKey.generate();

const auth = (): JwksAuthConfig => ({
  kind: 'jwks',
  issuer: ISSUER,
  audience: AUDIENCE,
  jwksUrl: jwks.url,
  jwksCooldownMs: 0,
  jwksMaxAgeMs: 600_000,
});

beforeAll(async () => {
  [keyA, keyB, stranger] = await Promise.all([testSigningKey('key-a'), testSigningKey('key-b'), testSigningKey('key-a')]);
  jwks = await startJwksServer([keyA]);
  subgraph = await startWhoamiSubgraph(internalKey);
  supergraphSdl = composeSupergraph([subgraph]);
  const { logger, lines } = captureLogger();
  logLines = lines;
  gateway = await createGateway({ supergraphSdl, logger, auth: auth(), internalKey });
});

afterAll(async () => {
  await gateway?.close();
  await subgraph?.close();
  await jwks?.close();
});

const ask = (headers: Record<string, string> = {}, query = '{ whoami requestId }') =>
  gateway.inject({ method: 'POST', url: '/graphql', payload: { query }, headers: { 'content-type': 'application/json', ...headers } });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const token = (options: Parameters<typeof signTestToken>[1] extends infer O ? Partial<O> : never = {}, key: TestSigningKey = keyA) =>
  signTestToken(key, { issuer: ISSUER, audience: AUDIENCE, identity: PHYSICIAN, ...options });

describe('a valid bearer token', () => {
  it('puts the verified identity, and the gateway’s request id, into the subgraph’s context', async () => {
    const res = await ask({ ...bearer(await token()), 'x-request-id': '6ba7b810-9dad-41d1-80b4-00c04fd430c8' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { whoami: JSON.stringify(PHYSICIAN), requestId: '6ba7b810-9dad-41d1-80b4-00c04fd430c8' } });
  });

  it('works over GET too, and for a citizen', async () => {
    const t = await token({ identity: CITIZEN });
    const res = await gateway.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: '{ whoami }' },
      headers: { ...bearer(t), 'apollo-require-preflight': 'true' },
    });
    expect(res.json()).toEqual({ data: { whoami: JSON.stringify(CITIZEN) } });
  });

  it('without a token the request is anonymous: identity null in the subgraph', async () => {
    expect((await ask()).json()).toEqual({ data: { whoami: 'null', requestId: expect.any(String) } });
  });
});

describe('a token that is not valid', () => {
  const refused = async (headers: Record<string, string>, reason: string) => {
    const before = subgraph.requests();
    const res = await ask(headers);
    expect(res.statusCode, reason).toBe(401);
    expect(res.headers['www-authenticate'], reason).toBe('Bearer realm="region-graph", error="invalid_token"');
    const body = res.json();
    expect(body, reason).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', reason } }] });
    expect(body.data, reason).toBeUndefined();
    expect(subgraph.requests(), `${reason}: no subgraph called`).toBe(before);
    return body.errors[0].message as string;
  };

  it('expired → 401 TOKEN_EXPIRED', async () => {
    await refused(bearer(await token({ expiresInSeconds: -120 })), 'TOKEN_EXPIRED');
  });

  it('another issuer or audience → 401 WRONG_ISSUER / WRONG_AUDIENCE', async () => {
    await refused(bearer(await token({ issuer: 'https://evil.test/' })), 'WRONG_ISSUER');
    await refused(bearer(await token({ audience: 'another-api' })), 'WRONG_AUDIENCE');
  });

  it('signed with another key under a known key id → 401 BAD_SIGNATURE; an unknown key id → 401 UNKNOWN_KEY', async () => {
    await refused(bearer(await token({}, stranger)), 'BAD_SIGNATURE');
    await refused(bearer(await token({}, { ...stranger, kid: 'key-unknown' })), 'UNKNOWN_KEY');
  });

  it('alg none, or HS256 keyed with the public key (algorithm confusion) → 401 UNSUPPORTED_ALGORITHM', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'x', iat: now, exp: now + 300, role: 'analyst' })}.`;
    await refused(bearer(unsigned), 'UNSUPPORTED_ALGORITHM');
    const confused = await new SignJWT({ role: 'analyst' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-a' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(keyA.publicJwk)));
    await refused(bearer(confused), 'UNSUPPORTED_ALGORITHM');
  });

  it('claims of the wrong shape → 401 INVALID_CLAIMS, the message naming the claim but never its value', async () => {
    const message = await refused(bearer(await token({ identity: CITIZEN, claims: { hetu: '220799-918X' } })), 'INVALID_CLAIMS');
    expect(message).toMatch(/hetu/);
    expect(message).not.toContain('220799');
    await refused(bearer(await token({ claims: { profession: 'WIZARD' } })), 'INVALID_CLAIMS');
    await refused(bearer(await token({ claims: { care_areas: [] } })), 'INVALID_CLAIMS');
    await refused(bearer(await token({ claims: { municipality: '091' } })), 'INVALID_CLAIMS');
    await refused(bearer(await token({ claims: { role: 'admin' } })), 'INVALID_CLAIMS');
    await refused(bearer(await token({ claims: { exp: undefined } })), 'INVALID_CLAIMS');
  });

  it('not a bearer JWT → 401 INVALID_AUTHORIZATION_HEADER / MALFORMED_TOKEN', async () => {
    await refused({ authorization: 'Basic dXNlcjpwYXNz' }, 'INVALID_AUTHORIZATION_HEADER');
    await refused({ authorization: 'Bearer' }, 'INVALID_AUTHORIZATION_HEADER');
    await refused(bearer('not.a.jwt'), 'MALFORMED_TOKEN');
    await refused(bearer('x'.repeat(9_000)), 'MALFORMED_TOKEN');
  });

  it('logs the refusal’s code and reason, never the token', async () => {
    const t = await token({ expiresInSeconds: -120 });
    const start = logLines.length;
    await ask({ ...bearer(t), 'x-request-id': '6ba7b811-9dad-41d1-80b4-00c04fd430c8' });
    const lines = logLines.slice(start);
    expect(lines.join('\n')).not.toContain(t.split('.')[1]!);
    const line = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.reqId === '6ba7b811-9dad-41d1-80b4-00c04fd430c8' && l.msg === 'request');
    expect(line).toMatchObject({ statusCode: 401, errorCodes: ['UNAUTHENTICATED'], authReason: 'TOKEN_EXPIRED' });
    await ask({ ...bearer(await token()), 'x-request-id': '6ba7b812-9dad-41d1-80b4-00c04fd430c8' });
    const ok = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.reqId === '6ba7b812-9dad-41d1-80b4-00c04fd430c8' && l.msg === 'request');
    expect(ok).toMatchObject({ statusCode: 200, identity: 'professional' });
    expect(JSON.stringify(ok)).not.toContain('Kallioniemi');
  });
});

describe('two Authorization headers', () => {
  // Node's typings allow one Authorization value; light-my-request sends each of an array as its own header line.
  const twoAuthorizations = (values: string[]): OutgoingHttpHeaders =>
    ({ 'content-type': 'application/json', authorization: values }) as unknown as OutgoingHttpHeaders;

  it('are refused with 400 BAD_REQUEST (reason DUPLICATE_AUTHORIZATION_HEADER) before either is verified, even when both are valid', async () => {
    const before = subgraph.requests();
    const valid = `Bearer ${await token()}`;
    for (const pair of [
      [valid, valid],
      [valid, `Bearer ${await token({ identity: CITIZEN })}`],
      [valid, 'Basic dXNlcjpwYXNz'],
    ]) {
      const res = await gateway.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ whoami }' },
        headers: twoAuthorizations(pair),
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="region-graph", error="invalid_request"');
      expect(res.body).toBe(
        '{"errors":[{"message":"Expected one Authorization header, received several.","extensions":{"code":"BAD_REQUEST","reason":"DUPLICATE_AUTHORIZATION_HEADER"}}]}',
      );
    }
    expect(subgraph.requests()).toBe(before);
  });

  it('one of them is still served', async () => {
    const res = await gateway.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: '{ whoami }' },
      headers: twoAuthorizations([`Bearer ${await token()}`]),
    });
    expect(res.json()).toEqual({ data: { whoami: JSON.stringify(PHYSICIAN) } });
  });
});

describe('/readyz details', () => {
  it('are shown to an analyst; a professional, a bad token and no token get the status alone', async () => {
    const analyst = await gateway.inject({
      method: 'GET',
      url: '/readyz',
      headers: bearer(await token({ identity: demoUser('analyst')!.identity })),
    });
    expect(analyst.statusCode).toBe(200);
    expect(analyst.json()).toMatchObject({ ready: true, subgraphs: { whoami: { ok: true } }, notReady: [] });
    for (const headers of [bearer(await token()), bearer(await token({ expiresInSeconds: -120 })), {}]) {
      const res = await gateway.inject({ method: 'GET', url: '/readyz', headers });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('{"ready":true}');
    }
  });
});

describe('key rotation', () => {
  it('accepts a token of a new key the JWKS now serves, without a restart', async () => {
    expect((await ask(bearer(await token()))).statusCode).toBe(200);
    const fetchesBefore = jwks.fetches();
    jwks.setKeys([keyA, keyB]);
    const res = await ask(bearer(await token({}, keyB)));
    expect(res.statusCode).toBe(200);
    expect(res.json().data.whoami).toBe(JSON.stringify(PHYSICIAN));
    expect(jwks.fetches()).toBe(fetchesBefore + 1);
    // Key A retired: its tokens are refused once the set is fetched again (a token naming an unknown key id).
    jwks.setKeys([keyB]);
    expect((await ask(bearer(await token({}, { ...keyB, kid: 'key-c' })))).json().errors[0].extensions.reason).toBe('UNKNOWN_KEY');
    expect((await ask(bearer(await token()))).json().errors[0].extensions.reason).toBe('UNKNOWN_KEY');
    jwks.setKeys([keyA]);
  });

  it('answers 503 AUTHENTICATION_UNAVAILABLE when the JWKS cannot be fetched, and anonymous requests still work', async () => {
    const port = await closedPort();
    const down = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      auth: { ...auth(), jwksUrl: `http://127.0.0.1:${port}/certs` },
      internalKey,
    });
    try {
      const res = await down.inject({ method: 'POST', url: '/graphql', payload: { query: '{ whoami }' }, headers: bearer(await token()) });
      expect(res.statusCode).toBe(503);
      expect(res.json().errors[0].extensions).toEqual({ code: 'AUTHENTICATION_UNAVAILABLE', reason: 'KEYS_UNAVAILABLE' });
      const anonymous = await down.inject({ method: 'POST', url: '/graphql', payload: { query: '{ whoami }' } });
      expect(anonymous.json()).toEqual({ data: { whoami: 'null' } });
    } finally {
      await down.close();
    }
  });
});

describe('no way around the gateway', () => {
  const direct = (headers: Record<string, string>, payload: object) =>
    fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });

  it('refuses a direct call to a subgraph without an internal token, or with the user’s own JWT', async () => {
    const attempts: Record<string, string>[] = [{}, bearer(await token()), { [INTERNAL_TOKEN_HEADER]: await token() }];
    for (const headers of attempts) {
      const res = await direct(headers, { query: '{ whoami }' });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'UNAUTHENTICATED_INTERNAL',
      );
    }
  });

  it('refuses a forged internal token and a direct _entities call', async () => {
    const forged = await signInternalToken(InternalKey.generate(), { audience: 'whoami', requestId: 'x', identity: PHYSICIAN });
    const entities = { query: '{ _entities(representations: []) { __typename } }' };
    for (const [headers, payload] of [
      [{ [INTERNAL_TOKEN_HEADER]: forged }, { query: '{ whoami }' }],
      [{}, entities],
      [{ [INTERNAL_TOKEN_HEADER]: forged }, entities],
      [
        { [INTERNAL_TOKEN_HEADER]: await signInternalToken(internalKey, { audience: 'region', requestId: 'x', identity: PHYSICIAN }) },
        entities,
      ],
    ] as const) {
      const res = await direct(headers, payload);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED_INTERNAL');
    }
  });

  it('a gateway without the key gets every subgraph call refused with UNAUTHENTICATED_INTERNAL', async () => {
    const keyless = await createGateway({ supergraphSdl, logger: captureLogger().logger });
    try {
      const res = await keyless.inject({ method: 'POST', url: '/graphql', payload: { query: '{ whoami }' } });
      expect(res.json()).toMatchObject({
        data: { whoami: null },
        errors: [{ extensions: { code: 'UNAUTHENTICATED_INTERNAL', serviceName: 'whoami' } }],
      });
    } finally {
      await keyless.close();
    }
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
