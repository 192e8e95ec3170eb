/**
 * CORS on /graphql: preflights answered for the configured origins only,
 * exact headers, and the CSRF guard still refusing what any page could send.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from './server.ts';
import { captureLogger, composeSupergraph } from './testSupport.ts';
import type { TestSubgraph } from './testSupport.ts';
import { startCountingSubgraphs, subgraphCalls } from './hardening/testSupport.ts';
import { normaliseOrigin } from './cors.ts';

const PORTAL = 'https://portal.example.fi';
const OTHER = 'https://evil.example.com';
const QUERY = JSON.stringify({ query: '{ person(id: "1") { name } }' });

let subgraphs: TestSubgraph[];
let app: FastifyInstance;
let plain: FastifyInstance;

beforeAll(async () => {
  subgraphs = await startCountingSubgraphs();
  const supergraphSdl = composeSupergraph(subgraphs);
  app = await createGateway({ supergraphSdl, logger: captureLogger().logger, corsOrigins: [PORTAL, 'http://localhost:8080'] });
  plain = await createGateway({ supergraphSdl, logger: captureLogger().logger });
});

afterAll(async () => {
  await Promise.all([app?.close(), plain?.close()]);
  await Promise.all((subgraphs ?? []).map((s) => s.close()));
});

const preflight = (origin: string, target = app) =>
  target.inject({
    method: 'OPTIONS',
    url: '/graphql',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });

/** The response's CORS headers and Vary, by name. */
function corsHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
}

describe('CORS', () => {
  it('answers a preflight from an allowed origin with 204 and exactly these headers', async () => {
    const res = await preflight(PORTAL);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(corsHeaders(res.headers)).toEqual({
      'access-control-allow-origin': PORTAL,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers':
        'accept, accept-language, authorization, content-type, apollo-require-preflight, x-apollo-operation-name, graphql-client-name, graphql-client-version, x-request-id',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives a preflight from any other origin, or a near miss of an allowed one, no CORS header (the route’s 405 as before)', async () => {
    for (const origin of [OTHER, 'https://portal.example.fi.evil.com', 'http://portal.example.fi', 'https://PORTAL.example.fi', 'null']) {
      const res = await preflight(origin);
      expect(res.statusCode, origin).toBe(405);
      expect(corsHeaders(res.headers), origin).toEqual({ vary: 'Origin, Accept-Language' });
    }
    // An OPTIONS that is not a preflight (no Access-Control-Request-Method) is no preflight even from the portal.
    const bare = await app.inject({ method: 'OPTIONS', url: '/graphql', headers: { origin: PORTAL } });
    expect(bare.statusCode).toBe(405);
  });

  it('lets the portal’s JSON POST through with Access-Control-Allow-Origin; another origin’s answer carries none', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: QUERY,
      headers: { origin: PORTAL, 'content-type': 'application/json' },
    });
    expect(ok.json()).toEqual({ data: { person: { name: 'Person 1' } } });
    expect(corsHeaders(ok.headers)).toEqual({
      'access-control-allow-origin': PORTAL,
      'access-control-expose-headers': 'x-request-id, www-authenticate',
      vary: 'Origin, Accept-Language',
    });
    // Not a browser's doing (it would have stopped at the preflight), but the answer must not be readable by that page.
    const other = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: QUERY,
      headers: { origin: OTHER, 'content-type': 'application/json' },
    });
    expect(corsHeaders(other.headers)).toEqual({ vary: 'Origin, Accept-Language' });
  });

  it('keeps the CSRF guard: a simple cross-site POST is refused even from the allowed origin (readable by it), and calls nothing', async () => {
    const before = subgraphCalls(subgraphs);
    for (const origin of [PORTAL, OTHER]) {
      const res = await app.inject({ method: 'POST', url: '/graphql', payload: QUERY, headers: { origin, 'content-type': 'text/plain' } });
      expect(res.statusCode, origin).toBe(400);
      expect(res.json().errors[0].extensions.code, origin).toBe('CSRF_PREVENTED');
      expect(res.headers['access-control-allow-origin'], origin).toBe(origin === PORTAL ? PORTAL : undefined);
    }
    expect(subgraphCalls(subgraphs)).toBe(before);
  });

  it('adds nothing without configured origins (no CORS header, no Vary: Origin)', async () => {
    const res = await preflight(PORTAL, plain);
    expect(res.statusCode).toBe(405);
    expect(corsHeaders(res.headers)).toEqual({ vary: 'Accept-Language' });
    const post = await plain.inject({
      method: 'POST',
      url: '/graphql',
      payload: QUERY,
      headers: { origin: PORTAL, 'content-type': 'application/json' },
    });
    expect(corsHeaders(post.headers)).toEqual({ vary: 'Accept-Language' });
  });

  it('touches no other route', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: PORTAL } });
    expect(corsHeaders(res.headers)).toEqual({});
  });
});

describe('normaliseOrigin', () => {
  it('gives the origin as a browser serialises it, or null', () => {
    expect(normaliseOrigin('HTTPS://Portal.Example.FI:443/')).toBe('https://portal.example.fi');
    expect(normaliseOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    for (const bad of ['*', 'null', '', 'https://x.fi/path', 'https://x.fi/#a', 'file:///tmp', 'x.fi'])
      expect(normaliseOrigin(bad), bad).toBeNull();
  });
});
