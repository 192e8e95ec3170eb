import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_BAD_RESPONSE, SUBGRAPH_UNAVAILABLE } from './dataSource.ts';
import { UnknownSubgraphError } from './engine.ts';
import { GRAPHIQL_CSP } from './graphiql.ts';
import { createGateway } from './server.ts';
import { FAKE_HETU, FAKE_NAME, captureLogger, closedPort, composeSupergraph, startTestRegion } from './testSupport.ts';
import type { TestSubgraph } from './testSupport.ts';

const PERSON_QUERY = `query PersonOverview($id: ID!) {
  person(id: $id) { id name visits { start unit } fees { amountCents } }
}`;

let subgraphs: TestSubgraph[];
let supergraphSdl: string;
let app: FastifyInstance;
let logLines: string[];
let indexReady = true;

beforeAll(async () => {
  subgraphs = await startTestRegion();
  supergraphSdl = composeSupergraph(subgraphs);
  const { logger, lines } = captureLogger();
  logLines = lines;
  app = await createGateway({ supergraphSdl, logger, readyChecks: { personIndex: () => indexReady } });
});

afterAll(async () => {
  await app?.close();
  await Promise.all(subgraphs.map((s) => s.close()));
});

const post = (payload: object, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url: '/graphql', payload, headers });

