/**
 * Telemetry's own parts: bounded labels, the source-call decorators (spans,
 * counts, per-key errors, timeouts, never an identity code), /metrics over
 * fastify.inject, the server span and its parent from `traceparent`, and the
 * environment's settings. Synthetic identity codes only.
 */
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AdapterError } from '../domain/errors.ts';
import { makeHetu } from '../domain/hetu.ts';
import type { ChangedPage, PersonSlot, SourceAdapter, VtjAdapter } from '../domain/sourceAdapter.ts';
import { instrumentAdapter, instrumentVtj, isTimeout } from './adapters.ts';
import { telemetryOptionsFromEnv } from './config.ts';
import { annotateOperation, registerMetricsRoute, traceRequests } from './http.ts';
import { MAX_OPERATION_NAMES, OperationNames } from './labels.ts';
import { createTelemetry } from './telemetry.ts';
import type { Telemetry } from './telemetry.ts';

const A = makeHetu('1970-01-31', 911);
const B = makeHetu('1982-11-30', 903);
const opened: Telemetry[] = [];

function telemetry(): { telemetry: Telemetry; spans: InMemorySpanExporter } {
  const spans = new InMemorySpanExporter();
  const t = createTelemetry({ serviceName: 'region-graph-test', spanExporter: spans });
  opened.push(t);
  return { telemetry: t, spans };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((t) => t.shutdown()));
});

