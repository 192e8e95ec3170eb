import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_BAD_RESPONSE, SUBGRAPH_UNAVAILABLE } from './dataSource.ts';
import { UnknownSubgraphError } from './engine.ts';
import { GRAPHIQL_CSP } from './graphiql.ts';
import { createGateway } from './server.ts';
import { INTERNAL_TOKEN_HEADER, InternalKey } from '../contract/internalToken.ts';
import { createUndiciFetcher } from './fetcher.ts';
import type { Fetcher } from './fetcher.ts';
import { FAKE_HETU, FAKE_NAME, captureLogger, closedPort, composeSupergraph, startTestRegion } from './testSupport.ts';
import type { TestSubgraph } from './testSupport.ts';

const READINESS_KEY = 'readiness-key-of-the-operators-0123456789';

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
    const res = await post({ query: PERSON_QUERY, variables: { id: 'P2' } }, { 'x-request-id': '7d4f0c8e-3b1a-4e5f-9a2b-1c3d5e7f9a0b' });
    expect(res.headers['x-request-id']).toBe('7d4f0c8e-3b1a-4e5f-9a2b-1c3d5e7f9a0b');
    subgraphs.forEach((s, i) => {
      const seen = s.requests.slice(before[i]).map((r) => r.requestId);
      expect(seen, s.name).toEqual(['7d4f0c8e-3b1a-4e5f-9a2b-1c3d5e7f9a0b']);
    });
  });

  it("keeps a subgraph's error code and extensions, with the subgraph's name, next to the data it did give", async () => {
    const res = await post({ query: PERSON_QUERY, variables: { id: 'P2' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data).toEqual({
      person: {
        id: 'P2',
        name: 'Matti Virtanen',
        visits: [{ start: '2025-10-26T03:30:00+02:00', unit: 'Porvoon terveysasema' }],
        fees: null,
      },
    });
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
    const ok = await app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: PERSON_QUERY, variables: JSON.stringify({ id: FAKE_HETU }) },
      headers: preflight,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.person.name).toBe(FAKE_NAME);
    const mutation = await app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: 'mutation { touch(id: "x") }' },
      headers: preflight,
    });
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
    const notJson = await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: '{"query": ',
      headers: { 'content-type': 'application/json' },
    });
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
    down = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      subgraphUrls: { fees: `http://127.0.0.1:${port}/graphql` },
      readinessKey: READINESS_KEY,
    });
    junk = Fastify({ logger: false });
    junk.post('/graphql', async (_req, reply) => reply.code(502).type('text/html').send('<html>Bad gateway</html>'));
    await junk.listen({ port: 0, host: '127.0.0.1' });
    const address = junk.server.address();
    const junkPort = typeof address === 'object' && address ? address.port : 0;
    nonsense = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      subgraphUrls: { visits: `http://127.0.0.1:${junkPort}/graphql` },
    });
  });

  afterAll(async () => {
    await Promise.all([down?.close(), nonsense?.close(), junk?.close()]);
  });

  it('answers with everything the other subgraphs gave plus one SUBGRAPH_UNAVAILABLE error naming the subgraph', async () => {
    const res = await down.inject({ method: 'POST', url: '/graphql', payload: { query: PERSON_QUERY, variables: { id: FAKE_HETU } } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.person).toEqual({
      id: FAKE_HETU,
      name: FAKE_NAME,
      visits: [{ start: '2025-10-26T03:30:00+02:00', unit: 'Porvoon terveysasema' }],
      fees: null,
    });
    expect(body.errors).toEqual([
      { message: 'Subgraph fees could not be reached.', extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: 'fees' } },
    ]);
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

  it('/readyz answers 503, naming the subgraph that is down to its key holder only', async () => {
    const anonymous = await down.inject({ method: 'GET', url: '/readyz' });
    expect(anonymous.statusCode).toBe(503);
    expect(anonymous.body).toBe('{"ready":false}');
    const res = await down.inject({ method: 'GET', url: '/readyz', headers: { 'x-readiness-key': READINESS_KEY } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      ready: false,
      notReady: ['subgraph fees'],
      subgraphs: { fees: { ok: false, reason: 'UNREACHABLE' }, people: { ok: true } },
    });
  });

  it('refuses a URL override naming no subgraph of the supergraph', async () => {
    await expect(
      createGateway({ supergraphSdl, logger: captureLogger().logger, subgraphUrls: { feez: 'http://127.0.0.1:1/graphql' } }),
    ).rejects.toThrow(UnknownSubgraphError);
  });
});