describe('GraphQL through the gateway', () => {
  it('answers a query that crosses three subgraphs, merged into one result', async () => {
    const res = await post({ query: PERSON_QUERY, variables: { id: FAKE_HETU }, operationName: 'PersonOverview' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      data: {
        person: {
          id: FAKE_HETU,
          name: FAKE_NAME,
          visits: [{ start: '2025-10-26T03:30:00+02:00', unit: 'Porvoon terveysasema' }],
          fees: [{ amountCents: 4150 }],
        },
      },
    });
  });

  it('passes its request id to every subgraph it calls and back to the client', async () => {
    const before = subgraphs.map((s) => s.requests.length);
    const res = await post({ query: PERSON_QUERY, variables: { id: 'P2' } }, { 'x-request-id': 'trace-abc-123' });
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    subgraphs.forEach((s, i) => {
      const seen = s.requests.slice(before[i]).map((r) => r.requestId);
      expect(seen, s.name).toEqual(['trace-abc-123']);
    });
  });

  it("keeps a subgraph's error code and extensions, with the subgraph's name, next to the data it did give", async () => {
    const res = await post({ query: PERSON_QUERY, variables: { id: 'P2' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data).toEqual({ person: { id: 'P2', name: 'Matti Virtanen', visits: [{ start: '2025-10-26T03:30:00+02:00', unit: 'Porvoon terveysasema' }], fees: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: 'Source effica-porvoo could not be read.',
      path: ['person', 'fees'],
      extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'effica-porvoo', serviceName: 'fees' },
    });
  });

  it('serves queries over GET and refuses a mutation over GET with 405', async () => {
    // A GET needs a header no cross-site page can send (CSRF prevention, gateway/hardening).
    const preflight = { 'apollo-require-preflight': 'true' };
    const ok = await app.inject({ method: 'GET', url: '/graphql', query: { query: PERSON_QUERY, variables: JSON.stringify({ id: FAKE_HETU }) }, headers: preflight });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.person.name).toBe(FAKE_NAME);
    const mutation = await app.inject({ method: 'GET', url: '/graphql', query: { query: 'mutation { touch(id: "x") }' }, headers: preflight });
    expect(mutation.statusCode).toBe(405);
    expect(mutation.headers.allow).toBe('POST');
    const viaPost = await post({ query: 'mutation Touch { touch(id: "x") }' });
    expect(viaPost.json()).toEqual({ data: { touch: true } });
  });

  it('answers malformed requests with 400 and a code, without executing them', async () => {
    const before = subgraphs.map((s) => s.requests.length);
    const parse = await post({ query: '{ person(id: ' });
    expect(parse.statusCode).toBe(400);
    expect(parse.json().errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await post({ query: '{ person(id: "x") { nope } }' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const variable = await post({ query: PERSON_QUERY, variables: { id: { not: 'an id' } } });
    expect(variable.statusCode).toBe(400);
    expect(variable.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const missing = await post({ variables: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].extensions.code).toBe('BAD_REQUEST');
    const ambiguous = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(ambiguous.json().errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    const notJson = await app.inject({ method: 'POST', url: '/graphql', payload: '{"query": ', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(subgraphs.map((s) => s.requests.length)).toEqual(before);
  });

  it('shows the query plan on request outside production', async () => {
    const res = await post({ query: PERSON_QUERY, variables: { id: FAKE_HETU } }, { 'apollo-query-plan-experimental': 'true' });
    const plan = res.json().extensions.__queryPlanExperimental as string;
    expect(plan).toContain('Fetch(service: "people")');
    expect(plan).toContain('Fetch(service: "fees")');
  });
});

describe('a subgraph that is down or answers nonsense', () => {
  let down: FastifyInstance;
  let nonsense: FastifyInstance;
  let junk: FastifyInstance;

  beforeAll(async () => {
    const port = await closedPort();
    down = await createGateway({ supergraphSdl, logger: captureLogger().logger, subgraphUrls: { fees: `http://127.0.0.1:${port}/graphql` } });
    junk = Fastify({ logger: false });
    junk.post('/graphql', async (_req, reply) => reply.code(502).type('text/html').send('<html>Bad gateway</html>'));
    await junk.listen({ port: 0, host: '127.0.0.1' });
    const address = junk.server.address();
    const junkPort = typeof address === 'object' && address ? address.port : 0;
    nonsense = await createGateway({ supergraphSdl, logger: captureLogger().logger, subgraphUrls: { visits: `http://127.0.0.1:${junkPort}/graphql` } });
  });

  afterAll(async () => {
    await Promise.all([down?.close(), nonsense?.close(), junk?.close()]);
  });

  it('answers with everything the other subgraphs gave plus one SUBGRAPH_UNAVAILABLE error naming the subgraph', async () => {
    const res = await down.inject({ method: 'POST', url: '/graphql', payload: { query: PERSON_QUERY, variables: { id: FAKE_HETU } } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.person).toEqual({ id: FAKE_HETU, name: FAKE_NAME, visits: [{ start: '2025-10-26T03:30:00+02:00', unit: 'Porvoon terveysasema' }], fees: null });
    expect(body.errors).toEqual([{ message: 'Subgraph fees could not be reached.', extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: 'fees' } }]);
  });

  it('reports a non-GraphQL answer as SUBGRAPH_BAD_RESPONSE without quoting its body', async () => {
    const res = await nonsense.inject({ method: 'POST', url: '/graphql', payload: { query: PERSON_QUERY, variables: { id: FAKE_HETU } } });
    const body = res.json();
    expect(body.data.person.name).toBe(FAKE_NAME);
    expect(body.data.person.visits).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code: SUBGRAPH_BAD_RESPONSE, serviceName: 'visits' });
    expect(res.body).not.toContain('Bad gateway');
  });

  it('/readyz answers 503 naming the subgraph that is down', async () => {
    const res = await down.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ ready: false, notReady: ['subgraph fees'], subgraphs: { fees: { ok: false, reason: 'UNREACHABLE' }, people: { ok: true } } });
  });

  it('refuses a URL override naming no subgraph of the supergraph', async () => {
    await expect(createGateway({ supergraphSdl, logger: captureLogger().logger, subgraphUrls: { feez: 'http://127.0.0.1:1/graphql' } })).rejects.toThrow(UnknownSubgraphError);
  });
});

describe('health', () => {
  it('/healthz answers 200 while the process is alive', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 only when every subgraph answers and the index is built', async () => {
    indexReady = true;
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      ready: true,
      subgraphs: { people: { ok: true }, visits: { ok: true }, fees: { ok: true } },
      checks: { personIndex: true },
      notReady: [],
    });
    indexReady = false;
    const building = await app.inject({ method: 'GET', url: '/readyz' });
    expect(building.statusCode).toBe(503);
    expect(building.json()).toMatchObject({ ready: false, checks: { personIndex: false }, notReady: ['personIndex'] });
    indexReady = true;
  });
});

describe('GraphiQL', () => {
  it('serves a page whose every script and stylesheet is served by the gateway itself', async () => {
    const res = await app.inject({ method: 'GET', url: '/graphiql' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(GRAPHIQL_CSP);
    const html = res.body;
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/https?:\/\//);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^\/graphiql\/assets\/[\w.-]+$/);
      const asset = await app.inject({ method: 'GET', url: ref });
      expect(asset.statusCode, ref).toBe(200);
      expect(asset.headers['content-type'], ref).toMatch(ref.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(asset.rawPayload.length, ref).toBeGreaterThan(50);
    }
    const app_js = await app.inject({ method: 'GET', url: '/graphiql/assets/app.js' });
    expect(app_js.body).not.toMatch(/https?:\/\//);
  });

  it('opens with the three saved examples', async () => {
    const html = (await app.inject({ method: 'GET', url: '/graphiql' })).body;
    const json = /<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!;
    const config = JSON.parse(json) as { endpoint: string; examples: { name: string; query: string }[] };
    expect(config.endpoint).toBe('/graphql');
    expect(config.examples.map((e) => e.name)).toEqual(['NextAppointments', 'ClientOverview', 'FeesAndCeiling']);
  });

  it("takes a list of one's own examples, variables included", async () => {
    const own = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      examples: [{ name: 'Person', query: 'query Person($id: ID!) { person(id: $id) { name } }', variables: { id: 'P2' } }],
    });
    try {
      const html = (await own.inject({ method: 'GET', url: '/graphiql' })).body;
      const json = /<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!;
      expect(JSON.parse(json).examples).toEqual([{ name: 'Person', query: 'query Person($id: ID!) { person(id: $id) { name } }', variables: { id: 'P2' } }]);
    } finally {
      await own.close();
    }
  });

  it('redirects a browser opening /graphql to GraphiQL', async () => {
    const res = await app.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/graphiql');
  });
});

describe('production mode', () => {
  let prod: FastifyInstance;
  beforeAll(async () => {
    prod = await createGateway({ supergraphSdl, logger: captureLogger().logger, production: true });
  });
  afterAll(async () => {
    await prod?.close();
  });

  it('serves no GraphiQL, refuses introspection and shows no query plan', async () => {
    expect((await prod.inject({ method: 'GET', url: '/graphiql' })).statusCode).toBe(404);
    const intro = await prod.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __schema { types { name } } }' } });
    expect(intro.statusCode).toBe(400);
    expect(intro.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const res = await prod.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: PERSON_QUERY, variables: { id: FAKE_HETU } },
      headers: { 'apollo-query-plan-experimental': 'true' },
    });
    expect(res.json().data.person.name).toBe(FAKE_NAME);
    expect(res.json().extensions).toBeUndefined();
  });
});

