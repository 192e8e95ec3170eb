/**
 * A service's telemetry: its Prometheus metrics (metrics.ts) and its
 * OpenTelemetry tracer. Spans are recorded and exported only when there is
 * somewhere to send them: over OTLP/HTTP (JSON) to `otlpEndpoint`
 * (OTEL_EXPORTER_OTLP_ENDPOINT) through a batch processor, or to the
 * `spanExporter` a test passes. Without either, tracing is off altogether:
 * the tracer is OpenTelemetry's no-op one, no context manager is registered
 * and no `traceparent` is sent. Why not pass traces through anyway: the
 * context manager (AsyncLocalStorage over every promise) was most of
 * telemetry's cost in the engine benchmark, paid for spans nobody receives.
 */
import { ProxyTracerProvider, context } from '@opentelemetry/api';
import type { Context, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { attachGlobalTracing } from './globalTracing.ts';
import { RegionMetrics } from './metrics.ts';

/**
 * Most spans waiting for export; past it new spans are dropped (a request
 * never waits for the collector). A batch goes out as soon as 512 are queued
 * (or after 5 s); a client overview makes about 45 spans over all services
 * (its 12 subgraph fetches make 3 each), so 2 048 hold about 45 overviews'
 * worth while an export is under way; about 2–4 MB at most.
 */
export const SPAN_QUEUE_SIZE = 2_048;
/** Spans per OTLP export request. */
export const SPAN_BATCH_SIZE = 512;
/** Longest wait before queued spans are exported, in ms. */
export const SPAN_EXPORT_DELAY_MS = 5_000;

/** What telemetry logs (pino's signature): export failures, never span contents. */
export interface TelemetryLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface TelemetryOptions {
  /** `service.name` of the spans and the `service` label of every metric, e.g. `region-graph-gateway`. */
  readonly serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. `http://collector:4318`); spans go to `{url}/v1/traces`. */
  readonly otlpEndpoint?: string;
  /** Spans go here, synchronously as each ends (tests: an InMemorySpanExporter). */
  readonly spanExporter?: SpanExporter;
  readonly logger?: TelemetryLogger;
}

/** A service's metrics and tracer. */
export interface Telemetry {
  readonly serviceName: string;
  readonly metrics: RegionMetrics;
  /** This service's tracer (also the one @apollo/gateway's spans go through, see globalTracing.ts). */
  readonly tracer: Tracer;
  /** Whether spans are recorded (an exporter is configured). */
  readonly recording: boolean;
  /** Writes `traceparent`/`tracestate` of `ctx` into outgoing headers. */
  inject(ctx: Context, headers: Record<string, string>): void;
  /** The context of the `traceparent`/`tracestate` of incoming headers (the active one when absent or invalid). */
  extract(headers: Readonly<Record<string, string | string[] | undefined>>): Context;
  /** Exports the spans still queued and stops tracing through this Telemetry. */
  shutdown(): Promise<void>;
}

/** Creates a service's telemetry; see the file comment for when spans are exported. */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const processors: SpanProcessor[] = [];
  if (options.spanExporter) processors.push(new SimpleSpanProcessor(options.spanExporter));
  if (options.otlpEndpoint) {
    const exporter = new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` });
    processors.push(
      new BatchSpanProcessor(exporter, {
        maxQueueSize: SPAN_QUEUE_SIZE,
        maxExportBatchSize: SPAN_BATCH_SIZE,
        scheduledDelayMillis: SPAN_EXPORT_DELAY_MS,
      }),
    );
  }
  const recording = processors.length > 0;
  const metrics = new RegionMetrics(options.serviceName);
  if (!recording) {
    return {
      serviceName: options.serviceName,
      metrics,
      tracer: new ProxyTracerProvider().getTracer('region-graph'),
      recording,
      inject: () => {},
      extract: () => context.active(),
      shutdown: async () => {},
    };
  }
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': options.serviceName }),
    // A span whose caller (the gateway) did not record it is not recorded either, so no trace is half exported.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  });
  for (const p of processors) provider.addSpanProcessor(p);
  const attachment = attachGlobalTracing(provider);
  if (!attachment.global) {
    options.logger?.warn({ serviceName: options.serviceName }, 'another tracer provider is registered: @apollo/gateway spans go there');
  }
  const propagator = new W3CTraceContextPropagator();
  const headerSetter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
  const headerGetter = {
    keys: (carrier: Readonly<Record<string, string | string[] | undefined>>) => Object.keys(carrier),
    get: (carrier: Readonly<Record<string, string | string[] | undefined>>, key: string) => carrier[key],
  };
  let stopped = false;
  return {
    serviceName: options.serviceName,
    metrics,
    tracer: provider.getTracer('region-graph'),
    recording,
    inject: (ctx, headers) => propagator.inject(ctx, headers, headerSetter),
    extract: (headers) => propagator.extract(context.active(), headers, headerGetter),
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      attachment.detach();
      await provider.shutdown();
    },
  };
}
