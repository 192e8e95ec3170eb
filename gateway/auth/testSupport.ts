/**
 * Test support for authentication: an identity provider's JWKS endpoint
 * whose keys a test can rotate, and a region subgraph (the real
 * createSubgraphServer, so the internal token is really checked) that
 * answers who its resolvers were told is asking. Not used in production.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import Fastify from 'fastify';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import type { Identity } from '../../contract/identity.ts';
import type { InternalKey } from '../../contract/internalToken.ts';
import { silentLogger } from '../../subgraphs/server/logger.ts';
import { createSubgraphServer } from '../../subgraphs/server/server.ts';
import type { SubgraphContext } from '../../subgraphs/server/server.ts';
import { parse } from '../graphql.ts';
import { claimsFor } from './claims.ts';

/** One signing key of a test identity provider. */
export interface TestSigningKey {
  readonly kid: string;
  readonly alg: 'ES256';
  readonly privateKey: CryptoKeyLike;
  readonly publicJwk: JWK;
}
type CryptoKeyLike = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** Makes an ES256 key pair with key id `kid`. */
export async function testSigningKey(kid: string): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, alg: 'ES256', privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** Signs a token with `key`; `claims` overrides any default (iss, aud, sub, iat, exp and the identity's claims). */
export async function signTestToken(
  key: Pick<TestSigningKey, 'kid' | 'privateKey'>,
  options: { issuer: string; audience: string; identity?: Identity; claims?: JWTPayload; expiresInSeconds?: number; alg?: string },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: options.issuer,
    aud: options.audience,
    sub: options.identity?.sub ?? 'test-user',
    iat: now,
    exp: now + (options.expiresInSeconds ?? 300),
    ...(options.identity ? claimsFor(options.identity) : {}),
    ...options.claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'ES256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

/** A JWKS endpoint on 127.0.0.1 (port 0) serving `keys`, which a test may replace; counts fetches. */
export async function startJwksServer(keys: readonly TestSigningKey[]): Promise<{
  url: string;
  fetches: () => number;
  setKeys: (keys: readonly TestSigningKey[]) => void;
  close: () => Promise<void>;
}> {
  let current = keys;
  let fetches = 0;
  const app = Fastify({ logger: false });
  app.get('/certs', async () => {
    fetches += 1;
    return { keys: current.map((k) => k.publicJwk) };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/certs`, fetches: () => fetches, setKeys: (k) => (current = k), close: () => app.close() };
}

export const WHOAMI_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Query {
  whoami: String
  requestId: String
}`;

/**
 * A subgraph named `whoami` on 127.0.0.1 (port 0) answering `whoami` with
 * the JSON of `context.identity` and `requestId` with `context.requestId`;
 * `requests` counts every request it received (refused ones too).
 */
export async function startWhoamiSubgraph(
  internalKey: InternalKey,
): Promise<{ name: string; typeDefs: string; url: string; requests: () => number; close: () => Promise<void> }> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(WHOAMI_SDL),
    resolvers: {
      Query: {
        whoami: (_r: unknown, _a: unknown, ctx: SubgraphContext<undefined>) => JSON.stringify(ctx.identity),
        requestId: (_r: unknown, _a: unknown, ctx: SubgraphContext<undefined>) => ctx.requestId,
      },
    } as never,
  });
  const app = createSubgraphServer({ name: 'whoami', schema, logger: silentLogger, createLoaders: () => undefined, internalKey });
  let requests = 0;
  await app.listen({ port: 0, host: '127.0.0.1' });
  // A second 'request' listener only counts (refused requests too); Fastify's own still answers.
  app.server.on('request', () => void (requests += 1));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    name: 'whoami',
    typeDefs: WHOAMI_SDL,
    url: `http://127.0.0.1:${port}/graphql`,
    requests: () => requests,
    close: () => app.close(),
  };
}