/** One metric's samples as `name{labels} value` lines (the text format, without HELP/TYPE). */
async function lines(t: Telemetry, name: string): Promise<string[]> {
  const text = await t.metrics.registry.metrics();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

const emptyRead = { records: {}, issues: [] } as unknown as PersonSlot;

function fakeAdapter(read: (hetus: readonly string[]) => Promise<PersonSlot[]>, pages: ChangedPage[] = []): SourceAdapter {
  return {
    instance: 'lifecare-porvoo',
    product: 'lifecare',
    readPersons: read,
    listChanged: async function* () {
      for (const p of pages) yield p;
    },
    close: async () => {},
  };
}

describe('operation names as a label', () => {
  it('keeps GraphQL Names up to the bound, then counts the rest as other; anything else is other', () => {
    const names = new OperationNames();
    expect(names.of(null)).toBe('anonymous');
    expect(names.of('ClientOverview')).toBe('ClientOverview');
    expect(names.of(A)).toBe('other');
    expect(names.of('has space')).toBe('other');
    for (let i = 1; i < MAX_OPERATION_NAMES; i++) expect(names.of(`Op${i}`)).toBe(`Op${i}`);
    expect(names.of('OneTooMany')).toBe('other');
    expect(names.of('ClientOverview')).toBe('ClientOverview');
  });
});

describe('instrumentAdapter', () => {
  it('makes one span per read with the instance, method and number of keys, and never the identity codes', async () => {
    const { telemetry: t, spans } = telemetry();
    let asked: readonly string[] = [];
    const adapter = instrumentAdapter(
      fakeAdapter(async (hetus) => {
        asked = hetus;
        return hetus.map(() => emptyRead);
      }),
      t,
    );
    expect(await adapter.readPersons([A, B])).toHaveLength(2);
    expect(asked).toEqual([A, B]);
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('lifecare-porvoo readPersons');
    expect(span?.attributes).toEqual({
      'regiongraph.source.instance': 'lifecare-porvoo',
      'regiongraph.source.product': 'lifecare',
      'regiongraph.source.method': 'readPersons',
      'regiongraph.source.keys': 2,
      'regiongraph.source.outcome': 'ok',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(await lines(t, 'regiongraph_source_calls_total')).toEqual([
      'regiongraph_source_calls_total{instance="lifecare-porvoo",method="readPersons",outcome="ok",service="region-graph-test"} 1',
    ]);
  });

  it('counts each failed key of a batch by code, and a timeout as a timeout, with the codes (not the messages) on the span', async () => {
    const { telemetry: t, spans } = telemetry();
    const timeout = new AdapterError('SOURCE_UNAVAILABLE', 'lifecare-porvoo', `expected an answer within 5000 ms for ${A}, received none`);
    const malformed = new AdapterError('MALFORMED_RESPONSE', 'lifecare-porvoo', `no patient ${B}`);
    const adapter = instrumentAdapter(
      fakeAdapter(async () => [timeout, malformed, emptyRead]),
      t,
    );
    await adapter.readPersons([A, B, makeHetu('1991-10-10', 999)]);
    const [span] = spans.getFinishedSpans();
    expect(span?.attributes['regiongraph.source.outcome']).toBe('partial');
    expect(span?.attributes['regiongraph.source.failed_keys']).toBe(2);
    expect(span?.attributes['regiongraph.source.error_codes']).toEqual(['SOURCE_UNAVAILABLE', 'MALFORMED_RESPONSE']);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SOURCE_UNAVAILABLE MALFORMED_RESPONSE' });
    expect(JSON.stringify(span?.attributes) + JSON.stringify(span?.events)).not.toMatch(/\d{6}[-+A]\d{3}/);
    expect(await lines(t, 'regiongraph_source_errors_total')).toEqual([
      'regiongraph_source_errors_total{instance="lifecare-porvoo",method="readPersons",code="SOURCE_UNAVAILABLE",service="region-graph-test"} 1',
      'regiongraph_source_errors_total{instance="lifecare-porvoo",method="readPersons",code="MALFORMED_RESPONSE",service="region-graph-test"} 1',
    ]);
    expect(await lines(t, 'regiongraph_source_timeouts_total')).toEqual([
      'regiongraph_source_timeouts_total{instance="lifecare-porvoo",method="readPersons",service="region-graph-test"} 1',
    ]);
  });

  it('counts a rejected call as an error and rejects as the adapter did', async () => {
    const { telemetry: t, spans } = telemetry();
    const failure = new AdapterError('SOURCE_ERROR', 'lifecare-porvoo', 'the source failed');
    const adapter = instrumentAdapter(
      fakeAdapter(async () => {
        throw failure;
      }),
      t,
    );
    await expect(adapter.readPersons([A])).rejects.toBe(failure);
    expect(spans.getFinishedSpans()[0]?.attributes['regiongraph.source.outcome']).toBe('error');
    expect(await lines(t, 'regiongraph_source_calls_total')).toEqual([
      'regiongraph_source_calls_total{instance="lifecare-porvoo",method="readPersons",outcome="error",service="region-graph-test"} 1',
    ]);
  });

  it('makes one span of a whole listing, with its pages', async () => {
    const { telemetry: t, spans } = telemetry();
    const page: ChangedPage = { persons: [{ hetu: A }], issues: [] };
    const adapter = instrumentAdapter(
      fakeAdapter(async () => [], [page, page]),
      t,
    );
    const seen: ChangedPage[] = [];
    for await (const p of adapter.listChanged('1900-01-01T00:00:00+02:00')) seen.push(p);
    expect(seen).toEqual([page, page]);
    const [span] = spans.getFinishedSpans();
    expect([span?.name, span?.attributes['regiongraph.source.pages']]).toEqual(['lifecare-porvoo listChanged', 2]);
  });
});

describe('instrumentVtj', () => {
  it('traces reads and keeps every other member of the object as it is', async () => {
    const { telemetry: t, spans } = telemetry();
    const vtj: VtjAdapter & { surnames(h: readonly string[]): Promise<(string | null)[]> } = {
      instance: 'vtj',
      readPersons: async (hetus) => hetus.map(() => null),
      surnames: async (hetus) => hetus.map(() => 'Surname'),
      close: async () => {},
    };
    const traced = instrumentVtj(vtj, t);
    expect(await traced.readPersons([A])).toEqual([null]);
    expect(await traced.surnames([A])).toEqual(['Surname']);
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['vtj readPersons']);
  });
});

describe('isTimeout', () => {
  it('tells a deadline from another unavailability, by the cause or the wording', () => {
    const cause = Object.assign(new Error('x'), { kind: 'timeout' });
    expect(isTimeout(new AdapterError('SOURCE_UNAVAILABLE', 'vtj', 'VTJ: expected an answer, but it did not come', { cause }))).toBe(true);
    expect(isTimeout(new AdapterError('SOURCE_UNAVAILABLE', 'pegasos-loviisa', 'pegasos-loviisa did not answer within 5000 ms'))).toBe(
      true,
    );
    expect(isTimeout(new AdapterError('SOURCE_UNAVAILABLE', 'pegasos-loviisa', 'pegasos-loviisa refused the connection'))).toBe(false);
    expect(isTimeout(new AdapterError('SOURCE_ERROR', 'pegasos-loviisa', 'failed within 5000 ms'))).toBe(false);
  });
});

describe('Fastify services', () => {
  it('serve /metrics in the Prometheus text format, with the default process metrics', async () => {
    const { telemetry: t } = telemetry();
    const app = Fastify();
    registerMetricsRoute(app, t);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE regiongraph_graphql_requests_total counter');
    expect(res.body).toContain('process_cpu_seconds_total');
    await app.close();
  });

  it('continue the caller trace from traceparent, and the handler runs inside the server span', async () => {
    const { telemetry: t, spans } = telemetry();
    const app = Fastify();
    traceRequests(app, t, { server: 'region', continueTrace: true });
    let activeTrace: string | undefined;
    app.post('/graphql', async (req) => {
      activeTrace = trace.getActiveSpan()?.spanContext().traceId;
      annotateOperation(req, { operationName: 'Customer', operationType: 'query', errorCodes: ['FORBIDDEN'] });
      return { data: null };
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      payload: {},
    });
    const [span] = spans.getFinishedSpans();
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanId).toBe('00f067aa0ba902b7');
    expect(activeTrace).toBe(traceId);
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'regiongraph.server': 'region',
      'graphql.operation.name': 'Customer',
      'graphql.operation.type': 'query',
      'regiongraph.error_codes': ['FORBIDDEN'],
      'http.response.status_code': 200,
    });
    expect(await lines(t, 'regiongraph_http_requests_total')).toEqual([
      'regiongraph_http_requests_total{server="region",route="/graphql",status="200",service="region-graph-test"} 1',
    ]);
    await app.close();
  });
});

