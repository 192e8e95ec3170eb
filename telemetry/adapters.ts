/**
 * Source calls as spans and metrics: decorators around a SourceAdapter and
 * the VtjAdapter, so no adapter changes. Each call is one client span
 * (`{instance} {method}`) and one count by outcome, its time, and its errors
 * by adapter error code: a call that fails counts once, and each key of a
 * batch whose slot holds an AdapterError counts once (the call is then
 * `partial`). An adapter's arguments are identity codes: they are never put
 * in a span or a label, only how many keys there were; nor are error
 * messages (only codes).
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { AdapterError } from '../domain/errors.ts';
import type { ChangedPage, SourceAdapter, VtjAdapter } from '../domain/sourceAdapter.ts';
import type { InstanceId } from '../domain/region.ts';
import type { Telemetry } from './telemetry.ts';

/** The span attributes source calls carry (names of our own: no semantic convention fits an adapter). */
export const SOURCE_ATTRIBUTES = {
  instance: 'regiongraph.source.instance',
  product: 'regiongraph.source.product',
  method: 'regiongraph.source.method',
  keys: 'regiongraph.source.keys',
  failedKeys: 'regiongraph.source.failed_keys',
  outcome: 'regiongraph.source.outcome',
  errorCodes: 'regiongraph.source.error_codes',
  pages: 'regiongraph.source.pages',
} as const;

/** Code counted for a rejection that is not an AdapterError (a programming error). */
const INTERNAL = 'INTERNAL_ERROR';

/**
 * Whether a SOURCE_UNAVAILABLE error was a deadline: a cause marked as a
 * timeout (the wire toolkit's TransportFailure / SoapHttpFailure kind, or a
 * TimeoutError), or the catalogue's wording of one ("… within N ms").
 */
export function isTimeout(err: AdapterError): boolean {
  if (err.code !== 'SOURCE_UNAVAILABLE') return false;
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const { kind, name, cause } = e as { kind?: unknown; name?: unknown; cause?: unknown };
    if (kind === 'timeout' || name === 'TimeoutError') return true;
    e = cause;
  }
  return /\bwithin \d+ ms\b/.test(err.message);
}

/** One instance's calls: a span, then counts by outcome and code. */
class SourceCalls {
  constructor(
    private readonly telemetry: Telemetry,
    private readonly instance: string,
    private readonly product: string,
  ) {}

  start(method: string, keys?: number): { span: Span; started: number } {
    const span = this.telemetry.tracer.startSpan(`${this.instance} ${method}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        [SOURCE_ATTRIBUTES.instance]: this.instance,
        [SOURCE_ATTRIBUTES.product]: this.product,
        [SOURCE_ATTRIBUTES.method]: method,
        ...(keys !== undefined ? { [SOURCE_ATTRIBUTES.keys]: keys } : {}),
      },
    });
    return { span, started: performance.now() };
  }

  /** Ends a call: `errors` are the failed keys' errors (or the call's own, `failed` true). */
  end(method: string, call: { span: Span; started: number }, errors: readonly unknown[], failed: boolean): void {
    const { metrics } = this.telemetry;
    const labels = { instance: this.instance, method };
    const outcome = failed ? 'error' : errors.length > 0 ? 'partial' : 'ok';
    metrics.sourceCalls.inc({ ...labels, outcome });
    metrics.sourceDuration.observe(labels, (performance.now() - call.started) / 1000);
    const codes: string[] = [];
    for (const err of errors) {
      const code = err instanceof AdapterError ? err.code : INTERNAL;
      codes.push(code);
      metrics.sourceErrors.inc({ ...labels, code });
      if (err instanceof AdapterError && isTimeout(err)) metrics.sourceTimeouts.inc(labels);
    }
    const { span } = call;
    span.setAttribute(SOURCE_ATTRIBUTES.outcome, outcome);
    if (codes.length > 0) {
      const distinct = [...new Set(codes)];
      span.setAttribute(SOURCE_ATTRIBUTES.errorCodes, distinct);
      if (!failed) span.setAttribute(SOURCE_ATTRIBUTES.failedKeys, codes.length);
      // The code only: an error's message is the adapter's, and its cause may quote the wire.
      span.setStatus({ code: SpanStatusCode.ERROR, message: distinct.join(' ') });
    }
    span.end();
  }

  /** Runs a batch read in its span; slots holding an AdapterError are that key's failure. */
  async batch<S>(method: string, keys: number, read: () => Promise<S[]>): Promise<S[]> {
    const call = this.start(method, keys);
    let slots: S[];
    try {
      slots = await context.with(trace.setSpan(context.active(), call.span), read);
    } catch (err) {
      this.end(method, call, [err], true);
      throw err;
    }
    this.end(
      method,
      call,
      slots.filter((s) => s instanceof AdapterError),
      false,
    );
    return slots;
  }

  /** A listing as one span from the first page asked for to the last (or the consumer's stop). */
  async *listing(method: string, list: () => AsyncIterable<ChangedPage>): AsyncIterable<ChangedPage> {
    const call = this.start(method);
    let pages = 0;
    try {
      for await (const page of context.with(trace.setSpan(context.active(), call.span), list)) {
        pages++;
        yield page;
      }
    } catch (err) {
      call.span.setAttribute(SOURCE_ATTRIBUTES.pages, pages);
      this.end(method, call, [err], true);
      throw err;
    }
    call.span.setAttribute(SOURCE_ATTRIBUTES.pages, pages);
    this.end(method, call, [], false);
  }
}

/** A SourceAdapter whose calls are traced and counted (instance, method, outcome, error codes; never the identity codes). */
export function instrumentAdapter(adapter: SourceAdapter, telemetry: Telemetry): SourceAdapter {
  const calls = new SourceCalls(telemetry, adapter.instance, adapter.product);
  return {
    instance: adapter.instance,
    product: adapter.product,
    readPersons: (hetus, options) => calls.batch('readPersons', hetus.length, () => adapter.readPersons(hetus, options)),
    listChanged: (since, options) => calls.listing('listChanged', () => adapter.listChanged(since, options)),
    close: () => adapter.close(),
  };
}

/**
 * The VTJ adapter with its reads traced and counted; any further methods of
 * the object (e.g. PersonDirectory's `surnames`) are kept as they are.
 */
export function instrumentVtj<V extends VtjAdapter>(vtj: V, telemetry: Telemetry): V {
  const calls = new SourceCalls(telemetry, vtj.instance, 'vtj');
  const readPersons: VtjAdapter['readPersons'] = (hetus, options) =>
    calls.batch('readPersons', hetus.length, () => vtj.readPersons(hetus, options));
  // Why a Proxy: the VTJ object is also the ProConsona adapters' PersonDirectory; every other member must stay the original's.
  return new Proxy(vtj, {
    get(target, key, receiver) {
      if (key === 'readPersons') return readPersons;
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A set of sources with every adapter and VTJ traced and counted (instrumentAdapter, instrumentVtj); without telemetry, as given. */
export function instrumentSources<V extends VtjAdapter | undefined>(
  sources: { readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>; readonly vtj: V },
  telemetry: Telemetry | undefined,
): { readonly adapters: ReadonlyMap<InstanceId, SourceAdapter>; readonly vtj: V } {
  if (!telemetry) return sources;
  return {
    adapters: new Map([...sources.adapters].map(([id, a]) => [id, instrumentAdapter(a, telemetry)])),
    vtj: (sources.vtj && instrumentVtj(sources.vtj, telemetry)) as V,
  };
}
