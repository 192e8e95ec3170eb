/**
 * Telemetry settings from the environment, read once at a service's start:
 * OpenTelemetry's own variable names, so a collector's usual deployment
 * settings work unchanged.
 *
 * - `OTEL_EXPORTER_OTLP_ENDPOINT`: OTLP/HTTP base URL (spans go to `{url}/v1/traces`); unset: spans are not exported.
 * - `OTEL_SERVICE_NAME`: the service's name on spans and metrics; default the caller's (`region-graph-<role>`).
 * - `OTEL_SDK_DISABLED=true`: no telemetry at all (no spans, no /metrics), e.g. to measure its cost.
 */
import type { TelemetryOptions } from './telemetry.ts';

/** A telemetry variable with a value it cannot have. */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
}

/** The telemetry options of a service, or null when OTEL_SDK_DISABLED is true. Throws TelemetryConfigError on a bad value. */
export function telemetryOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  defaultServiceName: string,
): Pick<TelemetryOptions, 'serviceName' | 'otlpEndpoint'> | null {
  const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase();
  if (disabled !== '' && disabled !== 'true' && disabled !== 'false') {
    throw new TelemetryConfigError(`expected OTEL_SDK_DISABLED as true or false, received "${env.OTEL_SDK_DISABLED}"`);
  }
  if (disabled === 'true') return null;
  const serviceName = (env.OTEL_SERVICE_NAME ?? '').trim() || defaultServiceName;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(serviceName)) {
    throw new TelemetryConfigError(`expected OTEL_SERVICE_NAME as letters, digits, ".", "_" or "-", received "${serviceName}"`);
  }
  const endpoint = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim();
  if (endpoint === '') return { serviceName };
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    // Not echoed: a URL with credentials in it would put them in a log.
    throw new TelemetryConfigError('expected OTEL_EXPORTER_OTLP_ENDPOINT as an http(s) URL without credentials, received another value');
  }
  return { serviceName, otlpEndpoint: endpoint };
}