describe('createTelemetry without an exporter', () => {
  it('has metrics but does not trace: no-op spans, no traceparent', () => {
    const t = createTelemetry({ serviceName: 'region-graph-test' });
    opened.push(t);
    const span = t.tracer.startSpan('x');
    const headers: Record<string, string> = {};
    t.inject(trace.setSpan(context.active(), span), headers);
    expect([t.recording, span.isRecording(), headers]).toEqual([false, false, {}]);
  });
});

describe('telemetryOptionsFromEnv', () => {
  it('reads the endpoint and service name, turns off with OTEL_SDK_DISABLED, and refuses a bad endpoint without echoing it', () => {
    expect(telemetryOptionsFromEnv({}, 'region-graph-gateway')).toEqual({ serviceName: 'region-graph-gateway' });
    expect(
      telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'gw-1' }, 'region-graph-gateway'),
    ).toEqual({ serviceName: 'gw-1', otlpEndpoint: 'http://127.0.0.1:4318' });
    expect(telemetryOptionsFromEnv({ OTEL_SDK_DISABLED: 'true' }, 'x')).toBeNull();
    expect(() => telemetryOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:secret@collector:4318' }, 'x')).toThrow(
      'expected OTEL_EXPORTER_OTLP_ENDPOINT as an http(s) URL without credentials, received another value',
    );
    expect(() => telemetryOptionsFromEnv({ OTEL_SDK_DISABLED: 'yes' }, 'x')).toThrow(
      'expected OTEL_SDK_DISABLED as true or false, received "yes"',
    );
  });
});
