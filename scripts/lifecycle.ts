/**
 * Orderly start and stop of a process made of several services: each
 * started service registers how to close it; SIGINT/SIGTERM (or a failed
 * start) closes them in reverse order within a hard deadline, then exits.
 *
 * Graceful stop (issue 14): `draining` turns true at once (readiness checks
 * answer 503 from then on), then after `delayMs` (signals only: a load
 * balancer's probes see the 503 before the server stops accepting) the HTTP
 * servers registered with `addServer` stop accepting and let requests in
 * flight finish (idle keep-alive connections are closed) within `drainMs`;
 * past it their connections are cut and the exit code is 1. Then the rest
 * closes in reverse order.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../subgraphs/server/logger.ts';

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Closing the services (after the drain) must end within this many ms, or the process exits anyway (code 1); default 5 000. */
  readonly deadlineMs?: number;
  /** How to end the process; default process.exit (tests pass a spy). */
  readonly exit?: (code: number) => void;
  /** After a signal: how long readiness says 503 before the servers stop accepting; default 0. */
  readonly delayMs?: number;
  /**
   * How long requests in flight have to finish once the servers stop
   * accepting; past it their connections are cut and the exit code is 1.
   * Default: no drain deadline of its own (the servers close within `deadlineMs`, as before issue 14).
   */
  readonly drainMs?: number;
}

interface Step {
  readonly name: string;
  readonly close: () => Promise<unknown> | unknown;
  /** An HTTP server: closed first (drained), and its connections cut past the drain deadline. */
  readonly cut?: () => void;
}

/** An HTTP service the lifecycle drains: a Fastify app, whose close() stops accepting and waits for requests in flight. */
export interface DrainableServer {
  readonly server: Server;
  close(): PromiseLike<unknown>;
}

/** The services of this process in start order, closed in reverse. */
export class Lifecycle {
  private readonly steps: Step[] = [];
  private stopping: Promise<void> | undefined;
  private isDraining = false;
  private readonly deadlineMs: number;
  private readonly exit: (code: number) => void;

  constructor(private readonly options: ShutdownOptions) {
    this.deadlineMs = options.deadlineMs ?? 5_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Registers a started service; returns it for chaining. */
  add<T>(name: string, value: T, close: (value: T) => Promise<unknown> | unknown): T {
    this.steps.push({ name, close: () => close(value) });
    return value;
  }

  /** True from the moment a stop begins: readiness checks answer 503 from then on. */
  get draining(): boolean {
    return this.isDraining;
  }

  /**
   * Registers an HTTP server (e.g. a Fastify app): a stop closes it before
   * anything else, letting requests in flight finish within the drain deadline.
   */
  addServer<T extends DrainableServer>(name: string, app: T): T {
    const { server } = app;
    // Responses under way, so a drain can tell their clients not to reuse the connection.
    const inFlight = new Set<ServerResponse>();
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    });
    const drain = async (): Promise<void> => {
      // Why: server.close() closes the keep-alive connections idle at that moment only; one whose request is
      // still under way would stay open after its answer (the client keeping it), and the drain would wait for it.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
    };
    this.steps.push({ name, close: drain, cut: () => server.closeAllConnections() });
    return app;
  }

  /**
   * Drains the servers, then closes every other service in reverse start
   * order (one failing does not stop the others), then exits with `code`. A
   * second call while stopping waits for the first. `delay`: wait delayMs
   * first (a signal's stop; not a failed start's). Past the deadlines the
   * process exits with code 1.
   */
  stop(reason: string, code = 0, options: { readonly delay?: boolean } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    this.isDraining = true;
    const { logger } = this.options;
    const delayMs = options.delay ? (this.options.delayMs ?? 0) : 0;
    const drainMs = this.options.drainMs;
    logger.info({ reason, services: this.steps.length, ...(drainMs !== undefined ? { delayMs, drainMs } : {}) }, 'stopping');
    const started = Date.now();
    this.stopping = (async () => {
      let failed = false;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const servers = [...this.steps].reverse().filter((s) => s.cut);
      const rest = [...this.steps].reverse().filter((s) => !s.cut);
      const close = async (step: Step): Promise<void> => {
        try {
          await step.close();
        } catch (err) {
          failed = true;
          logger.error({ service: step.name, errorName: err instanceof Error ? err.name : typeof err }, 'service did not close cleanly');
        }
      };
      // Why a deadline armed only now: the delay and the drain have their own; this one bounds closing what is left.
      const armDeadline = (ms: number): NodeJS.Timeout => {
        const timer = setTimeout(() => {
          logger.error({ deadlineMs: ms }, 'stop deadline passed; exiting with services still open');
          this.exit(1);
        }, ms);
        timer.unref();
        return timer;
      };
      let deadline: NodeJS.Timeout | undefined;
      if (drainMs === undefined) {
        deadline = armDeadline(this.deadlineMs);
        for (const step of servers) await close(step);
      } else if (servers.length > 0) {
        const drained = Promise.all(servers.map(close));
        let timer: NodeJS.Timeout | undefined;
        const passed = await Promise.race([
          drained.then(() => false),
          new Promise<boolean>((r) => {
            timer = setTimeout(() => r(true), drainMs);
          }),
        ]);
        clearTimeout(timer);
        logger.info({ durationMs: Date.now() - started, drained: !passed }, 'servers closed');
        if (passed) {
          failed = true;
          logger.error({ drainMs }, 'drain deadline passed; cutting the connections still open');
          for (const step of servers) step.cut?.();
        }
        deadline = armDeadline(this.deadlineMs);
        await drained;
      }
      deadline ??= armDeadline(this.deadlineMs);
      for (const step of rest) await close(step);
      clearTimeout(deadline);
      logger.info({ durationMs: Date.now() - started }, 'stopped');
      this.exit(failed && code === 0 ? 1 : code);
    })();
    return this.stopping;
  }

  /** Stops on SIGINT and SIGTERM (exit 0); a second signal while stopping exits at once (code 130). */
  handleSignals(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.stopping) {
        this.options.logger.warn({ signal }, 'second signal while stopping; exiting now');
        this.exit(130);
        return;
      }
      void this.stop(signal, 0, { delay: true });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // An error nothing caught: stop everything rather than run on half-broken. Name only, never the message.
    process.on('uncaughtException', (err) => {
      this.options.logger.error({ errorName: err.name }, 'uncaught exception');
      void this.stop('uncaughtException', 1);
    });
    process.on('unhandledRejection', (err) => {
      this.options.logger.error({ errorName: err instanceof Error ? err.name : typeof err }, 'unhandled rejection');
      void this.stop('unhandledRejection', 1);
    });
  }
}