describe('logs', () => {
  it('hold one line per GraphQL request with id, operation, status, duration and error codes, and never variables, query text or data', async () => {
    const start = logLines.length;
    await post({ query: PERSON_QUERY, variables: { id: FAKE_HETU }, operationName: 'PersonOverview' }, { 'x-request-id': 'log-test-1' });
    await post({ query: PERSON_QUERY, variables: { id: 'P2' } }, { 'x-request-id': 'log-test-2' });
    // The code in a GET's query string, in an inline literal, and in a body that does not parse.
    await app.inject({ method: 'GET', url: '/graphql', query: { query: PERSON_QUERY, variables: JSON.stringify({ id: FAKE_HETU }) }, headers: { 'apollo-require-preflight': 'true' } });
    await post({ query: `{ person(id: "${FAKE_HETU}") { name } }` });
    await post({ query: `{ person(id: "${FAKE_HETU}") { nope } }` });
    await app.inject({ method: 'POST', url: '/graphql', payload: `{"query": "{ person(id: \\"${FAKE_HETU}\\")`, headers: { 'content-type': 'application/json' } });
    await app.inject({ method: 'GET', url: `/nowhere?hetu=${FAKE_HETU}` });
    const lines = logLines.slice(start);
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) {
      expect(line).not.toContain(FAKE_HETU);
      expect(line).not.toContain('010150');
      expect(line).not.toContain('Meikäläinen');
      expect(line).not.toContain('Virtanen');
      expect(line).not.toContain('terveysasema');
      expect(line).not.toContain('effica-porvoo could not');
    }
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const first = parsed.find((l) => l.reqId === 'log-test-1' && l.msg === 'request')!;
    expect(first).toMatchObject({ method: 'POST', route: '/graphql', statusCode: 200, operationName: 'PersonOverview', errorCodes: [] });
    expect(typeof first.durationMs).toBe('number');
    const second = parsed.find((l) => l.reqId === 'log-test-2' && l.msg === 'request')!;
    expect(second).toMatchObject({ statusCode: 200, operationName: 'PersonOverview', errorCodes: ['SOURCE_UNAVAILABLE'] });
  });
});
