/**
 * The region's Prometheus metrics: one prom-client Registry per Telemetry
 * (never prom-client's global default registry, so two services in one
 * process, or two tests, do not share counters), with Node's default process
 * metrics, and typed helpers that keep every label bounded (labels.ts).
 * Names start with `regiongraph_`; durations are histograms in seconds.
 * No label ever carries personal data: operation names are GraphQL Names,
 * codes are upper-case codes, the rest are names of our own (subgraphs,
 * instances, methods, caches).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { OperationNames, errorCodeLabels } from './labels.ts';
import type { BoundedLabel } from './labels.ts';

/** Seconds: from a cached operation's few ms to a slow source's 15 s deadline. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
/** Seconds: planning is 1–80 ms warm, its budget 2 s. */
const PLANNING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

/** The caches counted in `regiongraph_cache_lookups_total{cache}`. */
export type CacheName = 'document' | 'plan' | 'verified_token' | 'subgraph_read' | 'subgraph_vtj_read' | 'emergency_grants';

/** One source's person-index state, as PersonLocator.status() gives it (only these fields are read). */
export interface SourceLag {
  readonly instance: string;
  /** Seconds since the source's last successful listing; null before the first (exported as +Inf). */
  readonly lagSeconds: number | null;
  readonly persons?: number;
}

/** What a request to a GraphQL endpoint ended with (never variables, query text or data). */
export interface OperationOutcome {
  readonly operationName: string | null;
  readonly operationType: string | null;
  readonly errorCodes: readonly string[];
}

type Lags = () => readonly SourceLag[] | Promise<readonly SourceLag[]>;
type Seconds = () => number | null | Promise<number | null>;

/** Every metric of a service and the helpers that record them. */
export class RegionMetrics {
  readonly registry = new Registry();
  private readonly operations = new OperationNames();
  private readonly codes: BoundedLabel = errorCodeLabels();
  private readonly lagSources: Lags[] = [];
  private statisticsLagSource: Seconds | undefined;
  /** The index status read of the scrape under way, shared by its two gauges (prom-client collects metrics concurrently). */
  private indexScrape: Promise<void> | undefined;

  readonly graphqlRequests: Counter<'operation' | 'type' | 'outcome'>;
  readonly graphqlDuration: Histogram<'operation'>;
  readonly graphqlErrors: Counter<'operation' | 'code'>;
  readonly httpRequests: Counter<'server' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'server' | 'route'>;
  readonly subgraphFetches: Counter<'subgraph' | 'outcome'>;
  readonly subgraphFetchDuration: Histogram<'subgraph'>;
  readonly subgraphFetchErrors: Counter<'subgraph' | 'code'>;
  readonly sourceCalls: Counter<'instance' | 'method' | 'outcome'>;
  readonly sourceDuration: Histogram<'instance' | 'method'>;
  readonly sourceErrors: Counter<'instance' | 'method' | 'code'>;
  readonly sourceTimeouts: Counter<'instance' | 'method'>;
  readonly cacheLookups: Counter<'cache' | 'result'>;
  readonly planningDuration: Histogram<'outcome'>;
  readonly auditWrites: Counter<'outcome'>;
  readonly auditWriteFailures: Counter;
  readonly auditEvents: Counter<'outcome'>;
  readonly personIndexLag: Gauge<'instance'>;
  readonly personIndexPersons: Gauge<'instance'>;
  readonly statisticsLag: Gauge;

