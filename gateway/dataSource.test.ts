import { describe, expect, it } from 'vitest';
import { SUBGRAPH_BAD_RESPONSE, SUBGRAPH_UNAVAILABLE, SubgraphDataSource } from './dataSource.ts';
import type { Fetcher, FetcherResponse } from './fetcher.ts';
import { createUndiciFetcher } from './fetcher.ts';
import Fastify from 'fastify';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTelemetry } from '../telemetry/index.ts';

const answer =
  (status: number, body: string, seen?: { url: string; init: unknown }[]): Fetcher =>
  async (url, init) => {
    seen?.push({ url, init });
    const response = {
      status,
      ok: status < 300,
      url,
      redirected: false,
      statusText: '',
      bodyUsed: false,
      headers: new Headers() as never,
      text: async () => body,
      json: async () => JSON.parse(body),
      arrayBuffer: async () => new ArrayBuffer(0),
      clone: () => response,
    } as unknown as FetcherResponse;
    return response;
  };

const process = (source: SubgraphDataSource) =>
  source.process({
    kind: 'incoming operation',
    request: { query: '{ a }', variables: { x: 1 } },
    context: { requestId: 'r-1' },
    incomingRequestContext: {},
  } as never);

describe('SubgraphDataSource', () => {
  it('with telemetry: a client span per call, its context sent as traceparent, the call counted by outcome and code', async () => {
    const spans = new InMemorySpanExporter();
    const telemetry = createTelemetry({ serviceName: 'region-graph-test', spanExporter: spans });
    try {
      const seen: { url: string; init: unknown }[] = [];
      const body = '{"data":null,"errors":[{"message":"No.","extensions":{"code":"FORBIDDEN"}}]}';
      const source = new SubgraphDataSource('lists', 'http://lists/graphql', answer(200, body, seen), telemetry);
      const parent = telemetry.tracer.startSpan('gateway.fetch');
      await context.with(trace.setSpan(context.active(), parent), () => process(source));
      parent.end();
      const [call] = spans.getFinishedSpans();
      const { traceId, spanId } = call!.spanContext();
      expect(call!.parentSpanId).toBe(parent.spanContext().spanId);
      expect((seen[0]!.init as { headers: Record<string, string> }).headers).toEqual({
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        'x-request-id': 'r-1',
        traceparent: `00-${traceId}-${spanId}-01`,
      });
      expect([call!.name, call!.attributes, call!.status]).toEqual([
        'subgraph lists',
        {
          'regiongraph.subgraph': 'lists',
          'http.request.method': 'POST',
          'http.response.status_code': 200,
          'regiongraph.error_codes': ['FORBIDDEN'],
          'regiongraph.subgraph.outcome': 'graphql_errors',
        },
        { code: 2, message: 'FORBIDDEN' },
      ]);
      const text = await telemetry.metrics.registry.metrics();
      expect(text).toContain('regiongraph_subgraph_fetches_total{subgraph="lists",outcome="graphql_errors",service="region-graph-test"} 1');
      expect(text).toContain('regiongraph_subgraph_fetch_errors_total{subgraph="lists",code="FORBIDDEN",service="region-graph-test"} 1');
    } finally {
      await telemetry.shutdown();
    }
  });

  it('posts the operation as JSON with the request id and returns the GraphQL response', async () => {
    const seen: { url: string; init: unknown }[] = [];
    const source = new SubgraphDataSource('lists', 'http://lists/graphql', answer(200, '{"data":{"a":1}}', seen));
    expect(await process(source)).toEqual({ data: { a: 1 } });
    expect(seen).toEqual([
      {
        url: 'http://lists/graphql',
        init: {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            'x-request-id': 'r-1',
          },
          body: '{"query":"{ a }","variables":{"x":1}}',
        },
      },
    ]);
  });

  it("passes a non-2xx GraphQL response on with the subgraph's own codes, list indices as numbers", async () => {
    const body =
      '{"data":null,"errors":[{"message":"Expected a valid code.","path":["_entities","12","fees"],"extensions":{"code":"BAD_USER_INPUT"}}]}';
    const source = new SubgraphDataSource('region', 'http://region/graphql', answer(400, body));
    expect(await process(source)).toEqual({
      data: null,
      errors: [{ message: 'Expected a valid code.', path: ['_entities', 12, 'fees'], extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('turns a body that is no GraphQL response into SUBGRAPH_BAD_RESPONSE without quoting it', async () => {
    for (const body of ['<html>010150-999K</html>', '[1,2]', '{"hello":"010150-999K"}', '{"data":[1]}']) {
      const source = new SubgraphDataSource('porvoo', 'http://porvoo/graphql', answer(502, body));
      const err = await process(source).then(
        () => undefined,
        (e: unknown) => e as { message: string; extensions: unknown },
      );
      expect(err?.extensions, body).toEqual({ code: SUBGRAPH_BAD_RESPONSE, serviceName: 'porvoo' });
      expect(err?.message).not.toContain('010150');
    }
  });

  it('turns a subgraph that does not answer in time into SUBGRAPH_UNAVAILABLE', async () => {
    const slow = Fastify({ logger: false });
    slow.post('/graphql', async () => new Promise((resolve) => setTimeout(() => resolve({ data: {} }), 300)));
    await slow.listen({ port: 0, host: '127.0.0.1' });
    const address = slow.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = createUndiciFetcher({ timeoutMs: 100 });
    try {
      const source = new SubgraphDataSource('sipoo', `http://127.0.0.1:${port}/graphql`, client.fetcher);
      await expect(process(source)).rejects.toMatchObject({
        message: 'Subgraph sipoo did not answer in time.',
        extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: 'sipoo' },
      });
    } finally {
      await client.close();
      await slow.close();
    }
  });

  it('sends a read once more when its connection closes before any answer (a replica draining or killed), never a mutation', async () => {
    // The first request's connection is closed unanswered, as a draining replica closes a pooled keep-alive connection.
    let received = 0;
    const server = createServer((req, res) => {
      received++;
      if (received === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":1}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const client = createUndiciFetcher({ timeoutMs: 2_000 });
    const call = (query: string) =>
      new SubgraphDataSource('porvoo', url, client.fetcher).process({
        kind: 'incoming operation',
        request: { query },
        context: { requestId: 'r-1' },
        incomingRequestContext: {},
      } as never);
    try {
      expect(await call('query($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }')).toEqual({
        data: { a: 1 },
      });
      expect(received).toBe(2);
      received = 0;
      await expect(call('mutation { startEmergencyAccess { id } }')).rejects.toMatchObject({
        message: 'Subgraph porvoo could not be reached.',
        extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: 'porvoo' },
      });
      expect(received).toBe(1);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('sends that read again on a connection of its own, not on another pooled one (which a draining replica may have closed too)', async () => {
    // Each request's connection, in order of arrival; the first two are answered a moment late, so the pool holds two.
    const sockets: Socket[] = [];
    const server = createServer((req, res) => {
      sockets.push(req.socket);
      if (sockets.length === 3) {
        req.socket.destroy();
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":1}}'), sockets.length <= 2 ? 100 : 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const client = createUndiciFetcher({ timeoutMs: 2_000 });
    const call = () =>
      new SubgraphDataSource('region', url, client.fetcher).process({
        kind: 'incoming operation',
        request: { query: '{ municipalities { code } }' },
        context: { requestId: 'r-1' },
        incomingRequestContext: {},
      } as never);
    try {
      await Promise.all([call(), call()]);
      expect(new Set(sockets).size).toBe(2);
      expect(await call()).toEqual({ data: { a: 1 } });
      expect(sockets).toHaveLength(4);
      // The resend came on a connection no earlier request used, not on one the pool still held.
      expect(sockets.slice(0, 3)).not.toContain(sockets[3]);
    } finally {
      await client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
