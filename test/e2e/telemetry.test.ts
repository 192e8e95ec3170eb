/**
 * Telemetry through the whole region in one process (issue 14, item 6): the
 * bundled fixtures, every service with one Telemetry whose spans go to an
 * InMemorySpanExporter.
 *
 * - One trace from the gateway's request through @apollo/gateway's spans,
 *   the subgraph calls (with `traceparent` on the wire), the subgraph
 *   servers, to the source calls, each span's parent the right one.
 * - No identity code and no name of a person in any span (name, attribute,
 *   event, status message) or any /metrics line, after the README's, the
 *   GraphiQL examples' and the end-to-end tests' operations as their users.
 * - /metrics on the gateway and on a subgraph (no internal token), every
 *   metric named, counters moving with a request.
 */
import { cpSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeOperations } from '../../bench/planning/operations.ts';
import { DEMO_PERSONS, DEMO_USERS, EXAMPLE_CHILD, EXAMPLE_CITIZEN, demoUser } from '../../gateway/auth/demoUsers.ts';
import { exampleOperations } from '../../gateway/examples.ts';
import { ManualClock } from '../../subgraphs/database/testSupport.ts';
import { createTelemetry } from '../../telemetry/index.ts';
import type { Telemetry } from '../../telemetry/index.ts';
import {
  APPOINTMENT_FILTERS_QUERY,
  CEILING_QUERY,
  CUSTOMER_QUERY,
  MY_DATA_READS_QUERY,
  PERSONAL,
  PUBLIC_AND_PERSONAL_QUERY,
  aliasedClientsQuery,
  customerFieldsQuery,
  lookupQuery,
} from './testSupport/queries.ts';
import { gql, startE2ERegion } from './testSupport/region.ts';
import type { E2ERegion, GraphQLAnswer } from './testSupport/region.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
/** The bundled fixtures' today (2026-11-23) at noon in Helsinki. */
const clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
/** Anything shaped like an identity code (domain/hetu.ts's shape, anywhere in a text). */
const HETU = /\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/;

const spans = new InMemorySpanExporter();
let telemetry: Telemetry;
let region: E2ERegion;
/** `traceparent` of every request the region subgraph received. */
const traceparents: (string | undefined)[] = [];

beforeAll(async () => {
  telemetry = createTelemetry({ serviceName: 'region-graph', spanExporter: spans });
  region = await startE2ERegion({ clock, writeFixtures: async (dir) => cpSync(FIXTURES, dir, { recursive: true }), telemetry });
  region.subgraphs.apps.get('region')!.server.on('request', (req: { headers: Record<string, string | undefined> }) => {
    traceparents.push(req.headers.traceparent);
  });
}, 180_000);

afterAll(async () => {
  await region?.stop();
  await telemetry?.shutdown();
});

async function tokenOf(userId: string): Promise<string> {
  const user = demoUser(userId);
  if (!user) throw new Error(`expected a demo user ${userId}, received none`);
  return region.tokenFor(user.identity);
}

/** Waits until the gateway's server span of the last request has ended (it ends after the answer is sent). */
async function gatewaySpanOf(operationName: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const found = spans
      .getFinishedSpans()
      .find(
        (s) =>
          s.kind === SpanKind.SERVER &&
          s.attributes['regiongraph.server'] === 'gateway' &&
          s.attributes['graphql.operation.name'] === operationName,
      );
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`expected the gateway's span of ${operationName}, received none`);
}

describe('one trace from the gateway to the sources', () => {
  it('links the request, @apollo/gateway, the subgraph calls and servers, and the source calls, with traceparent sent', async () => {
    spans.reset();
    traceparents.length = 0;
    const example = exampleOperations({ today: '2026-11-23' }).find((e) => e.name === 'ClientOverview')!;
    const answer = await gql(region, example.query, { ...example.variables }, await tokenOf(example.identity ?? ''));
    expect([answer.status, answer.errors ?? []]).toEqual([200, []]);
    const root = await gatewaySpanOf('ClientOverview');
    const traceId = root.spanContext().traceId;
    // Spans of a trace end as their work does; wait for the last source call.
    await new Promise((r) => setTimeout(r, 200));
    const trace = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan): ReadableSpan | undefined => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);

    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({
      'http.route': '/graphql',
      'graphql.operation.type': 'query',
      'http.response.status_code': 200,
    });
    const named = (name: string) => trace.filter((s) => s.name === name);
    const [execute] = named('gateway.execute');
    expect(parentOf(execute!)).toBe(root);
    expect(named('gateway.fetch').length).toBeGreaterThan(1);
    expect(named('gateway.postprocessing').map((s) => parentOf(s))).toEqual([execute]);
    for (const fetch of named('gateway.fetch')) expect(parentOf(fetch)).toBe(execute);

    const calls = trace.filter((s) => s.kind === SpanKind.CLIENT && s.name.startsWith('subgraph '));
    expect(calls.length).toBe(named('gateway.fetch').length);
    for (const call of calls) expect(parentOf(call)?.name).toBe('gateway.fetch');
    const servers = trace.filter((s) => s.kind === SpanKind.SERVER && s !== root);
    expect(servers.length).toBe(calls.length);
    for (const server of servers) {
      const call = parentOf(server)!;
      expect(call.kind).toBe(SpanKind.CLIENT);
      expect(call.attributes['regiongraph.subgraph']).toBe(server.attributes['regiongraph.server']);
    }
    expect(new Set(servers.map((s) => s.attributes['regiongraph.server']))).toContain('region');

    // The region subgraph's VTJ read and the municipalities' record reads, each under its subgraph's server span.
    const sources = trace.filter((s) => s.attributes['regiongraph.source.method'] === 'readPersons');
    expect(sources.map((s) => s.attributes['regiongraph.source.instance'])).toContain('vtj');
    expect(sources.length).toBeGreaterThan(1);
    for (const source of sources) {
      let up = parentOf(source);
      while (up && up.kind !== SpanKind.SERVER) up = parentOf(up);
      expect(up && up !== root ? up.kind : 'no subgraph server span').toBe(SpanKind.SERVER);
    }

    // On the wire: the region subgraph's requests carry the client span's context, sampled.
    const regionCalls = calls.filter((c) => c.attributes['regiongraph.subgraph'] === 'region');
    expect(traceparents.sort()).toEqual(regionCalls.map((c) => `00-${traceId}-${c.spanContext().spanId}-01`).sort());
  });
});

