/**
 * Every HTTP method against /graphql: GET and POST reach GraphQL through all
 * the hardening; every other one (HEAD included, which Fastify would
 * otherwise answer by running the GET handler past the checks) is 405 with
 * `Allow: GET, POST`, before its body is read, and calls no subgraph.
 */
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSubgraph } from '../testSupport.ts';
import { startCountingSubgraphs, startHardenedGateway, subgraphCalls } from './testSupport.ts';

let subgraphs: TestSubgraph[];
let app: FastifyInstance;
let logLines: string[];

beforeAll(async () => {
  subgraphs = await startCountingSubgraphs();
  ({ app, logLines } = await startHardenedGateway(subgraphs));
});

afterAll(async () => {
  await app?.close();
  await Promise.all((subgraphs ?? []).map((s) => s.close()));
});

const QUERY = '{ person(id: "1") { name } }';
const nested = (depth: number) => `{ person(id: "1") { ${'friends { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;

/** One raw HTTP/1.1 exchange on a real socket: what the server wrote before it closed the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer: ${out}`)));
  });
}

describe('HTTP methods on /graphql', () => {
  it('GET (preflighted) and POST execute the operation', async () => {
    const get = await app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: QUERY },
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.statusCode).toBe(200);
    expect(get.body).toBe('{"data":{"person":{"name":"Person 1"}}}');
    const post = await app.inject({ method: 'POST', url: '/graphql', payload: { query: QUERY } });
    expect(post.body).toBe('{"data":{"person":{"name":"Person 1"}}}');
  });

  it('HEAD is 405 without a body: no CSRF bypass, no execution, whatever the query (a depth-50 one, 700 aliases, a NUL)', async () => {
    const before = subgraphCalls(subgraphs);
    for (const query of [QUERY, nested(50), aliases(700), '{ echo(text: "a\u0000b") }']) {
      const res = await app.inject({ method: 'HEAD', url: '/graphql', query: { query } });
      expect(res.statusCode, query.slice(0, 40)).toBe(405);
      expect(res.headers.allow).toBe('GET, POST');
      expect(res.body).toBe('');
      // And with the header that gets a GET past CSRF prevention: still not executed.
      const preflighted = await app.inject({
        method: 'HEAD',
        url: '/graphql',
        query: { query },
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(preflighted.statusCode).toBe(405);
    }
    expect(subgraphCalls(subgraphs)).toBe(before);
  });

  it('PUT, PATCH, DELETE, OPTIONS, TRACE and QUERY are 405 with Allow and one error, before the body is read', async () => {
    const before = subgraphCalls(subgraphs);
    for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY'] as const) {
      const res = await app.inject({
        method,
        url: '/graphql',
        payload: JSON.stringify({ query: QUERY }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow, method).toBe('GET, POST');
      expect(res.body, method).toBe(
        `{"errors":[{"message":"Expected GET or POST, received ${method}.","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}`,
      );
      // CORS is not configured: nothing is allowed cross-origin, a preflight included.
      expect(
        Object.keys(res.headers).filter((h) => h.startsWith('access-control-')),
        method,
      ).toEqual([]);
    }
    // A body larger than the limit is not even read: 405, not 413.
    const big = await app.inject({
      method: 'PUT',
      url: '/graphql',
      payload: 'x'.repeat(200_000),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(405);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/graphql',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
    expect(preflight.statusCode).toBe(405);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(subgraphCalls(subgraphs)).toBe(before);
  });

  it('logs a refused method with its code', async () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    await app.inject({ method: 'HEAD', url: '/graphql', query: { query: QUERY }, headers: { 'x-request-id': id } });
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === id && l.msg === 'request');
    expect(line).toMatchObject({ method: 'HEAD', route: '/graphql', statusCode: 405, errorCodes: ['METHOD_NOT_ALLOWED'] });
  });

  it('on a real socket: a method Fastify routes nowhere (PROPFIND) is 405, one Node does not know is 400, neither executed', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const before = subgraphCalls(subgraphs);
    const propfind = await rawExchange(
      port,
      `PROPFIND /graphql?query=${encodeURIComponent(QUERY)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(propfind).toMatch(/^HTTP\/1\.1 405 /);
    expect(propfind).toMatch(/\r\nallow: GET, POST\r\n/i);
    expect(propfind).toContain(
      '{"errors":[{"message":"Expected GET or POST, received PROPFIND.","extensions":{"code":"METHOD_NOT_ALLOWED"}}]}',
    );
    const unknown = await rawExchange(
      port,
      `FROB /graphql?query=${encodeURIComponent(QUERY)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(unknown).toMatch(/^HTTP\/1\.1 400 /);
    expect(subgraphCalls(subgraphs)).toBe(before);
  });
});
