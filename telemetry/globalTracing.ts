/**
 * The one piece of tracing that is global, and why: @apollo/gateway's
 * executeQueryPlan makes its spans (gateway.execute, gateway.fetch,
 * gateway.postprocessing) with a tracer it took from OpenTelemetry's GLOBAL
 * API when its module loaded, and the API caches the provider behind that
 * tracer on first use. So for its spans to join our traces a provider must be
 * registered globally, and it must be one that never changes: this module
 * registers, once per process, a provider that forwards every span to the
 * tracer provider of the Telemetry most recently created and not yet shut
 * down (createTelemetry attaches its own), and the AsyncLocalStorage context
 * manager and W3C trace-context propagator the spans' parent links need.
 * Everything else of a Telemetry is passed in, not looked up here.
 */
import { ProxyTracerProvider, context, propagation, trace } from '@opentelemetry/api';
import type { Context, Span, SpanOptions, Tracer, TracerOptions, TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The providers of the live Telemetries, last created last (module state: see the file comment for why). */
const attached: TracerProvider[] = [];
/** Without a live Telemetry: the API's no-op tracers (spans carry their parent's context and record nothing). */
const noop = new ProxyTracerProvider();
let installed: boolean | undefined;

function currentProvider(): TracerProvider {
  return attached[attached.length - 1] ?? noop;
}

/** A tracer that asks the current provider for its tracer at each span (BasicTracerProvider keeps them by name). */
class ForwardingTracer implements Tracer {
  constructor(
    private readonly name: string,
    private readonly version: string | undefined,
    private readonly options: TracerOptions | undefined,
  ) {}

  private target(): Tracer {
    return currentProvider().getTracer(this.name, this.version, this.options);
  }

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    return this.target().startSpan(name, options, ctx);
  }

  // Why the cast: startActiveSpan has three overloads; the arguments are handed on exactly as given.
  startActiveSpan: Tracer['startActiveSpan'] = ((...args: unknown[]) =>
    (this.target().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'];
}

class ForwardingTracerProvider implements TracerProvider {
  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new ForwardingTracer(name, version, options);
  }
}

/**
 * Registers the forwarding provider, context manager and propagator globally
 * (once per process) and makes `provider` the one spans go to until the
 * returned function detaches it. Returns false as `global` when another
 * provider was registered globally before ours: then @apollo/gateway's spans
 * go there, not into our traces.
 */
export function attachGlobalTracing(provider: TracerProvider): { readonly global: boolean; detach(): void } {
  if (installed === undefined) {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    if (!context.setGlobalContextManager(contextManager)) contextManager.disable();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    installed = trace.setGlobalTracerProvider(new ForwardingTracerProvider());
  }
  attached.push(provider);
  return {
    global: installed,
    detach: () => {
      const i = attached.lastIndexOf(provider);
      if (i >= 0) attached.splice(i, 1);
    },
  };
}