/** Every string a person's name may be in an answer: these keys' values. */
const NAME_KEYS = new Set(['surname', 'firstNames', 'readerName', 'callingName']);

function namesIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) namesIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (NAME_KEYS.has(k) && typeof v === 'string')
        for (const part of v.split(/[\s,]+/))
          if (part.length >= 3) out.add(part);
          else namesIn(v, out);
    }
  }
}

/** A span as text: everything an exporter sends but the ids and times. */
function spanText(s: ReadableSpan): string {
  return JSON.stringify({
    name: s.name,
    attributes: s.attributes,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    status: s.status,
    links: s.links.map((l) => l.attributes),
    resource: s.resource.attributes,
  });
}

describe('no personal data in spans or metrics', () => {
  it('after the README, GraphiQL and end-to-end operations as their users: no identity code, no name', async () => {
    spans.reset();
    const answers: GraphQLAnswer<unknown>[] = [];
    const run = async (query: string, variables: Record<string, unknown>, user?: string) => {
      answers.push(await gql(region, query, variables, user ? await tokenOf(user) : undefined));
    };
    // The saved examples, as the demo user each is labelled for (the analysts' statistics once ready).
    for (const example of exampleOperations({ today: '2026-11-23' })) {
      for (let attempt = 0; attempt < 120; attempt++) {
        const answer = await gql(region, example.query, { ...example.variables }, await tokenOf(example.identity ?? ''));
        answers.push(answer);
        if (!answer.errors?.some((e) => e.extensions?.code === 'STATISTICS_NOT_READY')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const persons = { hetu: EXAMPLE_CITIZEN.hetu, h: EXAMPLE_CITIZEN.hetu, year: 2026 };
    // The README's operations, as the citizen herself and as a physician.
    const readme = readmeOperations(README);
    expect(readme.length).toBeGreaterThan(2);
    for (const op of readme) for (const user of ['citizen', 'physician']) await run(op.query, persons, user);
    // The end-to-end tests' operations, on the demo persons, as the citizen, a physician and anonymously.
    const e2e = [CUSTOMER_QUERY, APPOINTMENT_FILTERS_QUERY, CEILING_QUERY, customerFieldsQuery(PERSONAL), PUBLIC_AND_PERSONAL_QUERY];
    for (const query of e2e) for (const user of ['citizen', 'physician', undefined]) await run(query, persons, user);
    await run(customerFieldsQuery(PERSONAL), { h: EXAMPLE_CHILD.hetu }, 'citizen');
    await run(aliasedClientsQuery([EXAMPLE_CITIZEN.hetu, EXAMPLE_CHILD.hetu]), {}, 'physician');
    await run(lookupQuery(EXAMPLE_CITIZEN.hetu), {}, 'physician');
    await run(MY_DATA_READS_QUERY, {}, 'citizen');
    // A refused variable holding an identity code, and an operation name that is not one (it must not reach a label or span).
    await run(`query ($h: Int) { customer(hetu: $h) { surname } }`, { h: EXAMPLE_CITIZEN.hetu }, 'citizen');
    await new Promise((r) => setTimeout(r, 300));

    const names = new Set<string>();
    for (const person of DEMO_PERSONS) for (const part of `${person.firstNames} ${person.surname}`.split(/\s+/)) names.add(part);
    for (const user of DEMO_USERS) if (user.identity.kind !== 'analyst') names.add(user.label.split(',')[0]!.split(' ').pop()!);
    for (const answer of answers) namesIn(answer.data, names);
    // The answers did hold personal data: the check below is not vacuous.
    expect(JSON.stringify(answers)).toContain(EXAMPLE_CITIZEN.hetu);
    expect(names).toContain(EXAMPLE_CITIZEN.surname);
    expect(names.size).toBeGreaterThan(10);

    const finished = spans.getFinishedSpans();
    expect(finished.length).toBeGreaterThan(100);
    const texts = [
      ...finished.map(spanText),
      ...(await (await fetch(`${region.gatewayUrl}/metrics`)).text()).split('\n'),
      ...(await region.subgraphs.apps.get('region')!.inject({ method: 'GET', url: '/metrics' })).body.split('\n'),
    ];
    const leaks = texts.filter((t) => HETU.test(t) || [...names].some((n) => t.includes(n)));
    expect(leaks).toEqual([]);
  });
});

/** Every metric of the region, by its exact name. */
const METRICS = [
  'regiongraph_graphql_requests_total',
  'regiongraph_graphql_request_duration_seconds',
  'regiongraph_graphql_errors_total',
  'regiongraph_http_requests_total',
  'regiongraph_http_request_duration_seconds',
  'regiongraph_subgraph_fetches_total',
  'regiongraph_subgraph_fetch_duration_seconds',
  'regiongraph_subgraph_fetch_errors_total',
  'regiongraph_source_calls_total',
  'regiongraph_source_call_duration_seconds',
  'regiongraph_source_errors_total',
  'regiongraph_source_timeouts_total',
  'regiongraph_cache_lookups_total',
  'regiongraph_planning_duration_seconds',
  'regiongraph_audit_writes_total',
  'regiongraph_audit_write_failures_total',
  'regiongraph_audit_events_total',
  'regiongraph_person_index_lag_seconds',
  'regiongraph_person_index_persons',
  'regiongraph_statistics_lag_seconds',
];

/** A sample's value from the text format, 0 when the series is not there yet. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics', () => {
  it('is served by the gateway and, without an internal token, by a subgraph, naming every metric', async () => {
    const gateway = await fetch(`${region.gatewayUrl}/metrics`);
    expect([gateway.status, gateway.headers.get('content-type')]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
    const text = await gateway.text();
    for (const name of METRICS) expect(text, name).toContain(`# TYPE ${name} `);
    const porvoo = region.subgraphs.apps.get('porvoo')!;
    const sub = await porvoo.inject({ method: 'GET', url: '/metrics' });
    expect(sub.statusCode).toBe(200);
    expect(sub.body).toContain('# TYPE regiongraph_source_calls_total counter');
    // Still refused without the token: the GraphQL endpoint.
    expect((await porvoo.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __typename }' } })).statusCode).toBe(401);
    // Read at scrape time: each source's listing lag, and the statistics' lag once they exist.
    expect(text).toMatch(/^regiongraph_person_index_lag_seconds\{instance="lifecare-porvoo",service="region-graph"\} \d+$/m);
    expect(text).toMatch(/^regiongraph_person_index_persons\{instance="effica-porvoo",service="region-graph"\} [1-9]\d*$/m);
    expect(text).toMatch(/^regiongraph_statistics_lag_seconds\{service="region-graph"\} \d+(\.\d+)?$/m);
  });

  it('moves the counters with a request: the operation, its subgraph calls, source calls and caches', async () => {
    const example = exampleOperations({ today: '2026-11-23' }).find((e) => e.name === 'NextAppointments')!;
    const scrape = async () => (await fetch(`${region.gatewayUrl}/metrics`)).text();
    const series = {
      requests: 'regiongraph_graphql_requests_total{operation="NextAppointments",type="query",outcome="ok",service="region-graph"}',
      fetches: 'regiongraph_subgraph_fetches_total{subgraph="region",outcome="ok",service="region-graph"}',
      plans: 'regiongraph_cache_lookups_total{cache="plan",result="hit",service="region-graph"}',
      tokens: 'regiongraph_cache_lookups_total{cache="verified_token",result="hit",service="region-graph"}',
      vtj: 'regiongraph_source_calls_total{instance="vtj",method="readPersons",outcome="ok",service="region-graph"}',
    };
    const audits = 'regiongraph_audit_writes_total{outcome="ok",service="region-graph"}';
    const token = await tokenOf(example.identity ?? '');
    await gql(region, example.query, { ...example.variables }, token);
    const before = await scrape();
    const answer = await gql(region, example.query, { ...example.variables }, token);
    expect(answer.errors ?? []).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    const after = await scrape();
    const moved = Object.fromEntries(Object.entries(series).map(([k, s]) => [k, sample(after, s) - sample(before, s)]));
    expect(moved).toEqual({ requests: 1, fetches: 1, plans: 1, tokens: 1, vtj: 1 });
    // The region's and the lists subgraph's audit events: one write each, or one for both when they meet in a group.
    expect(sample(after, audits) - sample(before, audits)).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'regiongraph_planning_duration_seconds_count{service="region-graph",outcome="planned"}')).toBeGreaterThan(0);
  });
});