  constructor(serviceName: string) {
    const registers = [this.registry];
    // Every series names the service (region-graph-gateway, …-municipality-porvoo), as Prometheus's job label may not.
    this.registry.setDefaultLabels({ service: serviceName });
    collectDefaultMetrics({ register: this.registry });
    // Arrows: prom-client calls `collect` with the metric as `this`.
    const scrapeIndex = (): Promise<void> => this.scrapeIndex();
    const statisticsLag = async (): Promise<number | null | undefined> => this.statisticsLagSource?.();
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
      new Counter({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets = LATENCY_BUCKETS): Histogram<L> =>
      new Histogram({ name, help, labelNames, buckets, registers });
    this.graphqlRequests = counter(
      'regiongraph_graphql_requests_total',
      'GraphQL requests answered, by operation name (GraphQL Names only, at most 100, then "other"), type and outcome (ok, error).',
      ['operation', 'type', 'outcome'],
    );
    this.graphqlDuration = histogram(
      'regiongraph_graphql_request_duration_seconds',
      'Time from a GraphQL request to its answer, by operation name.',
      ['operation'],
    );
    this.graphqlErrors = counter('regiongraph_graphql_errors_total', 'Errors in GraphQL answers, by operation name and extensions.code.', [
      'operation',
      'code',
    ]);
    this.httpRequests = counter(
      'regiongraph_http_requests_total',
      'HTTP requests answered on traced routes, by server (gateway, region, lists, a municipality), route and status code.',
      ['server', 'route', 'status'],
    );
    this.httpDuration = histogram(
      'regiongraph_http_request_duration_seconds',
      'Time from an HTTP request on a traced route to its answer, by server and route.',
      ['server', 'route'],
    );
    this.subgraphFetches = counter(
      'regiongraph_subgraph_fetches_total',
      "The gateway's calls to each subgraph, by outcome (ok, graphql_errors, error).",
      ['subgraph', 'outcome'],
    );
    this.subgraphFetchDuration = histogram('regiongraph_subgraph_fetch_duration_seconds', "Time of the gateway's calls to each subgraph.", [
      'subgraph',
    ]);
    this.subgraphFetchErrors = counter(
      'regiongraph_subgraph_fetch_errors_total',
      'Errors of subgraph calls, by code: SUBGRAPH_UNAVAILABLE / SUBGRAPH_BAD_RESPONSE, or the extensions.code of each error in its answer.',
      ['subgraph', 'code'],
    );
    this.sourceCalls = counter(
      'regiongraph_source_calls_total',
      'Calls of a source adapter, by instance, method and outcome (ok, partial: some keys failed, error: the call failed).',
      ['instance', 'method', 'outcome'],
    );
    this.sourceDuration = histogram(
      'regiongraph_source_call_duration_seconds',
      'Time of a source adapter call (a whole listing for listChanged).',
      ['instance', 'method'],
    );
    this.sourceErrors = counter(
      'regiongraph_source_errors_total',
      'Source errors by adapter error code: a failed call counts once, each failed key of a batch once.',
      ['instance', 'method', 'code'],
    );
    this.sourceTimeouts = counter(
      'regiongraph_source_timeouts_total',
      'SOURCE_UNAVAILABLE errors that were deadlines (no answer within the timeout), a subset of regiongraph_source_errors_total.',
      ['instance', 'method'],
    );
    this.cacheLookups = counter(
      'regiongraph_cache_lookups_total',
      'Cache lookups by cache (document, plan, verified_token, subgraph_read, subgraph_vtj_read, emergency_grants) and result (hit, miss).',
      ['cache', 'result'],
    );
    this.planningDuration = histogram(
      'regiongraph_planning_duration_seconds',
      'Time to plan an operation in the planner pool (cache misses only), by outcome (planned, too_complex, busy, failed).',
      ['outcome'],
      PLANNING_BUCKETS,
    );
    this.auditWrites = counter(
      'regiongraph_audit_writes_total',
      'Audit log writes (one INSERT of a group of events), by outcome (ok, failed).',
      ['outcome'],
    );
    this.auditWriteFailures = counter(
      'regiongraph_audit_write_failures_total',
      'Audit log writes that failed: the data they described was refused (AUDIT_UNAVAILABLE).',
    );
    this.auditEvents = counter('regiongraph_audit_events_total', 'Audit events handed to the log, by outcome (written, failed).', [
      'outcome',
    ]);
    this.personIndexLag = new Gauge({
      name: 'regiongraph_person_index_lag_seconds',
      help: "Seconds since each source's last successful change listing (+Inf before the first), read at scrape time.",
      labelNames: ['instance'],
      registers,
      async collect() {
        await scrapeIndex();
      },
    });
    this.personIndexPersons = new Gauge({
      name: 'regiongraph_person_index_persons',
      help: 'Persons the index holds per source, read at scrape time.',
      labelNames: ['instance'],
      registers,
      async collect() {
        await scrapeIndex();
      },
    });
    this.statisticsLag = new Gauge({
      name: 'regiongraph_statistics_lag_seconds',
      help: "How far the analysts' statistics lag the sources, in seconds (+Inf before the first figures), read at scrape time.",
      registers,
      async collect() {
        const lag = await statisticsLag();
        if (lag === undefined) return;
        this.set(lag === null ? Number.POSITIVE_INFINITY : lag);
      },
    });
  }

  /** Records a GraphQL request's answer (operation name bounded, errors by code). */
  graphqlRequest(outcome: OperationOutcome, seconds: number): void {
    const operation = this.operations.of(outcome.operationName);
    const type = outcome.operationType ?? 'none';
    this.graphqlRequests.inc({ operation, type, outcome: outcome.errorCodes.length > 0 ? 'error' : 'ok' });
    this.graphqlDuration.observe({ operation }, seconds);
    for (const code of outcome.errorCodes) this.graphqlErrors.inc({ operation, code: this.codes.of(code) });
  }

  /** An error code as a label value (bounded). */
  code(code: string): string {
    return this.codes.of(code);
  }

  /** A counter of a cache's hits and misses. */
  cacheCounter(cache: CacheName): (hit: boolean) => void {
    const hit = this.cacheLookups.labels({ cache, result: 'hit' });
    const miss = this.cacheLookups.labels({ cache, result: 'miss' });
    return (isHit) => (isHit ? hit.inc() : miss.inc());
  }

  /** Reads the person index's per-source lag at every scrape from `status` (e.g. PersonLocator.status). */
  watchPersonIndex(status: Lags): void {
    this.lagSources.push(status);
  }

  /** Reads the statistics' lag in seconds at every scrape (null: no figures yet). */
  watchStatisticsLag(lag: Seconds): void {
    this.statisticsLagSource = lag;
  }

  private scrapeIndex(): Promise<void> {
    this.indexScrape ??= this.collectIndex().finally(() => (this.indexScrape = undefined));
    return this.indexScrape;
  }

  private async collectIndex(): Promise<void> {
    if (this.lagSources.length === 0) return;
    this.personIndexLag.reset();
    this.personIndexPersons.reset();
    for (const status of this.lagSources) {
      for (const s of await status()) {
        this.personIndexLag.set({ instance: s.instance }, s.lagSeconds === null ? Number.POSITIVE_INFINITY : s.lagSeconds);
        if (s.persons !== undefined) this.personIndexPersons.set({ instance: s.instance }, s.persons);
      }
    }
  }
}
