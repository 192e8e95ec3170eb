/**
 * Telemetry of the region's services (README "Deploying", observability):
 * OpenTelemetry traces and Prometheus metrics. May import domain/ only;
 * gateway/, subgraphs/ and the composition roots import it.
 */
export { createTelemetry, SPAN_BATCH_SIZE, SPAN_EXPORT_DELAY_MS, SPAN_QUEUE_SIZE } from './telemetry.ts';
export type { Telemetry, TelemetryLogger, TelemetryOptions } from './telemetry.ts';
export { RegionMetrics } from './metrics.ts';
export type { CacheName, OperationOutcome, SourceLag } from './metrics.ts';
export { MAX_ERROR_CODES, MAX_OPERATION_NAMES } from './labels.ts';
export { METRICS_PATH, REQUEST_ATTRIBUTES, annotateOperation, registerMetricsRoute, traceRequests } from './http.ts';
export type { TraceRequestsOptions } from './http.ts';
export { SOURCE_ATTRIBUTES, instrumentAdapter, instrumentSources, instrumentVtj, isTimeout } from './adapters.ts';
export { TelemetryConfigError, telemetryOptionsFromEnv } from './config.ts';