describe('health', () => {
  it('/healthz answers 200 while the process is alive', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  describe('/readyz', () => {
    let now = 1_800_000_000_000;
    let draining = false;
    let gw: FastifyInstance;
    const calls = () => subgraphs.reduce((n, s) => n + s.requests.length, 0);
    beforeAll(async () => {
      gw = await createGateway({
        supergraphSdl,
        logger: captureLogger().logger,
        readyChecks: { personIndex: () => indexReady },
        readinessKey: READINESS_KEY,
        now: () => now,
        draining: () => draining,
      });
    });
    afterAll(async () => {
      await gw?.close();
    });
    const detailed = () => gw.inject({ method: 'GET', url: '/readyz', headers: { 'x-readiness-key': READINESS_KEY } });

    it('answers 200 only when every subgraph answers and the index is built; the details only with the readiness key', async () => {
      indexReady = true;
      const anonymous = await gw.inject({ method: 'GET', url: '/readyz' });
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.body).toBe('{"ready":true}');
      const ready = await detailed();
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        ready: true,
        subgraphs: { people: { ok: true }, visits: { ok: true }, fees: { ok: true } },
        checks: { personIndex: true },
        notReady: [],
        checkedAt: new Date(now).toISOString(),
      });
      for (const key of ['wrong', `${READINESS_KEY}x`, '']) {
        expect((await gw.inject({ method: 'GET', url: '/readyz', headers: { 'x-readiness-key': key } })).body, key).toBe('{"ready":true}');
      }
      indexReady = false;
      // The same answer until the cached one is 5 s old.
      now += 4_999;
      expect((await gw.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      now += 1;
      const building = await detailed();
      expect(building.statusCode).toBe(503);
      expect(building.json()).toMatchObject({ ready: false, checks: { personIndex: false }, notReady: ['personIndex'] });
      expect((await gw.inject({ method: 'GET', url: '/readyz' })).body).toBe('{"ready":false}');
      indexReady = true;
      now += 5_000;
    });

    it('200 calls at once cost one round of subgraph probes (3 requests), and another only once 5 s have passed', async () => {
      now += 10_000;
      const before = calls();
      const answers = await Promise.all(Array.from({ length: 200 }, () => gw.inject({ method: 'GET', url: '/readyz' })));
      expect(answers.every((a) => a.statusCode === 200)).toBe(true);
      expect(calls() - before).toBe(3);
      for (let i = 0; i < 50; i++) await gw.inject({ method: 'GET', url: '/readyz' });
      expect(calls() - before).toBe(3);
      now += 5_000;
      await gw.inject({ method: 'GET', url: '/readyz' });
      expect(calls() - before).toBe(6);
    });

    it('answers 503 at once while the process drains (SIGTERM), cached result or not, while /healthz stays 200', async () => {
      now += 10_000;
      expect((await gw.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      draining = true;
      const before = calls();
      const res = await gw.inject({ method: 'GET', url: '/readyz' });
      expect([res.statusCode, res.body]).toEqual([503, '{"ready":false}']);
      expect(calls() - before).toBe(0);
      expect((await gw.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      draining = false;
    });
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

  it('opens with the saved examples, one per demo user they are for', async () => {
    const html = (await app.inject({ method: 'GET', url: '/graphiql' })).body;
    const json = /<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!;
    const config = JSON.parse(json) as { endpoint: string; examples: { name: string; query: string }[] };
    expect(config.endpoint).toBe('/graphql');
    expect(config.examples.map((e) => e.name)).toEqual([
      'NextAppointments',
      'FeesAndCeiling',
      'ChildOfGuardian',
      'ClientOverview',
      'RegionStatistics',
    ]);
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
      expect(JSON.parse(json).examples).toEqual([
        { name: 'Person', query: 'query Person($id: ID!) { person(id: $id) { name } }', variables: { id: 'P2' } },
      ]);
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

describe('client-chosen text in the logs', () => {
  const HETU_SHAPED = '021289-9032';

  it('a 90 kB operation name gives a bounded log line: the name cut at 100 characters, with its length', async () => {
    const name = `Q${'a'.repeat(89_999)}`;
    const id = 'a3bb189e-8bf9-4888-9912-ace4e6543002';
    const res = await post({ query: `query ${name} { person(id: "P2") { name } }` }, { 'x-request-id': id });
    expect(res.statusCode).toBe(200);
    const lines = logLines.filter((l) => l.includes(id));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.length).toBeLessThan(1_000);
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request')!;
    expect(line.operationName).toBe(`${name.slice(0, 100)}…(90000 characters)`);
  });

  it('a request id that is not a UUID or trace id (here shaped like an identity code) is neither echoed, logged, nor forwarded: a fresh UUID is', async () => {
    const internalKey = InternalKey.generate();
    const real = createUndiciFetcher({ timeoutMs: 5_000 });
    const sent: Record<string, string>[] = [];
    const fetcher: Fetcher = (url, init) => {
      sent.push({ ...(init?.headers as Record<string, string>) });
      return real.fetcher(url, init);
    };
    const { logger, lines } = captureLogger();
    const gw = await createGateway({ supergraphSdl, logger, fetcher, internalKey });
    try {
      const res = await gw.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: PERSON_QUERY, variables: { id: 'P2' } },
        headers: { 'x-request-id': HETU_SHAPED },
      });
      expect(res.statusCode).toBe(200);
      const fresh = res.headers['x-request-id'] as string;
      expect(fresh).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(res.body).not.toContain('021289');
      expect(lines.join('\n')).not.toContain('021289');
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request')).toMatchObject({ reqId: fresh });
      // What the gateway sent each subgraph: the header, and the request id signed into the internal token (which the audit log records).
      expect(sent.length).toBe(3);
      for (const headers of sent) {
        expect(JSON.stringify(headers)).not.toContain('021289');
        expect(headers['x-request-id']).toBe(fresh);
        const payload = JSON.parse(Buffer.from(headers[INTERNAL_TOKEN_HEADER]!.split('.')[1]!, 'base64url').toString('utf8')) as {
          rid: string;
        };
        expect(payload.rid).toBe(fresh);
      }
    } finally {
      await gw.close();
      await real.close();
    }
  });

  it('keeps a UUID (lower-cased) or a W3C trace id; replaces ids of any other form', async () => {
    const cases: [string, string | null][] = [
      ['0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5b-d9cb-469f-a165-70867728950e'],
      ['4bf92f3577b34da6a3ce929d0e0e4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
      ['00000000000000000000000000000000', null],
      ['4BF92F3577B34DA6A3CE929D0E0E4736', null],
      [HETU_SHAPED, null],
      ['trace-abc-123', null],
      ['Matti.Virtanen', null],
    ];
    for (const [given, kept] of cases) {
      const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
      if (kept) expect(res.headers['x-request-id'], given).toBe(kept);
      else expect(res.headers['x-request-id'], given).not.toBe(given);
    }
  });
});

describe('logs', () => {
  it('hold one line per GraphQL request with id, operation, status, duration and error codes, and never variables, query text or data', async () => {
    const start = logLines.length;
    await post(
      { query: PERSON_QUERY, variables: { id: FAKE_HETU }, operationName: 'PersonOverview' },
      { 'x-request-id': '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' },
    );
    await post({ query: PERSON_QUERY, variables: { id: 'P2' } }, { 'x-request-id': '4bf92f3577b34da6a3ce929d0e0e4736' });
    // The code in a GET's query string, in an inline literal, and in a body that does not parse.
    await app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: PERSON_QUERY, variables: JSON.stringify({ id: FAKE_HETU }) },
      headers: { 'apollo-require-preflight': 'true' },
    });
    await post({ query: `{ person(id: "${FAKE_HETU}") { name } }` });
    await post({ query: `{ person(id: "${FAKE_HETU}") { nope } }` });
    await app.inject({
      method: 'POST',
      url: '/graphql',
      payload: `{"query": "{ person(id: \\"${FAKE_HETU}\\")`,
      headers: { 'content-type': 'application/json' },
    });
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
    const first = parsed.find((l) => l.reqId === '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' && l.msg === 'request')!;
    expect(first).toMatchObject({ method: 'POST', route: '/graphql', statusCode: 200, operationName: 'PersonOverview', errorCodes: [] });
    expect(typeof first.durationMs).toBe('number');
    const second = parsed.find((l) => l.reqId === '4bf92f3577b34da6a3ce929d0e0e4736' && l.msg === 'request')!;
    expect(second).toMatchObject({ statusCode: 200, operationName: 'PersonOverview', errorCodes: ['SOURCE_UNAVAILABLE'] });
  });
});
